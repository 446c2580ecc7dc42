/* One version of the log against an older one (logdiff.h). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "logdiff.h"
#include "entry.h"
#include "error.h"
#include "repo.h"
#include "report.h"

uint64_t
endorse_logdiff_line_at(const char *data, size_t at)
{
	uint64_t n = 1;

	for (size_t i = 0; i < at; i++)
		n += data[i] == '\n';
	return n;
}

bool
endorse_logdiff_extends(const endorse_blob *old, const endorse_blob *new, endorse_reporter *r)
{
	size_t i = 0, n = old->len < new->len ? old->len : new->len;

	if (old->len <= new->len && memcmp(old->data, new->data, old->len) == 0)
		return true;
	while (i < n && old->data[i] == new->data[i])
		i++;
	if (i == new->len)
		endorse_report(r, ENDORSE_LOG_PATH, endorse_logdiff_line_at(old->data, i),
			"append-only", "lines from %llu on were removed (the log may only grow)",
			(unsigned long long)endorse_logdiff_line_at(old->data, i));
	else
		endorse_report(r, ENDORSE_LOG_PATH, endorse_logdiff_line_at(new->data, i),
			"append-only", "line %llu differs from the version before (the log may only "
			"grow: lines are never edited, reordered or removed)",
			(unsigned long long)endorse_logdiff_line_at(new->data, i));
	return false;
}

int
endorse_logdiff_identity(bool *ok, uint8_t out[32], const char *line, size_t len)
{
	crypto_hash_sha256_state h;
	endorse_entry e;
	char *jcs = NULL;
	size_t n = 0;
	int rc = 0;

	*ok = false;
	if (endorse_entry_parse_checked(&e, line, len, false) != 0)
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

/* Moves *q past the line of new whose identity is want (sets *found), or to
 * new's end. */
static int
find_identity(bool *found, const char **q, const char *qend, const uint8_t want[32])
{
	int rc = 0;

	*found = false;
	while (!*found && *q < qend && rc == 0) {
		const char *lf = memchr(*q, '\n', (size_t)(qend - *q));
		size_t len = lf != NULL ? (size_t)(lf - *q) : (size_t)(qend - *q);
		uint8_t got[32];
		bool ok = false;

		rc = endorse_logdiff_identity(&ok, got, *q, len);
		*found = ok && sodium_memcmp(want, got, 32) == 0;
		*q += len + (lf != NULL);
	}
	return rc;
}

int
endorse_logdiff_kept(uint64_t *missing, size_t *kept, const endorse_blob *old,
	const endorse_blob *new)
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
	line = endorse_logdiff_line_at(old->data, i);
	for (p = old->data + i, q = new->data + i; p < pend && rc == 0; line++) {
		const char *lf = memchr(p, '\n', (size_t)(pend - p));
		size_t len = lf != NULL ? (size_t)(lf - p) : (size_t)(pend - p);
		uint8_t want[32];
		bool ok = false, found = false;

		if ((rc = endorse_logdiff_identity(&ok, want, p, len)) != 0 ||
		    (ok && (rc = find_identity(&found, &q, qend, want)) != 0))
			break;
		if (!found) {
			*missing = line;
			break;
		}
		p += len + (lf != NULL);
	}
	return rc;
}
