/* Re-chaining a branch's new entries after another branch's were merged.
 * Signatures cover statements, not seq or prev, so the entries move without
 * any secret key; the resulting commit has the target as its first parent,
 * which keeps the target's first-parent history append-only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "array.h"
#include "entry.h"
#include "error.h"
#include "history.h"
#include "repo.h"
#include "repo_git.h"
#include "report.h"
#include "state.h"
#include "vkey.h"
#include "replay.h"
#include "storage.h"

struct buffer {
	char *data;
	size_t len, cap;
};

static int
buffer_add(struct buffer *b, const char *data, size_t len)
{
	char *grown;

	if (len >= SIZE_MAX / 4 - b->len)  /* so that the sums below cannot wrap */
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if ((grown = endorse_array_reserve(b->data, &b->cap, b->len + len + 1, 1)) == NULL)
		return ENDORSE_ENOMEM;
	b->data = grown;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

/* The three logs: the common ancestor's, HEAD's and the target's. */
struct logs {
	endorse_commit_id head, onto, base;
	char *at[3]; /* base, head, onto */
	size_t len[3];
};

static int
read_log(char **data, size_t *len, const endorse_storage *s, const endorse_commit_id *id,
	const char *what)
{
	int rc = endorse_storage_read(data, len, s, id, ENDORSE_LOG_PATH, SIZE_MAX);

	if (rc == ENDORSE_ENOTFOUND)
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s (%.12s) has no log file %s", what, id->hex,
			ENDORSE_LOG_PATH);
	return rc;
}

/* Finds the branch's and the target's logs, refusing a branch that
 * changes more than the log and the pins, or logs that do not both extend
 * their common ancestor's by something. */
static int
read_logs(struct logs *l, const endorse_storage *s, const char *onto_rev)
{
	const endorse_repo *repo = endorse_storage_repo(s);
	char *offender = NULL;
	int rc;

	if ((rc = endorse_repo_resolve(repo, "HEAD", &l->head)) != 0 ||
	    (rc = endorse_repo_resolve(repo, onto_rev, &l->onto)) != 0 ||
	    (rc = endorse_repo_merge_base(repo, &l->head, &l->onto, &l->base)) != 0 ||
	    (rc = endorse_repo_only_log_changed(repo, &l->base, &l->head, &offender)) != 0)
		return rc;
	if (offender != NULL) {
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"this branch changes %s besides the log and keys/orgs; "
			"rechain moves only endorsements (rebase the other changes with git)", offender);
		free(offender);
		return rc;
	}
	if ((rc = read_log(&l->at[0], &l->len[0], s, &l->base, "the common ancestor")) != 0 ||
	    (rc = read_log(&l->at[1], &l->len[1], s, &l->head, "HEAD")) != 0 ||
	    (rc = read_log(&l->at[2], &l->len[2], s, &l->onto, onto_rev)) != 0)
		return rc;
	if (l->len[1] < l->len[0] || memcmp(l->at[1], l->at[0], l->len[0]) != 0 ||
	    l->len[2] < l->len[0] || memcmp(l->at[2], l->at[0], l->len[0]) != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"the logs of HEAD and %s do not both extend their "
			"common ancestor's; rechain cannot help (verify --history shows where)", onto_rev);
	if (l->len[1] == l->len[0] || l->len[2] == l->len[0])
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "nothing to rechain: %s",
			l->len[1] == l->len[0] ? "this branch adds no entries"
					       : "the target adds no entries; the branch already extends it");
	return 0;
}

/* Moves one line of the branch onto state: new seq and prev, same statement
 * and signatures, checked by every rule against what the target holds. */
static int
move_line(struct buffer *out, endorse_state *state, const char *text, size_t len,
	uint64_t branch_line)
{
	endorse_entry entry;
	endorse_diag diag = {0};
	char *line = NULL;
	size_t n = 0;
	uint8_t hash[32], leaf[32];
	int rc;

	if (endorse_entry_parse(&entry, text, len, &diag) != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"line %llu of the branch's log: %s (rule %s)",
			(unsigned long long)branch_line, diag.message, diag.rule);
	entry.seq = endorse_state_size(state);
	memcpy(entry.prev, endorse_state_head(state), 32);
	rc = endorse_entry_serialize(&line, &n, &entry);
	if (rc == 0 && endorse_state_check(state, &entry, ENDORSE_CHECK_APPLY |
		ENDORSE_CHECK_SIGNATURES, NULL) != 0) {
		diag.rule = endorse_error_get()->rule;
		(void)snprintf(diag.message, sizeof(diag.message), "%s", endorse_error_get()->message);
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"line %llu of the branch's log cannot follow the "
			"target's log: %s (rule %s)", (unsigned long long)branch_line, diag.message, diag.rule);
	}
	if (rc == 0 && (rc = buffer_add(out, line, n)) == 0 && (rc = buffer_add(out, "\n", 1)) == 0) {
		crypto_hash_sha256(hash, (const uint8_t *)line, n);
		endorse_merkle_leaf_hash(leaf, (const uint8_t *)line, n);
		endorse_state_advance(state, hash, leaf);
	}
	free(line);
	endorse_entry_clear(&entry);
	return rc;
}

