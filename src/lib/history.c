/* SPEC.md §6 on git history: every version of the log is a byte prefix of
 * the next along the first-parent history, every version verifies, and
 * keys/orgs agrees with the log at every commit. Checked incrementally: each
 * commit's new lines are replayed onto the state of its parent, so the cost
 * grows with the log, not with the log times the number of commits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "history_merge.h"
#include "line.h"
#include "logdiff.h"
#include "policy_check.h"
#include "replay.h"
#include "checkpoint_log.h"
#include "error.h"
#include "pins.h"
#include "policy.h"
#include "repo.h"
#include "repo_git.h"
#include "report.h"
#include "state.h"

static void
report_executable(void *ctx, const char *rel)
{
	endorse_report(ctx, rel, 0, "file-mode", "executable in git (mode 100755); the log and "
		"keys/orgs files must be mode 100644 (git update-index --chmod=-x %s)", rel);
}

int
endorse_history_check_modes(const endorse_repo *repo, const endorse_commit_id *id,
	endorse_reporter *r)
{
	return endorse_repo_each_executable(repo, id, report_executable, r);
}

int
endorse_history_check_orgs(const endorse_repo *repo, const endorse_commit_id *id,
	const endorse_state *state, endorse_reporter *r)
{
	struct endorse_pins pins = {0};
	int rc = endorse_repo_read_orgs(repo, id, &pins);

	if (rc == 0)
		endorse_orgs_compare(state, &pins, r);
	endorse_pins_free(&pins);
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
			rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		else
			endorse_state_set_policy(*out, endorse_policy_log_key(p));
	}
	endorse_policy_free(p);
	endorse_blob_clear(&policy);
	return rc;
}

/* One version of the log repository: what the walk compares from one
 * commit to the next, by object id (the log and the checkpoint are peeked;
 * the log's content is read when the version is checked). */
struct version {
	endorse_blob log, policy, orgs, checkpoint;
};

static int
version_read(struct version *v, const endorse_repo *repo, const endorse_commit_id *id)
{
	int rc;

	if ((rc = endorse_repo_peek(repo, id, ENDORSE_LOG_PATH, &v->log)) == 0 &&
	    (rc = endorse_repo_read(repo, id, ENDORSE_POLICY_PATH, &v->policy)) == 0 &&
	    (rc = endorse_repo_read(repo, id, ENDORSE_ORGS_DIR, &v->orgs)) == 0)
		rc = endorse_repo_peek(repo, id, ENDORSE_CHECKPOINT_PATH, &v->checkpoint);
	return rc;
}

/* The content of the log, once the version is to be checked. */
static int
version_read_log(struct version *v, const endorse_repo *repo, const endorse_commit_id *id)
{
	if (v->log.kind != ENDORSE_BLOB_FILE)
		return 0;
	endorse_blob_clear(&v->log);
	return endorse_repo_read(repo, id, ENDORSE_LOG_PATH, &v->log);
}

static void
version_clear(struct version *v)
{
	endorse_blob_clear(&v->log);
	endorse_blob_clear(&v->policy);
	endorse_blob_clear(&v->orgs);
	endorse_blob_clear(&v->checkpoint);
}

static bool
blob_changed(const endorse_blob *was, const endorse_blob *now)
{
	return was->kind != now->kind || memcmp(was->id, now->id, 20) != 0;
}

/* Whether anything verify reads changed: a commit that changes none of the
 * four is not read (its content is what the previous commit had). */
static bool
version_changed(const struct version *was, const struct version *now)
{
	return blob_changed(&was->log, &now->log) || was->log.executable != now->log.executable ||
		blob_changed(&was->policy, &now->policy) || blob_changed(&was->orgs, &now->orgs) ||
		blob_changed(&was->checkpoint, &now->checkpoint);
}

/* The walk along the first-parent history: the version checked last
 * (prev), the one being checked (next), and the state of prev's log. */
struct walk {
	const endorse_repo *repo;
	endorse_reporter r;
	struct version prev, next;
	endorse_state *state;             /* NULL until a version verifies */
	endorse_checkpoint_status last_cp; /* the newest checkpoint checked */
	char *author;
	char tip_hex[41];                 /* the newest commit checked whole */
};

