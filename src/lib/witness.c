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
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include <sodium.h>

#include "checkpoint_write.h"
#include "encoding.h"
#include "error.h"
#include "file.h"

void
endorse_checkpoint_outcome_clear(endorse_checkpoint_outcome *out)
{
	free(out->evidence_before);
	free(out->evidence_now);
	out->evidence_before = out->evidence_now = NULL;
}

int
endorse_checkpoint_sign(const endorse_checkpoint_request *req, const endorse_verify_options *opt,
	endorse_checkpoint_outcome *out)
{
	const endorse_vkey *key = endorse_secret_key_vkey(req->key);
	endorse_checkpoint *cp = &out->checkpoint;
	endorse_state *state = NULL;
	endorse_storage *s = NULL;
	endorse_note *note = NULL;
	char *text = NULL, *data = NULL, message[400], root[45];
	size_t text_len = 0, len = 0;
	int rc;

	*out = (endorse_checkpoint_outcome){0};
	if ((rc = endorse_checkpoint_write_begin(&s, req->dir, req->commit, out->completed_hex)) != 0 ||
	    (rc = endorse_checkpoint_write_verify(&state, req->dir, opt)) != 0)
		goto out;
	if (!endorse_vkey_equal(key, endorse_state_log_key(state))) {
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"%s is not this log's key (keys/policy names %s)",
			key->name, endorse_state_log_key(state)->name);
		goto out;
	}
	(void)snprintf(cp->origin, sizeof(cp->origin), "%s", key->name);
	cp->size = endorse_state_size(state);
	endorse_state_root(state, cp->root);
	if (endorse_state_checkpoint(state)->present &&
	    endorse_state_checkpoint(state)->size == cp->size) {
		out->unchanged = true;
		goto out;
	}
	endorse_base64_encode(root, sizeof(root), cp->root, 32);
	(void)snprintf(message, sizeof(message), "endorse: checkpoint of %llu entries (root %.12s...)",
		(unsigned long long)cp->size, root);
	/* The witnesses' cosignatures of the previous checkpoint are dropped:
	 * they signed another tree head. */
	if ((rc = endorse_checkpoint_format(&text, &text_len, cp)) != 0 ||
	    (rc = endorse_note_new(&note, text, text_len)) != 0 ||
	    (rc = endorse_note_sign(note, req->key, 0)) != 0 ||
	    (rc = endorse_note_format(&data, &len, note)) != 0)
		goto out;
	rc = endorse_checkpoint_write_put(s, data, len, message, out->commit_hex);
out:
	free(text);
	free(data);
	endorse_note_free(note);
	endorse_state_free(state);
	endorse_storage_end(s);
	return rc;
}

/* The witness's memory: state_dir/<SHA-256 of the origin, hex>.<witness
 * key ID>, the checkpoint note it last cosigned for that origin exactly as
 * it published it (the operator's signature and its own cosignature; the
 * origin is the note's first line). A hash, so that every origin SPEC.md
 * allows fits in a file name and origins differing in case do not meet on
 * a file system that ignores case. */
static void
state_file_name(char name[80], const char *origin, const endorse_vkey *witness)
{
	uint8_t digest[32];
	char hex[65], id[9];

	crypto_hash_sha256(digest, (const uint8_t *)origin, strlen(origin));
	endorse_hex_encode(hex, digest, sizeof(digest));
	endorse_vkey_id_hex(id, witness);
	(void)snprintf(name, 80, "%s.%s", hex, id);
}

/* Before: state_dir/<origin, percent-encoded>.<witness key ID>, holding the
 * checkpoint's text only. Read when there is no state under the new name,
 * and removed once the new one is written. false if the name cannot be
 * (it is too long: no such file was ever written). */
static bool
old_state_file_name(char name[256], const char *origin, const endorse_vkey *witness)
{
	char id[9];
	size_t n = 0;

	for (const char *c = origin; *c; c++) {
		bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_';

		if (n + (plain ? 1 : 3) > 255 - 9) /* NAME_MAX, less ".<key ID>" */
			return false;
		if (plain)
			name[n++] = *c;
		else
			n += (size_t)snprintf(name + n, 4, "%%%02X", (unsigned char)*c);
	}
	endorse_vkey_id_hex(id, witness);
	(void)snprintf(name + n, 256 - n, ".%s", id);
	return true;
}

/* Opens (making it, 0700, if needed) and locks the state directory; *dir
 * gets it, opened without following a symbolic link. */