/* Moves the branch's new lines onto the target's log (its state in
 * *state); *count gets their number. */
static int
move_lines(struct buffer *log, uint64_t *count, endorse_state *state, const struct logs *l)
{
	uint64_t base_lines = 0;
	int rc;

	*count = 0;
	if ((rc = buffer_add(log, l->at[2], l->len[2])) != 0)
		return rc;
	for (size_t i = 0; i < l->len[0]; i++)
		base_lines += l->at[0][i] == '\n';
	for (const char *p = l->at[1] + l->len[0], *end = l->at[1] + l->len[1]; p < end;) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == NULL)
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"the branch's log does not end with a newline");
		if ((rc = move_line(log, state, p, (size_t)(lf - p), base_lines + *count + 1)) != 0)
			return rc;
		(*count)++;
		p = lf + 1;
	}
	return 0;
}

/* Stages the pin of the organisation a moved line concerns, once. */
static int
put_pin(endorse_storage *s, const endorse_state *state, const char *org_id)
{
	const endorse_org *org = endorse_state_find_org(state, org_id);
	char *rel, text[ENDORSE_VKEY_MAX + 1];
	size_t n = strlen(org_id) + sizeof(ENDORSE_ORGS_DIR) + sizeof("/.vkey");
	int rc;

	if ((rel = malloc(n)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	(void)snprintf(rel, n, "%s/%s.vkey", ENDORSE_ORGS_DIR, org_id);
	if (org != NULL && org->has_key) {
		endorse_vkey_format_line(text, &org->key);
		rc = endorse_storage_put(s, rel, text, strlen(text));
	} else {
		rc = endorse_storage_remove(s, rel, NULL, 0);
	}
	free(rel);
	return rc;
}

/* Adds id to the organisations seen; false if it was there already. */
static int
see(char ***seen, size_t *n, size_t *cap, const char *id, bool *fresh)
{
	char **grown;

	*fresh = false;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*seen)[i], id) == 0)
			return 0;
	if ((grown = endorse_array_reserve(*seen, cap, *n + 1, sizeof(**seen))) == NULL)
		return ENDORSE_ENOMEM;
	*seen = grown;
	if (((*seen)[*n] = strdup(id)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	(*n)++;
	*fresh = true;
	return 0;
}

/* The keys/orgs files of the organisations that the moved lines touch. */
static int
put_pins(endorse_storage *s, const endorse_state *state, const char *lines, size_t len)
{
	const char *p = lines, *end = lines + len;
	char **seen = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	while (rc == 0 && p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		endorse_entry e;
		endorse_diag diag;
		bool fresh = false;

		if (endorse_entry_parse(&e, p, (size_t)(lf - p), &diag) == 0 &&
		    e.statement.org_id != NULL &&
		    (rc = see(&seen, &n, &cap, e.statement.org_id, &fresh)) == 0 && fresh)
			rc = put_pin(s, state, e.statement.org_id);
		endorse_entry_clear(&e);
		p = lf + 1;
	}
	for (size_t i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
	return rc;
}

int
endorse_rechain(const char *dir, const char *onto_rev, uint64_t *moved, char commit_hex[41])
{
	struct endorse_storage_options so = {dir, ENDORSE_STORAGE_REBASE, true, NULL, 0, NULL};
	endorse_reporter r = {NULL, 0, NULL, NULL};
	enum endorse_storage_undo undo;
	endorse_storage *s = NULL;
	endorse_state *state = NULL;
	struct logs l = {0};
	struct buffer log = {0};
	char message[256], completed[41];
	uint64_t count = 0;
	int rc;

	*moved = 0;
	commit_hex[0] = '\0';
	if ((rc = endorse_storage_begin(&s, &so, completed)) != 0 ||
	    (rc = read_logs(&l, s, onto_rev)) != 0 ||
	    (rc = endorse_history_state_at(&state, endorse_storage_repo(s), &l.onto, &r)) != 0)
		goto out;
	endorse_replay_lines(state, l.at[2], l.len[2], &r);
	if (r.problems > 0) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"the log of %s does not verify", onto_rev);
		goto out;
	}
	if ((rc = move_lines(&log, &count, state, &l)) != 0 ||
	    (rc = endorse_storage_put(s, ENDORSE_LOG_PATH, log.data, log.len)) != 0 ||
	    (rc = put_pins(s, state, l.at[1] + l.len[0], l.len[1] - l.len[0])) != 0)
		goto out;
	(void)snprintf(message, sizeof(message), "endorse: rechain %llu entr%s onto %.12s",
		(unsigned long long)count, count == 1 ? "y" : "ies", l.onto.hex);
	if ((rc = endorse_storage_commit(s, message, &l.onto, &undo, commit_hex)) == 0)
		*moved = count;
out:
	for (size_t i = 0; i < 3; i++)
		free(l.at[i]);
	free(log.data);
	endorse_state_free(state);
	endorse_storage_end(s);
	return rc;
}
