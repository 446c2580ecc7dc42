/* Which Ed25519 public keys are points of prime order, remembered: the
 * check costs about as much as verifying a signature, and a log names the
 * same few keys on most of its lines. The memo is shared by the threads
 * that prepare lines, so it is guarded by a read-write lock; it only ever
 * holds keys that passed the check, so a hostile key costs a check every
 * time and can never be taken for a valid one. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "points.h"

/* Beyond this many keys (64 MiB of table), new keys are checked but no
 * longer remembered. */
#define MEMO_MAX_KEYS (1u << 20)

struct endorse_points {
	pthread_rwlock_t lock;
	uint8_t (*slots)[32];  /* open addressing; all zeros is empty */
	size_t cap, count;
	uint8_t key[crypto_shorthash_KEYBYTES];
};

endorse_points *
endorse_points_new(void)
{
	endorse_points *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	if (pthread_rwlock_init(&p->lock, NULL) != 0) {
		free(p);
		return NULL;
	}
	randombytes_buf(p->key, sizeof(p->key));  /* a hostile log cannot aim at one slot */
	return p;
}

void
endorse_points_free(endorse_points *p)
{
	if (p == NULL)
		return;
	(void)pthread_rwlock_destroy(&p->lock);
	free(p->slots);
	free(p);
}

static size_t
slot_of(const endorse_points *p, const uint8_t pk[32], size_t cap)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, pk, 32, p->key);
	memcpy(&v, h, sizeof(v));
	return (size_t)v & (cap - 1);
}

static bool
is_empty(const uint8_t slot[32])
{
	static const uint8_t zero[32];

	return memcmp(slot, zero, 32) == 0;
}

/* Under the read lock. */
static bool
contains(const endorse_points *p, const uint8_t pk[32])
{
	if (p->cap == 0)
		return false;
	for (size_t i = slot_of(p, pk, p->cap);; i = (i + 1) & (p->cap - 1)) {
		if (is_empty(p->slots[i]))
			return false;
		if (memcmp(p->slots[i], pk, 32) == 0)
			return true;
	}
}

static void
put(const endorse_points *p, uint8_t (*slots)[32], size_t cap, const uint8_t pk[32])
{
	size_t i = slot_of(p, pk, cap);

	while (!is_empty(slots[i]))
		i = (i + 1) & (cap - 1);
	memcpy(slots[i], pk, 32);
}

/* Under the write lock. Out of memory only means not remembering. */
static void
remember(endorse_points *p, const uint8_t pk[32])
{
	if (contains(p, pk) || p->count >= MEMO_MAX_KEYS)
		return;
	if (2 * (p->count + 1) > p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;
		uint8_t(*slots)[32] = calloc(cap, 32);

		if (slots == NULL)
			return;
		for (size_t i = 0; i < p->cap; i++)
			if (!is_empty(p->slots[i]))
				put(p, slots, cap, p->slots[i]);
		free(p->slots);
		p->slots = slots;
		p->cap = cap;
	}
	put(p, p->slots, p->cap, pk);
	p->count++;
}

bool
endorse_points_valid(endorse_points *p, const uint8_t pk[32])
{
	bool known;

	/* All zeros is the empty slot; it is not a valid point either. */
	if (p == NULL || is_empty(pk))
		return crypto_core_ed25519_is_valid_point(pk) == 1;
	(void)pthread_rwlock_rdlock(&p->lock);
	known = contains(p, pk);
	(void)pthread_rwlock_unlock(&p->lock);
	if (known)
		return true;
	if (crypto_core_ed25519_is_valid_point(pk) != 1)
		return false;
	(void)pthread_rwlock_wrlock(&p->lock);
	remember(p, pk);
	(void)pthread_rwlock_unlock(&p->lock);
	return true;
}
