/* The plan of a rechain (rechain_plan.h). HEAD's log may be a branch made
 * on an older version of the target's log, or a merge that holds both
 * sides' lines (git or GitHub's "Resolve conflicts" button leaves them one
 * after the other, with seq and prev that cannot all be right). Either way,
 * the branch's entries are the lines of HEAD's log that the target's log
 * lacks; the lines it holds are the target's, kept where the target has
 * them. Nothing of the common ancestor's log may be missing from HEAD's:
 * that is an edit, which no rechain repairs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "rechain_plan.h"
#include "array.h"
#include "entry.h"
#include "error.h"
#include "hashset.h"
#include "history.h"
#include "logdiff.h"
#include "replay.h"
#include "report.h"

/* The identities (logdiff.h) of the target's lines, and of the lines moved. */
struct identities {
	uint8_t (*ids)[32];
	size_t count, cap;
	endorse_hashset set;
};

static void
identity_key(const void *ctx, size_t index, const void **key, size_t *len)
{
	const struct identities *s = ctx;

	*key = s->ids[index];
	*len = 32;
}

/* Adds id; *fresh: it was not there. */
static int
identities_add(struct identities *s, const uint8_t id[32], bool *fresh)
{
	uint8_t(*grown)[32];

	*fresh = endorse_hashset_find(&s->set, s, id, 32) == ENDORSE_HASHSET_NONE;
	if (!*fresh)
		return 0;
	if ((grown = endorse_array_reserve(s->ids, &s->cap, s->count + 1, sizeof(*s->ids))) == NULL)
		return ENDORSE_ENOMEM;
	s->ids = grown;
	memcpy(s->ids[s->count], id, 32);
	return endorse_hashset_add(&s->set, s, s->count++);
}

static int
log_add(struct endorse_rechain_plan *p, const char *data, size_t len)
{
	char *grown;

	if (len >= SIZE_MAX / 4 - p->len)  /* so that the sums below cannot wrap */
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if ((grown = endorse_array_reserve(p->log, &p->cap, p->len + len + 1, 1)) == NULL)
		return ENDORSE_ENOMEM;
	p->log = grown;
	if (len > 0)
		memcpy(p->log + p->len, data, len);
	p->len += len;
	return 0;
}

static int
read_log(endorse_blob *out, const endorse_repo *repo, const endorse_commit_id *id,
	const char *what)
{
	int rc = endorse_repo_read(repo, id, ENDORSE_LOG_PATH, out);

	if (rc == 0 && out->kind != ENDORSE_BLOB_FILE)
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s (%.12s) has no log file %s", what,
			id->hex, ENDORSE_LOG_PATH);
	return rc;
}

static bool
has_prefix(const endorse_blob *whole, const endorse_blob *prefix)
{
	return prefix->len <= whole->len && memcmp(whole->data, prefix->data, prefix->len) == 0;
}

/* The three logs, refusing a branch that changes more than the log and the
 * pins, a target that does not extend the common ancestor, and a branch
 * that lost a line of the common ancestor's log. */
static int
read_logs(struct endorse_rechain_plan *p, const endorse_repo *repo, const char *onto_rev,
	const char *head_rev)
{
	char *offender = NULL;
	uint64_t missing = 0;
	size_t kept = 0;
	int rc;

	if ((rc = endorse_repo_resolve(repo, head_rev != NULL ? head_rev : "HEAD", &p->head)) != 0 ||
	    (rc = endorse_repo_resolve(repo, onto_rev, &p->onto)) != 0 ||
	    (rc = endorse_repo_merge_base(repo, &p->head, &p->onto, &p->base)) != 0 ||
	    (rc = endorse_repo_only_log_changed(repo, &p->base, &p->head, &offender)) != 0)
		return rc;
	if (offender != NULL) {
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"this branch changes %s besides the log and keys/orgs; "
			"rechain moves only endorsements (rebase the other changes with git)", offender);
		free(offender);
		return rc;
	}
	if ((rc = read_log(&p->at[0], repo, &p->base, "the common ancestor")) != 0 ||
	    (rc = read_log(&p->at[1], repo, &p->head, "HEAD")) != 0 ||
	    (rc = read_log(&p->at[2], repo, &p->onto, onto_rev)) != 0)
		return rc;
	if (!has_prefix(&p->at[2], &p->at[0]))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"the log of %s does not extend the "
			"common ancestor's; rechain cannot help (verify --history shows where)", onto_rev);
	if ((rc = endorse_logdiff_kept(&missing, &kept, &p->at[0], &p->at[1])) == 0 && missing != 0)
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"line %llu of the common ancestor's log "
			"(commit %.12s) is not in HEAD's: it was edited or removed, which rechain cannot "
			"repair (verify --base %s shows where)", (unsigned long long)missing,
			p->base.hex, onto_rev);
	return rc;
}

