/* What `endorse rechain --onto REV` makes of HEAD's log, without writing
 * anything: REV's log followed by the lines of HEAD's that REV's lacks,
 * re-chained. rechain.c commits it; verify --base asks it, after a
 * failure, whether rechain is the way back (endorse_rechain_plan_divergence). */
#ifndef ENDORSE_RECHAIN_PLAN_H
#define ENDORSE_RECHAIN_PLAN_H

#include "endorse.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "repo.h"
#include "state.h"

struct endorse_rechain_plan {
	endorse_commit_id head, onto, base; /* base: their common ancestor */
	endorse_blob at[3];                 /* the logs of base, head and onto */
	char *log;                          /* the new log: onto's, then the moved lines */
	size_t len, cap;
	uint64_t moved;       /* HEAD's lines appended after onto's */
	uint64_t theirs;      /* HEAD's lines after the shared prefix that onto's log holds */
	bool bridge;          /* the new log does not keep HEAD's lines in order */
	endorse_state *state; /* onto's, with the moved lines applied */
};

/* Plans the rechain of head_rev (NULL: HEAD) onto onto_rev (trusted: its
 * log was verified before, and is replayed without signatures). Refuses
 * (ENDORSE_EUSAGE) a branch that changes files besides the log and
 * keys/orgs, or that has nothing to move; refuses (ENDORSE_EINVALID) when
 * onto's log does not extend the common ancestor's, when HEAD's log lacks
 * a line of the common ancestor's (an edit, not a merge), and when a line
 * to move cannot follow onto's log. Clear p afterwards, whatever it returns. */
int endorse_rechain_plan_make(struct endorse_rechain_plan *p, const endorse_repo *repo,
	const char *onto_rev, const char *head_rev, bool trusted);
void endorse_rechain_plan_clear(struct endorse_rechain_plan *p);

/* verify --base's diagnosis of a head that does not extend base (only
 * append-only, seq and prev problems): whether rechain onto base would
 * repair it, and how the two logs differ (endorse.h). Base's log is taken
 * as verified (it was, as the head of its branch). */
int endorse_rechain_plan_divergence(endorse_divergence *out, const endorse_repo *repo,
	const endorse_commit_id *base, const endorse_commit_id *head);

#endif
