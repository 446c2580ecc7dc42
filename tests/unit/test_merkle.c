/* The streaming RFC 6962 tree against a direct recursive MTH (RFC 6962 §2.1)
 * and against the independent implementation's roots in ../shared; proofs
 * against transparency-dev's vectors (../shared/corpora/merkle) and, for
 * every index and size up to edge sizes, against their own checks under
 * every mutation. */
#include <dirent.h>

#include <jansson.h>
#include <sodium.h>

#include "harness.h"
#include "util.h"

static void
leaf(char *out, size_t size, size_t i)
{
	snprintf(out, size, "leaf-%zu", i + 1);
}

/* MTH(D[n]) exactly as RFC 6962 defines it: split at the largest power of
 * two smaller than n. */
static void
mth(uint8_t out[32], size_t lo, size_t n)
{
	char text[32];
	uint8_t buf[65], l[32], r[32];
	size_t k = 1;

	if (n == 1) {
		leaf(text, sizeof(text), lo);
		buf[0] = 0x00;
		memcpy(buf + 1, text, strlen(text));
		crypto_hash_sha256(out, buf, 1 + strlen(text));
		return;
	}
	while (k * 2 < n)
		k *= 2;
	mth(l, lo, k);
	mth(r, lo + k, n - k);
	buf[0] = 0x01;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	crypto_hash_sha256(out, buf, 65);
}

static void
streaming_root(uint8_t out[32], size_t n)
{
	endorse_merkle m = {0};
	char text[32];
	uint8_t h[32];

	for (size_t i = 0; i < n; i++) {
		leaf(text, sizeof(text), i);
		endorse_merkle_leaf_hash(h, (const uint8_t *)text, strlen(text));
		endorse_merkle_add(&m, h);
	}
	endorse_merkle_root(&m, out);
}

static int
matches_rfc6962(void)
{
	uint8_t a[32], b[32];

	/* edge sizes: 1, 2, powers of two and their neighbours */
	for (size_t n = 1; n <= 300; n++) {
		streaming_root(a, n);
		mth(b, 0, n);
		CHECK_MSG(memcmp(a, b, 32) == 0, "root of %zu leaves differs", n);
	}
	return 0;
}

static int
empty_tree(void)
{
	endorse_merkle m = {0};
	uint8_t root[32], want[32];

	endorse_merkle_root(&m, root);
	crypto_hash_sha256(want, NULL, 0);
	CHECK(memcmp(root, want, 32) == 0);
	return 0;
}

static int
shared_roots(void)
{
	char path[4096], b64[64], line[256];
	uint8_t root[32];
	size_t n, checked = 0;
	FILE *f;

	if (!util_shared_path(path, sizeof(path), "vectors/tree/roots.txt"))
		SKIP("ENDORSE_SHARED/vectors/tree/roots.txt is absent");
	f = fopen(path, "r");
	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		char want[64];
		if (sscanf(line, "%zu %63s", &n, want) != 2)
			continue;
		streaming_root(root, n);
		sodium_bin2base64(b64, sizeof(b64), root, 32, sodium_base64_VARIANT_ORIGINAL);
		if (strcmp(b64, want) != 0) {
			fclose(f);
			CHECK_MSG(false, "root of %zu leaves: %s, the vector says %s", n, b64, want);
		}
		checked++;
	}
	fclose(f);
	CHECK(checked > 0);
	return 0;
}

/* ---- proofs ---- */

static uint8_t (*make_leaves(size_t n))[32]
{
	uint8_t(*leaves)[32] = malloc((n ? n : 1) * 32);
	char text[32];

	for (size_t i = 0; leaves != NULL && i < n; i++) {
		leaf(text, sizeof(text), i);
		endorse_merkle_leaf_hash(leaves[i], (const uint8_t *)text, strlen(text));
	}
	return leaves;
}

#define P(x) ((const uint8_t(*)[32])(x))