/* Appends one line of the branch to the new log: new seq and prev, same
 * statement and signatures, checked by every rule against the target's. */
static int
move_line(struct endorse_rechain_plan *p, const char *text, size_t len, uint64_t branch_line)
{
	endorse_entry entry;
	endorse_error_saved why;
	char *line = NULL;
	size_t n = 0;
	uint8_t hash[32], leaf[32];
	int rc;

	if (endorse_entry_parse(&entry, text, len) != 0) {
		endorse_error_save(&why);
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"line %llu of the branch's log: %s (rule %s)",
			(unsigned long long)branch_line, why.message, why.rule);
	}
	entry.seq = endorse_state_size(p->state);
	memcpy(entry.prev, endorse_state_head(p->state), 32);
	rc = endorse_entry_serialize(&line, &n, &entry);
	if (rc == 0 && endorse_state_check(p->state, &entry, ENDORSE_CHECK_APPLY |
		ENDORSE_CHECK_SIGNATURES, NULL) != 0) {
		endorse_error_save(&why);
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"line %llu of the branch's log cannot follow the "
			"target's log: %s (rule %s)", (unsigned long long)branch_line, why.message,
			why.rule);
	}
	if (rc == 0 && (rc = log_add(p, line, n)) == 0 && (rc = log_add(p, "\n", 1)) == 0) {
		crypto_hash_sha256(hash, (const uint8_t *)line, n);
		endorse_merkle_leaf_hash(leaf, (const uint8_t *)line, n);
		endorse_state_advance(p->state, hash, leaf);
		p->moved++;
	}
	free(line);
	endorse_entry_clear(&entry);
	return rc;
}

/* The length of the whole lines a and b begin with alike. */
static size_t
shared_prefix(const endorse_blob *a, const endorse_blob *b)
{
	size_t i = 0, n = a->len < b->len ? a->len : b->len;

	while (i < n && a->data[i] == b->data[i])
		i++;
	while (i > 0 && a->data[i - 1] != '\n')
		i--;
	return i;
}

/* The identities of the lines of data (those that parse). */
static int
collect(struct identities *s, const char *data, size_t len)
{
	int rc = 0;

	for (const char *q = data, *end = data + len; q < end && rc == 0;) {
		const char *lf = memchr(q, '\n', (size_t)(end - q));
		size_t n = lf != NULL ? (size_t)(lf - q) : (size_t)(end - q);
		uint8_t id[32];
		bool ok = false, fresh = false;

		if ((rc = endorse_logdiff_identity(&ok, id, q, n)) == 0 && ok)
			rc = identities_add(s, id, &fresh);
		q += n + (lf != NULL);
	}
	return rc;
}

/* Appends the lines of HEAD's log after the shared prefix that the
 * target's log lacks, once each. */
