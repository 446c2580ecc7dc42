/* SPEC.md §6 on git history: every version of the log is a byte prefix of
 * the next along the first-parent history, every version verifies, and
 * keys/orgs agrees with the log at every commit. Checked incrementally: each
 * commit's new lines are replayed onto the state of its parent, so the cost
 * grows with the log, not with the log times the number of commits. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"
#include "line.h"
#include "policy_check.h"
#include "replay.h"

/* 1-based number of the line that holds byte offset at. */
static uint64_t
line_at(const char *data, size_t at)
{
	uint64_t n = 1;

	for (size_t i = 0; i < at; i++)
		n += data[i] == '\n';
	return n;
}

/* Checks that new extends old byte for byte; reports the first line that
 * differs when it does not. */
static bool
extends(const endorse_blob *old, const endorse_blob *new, endorse_reporter *r)
{
	size_t i = 0, n = old->len < new->len ? old->len : new->len;

	if (old->len <= new->len && memcmp(old->data, new->data, old->len) == 0)
		return true;
	while (i < n && old->data[i] == new->data[i])
		i++;
	if (i == new->len)
		endorse_report(r, ENDORSE_LOG_PATH, line_at(old->data, i), "append-only",
			"lines from %llu on were removed (the log may only grow)",
			(unsigned long long)line_at(old->data, i));
	else
		endorse_report(r, ENDORSE_LOG_PATH, line_at(new->data, i), "append-only",
			"line %llu differs from the version before (the log may only grow: lines are "
			"never edited, reordered or removed)", (unsigned long long)line_at(new->data, i));
	return false;
}

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

/* A line's identity across a rechain: its statement and signatures, which
 * a rechain keeps (SPEC.md §3: they do not cover seq or prev). */
static int
line_identity(bool *ok, uint8_t out[32], const char *line, size_t len)
{
	crypto_hash_sha256_state h;
	endorse_entry e;
	endorse_diag diag;
	char *jcs = NULL;
	size_t n = 0;
	int rc = 0;

	*ok = false;
	if (endorse_entry_parse_checked(&e, line, len, false, &diag) != 0)
		return 0; /* not a line: it can only be kept byte for byte */
	if ((rc = endorse_statement_serialize(&jcs, &n, &e.statement)) == 0) {
		crypto_hash_sha256_init(&h);
		crypto_hash_sha256_update(&h, (const uint8_t *)jcs, n + 1);  /* with its NUL */
		crypto_hash_sha256_update(&h, e.sig, sizeof(e.sig));
		if (e.has_new_sig)
			crypto_hash_sha256_update(&h, e.new_sig, sizeof(e.new_sig));
		crypto_hash_sha256_final(&h, out);
		*ok = true;
	}
	free(jcs);
	endorse_entry_clear(&e);
	return rc;
}

/* Whether every line of a merge parent's log (old) is in the merge's (new):
 * the lines up to *kept (bytes) byte for byte, each later one re-chained
 * (same statement and signatures, in the same order, anywhere after). Sets
 * *missing to the parent's first line that is not (0: none). */
static int
lines_kept(uint64_t *missing, size_t *kept, const endorse_blob *old, const endorse_blob *new)
{
	const char *p, *q, *pend = old->data + old->len, *qend = new->data + new->len;
	size_t i = 0, n = old->len < new->len ? old->len : new->len;
	uint64_t line;
	int rc = 0;

	*missing = 0;
	while (i < n && old->data[i] == new->data[i])
		i++;
	while (i > 0 && old->data[i - 1] != '\n')
		i--;  /* the last whole line both share */
	*kept = i;
	line = line_at(old->data, i);
	for (p = old->data + i, q = new->data + i; p < pend && rc == 0; line++) {
		const char *lf = memchr(p, '\n', (size_t)(pend - p));
		size_t len = lf != NULL ? (size_t)(lf - p) : (size_t)(pend - p);
		uint8_t want[32], got[32];
		bool ok = false, found = false;

		if ((rc = line_identity(&ok, want, p, len)) != 0)
			break;
		while (ok && !found && q < qend && rc == 0) {
			const char *qlf = memchr(q, '\n', (size_t)(qend - q));
			size_t qlen = qlf != NULL ? (size_t)(qlf - q) : (size_t)(qend - q);
			bool qok = false;

			rc = line_identity(&qok, got, q, qlen);
			found = qok && sodium_memcmp(want, got, 32) == 0;
			q += qlen + (qlf != NULL);
		}
		if (!found) {
			*missing = line;
			break;
		}
		p += len + (lf != NULL);
	}
	return rc;
}

/* SPEC.md §6 at a merge commit: the first parent is the version before
 * along the history (checked there); every line of every other parent must
 * be in the merge's log, byte for byte at its place or re-chained after it
 * (what `endorse rechain` commits, with the branch's old head as second
 * parent), and that parent's checkpoint must not be larger than the merge's
 * nor sign a line the merge moved. Otherwise a merge could drop what one
 * parent already holds (a withdrawal, a witnessed checkpoint) and still be a
 * fast-forward. */