/* The log key must never change along the history. */
static void
check_same_log_key(struct walk *w, const endorse_commit_id *id)
{
	endorse_reporter quiet = {NULL, 0, NULL, NULL};
	endorse_state *now = NULL;

	if (endorse_history_state_at(&now, w->repo, id, &quiet) != 0) {
		endorse_history_state_at(&now, w->repo, id, &w->r); /* report why, with the commit named */
	} else if (!endorse_vkey_equal(endorse_state_log_key(now), endorse_state_log_key(w->state))) {
		endorse_report(&w->r, ENDORSE_POLICY_PATH, 0, "policy",
			"the log key changed; a log keeps its key for ever (start a new log instead)");
	}
	endorse_state_free(now);
}

int
endorse_history_checkpoint_read(endorse_history_checkpoint *out, const endorse_repo *repo,
	const endorse_commit_id *id, bool had_one, endorse_reporter *r)
{
	uint64_t line;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = endorse_repo_read(repo, id, ENDORSE_CHECKPOINT_PATH, &out->note)) != 0 ||
	    (rc = endorse_repo_read(repo, id, ENDORSE_POLICY_PATH, &out->policy_file)) != 0)
		return rc;
	if (out->note.kind == ENDORSE_BLOB_ABSENT) {
		if (had_one)
			endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint-consistency",
				"log/checkpoint was removed; once signed, a checkpoint only moves forward");
	} else if (out->note.kind != ENDORSE_BLOB_FILE) {
		endorse_report(r, ENDORSE_CHECKPOINT_PATH, 0, "checkpoint", "must be a regular file");
	} else if (out->policy_file.kind == ENDORSE_BLOB_FILE) {
		/* leaves policy NULL when invalid: that is reported with the log */
		(void)endorse_policy_parse_at(&out->policy, out->policy_file.data,
			out->policy_file.len, &line);
	}
	return 0;
}

void
endorse_history_checkpoint_clear(endorse_history_checkpoint *c)
{
	endorse_policy_free(c->policy);
	endorse_blob_clear(&c->note);
	endorse_blob_clear(&c->policy_file);
	c->policy = NULL;
}

/* log/checkpoint at a commit: valid against that commit's policy and log,
 * and consistent with the previous checkpoint. The quorum is left to the
 * end of the walk: witnesses cosign in commits of their own, after the
 * operator's. */
static int
check_checkpoint(struct walk *w, const endorse_commit_id *id)
{
	endorse_history_checkpoint cp;
	endorse_checkpoint_status status = {0};
	endorse_tree_view tree;
	int rc = endorse_history_checkpoint_read(&cp, w->repo, id, w->last_cp.present, &w->r);

	if (rc == 0 && cp.policy != NULL) {
		endorse_state_tree_view(w->state, &tree);
		rc = endorse_checkpoint_verify_log(&status, cp.policy, cp.note.data, cp.note.len, &tree,
			&w->last_cp, false, &w->r);
		if (status.present)
			w->last_cp = status;
		endorse_state_set_checkpoint(w->state, &status);
	}
	endorse_history_checkpoint_clear(&cp);
	return rc;
}

/* Replays next's log onto the state of prev's when it extends it by whole
 * lines; else (the first version, or one that broke the history) checks it
 * whole, and the commits after it against it. w->state is NULL after a
 * version whose keys/policy is invalid (reported). */
static int
replay_log(struct walk *w, const endorse_commit_id *id)
{
	const endorse_blob *was = &w->prev.log, *log = &w->next.log;
	int rc;

	if (w->state != NULL && was->kind == ENDORSE_BLOB_FILE &&
	    endorse_logdiff_extends(was, log, &w->r) &&
	    (was->len == 0 || was->data[was->len - 1] == '\n')) {
		endorse_replay_lines(w->state, log->data + was->len, log->len - was->len, &w->r);
		return 0;
	}
	endorse_state_free(w->state);
	if ((rc = endorse_history_state_at(&w->state, w->repo, id, &w->r)) == ENDORSE_EINVALID)
		return 0;
	if (rc == 0)
		endorse_replay_lines(w->state, log->data, log->len, &w->r);
	return rc;
}

