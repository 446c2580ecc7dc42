/* SPEC.md §6 at a merge commit: the first parent is the version before
 * along the history (checked there); every line of every other parent must
 * be in the merge's log, byte for byte at its place or re-chained after it
 * (what `endorse rechain` commits, with the branch's old head as second
 * parent), and that parent's checkpoint must not be larger than the merge's
 * nor sign a line the merge moved. Otherwise a merge could drop what one
 * parent already holds (a withdrawal, a witnessed checkpoint) and still be a
 * fast-forward. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history_merge.h"
#include "logdiff.h"
#include "repo.h"
#include "repo_git.h"
#include "report.h"

/* One parent of a merge, checked against the merge. */
struct parent_check {
	const endorse_repo *repo;
	const endorse_commit_id *merge, *parent;
	endorse_blob *log;    /* the merge's, peeked, read when needed */
	char label[80];       /* how the messages name the parent */
	uint64_t same_lines;  /* the parent's lines the merge keeps in place */
	endorse_reporter *r;
};

/* The size of a commit's log/checkpoint, when it has a well-formed one. */
static bool
checkpoint_size(const endorse_blob *cp, uint64_t *size)
{
	endorse_note *note = NULL;
	endorse_checkpoint parsed;
	bool ok = cp->kind == ENDORSE_BLOB_FILE && endorse_note_parse(&note, cp->data, cp->len) == 0 &&
		endorse_checkpoint_parse(&parsed, note->text, note->text_len) == 0;

	if (ok)
		*size = parsed.size;
	endorse_note_free(note);
	return ok;
}

/* The parent's log (not a prefix of the merge's by its blob id) line by
 * line against the merge's. */
static int
check_parent_lines(struct parent_check *c)
{
	endorse_blob plog = {0};
	uint64_t missing = 0;
	size_t kept = 0;
	int rc;

	if ((rc = endorse_repo_read(c->repo, c->parent, ENDORSE_LOG_PATH, &plog)) != 0 ||
	    (rc = endorse_logdiff_kept(&missing, &kept, &plog, c->log)) != 0)
		goto out;
	c->same_lines = endorse_logdiff_line_at(plog.data, kept) - 1;
	if (missing != 0)
		endorse_report(c->r, ENDORSE_LOG_PATH, missing, "append-only",
			"line %llu of the log of the merge's parent %s is not in the merge's "
			"log, neither at its place nor re-chained (a merge keeps every line of "
			"every parent)", (unsigned long long)missing, c->label);
out:
	endorse_blob_clear(&plog);
	return rc;
}

/* Every line of the parent's log is in the merge's. */
static int
check_parent_log(struct parent_check *c)
{
	endorse_blob plog = {0};
	size_t plen = 0;
	uint8_t pid[20];
	int rc;

	/* peeked first: a parent that cannot be read is an error, not a pass */
	if ((rc = endorse_repo_peek(c->repo, c->parent, ENDORSE_LOG_PATH, &plog)) != 0)
		return rc;
	endorse_blob_clear(&plog);
	if (!endorse_repo_blob_size(c->repo, c->parent, ENDORSE_LOG_PATH, &plen, pid) || plen == 0 ||
	    (c->log->kind == ENDORSE_BLOB_FILE && memcmp(c->log->id, pid, 20) == 0))
		return 0;
	if (c->log->kind == ENDORSE_BLOB_FILE && c->log->data == NULL) {
		endorse_blob_clear(c->log);
		if ((rc = endorse_repo_read(c->repo, c->merge, ENDORSE_LOG_PATH, c->log)) != 0)
			return rc;
	}
	if (c->log->kind != ENDORSE_BLOB_FILE)
		endorse_report(c->r, ENDORSE_LOG_PATH, 0, "append-only", "the merge has no log, but "
			"its parent %s has one (a merge keeps every line of every parent)", c->label);
	else if (plen > c->log->len || !endorse_repo_blob_is(c->repo, pid, c->log->data, plen))
		return check_parent_lines(c);
	return 0;
}

/* The parent's checkpoint is not larger than the merge's, and signs no line
 * the merge moved. */
static int
check_parent_checkpoint(const struct parent_check *c)
{
	endorse_blob pcp = {0}, cp = {0};
	uint64_t size = 0, psize = 0;
	int rc;

	if ((rc = endorse_repo_read(c->repo, c->parent, ENDORSE_CHECKPOINT_PATH, &pcp)) != 0 ||
	    (rc = endorse_repo_read(c->repo, c->merge, ENDORSE_CHECKPOINT_PATH, &cp)) != 0 ||
	    !checkpoint_size(&pcp, &psize))
		goto out;
	if (cp.kind == ENDORSE_BLOB_ABSENT)
		endorse_report(c->r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-consistency",
			"the merge has no log/checkpoint, but its parent %s has one of %llu entries; "
			"once signed, a checkpoint only moves forward", c->label,
			(unsigned long long)psize);
	else if (checkpoint_size(&cp, &size) && size < psize)
		endorse_report(c->r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-consistency",
			"the merge's checkpoint of %llu entries is smaller than the one of its parent "
			"%s (%llu entries); once signed, a checkpoint only moves forward",
			(unsigned long long)size, c->label, (unsigned long long)psize);
	else if (psize > c->same_lines)
		endorse_report(c->r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-consistency",
			"the checkpoint of the merge's parent %s signs %llu entries, but the merge "
			"keeps only %llu of them in place; signed entries never move",
			c->label, (unsigned long long)psize, (unsigned long long)c->same_lines);
out:
	endorse_blob_clear(&pcp);
	endorse_blob_clear(&cp);
	return rc;
}

int
endorse_history_merge_check(const endorse_repo *repo, const endorse_commit_id *id,
	char **author, endorse_reporter *r)
{
	endorse_commit_id *parents = NULL;
	endorse_blob log = {0};
	size_t n = 0;
	int rc;

	if ((rc = endorse_repo_parents(repo, id, &parents, &n)) != 0 || n < 2)
		goto out;
	free(*author);
	if ((rc = endorse_repo_commit_author(repo, id, author)) != 0 ||
	    (rc = endorse_repo_peek(repo, id, ENDORSE_LOG_PATH, &log)) != 0)
		goto out;
	r->commit = id->hex;
	r->author = *author;
	for (size_t i = 1; i < n && rc == 0; i++) {
		struct parent_check c = {repo, id, &parents[i], &log, "", UINT64_MAX, r};

		(void)snprintf(c.label, sizeof(c.label), "%zu (commit %.12s)", i + 1, parents[i].hex);
		if ((rc = check_parent_log(&c)) == 0)
			rc = check_parent_checkpoint(&c);
	}
out:
	endorse_blob_clear(&log);
	free(parents);
	return rc;
}
