/* C2SP tlog-tiles' pure part (src/lib/tile.c): tile paths as the
 * specification spells them, and the hashes one level up
 * against a direct RFC 6962 Merkle Tree Hash. */
#include <sodium.h>

#include "harness.h"
#include "tile.h"

static int
path_of(const char *want, int level, uint64_t index, unsigned width)
{
	char buf[ENDORSE_TILE_PATH_MAX];

	CHECK_OK(endorse_tile_path(buf, level, index, width));
	CHECK_STR(buf, want);
	return 0;
}

static int
paths(void)
{
	/* the specification's example: index 1234067 is x001/x234/067 */
	if (path_of("tile/0/x001/x234/067", 0, 1234067, 256) ||
	    path_of("tile/0/000", 0, 0, 256) ||
	    path_of("tile/0/005.p/1", 0, 5, 1) ||
	    path_of("tile/3/999.p/255", 3, 999, 255) ||
	    path_of("tile/0/x001/000", 0, 1000, 256) ||
	    path_of("tile/63/x018/x446/x744/x073/x709/x551/615", 63, UINT64_MAX, 256) ||
	    path_of("tile/entries/x001/x234/067.p/17", ENDORSE_TILE_ENTRIES, 1234067, 17) ||
	    path_of("tile/entries/000", ENDORSE_TILE_ENTRIES, 0, 256))
		return 1;
	return 0;
}

static int
paths_refused(void)
{
	char buf[ENDORSE_TILE_PATH_MAX];

	CHECK_INT(endorse_tile_path(buf, 64, 0, 256), ENDORSE_EUSAGE);
	CHECK_INT(endorse_tile_path(buf, -2, 0, 256), ENDORSE_EUSAGE);
	CHECK_INT(endorse_tile_path(buf, 0, 0, 0), ENDORSE_EUSAGE);
	CHECK_INT(endorse_tile_path(buf, 0, 0, 257), ENDORSE_EUSAGE);
	return 0;
}

/* RFC 6962's MTH over hashes taken as the tree's nodes of one height. */
static void
mth(uint8_t out[32], const uint8_t (*h)[32], size_t n)
{
	uint8_t buf[65], l[32], r[32];
	size_t k = 1;

	if (n == 1) {
		memcpy(out, h[0], 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	mth(l, h, k);
	mth(r, h + k, n - k);
	buf[0] = 0x01;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	crypto_hash_sha256(out, buf, sizeof(buf));
}

static int
level_up(void)
{
	enum { N = 256 * 3 + 100 };
	static uint8_t hashes[N][32], up[3][32], want[32];

	for (size_t i = 0; i < N; i++)
		crypto_hash_sha256(hashes[i], (const uint8_t *)&i, sizeof(i));
	endorse_tile_level_up(up, (const uint8_t(*)[32])hashes, N);
	for (size_t t = 0; t < 3; t++) {
		mth(want, (const uint8_t(*)[32])hashes + t * 256, 256);
		CHECK(memcmp(up[t], want, 32) == 0);
	}
	return 0;
}

static const test_case cases[] = {
	CASE(paths),
	CASE(paths_refused),
	CASE(level_up),
};

HARNESS_MAIN(cases)
