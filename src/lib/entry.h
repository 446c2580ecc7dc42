/* entry.c: the library-internal declarations of its module. */
#ifndef ENDORSE_ENTRY_H
#define ENDORSE_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"
#include "error.h"

/* json.c: the only user of jansson. */
/* Parses one log line (without LF): canonical JSON, restricted values,
 * exactly the members of SPEC.md §3 and §4, well-formed field values. */
int endorse_entry_parse(endorse_entry *out, const char *line, size_t len);

/* The same; without full, a line verified before is parsed without checking
 * its canonical form and its keys' points again. */
int endorse_entry_parse_checked(endorse_entry *out, const char *line, size_t len, bool full);

/* The same as endorse_entry_parse (full), with the key points checked
 * through points (may be NULL). */
int endorse_entry_parse_points(endorse_entry *out, const char *line, size_t len,
	endorse_points *points);

#endif
