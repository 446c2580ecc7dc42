/* The audit for programs: JSON (schema endorse-audit/1, see
 * docs/audit-formats.md), CSV (RFC 4180) and a Jekyll data file. Strings from
 * the log are made safe first, then encoded for the format: JSON by jansson,
 * CSV with quoting and formula neutralisation, YAML as double-quoted
 * scalars with every special character escaped. GitHub's workflow commands
 * ("##[", a leading "::") are escaped in JSON and YAML strings, and broken by
 * a U+200B in CSV and YAML comments, which have no escapes (cli_print_safe). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "render_data.h"
#include "util.h"

static void
member(FILE *f, const char *name, const char *value, bool first)
{
	fprintf(f, "%s\"%s\":", first ? "" : ",", name);
	cli_print_json_string(f, value);
}

/* Its strings are the library's checked words (method, time, key ID). */
void
render_json_confirmed(FILE *f, const endorse_org *org)
{
	const endorse_confirmation *c = NULL;
	enum audit_confirmed status = org != NULL ? audit_confirmed_of(org, &c) : AUDIT_CONFIRMED_NONE;

	fprintf(f, ",\"confirmed\":{\"status\":\"%s\"", audit_confirmed_word(status));
	if (c != NULL)
		fprintf(f, ",\"method\":\"%s\",\"time\":\"%s\",\"key_id\":\"%s\",\"seq\":%llu",
			c->method, c->time, c->key_id, (unsigned long long)c->seq);
	fputc('}', f);
}

void
render_json(FILE *f, const struct audit_view *v)
{
	fprintf(f, "{\"schema\":\"endorse-audit/1\",\"valid\":true");
	member(f, "origin", endorse_state_origin(v->state), false);
	fprintf(f, ",\"entries\":%llu", (unsigned long long)endorse_state_size(v->state));
	member(f, "root", v->root, false);
	const endorse_checkpoint_status *c = endorse_state_checkpoint(v->state);
	if (c->present) {
		char root[45];
		sodium_bin2base64(root, sizeof(root), c->root, 32, sodium_base64_VARIANT_ORIGINAL);
		fprintf(f, ",\"checkpoint\":{\"size\":%llu,\"root\":\"%s\",\"witnesses\":%zu,"
			"\"quorum\":%s}", (unsigned long long)c->size, root, c->witnesses,
			c->quorum ? "true" : "false");
	} else {
		fputs(",\"checkpoint\":null", f);
	}
	if (v->since)
		fprintf(f, ",\"since\":%llu", (unsigned long long)v->since_seq);
	fputs(",\"documents\":[", f);
	for (size_t d = 0; d < v->doc_count; d++) {
		const struct audit_doc *doc = &v->docs[d];
		fputs(d ? ",{" : "{", f);
		member(f, "id", doc->doc->id, true);
		member(f, "title", doc->doc->title, false);
		member(f, "url", doc->doc->url, false);
		fprintf(f, ",\"version\":%zu,\"sha256\":\"%s\",\"seq\":%llu,\"time\":\"%s\",\"%s\":[",
			doc->version, doc->doc->sha256, (unsigned long long)doc->doc->seq, doc->doc->time,
			v->since ? "changes" : "signatories");
		for (size_t i = 0; i < doc->count; i++) {
			const struct audit_row *r = &doc->rows[i];
			fputs(i ? ",{" : "{", f);
			if (v->since && r->joined)
				fputs("\"change\":\"joined\",", f);
			else if (v->since)
				fprintf(f, "\"change\":\"withdrew\",\"withdrawn_seq\":%llu,",
					(unsigned long long)r->e->withdrawn_seq);
			member(f, "org", r->org->id, true);
			member(f, "name", r->e->name, false);
			member(f, "url", r->e->url, false);
			fprintf(f, ",\"key_id\":\"%s\",\"time\":\"%s\",\"seq\":%llu,\"key_revoked_seq\":",
				r->e->key_id, r->e->time, (unsigned long long)r->e->seq);
			if (r->e->key_revoked)
				fprintf(f, "%llu", (unsigned long long)r->e->key_revoked_seq);
			else
				fputs("null", f);
			render_json_confirmed(f, r->org);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("]}\n", f);
}

/* One RFC 4180 field. A cell that a spreadsheet would run as a formula
 * (starting with = + - @, tab or CR) gets a leading apostrophe. */
static void
csv_field(FILE *f, const char *s, bool last)
{
	char *safe = cli_safe_strdup(s);
	const char *p = safe ? safe : "?";

	fputc('"', f);
	if (strchr("=+-@\t\r", p[0]) != NULL && p[0] != '\0')
		fputc('\'', f);
	for (; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
	fputs(last ? "\r\n" : ",", f);
	free(safe);
}

void
render_csv(FILE *f, const struct audit_view *v)
{
	char seq[32], revoked[32];

	fputs(v->since ? "change," : "", f);
	fputs("document_id,document_version,document_sha256,org,name,url,key_id,time,seq,"
		"key_revoked_seq,confirmed,confirmed_method,confirmed_time\r\n", f);
	for (size_t d = 0; d < v->doc_count; d++) {
		const struct audit_doc *doc = &v->docs[d];
		char version[32];

		(void)snprintf(version, sizeof(version), "%zu", doc->version);
		for (size_t i = 0; i < doc->count; i++) {
			const struct audit_row *r = &doc->rows[i];
			const endorse_confirmation *c;
			enum audit_confirmed status = audit_confirmed_of(r->org, &c);
			(void)snprintf(seq, sizeof(seq), "%llu", (unsigned long long)r->e->seq);
			(void)snprintf(revoked, sizeof(revoked), "%llu", (unsigned long long)r->e->key_revoked_seq);
			if (v->since)
				csv_field(f, r->joined ? "joined" : "withdrew", false);
			csv_field(f, doc->doc->id, false);
			csv_field(f, version, false);
			csv_field(f, doc->doc->sha256, false);
			csv_field(f, r->org->id, false);
			csv_field(f, r->e->name, false);
			csv_field(f, r->e->url, false);
			csv_field(f, r->e->key_id, false);
			csv_field(f, r->e->time, false);
			csv_field(f, seq, false);
			csv_field(f, r->e->key_revoked ? revoked : "", false);
			csv_field(f, audit_confirmed_word(status), false);
			csv_field(f, c != NULL ? c->method : "", false);
			csv_field(f, c != NULL ? c->time : "", true);
		}
	}
}

/* A YAML double-quoted scalar. Besides what YAML needs (quotes, backslash,
 * and the characters YAML does not allow raw or reads as line breaks:
 * U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF), { } and % are written as
 * escapes, so that the file holds no Liquid delimiter even if it is ever
 * run through Liquid itself, and so is the '#' that opens "##[" (a workflow
 * command in a CI log). */
static void
yaml_string(FILE *f, const char *s)
{
	char *safe = cli_safe_strdup_data(s);
	const unsigned char *p = (const unsigned char *)(safe ? safe : "?");

	fputc('"', f);
	while (*p) {
		if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p++);
		} else if (*p == '{' || *p == '}' || *p == '%' || *p < 0x20 || *p == 0x7f ||
			   cli_opens_command((const char *)p)) {
			fprintf(f, "\\x%02x", *p++);
		} else if ((*p & 0xf0) == 0xe0 && p[1] && p[2]) {
			unsigned cp = ((unsigned)(p[0] & 0x0f) << 12) | ((unsigned)(p[1] & 0x3f) << 6) |
				(unsigned)(p[2] & 0x3f);
			if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe || cp == 0xffff)
				fprintf(f, "\\u%04X", cp);
			else
				fwrite(p, 1, 3, f);
			p += 3;
		} else {
			fputc(*p++, f);
		}
	}
	fputc('"', f);
	free(safe);
}

