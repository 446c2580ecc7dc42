/* load.h: the state of a log repository in a directory, made under its
 * keys/policy, for verify (which replays the whole log) and for a writer
 * (only the lines its entry depends on). */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "file.h"
#include "policy.h"
#include "report.h"
#include "state.h"
#include "load.h"
#include "policy_check.h"
#include "replay.h"

int
endorse_load_state(endorse_state **state, endorse_policy **policy, const char *dir,
	unsigned flags, endorse_reporter *r)
{
	char *path = endorse_path_join(dir, ENDORSE_POLICY_PATH), *text = NULL;
	size_t len = 0;
	int rc;

	*state = NULL;
	*policy = NULL;
	if (path == NULL || (*state = endorse_state_new(flags)) == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	rc = endorse_file_read(&text, &len, path, ENDORSE_POLICY_MAX);
	if (rc == ENDORSE_ENOTFOUND) {
		rc = endorse_error_set(rc, NULL, "%s: not found: %s is not a log repository, nor "
			"is a directory above it (endorse looks for keys/policy from the current "
			"directory up, or in -C DIR; endorse init creates a log)", path,
			strcmp(dir, ".") == 0 ? "this directory" : dir);
	} else if (rc != 0) {
		endorse_report(r, ENDORSE_POLICY_PATH, 0, "policy", "%s", endorse_error_last());
		rc = ENDORSE_EINVALID;
	} else if ((rc = endorse_policy_check(policy, text, len, r)) == 0) {
		endorse_state_set_policy(*state, endorse_policy_log_key(*policy));
	}
out:
	free(text);
	free(path);
	return rc;
}

int
endorse_load_finish(endorse_state **out, endorse_state *state, int rc, const endorse_reporter *r,
	uint64_t *problem_count)
{
	if (rc == 0 && r->problems > 0)
		rc = ENDORSE_EINVALID;
	if (problem_count != NULL)
		*problem_count = r->problems;
	if (out != NULL && (rc == 0 || rc == ENDORSE_EINVALID))
		*out = state;
	else
		endorse_state_free(state);
	return rc;
}

int
endorse_load_for_append(endorse_state **out, const char *dir, const char *org_id,
	const endorse_verify_options *opt, uint64_t *problem_count)
{
	endorse_reporter r = {opt, 0, NULL, NULL};
	endorse_state *state = NULL;
	endorse_policy *policy = NULL;
	int rc;

	*out = NULL;
	if ((rc = endorse_load_state(&state, &policy, dir, 0, &r)) == 0)
		rc = endorse_replay_file_for(state, dir, org_id, &r);
	endorse_policy_free(policy);
	return endorse_load_finish(out, state, rc, &r, problem_count);
}
