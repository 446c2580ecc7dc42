/* A growable array: the one way the library makes room for one more
 * element. Capacity starts at one (most organisations hold one key and
 * endorse once) and doubles, so n appends copy O(n) elements in all. */
#ifndef ENDORSE_ARRAY_H
#define ENDORSE_ARRAY_H

#include <stddef.h>

/* Returns items (or a new block holding them) with room for at least need
 * elements of size bytes, and sets *cap to that room; NULL when out of
 * memory or need * size overflows (items and *cap are then unchanged, and
 * the error is recorded). items may be NULL with *cap 0. */
void *endorse_array_reserve(void *items, size_t *cap, size_t need, size_t size);

#endif
