/* Re-chaining a branch's new entries after another branch's were merged.
 * Signatures cover statements, not seq or prev, so the entries move without
 * any secret key; the resulting commit has the target as its first parent,
 * which keeps the target's first-parent history append-only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "replay.h"

struct buffer {
	char *data;
	size_t len, cap;
};

static int
buffer_add(struct buffer *b, const char *data, size_t len)
{
	if (len >= SIZE_MAX / 4 - b->len)  /* so that the sums below cannot wrap */
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	if (b->len + len + 1 > b->cap) {
		size_t cap = (b->len + len + 1) * 2;
		char *grown = realloc(b->data, cap);
		if (grown == NULL)
			return endorse_fail(ENDORSE_ENOMEM, "out of memory");
		b->data = grown;
		b->cap = cap;
	}
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

static int
read_log(endorse_blob *out, const endorse_repo *repo, const endorse_commit_id *id, const char *what)
{
	int rc = endorse_repo_read(repo, id, ENDORSE_LOG_PATH, out);

	if (rc == 0 && out->kind != ENDORSE_BLOB_FILE)
		rc = endorse_fail(ENDORSE_EINVALID, "%s (%.12s) has no log file %s", what, id->hex,
			ENDORSE_LOG_PATH);
	return rc;
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
		return endorse_fail(ENDORSE_EINVALID, "line %llu of the branch's log: %s (rule %s)",
			(unsigned long long)branch_line, diag.message, diag.rule);
	entry.seq = endorse_state_size(state);
	memcpy(entry.prev, endorse_state_head(state), 32);
	rc = endorse_entry_serialize(&line, &n, &entry);
	if (rc == 0 && endorse_state_check(state, &entry, ENDORSE_CHECK_APPLY |
		ENDORSE_CHECK_SIGNATURES, NULL) != 0) {
		diag.rule = endorse_error_get()->rule;
		(void)snprintf(diag.message, sizeof(diag.message), "%s", endorse_error_get()->message);
		rc = endorse_fail(ENDORSE_EINVALID, "line %llu of the branch's log cannot follow the "
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

/* The keys/orgs files of the organisations that the moved lines touch. */
static int
orgs_changes(struct endorse_change **out, size_t *count, char **texts, const endorse_state *state,
	const char *lines, size_t len)
{
	const char *p = lines, *end = lines + len;

	*out = NULL;
	*count = 0;
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)(lf - p);
		endorse_entry e;
		endorse_diag diag;
		char *path = NULL;
		size_t path_size;
		bool seen = false;

		if (endorse_entry_parse(&e, p, n, &diag) != 0 || e.statement.org_id == NULL)
			goto next;
		path_size = strlen(e.statement.org_id) + sizeof(ENDORSE_ORGS_DIR) + sizeof("/.vkey");
		if ((path = malloc(path_size)) == NULL)
			goto nomem;
		(void)snprintf(path, path_size, "%s/%s.vkey", ENDORSE_ORGS_DIR, e.statement.org_id);
		for (size_t i = 0; i < *count; i++)
			seen = seen || strcmp((*out)[i].path, path) == 0;
		if (!seen) {
			const endorse_org *org = endorse_state_find_org(state, e.statement.org_id);
			struct endorse_change *grown = realloc(*out, (*count + 1) * sizeof(**out));
			if (grown == NULL)
				goto nomem;
			*out = grown;
			texts[*count] = NULL;
			if (org != NULL && org->has_key) {
				if ((texts[*count] = malloc(ENDORSE_VKEY_MAX + 1)) == NULL)
					goto nomem;
				endorse_vkey_format_line(texts[*count], &org->key);
			}
			(*out)[*count] = (struct endorse_change){path, texts[*count],
				texts[*count] ? strlen(texts[*count]) : 0, NULL};
			(*count)++;
			path = NULL;
		}
next:
		free(path);
		endorse_entry_clear(&e);
		p = lf + 1;
		continue;
nomem:
		free(path);
		endorse_entry_clear(&e);
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	}
	return 0;
}

int
endorse_rechain(const char *dir, const char *onto_rev, uint64_t *moved, char commit_hex[41])
{
	endorse_reporter r = {NULL, 0, NULL, NULL};
	endorse_repo *repo = NULL;
	endorse_commit_id head, onto, base, made;
	endorse_blob at_base = {0}, at_head = {0}, at_onto = {0};
	endorse_state *state = NULL;
	struct buffer log = {0};
	struct endorse_change *changes = NULL, *orgs = NULL;
	char **texts = NULL, *offender = NULL, message[256];
	size_t norgs = 0;
	uint64_t count = 0, base_lines = 0;
	int lock = -1, rc;

	*moved = 0;
	commit_hex[0] = '\0';
	if ((rc = endorse_lock_log(&lock, dir)) != 0 || (rc = endorse_check_dirs(dir)) != 0 ||
	    (rc = endorse_repo_open(&repo, dir)) != 0)
		goto out;
	if (!endorse_repo_has_work_tree(repo)) {
		rc = endorse_fail(ENDORSE_EUSAGE, "rechain needs a git work tree");
		goto out;
	}
	if ((rc = endorse_repo_check_author(repo)) != 0 ||
	    (rc = endorse_repo_check_unlocked(repo)) != 0 ||
	    (rc = endorse_repo_check_clean_all(repo)) != 0 ||
	    (rc = endorse_repo_resolve(repo, "HEAD", &head)) != 0 ||
	    (rc = endorse_repo_resolve(repo, onto_rev, &onto)) != 0 ||
	    (rc = endorse_repo_merge_base(repo, &head, &onto, &base)) != 0 ||
	    (rc = endorse_repo_only_log_changed(repo, &base, &head, &offender)) != 0)
		goto out;
	if (offender != NULL) {
		rc = endorse_fail(ENDORSE_EUSAGE, "this branch changes %s besides the log and keys/orgs; "
			"rechain moves only endorsements (rebase the other changes with git)", offender);
		goto out;
	}
	if ((rc = read_log(&at_base, repo, &base, "the common ancestor")) != 0 ||
	    (rc = read_log(&at_head, repo, &head, "HEAD")) != 0 ||
	    (rc = read_log(&at_onto, repo, &onto, onto_rev)) != 0)
		goto out;
	if (at_head.len < at_base.len || memcmp(at_head.data, at_base.data, at_base.len) != 0 ||
	    at_onto.len < at_base.len || memcmp(at_onto.data, at_base.data, at_base.len) != 0) {
		rc = endorse_fail(ENDORSE_EINVALID, "the logs of HEAD and %s do not both extend their "
			"common ancestor's; rechain cannot help (verify --history shows where)", onto_rev);
		goto out;
	}
	if (at_head.len == at_base.len || at_onto.len == at_base.len) {
		rc = endorse_fail(ENDORSE_EUSAGE, "nothing to rechain: %s",
			at_head.len == at_base.len ? "this branch adds no entries"
						   : "the target adds no entries; the branch already extends it");
		goto out;
	}
	if ((rc = endorse_history_state_at(&state, repo, &onto, &r)) != 0)
		goto out;
	endorse_replay_lines(state, at_onto.data, at_onto.len, &r);
	if (r.problems > 0) {
		rc = endorse_fail(ENDORSE_EINVALID, "the log of %s does not verify", onto_rev);
		goto out;
	}
	if ((rc = buffer_add(&log, at_onto.data, at_onto.len)) != 0)
		goto out;
	for (size_t i = 0; i < at_base.len; i++)
		base_lines += at_base.data[i] == '\n';
	for (const char *p = at_head.data + at_base.len, *end = at_head.data + at_head.len; p < end;) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == NULL) {
			rc = endorse_fail(ENDORSE_EINVALID, "the branch's log does not end with a newline");
			goto out;
		}
		rc = move_line(&log, state, p, (size_t)(lf - p), base_lines + count + 1);
		if (rc != 0)
			goto out;
		count++;
		p = lf + 1;
	}
	texts = calloc(count + 1, sizeof(char *));  /* never calloc(0): that may be NULL */
	if (texts == NULL ||
	    (rc = orgs_changes(&orgs, &norgs, texts, state, at_head.data + at_base.len,
		     at_head.len - at_base.len)) != 0) {
		rc = rc ? rc : endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	changes = calloc(norgs + 1, sizeof(*changes));
	if (changes == NULL) {
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	changes[0] = (struct endorse_change){ENDORSE_LOG_PATH, log.data, log.len, NULL};
	if (norgs > 0)
		memcpy(changes + 1, orgs, norgs * sizeof(*orgs));
	(void)snprintf(message, sizeof(message), "endorse: rechain %llu entr%s onto %.12s",
		(unsigned long long)count, count == 1 ? "y" : "ies", onto.hex);
	if ((rc = endorse_repo_commit_onto(repo, changes, norgs + 1, &onto, message, &made)) != 0)
		goto out;
	*moved = count;
	(void)snprintf(commit_hex, 41, "%s", made.hex);
out:
	for (size_t i = 0; i < norgs && texts != NULL; i++) {
		free((char *)orgs[i].path);
		free(texts[i]);
	}
	free(orgs);
	free(texts);
	free(changes);
	free(log.data);
	free(offender);
	endorse_blob_clear(&at_base);
	endorse_blob_clear(&at_head);
	endorse_blob_clear(&at_onto);
	endorse_state_free(state);
	endorse_repo_free(repo);
	endorse_unlock_log(lock);
	return rc;
}