static int
lock_state_dir(int *lock, int *dir, const char *state_dir)
{
	int rc = endorse_dir_open_path(dir, state_dir, true, 0700);

	*lock = -1;
	if (rc != 0)
		return endorse_error_wrap(rc, "cannot open the witness state directory %s", state_dir);
	*lock = openat(*dir, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*lock < 0 || flock(*lock, LOCK_EX) != 0)
		return endorse_error_set(ENDORSE_EIO, NULL,
			"cannot lock the witness state directory %s: %s",
			state_dir, strerror(errno));
	return 0;
}

/* Refuses a checkpoint that does not extend prev, keeping both as
 * evidence of a split view. */
static int
check_extends(endorse_checkpoint_outcome *out, const endorse_checkpoint *prev, const char *prev_text,
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
			return endorse_error_set(ENDORSE_ENOMEM, NULL,
				"out of memory (leaf hashes of the log)");
		if (endorse_merkle_prove_consistency(proof, &len, leaves, prev->size, cp->size) != 0 ||
		    !endorse_merkle_check_consistency(prev->size, cp->size, prev->root, cp->root,
			    (const uint8_t(*)[32])proof, len))
			why = "a fork: the log's history is not consistent with the checkpoint this "
			      "witness cosigned before";
	}
	if (why == NULL)
		return 0;
	out->evidence_before = strdup(prev_text);
	out->evidence_now = strdup(note);
	return endorse_error_set(ENDORSE_EINVALID, NULL,
		"refusing to cosign, this is %s (split view)", why);
}

/* The state under the new name: a note of the origin's checkpoint that
 * carries this witness's own valid cosignature. */
static bool
state_note_valid(endorse_checkpoint *prev, const char *text, size_t len, const char *origin,
	const endorse_vkey *witness)
{
	endorse_note *note = NULL;
	bool mine = false, ok;

	ok = memchr(text, '\0', len) == NULL && endorse_note_parse(&note, text, len) == 0 &&
		endorse_checkpoint_parse(prev, note->text, note->text_len) == 0 &&
		strcmp(prev->origin, origin) == 0 &&
		endorse_note_verify(note, witness, 1, &mine, NULL) == 0 && mine;
	endorse_note_free(note);
	return ok;
}

/* Reads the witness's memory for the origin; *text is NULL if none. *signed_note
 * tells whether it is the signed note (else the text of a state of the old
 * form); *old whether it was found under the old name. */