static int
check_merge_parent(const endorse_repo *repo, const endorse_commit_id *merge,
	const endorse_commit_id *parent, size_t number, endorse_blob *log, endorse_reporter *r)
{
	endorse_blob plog = {0}, pcp = {0}, cp = {0};
	char label[80];
	uint64_t size = 0, psize = 0, missing = 0, same_lines = UINT64_MAX;
	size_t plen = 0, kept = 0;
	uint8_t pid[20];
	int rc = 0;

	(void)snprintf(label, sizeof(label), "%zu (commit %.12s)", number, parent->hex);
	/* peeked first: a parent that cannot be read is an error, not a pass */
	if ((rc = endorse_repo_peek(repo, parent, ENDORSE_LOG_PATH, &plog)) != 0)
		goto out;
	endorse_blob_clear(&plog);
	if (endorse_repo_blob_size(repo, parent, ENDORSE_LOG_PATH, &plen, pid) && plen > 0 &&
	    !(log->kind == ENDORSE_BLOB_FILE && memcmp(log->id, pid, 20) == 0)) {
		if (log->kind == ENDORSE_BLOB_FILE && log->data == NULL) {
			endorse_blob_clear(log);
			if ((rc = endorse_repo_read(repo, merge, ENDORSE_LOG_PATH, log)) != 0)
				goto out;
		}
		if (log->kind != ENDORSE_BLOB_FILE) {
			endorse_report(r, ENDORSE_LOG_PATH, 0, "append-only", "the merge has no log, but "
				"its parent %s has one (a merge keeps every line of every parent)", label);
		} else if (plen > log->len || !endorse_repo_blob_is(repo, pid, log->data, plen)) {
			if ((rc = endorse_repo_read(repo, parent, ENDORSE_LOG_PATH, &plog)) != 0 ||
			    (rc = lines_kept(&missing, &kept, &plog, log)) != 0)
				goto out;
			same_lines = line_at(plog.data, kept) - 1;
			if (missing != 0)
				endorse_report(r, ENDORSE_LOG_PATH, missing, "append-only",
					"line %llu of the log of the merge's parent %s is not in the merge's "
					"log, neither at its place nor re-chained (a merge keeps every line of "
					"every parent)", (unsigned long long)missing, label);
		}
	}
	if ((rc = endorse_repo_read(repo, parent, ENDORSE_CHECKPOINT_PATH, &pcp)) != 0 ||
	    (rc = endorse_repo_read(repo, merge, ENDORSE_CHECKPOINT_PATH, &cp)) != 0)
		goto out;
	if (checkpoint_size(&pcp, &psize)) {
		if (cp.kind == ENDORSE_BLOB_ABSENT)
			endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-consistency",
				"the merge has no log/checkpoint, but its parent %s has one of %llu entries; "
				"once signed, a checkpoint only moves forward", label, (unsigned long long)psize);
		else if (checkpoint_size(&cp, &size) && size < psize)
			endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-consistency",
				"the merge's checkpoint of %llu entries is smaller than the one of its parent "
				"%s (%llu entries); once signed, a checkpoint only moves forward",
				(unsigned long long)size, label, (unsigned long long)psize);
		else if (psize > same_lines)
			endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-consistency",
				"the checkpoint of the merge's parent %s signs %llu entries, but the merge "
				"keeps only %llu of them in place; signed entries never move",
				label, (unsigned long long)psize, (unsigned long long)same_lines);
	}
out:
	endorse_blob_clear(&plog);
	endorse_blob_clear(&pcp);
	endorse_blob_clear(&cp);
	return rc;
}

static int
check_merge(const endorse_repo *repo, const endorse_commit_id *id, char **author,
	endorse_reporter *r)
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
	for (size_t i = 1; i < n && rc == 0; i++)
		rc = check_merge_parent(repo, id, &parents[i], i + 1, &log, r);
out:
	endorse_blob_clear(&log);
	free(parents);
	return rc;
}

static void
report_executable(void *ctx, const char *rel)
{
	endorse_report(ctx, rel, 0, "file-mode", "executable in git (mode 100755); the log and "
		"keys/orgs files must be mode 100644 (git update-index --chmod=-x %s)", rel);
}

/* The one rule for the file mode of the log and the pins (README). */
static int
check_modes_at(const endorse_repo *repo, const endorse_commit_id *id, endorse_reporter *r)
{
	return endorse_repo_each_executable(repo, id, report_executable, r);
}

static int
check_orgs_at(const endorse_repo *repo, const endorse_commit_id *id, const endorse_state *state,
	endorse_reporter *r)
{
	struct endorse_pinned *files = NULL;
	size_t n = 0;
	int rc = endorse_repo_read_orgs(repo, id, &files, &n);

	if (rc == 0)
		endorse_orgs_compare(state, files, n, r);
	endorse_pinned_free(files, n);
	return rc;
}

