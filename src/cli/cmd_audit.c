/* endorse audit: who endorses which document version, after withdrawals,
 * rotations and revocations; or one organization's whole history. Only a
 * log that verifies is ever shown as data. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_line[] = "endorse audit [-C DIR] [--format table|json] [--org ID]";

struct event {
	uint64_t seq;
	endorse_statement_type type;
	char *time, *document, *name, *url, *reason;
	char key_id[9], other_key_id[9];
	bool by_log;
};

struct history {
	const char *org;
	struct event *events;
	size_t count;
};

static void
key_id_of(char out[9], const char *vkey_text)
{
	endorse_vkey k;

	if (vkey_text != NULL && endorse_vkey_parse(&k, vkey_text, strlen(vkey_text)) == 0)
		endorse_vkey_id_hex(out, &k);
	else
		out[0] = '\0';
}

static char *
dup_or_null(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

static void
record_event(void *ctx, const endorse_entry *entry, const endorse_state *state)
{
	struct history *h = ctx;
	const endorse_statement *st = &entry->statement;
	struct event *grown, *e;
	endorse_vkey signer;

	if (st->org_id == NULL || strcmp(st->org_id, h->org) != 0)
		return;
	grown = realloc(h->events, (h->count + 1) * sizeof(*grown));
	if (grown == NULL)
		return;
	h->events = grown;
	e = &h->events[h->count++];
	memset(e, 0, sizeof(*e));
	e->seq = entry->seq;
	e->type = st->type;
	e->time = dup_or_null(st->time);
	e->document = dup_or_null(st->document);
	e->name = dup_or_null(st->org_name);
	e->url = dup_or_null(st->org_url);
	e->reason = dup_or_null(st->reason);
	key_id_of(e->key_id, st->signer);
	key_id_of(e->other_key_id, st->type == ENDORSE_ROTATE ? st->new_signer : st->key);
	e->by_log = endorse_vkey_parse(&signer, st->signer, strlen(st->signer)) == 0 &&
		endorse_vkey_equal(&signer, endorse_state_log_key(state));
}

static void
free_history(struct history *h)
{
	for (size_t i = 0; i < h->count; i++) {
		free(h->events[i].time);
		free(h->events[i].document);
		free(h->events[i].name);
		free(h->events[i].url);
		free(h->events[i].reason);
	}
	free(h->events);
}

static const char *
document_title(const endorse_state *state, const char *sha256)
{
	long i = sha256 ? endorse_state_find_document(state, sha256) : -1;

	return i < 0 ? "?" : endorse_state_document(state, (size_t)i)->title;
}

/* Active endorsements of document d, ordered by seq. */
struct row {
	const endorse_org *org;
	const endorse_endorsement *e;
};

static int
by_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct row *)a)->e->seq, y = ((const struct row *)b)->e->seq;

	return x < y ? -1 : x > y;
}

static size_t
signatories(struct row **out, const endorse_state *state, size_t d)
{
	size_t n = 0;

	*out = NULL;
	for (size_t i = 0; i < endorse_state_org_count(state); i++) {
		const endorse_org *org = endorse_state_org(state, i);
		for (size_t j = 0; j < org->endorsement_count; j++) {
			if (org->endorsements[j].document != d || !org->endorsements[j].active)
				continue;
			struct row *grown = realloc(*out, (n + 1) * sizeof(**out));
			if (grown == NULL)
				return n;
			*out = grown;
			(*out)[n++] = (struct row){org, &org->endorsements[j]};
		}
	}
	if (n > 0)
		qsort(*out, n, sizeof(**out), by_seq);
	return n;
}

static size_t
width(const char *s)
{
	char *safe = cli_safe_strdup(s);
	size_t n = 0;

	for (const char *p = safe ? safe : ""; *p; p++)
		n += ((unsigned char)*p & 0xc0) != 0x80;
	free(safe);
	return n;
}

static void
print_cell(const char *s, size_t w)
{
	size_t n = width(s);

	cli_print_safe(stdout, s);
	for (; n < w; n++)
		putchar(' ');
	fputs("  ", stdout);
}

/* Versions are numbered per document id, in the order registered. */
static size_t
version_of(const endorse_state *state, size_t d)
{
	size_t v = 0;

	for (size_t i = 0; i <= d; i++)
		v += strcmp(endorse_state_document(state, i)->id, endorse_state_document(state, d)->id) == 0;
	return v;
}

