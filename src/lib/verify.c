/* Verifying a log repository in a directory: keys/policy, the log, and
 * keys/orgs, read from the file system without following symbolic links. */
#include <dirent.h>
#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "checkpoint_log.h"
#include "file.h"
#include "report.h"
#include "state.h"
#include "storage.h"
#include "pins.h"
#include "policy_check.h"
#include "load.h"
#include "replay.h"

/* A file named like a temporary file in keys/orgs. Exactly what a write
 * killed between the log and the pin leaves (endorse_pin_temp_org) breaks no rule:
 * the next write finishes it; it is noted, never passed over. Anything else
 * is a file SPEC §2 does not allow. */
static void
report_temp(int orgs, const char *name, endorse_reporter *r)
{
	char file[320], org[ENDORSE_NAME_MAX + 1], message[512], *text = NULL;
	size_t len = 0;
	bool leftover, gone;

	(void)snprintf(file, sizeof(file), "%s/%.260s", ENDORSE_ORGS_DIR, name);
	leftover = endorse_file_read_at(&text, &len, orgs, name, file, ENDORSE_VKEY_MAX + 1) == 0 &&
		endorse_pin_temp_org(org, name, text, len);
	gone = leftover && (len == 0 || strchr(text, '+') == NULL);
	free(text);
	if (!leftover) {
		endorse_report(r, file, 0, "keys-orgs", "unexpected file: named like a temporary file, "
			"but not one an interrupted write leaves; keys/orgs holds only "
			"<organization id>.vkey files");
		return;
	}
	(void)snprintf(message, sizeof(message), "left by an interrupted write: the pin of %s that "
		"was to follow the log (%s); the next write finishes it and removes this file", org,
		gone ? "the pin goes away" : "its new key");
	if (r->opt != NULL && r->opt->on_note != NULL) {
		endorse_problem note = {file, 0, "note", message, NULL, NULL};
		r->opt->on_note(r->opt->ctx, &note);
	}
}

/* Reads keys/orgs, opened without following a symbolic link: every entry
 * with its content when it is a small regular file. A missing directory is
 * an empty one. */
static int
read_orgs_dir(struct endorse_pins *out, const char *dir, endorse_reporter *r)
{
	struct dirent *de;
	DIR *d = NULL;
	int fd = -1, rc = endorse_dir_open(&fd, dir, ENDORSE_ORGS_DIR, false, 0);

	*out = (struct endorse_pins){0};
	if (rc == ENDORSE_ENOTFOUND)
		return 0;
	if (rc == ENDORSE_EUSAGE) {
		endorse_report(r, ENDORSE_ORGS_DIR, 0, "keys-orgs",
			"must be a directory (not a symbolic link or a file): %s", endorse_error_last());
		return 0;
	}
	if (rc != 0)
		return rc;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return endorse_error_set(ENDORSE_EIO, NULL, "%s: %s", ENDORSE_ORGS_DIR, strerror(errno));
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char file[320], *text = NULL;
		size_t len = 0;
		int read_rc;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (endorse_is_temp_name(de->d_name)) {
			report_temp(dirfd(d), de->d_name, r);
			continue;
		}
		(void)snprintf(file, sizeof(file), "%s/%.260s", ENDORSE_ORGS_DIR, de->d_name);
		read_rc = endorse_file_read_at(&text, &len, dirfd(d), de->d_name, file,
			ENDORSE_VKEY_MAX + 1);
		rc = endorse_pins_add(out, de->d_name, read_rc == 0 ? text : "",
			read_rc == 0 ? len : 0, read_rc == 0);
		free(text);
	}
	(void)closedir(d);
	return rc;
}

/* The one rule for the file mode of the log and the pins, in the work tree
 * as in git (history.c): neither is executable. files: keys/orgs as read. */
static int
check_modes(const char *dir, const struct endorse_pinned *files, size_t n, endorse_reporter *r)
{
	char rel[320], *path;
	struct stat st;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && !files[i].regular)
			continue;
		if (i == n)
			(void)snprintf(rel, sizeof(rel), "%s", ENDORSE_LOG_PATH);
		else
			(void)snprintf(rel, sizeof(rel), "%s/%.260s", ENDORSE_ORGS_DIR, files[i].name);
		if ((path = endorse_path_join(dir, rel)) == NULL)
			return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0)
			endorse_report(r, rel, 0, "file-mode", "executable (mode %04o); the log and "
				"keys/orgs files must not be executable (chmod a-x %s)",
				(unsigned)(st.st_mode & 07777), rel);
		free(path);
	}
	return 0;
}

