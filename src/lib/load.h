/* The state of a log repository in a directory (load.c), made under its
 * keys/policy: for endorse_verify (verify.c) and for a writer. */
#ifndef ENDORSE_LOAD_H
#define ENDORSE_LOAD_H

#include <stdint.h>

#include "endorse.h"
#include "report.h"

/* Reads dir's keys/policy (a problem in it is reported) and makes the
 * state (flags: ENDORSE_STATE_*) that replays the log under it, empty. */
int endorse_load_state(endorse_state **state, endorse_policy **policy, const char *dir,
	unsigned flags, endorse_reporter *r);
/* Hands state back as endorse_verify does: in *out (if not NULL) on 0 or
 * ENDORSE_EINVALID (which rc becomes when problems were reported), else
 * freed; *problem_count (if not NULL) gets the number of problems. */
int endorse_load_finish(endorse_state **out, endorse_state *state, int rc,
	const endorse_reporter *r, uint64_t *problem_count);
/* keys/policy and endorse_replay_file_for, for a writer: ENDORSE_EINVALID
 * (and *out) when the lines it replays break a rule. */
int endorse_load_for_append(endorse_state **out, const char *dir, const char *org_id,
	const endorse_verify_options *opt, uint64_t *problem_count);

#endif
