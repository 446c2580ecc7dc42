/* The RFC 6962 Merkle tree of the log (SPEC.md §5), computed while the log
 * streams by: a stack of the roots of perfect subtrees, at most 64 deep. */
#include <string.h>

#include <sodium.h>

#include "error.h"

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

/* ---- proofs over an array of leaf hashes (RFC 6962 §2.1.1, §2.1.2) ---- */

/* The largest power of two smaller than n (n > 1). */
static uint64_t
split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* MTH(D[lo:lo+n]). */
static void
subtree_root(uint8_t out[32], const uint8_t (*leaves)[32], uint64_t lo, uint64_t n)
{
	endorse_merkle m = {.depth = 0, .size = 0};

	for (uint64_t i = 0; i < n; i++)
		endorse_merkle_add(&m, leaves[lo + i]);
	endorse_merkle_root(&m, out);
}

void
endorse_merkle_root_of(uint8_t out[32], const uint8_t (*leaves)[32], uint64_t size)
{
	subtree_root(out, leaves, 0, size);
}

/* PATH(m, D[lo:lo+n]): the sibling nearest the leaf comes first, so the
 * recursion appends after descending. */
static void
path(uint8_t proof[][32], size_t *len, const uint8_t (*leaves)[32], uint64_t lo, uint64_t n,
	uint64_t m)
{
	uint64_t k;

	if (n == 1)
		return;
	k = split_point(n);
	if (m < k) {
		path(proof, len, leaves, lo, k, m);
		subtree_root(proof[(*len)++], leaves, lo + k, n - k);
	} else {
		path(proof, len, leaves, lo + k, n - k, m - k);
		subtree_root(proof[(*len)++], leaves, lo, k);
	}
}

int
endorse_merkle_prove_inclusion(uint8_t proof[][32], size_t *len, const uint8_t (*leaves)[32],
	uint64_t size, uint64_t index)
{
	*len = 0;
	if (index >= size)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"leaf %llu is not in a tree of %llu leaves",
			(unsigned long long)index, (unsigned long long)size);
	path(proof, len, leaves, 0, size, index);
	return 0;
}

/* SUBPROOF(m, D[lo:lo+n], b). */
static void
subproof(uint8_t proof[][32], size_t *len, const uint8_t (*leaves)[32], uint64_t lo, uint64_t n,
	uint64_t m, bool whole)
{
	uint64_t k;

	if (m == n) {
		if (!whole)
			subtree_root(proof[(*len)++], leaves, lo, n);
		return;
	}
	k = split_point(n);
	if (m <= k) {
		subproof(proof, len, leaves, lo, k, m, whole);
		subtree_root(proof[(*len)++], leaves, lo + k, n - k);
	} else {
		subproof(proof, len, leaves, lo + k, n - k, m - k, false);
		subtree_root(proof[(*len)++], leaves, lo, k);
	}
}

int
endorse_merkle_prove_consistency(uint8_t proof[][32], size_t *len, const uint8_t (*leaves)[32],
	uint64_t old_size, uint64_t size)
{
	*len = 0;
	if (old_size > size)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"a tree of %llu leaves cannot follow one of %llu",
			(unsigned long long)size, (unsigned long long)old_size);
	if (old_size == 0 || old_size == size)
		return 0;
	subproof(proof, len, leaves, 0, size, old_size, true);
	return 0;
}

/* ---- checking proofs (RFC 9162 §2.1.3.2, §2.1.4.2, in the bit-level form
 * of transparency-dev's merkle package) ---- */

static unsigned
bit_length(uint64_t x)
{
	unsigned n = 0;

	for (; x != 0; x >>= 1)
		n++;
	return n;
}

static unsigned
ones(uint64_t x)
{
	unsigned n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

static unsigned
trailing_zeros(uint64_t x)
{
	unsigned n = 0;

	for (; x != 0 && (x & 1) == 0; x >>= 1)
		n++;
	return n;
}

/* An inclusion proof of index in size splits into inner hashes (below the
 * point where the paths to index and to the last leaf part) and border
 * hashes (left siblings on the right border). */
static void
decompose(uint64_t index, uint64_t size, unsigned *inner, unsigned *border)
{
	*inner = bit_length(index ^ (size - 1));
	*border = ones(*inner >= 64 ? 0 : index >> *inner);
}

static void
chain_inner(uint8_t seed[32], const uint8_t proof[][32], size_t n, uint64_t index)
{
	for (size_t i = 0; i < n; i++) {
		if (((index >> i) & 1) == 0)
			node_hash(seed, seed, proof[i]);
		else
			node_hash(seed, proof[i], seed);
	}
}

static void
chain_inner_right(uint8_t seed[32], const uint8_t proof[][32], size_t n, uint64_t index)
{
	for (size_t i = 0; i < n; i++)
		if (((index >> i) & 1) == 1)
			node_hash(seed, proof[i], seed);
}

static void
chain_border_right(uint8_t seed[32], const uint8_t proof[][32], size_t n)
{
	for (size_t i = 0; i < n; i++)
		node_hash(seed, proof[i], seed);
}

bool
endorse_merkle_check_inclusion(const uint8_t leaf_hash[32], uint64_t index, uint64_t size,
	const uint8_t root[32], const uint8_t proof[][32], size_t len)
{
	uint8_t h[32];
	unsigned inner, border;

	if (index >= size)
		return false;
	decompose(index, size, &inner, &border);
	if (len != (size_t)inner + border)
		return false;
	memcpy(h, leaf_hash, 32);
	chain_inner(h, proof, inner, index);
	chain_border_right(h, proof + inner, border);
	return sodium_memcmp(h, root, 32) == 0;
}

bool
endorse_merkle_check_consistency(uint64_t old_size, uint64_t size, const uint8_t old_root[32],
	const uint8_t root[32], const uint8_t proof[][32], size_t len)
{
	uint8_t seed[32], h1[32], h2[32];
	unsigned inner, border, shift;
	uint64_t mask;
	size_t start = 1;

	if (old_size > size)
		return false;
	if (old_size == size)
		return len == 0 && sodium_memcmp(old_root, root, 32) == 0;
	/* Every tree extends the empty one: a proof from size 0 proves
	 * nothing, and is refused as transparency-dev's verifier does. */
	if (old_size == 0)
		return false;
	if (len == 0)
		return false;
	/* The proof starts at the first level where old_size is not a perfect
	 * subtree; below it, the old tree's right border is one node. */
	decompose(old_size - 1, size, &inner, &border);
	shift = trailing_zeros(old_size);
	inner -= shift;
	memcpy(seed, proof[0], 32);
	if (old_size == (uint64_t)1 << shift) {
		memcpy(seed, old_root, 32);
		start = 0;
	}
	if (len != start + inner + border)
		return false;
	proof += start;
	mask = (old_size - 1) >> shift;
	memcpy(h1, seed, 32);
	chain_inner_right(h1, proof, inner, mask);
	chain_border_right(h1, proof + inner, border);
	if (sodium_memcmp(h1, old_root, 32) != 0)
		return false;
	memcpy(h2, seed, 32);
	chain_inner(h2, proof, inner, mask);
	chain_border_right(h2, proof + inner, border);
	return sodium_memcmp(h2, root, 32) == 0;
}