/* Every mutation of a valid inclusion proof is refused. */
static int
inclusion_mutations(const uint8_t (*leaves)[32], uint64_t n, uint64_t i, const uint8_t root[32],
	uint8_t proof[][32], size_t len)
{
	uint8_t more[ENDORSE_MERKLE_MAX_PROOF + 1][32];

	for (size_t h = 0; h < len; h++) {
		for (int bit = 0; bit < 256; bit += 97) {
			proof[h][bit / 8] ^= (uint8_t)(1 << (bit % 8));
			bool ok = endorse_merkle_check_inclusion(leaves[i], i, n, root, P(proof), len);
			proof[h][bit / 8] ^= (uint8_t)(1 << (bit % 8));
			CHECK_MSG(!ok, "size %llu index %llu: hash %zu bit %d flipped, still accepted",
				(unsigned long long)n, (unsigned long long)i, h, bit);
		}
	}
	if (len > 0)
		CHECK(!endorse_merkle_check_inclusion(leaves[i], i, n, root, P(proof), len - 1));
	memcpy(more, proof, len * 32);
	memcpy(more[len], root, 32);
	CHECK(!endorse_merkle_check_inclusion(leaves[i], i, n, root, P(more), len + 1));
	CHECK(!endorse_merkle_check_inclusion(leaves[i], i + 1, n, root, P(proof), len));
	if (i > 0)
		CHECK(!endorse_merkle_check_inclusion(leaves[i], i - 1, n, root, P(proof), len));
	/* (Another size is not a mutation the check can see by itself: the
	 * proof of leaf 0 of 3 leaves also reaches the root of those 3 for
	 * "size 4", as RFC 9162's algorithm is specified; the size is bound by
	 * the signed checkpoint.) */
	CHECK(!endorse_merkle_check_inclusion(leaves[(i + 1) % n], i, n, root, P(proof), len) ||
		n == 1);
	return 0;
}

/* The sizes the generated proofs sweep: every one up to 130 and the edges
 * of 256 and 512. Under valgrind (tests/valgrind.sh) up to 70 and 257 only:
 * this arithmetic allocates nothing per size, and the plain and sanitizer
 * runs sweep them all. */
static bool
sweep_size(uint64_t n)
{
	if (getenv("ENDORSE_UNDER_VALGRIND") != NULL)
		return n <= 70 || n == 257;
	return n <= 130 || n == 255 || n == 256 || n == 257 || n == 511 || n == 512 || n == 513;
}

static int
generated_inclusion(void)
{
	const uint64_t max = 513;
	uint8_t(*leaves)[32] = make_leaves(max), root[32], want[32];
	uint8_t proof[ENDORSE_MERKLE_MAX_PROOF][32];
	size_t len = 0;

	CHECK(leaves != NULL);
	for (uint64_t n = 1; n <= max; n++) {
		if (!sweep_size(n))
			continue;
		endorse_merkle_root_of(root, P(leaves), n);
		mth(want, 0, n);
		CHECK_MSG(memcmp(root, want, 32) == 0, "root_of %llu differs from MTH",
			(unsigned long long)n);
		for (uint64_t i = 0; i < n; i++) {
			CHECK(endorse_merkle_prove_inclusion(proof, &len, P(leaves), n, i) == 0);
			CHECK_MSG(endorse_merkle_check_inclusion(leaves[i], i, n, root, P(proof), len),
				"size %llu index %llu: own proof refused", (unsigned long long)n,
				(unsigned long long)i);
			if (n <= 70 || i % 17 == 0 || i + 1 == n)
				if (inclusion_mutations(P(leaves), n, i, root, proof, len) != 0) {
					free(leaves);
					return 1;
				}
		}
		CHECK_INT(endorse_merkle_prove_inclusion(proof, &len, P(leaves), n, n), ENDORSE_EUSAGE);
	}
	free(leaves);
	return 0;
}