int
endorse_history_state_at(endorse_state **out, const endorse_repo *repo, const endorse_commit_id *id,
	endorse_reporter *r)
{
	endorse_blob policy = {0};
	endorse_policy *p = NULL;
	int rc = endorse_repo_read(repo, id, ENDORSE_POLICY_PATH, &policy);

	*out = NULL;
	if (rc != 0)
		return rc;
	if (policy.kind != ENDORSE_BLOB_FILE) {
		endorse_report(r, ENDORSE_POLICY_PATH, 0, "policy", "%s",
			policy.kind == ENDORSE_BLOB_ABSENT ? "missing beside the log"
							   : "must be a regular file");
		rc = ENDORSE_EINVALID;
	} else if ((rc = endorse_policy_check(&p, policy.data, policy.len, r)) == 0) {
		/* every leaf: checkpoints' consistency */
		*out = endorse_state_new(ENDORSE_STATE_KEEP_LEAVES |
			(r->opt != NULL && r->opt->want == ENDORSE_WANT_VERDICT ? ENDORSE_STATE_RULES_ONLY : 0));
		if (*out == NULL)
			rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		else
			endorse_state_set_policy(*out, endorse_policy_log_key(p));
	}
	endorse_policy_free(p);
	endorse_blob_clear(&policy);
	return rc;
}

/* log/checkpoint at a commit: valid against that commit's policy and log,
 * and consistent with the previous checkpoint (last). The quorum is left
 * to the caller: witnesses cosign in commits of their own, after the
 * operator's. */
static int
check_checkpoint_at(const endorse_repo *repo, const endorse_commit_id *id, endorse_state *state,
	endorse_checkpoint_status *last, endorse_reporter *r)
{
	endorse_blob cp = {0}, policy = {0};
	endorse_checkpoint_status status = {0};
	endorse_policy *p = NULL;
	endorse_diag diag;
	endorse_tree_view tree;
	uint64_t line;
	int rc;

	if ((rc = endorse_repo_read(repo, id, ENDORSE_CHECKPOINT_PATH, &cp)) != 0 ||
	    (rc = endorse_repo_read(repo, id, ENDORSE_POLICY_PATH, &policy)) != 0)
		goto out;
	if (cp.kind == ENDORSE_BLOB_ABSENT) {
		if (last->present)
			endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-consistency",
				"log/checkpoint was removed; once signed, a checkpoint only moves forward");
		goto out;
	}
	if (cp.kind != ENDORSE_BLOB_FILE) {
		endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint", "must be a regular file");
		goto out;
	}
	/* An invalid policy is reported with the log; nothing to check against. */
	if (policy.kind != ENDORSE_BLOB_FILE ||
	    endorse_policy_parse_diag(&p, policy.data, policy.len, &line, &diag) != 0)
		goto out;
	endorse_state_tree_view(state, &tree);
	rc = endorse_checkpoint_verify_log(&status, p, cp.data, cp.len, &tree, last, false, r);
	if (status.present)
		*last = status;
	endorse_state_set_checkpoint(state, &status);
out:
	endorse_policy_free(p);
	endorse_blob_clear(&cp);
	endorse_blob_clear(&policy);
	return rc;
}

/* The log key must never change along the history. */
static void
check_same_log_key(const endorse_state *state, const endorse_repo *repo,
	const endorse_commit_id *id, endorse_reporter *r)
{
	endorse_reporter quiet = {NULL, 0, NULL, NULL};
	endorse_state *now = NULL;

	if (endorse_history_state_at(&now, repo, id, &quiet) != 0) {
		endorse_history_state_at(&now, repo, id, r); /* report why, with the commit named */
	} else if (!endorse_vkey_equal(endorse_state_log_key(now), endorse_state_log_key(state))) {
		endorse_report(r, ENDORSE_POLICY_PATH, 0, "policy",
			"the log key changed; a log keeps its key for ever (start a new log instead)");
	}
	endorse_state_free(now);
}

