/* verify --base (SPEC.md §6 for a pull request): the head's log extends the
 * base's byte for byte, its new lines verify on top of the base's, keys/orgs
 * changes only where a new line concerns an organisation, and the head's
 * checkpoint extends the base's. The base was verified when it was the head,
 * so the cost grows with the new lines, not with the log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "array.h"
#include "history.h"
#include "line.h"
#include "logdiff.h"
#include "replay.h"
#include "checkpoint_log.h"
#include "entry.h"
#include "error.h"
#include "pins.h"
#include "rechain_plan.h"
#include "repo.h"
#include "repo_git.h"
#include "report.h"
#include "state.h"

/* What the new lines of a pull request can depend on: documents, and the
 * organisations they name. A base line is replayed when it registers a
 * document or when its parsed statement concerns a touched organisation
 * (its org or org.id, its signer's, new signer's or revoked key's name),
 * never because an id occurs somewhere in its text (a name, a URL or a
 * reason can mention any id). The ids are kept sorted and unique, so that
 * each base line costs one parse and a binary search, not a search per id. */
struct touched {
	char **ids;
	size_t count, cap;
};

/* Up to this many touched ids, a line that contains none of them (nor a
 * document's type) is passed over without being parsed: an id that a
 * statement names occurs verbatim in the line (ids need no JSON escape). */
#define TOUCHED_PREFILTER 4

/* A pull request: its head checked against its base. */
struct pull {
	const endorse_repo *repo;
	endorse_commit_id base, head;
	endorse_blob log;       /* the head's */
	endorse_state *state;   /* the head's, once its keys/policy is read */
	endorse_reporter r;
};

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
	bool keep;

	if (t->count <= TOUCHED_PREFILTER &&
	    !endorse_line_concerns(line, len, (const char *const *)t->ids, t->count))
		return false;
	/* verified at the base; should it not parse, the replay reports it */
	if (endorse_entry_parse_checked(&e, line, len, false) != 0)
		return true;
	keep = e.statement.type == ENDORSE_DOCUMENT;
	endorse_entry_org_names(&e, names);
	for (size_t i = 0; !keep && i < 3; i++)
		keep = is_touched(t, names[i]);
	endorse_entry_clear(&e);
	return keep;
}

static int
touched_add(struct touched *t, const char *id)
{
	char **grown = endorse_array_reserve(t->ids, &t->cap, t->count + 1, sizeof(*t->ids));

	if (grown == NULL)
		return ENDORSE_ENOMEM;
	t->ids = grown;
	if ((t->ids[t->count] = strdup(id)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	t->count++;
	return 0;
}

/* Sorts the ids and drops the repeated ones. */
static void
touched_sort(struct touched *t)
{
	size_t kept = 0;

	if (t->count == 0)
		return;
	qsort(t->ids, t->count, sizeof(*t->ids), by_id);
	for (size_t i = 0; i < t->count; i++) {
		if (kept > 0 && strcmp(t->ids[kept - 1], t->ids[i]) == 0)
			free(t->ids[i]);
		else
			t->ids[kept++] = t->ids[i];
	}
	t->count = kept;
}

static void
touched_free(struct touched *t)
{
	for (size_t i = 0; i < t->count; i++)
		free(t->ids[i]);
	free(t->ids);
}

/* The organisations the lines of data concern. */
static int
collect_touched(struct touched *t, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	int rc = 0;

	while (p < end && rc == 0) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = lf != NULL ? (size_t)(lf - p) : (size_t)(end - p);
		endorse_entry e;

		if (endorse_entry_parse_checked(&e, p, n, false) == 0 && e.statement.org_id)
			rc = touched_add(t, e.statement.org_id);
		endorse_entry_clear(&e);
		p += n + (lf != NULL);
	}
	if (rc == 0)
		touched_sort(t);
	return rc;
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
find_file(const struct endorse_pins *pins, const char *name)
{
	for (size_t i = 0; i < pins->count; i++)
		if (strcmp(pins->files[i].name, name) == 0)
			return &pins->files[i];
	return NULL;
}

/* Whether a keys/orgs file belongs to an organisation the new lines touch. */
static bool
file_touched(const endorse_state *state, const char *name)
{
	char id[256];

	return org_of_file(id, name) && endorse_state_find_org(state, id) != NULL;
}

/* keys/orgs at head against a state that holds only the organisations the
 * new lines touch: their files must agree; every other file must be as it
 * was at the base, which was verified. */
static int
check_orgs_changed(struct pull *p)
{
	endorse_reporter *r = &p->r;
	struct endorse_pins old = {0}, now = {0}, kept = {0};
	char file[320];
	int rc;

	if ((rc = endorse_repo_read_orgs(p->repo, &p->base, &old)) != 0 ||
	    (rc = endorse_repo_read_orgs(p->repo, &p->head, &now)) != 0)
		goto out;
	for (size_t i = 0; i < now.count && rc == 0; i++) {
		const struct endorse_pinned *f = &now.files[i], *was = find_file(&old, f->name);
		bool known = file_touched(p->state, f->name);

		if (!known && was != NULL && f->regular && memcmp(was->id, f->id, 20) != 0) {
			(void)snprintf(file, sizeof(file), "%s/%.260s", ENDORSE_ORGS_DIR, f->name);
			endorse_report(r, file, 0, "keys-orgs",
				"changed, but no new entry concerns this organization");
		} else if (known || was == NULL || !f->regular) {
			rc = endorse_pins_add(&kept, f->name, f->text, f->len, f->regular);
		}
	}
	for (size_t i = 0; i < old.count; i++) {
		const char *name = old.files[i].name;
		if (find_file(&now, name) != NULL || file_touched(p->state, name))
			continue;
		(void)snprintf(file, sizeof(file), "%s/%.260s", ENDORSE_ORGS_DIR, name);
		endorse_report(r, file, 0, "keys-orgs",
			"removed, but no new entry concerns this organization");
	}
	if (rc == 0)
		endorse_orgs_compare(p->state, &kept, r);
out:
	endorse_pins_free(&old);
	endorse_pins_free(&now);
	endorse_pins_free(&kept);
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
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == NULL)
			break;
		endorse_merkle_leaf_hash((*out)[(*count)++], (const uint8_t *)p, (size_t)(lf - p));
		p = lf + 1;
	}
	return 0;
}

