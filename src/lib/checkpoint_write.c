/* The one way log/checkpoint is written: under the log's lock, as one
 * commit in git. The operator's checkpoint, a witness's cosignature and
 * the cosignatures a request collects (witness.c, witness_request.c) all
 * go through it. */
#include "checkpoint_write.h"
#include "error.h"
#include "store.h"

/* A checkpoint still waiting for its witnesses does not stop a write. */
int
endorse_checkpoint_write_verify(endorse_state **state, const char *dir,
	const endorse_verify_options *opt)
{
	endorse_verify_options vopt = {0};
	uint64_t problems = 0;
	int rc;

	if (opt != NULL)
		vopt = *opt;
	vopt.quorum_optional = true;
	vopt.want = ENDORSE_WANT_LEAVES;  /* consistency with the checkpoints before */
	rc = endorse_verify(state, dir, &vopt, &problems);
	if (rc == ENDORSE_EINVALID)
		rc = endorse_error_set(rc, NULL,
			"the log does not verify (%llu problem%s); refusing to write %s",
			(unsigned long long)problems, problems == 1 ? "" : "s", ENDORSE_CHECKPOINT_PATH);
	return rc;
}

int
endorse_checkpoint_write_begin(endorse_storage **s, const char *dir, bool commit,
	char completed[41])
{
	static const char *const paths[1] = {ENDORSE_CHECKPOINT_PATH};
	struct endorse_storage_options so = {dir, ENDORSE_STORAGE_WRITE, commit, paths, 1,
		endorse_store_finish_pin};

	return endorse_storage_begin(s, &so, completed);
}

int
endorse_checkpoint_write_put(endorse_storage *s, const char *data, size_t len,
	const char *message, char commit_hex[41])
{
	enum endorse_storage_undo undo;
	int rc = endorse_storage_put(s, ENDORSE_CHECKPOINT_PATH, data, len);

	if (rc == 0 && (rc = endorse_storage_commit(s, message, NULL, &undo, commit_hex)) != 0 &&
	    undo != ENDORSE_STORAGE_KEPT)
		rc = endorse_error_wrap(rc, "nothing was written");
	return rc;
}
