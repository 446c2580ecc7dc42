/* C2SP tlog-proof ("transparent signatures"): one entry, its inclusion
 * proof, and the checkpoint it is proved against, checkable with nothing
 * but the log's policy.
 *
 *     c2sp.org/tlog-proof@v1
 *     [extra BASE64]
 *     index N
 *     BASE64 hash, leaf's sibling first (zero or more lines)
 *     (blank line)
 *     the checkpoint note, verbatim
 *
 * Made from a log by prove.c; no I/O here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "encoding.h"
#include "entry.h"
#include "proof.h"

/* ---- writing a proof ---- */

int
endorse_proof_format(char **out, size_t *len, uint64_t index, const uint8_t proof[][32], size_t n,
	const char *note, size_t note_len)
{
	size_t cap = strlen(ENDORSE_PROOF_HEADER) + 32 + n * 45 + 1 + note_len + 1;
	char *p = *out = malloc(cap);

	if (p == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	p += sprintf(p, ENDORSE_PROOF_HEADER "index %llu\n", (unsigned long long)index);
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
	if (len < strlen(ENDORSE_PROOF_HEADER) ||
	    memcmp(proof, ENDORSE_PROOF_HEADER, strlen(ENDORSE_PROOF_HEADER)) != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"not a tlog proof: the first line must be %.22s",
			ENDORSE_PROOF_HEADER);
	p += strlen(ENDORSE_PROOF_HEADER);
	if (!next_line(&p, end, &line, &line_len))
		return endorse_error_set(ENDORSE_EINVALID, NULL, "the proof has no index line");
	/* extra: opaque, unauthenticated, and unused by endorse; only its form
	 * is checked. */
	if (line_len >= 6 && memcmp(line, "extra ", 6) == 0) {
		uint8_t *scratch = malloc(line_len);
		size_t got = 0;
		bool ok = scratch != NULL &&
			endorse_base64_decode(scratch, line_len, &got, line + 6, line_len - 6);
		free(scratch);
		if (!ok || !next_line(&p, end, &line, &line_len))
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"the proof's extra line is not canonical base64, or no index line follows");
	}
	if (line_len < 6 || memcmp(line, "index ", 6) != 0 ||
	    !endorse_parse_decimal(index, line + 6, line_len - 6, UINT64_MAX))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"the proof's index line must be \"index N\", N a decimal without leading zeros");
	for (;;) {
		if (!next_line(&p, end, &line, &line_len))
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"the proof's hashes must end with a blank line before the checkpoint");
		if (line_len == 0)
			break;
		if (*n == ENDORSE_MERKLE_MAX_PROOF)
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"the proof has more than %d hashes",
				ENDORSE_MERKLE_MAX_PROOF);
		if (!endorse_base64_decode_exact(hashes[*n], 32, line, line_len))
			return endorse_error_set(ENDORSE_EINVALID, NULL,
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
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"the entry's signer %s may not sign a %s statement",
			e->signer.name, endorse_statement_type_name(st->type));
	if ((rc = endorse_signed_message(&m, &len, log_key->name, st)) != 0)
		return rc;
	ok = endorse_vkey_verify(&e->signer, e->sig, m, len) &&
		(!e->has_new_sig || endorse_vkey_verify(&e->other, e->new_sig, m, len));
	free(m);
	if (!ok)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"the entry's signature does not verify for the log %s",
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
	endorse_error_saved why;
	size_t n = 0, note_len = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = parse_proof(&res->index, hashes, &n, &note, &note_len, proof, len)) != 0)
		return endorse_error_rule("proof", rc);
	if ((rc = endorse_checkpoint_check(&res->checkpoint, policy, note, note_len, now)) != 0)
		return rc;
	if (!res->checkpoint.quorum)
		return endorse_error_rule("quorum", endorse_error_set(ENDORSE_EINVALID, NULL,
			"the checkpoint is cosigned by %zu of the policy's witnesses, which does not meet "
			"its quorum \"%s\"", res->checkpoint.witnesses, endorse_policy_quorum_name(policy)));
	if (entry_len > 0 && entry[entry_len - 1] == '\n')
		entry_len--;
	if (memchr(entry, '\n', entry_len) != NULL)
		return endorse_error_rule("entry", endorse_error_set(ENDORSE_EINVALID, NULL,
			"the entry must be one line of the log"));
	if (endorse_entry_parse(&res->entry, entry, entry_len) != 0) {
		endorse_error_save(&why);
		return endorse_error_rule("entry", endorse_error_set(ENDORSE_EINVALID, NULL,
			"the entry is not a valid log line: %s (rule %s)", why.message, why.rule));
	}
	if (res->entry.seq != res->index)
		return endorse_error_rule("entry", endorse_error_set(ENDORSE_EINVALID, NULL,
			"the entry's seq is %llu but the proof is for index %llu",
			(unsigned long long)res->entry.seq, (unsigned long long)res->index));
	if ((rc = check_entry_signatures(&res->entry, endorse_policy_log_key(policy))) != 0)
		return endorse_error_rule("signature", rc);
	endorse_merkle_leaf_hash(leaf, (const uint8_t *)entry, entry_len);
	if (!endorse_merkle_check_inclusion(leaf, res->index, cp->size, cp->root,
		    (const uint8_t(*)[32])hashes, n))
		return endorse_error_rule("inclusion", endorse_error_set(ENDORSE_EINVALID, NULL,
			"the inclusion proof does not lead from the entry to the checkpoint's root "
			"(index %llu of %llu entries)", (unsigned long long)res->index,
			(unsigned long long)cp->size));
	return 0;
}