static int
generated_consistency(void)
{
	const uint64_t max = 513;
	uint8_t(*leaves)[32] = make_leaves(max), root[32], old_root[32];
	uint8_t proof[ENDORSE_MERKLE_MAX_PROOF + 1][32];
	size_t len = 0;

	CHECK(leaves != NULL);
	for (uint64_t n = 1; n <= max; n++) {
		if (!sweep_size(n))
			continue;
		endorse_merkle_root_of(root, P(leaves), n);
		for (uint64_t m = 0; m <= n; m++) {
			endorse_merkle_root_of(old_root, P(leaves), m);
			CHECK(endorse_merkle_prove_consistency(proof, &len, P(leaves), m, n) == 0);
			if (m == 0) {
				/* proves nothing: empty, and refused */
				CHECK_INT(len, 0);
				CHECK(!endorse_merkle_check_consistency(0, n, old_root, root, P(proof), 0));
				continue;
			}
			CHECK_MSG(endorse_merkle_check_consistency(m, n, old_root, root, P(proof), len),
				"%llu -> %llu: own proof refused", (unsigned long long)m, (unsigned long long)n);
			if (m == n)
				CHECK_INT(len, 0);
			if (n > 70 && m % 13 != 0 && m + 1 != n)
				continue;
			for (size_t h = 0; h < len; h++) {
				proof[h][h % 32] ^= 0x10;
				bool ok = endorse_merkle_check_consistency(m, n, old_root, root, P(proof), len);
				proof[h][h % 32] ^= 0x10;
				CHECK_MSG(!ok, "%llu -> %llu: hash %zu flipped, still accepted",
					(unsigned long long)m, (unsigned long long)n, h);
			}
			if (len > 0)
				CHECK(!endorse_merkle_check_consistency(m, n, old_root, root, P(proof), len - 1));
			memcpy(proof[len], root, 32);
			CHECK(!endorse_merkle_check_consistency(m, n, old_root, root, P(proof), len + 1));
			CHECK(m == n || !endorse_merkle_check_consistency(m + 1, n, old_root, root, P(proof), len));
			CHECK(m == n || !endorse_merkle_check_consistency(m, n, root, old_root, P(proof), len));
		}
		CHECK_INT(endorse_merkle_prove_consistency(proof, &len, P(leaves), n + 1, n), ENDORSE_EUSAGE);
	}
	free(leaves);
	return 0;
}

/* ---- transparency-dev's vectors ---- */

/* base64 of any length into out (at most 64 bytes); false if not base64. */
static bool
decode_any(uint8_t out[64], size_t *len, json_t *v)
{
	const char *s = json_string_value(v);

	*len = 0;
	if (s == NULL)
		return false;
	return sodium_base642bin(out, 64, s, strlen(s), NULL, len, NULL,
		       sodium_base64_VARIANT_ORIGINAL) == 0;
}

/* An index or size. The vectors hold -1 as 2^64-1, beyond jansson's
 * integers, so numbers are read as reals (exact below 2^53). */
static bool
get_u64(json_t *o, const char *key, uint64_t *out)
{
	double v = json_number_value(json_object_get(o, key));

	if (!json_is_number(json_object_get(o, key)) || v < 0)
		return false;
	*out = v >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)v;
	return true;
}

/* One vector: true when endorse accepts it. Hashes that are not 32 bytes
 * cannot be SHA-256 values: endorse has no way to accept them. */
