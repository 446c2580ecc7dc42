/* The library's support modules: the error channel (error.h), the growable
 * array (array.h), the hash set (hashset.h) and the memo of checked points
 * (points.h), which is built on both. */
#include "harness.h"
#include "util.h"

#include "points.h"

#include "array.h"
#include "hashset.h"

static int
error_record_holds_code_rule_place(void)
{
	const endorse_error_info *e;

	CHECK_INT(endorse_error_set(ENDORSE_EINVALID, "signature", "line %d is bad", 3),
		ENDORSE_EINVALID);
	endorse_error_at("log/endorsements.jsonl", 3);
	e = endorse_error_get();
	CHECK_INT(e->code, ENDORSE_EINVALID);
	CHECK(e->rule != NULL && strcmp(e->rule, "signature") == 0);
	CHECK(e->file != NULL && strcmp(e->file, "log/endorsements.jsonl") == 0);
	CHECK_INT(e->line, 3);
	CHECK(strcmp(e->message, "line 3 is bad") == 0);
	CHECK(strcmp(endorse_error_last(), "line 3 is bad") == 0);
	/* a new error clears the rule and the place */
	CHECK_INT(endorse_error_set(ENDORSE_EIO, NULL, "disk"), ENDORSE_EIO);
	e = endorse_error_get();
	CHECK(e->rule == NULL && e->file == NULL && e->line == 0);
	return 0;
}

static int
error_wrap_keeps_rule_prefixes_message(void)
{
	(void)endorse_error_set(ENDORSE_EINVALID, "prev", "chain broken");
	CHECK_INT(endorse_error_wrap(ENDORSE_EINVALID, "%s", "log"), ENDORSE_EINVALID);
	CHECK(strcmp(endorse_error_last(), "log: chain broken") == 0);
	CHECK(strcmp(endorse_error_get()->rule, "prev") == 0);
	return 0;
}

static int
error_save_restore_crosses_threads(void)
{
	endorse_error_saved saved;

	(void)endorse_error_set(ENDORSE_EINVALID, "canonical", "not canonical");
	endorse_error_save(&saved);
	(void)endorse_error_set(ENDORSE_EIO, NULL, "other");
	CHECK_INT(endorse_error_restore(&saved), ENDORSE_EINVALID);
	CHECK(strcmp(endorse_error_last(), "not canonical") == 0);
	CHECK(strcmp(endorse_error_get()->rule, "canonical") == 0);
	return 0;
}

static int
array_reserve_doubles_and_refuses_overflow(void)
{
	size_t cap = 0, grown_times = 0, last_cap = 0;
	uint64_t *items = NULL, *p;

	for (size_t i = 0; i < 10000; i++) {
		p = endorse_array_reserve(items, &cap, i + 1, sizeof(*items));
		CHECK(p != NULL);
		items = p;
		items[i] = i;
		if (cap != last_cap)
			grown_times++;
		last_cap = cap;
	}
	CHECK(cap >= 10000 && cap < 20000);
	CHECK(grown_times <= 15);  /* doubling from 1: log2(10000) + 1 */
	for (size_t i = 0; i < 10000; i++)
		CHECK_INT(items[i], i);
	/* an element count whose size overflows: NULL, items and cap unchanged */
	p = endorse_array_reserve(items, &cap, SIZE_MAX / 4, sizeof(*items));
	CHECK(p == NULL);
	CHECK_INT(endorse_error_get()->code, ENDORSE_ENOMEM);
	CHECK_INT(cap, last_cap);
	free(items);
	return 0;
}

struct names {
	char (*name)[16];
};

static void
name_key(const void *ctx, size_t i, const void **key, size_t *len)
{
	const struct names *n = ctx;

	*key = n->name[i];
	*len = strlen(n->name[i]);
}

static int
hashset_finds_every_index(void)
{
	enum { N = 5000 };
	struct names n = { calloc((size_t)N, 16) };
	endorse_hashset set;

	CHECK(n.name != NULL);
	endorse_hashset_init(&set, name_key);
	CHECK_INT(endorse_hashset_find(&set, &n, "x", 1), ENDORSE_HASHSET_NONE);
	for (size_t i = 0; i < N; i++) {
		(void)snprintf(n.name[i], 16, "org%zu", i);
		CHECK_INT(endorse_hashset_add(&set, &n, i), 0);
	}
	CHECK_INT(set.count, N);
	CHECK(set.cap >= (size_t)2 * N);
	for (size_t i = 0; i < N; i++)
		CHECK_INT(endorse_hashset_find(&set, &n, n.name[i], strlen(n.name[i])), i);
	CHECK_INT(endorse_hashset_find(&set, &n, "org", 3), ENDORSE_HASHSET_NONE);
	CHECK_INT(endorse_hashset_find(&set, &n, "org1x", 5), ENDORSE_HASHSET_NONE);
	/* a key that is a prefix of another is not that other */
	CHECK_INT(endorse_hashset_find(&set, &n, "org1", 4), 1);
	endorse_hashset_free(&set);
	CHECK_INT(endorse_hashset_find(&set, &n, "org1", 4), ENDORSE_HASHSET_NONE);
	free(n.name);
	return 0;
}

/* The memo answers as crypto_core_ed25519_is_valid_point does, remembers
 * only keys that passed (a bad point is refused every time, however many
 * good ones came before), and keeps its answers as it grows. */
static int
points_memo_remembers_only_valid_points(void)
{
	/* small order 8 (ed25519-speccheck cases 0 and 1), the identity, and
	 * all zeros (order 4) */
	static const char *const bad_hex[] = {
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"0000000000000000000000000000000000000000000000000000000000000000",
	};
	enum { KEYS = 600 }; /* the set grows six times */
	uint8_t(*good)[32] = malloc((size_t)KEYS * 32), sk[64], bad[3][32];
	endorse_points *p = endorse_points_new();

	CHECK(good != NULL && p != NULL);
	for (size_t i = 0; i < 3; i++)
		CHECK(sodium_hex2bin(bad[i], 32, bad_hex[i], 64, NULL, NULL, NULL) == 0);
	for (size_t i = 0; i < KEYS; i++) {
		CHECK(crypto_sign_keypair(good[i], sk) == 0);
		CHECK(endorse_points_valid(p, good[i]));
		CHECK(endorse_points_valid(p, good[i])); /* now from the memo */
		CHECK(!endorse_points_valid(p, bad[i % 3]));
	}
	for (size_t i = 0; i < KEYS; i++)
		CHECK(endorse_points_valid(p, good[i]));
	for (size_t i = 0; i < 3; i++) {
		CHECK(!endorse_points_valid(p, bad[i]));
		CHECK(!endorse_points_valid(NULL, bad[i]));
	}
	CHECK(endorse_points_valid(NULL, good[0]));
	sodium_memzero(sk, sizeof(sk));
	endorse_points_free(p);
	free(good);
	return 0;
}

static const test_case cases[] = {
	CASE(error_record_holds_code_rule_place),
	CASE(error_wrap_keeps_rule_prefixes_message),
	CASE(error_save_restore_crosses_threads),
	CASE(array_reserve_doubles_and_refuses_overflow),
	CASE(hashset_finds_every_index),
	CASE(points_memo_remembers_only_valid_points),
};

HARNESS_MAIN(cases)
