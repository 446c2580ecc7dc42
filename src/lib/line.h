/* The one line checker (line.c): every way a log's line is replayed (a
 * full verify, a prefix verified before, a writer's lines of one
 * organisation, git history and --base) checks it here, with flags that
 * name what is checked; and the choice of the lines that concern an
 * organisation. */
#ifndef ENDORSE_LINE_H
#define ENDORSE_LINE_H

#include "endorse.h"

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "prepare.h"
#include "report.h"
#include "state.h"

/* What is checked of a line, beyond the state's rules (always checked).
 * The same word holds state.h's ENDORSE_CHECK_SIGNATURES; lines are always
 * applied (ENDORSE_CHECK_APPLY). */
enum endorse_line_flags {
	/* seq is the line's place in the log. */
	ENDORSE_CHECK_SEQ = 1u << 8,
	/* prev is the hash of the line before: every line is hashed into the
	 * state's Merkle tree (else lines are only counted, the tree unknown). */
	ENDORSE_CHECK_PREV = 1u << 9,
	/* A full parse: canonical JSON and the keys' points (else the line was
	 * verified before). */
	ENDORSE_CHECK_CANONICAL = 1u << 10,
	/* The statement's time is not after the clock (future-time). */
	ENDORSE_CHECK_FUTURE = 1u << 11,
	/* Only the lines that concern one organisation (checker.org_id) are
	 * parsed and checked; the others are counted. */
	ENDORSE_CHECK_CONCERNED = 1u << 12,
	/* The line was prepared by the workers (prepare.c): parsed with
	 * ENDORSE_CHECK_CANONICAL, hashed, its signatures checked ahead. */
	ENDORSE_LINE_PREPARED = 1u << 13,
};

/* Everything a full verify checks of a line. */
#define ENDORSE_CHECK_ALL (ENDORSE_CHECK_SEQ | ENDORSE_CHECK_PREV | ENDORSE_CHECK_CANONICAL | \
	ENDORSE_CHECK_SIGNATURES | ENDORSE_CHECK_FUTURE)

/* How the lines of one replay are checked. */
typedef struct endorse_checker {
	endorse_state *state;
	endorse_reporter *r;
	unsigned flags;
	const char *org_id;  /* ENDORSE_CHECK_CONCERNED: the organisation (NULL: none) */
	char latest[21];     /* ENDORSE_CHECK_FUTURE: the latest time allowed */
} endorse_checker;

void endorse_checker_init(endorse_checker *c, endorse_state *state, unsigned flags,
	const char *org_id, endorse_reporter *r);

/* Checks the next line of the log, reports its problems (at its line
 * number, in a fixed order: line-length, parse, seq, prev, future-time,
 * the state's rules), applies it to the state and counts it. An entry
 * without problem goes to r->opt->on_entry. The line's entry is cleared. */
void endorse_line_check(const endorse_checker *c, endorse_prepared *line);

/* Whether a line may concern one of the organizations (it holds one's id)
 * or registers a document, by its bytes: a superset of the lines that do
 * (an id, in the statement's org_id or a key's name, is written as is in
 * the line; ids need no JSON escape), so a line it refuses need not be
 * parsed. Only a prefilter: the choice is made on the parsed members. */
bool endorse_line_concerns(const char *line, size_t len, const char *const *org_ids, size_t n);
/* The organisation names a parsed entry concerns, in names (NULL where it
 * has none): its statement's org, its signer's name, and the name of its
 * new signer or revoked key. Never what names, URLs or reasons mention. */
void endorse_entry_org_names(const endorse_entry *e, const char *names[3]);
/* Whether a parsed entry concerns org_id (NULL: none): it registers a
 * document, or one of endorse_entry_org_names is org_id. */
bool endorse_entry_concerns(const endorse_entry *e, const char *org_id);
/* Parses line into *e (endorse_entry_parse_checked with full) when it
 * concerns org_id and returns 1; returns 0 (*e empty) when it does not, or
 * ENDORSE_EINVALID (the error record set) when a line that may concern it does not
 * parse. Lines that do not hold org_id anywhere are passed over unparsed. */
int endorse_line_select(endorse_entry *e, const char *line, size_t len, const char *org_id,
	bool full);

#endif