int
endorse_verify_history(endorse_state **out, const char *dir, const char *rev,
	const endorse_verify_options *opt, uint64_t *problem_count)
{
	endorse_reporter r = {opt, 0, NULL, NULL};
	endorse_repo *repo = NULL;
	endorse_commit_id tip, *ids = NULL;
	endorse_blob prev = {0}, log = {0}, prev_policy = {0}, policy = {0}, prev_orgs = {0}, orgs = {0};
	endorse_blob prev_cp = {0}, cp = {0};
	endorse_checkpoint_status last_cp = {0};
	endorse_state *state = NULL;
	char *author = NULL, tip_hex[41] = "";
	size_t n = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if ((rc = endorse_repo_open(&repo, dir)) != 0 ||
	    (rc = endorse_repo_resolve(repo, rev != NULL ? rev : "HEAD", &tip)) != 0 ||
	    (rc = endorse_repo_first_parents(repo, &tip, &ids, &n)) != 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const endorse_commit_id *id = &ids[i];

		/* Object ids first: a commit that changes none of the four is not
		 * read (their content is what the previous commit had). */
		if ((rc = endorse_repo_peek(repo, id, ENDORSE_LOG_PATH, &log)) != 0 ||
		    (rc = endorse_repo_read(repo, id, ENDORSE_POLICY_PATH, &policy)) != 0 ||
		    (rc = endorse_repo_read(repo, id, ENDORSE_ORGS_DIR, &orgs)) != 0 ||
		    (rc = endorse_repo_peek(repo, id, ENDORSE_CHECKPOINT_PATH, &cp)) != 0)
			break;
		/* Every parent of a merge, before anything is skipped: a merge whose
		 * tree is its first parent's can still drop another parent's lines. */
		if ((rc = check_merge(repo, id, &author, &r)) != 0)
			break;
		bool touched = log.kind != prev.kind || policy.kind != prev_policy.kind ||
			log.executable != prev.executable ||
			orgs.kind != prev_orgs.kind || cp.kind != prev_cp.kind ||
			memcmp(log.id, prev.id, 20) != 0 || memcmp(policy.id, prev_policy.id, 20) != 0 ||
			memcmp(orgs.id, prev_orgs.id, 20) != 0 || memcmp(cp.id, prev_cp.id, 20) != 0;
		/* A checkpoint checked before stays valid while the log grows:
		 * checked again only when it or the policy changes. */
		bool checkpoint_changed = cp.kind != prev_cp.kind || memcmp(cp.id, prev_cp.id, 20) != 0 ||
			policy.kind != prev_policy.kind || memcmp(policy.id, prev_policy.id, 20) != 0;
		endorse_blob_clear(&prev_cp);
		prev_cp = cp;
		memset(&cp, 0, sizeof(cp));
		if (!touched) {
			endorse_blob_clear(&log);
			endorse_blob_clear(&policy);
			endorse_blob_clear(&orgs);
			continue;
		}
		if (log.kind == ENDORSE_BLOB_FILE &&
		    (endorse_blob_clear(&log), rc = endorse_repo_read(repo, id, ENDORSE_LOG_PATH, &log)) != 0)
			break;
		free(author);
		if ((rc = endorse_repo_commit_author(repo, id, &author)) != 0)
			break;
		r.commit = id->hex;
		r.author = author;
		if (log.kind == ENDORSE_BLOB_ABSENT) {
			if (state != NULL)
				endorse_report(&r, ENDORSE_LOG_PATH, 0, "append-only", "the log was deleted");
			goto next;
		}
		if (log.kind != ENDORSE_BLOB_FILE) {
			endorse_report(&r, ENDORSE_LOG_PATH, 0, "file", "%s", log.kind == ENDORSE_BLOB_LINK
				? "the log is a symbolic link; it must be a regular file"
				: "the log must be a regular file");
			endorse_blob_clear(&log);
			goto next;
		}
		/* The log key comes from keys/policy: read again only when it changed. */
		if (state != NULL && (policy.kind != prev_policy.kind ||
				      memcmp(policy.id, prev_policy.id, 20) != 0))
			check_same_log_key(state, repo, id, &r);
		if (state != NULL && prev.kind == ENDORSE_BLOB_FILE && extends(&prev, &log, &r) &&
		    (prev.len == 0 || prev.data[prev.len - 1] == '\n')) {
			endorse_replay_lines(state, log.data + prev.len, log.len - prev.len, &r);
		} else {
			/* The first version, or one that broke the history: check it
			 * whole, and the commits after it against it. */
			endorse_state_free(state);
			if ((rc = endorse_history_state_at(&state, repo, id, &r)) == ENDORSE_EINVALID) {
				rc = 0;
				goto next;
			} else if (rc != 0) {
				break;
			}
			endorse_replay_lines(state, log.data, log.len, &r);
		}
		if (endorse_state_size(state) == 0)
			endorse_report(&r, ENDORSE_LOG_PATH, 0, "first-entry",
				"the log is empty; its first line must register a document");
		if ((rc = check_modes_at(repo, id, &r)) == 0 &&
		    (rc = check_orgs_at(repo, id, state, &r)) == 0 && checkpoint_changed)
			rc = check_checkpoint_at(repo, id, state, &last_cp, &r);
		(void)snprintf(tip_hex, sizeof(tip_hex), "%s", id->hex);
next:
		endorse_blob_clear(&prev);
		endorse_blob_clear(&prev_policy);
		endorse_blob_clear(&prev_orgs);
		prev = log;
		prev_policy = policy;
		prev_orgs = orgs;
		memset(&log, 0, sizeof(log));
		memset(&policy, 0, sizeof(policy));
		memset(&orgs, 0, sizeof(orgs));
	}
	if (rc == 0 && state == NULL && r.problems == 0)
		rc = endorse_fail(ENDORSE_ENOTFOUND, "no commit in the history of %s holds %s",
			rev != NULL ? rev : "HEAD", ENDORSE_LOG_PATH);
	if (rc == 0 && state != NULL && last_cp.present && !last_cp.quorum &&
	    (opt == NULL || !opt->quorum_optional)) {
		r.commit = tip_hex;
		endorse_report(&r, ENDORSE_CHECKPOINT_PATH, 0, "quorum",
			"the newest checkpoint is cosigned by %zu witnesses of the policy, which does not "
			"meet its quorum", last_cp.witnesses);
	}
	if (rc == 0 && r.problems > 0)
		rc = ENDORSE_EINVALID;
out:
	if (problem_count != NULL)
		*problem_count = r.problems;
	if (out != NULL && (rc == 0 || rc == ENDORSE_EINVALID))
		*out = state;
	else
		endorse_state_free(state);
	endorse_blob_clear(&prev);
	endorse_blob_clear(&log);
	endorse_blob_clear(&prev_policy);
	endorse_blob_clear(&policy);
	endorse_blob_clear(&prev_orgs);
	endorse_blob_clear(&orgs);
	endorse_blob_clear(&prev_cp);
	endorse_blob_clear(&cp);
	free(author);
	free(ids);
	endorse_repo_free(repo);
	return rc;
}

