/* points.c: the library-internal declarations of its module. */
#ifndef ENDORSE_POINTS_H
#define ENDORSE_POINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"
#include "error.h"

endorse_points *endorse_points_new(void);

void endorse_points_free(endorse_points *points);

/* Whether pk is a valid Ed25519 point of prime order; points may be NULL. */
bool endorse_points_valid(endorse_points *points, const uint8_t pk[32]);

#endif
