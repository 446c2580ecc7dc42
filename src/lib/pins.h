/* keys/orgs, the pins of the organisations' current keys (pins.c): the
 * files as found on disk or in a git tree, and their comparison with the
 * replayed state (SPEC.md §2). */
#ifndef ENDORSE_PINS_H
#define ENDORSE_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endorse.h"
#include "report.h"

/* One entry of keys/orgs. */
struct endorse_pinned {
	char *name;
	char *text;
	size_t len;
	bool regular; /* a regular file (or blob) whose text was read */
	uint8_t id[20]; /* in git: the entry's object id */
};
/* Appends a copy of the entry to files[0..*n). */
int endorse_pinned_add(struct endorse_pinned **files, size_t *n, const char *name,
	const char *text, size_t len, bool regular);
void endorse_pinned_free(struct endorse_pinned *files, size_t n);
/* Reports every disagreement between keys/orgs (files, sorted in place) and
 * the organisations' current keys in state (rule keys-orgs). */
void endorse_orgs_compare(const endorse_state *state, struct endorse_pinned *files, size_t n,
	endorse_reporter *r);

#endif
