/* Writing log/checkpoint: the operator signs a checkpoint of the whole
 * log; a witness cosigns it, but only after checking that it extends the
 * last checkpoint the witness cosigned for that origin. That memory (the
 * witness's state directory) is what turns one witness into a defence
 * against a split view: an operator who shows two histories must get the
 * same witness to cosign both, and it refuses the second. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "internal.h"

void
endorse_checkpoint_write_clear(endorse_checkpoint_write *w)
{
	free(w->evidence_before);
	free(w->evidence_now);
	w->evidence_before = w->evidence_now = NULL;
}

/* Verifies the log under its lock, as every write does first. A checkpoint
 * still waiting for its witnesses does not stop a write. */
static int
verify_for_write(endorse_state **state, const char *dir, const endorse_verify_options *opt)
{
	endorse_verify_options vopt = {0};
	uint64_t problems = 0;
	int rc;

	if (opt != NULL)
		vopt = *opt;
	vopt.quorum_optional = true;
	vopt.keep_leaves = true;  /* consistency with the checkpoints before */
	rc = endorse_verify(state, dir, &vopt, &problems);
	if (rc == ENDORSE_EINVALID)
		rc = endorse_fail(rc, "the log does not verify (%llu problem%s); refusing to write %s",
			(unsigned long long)problems, problems == 1 ? "" : "s", ENDORSE_CHECKPOINT_PATH);
	return rc;
}

int
endorse_checkpoint_sign(endorse_checkpoint_write *w, const endorse_verify_options *opt)
{
	const char *paths[1] = {ENDORSE_CHECKPOINT_PATH};
	const endorse_vkey *key = endorse_secret_key_vkey(w->key);
	endorse_checkpoint *cp = &w->checkpoint;
	endorse_state *state = NULL;
	endorse_repo *repo = NULL;
	endorse_note *note = NULL;
	char *text = NULL, *data = NULL, message[400], root[45];
	size_t text_len = 0, len = 0;
	int lock = -1, rc;

	w->commit_hex[0] = '\0';
	w->completed_hex[0] = '\0';
	w->unchanged = false;
	memset(cp, 0, sizeof(*cp));
	if ((rc = endorse_lock_log(&lock, w->dir)) != 0 ||
	    (rc = endorse_store_open_repo(&repo, w->dir, w->commit, paths, 1,
		     w->completed_hex)) != 0 ||
	    (rc = verify_for_write(&state, w->dir, opt)) != 0)
		goto out;
	if (!endorse_vkey_equal(key, endorse_state_log_key(state))) {
		rc = endorse_fail(ENDORSE_EUSAGE, "%s is not this log's key (keys/policy names %s)",
			key->name, endorse_state_log_key(state)->name);
		goto out;
	}
	(void)snprintf(cp->origin, sizeof(cp->origin), "%s", key->name);
	cp->size = endorse_state_size(state);
	endorse_state_root(state, cp->root);
	if (endorse_state_checkpoint(state)->present &&
	    endorse_state_checkpoint(state)->size == cp->size) {
		w->unchanged = true;
		goto out;
	}
	endorse_base64_encode(root, sizeof(root), cp->root, 32);
	(void)snprintf(message, sizeof(message), "endorse: checkpoint of %llu entries (root %.12s...)",
		(unsigned long long)cp->size, root);
	/* The witnesses' cosignatures of the previous checkpoint are dropped:
	 * they signed another tree head. */
	if ((rc = endorse_checkpoint_format(&text, &text_len, cp)) != 0 ||
	    (rc = endorse_note_new(&note, text, text_len)) != 0 ||
	    (rc = endorse_note_sign(note, w->key, 0)) != 0 ||
	    (rc = endorse_note_format(&data, &len, note)) != 0)
		goto out;
	rc = endorse_store_replace_file(repo, w->dir, ENDORSE_CHECKPOINT_PATH, data, len, message,
		w->commit_hex);
out:
	free(text);
	free(data);
	endorse_note_free(note);
	endorse_state_free(state);
	endorse_repo_free(repo);
	endorse_unlock_log(lock);
	return rc;
}