/* What the new lines of a pull request can depend on: documents, and the
 * organisations they name. A base line is replayed when it registers a
 * document or when its parsed statement concerns a touched organisation
 * (its org or org.id, its signer's, new signer's or revoked key's name),
 * never because an id occurs somewhere in its text (a name, a URL or a
 * reason can mention any id). The ids are kept sorted and unique, so that
 * each base line costs one parse and a binary search, not a search per id. */
struct touched {
	char **ids;
	size_t count;
};

/* Up to this many touched ids, a line that contains none of them (nor a
 * document's type) is passed over without being parsed: an id that a
 * statement names occurs verbatim in the line (ids need no JSON escape). */
#define TOUCHED_PREFILTER 4

static int
by_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
is_touched(const struct touched *t, const char *id)
{
	return id != NULL && id[0] != '\0' && t->count > 0 &&
		bsearch(&id, t->ids, t->count, sizeof(*t->ids), by_id) != NULL;
}

static bool
keep_line(void *ctx, const char *line, size_t len)
{
	const struct touched *t = ctx;
	const char *names[3];
	endorse_entry e;
	endorse_diag diag;
	bool keep;

	if (t->count <= TOUCHED_PREFILTER &&
	    !endorse_line_concerns(line, len, (const char *const *)t->ids, t->count))
		return false;
	/* verified at the base; should it not parse, the replay reports it */
	if (endorse_entry_parse_checked(&e, line, len, false, &diag) != 0)
		return true;
	keep = e.statement.type == ENDORSE_DOCUMENT;
	endorse_entry_org_names(&e, names);
	for (size_t i = 0; !keep && i < 3; i++)
		keep = is_touched(t, names[i]);
	endorse_entry_clear(&e);
	return keep;
}

static int
collect_touched(struct touched *t, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	size_t cap = 0, kept = 0;

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = lf != NULL ? (size_t)(lf - p) : (size_t)(end - p);
		endorse_entry e;
		endorse_diag diag;

		if (endorse_entry_parse_checked(&e, p, n, false, &diag) == 0 && e.statement.org_id) {
			if (t->count == cap) {
				size_t want = cap ? 2 * cap : 16;
				char **grown = realloc(t->ids, want * sizeof(char *));
				if (grown == NULL) {
					endorse_entry_clear(&e);
					return endorse_fail(ENDORSE_ENOMEM, "out of memory");
				}
				t->ids = grown;
				cap = want;
			}
			if ((t->ids[t->count] = strdup(e.statement.org_id)) == NULL) {
				endorse_entry_clear(&e);
				return endorse_fail(ENDORSE_ENOMEM, "out of memory");
			}
			t->count++;
		}
		endorse_entry_clear(&e);
		p += n + (lf != NULL);
	}
	if (t->count == 0)
		return 0;
	qsort(t->ids, t->count, sizeof(*t->ids), by_id);
	for (size_t i = 0; i < t->count; i++) {
		if (kept > 0 && strcmp(t->ids[kept - 1], t->ids[i]) == 0)
			free(t->ids[i]);
		else
			t->ids[kept++] = t->ids[i];
	}
	t->count = kept;
	return 0;
}

static bool
org_of_file(char out[256], const char *name)
{
	size_t n = strlen(name);

	if (n <= 5 || n - 5 >= 256 || strcmp(name + n - 5, ".vkey") != 0)
		return false;
	memcpy(out, name, n - 5);
	out[n - 5] = '\0';
	return true;
}

static const struct endorse_pinned *
find_file(const struct endorse_pinned *files, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(files[i].name, name) == 0)
			return &files[i];
	return NULL;
}

/* keys/orgs at head against a state that holds only the organisations the
 * new lines touch: their files must agree; every other file must be as it
 * was at the base, which was verified. */
