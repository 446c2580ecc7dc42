/* The state of a log after replaying it (state.c): what later lines can
 * refer to, the rules of SPEC.md §4 that depend on it, and what is known of
 * the log's Merkle tree. The public half (endorse_state_org, ...) is in
 * endorse.h. */
#ifndef ENDORSE_STATE_H
#define ENDORSE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "endorse.h"

/* What a state keeps, given once when it is made. */
enum endorse_state_flags {
	/* Only what the rules need, not the details of endorsements: the
	 * organisations' endorsements stay empty (a verifier's state, smaller). */
	ENDORSE_STATE_RULES_ONLY = 1u << 0,
	/* Every leaf hash (for proofs and consistency), not only the root. */
	ENDORSE_STATE_KEEP_LEAVES = 1u << 1,
};

endorse_state *endorse_state_new(unsigned flags);
int endorse_state_set_policy(endorse_state *state, const endorse_vkey *log_key);

/* What endorse_state_check does beyond the rules that need no signature.
 * The line checker (line.h) adds its own flags to the same word. */
enum endorse_check_flags {
	/* Verify the signatures (else: verified before, a trusted line). */
	ENDORSE_CHECK_SIGNATURES = 1u << 0,
	/* Apply the entry's effect to the state when it passes. */
	ENDORSE_CHECK_APPLY = 1u << 1,
};

/* The signatures of an entry, checked ahead on another thread: what
 * endorse_state_check would find. Not checked: it checks them itself. */
typedef struct endorse_signatures {
	bool checked;
	bool sig_ok;
	bool new_sig_ok;  /* rotate */
} endorse_signatures;

/* Checks entry (already parsed) against the rules of SPEC.md §4 that depend
 * on the state (all but seq, prev and the time's distance to the clock,
 * which are the line's: line.h): 0, or ENDORSE_EINVALID with the rule and
 * message in the error record (error.h). ahead: its signatures checked on
 * another thread, or NULL. */
int endorse_state_check(endorse_state *state, const endorse_entry *entry, unsigned flags,
	const endorse_signatures *ahead);

/* What is known of a log's Merkle tree: every leaf hash, or only the root
 * at one size (captured while the log streamed by). */
typedef struct endorse_tree_view {
	const uint8_t (*leaves)[32];  /* NULL when not kept */
	uint64_t count;               /* entries in the log */
	uint64_t root_size;           /* without leaves: the size whose root is root */
	uint8_t root[32];
} endorse_tree_view;

/* Remember the root of the first size entries as they stream by (the size
 * is known only once log/checkpoint is read). */
void endorse_state_capture_root(endorse_state *state, uint64_t size);
void endorse_state_tree_view(const endorse_state *state, endorse_tree_view *view);

/* Counts one more line of the log, valid or not: state size is the next seq. */
void endorse_state_advance(endorse_state *state, const uint8_t line_hash[32],
	const uint8_t leaf_hash[32]);
/* Counts lines verified before without hashing them: the Merkle root is
 * then unknown (endorse_state_root), and head must be set after. */
void endorse_state_skip(endorse_state *state, uint64_t lines);
void endorse_state_set_head(endorse_state *state, const uint8_t line_hash[32]);
/* SHA-256 of the last line: the prev of the next entry. */
/* The time the organisation's next statement must claim to be after (that
 * of its last statement by a key not revoked); "" when it has none. */
const char *endorse_state_time_floor(const endorse_state *state, const char *org_id);
const uint8_t *endorse_state_head(const endorse_state *state);

/* Records what verification found of log/checkpoint. */
void endorse_state_set_checkpoint(endorse_state *state, const endorse_checkpoint_status *status);

#endif
