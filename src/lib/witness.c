/* Writing log/checkpoint: the operator signs a checkpoint of the whole
 * log; a witness cosigns it, but only after checking that it extends the
 * last checkpoint the witness cosigned for that origin. That memory (the
 * witness's state directory) is what turns one witness into a defence
 * against a split view: an operator who shows two histories must get the
 * same witness to cosign both, and it refuses the second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint_write.h"
#include "encoding.h"
#include "error.h"
#include "file.h"
#include "witness_state.h"

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
	endorse_witness_state ws = {-1, -1, NULL};
	endorse_witness_memory memory = {0};
	endorse_policy *policy = NULL;
	endorse_state *state = NULL;
	endorse_storage *s = NULL;
	char *note = NULL, *policy_path = NULL, *data = NULL, message[400];
	size_t len = 0, data_len = 0;
	bool signed_before = false;
	int rc;

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
	if ((rc = endorse_witness_state_open(&ws, req->state_dir)) != 0 ||
	    (rc = endorse_witness_state_read(&memory, &ws, res.checkpoint.origin, key)) != 0)
		goto out;
	out->evidence_before_signed = memory.signed_note;
	if (memory.text != NULL && (rc = check_extends(out, &memory.prev, memory.text,
					    &res.checkpoint, note, state)) != 0)
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
	if ((rc = endorse_witness_state_write(&ws, &memory, res.checkpoint.origin, key, data,
		     data_len)) != 0 || out->unchanged)
		goto out;
	(void)snprintf(message, sizeof(message), "endorse: %s cosigns the checkpoint of %llu entries",
		key->name, (unsigned long long)res.checkpoint.size);
	rc = endorse_checkpoint_write_put(s, data, data_len, message, out->commit_hex);
out:
	endorse_witness_state_close(&ws);
	endorse_witness_memory_clear(&memory);
	endorse_checkpoint_result_clear(&res);
	free(note);
	free(policy_path);
	free(data);
	endorse_policy_free(policy);
	endorse_state_free(state);
	endorse_storage_end(s);
	return rc;
}
