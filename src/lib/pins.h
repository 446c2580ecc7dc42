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
/* The entries of keys/orgs: files[0..count), room for cap (array.h). */
struct endorse_pins {
	struct endorse_pinned *files;
	size_t count, cap;
};
/* Appends a copy of the entry. */
int endorse_pins_add(struct endorse_pins *pins, const char *name, const char *text, size_t len,
	bool regular);
/* Frees the entries; pins is then empty. */
void endorse_pins_free(struct endorse_pins *pins);
/* Reports every disagreement between keys/orgs (pins, sorted in place) and
 * the organisations' current keys in state (rule keys-orgs). */
void endorse_orgs_compare(const endorse_state *state, struct endorse_pins *pins,
	endorse_reporter *r);

#endif
