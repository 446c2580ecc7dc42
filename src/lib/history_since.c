/* What changed in the log since a revision, for audit --since and the
 * domain check's --base: the revision's log must be a byte prefix of the
 * work tree's, or "since" means nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logdiff.h"
#include "error.h"
#include "file.h"
#include "repo.h"
#include "repo_git.h"
#include "vkey.h"

/* Whether the log in dir's work tree starts with old's bytes: read in
 * chunks, so that the cost is old's size. *line gets the first line that
 * differs (or that the work tree lacks). */
static int
work_log_extends(bool *extends_old, uint64_t *line, const char *dir, const endorse_blob *old)
{
	char *path = endorse_path_join(dir, ENDORSE_LOG_PATH), buf[65536];
	size_t at = 0;
	int fd = -1, rc = 0;

	*extends_old = false;
	*line = 1;
	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0) {
		int code = errno == ENOENT ? ENDORSE_ENOTFOUND : ENDORSE_EIO;
		rc = endorse_error_set(code, NULL, "%s: %s", path, strerror(errno));
		goto out;
	}
	while (at < old->len) {
		size_t want = old->len - at < sizeof(buf) ? old->len - at : sizeof(buf), same = 0;
		ssize_t got = read(fd, buf, want);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = endorse_error_set(ENDORSE_EIO, NULL, "%s: %s", path, strerror(errno));
			goto out;
		}
		while (same < (size_t)got && buf[same] == old->data[at + same])
			same++;
		if (got == 0 || same < (size_t)got) {
			*line = endorse_logdiff_line_at(old->data, at + same);
			goto out;
		}
		at += (size_t)got;
	}
	*extends_old = true;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

int
endorse_log_lines_at(const char *dir, const char *rev, uint64_t *lines)
{
	endorse_repo *repo = NULL;
	endorse_commit_id id;
	endorse_blob log = {0};
	uint64_t differs = 0;
	bool kept = false;
	int rc;

	*lines = 0;
	if ((rc = endorse_repo_open(&repo, dir)) != 0 ||
	    (rc = endorse_repo_resolve(repo, rev, &id)) != 0 ||
	    (rc = endorse_repo_read(repo, &id, ENDORSE_LOG_PATH, &log)) != 0)
		goto out;
	if (log.kind == ENDORSE_BLOB_ABSENT)
		goto out;
	if (log.kind != ENDORSE_BLOB_FILE) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL, "%s: the log at %s is not a regular file",
			ENDORSE_LOG_PATH, rev);
		goto out;
	}
	/* As --base: the log at rev must be a byte prefix of the current one
	 * (whole lines), or "since rev" means nothing. */
	if ((rc = work_log_extends(&kept, &differs, dir, &log)) != 0)
		goto out;
	if (!kept || (log.len > 0 && log.data[log.len - 1] != '\n')) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL, "%s: the log at %s is not a prefix of "
			"the current log (%s %llu): the log was rewritten since, so nothing can be shown "
			"as changed since %s", ENDORSE_LOG_PATH, rev, kept
			? "it does not end with a newline after line" : "they differ from line",
			(unsigned long long)(kept ? endorse_logdiff_line_at(log.data, log.len) : differs),
			rev);
		goto out;
	}
	for (size_t i = 0; i < log.len; i++)
		*lines += log.data[i] == '\n';
out:
	endorse_blob_clear(&log);
	endorse_repo_free(repo);
	return rc;
}

int
endorse_org_keys_new_since(bool *is_new, const endorse_state *state, const char *dir,
	const char *rev)
{
	endorse_repo *repo = NULL;
	endorse_commit_id id;
	endorse_blob pin = {0};
	char path[sizeof(ENDORSE_ORGS_DIR) + ENDORSE_NAME_MAX + sizeof("/.vkey")];
	char line[ENDORSE_VKEY_MAX + 1];
	int rc;

	if ((rc = endorse_repo_open(&repo, dir)) != 0 ||
	    (rc = endorse_repo_resolve(repo, rev, &id)) != 0)
		goto out;
	/* rev's pins agree with rev's log (CI verified it when it was the head),
	 * and one pin is cheaper to read than the log is to replay */
	for (size_t i = 0; i < endorse_state_org_count(state); i++) {
		const endorse_org *org = endorse_state_org(state, i);
		size_t len;

		is_new[i] = false;
		if (!org->has_key)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s.vkey", ENDORSE_ORGS_DIR, org->id);
		if ((rc = endorse_repo_read(repo, &id, path, &pin)) != 0)
			goto out;
		len = endorse_vkey_format_line(line, &org->key);
		is_new[i] = pin.kind != ENDORSE_BLOB_FILE || pin.len != len ||
			memcmp(pin.data, line, len) != 0;
		endorse_blob_clear(&pin);
	}
out:
	endorse_blob_clear(&pin);
	endorse_repo_free(repo);
	return rc;
}