/* The head's checkpoint and policy unchanged: the checkpoint was verified
 * at the base and still covers a prefix of the log; its signatures are read
 * for the summary. */
static void
checkpoint_unchanged(endorse_state *state, const endorse_policy *policy, const endorse_blob *now)
{
	endorse_checkpoint_result res = {0};
	endorse_checkpoint_status status = {0};

	if (endorse_checkpoint_check(&res, policy, now->data, now->len, (uint64_t)time(NULL)) == 0) {
		status = (endorse_checkpoint_status){true, res.checkpoint.size, {0}, res.witnesses,
			res.quorum};
		memcpy(status.root, res.checkpoint.root, 32);
		endorse_state_set_checkpoint(state, &status);
	}
	endorse_checkpoint_result_clear(&res);
}

/* The base's checkpoint, as the one the head's must extend (none when it
 * is not well formed: it was reported when the base was verified). */
static int
base_checkpoint(endorse_checkpoint_status *prev, const struct pull *p)
{
	endorse_blob old = {0};
	endorse_note *note = NULL;
	endorse_checkpoint cp;
	int rc;

	if ((rc = endorse_repo_read(p->repo, &p->base, ENDORSE_CHECKPOINT_PATH, &old)) == 0 &&
	    endorse_note_parse(&note, old.data, old.len) == 0 &&
	    endorse_checkpoint_parse(&cp, note->text, note->text_len) == 0) {
		*prev = (endorse_checkpoint_status){true, cp.size, {0}, 0, false};
		memcpy(prev->root, cp.root, 32);
	}
	endorse_note_free(note);
	endorse_blob_clear(&old);
	return rc;
}

/* The head's checkpoint changed: verified against the head's whole log, it
 * must extend the base's (has_old: the base has one). */
static int
checkpoint_changed(struct pull *p, const endorse_policy *policy, const endorse_blob *now,
	bool has_old)
{
	endorse_checkpoint_status prev = {0}, status = {0};
	endorse_tree_view tree;
	uint8_t(*leaves)[32] = NULL;
	uint64_t count = 0;
	int rc;

	if ((has_old && (rc = base_checkpoint(&prev, p)) != 0) ||
	    (rc = leaves_of(&leaves, &count, p->log.data, p->log.len)) != 0)
		goto out;
	tree = (endorse_tree_view){.leaves = (const uint8_t(*)[32])leaves, .count = count};
	rc = endorse_checkpoint_verify_log(&status, policy, now->data, now->len, &tree, &prev,
		p->r.opt == NULL || !p->r.opt->quorum_optional, &p->r);
	endorse_state_set_checkpoint(p->state, &status);
out:
	free(leaves);
	return rc;
}