static int
read_state(char **text, bool *signed_note, bool *old, endorse_checkpoint *prev, int dir,
	const char *state_dir, const char *origin, const endorse_vkey *witness)
{
	char name[256], shown[4096];
	size_t len = 0;
	int rc;

	*text = NULL;
	*signed_note = true;
	*old = false;
	memset(prev, 0, sizeof(*prev));
	state_file_name(name, origin, witness);
	(void)snprintf(shown, sizeof(shown), "%s/%s", state_dir, name);
	/* the witness's own state, not input to judge: a file that cannot be
	 * read as one (a link, too large) is trouble, exit 2, not invalid */
	if ((rc = endorse_file_read_at(text, &len, dir, name, shown, ENDORSE_NOTE_MAX)) ==
	    ENDORSE_EINVALID)
		rc = ENDORSE_EIO;
	if (rc == 0 && !state_note_valid(prev, *text, len, origin, witness))
		goto damaged;
	if (rc != ENDORSE_ENOTFOUND || !old_state_file_name(name, origin, witness))
		return rc == ENDORSE_ENOTFOUND ? 0 : rc;
	(void)snprintf(shown, sizeof(shown), "%s/%s", state_dir, name);
	if ((rc = endorse_file_read_at(text, &len, dir, name, shown, ENDORSE_NOTE_MAX)) ==
	    ENDORSE_EINVALID)
		rc = ENDORSE_EIO;
	if (rc == ENDORSE_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	*signed_note = false;
	*old = true;
	if (memchr(*text, '\0', len) != NULL || endorse_checkpoint_parse(prev, *text, len) != 0)
		goto damaged;
	if (strcmp(prev->origin, origin) != 0) {
		free(*text);
		*text = NULL;
		/* the old name of an origin differing only in case, on a file
		 * system that ignores case: that origin's memory, not this one's */
		if (strcasecmp(prev->origin, origin) == 0) {
			*old = false;
			return 0;
		}
		goto damaged;
	}
	return 0;
damaged:
	free(*text);
	*text = NULL;
	return endorse_error_set(ENDORSE_EIO, NULL,
		"%s: not a checkpoint of %s cosigned by %s; the witness "
		"state is damaged, refusing to cosign (restore it from a backup)", shown, origin,
		witness->name);
}

static int
read_checkpoint(char **note, size_t *len, const char *dir)
{
	char *path = endorse_path_join(dir, ENDORSE_CHECKPOINT_PATH);
	int rc;

	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	rc = endorse_file_read(note, len, path, ENDORSE_NOTE_MAX);
	if (rc == ENDORSE_ENOTFOUND)
		rc = endorse_error_set(rc, NULL,
			"%s: no checkpoint to cosign yet; the log operator signs one "
			"with 'endorse checkpoint'", path);
	free(path);
	return rc;
}

int
endorse_cosign(const endorse_checkpoint_request *req, const endorse_verify_options *opt,
	endorse_checkpoint_outcome *out)
{
	const endorse_vkey *key = endorse_secret_key_vkey(req->key);
	endorse_checkpoint_result res = {0};
	endorse_checkpoint prev;
	endorse_policy *policy = NULL;
	endorse_state *state = NULL;
	endorse_storage *s = NULL;
	char *note = NULL, *policy_path = NULL, *state_path = NULL, *prev_text = NULL;
	char *data = NULL, message[400], name[256];
	size_t len = 0, data_len = 0;
	int state_lock = -1, state_dir = -1, rc;
	bool signed_before = false, signed_note = true, old = false;

	*out = (endorse_checkpoint_outcome){0};
	if (key->type != ENDORSE_KEY_COSIGNATURE)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "%s is not a witness key (make one "
			"with 'endorse keygen --witness NAME')", key->name);
	if ((policy_path = endorse_path_join(req->dir, ENDORSE_POLICY_PATH)) == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = endorse_checkpoint_write_begin(&s, req->dir, req->commit, out->completed_hex)) != 0 ||
	    (rc = endorse_checkpoint_write_verify(&state, req->dir, opt)) != 0 ||
	    (rc = endorse_policy_load(&policy, policy_path)) != 0 ||
	    (rc = read_checkpoint(&note, &len, req->dir)) != 0 ||
	    (rc = endorse_checkpoint_check(&res, policy, note, len, req->now)) != 0)
		goto out;
	out->checkpoint = res.checkpoint;
	state_file_name(name, res.checkpoint.origin, key);
	if ((state_path = endorse_path_join(req->state_dir, name)) == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = lock_state_dir(&state_lock, &state_dir, req->state_dir)) != 0 ||
	    (rc = read_state(&prev_text, &signed_note, &old, &prev, state_dir, req->state_dir,
		     res.checkpoint.origin, key)) != 0)
		goto out;
	out->evidence_before_signed = signed_note;
	if (prev_text != NULL &&
	    (rc = check_extends(out, &prev, prev_text, &res.checkpoint, note, state)) != 0)
		goto out;
	/* Already cosigned by this witness (a bad signature in its name is
	 * replaced by a good one): the note as it is. */
	if (endorse_note_verify(res.note, key, 1, &signed_before, NULL) == 0) {
		out->unchanged = true;
		data = note;
		data_len = len;
		note = NULL;
	} else if ((rc = endorse_note_sign(res.note, req->key, req->now)) != 0 ||
		   (rc = endorse_note_format(&data, &data_len, res.note)) != 0) {
		goto out;
	}
	/* Remember before publishing: a crash in between leaves a witness that
	 * knows more than it has shown, never less. */
	if ((rc = endorse_file_write_atomic(state_path, data, data_len, 0600, false)) != 0)
		goto out;
	if (old && old_state_file_name(name, res.checkpoint.origin, key))
		(void)unlinkat(state_dir, name, 0); /* migrated */
	if (out->unchanged)
		goto out;
	(void)snprintf(message, sizeof(message), "endorse: %s cosigns the checkpoint of %llu entries",
		key->name, (unsigned long long)res.checkpoint.size);
	rc = endorse_checkpoint_write_put(s, data, data_len, message, out->commit_hex);
out:
	if (state_lock >= 0)
		close(state_lock);
	if (state_dir >= 0)
		close(state_dir);
	endorse_checkpoint_result_clear(&res);
	free(note);
	free(policy_path);
	free(state_path);
	free(prev_text);
	free(data);
	endorse_policy_free(policy);
	endorse_state_free(state);
	endorse_storage_end(s);
	return rc;
}
