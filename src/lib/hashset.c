/* hashset.h: open addressing with linear probing over SipHash. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hashset.h"

void
endorse_hashset_init(endorse_hashset *set, endorse_hashset_key_fn key_of)
{
	memset(set, 0, sizeof(*set));
	set->key_of = key_of;
	randombytes_buf(set->hash_key, sizeof(set->hash_key));
}

void
endorse_hashset_free(endorse_hashset *set)
{
	free(set->slots);
	set->slots = NULL;
	set->cap = set->count = 0;
}

static size_t
first_slot(const endorse_hashset *set, const void *key, size_t len, size_t cap)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, key, len, set->hash_key);
	memcpy(&v, h, sizeof(v));
	return (size_t)v & (cap - 1);
}

size_t
endorse_hashset_find(const endorse_hashset *set, const void *ctx, const void *key, size_t len)
{
	const void *other;
	size_t other_len;

	if (set->cap == 0)
		return ENDORSE_HASHSET_NONE;
	/* at most half full: the probe ends at an empty slot */
	for (size_t i = first_slot(set, key, len, set->cap);; i = (i + 1) & (set->cap - 1)) {
		if (set->slots[i] == 0)
			return ENDORSE_HASHSET_NONE;
		set->key_of(ctx, set->slots[i] - 1, &other, &other_len);
		if (other_len == len && memcmp(other, key, len) == 0)
			return set->slots[i] - 1;
	}
}

static void
put(const endorse_hashset *set, const void *ctx, size_t *slots, size_t cap, size_t index)
{
	const void *key;
	size_t len, i;

	set->key_of(ctx, index, &key, &len);
	for (i = first_slot(set, key, len, cap); slots[i] != 0; i = (i + 1) & (cap - 1))
		;
	slots[i] = index + 1;
}

int
endorse_hashset_add(endorse_hashset *set, const void *ctx, size_t index)
{
	if (2 * (set->count + 1) > set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 16;
		size_t *slots = calloc(cap, sizeof(*slots));
		if (slots == NULL)
			return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		for (size_t i = 0; i < set->cap; i++)
			if (set->slots[i] != 0)
				put(set, ctx, slots, cap, set->slots[i] - 1);
		free(set->slots);
		set->slots = slots;
		set->cap = cap;
	}
	put(set, ctx, set->slots, set->cap, index);
	set->count++;
	return 0;
}