static int
check_orgs_changed(const endorse_repo *repo, const endorse_commit_id *base,
	const endorse_commit_id *head, const endorse_state *state, endorse_reporter *r)
{
	struct endorse_pinned *old = NULL, *now = NULL, *kept = NULL;
	size_t nold = 0, nnow = 0, nkept = 0;
	char id[256], file[320];
	int rc;

	if ((rc = endorse_repo_read_orgs(repo, base, &old, &nold)) != 0 ||
	    (rc = endorse_repo_read_orgs(repo, head, &now, &nnow)) != 0)
		goto out;
	for (size_t i = 0; i < nnow && rc == 0; i++) {
		const struct endorse_pinned *was = find_file(old, nold, now[i].name);
		bool known = org_of_file(id, now[i].name) && endorse_state_find_org(state, id) != NULL;

		if (known || was == NULL || memcmp(was->id, now[i].id, 20) != 0 || !now[i].regular) {
			if (!known && was != NULL && now[i].regular) {
				(void)snprintf(file, sizeof(file), "%s/%.260s", ENDORSE_ORGS_DIR, now[i].name);
				endorse_report(r, file, 0, "keys-orgs",
					"changed, but no new entry concerns this organization");
				continue;
			}
			rc = endorse_pinned_add(&kept, &nkept, now[i].name, now[i].text, now[i].len,
				now[i].regular);
		}
	}
	for (size_t i = 0; i < nold; i++) {
		if (find_file(now, nnow, old[i].name) != NULL ||
		    (org_of_file(id, old[i].name) && endorse_state_find_org(state, id) != NULL))
			continue;
		(void)snprintf(file, sizeof(file), "%s/%.260s", ENDORSE_ORGS_DIR, old[i].name);
		endorse_report(r, file, 0, "keys-orgs",
			"removed, but no new entry concerns this organization");
	}
	if (rc == 0)
		endorse_orgs_compare(state, kept, nkept, r);
out:
	endorse_pinned_free(old, nold);
	endorse_pinned_free(now, nnow);
	endorse_pinned_free(kept, nkept);
	return rc;
}

/* The leaf hashes of the lines of data. */
static int
leaves_of(uint8_t (**out)[32], uint64_t *count, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	uint64_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += data[i] == '\n';
	*count = 0;
	if ((*out = malloc((n ? n : 1) * sizeof(**out))) == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == NULL)
			break;
		endorse_merkle_leaf_hash((*out)[(*count)++], (const uint8_t *)p, (size_t)(lf - p));
		p = lf + 1;
	}
	return 0;
}

/* The pull request's log/checkpoint. Unchanged (with the policy), it was
 * verified at the base and still covers a prefix of the log: its
 * signatures are read for the summary. Changed, it is verified against the
 * head's whole log and must extend the base's checkpoint. */
static int
check_checkpoint_base(const endorse_repo *repo, const endorse_commit_id *base,
	const endorse_commit_id *head, const endorse_blob *log, endorse_state *state,
	endorse_reporter *r)
{
	endorse_blob old = {0}, now = {0}, old_policy = {0}, policy = {0};
	endorse_checkpoint_status prev = {0}, status = {0};
	endorse_checkpoint_result res = {0};
	endorse_checkpoint old_cp;
	endorse_policy *p = NULL;
	endorse_note *old_note = NULL;
	endorse_diag diag;
	endorse_tree_view tree;
	uint8_t(*leaves)[32] = NULL;
	uint64_t count = 0, line;
	int rc;

	if ((rc = endorse_repo_peek(repo, base, ENDORSE_CHECKPOINT_PATH, &old)) != 0 ||
	    (rc = endorse_repo_peek(repo, base, ENDORSE_POLICY_PATH, &old_policy)) != 0 ||
	    (rc = endorse_repo_read(repo, head, ENDORSE_CHECKPOINT_PATH, &now)) != 0 ||
	    (rc = endorse_repo_read(repo, head, ENDORSE_POLICY_PATH, &policy)) != 0)
		goto out;
	if (now.kind == ENDORSE_BLOB_ABSENT) {
		if (old.kind != ENDORSE_BLOB_ABSENT)
			endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-consistency",
				"log/checkpoint was removed; once signed, a checkpoint only moves forward");
		goto out;
	}
	if (now.kind != ENDORSE_BLOB_FILE) {
		endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint", "must be a regular file");
		goto out;
	}
	if (policy.kind != ENDORSE_BLOB_FILE ||
	    endorse_policy_parse_diag(&p, policy.data, policy.len, &line, &diag) != 0)
		goto out; /* reported with the log */
	if (old.kind == ENDORSE_BLOB_FILE && memcmp(old.id, now.id, 20) == 0 &&
	    old_policy.kind == ENDORSE_BLOB_FILE && memcmp(old_policy.id, policy.id, 20) == 0) {
		if (endorse_checkpoint_check(&res, p, now.data, now.len, (uint64_t)time(NULL)) == 0) {
			status = (endorse_checkpoint_status){true, res.checkpoint.size, {0}, res.witnesses,
				res.quorum};
			memcpy(status.root, res.checkpoint.root, 32);
			endorse_state_set_checkpoint(state, &status);
		}
		goto out;
	}
	if (old.kind == ENDORSE_BLOB_FILE) {
		endorse_blob_clear(&old);
		if ((rc = endorse_repo_read(repo, base, ENDORSE_CHECKPOINT_PATH, &old)) != 0)
			goto out;
		if (endorse_note_parse(&old_note, old.data, old.len) == 0 &&
		    endorse_checkpoint_parse(&old_cp, old_note->text, old_note->text_len) == 0) {
			prev = (endorse_checkpoint_status){true, old_cp.size, {0}, 0, false};
			memcpy(prev.root, old_cp.root, 32);
		}
	}
	if ((rc = leaves_of(&leaves, &count, log->data, log->len)) != 0)
		goto out;
	tree = (endorse_tree_view){.leaves = (const uint8_t(*)[32])leaves, .count = count};
	rc = endorse_checkpoint_verify_log(&status, p, now.data, now.len, &tree, &prev,
		r->opt == NULL || !r->opt->quorum_optional, r);
	endorse_state_set_checkpoint(state, &status);
