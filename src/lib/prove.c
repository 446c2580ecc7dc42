/* Making a C2SP tlog-proof from a log directory (endorse prove): the
 * checkpoint and policy read from the log, one pass over its lines (or
 * their cached hashes, proof_cache.c), and proof.c's format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "error.h"
#include "file.h"
#include "prepare.h"
#include "line.h"
#include "proof.h"
#include "proof_cache.h"
#include "checkpoint_log.h"
#include "replay.h"

/* What prove learns from one pass over the log: the leaf hashes of the
 * checkpoint's lines and, for an organisation, its endorsements in effect
 * (by document) among them. */
struct scan {
	uint8_t (*leaves)[32];
	uint64_t count, want;
	size_t cap;
	const char *org;
	struct { char sha256[65]; uint64_t seq; } *active;
	size_t active_count, active_cap;
};

/* Follows one organisation's endorse and withdraw lines, chosen by their
 * parsed org (another's name or URL may mention it); the lines were
 * verified by verify, so they are parsed without checking them again. */
static int
follow_org(struct scan *s, const char *line, size_t len, uint64_t seq)
{
	endorse_entry e;
	const endorse_statement *st = &e.statement;
	int rc = endorse_line_select(&e, line, len, s->org, false);

	if (rc < 0) {
		endorse_error_saved why;
		endorse_error_save(&why);
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"line %llu of the log does not parse "
			"(%s); run 'endorse verify'", (unsigned long long)seq + 1, why.message);
	}
	rc = 0;
	if (st->org_id != NULL && strcmp(st->org_id, s->org) == 0 &&
	    (st->type == ENDORSE_ENDORSE || st->type == ENDORSE_WITHDRAW)) {
		size_t i = 0;
		while (i < s->active_count && strcmp(s->active[i].sha256, st->document) != 0)
			i++;
		if (st->type == ENDORSE_WITHDRAW && i < s->active_count) {
			s->active[i] = s->active[--s->active_count];
		} else if (st->type == ENDORSE_ENDORSE) {
			if (i == s->active_count) {
				void *grown = endorse_array_reserve(s->active, &s->active_cap, i + 1,
					sizeof(*s->active));
				if (grown == NULL) {
					rc = ENDORSE_ENOMEM;
					goto out;
				}
				s->active = grown;
				s->active_count++;
				(void)snprintf(s->active[i].sha256, sizeof(s->active[i].sha256), "%s", st->document);
			}
			s->active[i].seq = seq;
		}
	}
out:
	endorse_entry_clear(&e);
	return rc;
}

struct scan_pass {
	struct scan *s;
	bool hash;
	uint64_t seq;
};

static int
scan_line(void *ctx, endorse_prepared *line, bool batch_end)
{
	struct scan_pass *pass = ctx;
	struct scan *s = pass->s;
	int rc = 0;

	(void)batch_end;
	if (pass->seq >= s->want)
		return 1;
	if (pass->hash) {
		/* grown as lines come: the checkpoint's size is a claim */
		void *grown = endorse_array_reserve(s->leaves, &s->cap, s->count + 1, 32);
		if (grown == NULL)
			return ENDORSE_ENOMEM;
		s->leaves = grown;
		if (line->text != NULL)
			endorse_merkle_leaf_hash(s->leaves[s->count], (const uint8_t *)line->text,
				line->len);
		else
			memcpy(s->leaves[s->count], line->leaf, 32);
		s->count++;
	}
	if (s->org != NULL && line->text != NULL)
		rc = follow_org(s, line->text, line->len, pass->seq);
	pass->seq++;
	return rc;
}

/* Streams dir's log up to its s->want'th line: the leaf hashes (when
 * hash) and the organisation's endorsements (when s->org). A line of any
 * length costs no more memory than ENDORSE_MAX_LINE. */
static int
scan_log(struct scan *s, const char *dir, bool hash)
{
	struct scan_pass pass = {s, hash, 0};

	if (hash)
		s->count = 0;
	s->active_count = 0;
	return endorse_log_each_line(dir, scan_line, &pass);
}

static bool
load_cache(struct scan *s, const char *path)
{
	if (!endorse_proof_cache_load(&s->leaves, &s->count, path, s->want)) {
		if (s->leaves == NULL)
			s->cap = 0;
		return false;
	}
	s->cap = (size_t)s->count;
	return true;
}

static void
save_cache(const struct scan *s, const char *cache_dir, const char *path)
{
	endorse_proof_cache_save(cache_dir, path, (const uint8_t(*)[32])s->leaves, s->count);
}

/* The entry to prove: a seq, or the organisation's newest endorsement
 * still in effect among the checkpoint's lines. */
static int
select_entry(uint64_t *index, const struct scan *s, const char *selector, uint64_t size)
{
	if (s->org == NULL) {
		if (*index >= size)
			return endorse_error_set(ENDORSE_ENOTFOUND, NULL, "entry %llu is not in the "
				"checkpoint (%llu entries); if it was appended since, the log operator signs a "
				"new checkpoint with 'endorse checkpoint'", (unsigned long long)*index,
				(unsigned long long)size);
		return 0;
	}
	if (s->active_count == 0)
		return endorse_error_set(ENDORSE_ENOTFOUND, NULL, "%s has no endorsement in effect "
			"among the checkpoint's %llu entries; name an entry by its seq instead", selector,
			(unsigned long long)size);
	*index = s->active[0].seq;
	for (size_t i = 1; i < s->active_count; i++)
		if (s->active[i].seq > *index)
			*index = s->active[i].seq;
	return 0;
}

