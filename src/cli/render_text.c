/* The audit for people: an aligned table for the terminal, and Markdown.
 * Strings from the log are made safe (cli_safe_strdup, which also breaks
 * GitHub's workflow commands) and, in Markdown, every character that Markdown
 * or HTML would interpret is escaped (a '#' too, so no "##[" is left). */
/* wcwidth is X/Open */
#define _XOPEN_SOURCE 700
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "audit.h"
#include "render_text.h"
#include "util.h"

#define BOLD "\033[1m"
#define GREEN "\033[32m"
#define RESET "\033[0m"

/* Columns of one code point on a terminal: glibc's wcwidth under C.UTF-8
 * (Unicode's East Asian Wide and Fullwidth characters, emoji: 2; combining
 * marks and the U+200B that cli_safe_strdup puts into a workflow command: 0),
 * through a thread-local locale so that the rest of the process stays in
 * the C locale. Where C.UTF-8 is missing, one column a code point. */
static size_t
cp_columns(uint32_t cp)
{
	static locale_t utf8;
	static bool tried;
	locale_t old;
	int w;

	if (cp == 0x200b)
		return 0;
	if (!tried) {
		tried = true;
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	if (utf8 == (locale_t)0)
		return 1;
	old = uselocale(utf8);
	w = wcwidth((wchar_t)cp);
	(void)uselocale(old);
	return w < 0 ? 0 : (size_t)w;
}

/* The bytes of the character at p (safe text: well-formed UTF-8), and its
 * columns in *cols. */
static size_t
next_char(const char *p, size_t *cols)
{
	uint32_t cp = '?';
	size_t n = endorse_utf8_decode(&cp, (const uint8_t *)p, strnlen(p, 4));

	*cols = cp_columns(cp);
	return n > 0 ? n : 1;
}

/* Display width of safe text. */
static size_t
columns(const char *safe)
{
	size_t n = 0, w;

	for (const char *p = safe; *p; n += w)
		p += next_char(p, &w);
	return n;
}

static size_t
text_width(const char *s)
{
	char *safe = cli_safe_strdup(s);
	size_t n = columns(safe ? safe : "?");

	free(safe);
	return n;
}

/* Prints s in exactly w columns: padded, or cut with an ellipsis (a wide
 * character that would straddle the cut is left out). */
static void
print_cell(FILE *f, const char *s, size_t w)
{
	char *safe = cli_safe_strdup(s);
	const char *p = safe ? safe : "?";
	size_t n = columns(p), shown = 0, cw, len;

	if (n <= w) {
		fputs(p, f);
		shown = n;
	} else {
		while (*p && (len = next_char(p, &cw), shown + cw + 1 <= w)) {
			fwrite(p, 1, len, f);
			p += len;
			shown += cw;
		}
		fputs("\u2026", f);
		shown++;
	}
	for (; shown < w; shown++)
		fputc(' ', f);
	fputs("  ", f);
	free(safe);
}

static const char *
note_of(const struct audit_view *v, const struct audit_row *r, char *buf, size_t size)
{
	if (v->since && r->joined)
		(void)snprintf(buf, size, "joined");
	else if (v->since)
		(void)snprintf(buf, size, "withdrew in entry %llu", (unsigned long long)r->e->withdrawn_seq);
	else if (r->e->key_revoked)
		/* It still counts (SPEC.md: a revocation does not undo what the key
		 * signed before); its organisation can re-affirm it (sign --reaffirm). */
		(void)snprintf(buf, size, "valid; key revoked later (entry %llu); not re-affirmed",
			(unsigned long long)r->e->key_revoked_seq);
	else
		buf[0] = '\0';
	return buf;
}

static void
print_header(FILE *f, const struct audit_view *v, bool colour)
{
	uint64_t n = endorse_state_size(v->state);
	char checkpoint[160];

	audit_checkpoint_text(checkpoint, v);
	fputs("Log: ", f);
	cli_print_safe(f, endorse_state_origin(v->state));
	fprintf(f, "\n  verified:    %s%s%s, %llu entr%s\n  Merkle root: %s\n  checkpoint:  %s\n",
		colour ? GREEN BOLD : "", "yes", colour ? RESET : "", (unsigned long long)n,
		n == 1 ? "y" : "ies", v->root, checkpoint);
	if (v->since)
		fprintf(f, "  changes:     made by entry %llu and later\n", (unsigned long long)v->since_seq);
}

void
render_table(FILE *f, const struct audit_view *v, size_t width, bool colour)
{
	print_header(f, v, colour);
	for (size_t d = 0; d < v->doc_count; d++) {
		const struct audit_doc *doc = &v->docs[d];
		size_t w[3] = {3, 4, 3}, fixed;
		char note[64], confirmed[40];

		fputs("\nDocument: ", f);
		cli_print_safe(f, doc->doc->title);
		fputs(" (id ", f);
		cli_print_safe(f, doc->doc->id);
		fprintf(f, ", version %zu)\n  sha256:     %s\n  url:        ", doc->version, doc->doc->sha256);
		cli_print_safe(f, doc->doc->url);
		fprintf(f, "\n  registered: entry %llu, %s\n  %s: %zu\n", (unsigned long long)doc->doc->seq,
			doc->doc->time, v->since ? "changes" : "signatories", doc->count);
		if (doc->count == 0)
			continue;
		for (size_t i = 0; i < doc->count; i++) {
			size_t a = text_width(doc->rows[i].org->id), b = text_width(doc->rows[i].e->name);
			size_t c = text_width(doc->rows[i].e->url);
			w[0] = a > w[0] ? a : w[0];
			w[1] = b > w[1] ? b : w[1];
			w[2] = c > w[2] ? c : w[2];
		}
		/* indent, gaps, KEY ID, SINCE, DOMAIN CONFIRMED, SEQ and a short note */
		fixed = 2 + 3 * 2 + 8 + 2 + 20 + 2 + 17 + 2 + 4 + 1 + 9;
		while (width > 0 && fixed + w[0] + w[1] + w[2] > width && (w[1] > 8 || w[2] > 12)) {
			/* shrink the wider of the two, the title first */
			if (w[1] > 8 && (w[2] < w[1] || w[2] <= 12))
				w[1]--;
			else
				w[2]--;
		}
		fputs(colour ? "\n  " BOLD : "\n  ", f);
		print_cell(f, "ORG", w[0]);
		print_cell(f, "NAME", w[1]);
		print_cell(f, "URL", w[2]);
		fprintf(f, "KEY ID    %-20s  DOMAIN CONFIRMED   SEQ  NOTE%s\n", v->since ? "TIME" : "SINCE",
			colour ? RESET : "");
		for (size_t i = 0; i < doc->count; i++) {
			const struct audit_row *r = &doc->rows[i];
			fputs("  ", f);
			print_cell(f, r->org->id, w[0]);
			print_cell(f, r->e->name, w[1]);
			print_cell(f, r->e->url, w[2]);
			note_of(v, r, note, sizeof(note));
			audit_confirmed_text(confirmed, r->org);
			if (note[0] != '\0')
				fprintf(f, "%s  %s  %-17s  %-4llu %s\n", r->e->key_id, r->e->time, confirmed,
					(unsigned long long)r->e->seq, note);
			else
				fprintf(f, "%s  %s  %-17s  %llu\n", r->e->key_id, r->e->time, confirmed,
					(unsigned long long)r->e->seq);
		}
	}
}

/* Markdown text: backslash before every ASCII punctuation character that
 * Markdown gives a meaning to, HTML's specials as entities. */
static void
print_markdown(FILE *f, const char *s)
{
	char *safe = cli_safe_strdup_data(s);  /* every '#' is escaped below */

	for (const char *p = safe ? safe : "?"; *p; p++) {
		if (*p == '<')
			fputs("&lt;", f);
		else if (*p == '>')
			fputs("&gt;", f);
		else if (*p == '&')
			fputs("&amp;", f);
		else if (strchr("\\`*_{}[]()#+!|~$", *p) != NULL)
			fprintf(f, "\\%c", *p);
		else
			fputc(*p, f);
	}
	free(safe);
}

void
render_markdown(FILE *f, const struct audit_view *v)
{
	char note[64], checkpoint[160], confirmed[40];

	fputs("# Signatories: ", f);
	print_markdown(f, endorse_state_origin(v->state));
	audit_checkpoint_text(checkpoint, v);
	fprintf(f, "\n\nThe log verified: %llu entries, Merkle root `%s`; checkpoint: %s.\n",
		(unsigned long long)endorse_state_size(v->state), v->root, checkpoint);
	fputs("\nDomain confirmed: how (https: on its website, dns: in its DNS) and when the log "
		"operator found the organization's current key published by its own domain; "
		"\"older key only\": only a key it held before was; \"no\": never.\n", f);
	if (v->since)
		fprintf(f, "\nChanges made by entry %llu and later.\n", (unsigned long long)v->since_seq);
	for (size_t d = 0; d < v->doc_count; d++) {
		const struct audit_doc *doc = &v->docs[d];
		fputs("\n## ", f);
		print_markdown(f, doc->doc->title);
		fprintf(f, " (version %zu)\n\n- SHA-256: `%s`\n- URL: ", doc->version, doc->doc->sha256);
		print_markdown(f, doc->doc->url);
		fprintf(f, "\n- registered in entry %llu, %s\n\n", (unsigned long long)doc->doc->seq,
			doc->doc->time);
		if (doc->count == 0) {
			fputs(v->since ? "No changes.\n" : "No signatories.\n", f);
			continue;
		}
		fprintf(f, "| Organization | Name | URL | Key ID | %s | Domain confirmed | Seq | Note |\n"
			"| --- | --- | --- | --- | --- | --- | ---: | --- |\n", v->since ? "Time" : "Since");
		for (size_t i = 0; i < doc->count; i++) {
			const struct audit_row *r = &doc->rows[i];
			fputs("| ", f);
			print_markdown(f, r->org->id);
			fputs(" | ", f);
			print_markdown(f, r->e->name);
			fputs(" | ", f);
			print_markdown(f, r->e->url);
			audit_confirmed_text(confirmed, r->org);
			fprintf(f, " | `%s` | %s | %s | %llu | ", r->e->key_id, r->e->time, confirmed,
				(unsigned long long)r->e->seq);
			print_markdown(f, note_of(v, r, note, sizeof(note)));
			fputs(" |\n", f);
		}
	}
}