static void
print_table(const endorse_state *state)
{
	for (size_t d = 0; d < endorse_state_document_count(state); d++) {
		const endorse_document *doc = endorse_state_document(state, d);
		struct row *rows = NULL;
		size_t n = signatories(&rows, state, d);
		size_t w[3] = {3, 4, 3};

		if (d > 0)
			putchar('\n');
		fputs("Document: ", stdout);
		cli_print_safe(stdout, doc->title);
		fputs(" (id ", stdout);
		cli_print_safe(stdout, doc->id);
		printf(", version %zu)\n  sha256:     %s\n  url:        ", version_of(state, d),
			doc->sha256);
		cli_print_safe(stdout, doc->url);
		printf("\n  registered: entry %llu, %s\n  signatories: %zu\n",
			(unsigned long long)doc->seq, doc->time, n);
		for (size_t i = 0; i < n; i++) {
			size_t a = width(rows[i].org->id), b = width(rows[i].e->name), c = width(rows[i].e->url);
			w[0] = a > w[0] ? a : w[0];
			w[1] = b > w[1] ? b : w[1];
			w[2] = c > w[2] ? c : w[2];
		}
		if (n > 0) {
			fputs("\n  ", stdout);
			print_cell("ORG", w[0]);
			print_cell("NAME", w[1]);
			print_cell("URL", w[2]);
			printf("KEY ID    SINCE                 SEQ  NOTE\n");
		}
		for (size_t i = 0; i < n; i++) {
			fputs("  ", stdout);
			print_cell(rows[i].org->id, w[0]);
			print_cell(rows[i].e->name, w[1]);
			print_cell(rows[i].e->url, w[2]);
			printf("%s  %s  ", rows[i].e->key_id, rows[i].e->time);
			if (rows[i].e->key_revoked)
				printf("%-4llu key revoked in entry %llu\n", (unsigned long long)rows[i].e->seq,
					(unsigned long long)rows[i].e->key_revoked_seq);
			else
				printf("%llu\n", (unsigned long long)rows[i].e->seq);
		}
		free(rows);
	}
}

static void
print_json(const endorse_state *state)
{
	printf("{\"schema\":\"endorse-audit/1\",\"valid\":true,\"origin\":");
	cli_print_json_string(stdout, endorse_state_origin(state));
	printf(",\"entries\":%llu,\"documents\":[", (unsigned long long)endorse_state_size(state));
	for (size_t d = 0; d < endorse_state_document_count(state); d++) {
		const endorse_document *doc = endorse_state_document(state, d);
		struct row *rows = NULL;
		size_t n = signatories(&rows, state, d);

		printf("%s{\"id\":", d ? "," : "");
		cli_print_json_string(stdout, doc->id);
		printf(",\"title\":");
		cli_print_json_string(stdout, doc->title);
		printf(",\"url\":");
		cli_print_json_string(stdout, doc->url);
		printf(",\"sha256\":\"%s\",\"seq\":%llu,\"time\":\"%s\",\"signatories\":[", doc->sha256,
			(unsigned long long)doc->seq, doc->time);
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"org\":", i ? "," : "");
			cli_print_json_string(stdout, rows[i].org->id);
			printf(",\"name\":");
			cli_print_json_string(stdout, rows[i].e->name);
			printf(",\"url\":");
			cli_print_json_string(stdout, rows[i].e->url);
			printf(",\"key_id\":\"%s\",\"time\":\"%s\",\"seq\":%llu,\"key_revoked_seq\":",
				rows[i].e->key_id, rows[i].e->time, (unsigned long long)rows[i].e->seq);
			if (rows[i].e->key_revoked)
				printf("%llu}", (unsigned long long)rows[i].e->key_revoked_seq);
			else
				printf("null}");
		}
		printf("]}");
		free(rows);
	}
	printf("]}\n");
}

static void
print_org_table(const endorse_state *state, const struct history *h)
{
	const endorse_org *org = endorse_state_find_org(state, h->org);
	char vkey[ENDORSE_VKEY_MAX];

	fputs("Organization: ", stdout);
	cli_print_safe(stdout, h->org);
	if (org != NULL && org->has_key) {
		endorse_vkey_format(vkey, &org->key);
		printf("\n  current key: %s\n", vkey);
	} else {
		printf("\n  current key: none%s\n", org != NULL ? " (revoked)" : "");
	}
	printf("\n  SEQ  TIME                  EVENT     DETAILS\n");
	for (size_t i = 0; i < h->count; i++) {
		const struct event *e = &h->events[i];
		printf("  %-4llu %s  %-8s  ", (unsigned long long)e->seq, e->time,
			endorse_statement_type_name(e->type));
		switch (e->type) {
		case ENDORSE_ENDORSE:
		case ENDORSE_WITHDRAW:
			cli_print_safe(stdout, document_title(state, e->document));
			printf(" (%.12s)", e->document);
			if (e->type == ENDORSE_ENDORSE) {
				fputs(" as \"", stdout);
				cli_print_safe(stdout, e->name);
				fputs("\", ", stdout);
				cli_print_safe(stdout, e->url);
			}
			printf(", key %s", e->key_id);
			break;
		case ENDORSE_ROTATE:
			printf("key %s -> %s", e->key_id, e->other_key_id);
			break;
		case ENDORSE_REVOKE:
			printf("key %s revoked by %s: ", e->other_key_id,
				e->by_log ? "the log operator" : "the organization");
			cli_print_safe(stdout, e->reason);
			break;
		case ENDORSE_DOCUMENT:
			break;
		}
		putchar('\n');
	}
}