/* Makes the proof from the leaves in s; false if it does not lead to the
 * checkpoint's root (the leaves are not the checkpoint's tree). */
static bool
prove_from(uint8_t proof[][32], size_t *n, const struct scan *s, uint64_t index,
	const endorse_checkpoint *cp)
{
	if (s->count < s->want || index >= s->want ||
	    endorse_merkle_prove_inclusion(proof, n, (const uint8_t(*)[32])s->leaves, s->want,
		    index) != 0)
		return false;
	return endorse_merkle_check_inclusion(s->leaves[index], index, s->want, cp->root,
		(const uint8_t(*)[32])proof, *n);
}

/* The log's checkpoint (*note, read from dir), checked under its policy:
 * it must verify and meet its quorum. */
static int
read_checkpoint(endorse_checkpoint_result *res, char **note, size_t *note_len, const char *dir)
{
	endorse_policy *policy = NULL;
	int rc = endorse_checkpoint_read_checked(res, note, note_len, &policy, dir);

	if (rc == 0 && !res->quorum)
		rc = endorse_error_set(ENDORSE_EINVALID, NULL, "the checkpoint is cosigned by %zu "
			"witnesses, which does not meet the policy's quorum \"%s\": a proof against it "
			"would not verify; the witnesses cosign it first (endorse cosign)", res->witnesses,
			endorse_policy_quorum_name(policy));
	endorse_policy_free(policy);
	return rc;
}

/* The inclusion proof of the selected entry: from the cached leaves when
 * they lead to the checkpoint's root, else from the log's lines (and the
 * cache written again). */
static int
prove_entry(uint8_t proof[][32], size_t *n, struct scan *scan, uint64_t *index,
	const char *selector, const char *dir, const char *cache_dir, const endorse_checkpoint *cp)
{
	char *cache = cache_dir != NULL ? endorse_proof_cache_path(cache_dir, dir) : NULL;
	/* With the leaves cached, the log is read only to find an
	 * organisation's entry. */
	bool cached = load_cache(scan, cache);
	int rc = 0;

	if ((!cached || scan->org != NULL) && (rc = scan_log(scan, dir, !cached)) != 0)
		goto out;
	if (!cached && scan->count >= scan->want)
		save_cache(scan, cache_dir, cache);
	if ((rc = select_entry(index, scan, selector, scan->want)) != 0)
		goto out;
	if (!prove_from(proof, n, scan, *index, cp) && cached) {
		/* a stale cache: hash the log itself */
		cached = false;
		if ((rc = scan_log(scan, dir, true)) != 0)
			goto out;
		save_cache(scan, cache_dir, cache);
	}
	if (!cached && !prove_from(proof, n, scan, *index, cp))
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"the log's first %llu lines are not the "
			"tree the checkpoint signs; run 'endorse verify'", (unsigned long long)scan->want);
out:
	free(cache);
	return rc;
}

/* No signature of the log is verified again (verify does): the checkpoint
 * must verify under keys/policy and meet its quorum, and the proof made from
 * the log's lines (or their cached hashes) must lead to its root. */
int
endorse_prove(char **out, size_t *len, const char *dir, const char *selector, uint64_t *index,
	const char *cache_dir)
{
	endorse_checkpoint_result res = {0};
	struct scan scan = {0};
	uint8_t proof[ENDORSE_MERKLE_MAX_PROOF][32];
	char *note = NULL;
	size_t n = 0, note_len = 0;
	int rc, cache_fd = -1;

	*out = NULL;
	if (!endorse_parse_decimal(index, selector, strlen(selector), UINT64_MAX)) {
		if (!endorse_name_is_org_id(selector)) {
			rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
				"%s is neither a seq nor an organization id", selector);
			goto out;
		}
		scan.org = selector;
	}
	if ((rc = read_checkpoint(&res, &note, &note_len, dir)) != 0)
		goto out;
	scan.want = res.checkpoint.size;
	/* the cache directory itself, never where a link points */
	if (cache_dir != NULL && (rc = endorse_dir_open_path(&cache_fd, cache_dir, true, 0700)) != 0) {
		rc = endorse_error_wrap(rc, "cannot use the proof cache %s", cache_dir);
		goto out;
	}
	if ((rc = prove_entry(proof, &n, &scan, index, selector, dir, cache_dir,
		     &res.checkpoint)) == 0)
		rc = endorse_proof_format(out, len, *index, (const uint8_t(*)[32])proof, n, note,
			note_len);
out:
	endorse_checkpoint_result_clear(&res);
	free(scan.leaves);
	free(scan.active);
	free(note);
	if (cache_fd >= 0)
		close(cache_fd);
	return rc;
}
