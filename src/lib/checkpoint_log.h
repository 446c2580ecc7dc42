/* checkpoint_log.c: the library-internal declarations of its module. */
#ifndef ENDORSE_CHECKPOINT_LOG_H
#define ENDORSE_CHECKPOINT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"
#include "report.h"
#include "state.h"

/* Checks log/checkpoint's note against the policy and the log's tree
 * (with leaves: any size; else: the captured root), and, when prev is present, that it is
 * consistent with the previous checkpoint in history. Problems are
 * reported; a missed quorum only when check_quorum. Returns 0 unless it
 * could not run. */
int endorse_checkpoint_verify_log(endorse_checkpoint_status *seen, const endorse_policy *policy,
	const char *note, size_t len, const endorse_tree_view *tree,
	const endorse_checkpoint_status *prev, bool check_quorum, endorse_reporter *r);

/* Reads dir's log/checkpoint (*note, malloc'd) and checks it under dir's
 * keys/policy (*policy, when policy is not NULL; else freed): it must be
 * signed by the log key; res->quorum says whether its witnesses meet the
 * quorum. ENDORSE_ENOTFOUND, saying how to sign one, when there is none. */
int endorse_checkpoint_read_checked(endorse_checkpoint_result *res, char **note, size_t *len,
	endorse_policy **policy, const char *dir);

#endif