/* Checks next, a version whose log is read, against prev. */
static int
check_version(struct walk *w, const endorse_commit_id *id)
{
	endorse_blob *log = &w->next.log;
	bool policy_changed = blob_changed(&w->prev.policy, &w->next.policy);
	/* A checkpoint checked before stays valid while the log grows: checked
	 * again only when it or the policy changes. */
	bool cp_changed = policy_changed || blob_changed(&w->prev.checkpoint, &w->next.checkpoint);
	int rc;

	if (log->kind == ENDORSE_BLOB_ABSENT) {
		if (w->state != NULL)
			endorse_report(&w->r, ENDORSE_LOG_PATH, 0, "append-only", "the log was deleted");
		return 0;
	}
	if (log->kind != ENDORSE_BLOB_FILE) {
		endorse_report(&w->r, ENDORSE_LOG_PATH, 0, "file", "%s", log->kind == ENDORSE_BLOB_LINK
			? "the log is a symbolic link; it must be a regular file"
			: "the log must be a regular file");
		endorse_blob_clear(log);  /* so that the next commit reports it again */
		return 0;
	}
	if (w->state != NULL && policy_changed)
		check_same_log_key(w, id);  /* the log key comes from keys/policy */
	if ((rc = replay_log(w, id)) != 0 || w->state == NULL)
		return rc;
	if (endorse_state_size(w->state) == 0)
		endorse_report(&w->r, ENDORSE_LOG_PATH, 0, "first-entry",
			"the log is empty; its first line must register a document");
	if ((rc = endorse_history_check_modes(w->repo, id, &w->r)) == 0 &&
	    (rc = endorse_history_check_orgs(w->repo, id, w->state, &w->r)) == 0 && cp_changed)
		rc = check_checkpoint(w, id);
	(void)snprintf(w->tip_hex, sizeof(w->tip_hex), "%s", id->hex);
	return rc;
}

/* One commit: its version is read, its merge parents checked, and, when it
 * changed anything verify reads, checked against the version before. */
static int
walk_step(struct walk *w, const endorse_commit_id *id)
{
	int rc;

	if ((rc = version_read(&w->next, w->repo, id)) != 0 ||
	    /* every parent of a merge, before anything is skipped: a merge whose
	     * tree is its first parent's can still drop another parent's lines */
	    (rc = endorse_history_merge_check(w->repo, id, &w->author, &w->r)) != 0)
		return rc;
	if (!version_changed(&w->prev, &w->next)) {
		version_clear(&w->next);
		return 0;
	}
	if ((rc = version_read_log(&w->next, w->repo, id)) != 0)
		return rc;
	free(w->author);
	if ((rc = endorse_repo_commit_author(w->repo, id, &w->author)) != 0)
		return rc;
	w->r.commit = id->hex;
	w->r.author = w->author;
	rc = check_version(w, id);
	version_clear(&w->prev);
	w->prev = w->next;
	memset(&w->next, 0, sizeof(w->next));
	return rc;
}

/* After the last commit: a log was found, and the newest checkpoint meets
 * the quorum. */
static int
walk_finish(struct walk *w, const char *rev)
{
	const endorse_verify_options *opt = w->r.opt;

	if (w->state == NULL && w->r.problems == 0)
		return endorse_error_set(ENDORSE_ENOTFOUND, NULL, "no commit in the history of %s holds %s",
			rev != NULL ? rev : "HEAD", ENDORSE_LOG_PATH);
	if (w->state != NULL && w->last_cp.present && !w->last_cp.quorum &&
	    (opt == NULL || !opt->quorum_optional)) {
		w->r.commit = w->tip_hex;
		endorse_report(&w->r, ENDORSE_CHECKPOINT_PATH, 0, "quorum",
			"the newest checkpoint is cosigned by %zu witnesses of the policy, which does not "
			"meet its quorum", w->last_cp.witnesses);
	}
	return w->r.problems > 0 ? ENDORSE_EINVALID : 0;
}

int
endorse_verify_history(endorse_state **out, const char *dir, const char *rev,
	const endorse_verify_options *opt, uint64_t *problem_count)
{
	struct walk w = {.r = {opt, 0, NULL, NULL}};
	endorse_repo *repo = NULL;
	endorse_commit_id tip, *ids = NULL;
	size_t n = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if ((rc = endorse_repo_open(&repo, dir)) != 0 ||
	    (rc = endorse_repo_resolve(repo, rev != NULL ? rev : "HEAD", &tip)) != 0 ||
	    (rc = endorse_repo_first_parents(repo, &tip, &ids, &n)) != 0)
		goto out;
	w.repo = repo;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = walk_step(&w, &ids[i]);
	if (rc == 0)
		rc = walk_finish(&w, rev);
out:
	if (problem_count != NULL)
		*problem_count = w.r.problems;
	if (out != NULL && (rc == 0 || rc == ENDORSE_EINVALID)) {
		*out = w.state;
		w.state = NULL;
	}
	endorse_state_free(w.state);
	version_clear(&w.prev);
	version_clear(&w.next);
	free(w.author);
	free(ids);
	endorse_repo_free(repo);
	return rc;
}