static int
move_lines(struct endorse_rechain_plan *p)
{
	const endorse_blob *head = &p->at[1], *onto = &p->at[2];
	size_t from = shared_prefix(head, onto);
	struct identities seen = {0};
	uint64_t line = endorse_logdiff_line_at(head->data, from);
	int rc;

	endorse_hashset_init(&seen.set, identity_key);
	if ((rc = log_add(p, onto->data, onto->len)) != 0 ||
	    (rc = collect(&seen, onto->data + from, onto->len - from)) != 0)
		goto out;
	for (const char *q = head->data + from, *end = head->data + head->len; q < end; line++) {
		const char *lf = memchr(q, '\n', (size_t)(end - q));
		uint8_t id[32];
		bool ok = false, fresh = true;

		if (lf == NULL) {
			rc = endorse_error_set(ENDORSE_EINVALID, NULL,
				"the branch's log does not end with a newline");
			goto out;
		}
		if ((rc = endorse_logdiff_identity(&ok, id, q, (size_t)(lf - q))) != 0 ||
		    (ok && (rc = identities_add(&seen, id, &fresh)) != 0))
			goto out;
		if (!fresh)
			p->theirs++;
		else if ((rc = move_line(p, q, (size_t)(lf - q), line)) != 0)
			goto out;
		q = lf + 1;
	}
out:
	endorse_hashset_free(&seen.set);
	free(seen.ids);
	return rc;
}

int
endorse_rechain_plan_make(struct endorse_rechain_plan *p, const endorse_repo *repo,
	const char *onto_rev, const char *head_rev, bool trusted)
{
	endorse_reporter r = {NULL, 0, NULL, NULL};
	endorse_blob made = {0};
	uint64_t missing = 0;
	size_t kept = 0;
	int rc;

	*p = (struct endorse_rechain_plan){0};
	if ((rc = read_logs(p, repo, onto_rev, head_rev)) != 0 ||
	    (rc = endorse_history_state_at(&p->state, repo, &p->onto, &r)) != 0)
		return rc;
	if (trusted)
		endorse_replay_trusted(p->state, p->at[2].data, p->at[2].len, NULL, NULL, &r);
	else
		endorse_replay_lines(p->state, p->at[2].data, p->at[2].len, &r);
	if (r.problems > 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "the log of %s does not verify",
			onto_rev);
	if ((rc = move_lines(p)) != 0)
		return rc;
	if (p->moved == 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "nothing to rechain: this branch adds "
			"no entries that %s lacks", onto_rev);
	if (p->len == p->at[1].len && memcmp(p->log, p->at[1].data, p->len) == 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "nothing to rechain: the branch already "
			"extends %s", onto_rev);
	/* a merge commit keeps every line of its second parent in order
	 * (history_merge.c): when the new log does not, a bridge commit on
	 * HEAD holds it first */
	made = (endorse_blob){.kind = ENDORSE_BLOB_FILE, .data = p->log, .len = p->len};
	if ((rc = endorse_logdiff_kept(&missing, &kept, &p->at[1], &made)) == 0)
		p->bridge = missing != 0;
	return rc;
}

void
endorse_rechain_plan_clear(struct endorse_rechain_plan *p)
{
	for (size_t i = 0; i < 3; i++)
		endorse_blob_clear(&p->at[i]);
	free(p->log);
	endorse_state_free(p->state);
	*p = (struct endorse_rechain_plan){0};
}

int
endorse_rechain_plan_divergence(endorse_divergence *out, const endorse_repo *repo,
	const endorse_commit_id *base, const endorse_commit_id *head)
{
	struct endorse_rechain_plan p;
	int rc = endorse_rechain_plan_make(&p, repo, base->hex, head->hex, true);

	*out = ENDORSE_DIVERGENCE_NONE;
	if (rc == 0)
		*out = p.theirs > 0 || has_prefix(&p.at[1], &p.at[2]) ? ENDORSE_DIVERGENCE_BOTH_SIDES
								       : ENDORSE_DIVERGENCE_BEHIND;
	else if (rc == ENDORSE_EINVALID || rc == ENDORSE_EUSAGE)
		rc = 0; /* rechain would not help: the failure is of another kind */
	endorse_rechain_plan_clear(&p);
	return rc;
}
