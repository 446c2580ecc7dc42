/* The RFC 6962 Merkle tree of the log (SPEC.md §5), computed while the log
 * streams by: a stack of the roots of perfect subtrees, at most 64 deep. */
#include <string.h>

#include <sodium.h>

#include "internal.h"

static void
node_hash(uint8_t out[32], const uint8_t left[32], const uint8_t right[32])
{
	crypto_hash_sha256_state st;
	const uint8_t prefix = 0x01;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, left, 32);
	crypto_hash_sha256_update(&st, right, 32);
	crypto_hash_sha256_final(&st, out);
}

void
endorse_merkle_leaf_hash(uint8_t out[32], const uint8_t *leaf, size_t len)
{
	crypto_hash_sha256_state st;
	const uint8_t prefix = 0x00;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, leaf, len);
	crypto_hash_sha256_final(&st, out);
}

void
endorse_merkle_add(endorse_merkle *m, const uint8_t leaf_hash[32])
{
	uint8_t h[32];

	memcpy(h, leaf_hash, 32);
	/* Each trailing 1 bit of the old size is a perfect subtree of the same
	 * height as the new one: merge them. */
	for (uint64_t s = m->size; s & 1; s >>= 1)
		node_hash(h, m->stack[--m->depth], h);
	memcpy(m->stack[m->depth++], h, 32);
	m->size++;
}

void
endorse_merkle_root(const endorse_merkle *m, uint8_t out[32])
{
	uint8_t h[32];

	if (m->size == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return;
	}
	memcpy(h, m->stack[m->depth - 1], 32);
	for (size_t i = m->depth - 1; i-- > 0;)
		node_hash(h, m->stack[i], h);
	memcpy(out, h, 32);
}
