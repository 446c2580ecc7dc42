/* domain.c: the library-internal declarations of its module. */
#ifndef ENDORSE_DOMAIN_H
#define ENDORSE_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"

/* domain.c: what a place lists (SPEC.md §7), appended to out->listed and
 * out->invalid_count; no I/O. */
#define ENDORSE_WELL_KNOWN_MAX 65536

int endorse_domain_parse_well_known(endorse_place_check *out, const char *body, size_t len);

int endorse_domain_parse_txt(endorse_place_check *out, char *const *records,
	const size_t *lengths, size_t count);

#endif
