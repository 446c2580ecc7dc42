/* tile.c: C2SP tlog-tiles, the pure part: a tile's path and the hashes of
 * the tiles of a tree. */
#ifndef ENDORSE_TILE_H
#define ENDORSE_TILE_H

#include <stddef.h>
#include <stdint.h>

/* A tile is 256 hashes (or entries) wide; a partial tile 1 to 255. */
#define ENDORSE_TILE_WIDTH 256
/* The level of the entry bundles in a tile's path (tile/entries/...). */
#define ENDORSE_TILE_ENTRIES (-1)
/* The longest path endorse_tile_path writes, with its NUL. */
#define ENDORSE_TILE_PATH_MAX 96

/* Writes the path of tile index at level (0 to 63, or
 * ENDORSE_TILE_ENTRIES) into buf: tile/L/N or tile/entries/N, N in 3-digit
 * elements, all but the last prefixed with x (1234067: x001/x234/067),
 * followed by .p/W when width is below 256. ENDORSE_EUSAGE for a level or
 * width out of range. */
int endorse_tile_path(char buf[ENDORSE_TILE_PATH_MAX], int level, uint64_t index,
	unsigned width);

/* The hashes one level up from count hashes of a level: each is the Merkle
 * Tree Hash of one full tile of 256 (RFC 6962: a tile is a complete
 * subtree of height 8); count / 256 of them, written to up. */
void endorse_tile_level_up(uint8_t (*up)[32], const uint8_t (*hashes)[32], uint64_t count);

#endif
