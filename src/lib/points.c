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

#include "array.h"
#include "hashset.h"
#include "points.h"

/* Beyond this many keys (32 MiB of keys and as much of set), new keys are
 * checked but no longer remembered. */
#define MEMO_MAX_KEYS (1u << 20)

struct endorse_points {
	pthread_rwlock_t lock;
	uint8_t (*keys)[32]; /* the remembered keys, in the order checked */
	size_t count, cap;
	endorse_hashset set; /* indices into keys */
};

static void
key_of(const void *ctx, size_t index, const void **key, size_t *len)
{
	const endorse_points *p = ctx;

	*key = p->keys[index];
	*len = 32;
}

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
	endorse_hashset_init(&p->set, key_of);
	return p;
}

void
endorse_points_free(endorse_points *p)
{
	if (p == NULL)
		return;
	(void)pthread_rwlock_destroy(&p->lock);
	endorse_hashset_free(&p->set);
	free(p->keys);
	free(p);
}

/* Under the read lock. */
static bool
contains(const endorse_points *p, const uint8_t pk[32])
{
	return endorse_hashset_find(&p->set, p, pk, 32) != ENDORSE_HASHSET_NONE;
}

/* Under the write lock. Out of memory only means not remembering. */
static void
remember(endorse_points *p, const uint8_t pk[32])
{
	uint8_t(*keys)[32];

	if (contains(p, pk) || p->count >= MEMO_MAX_KEYS)
		return;
	if ((keys = endorse_array_reserve(p->keys, &p->cap, p->count + 1, 32)) == NULL)
		return;
	p->keys = keys;
	memcpy(p->keys[p->count], pk, 32);
	if (endorse_hashset_add(&p->set, p, p->count) == 0)
		p->count++;
}

bool
endorse_points_valid(endorse_points *p, const uint8_t pk[32])
{
	bool known;

	if (p == NULL)
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
