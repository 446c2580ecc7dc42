/* SPEC.md §6 at a merge commit: every parent other than the first keeps
 * its lines and its checkpoint in the merge (history_merge.c). */
#ifndef ENDORSE_HISTORY_MERGE_H
#define ENDORSE_HISTORY_MERGE_H

#include "endorse.h"

#include "repo.h"
#include "repo_git.h"
#include "report.h"

/* Checks every parent but the first of commit id, when it is a merge, and
 * reports what the merge dropped. *author is replaced by the merge's author
 * (r names the merge and *author from then on); a commit with one parent is
 * left alone. */
int endorse_history_merge_check(const endorse_repo *repo, const endorse_commit_id *id,
	char **author, endorse_reporter *r);

#endif
