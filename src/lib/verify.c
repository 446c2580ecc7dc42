/* Verifying a log repository in a directory: keys/policy, the log, and
 * keys/orgs, read from the file system without following symbolic links. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* Reads keys/orgs: every entry with its content when it is a small regular
 * file. A missing directory is an empty one. */
static int
read_orgs_dir(struct endorse_pinned **files, size_t *n, const char *dir, endorse_reporter *r)
{
	char *path = endorse_path_join(dir, ENDORSE_ORGS_DIR);
	struct dirent *de;
	struct stat st;
	DIR *d = NULL;
	int rc = 0;

	*files = NULL;
	*n = 0;
	if (path == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	if (lstat(path, &st) != 0) {
		rc = errno == ENOENT ? 0 : endorse_fail(ENDORSE_EIO, "%s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	if (!S_ISDIR(st.st_mode)) {
		endorse_report(r, ENDORSE_ORGS_DIR, 0, "keys-orgs",
			"must be a directory (not a symbolic link or a file)");
		free(path);
		return 0;
	}
	d = opendir(path);
	while (rc == 0 && d != NULL && (de = readdir(d)) != NULL) {
		char *file, *text = NULL;
		size_t len = 0;
		int read_rc;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    endorse_is_temp_name(de->d_name))
			continue;
		file = endorse_path_join(path, de->d_name);
		if (file == NULL) {
			rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
			break;
		}
		read_rc = endorse_file_read(&text, &len, file, ENDORSE_VKEY_MAX + 1);
		rc = endorse_pinned_add(files, n, de->d_name, read_rc == 0 ? text : "",
			read_rc == 0 ? len : 0, read_rc == 0);
		free(text);
		free(file);
	}
	if (d != NULL)
		closedir(d);
	free(path);
	return rc;
}

/* log/checkpoint, when the operator has signed one, against the log. */
static int
check_checkpoint(endorse_state *state, const endorse_policy *policy, const char *dir,
	endorse_reporter *r)
{
	char *path = endorse_path_join(dir, ENDORSE_CHECKPOINT_PATH), *note = NULL;
	endorse_checkpoint_status status = {0};
	const uint8_t(*leaves)[32];
	uint64_t count;
	size_t len = 0;
	int rc;

	if (path == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	rc = endorse_file_read(&note, &len, path, ENDORSE_NOTE_MAX);
	if (rc == ENDORSE_ENOTFOUND) {
		rc = 0;
	} else if (rc != 0) {
		endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint", "%s", endorse_error_last());
		rc = 0;
	} else {
		leaves = endorse_state_leaves(state, &count);
		rc = endorse_checkpoint_verify_log(&status, policy, note, len, leaves, count, NULL,
			r->opt == NULL || !r->opt->quorum_optional, r);
		endorse_state_set_checkpoint(state, &status);
	}
	free(note);
	free(path);
	return rc;
}

int
endorse_verify(endorse_state **out, const char *dir, const endorse_verify_options *opt,
	uint64_t *problem_count)
{
	endorse_reporter r = {opt, 0, NULL, NULL};
	endorse_state *state = NULL;
	endorse_policy *policy = NULL;
	struct endorse_pinned *files = NULL;
	char *path = endorse_path_join(dir, ENDORSE_POLICY_PATH), *text = NULL;
	size_t len = 0, n = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (path == NULL || (state = endorse_state_new()) == NULL) {
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	rc = endorse_file_read(&text, &len, path, ENDORSE_POLICY_MAX);
	if (rc == ENDORSE_ENOTFOUND) {
		rc = endorse_fail(rc, "%s: no keys/policy; is %s a log repository?", path, dir);
		goto out;
	} else if (rc != 0) {
		endorse_report(&r, ENDORSE_POLICY_PATH, 0, "policy", "%s", endorse_error_last());
		rc = ENDORSE_EINVALID;
		goto out;
	}
	if ((rc = endorse_policy_check(&policy, text, len, &r)) != 0)
		goto out;
	endorse_state_set_policy(state, endorse_policy_log_key(policy));
	if ((rc = endorse_replay_file(state, dir, &r)) != 0 ||
	    (rc = read_orgs_dir(&files, &n, dir, &r)) != 0)
		goto out;
	endorse_orgs_compare(state, files, n, &r);
	if ((rc = check_checkpoint(state, policy, dir, &r)) != 0)
		goto out;
	if (r.problems > 0)
		rc = ENDORSE_EINVALID;
out:
	if (problem_count != NULL)
		*problem_count = r.problems;
	if (out != NULL && (rc == 0 || rc == ENDORSE_EINVALID))
		*out = state;
	else
		endorse_state_free(state);
	endorse_pinned_free(files, n);
	endorse_policy_free(policy);
	free(text);
	free(path);
	return rc;
}