static void
print_org_json(const endorse_state *state, const struct history *h)
{
	const endorse_org *org = endorse_state_find_org(state, h->org);
	char vkey[ENDORSE_VKEY_MAX];

	printf("{\"schema\":\"endorse-audit-org/1\",\"valid\":true,\"origin\":");
	cli_print_json_string(stdout, endorse_state_origin(state));
	printf(",\"org\":");
	cli_print_json_string(stdout, h->org);
	printf(",\"current_key\":");
	if (org != NULL && org->has_key) {
		endorse_vkey_format(vkey, &org->key);
		cli_print_json_string(stdout, vkey);
	} else {
		printf("null");
	}
	printf(",\"history\":[");
	for (size_t i = 0; i < h->count; i++) {
		const struct event *e = &h->events[i];
		printf("%s{\"seq\":%llu,\"type\":\"%s\",\"time\":\"%s\",\"key_id\":\"%s\"", i ? "," : "",
			(unsigned long long)e->seq, endorse_statement_type_name(e->type), e->time, e->key_id);
		if (e->document != NULL)
			printf(",\"document\":\"%s\"", e->document);
		if (e->name != NULL) {
			printf(",\"name\":");
			cli_print_json_string(stdout, e->name);
			printf(",\"url\":");
			cli_print_json_string(stdout, e->url);
		}
		if (e->type == ENDORSE_ROTATE)
			printf(",\"new_key_id\":\"%s\"", e->other_key_id);
		if (e->type == ENDORSE_REVOKE) {
			printf(",\"revoked_key_id\":\"%s\",\"by_log\":%s,\"reason\":", e->other_key_id,
				e->by_log ? "true" : "false");
			cli_print_json_string(stdout, e->reason);
		}
		printf("}");
	}
	printf("]}\n");
}

int
cmd_audit(int argc, char **argv)
{
	static const struct option options[] = {
		{"format", required_argument, NULL, 'f'},
		{"org", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "table";
	struct history hist = {NULL, NULL, 0};
	endorse_verify_options vopt = {cli_print_problem, NULL, NULL};
	endorse_state *state = NULL;
	uint64_t count = 0;
	int c, rc, code = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return EXIT_TROUBLE;
			break;
		case 'f': format = optarg; break;
		case 'o': hist.org = optarg; break;
		case 'h':
			printf("usage: %s\n\n"
				"Verifies the log, then lists the current signatories of each document\n"
				"version: organization id, name, url, key ID, the time the signer claims\n"
				"and the entry's seq. Withdrawn endorsements are not listed; endorsements\n"
				"made before a revocation still count (see --org for the revocation).\n"
				"A log that does not verify is never shown: its problems are reported and\n"
				"the command exits 1.\n\n"
				"  -C DIR                     run as if started in DIR (like git -C): the\n"
				"                             repository holding keys/ and log/\n"
				"      --format table|json    the output format (default: table)\n"
				"      --org ID               one organization's whole history instead\n",
				usage_line);
			return EXIT_VALID;
		default: return cli_usage(usage_line);
		}
	}
	if (optind != argc)
		return cli_usage(usage_line);
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cli_error("unknown format '%s': use table or json", format);
	if (hist.org != NULL)
		vopt = (endorse_verify_options){cli_print_problem, record_event, &hist};
	rc = endorse_verify(&state, ".", &vopt, &count);
	if (rc == ENDORSE_EINVALID) {
		fprintf(stderr, "endorse: WARNING: the log does not verify (%llu problem%s); "
			"nothing is shown as an audit of it\n", (unsigned long long)count,
			count == 1 ? "" : "s");
		code = EXIT_INVALID;
		goto out;
	} else if (rc != 0) {
		code = cli_library_error(rc);
		goto out;
	}
	if (hist.org != NULL && endorse_state_find_org(state, hist.org) == NULL) {
		cli_error("no organization '%s' in the log", hist.org);
		goto out;
	}
	if (hist.org != NULL && strcmp(format, "json") == 0)
		print_org_json(state, &hist);
	else if (hist.org != NULL)
		print_org_table(state, &hist);
	else if (strcmp(format, "json") == 0)
		print_json(state);
	else
		print_table(state);
	code = EXIT_VALID;
out:
	free_history(&hist);
	endorse_state_free(state);
	return code;
}