out:
	free(leaves);
	endorse_note_free(old_note);
	endorse_checkpoint_result_clear(&res);
	endorse_policy_free(p);
	endorse_blob_clear(&old);
	endorse_blob_clear(&now);
	endorse_blob_clear(&old_policy);
	endorse_blob_clear(&policy);
	return rc;
}

int
endorse_verify_base(endorse_state **out, const char *dir, const char *base_rev,
	const char *head_rev, const endorse_verify_options *opt, uint64_t *problem_count)
{
	endorse_reporter r = {opt, 0, NULL, NULL};
	endorse_repo *repo = NULL;
	endorse_commit_id base, head;
	endorse_blob old = {0}, log = {0};
	endorse_state *state = NULL;
	struct touched touched = {NULL, 0};
	size_t base_len = 0;
	uint8_t base_id[20];
	bool has_base;
	int rc;

	if (out != NULL)
		*out = NULL;
	if ((rc = endorse_repo_open(&repo, dir)) != 0 ||
	    (rc = endorse_repo_resolve(repo, base_rev, &base)) != 0 ||
	    (rc = endorse_repo_resolve(repo, head_rev != NULL ? head_rev : "HEAD", &head)) != 0 ||
	    (rc = endorse_repo_read(repo, &head, ENDORSE_LOG_PATH, &log)) != 0)
		goto out;
	has_base = endorse_repo_blob_size(repo, &base, ENDORSE_LOG_PATH, &base_len, base_id);
	if (log.kind != ENDORSE_BLOB_FILE) {
		endorse_report(&r, ENDORSE_LOG_PATH, 0, "file", "%s", log.kind == ENDORSE_BLOB_ABSENT
			? "there is no log at the head" : "the log must be a regular file");
		goto done;
	}
	if ((rc = endorse_history_state_at(&state, repo, &head, &r)) != 0 ||
	    (rc = check_modes_at(repo, &head, &r)) != 0)
		goto done;
	if (has_base) {
		endorse_state *base_state = NULL;
		endorse_reporter quiet = {NULL, 0, NULL, NULL};
		if (endorse_history_state_at(&base_state, repo, &base, &quiet) == 0 &&
		    !endorse_vkey_equal(endorse_state_log_key(base_state), endorse_state_log_key(state)))
			endorse_report(&r, ENDORSE_POLICY_PATH, 0, "policy",
				"the log key differs from the base's; a log keeps its key for ever");
		endorse_state_free(base_state);
		/* Git names a blob by its content: if the first base_len bytes of
		 * the head's log hash to the base's blob, the head extends it, and
		 * the base never has to be read. Only a failure reads it, to name
		 * the first line that differs. */
		if (base_len > log.len || !endorse_repo_blob_is(repo, base_id, log.data, base_len) ||
		    (base_len > 0 && log.data[base_len - 1] != '\n')) {
			if ((rc = endorse_repo_read(repo, &base, ENDORSE_LOG_PATH, &old)) == 0 &&
			    extends(&old, &log, &r))
				endorse_report(&r, ENDORSE_LOG_PATH, 0, "append-only",
					"the base's log does not end with a newline");
			goto done;
		}
		/* The base's lines were verified when the base was: replay, for
		 * their effect only, the ones the new lines can depend on; the
		 * cost grows with the new lines and the organisations they name. */
		if ((rc = collect_touched(&touched, log.data + base_len, log.len - base_len)) != 0)
			goto done;
		endorse_replay_trusted(state, log.data, base_len, keep_line, &touched, &r);
		endorse_replay_lines(state, log.data + base_len, log.len - base_len, &r);
		if ((rc = check_orgs_changed(repo, &base, &head, state, &r)) == 0)
			rc = check_checkpoint_base(repo, &base, &head, &log, state, &r);
	} else {
		endorse_replay_lines(state, log.data, log.len, &r);
		if ((rc = check_orgs_at(repo, &head, state, &r)) == 0)
			rc = check_checkpoint_base(repo, &base, &head, &log, state, &r);
	}
done:
	if (rc == ENDORSE_EINVALID)
		rc = 0;
	if (rc == 0 && r.problems > 0)
		rc = ENDORSE_EINVALID;
out:
	if (problem_count != NULL)
		*problem_count = r.problems;
	if (out != NULL && (rc == 0 || rc == ENDORSE_EINVALID))
		*out = state;
	else
		endorse_state_free(state);
	for (size_t i = 0; i < touched.count; i++)
		free(touched.ids[i]);
	free(touched.ids);
	endorse_blob_clear(&old);
	endorse_blob_clear(&log);
	endorse_repo_free(repo);
	return rc;
}

