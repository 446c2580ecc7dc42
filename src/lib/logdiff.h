/* One version of the log against an older one (SPEC.md §6): where a byte
 * offset is, whether the new version extends the old byte for byte, and,
 * at a merge, whether it keeps every line of the old one, in place or
 * re-chained. The verifiers of git history (history.c, history_merge.c,
 * history_base.c, history_since.c) share them. */
#ifndef ENDORSE_LOGDIFF_H
#define ENDORSE_LOGDIFF_H

#include "endorse.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "repo.h"
#include "report.h"

/* The 1-based number of the line of data that holds byte offset at. */
uint64_t endorse_logdiff_line_at(const char *data, size_t at);

/* Whether new extends old byte for byte; when it does not, reports (rule
 * append-only) the first line that differs or was removed. */
bool endorse_logdiff_extends(const endorse_blob *old, const endorse_blob *new,
	endorse_reporter *r);

/* A line's identity across a rechain: SHA-256 of its statement (JCS) and
 * signatures, which a rechain keeps (SPEC.md §3: they do not cover seq or
 * prev). *ok is false for a line that does not parse as an entry. */
int endorse_logdiff_identity(bool *ok, uint8_t out[32], const char *line, size_t len);

/* Whether every line of old (a merge parent's log) is in new (the merge's):
 * the lines up to *kept (bytes) byte for byte, each later one re-chained
 * (the same statement and signatures, in the same order, anywhere after).
 * Sets *missing to old's first line that is not (0: none). */
int endorse_logdiff_kept(uint64_t *missing, size_t *kept, const endorse_blob *old,
	const endorse_blob *new);

#endif
