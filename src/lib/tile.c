/* C2SP tlog-tiles: where a tile lives and what its hashes are. */
#include <stdio.h>

#include "endorse.h"
#include "error.h"
#include "tile.h"

int
endorse_tile_path(char buf[ENDORSE_TILE_PATH_MAX], int level, uint64_t index, unsigned width)
{
	char digits[24];
	size_t n, at;
	int len;

	if (level < ENDORSE_TILE_ENTRIES || level > 63 || width == 0 || width > ENDORSE_TILE_WIDTH)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "no tile of level %d and width %u",
			level, width);
	len = level == ENDORSE_TILE_ENTRIES ? snprintf(buf, ENDORSE_TILE_PATH_MAX, "tile/entries")
		: snprintf(buf, ENDORSE_TILE_PATH_MAX, "tile/%d", level);
	at = (size_t)len;
	/* the index in groups of three digits, zero-padded to a whole group */
	n = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)index);
	for (size_t group = 0, lead = (3 - n % 3) % 3; group * 3 < n + lead; group++) {
		bool last = (group + 1) * 3 >= n + lead;
		buf[at++] = '/';
		if (!last)
			buf[at++] = 'x';
		for (size_t k = group * 3; k < group * 3 + 3; k++) {
			if (k < lead)
				buf[at++] = '0';
			else
				buf[at++] = digits[k - lead];
		}
	}
	buf[at] = '\0';
	if (width < ENDORSE_TILE_WIDTH)
		(void)snprintf(buf + at, ENDORSE_TILE_PATH_MAX - at, ".p/%u", width);
	return 0;
}

void
endorse_tile_level_up(uint8_t (*up)[32], const uint8_t (*hashes)[32], uint64_t count)
{
	for (uint64_t i = 0; i < count / ENDORSE_TILE_WIDTH; i++)
		endorse_merkle_root_of(up[i], hashes + i * ENDORSE_TILE_WIDTH, ENDORSE_TILE_WIDTH);
}