/* Text for a YAML comment: made safe, and without Liquid's delimiters. */
static void
yaml_comment(FILE *f, const char *s)
{
	char *safe = cli_safe_strdup(s);

	for (const char *p = safe ? safe : "?"; *p; p++)
		fputc(strchr("{}%", *p) != NULL ? '?' : *p, f);
	free(safe);
}

/* One entry per organisation that currently endorses one of the documents
 * shown, with its newest endorsement: a drop-in for the website's
 * hand-edited _data/organizations.yml (name, url), plus what proves it. */
void
render_jekyll(FILE *f, const struct audit_view *v)
{
	fputs("# Generated by endorse audit --format jekyll from a log that verified.\n# Origin: ", f);
	yaml_comment(f, endorse_state_origin(v->state));
	fprintf(f, "\n# Entries: %llu, Merkle root: %s\n# Do not edit: regenerate it.\n",
		(unsigned long long)endorse_state_size(v->state), v->root);
	for (size_t o = 0; o < endorse_state_org_count(v->state); o++) {
		const endorse_org *org = endorse_state_org(v->state, o);
		const struct audit_row *newest = NULL;
		const struct audit_doc *newest_doc = NULL;
		const endorse_confirmation *c;
		enum audit_confirmed confirmed;

		for (size_t d = 0; d < v->doc_count; d++)
			for (size_t i = 0; i < v->docs[d].count; i++)
				if (v->docs[d].rows[i].org == org &&
				    (newest == NULL || v->docs[d].rows[i].e->seq > newest->e->seq)) {
					newest = &v->docs[d].rows[i];
					newest_doc = &v->docs[d];
				}
		if (newest == NULL)
			continue;
		confirmed = audit_confirmed_of(org, &c);
		fputs("- name: ", f);
		yaml_string(f, newest->e->name);
		fputs("\n  url: ", f);
		yaml_string(f, newest->e->url);
		fputs("\n  org: ", f);
		yaml_string(f, org->id);
		fprintf(f, "\n  key_id: \"%s\"\n  since: \"%s\"\n  seq: %llu\n  document: \"%s\"\n"
			"  document_version: %zu\n  verified: true\n", newest->e->key_id, newest->e->time,
			(unsigned long long)newest->e->seq, newest_doc->doc->sha256, newest_doc->version);
		fprintf(f, "  confirmed: \"%s\"\n", audit_confirmed_word(confirmed));
		if (c != NULL)
			fprintf(f, "  confirmed_method: \"%s\"\n  confirmed_time: \"%s\"\n", c->method,
				c->time);
	}
}
