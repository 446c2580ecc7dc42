/* json.c: log lines <-> entries, the JSON layer only (entry.c adds the
 * statements' value rules). */
#ifndef ENDORSE_JSON_H
#define ENDORSE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

/* Decodes line into *out: its bytes, JSON syntax, value restrictions,
 * canonical form (when full) and members, but not the members' values.
 * ENDORSE_EINVALID with diag set; *out may then hold some fields, which
 * endorse_entry_clear releases. */
int endorse_entry_decode(endorse_entry *out, const char *line, size_t len, bool full,
	endorse_diag *diag);

#endif