/* The pull request's log/checkpoint: unchanged with the policy, or
 * changed and extending the base's. */
static int
check_checkpoint(struct pull *p)
{
	endorse_blob old = {0}, old_policy = {0};
	endorse_history_checkpoint now = {0};
	int rc;

	if ((rc = endorse_repo_peek(p->repo, &p->base, ENDORSE_CHECKPOINT_PATH, &old)) != 0 ||
	    (rc = endorse_repo_peek(p->repo, &p->base, ENDORSE_POLICY_PATH, &old_policy)) != 0 ||
	    (rc = endorse_history_checkpoint_read(&now, p->repo, &p->head,
		    old.kind != ENDORSE_BLOB_ABSENT, &p->r)) != 0 || now.policy == NULL)
		goto out;
	if (old.kind == ENDORSE_BLOB_FILE && memcmp(old.id, now.note.id, 20) == 0 &&
	    old_policy.kind == ENDORSE_BLOB_FILE && memcmp(old_policy.id, now.policy_file.id, 20) == 0)
		checkpoint_unchanged(p->state, now.policy, &now.note);
	else
		rc = checkpoint_changed(p, now.policy, &now.note, old.kind == ENDORSE_BLOB_FILE);
out:
	endorse_history_checkpoint_clear(&now);
	endorse_blob_clear(&old);
	endorse_blob_clear(&old_policy);
	return rc;
}

/* The log key must be the base's. */
static void
check_log_key(struct pull *p)
{
	endorse_state *base_state = NULL;
	endorse_reporter quiet = {NULL, 0, NULL, NULL};

	if (endorse_history_state_at(&base_state, p->repo, &p->base, &quiet) == 0 &&
	    !endorse_vkey_equal(endorse_state_log_key(base_state), endorse_state_log_key(p->state)))
		endorse_report(&p->r, ENDORSE_POLICY_PATH, 0, "policy",
			"the log key differs from the base's; a log keeps its key for ever");
	endorse_state_free(base_state);
}

/* Whether the head's log starts with the base's (base_len bytes, whole
 * lines); reports where it does not. Git names a blob by its content: if
 * the first base_len bytes of the head's log hash to the base's blob, the
 * head extends it, and the base never has to be read. Only a failure reads
 * it, to name the first line that differs. */
static int
check_prefix(bool *prefix, struct pull *p, size_t base_len, const uint8_t base_id[20])
{
	endorse_blob old = {0};
	int rc;

	*prefix = base_len <= p->log.len &&
		endorse_repo_blob_is(p->repo, base_id, p->log.data, base_len) &&
		(base_len == 0 || p->log.data[base_len - 1] == '\n');
	if (*prefix)
		return 0;
	if ((rc = endorse_repo_read(p->repo, &p->base, ENDORSE_LOG_PATH, &old)) == 0 &&
	    endorse_logdiff_extends(&old, &p->log, &p->r))
		endorse_report(&p->r, ENDORSE_LOG_PATH, 0, "append-only",
			"the base's log does not end with a newline");
	endorse_blob_clear(&old);
	return rc;
}

/* The new lines after the base's base_len bytes. The base's lines were
 * verified when the base was: replay, for their effect only, the ones the
 * new lines can depend on; the cost grows with the new lines and the
 * organisations they name. */
static int
replay_new_lines(struct pull *p, size_t base_len)
{
	struct touched touched = {NULL, 0, 0};
	const char *data = p->log.data;
	int rc;

	if ((rc = collect_touched(&touched, data + base_len, p->log.len - base_len)) == 0) {
		endorse_replay_trusted(p->state, data, base_len, keep_line, &touched, &p->r);
		endorse_replay_lines(p->state, data + base_len, p->log.len - base_len, &p->r);
	}
	touched_free(&touched);
	return rc;
}