static bool
accepts(json_t *o, bool inclusion, bool *representable)
{
	uint8_t proof[ENDORSE_MERKLE_MAX_PROOF][32], a[64], b[64];
	size_t alen, blen, n = 0, i;
	json_t *p = json_object_get(o, "proof"), *h;

	*representable = true;
	if (json_is_array(p)) {
		json_array_foreach(p, i, h) {
			size_t l;
			uint8_t tmp[64];
			if (n == ENDORSE_MERKLE_MAX_PROOF || !decode_any(tmp, &l, h) || l != 32) {
				*representable = false;
				return false;
			}
			memcpy(proof[n++], tmp, 32);
		}
	} else if (!json_is_null(p)) {
		*representable = false;
		return false;
	}
	if (inclusion) {
		uint64_t idx, size;
		if (!decode_any(a, &alen, json_object_get(o, "leafHash")) || alen != 32 ||
		    !decode_any(b, &blen, json_object_get(o, "root")) || blen != 32 ||
		    !get_u64(o, "leafIdx", &idx) || !get_u64(o, "treeSize", &size)) {
			*representable = false;
			return false;
		}
		return endorse_merkle_check_inclusion(a, idx, size, b, P(proof), n);
	}
	uint64_t s1, s2;
	if (!decode_any(a, &alen, json_object_get(o, "root1")) || alen != 32 ||
	    !decode_any(b, &blen, json_object_get(o, "root2")) || blen != 32 ||
	    !get_u64(o, "size1", &s1) || !get_u64(o, "size2", &s2)) {
		*representable = false;
		return false;
	}
	return endorse_merkle_check_consistency(s1, s2, a, b, P(proof), n);
}

struct tally {
	size_t files, happy, rejected, unrepresentable_happy;
};

static int
run_dir(const char *dir, bool inclusion, struct tally *t)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	int rc = 0;

	CHECK(d != NULL);
	while (rc == 0 && (e = readdir(d)) != NULL) {
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		CHECK(stat(path, &st) == 0);
		if (S_ISDIR(st.st_mode)) {
			rc = run_dir(path, inclusion, t);
			continue;
		}
		json_error_t err;
		json_t *o = json_load_file(path, JSON_DECODE_INT_AS_REAL, &err);
		bool want_err, representable, ok;
		CHECK_MSG(o != NULL, "%s: %s", path, err.text);
		want_err = json_is_true(json_object_get(o, "wantErr"));
		ok = accepts(o, inclusion, &representable);
		json_decref(o);
		t->files++;
		if (want_err) {
			CHECK_MSG(!ok, "%s: a mutation was accepted", path);
			t->rejected++;
		} else if (!representable) {
			/* only consistency/additional/sizes-are-equal-one-and-proof-is-empty:
			 * Go compares 12-byte "roots" byte for byte */
			t->unrepresentable_happy++;
		} else {
			CHECK_MSG(ok, "%s: a happy path was refused", path);
			t->happy++;
		}
	}
	closedir(d);
	return rc;
}

static int
corpus(const char *rel, bool inclusion, size_t files, size_t happy, size_t odd)
{
	char dir[4096];
	struct tally t = {0, 0, 0, 0};

	if (!util_shared_path(dir, sizeof(dir), rel))
		SKIP("ENDORSE_SHARED/corpora/merkle is absent");
	if (run_dir(dir, inclusion, &t) != 0)
		return 1;
	printf("%s: %zu files, %zu happy paths accepted, %zu mutations rejected, %zu happy paths "
		"with hashes that are not 32 bytes\n", rel, t.files, t.happy, t.rejected,
		t.unrepresentable_happy);
	CHECK_INT(t.files, files);
	CHECK_INT(t.happy, happy);
	CHECK_INT(t.unrepresentable_happy, odd);
	return 0;
}

static int
corpus_inclusion(void)
{
	return corpus("corpora/merkle/testdata/inclusion", true, 98, 6, 0);
}

static int
corpus_consistency(void)
{
	return corpus("corpora/merkle/testdata/consistency", false, 98, 5, 1);
}

static const test_case cases[] = {
	CASE(matches_rfc6962),
	CASE(empty_tree),
	CASE(shared_roots),
	CASE(generated_inclusion),
	CASE(generated_consistency),
	CASE(corpus_inclusion),
	CASE(corpus_consistency),
};

HARNESS_MAIN(cases)
