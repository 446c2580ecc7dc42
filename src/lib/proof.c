/* C2SP tlog-proof ("transparent signatures"): one entry, its inclusion
 * proof, and the checkpoint it is proved against, checkable with nothing
 * but the log's policy.
 *
 *     c2sp.org/tlog-proof@v1
 *     [extra BASE64]
 *     index N
 *     BASE64 hash, leaf's sibling first (zero or more lines)
 *     (blank line)
 *     the checkpoint note, verbatim */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

#define PROOF_HEADER "c2sp.org/tlog-proof@v1\n"

/* ---- making a proof ---- */

/* What prove learns from one pass over the log: the leaf hashes of the
 * checkpoint's lines and, for an organisation, its endorsements in effect
 * (by document) among them. */
struct scan {
	uint8_t (*leaves)[32];
	uint64_t count, cap, want;
	const char *org;
	struct { char sha256[65]; uint64_t seq; } *active;
	size_t active_count;
};

/* Follows one organisation's endorse and withdraw lines, chosen by their
 * parsed org (another's name or URL may mention it); the lines were
 * verified by verify, so they are parsed without checking them again. */
static int
follow_org(struct scan *s, const char *line, size_t len, uint64_t seq)
{
	endorse_entry e;
	endorse_diag diag = {0};
	const endorse_statement *st = &e.statement;
	int rc = endorse_line_select(&e, line, len, s->org, false, &diag);

	if (rc < 0)
		return endorse_fail(ENDORSE_EINVALID, "line %llu of the log does not parse (%s); run "
			"'endorse verify'", (unsigned long long)seq + 1, diag.message);
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
				void *grown = realloc(s->active, (i + 1) * sizeof(*s->active));
				if (grown == NULL) {
					rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
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
scan_line(void *ctx, const endorse_prepared *line, bool batch_end)
{
	struct scan_pass *pass = ctx;
	struct scan *s = pass->s;
	int rc = 0;

	(void)batch_end;
	if (pass->seq >= s->want)
		return 1;
	if (pass->hash) {
		/* grown as lines come: the checkpoint's size is a claim */
		if (s->count == s->cap) {
			void *grown = realloc(s->leaves, (s->cap = s->cap ? 2 * s->cap : 4096) * 32);
			if (grown == NULL)
				return endorse_fail(ENDORSE_ENOMEM, "out of memory");
			s->leaves = grown;
		}
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

/* The leaf hashes of a log, kept between runs so that the log is hashed
 * once: cache_dir/leaves-<SHA-256 of the log directory's real path>,
 * "endorse-leaves/1\n", a count (8 bytes, big-endian), the hashes. A cache
 * is never trusted: a proof made from it must lead to the checkpoint's
 * root, or the log is hashed again. */
#define CACHE_MAGIC "endorse-leaves/1\n"

static char *
cache_path(const char *cache_dir, const char *dir)
{
	char *real = realpath(dir, NULL), name[64], hex[65];
	uint8_t digest[32];

	if (real == NULL)
		return NULL;
	crypto_hash_sha256(digest, (const uint8_t *)real, strlen(real));
	free(real);
	endorse_hex_encode(hex, digest, 32);
	(void)snprintf(name, sizeof(name), "leaves-%.32s", hex);
	return endorse_path_join(cache_dir, name);
}

static bool
load_cache(struct scan *s, const char *path)
{
	char *data = NULL;
	size_t len = 0, head = strlen(CACHE_MAGIC) + 8;
	uint64_t count = 0;

	if (path == NULL || endorse_file_read(&data, &len, path, SIZE_MAX) != 0)
		return false;
	if (len < head || memcmp(data, CACHE_MAGIC, strlen(CACHE_MAGIC)) != 0)
		goto miss;
	for (size_t i = 0; i < 8; i++)
		count = count << 8 | (uint8_t)data[strlen(CACHE_MAGIC) + i];
	if (count < s->want || (len - head) / 32 != count || (len - head) % 32 != 0)
		goto miss;
	free(s->leaves);
	if ((s->leaves = malloc(count ? count * 32 : 1)) == NULL)
		goto miss;
	memcpy(s->leaves, data + head, count * 32);
	s->count = s->cap = count;
	free(data);
	return true;
miss:
	free(data);
	return false;
}

/* Best effort: a cache that cannot be written is only slower next time. */
static void
save_cache(const struct scan *s, const char *cache_dir, const char *path)
{
	size_t head = strlen(CACHE_MAGIC) + 8, len = head + s->count * 32;
	char *data;

	if (path == NULL || endorse_mkdir_p(cache_dir, 0700) != 0 || (data = malloc(len)) == NULL)
		return;
	memcpy(data, CACHE_MAGIC, strlen(CACHE_MAGIC));
	for (size_t i = 0; i < 8; i++)
		data[strlen(CACHE_MAGIC) + i] = (char)(s->count >> (56 - 8 * i));
	memcpy(data + head, s->leaves, s->count * 32);
	endorse_file_write_atomic(path, data, len, 0600, false);
	free(data);
}

/* The entry to prove: a seq, or the organisation's newest endorsement
 * still in effect among the checkpoint's lines. */
static int
select_entry(uint64_t *index, const struct scan *s, const char *selector, uint64_t size)
{
	if (s->org == NULL) {
		if (*index >= size)
			return endorse_fail(ENDORSE_ENOTFOUND, "entry %llu is not in the checkpoint (%llu "
				"entries); if it was appended since, the log operator signs a new checkpoint "
				"with 'endorse checkpoint'", (unsigned long long)*index, (unsigned long long)size);
		return 0;
	}
	if (s->active_count == 0)
		return endorse_fail(ENDORSE_ENOTFOUND, "%s has no endorsement in effect among the "
			"checkpoint's %llu entries; name an entry by its seq instead", selector,
			(unsigned long long)size);
	*index = s->active[0].seq;
	for (size_t i = 1; i < s->active_count; i++)
		if (s->active[i].seq > *index)
			*index = s->active[i].seq;
	return 0;
}

static int
format_proof(char **out, size_t *len, uint64_t index, const uint8_t proof[][32], size_t n,
	const char *note, size_t note_len)
{
	size_t cap = strlen(PROOF_HEADER) + 32 + n * 45 + 1 + note_len + 1;
	char *p = *out = malloc(cap);

	if (p == NULL)
		return endorse_fail(ENDORSE_ENOMEM, "out of memory");
	p += sprintf(p, PROOF_HEADER "index %llu\n", (unsigned long long)index);
	for (size_t i = 0; i < n; i++) {
		endorse_base64_encode(p, 45, proof[i], 32);
		p += 44;
		*p++ = '\n';
	}
	*p++ = '\n';
	memcpy(p, note, note_len);
	p += note_len;
	*p = '\0';
	*len = (size_t)(p - *out);
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

/* No signature of the log is verified again (verify does): the checkpoint
 * must verify under keys/policy and meet its quorum, and the proof made from
 * the log's lines (or their cached hashes) must lead to its root. */
int
endorse_prove(char **out, size_t *len, const char *dir, const char *selector, uint64_t *index,
	const char *cache_dir)
{
	endorse_checkpoint_result res = {0};
	endorse_policy *policy = NULL;
	struct scan scan = {0};
	uint8_t proof[ENDORSE_MERKLE_MAX_PROOF][32];
	char *cp_path = endorse_path_join(dir, ENDORSE_CHECKPOINT_PATH), *note = NULL;
	char *policy_path = endorse_path_join(dir, ENDORSE_POLICY_PATH), *cache = NULL;
	size_t n = 0, note_len = 0;
	bool cached;
	int rc, cache_fd = -1;

	*out = NULL;
	if (cp_path == NULL || policy_path == NULL) {
		rc = endorse_fail(ENDORSE_ENOMEM, "out of memory");
		goto out;
	}
	if (!endorse_parse_decimal(index, selector, strlen(selector), UINT64_MAX)) {
		if (!endorse_name_is_org_id(selector)) {
			rc = endorse_fail(ENDORSE_EUSAGE, "%s is neither a seq nor an organization id",
				selector);
			goto out;
		}
		scan.org = selector;
	}
	rc = endorse_file_read(&note, &note_len, cp_path, ENDORSE_NOTE_MAX);
	if (rc == ENDORSE_ENOTFOUND)
		rc = endorse_fail(rc, "%s: the log has no checkpoint to prove against; the log "
			"operator signs one with 'endorse checkpoint'", cp_path);
	if (rc != 0 || (rc = endorse_policy_load(&policy, policy_path)) != 0 ||
	    (rc = endorse_checkpoint_check(&res, policy, note, note_len, (uint64_t)time(NULL))) != 0)
		goto out;
	if (!res.quorum) {
		rc = endorse_fail(ENDORSE_EINVALID, "the checkpoint is cosigned by %zu witnesses, "
			"which does not meet the policy's quorum \"%s\": a proof against it would not "
			"verify; the witnesses cosign it first (endorse cosign)", res.witnesses,
			endorse_policy_quorum_name(policy));
		goto out;
	}
	scan.want = res.checkpoint.size;
	/* the cache directory itself, never where a link points */
	if (cache_dir != NULL && (rc = endorse_dir_open_path(&cache_fd, cache_dir, true, 0700)) != 0) {
		rc = endorse_fail_wrap(rc, "cannot use the proof cache %s", cache_dir);
		goto out;
	}
	cache = cache_dir != NULL ? cache_path(cache_dir, dir) : NULL;
	/* With the leaves cached, the log is read only to find an
	 * organisation's entry. */
	cached = load_cache(&scan, cache);
	if ((!cached || scan.org != NULL) && (rc = scan_log(&scan, dir, !cached)) != 0)
		goto out;
	if (!cached && scan.count >= scan.want)
		save_cache(&scan, cache_dir, cache);
	if ((rc = select_entry(index, &scan, selector, scan.want)) != 0)
		goto out;
	if (!prove_from(proof, &n, &scan, *index, &res.checkpoint) && cached) {
		/* a stale cache: hash the log itself */
		cached = false;
		if ((rc = scan_log(&scan, dir, true)) != 0)
			goto out;
		save_cache(&scan, cache_dir, cache);
	}
	if (!cached && !prove_from(proof, &n, &scan, *index, &res.checkpoint)) {
		rc = endorse_fail(ENDORSE_EINVALID, "the log's first %llu lines are not the tree the "
			"checkpoint signs; run 'endorse verify'", (unsigned long long)scan.want);
		goto out;
	}
	rc = format_proof(out, len, *index, (const uint8_t(*)[32])proof, n, note, note_len);
out:
	endorse_checkpoint_result_clear(&res);
	endorse_policy_free(policy);
	free(scan.leaves);
	free(scan.active);
	free(note);
	free(cache);
	free(cp_path);
	free(policy_path);
	if (cache_fd >= 0)
		close(cache_fd);
	return rc;
}

/* ---- checking a proof ---- */

void
endorse_proof_result_clear(endorse_proof_result *res)
{
	endorse_checkpoint_result_clear(&res->checkpoint);
	endorse_entry_clear(&res->entry);
	memset(res, 0, sizeof(*res));
}

/* Takes the next line (without LF) off *p; false at the end of the text. */
static bool
next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *lf = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL;

	if (lf == NULL)
		return false;
	*line = *p;
	*len = (size_t)(lf - *p);
	*p = lf + 1;
	return true;
}

/* Splits the proof into index, hashes and the checkpoint note. */
static int
parse_proof(uint64_t *index, uint8_t hashes[][32], size_t *n, const char **note, size_t *note_len,
	const char *proof, size_t len)
{
	const char *p = proof, *end = proof + len, *line;
	size_t line_len;

	*n = 0;
	if (len < strlen(PROOF_HEADER) || memcmp(proof, PROOF_HEADER, strlen(PROOF_HEADER)) != 0)
		return endorse_fail(ENDORSE_EINVALID, "not a tlog proof: the first line must be %.22s",
			PROOF_HEADER);
	p += strlen(PROOF_HEADER);
	if (!next_line(&p, end, &line, &line_len))
		return endorse_fail(ENDORSE_EINVALID, "the proof has no index line");
	/* extra: opaque, unauthenticated, and unused by endorse; only its form
	 * is checked. */
	if (line_len >= 6 && memcmp(line, "extra ", 6) == 0) {
		uint8_t *scratch = malloc(line_len);
		size_t got = 0;
		bool ok = scratch != NULL &&
			endorse_base64_decode(scratch, line_len, &got, line + 6, line_len - 6);
		free(scratch);
		if (!ok || !next_line(&p, end, &line, &line_len))
			return endorse_fail(ENDORSE_EINVALID,
				"the proof's extra line is not canonical base64, or no index line follows");
	}
	if (line_len < 6 || memcmp(line, "index ", 6) != 0 || !endorse_parse_decimal(index, line + 6, line_len - 6, UINT64_MAX))
		return endorse_fail(ENDORSE_EINVALID,
			"the proof's index line must be \"index N\", N a decimal without leading zeros");
	for (;;) {
		if (!next_line(&p, end, &line, &line_len))
			return endorse_fail(ENDORSE_EINVALID,
				"the proof's hashes must end with a blank line before the checkpoint");
		if (line_len == 0)
			break;
		if (*n == ENDORSE_MERKLE_MAX_PROOF)
			return endorse_fail(ENDORSE_EINVALID, "the proof has more than %d hashes",
				ENDORSE_MERKLE_MAX_PROOF);
		if (!endorse_base64_decode_exact(hashes[*n], 32, line, line_len))
			return endorse_fail(ENDORSE_EINVALID,
				"proof hash %zu is not canonical base64 of 32 bytes", *n + 1);
		(*n)++;
	}
	*note = p;
	*note_len = (size_t)(end - p);
	return 0;
}

/* The statement's own rules that need no log: signatures for this
 * origin, and a signer of the right name. */
static int
check_entry_signatures(const endorse_entry *e, const endorse_vkey *log_key)
{
	const endorse_statement *st = &e->statement;
	uint8_t *m = NULL;
	size_t len = 0;
	bool by_org = st->org_id != NULL && strcmp(e->signer.name, st->org_id) == 0;
	bool by_log = endorse_vkey_equal(&e->signer, log_key);
	bool log_only = st->type == ENDORSE_DOCUMENT || st->type == ENDORSE_CONFIRM;
	bool ok;
	int rc;

	if ((log_only && !by_log) || (st->type == ENDORSE_REVOKE && !by_org && !by_log) ||
	    (!log_only && st->type != ENDORSE_REVOKE && !by_org))
		return endorse_fail(ENDORSE_EINVALID, "the entry's signer %s may not sign a %s statement",
			e->signer.name, endorse_statement_type_name(st->type));
	if ((rc = endorse_signed_message(&m, &len, log_key->name, st)) != 0)
		return rc;
	ok = endorse_vkey_verify(&e->signer, e->sig, m, len) &&
		(!e->has_new_sig || endorse_vkey_verify(&e->other, e->new_sig, m, len));
	free(m);
	if (!ok)
		return endorse_fail(ENDORSE_EINVALID, "the entry's signature does not verify for the log %s",
			log_key->name);
	return 0;
}

int
endorse_proof_verify(endorse_proof_result *res, const char *proof, size_t len,
	const endorse_policy *policy, const char *entry, size_t entry_len, uint64_t now)
{
	uint8_t hashes[ENDORSE_MERKLE_MAX_PROOF][32], leaf[32];
	const endorse_checkpoint *cp = &res->checkpoint.checkpoint;
	const char *note = NULL;
	endorse_diag diag = {0};
	size_t n = 0, note_len = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = parse_proof(&res->index, hashes, &n, &note, &note_len, proof, len)) != 0)
		return endorse_fail_rule("proof", rc);
	if ((rc = endorse_checkpoint_check(&res->checkpoint, policy, note, note_len, now)) != 0)
		return rc;
	if (!res->checkpoint.quorum)
		return endorse_fail_rule("quorum", endorse_fail(ENDORSE_EINVALID,
			"the checkpoint is cosigned by %zu of the policy's witnesses, which does not meet "
			"its quorum \"%s\"", res->checkpoint.witnesses, endorse_policy_quorum_name(policy)));
	if (entry_len > 0 && entry[entry_len - 1] == '\n')
		entry_len--;
	if (memchr(entry, '\n', entry_len) != NULL)
		return endorse_fail_rule("entry", endorse_fail(ENDORSE_EINVALID,
			"the entry must be one line of the log"));
	if (endorse_entry_parse(&res->entry, entry, entry_len, &diag) != 0)
		return endorse_fail_rule("entry", endorse_fail(ENDORSE_EINVALID, "the entry is not a valid "
			"log line: %s (rule %s)", diag.message, diag.rule));
	if (res->entry.seq != res->index)
		return endorse_fail_rule("entry", endorse_fail(ENDORSE_EINVALID,
			"the entry's seq is %llu but the proof is for index %llu",
			(unsigned long long)res->entry.seq, (unsigned long long)res->index));
	if ((rc = check_entry_signatures(&res->entry, endorse_policy_log_key(policy))) != 0)
		return endorse_fail_rule("signature", rc);
	endorse_merkle_leaf_hash(leaf, (const uint8_t *)entry, entry_len);
	if (!endorse_merkle_check_inclusion(leaf, res->index, cp->size, cp->root,
		    (const uint8_t(*)[32])hashes, n))
		return endorse_fail_rule("inclusion", endorse_fail(ENDORSE_EINVALID,
			"the inclusion proof does not lead from the entry to the checkpoint's root "
			"(index %llu of %llu entries)", (unsigned long long)res->index,
			(unsigned long long)cp->size));
	return 0;
}
