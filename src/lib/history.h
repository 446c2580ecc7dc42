/* The checks of one version of the log repository at a commit, shared by
 * the walk of the first-parent history (endorse_verify_history) and the
 * pull-request check (endorse_verify_base, history_base.c); history.c.
 * endorse_history_state_at is declared in internal.h (rechain.c uses it). */
#ifndef ENDORSE_HISTORY_H
#define ENDORSE_HISTORY_H

#include "endorse.h"

#include "repo.h"
#include "repo_git.h"
#include "report.h"

/* Reports the log and every keys/orgs entry the commit holds with git mode
 * 100755 (docs/design.md: the one rule for the file mode of the log and the pins). */
int endorse_history_check_modes(const endorse_repo *repo, const endorse_commit_id *id,
	endorse_reporter *r);

/* Reports every disagreement between the commit's keys/orgs and state. */
int endorse_history_check_orgs(const endorse_repo *repo, const endorse_commit_id *id,
	const endorse_state *state, endorse_reporter *r);

/* log/checkpoint and keys/policy at a commit, read to check the one
 * against the other. */
typedef struct endorse_history_checkpoint {
	endorse_blob note;      /* log/checkpoint */
	endorse_blob policy_file;
	endorse_policy *policy; /* NULL: nothing to check */
} endorse_history_checkpoint;
/* Reads them; policy stays NULL when there is no checkpoint (reported when
 * had_one: once signed, a checkpoint only moves forward), when it is not a
 * regular file (reported), or when keys/policy is invalid (reported with
 * the log). */
int endorse_history_checkpoint_read(endorse_history_checkpoint *out, const endorse_repo *repo,
	const endorse_commit_id *id, bool had_one, endorse_reporter *r);
void endorse_history_checkpoint_clear(endorse_history_checkpoint *c);

/* history.c: a new state with the log key of keys/policy at a commit. */
int endorse_history_state_at(endorse_state **out, const endorse_repo *repo,
	const endorse_commit_id *id, endorse_reporter *r);

#endif
