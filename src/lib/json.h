/* json.c: log lines <-> entries, the JSON layer only (entry.c adds the
 * statements' value rules). */
#ifndef ENDORSE_JSON_H
#define ENDORSE_JSON_H

#include "endorse.h"

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Decodes line into *out: its bytes, JSON syntax, value restrictions,
 * canonical form (when full) and members, but not the members' values.
 * ENDORSE_EINVALID with the error record set; *out may then hold some fields, which
 * endorse_entry_clear releases. */
int endorse_entry_decode(endorse_entry *out, const char *line, size_t len, bool full);

/* Checks that text is JSON (RFC 8259: any value, duplicate names allowed)
 * with the parser endorse_entry_parse uses before it applies the log's
 * restrictions; used by tests against JSON corpora. */
int endorse_json_check_syntax(const char *text, size_t len);

#endif
