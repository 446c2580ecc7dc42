/* line.h: the one line checker, and the choice of the lines that concern
 * an organisation. */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "line.h"
#include "entry.h"
#include "prepare.h"
#include "report.h"
#include "state.h"

void
endorse_checker_init(endorse_checker *c, endorse_state *state, unsigned flags,
	const char *org_id, endorse_reporter *r)
{
	memset(c, 0, sizeof(*c));
	c->state = state;
	c->r = r;
	c->flags = flags;
	c->org_id = org_id;
	/* once for the whole replay: the clock is read once, not per line */
	if (flags & ENDORSE_CHECK_FUTURE)
		endorse_time_from_now(c->latest, ENDORSE_STATEMENT_SKEW);
}

/* A rule broken by the line itself, reported at its number. */
static void
line_problem(const endorse_checker *c, uint64_t line_no)
{
	endorse_report_error(c->r, ENDORSE_LOG_PATH, line_no);
}

/* Parses the line into p->entry (the workers did, for a prepared line):
 * 0, 1 when it does not concern c->org_id (ENDORSE_CHECK_CONCERNED), or
 * ENDORSE_EINVALID with the error record set. */
static int
parse(const endorse_checker *c, endorse_prepared *p)
{
	bool full = (c->flags & ENDORSE_CHECK_CANONICAL) != 0;
	int rc;

	if (c->flags & ENDORSE_LINE_PREPARED) {
		if (p->parse_rc != 0)
			return endorse_error_restore(&p->parse_error);
		if ((c->flags & ENDORSE_CHECK_CONCERNED) && !endorse_entry_concerns(&p->entry, c->org_id))
			return 1;
		return 0;
	}
	memset(&p->entry, 0, sizeof(p->entry));
	if (c->flags & ENDORSE_CHECK_CONCERNED) {
		rc = endorse_line_select(&p->entry, p->text, p->len, c->org_id, full);
		if (rc >= 0)
			return rc == 1 ? 0 : 1;
	} else if (endorse_entry_parse_checked(&p->entry, p->text, p->len, full) == 0) {
		return 0;
	}
	return ENDORSE_EINVALID; /* the record says why */
}

/* What depends on the lines before: seq, prev, the time's distance to the
 * clock, the state's rules; the entry is applied when they pass. */
static void
check_entry(const endorse_checker *c, const endorse_prepared *p, uint64_t line_no)
{
	const endorse_entry *e = &p->entry;
	uint64_t n = line_no - 1;
	const endorse_signatures *ahead = (c->flags & ENDORSE_LINE_PREPARED) ? &p->sigs : NULL;

	if ((c->flags & ENDORSE_CHECK_SEQ) && e->seq != n)
		endorse_report(c->r, ENDORSE_LOG_PATH, line_no, "seq",
			"seq is %llu; line %llu must have seq %llu", (unsigned long long)e->seq,
			(unsigned long long)line_no, (unsigned long long)n);
	if ((c->flags & ENDORSE_CHECK_PREV) &&
	    sodium_memcmp(e->prev, endorse_state_head(c->state), 32) != 0)
		endorse_report(c->r, ENDORSE_LOG_PATH, line_no, "prev", "%s",
			n == 0 ? "prev of the first line must be 64 zeros"
			       : "prev is not the SHA-256 of the line before");
	/* A future-dated line's rules would only report what follows from its
	 * time. Writers do not check it: a line dated ahead of the clock must
	 * not stop the log key from revoking the key that signed it, nor the
	 * organisation from signing with a new key after that (state.c: a
	 * revoked key's times do not count). */
	if ((c->flags & ENDORSE_CHECK_FUTURE) && strcmp(e->statement.time, c->latest) > 0) {
		endorse_report(c->r, ENDORSE_LOG_PATH, line_no, "future-time",
			"time %s is more than %d minutes after this machine's clock; a statement "
			"cannot be signed in the future", e->statement.time, ENDORSE_STATEMENT_SKEW / 60);
		return;
	}
	if (endorse_state_check(c->state, e, ENDORSE_CHECK_APPLY | (c->flags &
		ENDORSE_CHECK_SIGNATURES), ahead) != 0)
		line_problem(c, line_no);
}

/* Counts the line: hashed into the tree when prev is checked, else only
 * counted (the tree is then unknown). */
static void
count(const endorse_checker *c, endorse_prepared *p)
{
	if ((c->flags & ENDORSE_CHECK_PREV) == 0) {
		endorse_state_skip(c->state, 1);
		return;
	}
	if (!p->hashed) {
		crypto_hash_sha256(p->hash, (const uint8_t *)p->text, p->len);
		endorse_merkle_leaf_hash(p->leaf, (const uint8_t *)p->text, p->len);
		p->hashed = true;
	}
	endorse_state_advance(c->state, p->hash, p->leaf);
}

void
endorse_line_check(const endorse_checker *c, endorse_prepared *p)
{
	endorse_reporter *r = c->r;
	uint64_t line_no = endorse_state_size(c->state) + 1, before = r->problems;
	int rc = 1;

	if (p->text == NULL)
		endorse_report(r, ENDORSE_LOG_PATH, line_no, "line-length",
			"line is %zu bytes long; at most %d are allowed", p->len, ENDORSE_MAX_LINE);
	else if ((rc = parse(c, p)) < 0)
		line_problem(c, line_no);
	else if (rc == 0)
		check_entry(c, p, line_no);
	/* a line without its newline (final-lf, reported by the reader of the
	 * file) has a problem too */
	if (rc == 0 && r->problems == before && p->has_lf && r->opt != NULL &&
	    r->opt->on_entry != NULL)
		r->opt->on_entry(r->opt->ctx, &p->entry, c->state);
	endorse_entry_clear(&p->entry);
	count(c, p);
}

/* ---- the lines that concern an organisation ---- */

bool
endorse_line_concerns(const char *line, size_t len, const char *const *org_ids, size_t n)
{
	if (memmem(line, len, "\"type\":\"document\"", 17) != NULL)
		return true;
	for (size_t i = 0; i < n; i++)
		if (memmem(line, len, org_ids[i], strlen(org_ids[i])) != NULL)
			return true;
	return false;
}

void
endorse_entry_org_names(const endorse_entry *e, const char *names[3])
{
	names[0] = e->statement.org_id;
	names[1] = e->signer.name;
	names[2] = e->other.name[0] != '\0' ? e->other.name : NULL;
}

bool
endorse_entry_concerns(const endorse_entry *e, const char *org_id)
{
	const char *names[3];

	if (e->statement.type == ENDORSE_DOCUMENT)
		return true;
	endorse_entry_org_names(e, names);
	for (size_t i = 0; org_id != NULL && i < 3; i++)
		if (names[i] != NULL && strcmp(names[i], org_id) == 0)
			return true;
	return false;
}

int
endorse_line_select(endorse_entry *e, const char *line, size_t len, const char *org_id,
	bool full)
{
	memset(e, 0, sizeof(*e));
	/* only a shortcut (endorse_line_concerns): the choice is made on the
	 * parsed members */
	if (!endorse_line_concerns(line, len, &org_id, org_id != NULL))
		return 0;
	if (endorse_entry_parse_checked(e, line, len, full) != 0)
		return ENDORSE_EINVALID;
	if (endorse_entry_concerns(e, org_id))
		return 1;
	endorse_entry_clear(e);
	return 0;
}