/* Whether the log in dir's work tree starts with old's bytes: read in
 * chunks, so that the cost is old's size. *line gets the first line that
 * differs (or that the work tree lacks). */
static int
work_log_extends(bool *extends_old, uint64_t *line, const char *dir, const endorse_blob *old)
{
	char *path = endorse_path_join(dir, ENDORSE_LOG_PATH), buf[65536];
	size_t at = 0;
	int fd = -1, rc = 0;

	*extends_old = false;
	*line = 1;
	if (path == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0) {
		rc = endorse_fail(errno == ENOENT ? ENDORSE_ENOTFOUND : ENDORSE_EIO, "%s: %s", path,
			strerror(errno));
		goto out;
	}
	while (at < old->len) {
		size_t want = old->len - at < sizeof(buf) ? old->len - at : sizeof(buf), same = 0;
		ssize_t got = read(fd, buf, want);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = endorse_fail(ENDORSE_EIO, "%s: %s", path, strerror(errno));
			goto out;
		}
		while (same < (size_t)got && buf[same] == old->data[at + same])
			same++;
		if (got == 0 || same < (size_t)got) {
			*line = line_at(old->data, at + same);
			goto out;
		}
		at += (size_t)got;
	}
	*extends_old = true;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

int
endorse_log_lines_at(const char *dir, const char *rev, uint64_t *lines)
{
	endorse_repo *repo = NULL;
	endorse_commit_id id;
	endorse_blob log = {0};
	uint64_t differs = 0;
	bool kept = false;
	int rc;

	*lines = 0;
	if ((rc = endorse_repo_open(&repo, dir)) != 0 || (rc = endorse_repo_resolve(repo, rev, &id)) != 0 ||
	    (rc = endorse_repo_read(repo, &id, ENDORSE_LOG_PATH, &log)) != 0)
		goto out;
	if (log.kind == ENDORSE_BLOB_ABSENT)
		goto out;
	if (log.kind != ENDORSE_BLOB_FILE) {
		rc = endorse_fail(ENDORSE_EINVALID, "%s: the log at %s is not a regular file",
			ENDORSE_LOG_PATH, rev);
		goto out;
	}
	/* As --base: the log at rev must be a byte prefix of the current one
	 * (whole lines), or "since rev" means nothing. */
	if ((rc = work_log_extends(&kept, &differs, dir, &log)) != 0)
		goto out;
	if (!kept || (log.len > 0 && log.data[log.len - 1] != '\n')) {
		rc = endorse_fail(ENDORSE_EINVALID, "%s: the log at %s is not a prefix of the current "
			"log (%s %llu): the log was rewritten since, so nothing can be shown as changed "
			"since %s", ENDORSE_LOG_PATH, rev, kept ? "it does not end with a newline after line"
			: "they differ from line", (unsigned long long)(kept ? line_at(log.data, log.len)
			: differs), rev);
		goto out;
	}
	for (size_t i = 0; i < log.len; i++)
		*lines += log.data[i] == '\n';
out:
	endorse_blob_clear(&log);
	endorse_repo_free(repo);
	return rc;
}

int
endorse_org_keys_new_since(bool *is_new, const endorse_state *state, const char *dir,
	const char *rev)
{
	endorse_repo *repo = NULL;
	endorse_commit_id id;
	endorse_blob pin = {0};
	char path[sizeof(ENDORSE_ORGS_DIR) + ENDORSE_NAME_MAX + sizeof("/.vkey")];
	char line[ENDORSE_VKEY_MAX + 1];
	int rc;

	if ((rc = endorse_repo_open(&repo, dir)) != 0 ||
	    (rc = endorse_repo_resolve(repo, rev, &id)) != 0)
		goto out;
	/* rev's pins agree with rev's log (CI verified it when it was the head),
	 * and one pin is cheaper to read than the log is to replay */
	for (size_t i = 0; i < endorse_state_org_count(state); i++) {
		const endorse_org *org = endorse_state_org(state, i);
		size_t len;

		is_new[i] = false;
		if (!org->has_key)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s.vkey", ENDORSE_ORGS_DIR, org->id);
		if ((rc = endorse_repo_read(repo, &id, path, &pin)) != 0)
			goto out;
		len = endorse_vkey_format_line(line, &org->key);
		is_new[i] = pin.kind != ENDORSE_BLOB_FILE || pin.len != len ||
			memcmp(pin.data, line, len) != 0;
		endorse_blob_clear(&pin);
	}
out:
	endorse_blob_clear(&pin);
	endorse_repo_free(repo);
	return rc;
}
