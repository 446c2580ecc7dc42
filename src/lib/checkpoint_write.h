/* checkpoint_write.c: the library-internal declarations of its module. */
#ifndef ENDORSE_CHECKPOINT_WRITE_H
#define ENDORSE_CHECKPOINT_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "storage.h"

/* Verifies the log as every write of log/checkpoint does first, keeping
 * its leaf hashes in *state (consistency proofs); a checkpoint still
 * waiting for its witnesses is no problem. */
int endorse_checkpoint_write_verify(endorse_state **state, const char *dir,
	const endorse_verify_options *opt);
/* Begins the write of log/checkpoint under the log's lock (storage.h);
 * completed gets an interrupted earlier write completed first. */
int endorse_checkpoint_write_begin(endorse_storage **s, const char *dir, bool commit,
	char completed[41]);
/* Replaces log/checkpoint with data, as one commit in git (commit_hex gets
 * it, empty when none). */
int endorse_checkpoint_write_put(endorse_storage *s, const char *data, size_t len,
	const char *message, char commit_hex[41]);

#endif
