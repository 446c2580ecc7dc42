/* The audit as one self-contained HTML page: no script, no outside
 * resource, every string from the log escaped as text or as an attribute
 * (and a '#' that opens "##[" as &#35;, see cli_opens_command). */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "render_html.h"
#include "util.h"

static void
html(FILE *f, const char *s)
{
	char *safe = cli_safe_strdup_data(s);

	for (const char *p = safe ? safe : "?"; *p; p++) {
		if (cli_opens_command(p)) {
			fputs("&#35;", f);  /* '#': no workflow command in a CI log */
			continue;
		}
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*p, f);
		}
	}
	free(safe);
}

/* A link only for https URLs (the log allows no other), escaped. */
static void
html_link(FILE *f, const char *url, const char *text)
{
	if (strncmp(url, "https://", 8) == 0) {
		fputs("<a href=\"", f);
		html(f, url);
		fputs("\" rel=\"nofollow noopener noreferrer\">", f);
		html(f, text);
		fputs("</a>", f);
	} else {
		html(f, text);
	}
}

/* The mark of a confirmed organisation: a check mark with words, not colour
 * alone; an older key's confirmation is a note, not the mark. */
static void
confirmed_cell(FILE *f, const endorse_org *org)
{
	const endorse_confirmation *c;

	switch (audit_confirmed_of(org, &c)) {
	case AUDIT_CONFIRMED_CURRENT:
		fprintf(f, "<br><span class=\"confirmed\">\u2713 domain confirmed</span> "
			"<small>(%s, <time datetime=\"%s\">%.10s</time>)</small>", c->method, c->time,
			c->time);
		break;
	case AUDIT_CONFIRMED_OLDER:
		fprintf(f, "<br><small class=\"note\">not confirmed for the current key (an older key "
			"was, %.10s)</small>", c->time);
		break;
	default:
		break;
	}
}

static const char style[] =
	"body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;"
	"color:#1a1a1a}table{border-collapse:collapse;width:100%;margin:1rem 0}"
	"th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;"
	"vertical-align:top;overflow-wrap:anywhere}code{font-size:.9em;word-break:break-all}.ok{color:#116611;"
	"font-weight:bold}.note{color:#8a4b00}.confirmed{color:#116611;font-weight:bold;white-space:nowrap}"
	"td:nth-child(3),td:nth-child(4){white-space:nowrap}td code{word-break:normal}footer{margin-top:2rem;color:#555;font-size:.9em}";

void
render_html(FILE *f, const struct audit_view *v)
{
	const char *title = v->doc_count > 0 ? v->docs[0].doc->title : endorse_state_origin(v->state);
	char checkpoint[160];

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'\">\n<title>Signatories: ", f);
	html(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<h1>Signatories</h1>\n"
		"<p class=\"ok\">The log verified: every entry, signature and key.</p>\n"
		"<p class=\"legend\"><span class=\"confirmed\">\u2713 domain confirmed</span>: the log "
		"operator found this organization's current key published by its own domain (on its "
		"website or in its DNS) on the date shown; <code>endorse domain check</code> checks "
		"it again today.</p>\n", style);
	for (size_t d = 0; d < v->doc_count; d++) {
		const struct audit_doc *doc = &v->docs[d];

		fputs("<section>\n<h2>", f);
		html(f, doc->doc->title);
		fprintf(f, " <small>(version %zu)</small></h2>\n<p>SHA-256 <code>%s</code>, ", doc->version,
			doc->doc->sha256);
		html_link(f, doc->doc->url, doc->doc->url);
		fprintf(f, ", registered in entry %llu on %s.</p>\n", (unsigned long long)doc->doc->seq,
			doc->doc->time);
		if (doc->count == 0) {
			fputs("<p>No signatories yet.</p>\n</section>\n", f);
			continue;
		}
		fputs("<table>\n<thead><tr><th>Organization</th><th>Domain</th><th>Key ID</th>"
			"<th>Since</th><th>Entry</th></tr></thead>\n<tbody>\n", f);
		for (size_t i = 0; i < doc->count; i++) {
			const struct audit_row *r = &doc->rows[i];
			fputs("<tr><td class=\"org\">", f);
			html_link(f, r->e->url, r->e->name);
			fputs("</td><td>", f);
			html(f, r->org->id);
			confirmed_cell(f, r->org);
			fprintf(f, "</td><td><code>%s</code></td><td>%.10s</td><td>%llu", r->e->key_id,
				r->e->time, (unsigned long long)r->e->seq);
			if (r->e->key_revoked)
				fprintf(f, " <span class=\"note\">(key revoked in entry %llu)</span>",
					(unsigned long long)r->e->key_revoked_seq);
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody>\n</table>\n</section>\n", f);
	}
	audit_checkpoint_text(checkpoint, v);
	fputs("</main>\n<footer>\n<p>Log <code>", f);
	html(f, endorse_state_origin(v->state));
	fprintf(f, "</code>: %llu entries, Merkle root <code>%s</code>; checkpoint: %s.</p>\n"
		"<p>Made by <code>endorse audit --format html</code>. Check it yourself: "
		"<code>endorse verify</code> on the log.</p>\n</footer>\n</body>\n</html>\n",
		(unsigned long long)endorse_state_size(v->state), v->root, checkpoint);
}