/* The head against the base (ENDORSE_EINVALID: a problem was reported). */
static int
check_pull(struct pull *p)
{
	size_t base_len = 0;
	uint8_t base_id[20];
	bool has_base, prefix = false;
	int rc;

	has_base = endorse_repo_blob_size(p->repo, &p->base, ENDORSE_LOG_PATH, &base_len, base_id);
	if (p->log.kind != ENDORSE_BLOB_FILE) {
		endorse_report(&p->r, ENDORSE_LOG_PATH, 0, "file", "%s",
			p->log.kind == ENDORSE_BLOB_ABSENT ? "there is no log at the head"
							   : "the log must be a regular file");
		return 0;
	}
	if ((rc = endorse_history_state_at(&p->state, p->repo, &p->head, &p->r)) != 0 ||
	    (rc = endorse_history_check_modes(p->repo, &p->head, &p->r)) != 0)
		return rc;
	if (!has_base) {
		endorse_replay_lines(p->state, p->log.data, p->log.len, &p->r);
		if ((rc = endorse_history_check_orgs(p->repo, &p->head, p->state, &p->r)) == 0)
			rc = check_checkpoint(p);
		return rc;
	}
	check_log_key(p);
	if ((rc = check_prefix(&prefix, p, base_len, base_id)) != 0 || !prefix ||
	    (rc = replay_new_lines(p, base_len)) != 0 || (rc = check_orgs_changed(p)) != 0)
		return rc;
	return check_checkpoint(p);
}

/* ---- the diagnosis of a head that does not extend the base ----
 *
 * A branch made on an older version of the base's log, or a merge that left
 * both sides' lines in it, breaks only append-only, seq and prev. The
 * problems pass through a tally on their way to the caller; when no other
 * rule was broken, rechain's plan says whether it would repair the log. */

struct tally {
	const endorse_verify_options *user;
	uint64_t others; /* problems of other rules */
};

static void
tally_problem(void *ctx, const endorse_problem *problem)
{
	struct tally *t = ctx;
	const char *rule = problem->rule != NULL ? problem->rule : "";

	if (strcmp(rule, "append-only") != 0 && strcmp(rule, "seq") != 0 && strcmp(rule, "prev") != 0)
		t->others++;
	if (t->user->on_problem != NULL)
		t->user->on_problem(t->user->ctx, problem);
}

static void
tally_entry(void *ctx, const endorse_entry *entry, const endorse_state *state)
{
	const struct tally *t = ctx;

	t->user->on_entry(t->user->ctx, entry, state);
}

static void
tally_note(void *ctx, const endorse_problem *note)
{
	const struct tally *t = ctx;

	t->user->on_note(t->user->ctx, note);
}

/* The caller's options, with the problems counted by t on their way. */
static endorse_verify_options
tallied(struct tally *t)
{
	endorse_verify_options o = *t->user;

	o.on_problem = tally_problem;
	o.on_entry = t->user->on_entry != NULL ? tally_entry : NULL;
	o.on_note = t->user->on_note != NULL ? tally_note : NULL;
	o.ctx = t;
	return o;
}

int
endorse_verify_base(endorse_state **out, const char *dir, const char *base_rev,
	const char *head_rev, const endorse_verify_options *opt, uint64_t *problem_count,
	endorse_divergence *divergence)
{
	static const endorse_verify_options none = {0};
	struct tally t = {opt != NULL ? opt : &none, 0};
	endorse_verify_options counted = tallied(&t);
	struct pull p = {.r = {&counted, 0, NULL, NULL}};
	endorse_repo *repo = NULL;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (divergence != NULL)
		*divergence = ENDORSE_DIVERGENCE_NONE;
	if ((rc = endorse_repo_open(&repo, dir)) != 0 ||
	    (rc = endorse_repo_resolve(repo, base_rev, &p.base)) != 0 ||
	    (rc = endorse_repo_resolve(repo, head_rev != NULL ? head_rev : "HEAD", &p.head)) != 0 ||
	    (rc = endorse_repo_read(repo, &p.head, ENDORSE_LOG_PATH, &p.log)) != 0)
		goto out;
	p.repo = repo;
	if ((rc = check_pull(&p)) == ENDORSE_EINVALID)
		rc = 0;
	/* advice only: a diagnosis that cannot run leaves the verdict as it is */
	if (rc == 0 && p.r.problems > 0 && t.others == 0 && divergence != NULL &&
	    endorse_rechain_plan_divergence(divergence, repo, &p.base, &p.head) != 0)
		*divergence = ENDORSE_DIVERGENCE_NONE;
	if (rc == 0 && p.r.problems > 0)
		rc = ENDORSE_EINVALID;
out:
	if (problem_count != NULL)
		*problem_count = p.r.problems;
	if (out != NULL && (rc == 0 || rc == ENDORSE_EINVALID)) {
		*out = p.state;
		p.state = NULL;
	}
	endorse_state_free(p.state);
	endorse_blob_clear(&p.log);
	endorse_repo_free(repo);
	return rc;
}