/* keys/ and log/ reached without a symbolic link (or absent: reported
 * later); false after reporting one that is not. */
static bool
check_dirs(const char *dir, endorse_reporter *r)
{
	int rc = endorse_dir_check(dir, "keys");

	if (rc == ENDORSE_EUSAGE)
		endorse_report(r, ENDORSE_POLICY_PATH, 0, "policy", "%s", endorse_error_last());
	else if (rc == 0 && (rc = endorse_dir_check(dir, "log")) == ENDORSE_EUSAGE)
		endorse_report(r, ENDORSE_LOG_PATH, 0, "file", "%s", endorse_error_last());
	return rc != ENDORSE_EUSAGE;
}

/* Reads log/checkpoint, if there is one; a file that cannot be read is a
 * problem, reported after the log's (error holds why). */
static int
read_checkpoint(char **note, size_t *len, char error[512], const char *dir)
{
	char *path = endorse_path_join(dir, ENDORSE_CHECKPOINT_PATH);
	int rc;

	*note = NULL;
	error[0] = '\0';
	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	rc = endorse_file_read(note, len, path, ENDORSE_NOTE_MAX);
	if (rc != 0 && rc != ENDORSE_ENOTFOUND)
		(void)snprintf(error, 512, "%s", endorse_error_last());
	free(path);
	return rc == ENDORSE_ENOMEM ? rc : 0;
}

/* So that the replay keeps the root the checkpoint needs and not every
 * leaf hash: its size, when the note is well-formed enough to tell (it is
 * checked, and any problem reported, after the replay). */
static void
capture_checkpoint_root(endorse_state *state, const char *note, size_t len)
{
	endorse_note *parsed = NULL;
	endorse_checkpoint cp;

	if (endorse_note_parse(&parsed, note, len) == 0 &&
	    endorse_checkpoint_parse(&cp, parsed->text, parsed->text_len) == 0)
		endorse_state_capture_root(state, cp.size);
	endorse_note_free(parsed);
}

/* log/checkpoint, when the operator has signed one, against the log. */
static int
check_checkpoint(endorse_state *state, const endorse_policy *policy, const char *note,
	size_t len, endorse_reporter *r)
{
	endorse_checkpoint_status status = {0};
	endorse_tree_view tree;
	int rc;

	endorse_state_tree_view(state, &tree);
	rc = endorse_checkpoint_verify_log(&status, policy, note, len, &tree, NULL,
		r->opt == NULL || !r->opt->quorum_optional, r);
	endorse_state_set_checkpoint(state, &status);
	return rc;
}

/* What the caller's options ask the state to keep. */
static unsigned
state_flags(const endorse_verify_options *opt)
{
	unsigned flags = 0;

	if (opt != NULL && opt->want == ENDORSE_WANT_LEAVES)
		flags |= ENDORSE_STATE_KEEP_LEAVES;
	if (opt != NULL && opt->want == ENDORSE_WANT_VERDICT)
		flags |= ENDORSE_STATE_RULES_ONLY;
	return flags;
}

int
endorse_verify(endorse_state **out, const char *dir, const endorse_verify_options *opt,
	uint64_t *problem_count)
{
	endorse_reporter r = {opt, 0, NULL, NULL};
	endorse_state *state = NULL;
	endorse_policy *policy = NULL;
	struct endorse_pins pins = {0};
	char *note = NULL, note_error[512] = "";
	size_t note_len = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (!check_dirs(dir, &r)) {
		rc = ENDORSE_EINVALID;
		goto out;
	}
	if ((rc = endorse_load_state(&state, &policy, dir, state_flags(opt), &r)) != 0)
		goto out;
	if ((rc = read_checkpoint(&note, &note_len, note_error, dir)) != 0)
		goto out;
	if (note != NULL)
		capture_checkpoint_root(state, note, note_len);
	if ((rc = endorse_replay_file(state, dir, &r)) != 0 ||
	    (rc = read_orgs_dir(&pins, dir, &r)) != 0)
		goto out;
	endorse_orgs_compare(state, &pins, &r);
	if ((rc = check_modes(dir, pins.files, pins.count, &r)) != 0)
		goto out;
	if (note_error[0] != '\0')
		endorse_report(&r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint", "%s", note_error);
	if (note != NULL)
		rc = check_checkpoint(state, policy, note, note_len, &r);
out:
	endorse_pins_free(&pins);
	endorse_policy_free(policy);
	free(note);
	return endorse_load_finish(out, state, rc, &r, problem_count);
}
