/* Replaying a log into a state (replay.c): from the log file in one
 * streaming pass, or from a buffer (a git blob); each line goes through the
 * line checker (line.h) and every problem is reported. */
#ifndef ENDORSE_REPLAY_H
#define ENDORSE_REPLAY_H

#include "endorse.h"

#include <stdbool.h>
#include <stddef.h>

#include "prepare.h"
#include "report.h"
#include "state.h"

/* Replays the lines of data, which continue what state has seen, checking
 * everything (line.h's ENDORSE_CHECK_ALL) while worker threads prepare the
 * lines. */
void endorse_replay_lines(endorse_state *state, const char *data, size_t len,
	endorse_reporter *r);
/* The same for lines verified before (a prefix checked at an earlier
 * commit): only the state's rules, without signatures, so that what later
 * lines need is known; seq, prev, canonical form and key points are not
 * checked again, and lines are not hashed (the Merkle root becomes
 * unknown). Only the lines that keep() accepts (NULL: all) are checked,
 * the others are counted. */
void endorse_replay_trusted(endorse_state *state, const char *data, size_t len,
	bool (*keep)(void *ctx, const char *line, size_t len), void *ctx, endorse_reporter *r);
/* Calls fn for every line of dir/log/endorsements.jsonl, in order, read in
 * one pass with bounded memory: a line longer than ENDORSE_MAX_LINE comes
 * without its text, hashed (endorse_prepared's hash and leaf); fn may use
 * the line's entry. batch_end: the line is the last one read before the
 * next read (and the last of the log at its end). fn returns 0 to go on,
 * > 0 to stop, < 0 an error. */
typedef int (*endorse_line_fn)(void *ctx, endorse_prepared *line, bool batch_end);
int endorse_log_each_line(const char *dir, endorse_line_fn fn, void *ctx);
/* The state a writer needs, quickly: dir/log/endorsements.jsonl read in one
 * pass; only the lines that register documents or concern org_id (NULL:
 * none) are parsed and checked as verify would (signatures too; prev and
 * future-time not), the others are only counted; the head is the hash of
 * the last line. The Merkle root is then unknown. */
int endorse_replay_file_for(endorse_state *state, const char *dir, const char *org_id,
	endorse_reporter *r);
/* Replays dir/log/endorsements.jsonl in one streaming pass. */
int endorse_replay_file(endorse_state *state, const char *dir, endorse_reporter *r);

#endif
