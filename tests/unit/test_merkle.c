/* The streaming RFC 6962 tree against a direct recursive MTH (RFC 6962 §2.1)
 * and against the independent implementation's roots in ../shared. */
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

static const test_case cases[] = {
	CASE(matches_rfc6962),
	CASE(empty_tree),
	CASE(shared_roots),
};

HARNESS_MAIN(cases)
