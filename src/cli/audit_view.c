/* Building the audit's view from the replayed state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "util.h"

static uint64_t
pair(size_t org, size_t doc)
{
	return ((uint64_t)org << 32) | (uint64_t)doc;
}

static int
by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
audit_snapshot_take(struct audit_snapshot *s, const endorse_state *state)
{
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < endorse_state_org_count(state); i++) {
		const endorse_org *org = endorse_state_org(state, i);
		for (size_t j = 0; j < org->endorsement_count; j++) {
			uint64_t *grown;
			if (!org->endorsements[j].active)
				continue;
			if ((grown = cli_reserve(s->pairs, &cap, n + 1, sizeof(*grown))) == NULL)
				return ENDORSE_ENOMEM;
			s->pairs = grown;
			s->pairs[n++] = pair(i, org->endorsements[j].document);
		}
	}
	if (n > 0)
		qsort(s->pairs, n, sizeof(*s->pairs), by_value);
	s->count = n;
	s->taken = true;
	return 0;
}

static bool
in_snapshot(const struct audit_snapshot *s, size_t org, size_t doc)
{
	uint64_t key = pair(org, doc);

	return s->count > 0 && bsearch(&key, s->pairs, s->count, sizeof(key), by_value) != NULL;
}

static int
by_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct audit_row *)a)->e->seq, y = ((const struct audit_row *)b)->e->seq;

	return x < y ? -1 : x > y;
}

/* The rows of document d: its current signatories, or with since, the
 * organisations that joined or withdrew after the snapshot. */
static int
rows_of(struct audit_doc *out, const endorse_state *state, size_t d,
	const struct audit_snapshot *since)
{
	size_t cap = 0;

	for (size_t i = 0; i < endorse_state_org_count(state); i++) {
		const endorse_org *org = endorse_state_org(state, i);
		for (size_t j = 0; j < org->endorsement_count; j++) {
			const endorse_endorsement *e = &org->endorsements[j];
			bool before = since != NULL && in_snapshot(since, i, d);
			struct audit_row *grown;

			if (e->document != d)
				continue;
			if (since == NULL ? !e->active : e->active == before)
				continue;
			grown = cli_reserve(out->rows, &cap, out->count + 1, sizeof(*grown));
			if (grown == NULL)
				return cli_error("out of memory");
			out->rows = grown;
			out->rows[out->count++] = (struct audit_row){org, e, e->active};
		}
	}
	if (out->count > 0)
		qsort(out->rows, out->count, sizeof(*out->rows), by_seq);
	return 0;
}

int
audit_view_build(struct audit_view *v, const endorse_state *state, const char *which,
	const struct audit_snapshot *since)
{
	size_t n = endorse_state_document_count(state);
	const endorse_document *only = NULL;  /* NULL: all */

	memset(v, 0, sizeof(*v));
	v->state = state;
	v->since = since != NULL;
	v->since_seq = since != NULL ? since->at : 0;
	cli_state_root(v->root, state);
	if (which != NULL && strcmp(which, "all") != 0 &&
	    (only = endorse_state_resolve_document(state, which)) == NULL)
		return cli_error("%s (--document takes a SHA-256 or its first 8 or more hex "
			"digits, latest, an id, ID@VERSION, or all)", endorse_error_get()->message);
	v->docs = calloc(n ? n : 1, sizeof(*v->docs));
	if (v->docs == NULL)
		return cli_error("out of memory");
	for (size_t d = 0; d < n; d++) {
		const endorse_document *doc = endorse_state_document(state, d);
		size_t version = endorse_state_document_version(state, doc);

		if (only != NULL && only != doc)
			continue;
		struct audit_doc *out = &v->docs[v->doc_count++];
		out->doc = doc;
		out->version = version;
		if (rows_of(out, state, d, since) != 0)
			return EXIT_TROUBLE;
	}
	return 0;
}

void
audit_view_free(struct audit_view *v)
{
	for (size_t i = 0; i < v->doc_count; i++)
		free(v->docs[i].rows);
	free(v->docs);
	memset(v, 0, sizeof(*v));
}

enum audit_confirmed
audit_confirmed_of(const endorse_org *org, const endorse_confirmation **c)
{
	*c = NULL;
	if (org->confirmed) {
		*c = &org->confirmation;
		return AUDIT_CONFIRMED_CURRENT;
	}
	if (org->older_confirmed) {
		*c = &org->older_confirmation;
		return AUDIT_CONFIRMED_OLDER;
	}
	return AUDIT_CONFIRMED_NONE;
}

const char *
audit_confirmed_word(enum audit_confirmed status)
{
	return status == AUDIT_CONFIRMED_CURRENT ? "current"
		: status == AUDIT_CONFIRMED_OLDER ? "older-key" : "none";
}

void
audit_confirmed_text(char out[40], const endorse_org *org)
{
	const endorse_confirmation *c;

	switch (audit_confirmed_of(org, &c)) {
	case AUDIT_CONFIRMED_CURRENT:
		/* the method and the date are the library's checked words */
		(void)snprintf(out, 40, "%s, %.10s", c->method, c->time);
		break;
	case AUDIT_CONFIRMED_OLDER:
		(void)snprintf(out, 40, "older key only");
		break;
	default:
		(void)snprintf(out, 40, "no");
	}
}

void
audit_checkpoint_text(char out[160], const struct audit_view *v)
{
	const endorse_checkpoint_status *c = endorse_state_checkpoint(v->state);

	if (!c->present) {
		(void)snprintf(out, 160, "none");
		return;
	}
	(void)snprintf(out, 160, "%llu of %llu entries, cosigned by %zu witness%s, quorum %s",
		(unsigned long long)c->size, (unsigned long long)endorse_state_size(v->state),
		c->witnesses, c->witnesses == 1 ? "" : "es", c->quorum ? "met" : "NOT met");
}
