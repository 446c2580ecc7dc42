/* A log's checkpoint (SPEC.md §5 and §6): checkpoint.c's check of the note
 * against the policy, then against the log's own tree, with each problem
 * reported to the verifier's reporter. Not in the pure core: it reads the
 * clock and reports through the verifier. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "error.h"
#include "checkpoint_log.h"
#include "file.h"
#include "report.h"
#include "state.h"

int
endorse_checkpoint_read_checked(endorse_checkpoint_result *res, char **note, size_t *len,
	endorse_policy **policy_out, const char *dir)
{
	endorse_policy *policy = NULL;
	char *cp_path = endorse_path_join(dir, ENDORSE_CHECKPOINT_PATH);
	char *policy_path = endorse_path_join(dir, ENDORSE_POLICY_PATH);
	int rc;

	*note = NULL;
	if (cp_path == NULL || policy_path == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	rc = endorse_file_read(note, len, cp_path, ENDORSE_NOTE_MAX);
	if (rc == ENDORSE_ENOTFOUND)
		rc = endorse_error_set(rc, NULL, "%s: the log has no checkpoint yet; the log "
			"operator signs one with 'endorse checkpoint'", cp_path);
	if (rc == 0 && (rc = endorse_policy_load(&policy, policy_path)) == 0)
		rc = endorse_checkpoint_check(res, policy, *note, *len, (uint64_t)time(NULL));
out:
	if (rc == 0 && policy_out != NULL)
		*policy_out = policy;
	else
		endorse_policy_free(policy);
	if (rc != 0) {
		free(*note);
		*note = NULL;
	}
	free(cp_path);
	free(policy_path);
	return rc;
}

int
endorse_checkpoint_verify_log(endorse_checkpoint_status *seen, const endorse_policy *policy,
	const char *note, size_t len, const endorse_tree_view *tree,
	const endorse_checkpoint_status *prev, bool check_quorum, endorse_reporter *r)
{
	const uint8_t(*leaves)[32] = tree->leaves;
	uint64_t count = tree->count;
	endorse_checkpoint_result res;
	const endorse_checkpoint *cp = &res.checkpoint;
	uint8_t root[32], proof[ENDORSE_MERKLE_MAX_PROOF][32];
	size_t proof_len = 0;
	int rc;

	memset(seen, 0, sizeof(*seen));
	rc = endorse_checkpoint_check(&res, policy, note, len, (uint64_t)time(NULL));
	if (rc == ENDORSE_EINVALID) {
		endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, endorse_error_get()->rule, "%s",
			endorse_error_last());
		rc = 0;
		goto out;
	} else if (rc != 0) {
		goto out;
	}
	if (cp->size > count) {
		endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-size",
			"the checkpoint is of %llu entries but the log has only %llu",
			(unsigned long long)cp->size, (unsigned long long)count);
		goto out;
	}
	if (leaves != NULL) {
		endorse_merkle_root_of(root, leaves, cp->size);
	} else if (tree->root_size == cp->size) {
		memcpy(root, tree->root, 32);
	} else {
		rc = endorse_error_set(ENDORSE_EIO, NULL,
			"the root of the log's first %llu entries was not kept",
			(unsigned long long)cp->size);
		goto out;
	}
	if (sodium_memcmp(root, cp->root, 32) != 0) {
		endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-root",
			"the checkpoint's root is not the root of the log's first %llu entries",
			(unsigned long long)cp->size);
		goto out;
	}
	if (prev != NULL && prev->present && prev->size > 0) {
		/* The log's own tree proves consistency; the proof is made and
		 * checked all the same, as a reader holding only the two
		 * checkpoints would. */
		if (leaves == NULL) {
			rc = endorse_error_set(ENDORSE_EIO, NULL, "the log's leaf hashes were not kept");
			goto out;
		}
		if (cp->size < prev->size ||
		    endorse_merkle_prove_consistency(proof, &proof_len, leaves, prev->size, cp->size) != 0 ||
		    !endorse_merkle_check_consistency(prev->size, cp->size, prev->root, cp->root,
			    (const uint8_t(*)[32])proof,
			    proof_len)) {
			endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-consistency",
				"the checkpoint (%llu entries) is not consistent with the one before it "
				"(%llu entries): a checkpoint only moves forward along the same log",
				(unsigned long long)cp->size, (unsigned long long)prev->size);
			goto out;
		}
	}
	seen->present = true;
	seen->size = cp->size;
	memcpy(seen->root, cp->root, 32);
	seen->witnesses = res.witnesses;
	seen->quorum = res.quorum;
	if (check_quorum && !res.quorum)
		endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "quorum",
			"the checkpoint is cosigned by %zu of the policy's %zu witnesses, which does not "
			"meet its quorum \"%s\"", res.witnesses, endorse_policy_witness_count(policy),
			endorse_policy_quorum_name(policy));
out:
	endorse_checkpoint_result_clear(&res);
	return rc;
}