/* state_dir/<origin, percent-encoded>.<witness key ID>: the note text of
 * the last checkpoint this witness cosigned for that origin. */
static char *
state_file_path(const char *state_dir, const char *origin, const endorse_vkey *witness)
{
	char name[3 * ENDORSE_NAME_MAX + 16], id[9], *p = name;

	for (const char *c = origin; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '.' || *c == '-' || *c == '_')
			*p++ = *c;
		else
			p += snprintf(p, 4, "%%%02X", (unsigned char)*c);
	}
	endorse_vkey_id_hex(id, witness);
	(void)snprintf(p, sizeof(name) - (size_t)(p - name), ".%s", id);
	return endorse_path_join(state_dir, name);
}

static int
lock_state_dir(int *fd, const char *state_dir)
{
	char *path;

	if (endorse_mkdir_p(state_dir, 0700) != 0)
		return endorse_fail_wrap(ENDORSE_EIO, "cannot create the witness state directory %s",
			state_dir);
	if ((path = endorse_path_join(state_dir, ".lock")) == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	*fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	free(path);
	if (*fd < 0 || flock(*fd, LOCK_EX) != 0)
		return endorse_fail(ENDORSE_EIO, "cannot lock the witness state directory %s: %s",
			state_dir, strerror(errno));
	return 0;
}

/* Refuses a checkpoint that does not extend prev, keeping both as
 * evidence of a split view. */
static int
check_extends(endorse_checkpoint_write *w, const endorse_checkpoint *prev, const char *prev_text,
	const endorse_checkpoint *cp, const char *note, const endorse_state *state)
{
	uint8_t proof[ENDORSE_MERKLE_MAX_PROOF][32];
	const uint8_t(*leaves)[32];
	uint64_t count;
	size_t len = 0;
	const char *why = NULL;

	if (prev->size > cp->size) {
		why = "a rollback: the log shows a smaller tree than this witness cosigned before";
	} else if (prev->size == cp->size) {
		if (memcmp(prev->root, cp->root, 32) != 0)
			why = "a fork: the log shows another root for a tree size this witness cosigned before";
	} else if (prev->size > 0) { /* every tree extends the empty one */
		leaves = endorse_state_leaves(state, &count);
		if (leaves == NULL)
			return endorse_fail(ENDORSE_ENOMEM, "out of memory (leaf hashes of the log)");
		if (endorse_merkle_prove_consistency(proof, &len, leaves, prev->size, cp->size) != 0 ||
		    !endorse_merkle_check_consistency(prev->size, cp->size, prev->root, cp->root,
			    (const uint8_t(*)[32])proof, len))
			why = "a fork: the log's history is not consistent with the checkpoint this "
			      "witness cosigned before";
	}
	if (why == NULL)
		return 0;
	w->evidence_before = strdup(prev_text);
	w->evidence_now = strdup(note);
	return endorse_fail(ENDORSE_EINVALID, "refusing to cosign, this is %s (split view)", why);
}

/* Reads the witness's memory for the origin; *text is NULL if none. */
static int
read_state(char **text, endorse_checkpoint *prev, const char *path, const char *origin)
{
	size_t len = 0;
	int rc = endorse_file_read(text, &len, path, ENDORSE_NOTE_MAX);

	if (rc == ENDORSE_ENOTFOUND) {
		*text = NULL;
		return 0;
	}
	if (rc == 0 && (endorse_checkpoint_parse(prev, *text, len) != 0 ||
			   strcmp(prev->origin, origin) != 0 || memchr(*text, '\0', len) != NULL))
		rc = endorse_fail(ENDORSE_EIO, "%s: not a checkpoint of %s; the witness state is "
			"damaged, refusing to cosign (restore it from a backup)", path, origin);
	return rc;
}

static int
read_checkpoint(char **note, size_t *len, const char *dir)
{
	char *path = endorse_path_join(dir, ENDORSE_CHECKPOINT_PATH);
	int rc;

	if (path == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	rc = endorse_file_read(note, len, path, ENDORSE_NOTE_MAX);
	if (rc == ENDORSE_ENOTFOUND)
		rc = endorse_fail(rc, "%s: no checkpoint to cosign yet; the log operator signs one "
			"with 'endorse checkpoint'", path);
	free(path);
	return rc;
}

int
endorse_cosign(endorse_checkpoint_write *w, const endorse_verify_options *opt)
{
	const char *paths[1] = {ENDORSE_CHECKPOINT_PATH};
	const endorse_vkey *key = endorse_secret_key_vkey(w->key);
	endorse_checkpoint_result res = {0};
	endorse_checkpoint prev;
	endorse_policy *policy = NULL;
	endorse_state *state = NULL;
	endorse_repo *repo = NULL;
	char *note = NULL, *policy_path = NULL, *state_path = NULL, *prev_text = NULL;
	char *text = NULL, *data = NULL, message[400];
	size_t len = 0, text_len = 0, data_len = 0;
	int lock = -1, state_lock = -1, rc;
	bool signed_before = false;

	w->commit_hex[0] = '\0';
	w->completed_hex[0] = '\0';
	w->unchanged = false;
	if (key->type != ENDORSE_KEY_COSIGNATURE)
		return endorse_fail(ENDORSE_EUSAGE, "%s is not a witness key (make one with "
			"'endorse keygen --witness NAME')", key->name);
	if ((policy_path = endorse_path_join(w->dir, ENDORSE_POLICY_PATH)) == NULL) {
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = endorse_lock_log(&lock, w->dir)) != 0 ||
	    (rc = endorse_store_open_repo(&repo, w->dir, w->commit, paths, 1,
		     w->completed_hex)) != 0 ||
	    (rc = verify_for_write(&state, w->dir, opt)) != 0 ||
	    (rc = endorse_policy_load(&policy, policy_path)) != 0 ||
	    (rc = read_checkpoint(&note, &len, w->dir)) != 0 ||
	    (rc = endorse_checkpoint_check(&res, policy, note, len, w->now, NULL)) != 0)
		goto out;
	w->checkpoint = res.checkpoint;
	if ((state_path = state_file_path(w->state_dir, res.checkpoint.origin, key)) == NULL) {
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = lock_state_dir(&state_lock, w->state_dir)) != 0 ||
	    (rc = read_state(&prev_text, &prev, state_path, res.checkpoint.origin)) != 0 ||
	    (prev_text != NULL &&
		    (rc = check_extends(w, &prev, prev_text, &res.checkpoint, note, state)) != 0))
		goto out;
	/* Remember before publishing: a crash in between leaves a witness that
	 * knows more than it has shown, never less. */
	if ((rc = endorse_checkpoint_format(&text, &text_len, &res.checkpoint)) != 0 ||
	    (rc = endorse_file_write_atomic(state_path, text, text_len, 0600, false)) != 0)
		goto out;
	/* Already cosigned by this witness (a bad signature in its name is
	 * replaced by a good one). */
	if (endorse_note_verify(res.note, key, 1, &signed_before, NULL) == 0) {
		w->unchanged = true;
		goto out;
	}
	(void)snprintf(message, sizeof(message), "endorse: %s cosigns the checkpoint of %llu entries",
		key->name, (unsigned long long)res.checkpoint.size);
	if ((rc = endorse_note_sign(res.note, w->key, w->now)) != 0 ||
	    (rc = endorse_note_format(&data, &data_len, res.note)) != 0)
		goto out;
	rc = endorse_store_replace_file(repo, w->dir, ENDORSE_CHECKPOINT_PATH, data, data_len, message,
		w->commit_hex);
out:
	if (state_lock >= 0)
		close(state_lock);
	endorse_checkpoint_result_clear(&res);
	free(note);
	free(policy_path);
	free(state_path);
	free(prev_text);
	free(text);
	free(data);
	endorse_policy_free(policy);
	endorse_state_free(state);
	endorse_repo_free(repo);
	endorse_unlock_log(lock);
	return rc;
}
