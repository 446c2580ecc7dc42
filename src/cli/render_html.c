/* The audit as one self-contained HTML page for the visitors of a
 * document's website (docs/audit-formats.md): the document's title, how many
 * organisations endorse its newest version and which, each with its link,
 * date and marks in words; older versions folded; what an auditor needs in a
 * footer. No script, no outside resource, every string from the log escaped
 * as text or as an attribute (and a '#' that opens "##[" as &#35;, see
 * cli_opens_command). The page depends on the log alone, so that the same
 * log always gives the same page: its date is the time of the log's newest
 * entry, not the clock's. */
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

/* A link only for https URLs (the log allows no other), escaped; cls names
 * the class of a URL shown as its own text (it may wrap anywhere). */
static void
html_link(FILE *f, const char *url, const char *text, const char *cls)
{
	if (strncmp(url, "https://", 8) != 0) {
		html(f, text);
		return;
	}
	fputs("<a ", f);
	if (cls != NULL)
		fprintf(f, "class=\"%s\" ", cls);
	fputs("href=\"", f);
	html(f, url);
	fputs("\" rel=\"nofollow noopener noreferrer\">", f);
	html(f, text);
	fputs("</a>", f);
}

static int
number(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* A log time (YYYY-MM-DDTHH:MM:SSZ) in words, "1 February 2026" (with
 * with_clock: ", 09:05 UTC"), in a <time> element; anything else as text. */
static void
html_date(FILE *f, const char *time, bool with_clock)
{
	static const char *const months[] = {"January", "February", "March", "April", "May",
		"June", "July", "August", "September", "October", "November", "December"};

	if (time == NULL || !endorse_time_valid(time)) {
		html(f, time != NULL ? time : "?");
		return;
	}
	fputs("<time datetime=\"", f);
	html(f, time);
	fprintf(f, "\">%d %s %.4s", number(time + 8, 2), months[number(time + 5, 2) - 1], time);
	if (with_clock)
		fprintf(f, ", %.5s UTC", time + 11);
	fputs("</time>", f);
}

/* A log time as it is, for auditors, in a <time> element (never broken
 * over two lines). */
static void
html_time(FILE *f, const char *time)
{
	fputs("<time datetime=\"", f);
	html(f, time);
	fputs("\">", f);
	html(f, time);
	fputs("</time>", f);
}

/* "<strong>5 organisations</strong> endorse", "1 organisation endorses". */
static void
html_count(FILE *f, size_t n)
{
	if (n == 0)
		fputs("<strong class=\"count\">No organisation</strong> endorses", f);
	else
		fprintf(f, "<strong class=\"count\">%zu organisation%s</strong> endorse%s", n,
			n == 1 ? "" : "s", n == 1 ? "s" : "");
}

/* Whether doc is the newest registered version of its document id. */
static bool
is_current(const endorse_state *state, const endorse_document *doc)
{
	for (size_t i = endorse_state_document_count(state); i-- > 0;) {
		const endorse_document *d = endorse_state_document(state, i);
		if (strcmp(d->id, doc->id) == 0)
			return d == doc;
	}
	return false;
}

/* Whether the view shows a newer version of document d's id than d. */
static bool
newer_shown(const struct audit_view *v, size_t d)
{
	for (size_t i = d + 1; i < v->doc_count; i++)
		if (strcmp(v->docs[i].doc->id, v->docs[d].doc->id) == 0)
			return true;
	return false;
}

/* The marks of one signatory, in words: its signature verified (every one
 * shown did: the log verified), and its domain's confirmation of its key
 * (SPEC.md §7), or of an older key only. */
static void
marks(FILE *f, const endorse_org *org)
{
	const endorse_confirmation *c;

	fputs("<span class=\"mark\"><span class=\"verified\">\u2713 signature verified</span></span>\n",
		f);
	switch (audit_confirmed_of(org, &c)) {
	case AUDIT_CONFIRMED_CURRENT:
		fputs("<span class=\"mark\"><span class=\"confirmed\">\u2713 domain confirmed</span> "
			"<small>(key found ", f);
		fputs(strcmp(c->method, "dns") == 0 ? "in its DNS" : "on its website", f);
		fputs(", ", f);
		html_date(f, c->time, false);
		fputs(")</small></span>\n", f);
		break;
	case AUDIT_CONFIRMED_OLDER:
		fputs("<span class=\"older\">domain confirmed an earlier key of this organisation (", f);
		html_date(f, c->time, false);
		fputs("), not yet its current one</span>\n", f);
		break;
	default:
		break;
	}
}

/* An endorsement signed with a key revoked later still counts (SPEC.md
 * §4): said in words, not by a colour. One that re-affirmed with its
 * current key (sign --reaffirm) is a new endorsement and needs no note. */
static void
revoked_note(FILE *f, const struct audit_row *r)
{
	bool replaced = r->org->has_key &&
		memcmp(r->org->key.public_key, r->e->public_key, sizeof(r->e->public_key)) != 0;

	if (!r->e->key_revoked)
		return;
	fputs(replaced ? "<span class=\"note\">Signed with a key the organisation later replaced; "
		"the endorsement remains valid.</span>\n"
		: "<span class=\"note\">Signed with a key that was later revoked; the endorsement was "
		"made before that and remains valid.</span>\n", f);
}

static void
org_item(FILE *f, const struct audit_row *r)
{
	fputs("<li class=\"org\"><span class=\"name\">", f);
	html_link(f, r->e->url, r->e->name, NULL);
	fputs("</span>\n<span class=\"about\"><span class=\"domain\">", f);
	html(f, r->org->id);
	fputs("</span>\n<span class=\"since\">since ", f);
	html_date(f, r->e->time, false);
	fputs("</span></span>\n", f);
	marks(f, r->org);
	revoked_note(f, r);
	fputs("</li>\n", f);
}

/* A version's signatories as a list of class cls, one item each. */
static void
row_list(FILE *f, const struct audit_doc *doc, const char *cls,
	void (*item)(FILE *, const struct audit_row *))
{
	if (doc->count == 0)
		return;
	fprintf(f, "<ul class=\"%s\">\n", cls);
	for (size_t i = 0; i < doc->count; i++)
		item(f, &doc->rows[i]);
	fputs("</ul>\n", f);
}

/* The newest version shown of a document id: its count in a sentence, and
 * its signatories; on the first one, the date the page is as of. */
static void
newest_version(FILE *f, const struct audit_view *v, const struct audit_doc *doc, bool first)
{
	bool current = is_current(v->state, doc->doc);

	fputs("<p class=\"headline\">", f);
	html_count(f, doc->count);
	if (current)
		fprintf(f, " the current version of this document%s (version %zu, of ",
			doc->count == 0 ? " yet" : "", doc->version);
	else
		fprintf(f, " version %zu of this document%s (of ", doc->version,
			doc->count == 0 ? " yet" : "");
	html_date(f, doc->doc->time, false);
	fputs(current ? "). " : "; a newer version exists). ", f);
	html_link(f, doc->doc->url, "Read it", NULL);
	fputs(".</p>\n", f);
	if (first && v->newest_time != NULL) {
		fputs("<p class=\"asof\">As of ", f);
		html_date(f, v->newest_time, true);
		fputs(", from a public record that anyone can check: see "
			"<a href=\"#auditors\">For auditors</a>.</p>\n", f);
	}
	row_list(f, doc, "orgs", org_item);
}

/* An older version, folded: its number, date and count in the summary. */
static void
older_version(FILE *f, const struct audit_doc *doc, const struct audit_doc *newest)
{
	fprintf(f, "<details class=\"version\">\n<summary>Version %zu", doc->version);
	if (strcmp(doc->doc->title, newest->doc->title) != 0) {
		fputs(", \u201c", f);
		html(f, doc->doc->title);
		fputs("\u201d", f);
	}
	fputs(", of ", f);
	html_date(f, doc->doc->time, false);
	fputs(": ", f);
	html_count(f, doc->count);
	fputs(" it</summary>\n<p>", f);
	html_link(f, doc->doc->url, "Read this version", NULL);
	fputs(".</p>\n", f);
	row_list(f, doc, "orgs", org_item);
	fputs("</details>\n", f);
}

/* Every version shown of the document id of v->docs[d], its newest shown:
 * that one open, the older ones folded under "Earlier versions". The first
 * document's title is the page's <h1>; another's is its own heading. */
static void
document_section(FILE *f, const struct audit_view *v, size_t d, bool first)
{
	const struct audit_doc *newest = &v->docs[d];
	bool older = false;

	fputs("<section class=\"document\">\n", f);
	if (!first) {
		fputs("<h2>", f);
		html(f, newest->doc->title);
		fputs("</h2>\n", f);
	}
	newest_version(f, v, newest, first);
	for (size_t o = d; o-- > 0;) {
		if (strcmp(v->docs[o].doc->id, newest->doc->id) != 0)
			continue;
		if (!older)
			fputs(first ? "<h2>Earlier versions</h2>\n" : "<h3>Earlier versions</h3>\n", f);
		older = true;
		older_version(f, &v->docs[o], newest);
	}
	fputs("</section>\n", f);
}

static const char legend[] =
	"<section class=\"legend\">\n<h2>What the marks mean</h2>\n<dl>\n"
	"<dt><span class=\"verified\">\u2713 signature verified</span></dt>\n"
	"<dd>The endorsement is signed with the key this organisation registered in the public "
	"record, and the record that holds it is intact: no entry of it was changed, removed or "
	"reordered.</dd>\n"
	"<dt><span class=\"confirmed\">\u2713 domain confirmed</span></dt>\n"
	"<dd>The keeper of the record found this organisation's current key published by its own "
	"domain (on its website or in its DNS) on the date shown: the key, and so the signature, "
	"is that domain's.</dd>\n</dl>\n</section>\n";

/* One signatory's endorsement for an auditor: entry, time, key, and what
 * happened to the key; the domain's confirm. */
static void
tech_item(FILE *f, const struct audit_row *r)
{
	const endorse_confirmation *c;
	enum audit_confirmed status = audit_confirmed_of(r->org, &c);

	fputs("<li><code>", f);
	html(f, r->org->id);
	fprintf(f, "</code>: entry %llu at ", (unsigned long long)r->e->seq);
	html_time(f, r->e->time);
	fprintf(f, ", key <code>%s</code>", r->e->key_id);
	if (r->e->key_revoked)
		fprintf(f, "; key revoked in entry %llu", (unsigned long long)r->e->key_revoked_seq);
	if (c != NULL)
		fprintf(f, "; its domain confirmed its %s key <code>%s</code> in entry %llu (%s)",
			status == AUDIT_CONFIRMED_CURRENT ? "current" : "older", c->key_id,
			(unsigned long long)c->seq, c->method);
	fputs("</li>\n", f);
}

/* A version's hash, registration and url, and each endorsement's entry. */
static void
tech_version(FILE *f, const struct audit_doc *doc)
{
	fprintf(f, "<h3>Version %zu of <q>", doc->version);
	html(f, doc->doc->title);
	fputs("</q> (document id <code>", f);
	html(f, doc->doc->id);
	fprintf(f, "</code>)</h3>\n<p>SHA-256 <code class=\"hash\">%s</code>, registered in entry "
		"%llu at ", doc->doc->sha256, (unsigned long long)doc->doc->seq);
	html_time(f, doc->doc->time);
	fputs(": ", f);
	html_link(f, doc->doc->url, doc->doc->url, "url");
	fputs("</p>\n", f);
	row_list(f, doc, "tech", tech_item);
}

/* log/checkpoint in words: none, or how much of the log it covers and
 * whether the witnesses the policy asks for cosigned it. */
static void
tech_checkpoint(FILE *f, const struct audit_view *v)
{
	const endorse_checkpoint_status *c = endorse_state_checkpoint(v->state);

	if (!c->present) {
		fputs("none (no checkpoint signed yet)", f);
		return;
	}
	fprintf(f, "signed for the first %llu of the %llu entries, cosigned by %zu witness%s; "
		"the policy's quorum of witnesses is %s", (unsigned long long)c->size,
		(unsigned long long)endorse_state_size(v->state), c->witnesses,
		c->witnesses == 1 ? "" : "es", c->quorum ? "met" : "not met yet");
}

/* The footer for auditors: how to check the page, the log's facts, and the
 * versions with their endorsements' entries and keys, newest first. */
static void
footer(FILE *f, const struct audit_view *v)
{
	unsigned long long size = (unsigned long long)endorse_state_size(v->state);

	fputs("<footer id=\"auditors\">\n<h2>For auditors</h2>\n<p>This page was made by "
		"<code class=\"cmd\">endorse audit --format html</code> from the log <code>", f);
	html(f, endorse_state_origin(v->state));
	fputs("</code>, after the whole log verified: the signature of every entry, the hash chain "
		"that links each entry to the one before, and every key.", f);
	if (v->newest_time != NULL) {
		fprintf(f, " Its date (\u201cas of\u201d) is the time that the log's newest entry "
			"(entry %llu) claims: ", size - 1);
		html_time(f, v->newest_time);
		fputs(".", f);
	}
	fputs("</p>\n<p>Check it yourself: get a copy of the log's git repository and run "
		"<code class=\"cmd\">endorse verify</code> in it, which checks all of the above again; then "
		"<code class=\"cmd\">endorse audit</code> lists these endorsements with their entries, and "
		"<code class=\"cmd\">endorse domain check</code> looks for each organisation's key on its domain "
		"today. endorse's docs/auditors.md explains each check.</p>\n<dl class=\"facts\">\n"
		"<dt>Log</dt><dd><code>", f);
	html(f, endorse_state_origin(v->state));
	fprintf(f, "</code></dd>\n<dt>Entries</dt><dd>%llu</dd>\n<dt>Root hash</dt><dd><code "
		"class=\"hash\">%s</code> (the root of the log's Merkle tree, base64)</dd>\n"
		"<dt>Checkpoint</dt><dd>", size, v->root);
	tech_checkpoint(f, v);
	fputs("</dd>\n</dl>\n", f);
	for (size_t d = v->doc_count; d-- > 0;) {
		if (newer_shown(v, d))
			continue;
		for (size_t o = d + 1; o-- > 0;)
			if (strcmp(v->docs[o].doc->id, v->docs[d].doc->id) == 0)
				tech_version(f, &v->docs[o]);
	}
	fputs("</footer>\n", f);
}

/* Readable from 320 px up: cards in a grid that becomes one column;
 * ordinary words never break (break-word only for a word longer than the
 * line), hashes and URLs shown as text may break anywhere. Printed: black
 * on white, folded versions unfolded. */
static const char style[] =
	"html{color-scheme:light}body{font-family:system-ui,sans-serif;line-height:1.5;"
	"max-width:64rem;margin:0 auto;padding:1.5rem 1rem;color:#1a1a1a;background:#fff;"
	"overflow-wrap:break-word}h1{font-size:2rem;line-height:1.2;margin:.5rem 0 1rem}"
	"h2{font-size:1.3rem;margin:2rem 0 .5rem}h3{font-size:1.05rem;margin:1.5rem 0 .25rem}"
	".headline{font-size:1.2rem;margin:.5rem 0}.asof{color:#444;margin:.25rem 0 1rem}"
	"ul.orgs{list-style:none;padding:0;margin:1rem 0;display:grid;gap:.75rem;"
	"grid-template-columns:repeat(auto-fill,minmax(min(18rem,100%),1fr))}"
	"li.org{border:1px solid #ccc;border-radius:.5rem;padding:.6rem .8rem}"
	".name{display:block;font-size:1.1rem;font-weight:600}.about{display:block;color:#444}"
	".verified,.confirmed{color:#116611;font-weight:600}.mark,.older,.note{display:block}"
	".older{color:#444}"
	".note{color:#6b4200;font-size:.95rem;margin-top:.25rem}"
	"details{border-top:1px solid #ddd;padding:.5rem 0}summary{cursor:pointer;font-weight:600}"
	"dt{font-weight:600;margin-top:.5rem}dd{margin:0 0 0 1.5rem}"
	"footer{margin-top:3rem;border-top:2px solid #ccc;padding-top:.5rem;font-size:.9rem;"
	"color:#333}footer dd{margin-left:0}ul.tech{padding-left:1.2rem}"
	"code{font-family:ui-monospace,monospace;font-size:.95em}.hash,.url{overflow-wrap:anywhere}"
	".since{display:block}time,.cmd{white-space:nowrap}@media (min-width:40rem){dl.facts{display:grid;"
	"grid-template-columns:max-content minmax(0,1fr);gap:.25rem 1rem}dl.facts dt{margin:0}}"
	"@media print{body{color:#000;background:#fff;max-width:none;padding:0}"
	"a,.asof,.about,.older,.note,.verified,.confirmed,footer{color:#000}"
	"li.org{break-inside:avoid}summary{list-style:none;cursor:auto}"
	"details::details-content{display:block;content-visibility:visible}}";

static void
head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'\">\n<title>", f);
	html(f, title);
	fprintf(f, ": who endorses it</title>\n<style>%s</style>\n</head>\n", style);
}

void
render_html(FILE *f, const struct audit_view *v)
{
	const char *title = v->doc_count > 0 ? v->docs[v->doc_count - 1].doc->title
		: endorse_state_origin(v->state);
	bool first = true;

	head(f, title);
	fputs("<body>\n<main>\n<h1>", f);
	html(f, title);
	fputs("</h1>\n", f);
	for (size_t d = v->doc_count; d-- > 0;) {
		if (newer_shown(v, d))
			continue;
		document_section(f, v, d, first);
		first = false;
	}
	fputs(legend, f);
	fputs("</main>\n", f);
	footer(f, v);
	fputs("</body>\n</html>\n", f);
}
