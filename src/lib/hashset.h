/* A hash set of indices into an array the caller keeps, each found by the
 * bytes of its element's key: the one hash table of the library (the
 * organisations and documents of the state, the keys an organisation has
 * held, the policy's names and keys, the memo of checked points).
 * Open addressing, at most half full; SipHash (crypto_shorthash) with a
 * random key per set, so that a hostile log cannot aim its names at one
 * slot. */
#ifndef ENDORSE_HASHSET_H
#define ENDORSE_HASHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

/* The key of element index of the caller's array (ctx), as bytes. */
typedef void (*endorse_hashset_key_fn)(const void *ctx, size_t index, const void **key,
	size_t *len);

typedef struct endorse_hashset {
	endorse_hashset_key_fn key_of;
	size_t *slots; /* index + 1; 0 is an empty slot */
	size_t cap;    /* a power of two, or 0 before the first add */
	size_t count;
	uint8_t hash_key[crypto_shorthash_KEYBYTES];
} endorse_hashset;

#define ENDORSE_HASHSET_NONE SIZE_MAX

void endorse_hashset_init(endorse_hashset *set, endorse_hashset_key_fn key_of);
void endorse_hashset_free(endorse_hashset *set);
/* The index whose key is key[0..len), or ENDORSE_HASHSET_NONE. */
size_t endorse_hashset_find(const endorse_hashset *set, const void *ctx, const void *key,
	size_t len);
/* Adds index (its key must not be in the set yet); ENDORSE_ENOMEM. */
int endorse_hashset_add(endorse_hashset *set, const void *ctx, size_t index);

#endif
