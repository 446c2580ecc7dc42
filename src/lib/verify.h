/* Verifying a log repository in a directory (verify.c; endorse_verify is
 * public, in endorse.h). */
#ifndef ENDORSE_VERIFY_H
#define ENDORSE_VERIFY_H

#include <stdint.h>

#include "endorse.h"

/* keys/policy and endorse_replay_file_for, for a writer: ENDORSE_EINVALID
 * (and *out) when the lines it replays break a rule. */
int endorse_load_for_append(endorse_state **out, const char *dir, const char *org_id,
	const endorse_verify_options *opt, uint64_t *problem_count);

#endif
