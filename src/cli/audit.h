/* The audit's view of a verified log (who endorses which version, or what
 * changed since an earlier point), and one renderer per output format. Every
 * renderer treats every string of the log as hostile text. */
#ifndef ENDORSE_AUDIT_H
#define ENDORSE_AUDIT_H

#include <stdio.h>

#include "endorse.h"

struct audit_row {
	const endorse_org *org;
	const endorse_endorsement *e;
	bool joined;                   /* since view: joined (true) or withdrew (false) */
};

struct audit_doc {
	const endorse_document *doc;
	size_t version;                /* per document id, from 1 */
	struct audit_row *rows;        /* signatories, or the changes since */
	size_t count;
};

struct audit_view {
	const endorse_state *state;
	char root[45];                 /* Merkle root, base64 */
	bool since;                    /* rows are changes since since_seq */
	uint64_t since_seq;
	struct audit_doc *docs;
	size_t doc_count;
	const char *newest_time;       /* the time of the log's newest entry, or NULL */
};

/* The endorsements active at a point of the log: (org index, document
 * index) pairs, taken while the log replays. */
struct audit_snapshot {
	uint64_t at;                   /* taken after the line with seq at - 1 */
	uint64_t *pairs;
	size_t count;
	bool taken;
};
/* ENDORSE_ENOMEM when out of memory (s is then not taken). */
int audit_snapshot_take(struct audit_snapshot *s, const endorse_state *state);

/* which: NULL or "all", "latest", or a SHA-256. */
int audit_view_build(struct audit_view *v, const endorse_state *state, const char *which,
	const struct audit_snapshot *since);
void audit_view_free(struct audit_view *v);

/* Whether an organisation's domain published its key when the log operator
 * checked (SPEC.md §7), the same in every format: AUDIT_CONFIRMED_CURRENT
 * (its current key), _OLDER (only a key it held before) or _NONE. c is the
 * confirm shown, NULL with _NONE. */
enum audit_confirmed { AUDIT_CONFIRMED_NONE, AUDIT_CONFIRMED_CURRENT, AUDIT_CONFIRMED_OLDER };
enum audit_confirmed audit_confirmed_of(const endorse_org *org, const endorse_confirmation **c);
/* "current", "older-key" or "none" (JSON, CSV, Jekyll). */
const char *audit_confirmed_word(enum audit_confirmed status);
/* For a column: "https, 2026-02-10", "older key only" or "no". */
void audit_confirmed_text(char out[40], const endorse_org *org);

/* log/checkpoint in words: "none", or its size, cosignatures and quorum. */
void audit_checkpoint_text(char out[160], const struct audit_view *v);

#endif
