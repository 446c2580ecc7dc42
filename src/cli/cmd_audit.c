/* endorse audit: who endorses which document version, after withdrawals,
 * rotations and revocations; or one organization's whole history. Only a
 * log that verifies is ever shown as data. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "render_data.h"
#include "render_html.h"
#include "render_text.h"
#include "cli.h"
#include "util.h"

static const char usage_line[] =
	"endorse audit [-C DIR] [--format FORMAT] [--document VERSION|all]\n"
	"              [--org ID | --since SEQ|REV] [--log-key VKEY|FILE]\n"
	"              [--output FILE]";

struct event {
	uint64_t seq;
	endorse_statement_type type;
	char *time, *document, *name, *url, *reason;
	char key_id[9], other_key_id[9];
	char method[6];  /* confirm */
	bool by_log;
};

struct history {
	const char *org;
	struct event *events;
	size_t count, cap;
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

/* ENDORSE_ENOMEM when the event cannot be kept. */
static int
record_event(struct history *h, const endorse_entry *entry, const endorse_state *state)
{
	const endorse_statement *st = &entry->statement;
	struct event *grown, *e;
	endorse_vkey signer;

	if (st->org_id == NULL || strcmp(st->org_id, h->org) != 0)
		return 0;
	if ((grown = cli_reserve(h->events, &h->cap, h->count + 1, sizeof(*grown))) == NULL)
		return ENDORSE_ENOMEM;
	h->events = grown;
	e = &h->events[h->count++];
	memset(e, 0, sizeof(*e));
	e->seq = entry->seq;
	e->type = st->type;
	e->time = cli_strdup_or_null(st->time);
	e->document = cli_strdup_or_null(st->document);
	e->name = cli_strdup_or_null(st->org_name);
	e->url = cli_strdup_or_null(st->org_url);
	e->reason = cli_strdup_or_null(st->reason);
	key_id_of(e->key_id, st->signer);
	key_id_of(e->other_key_id, st->type == ENDORSE_ROTATE ? st->new_signer : st->key);
	if (st->method != NULL)
		(void)snprintf(e->method, sizeof(e->method), "%s", st->method);
	e->by_log = endorse_vkey_parse(&signer, st->signer, strlen(st->signer)) == 0 &&
		endorse_vkey_equal(&signer, endorse_state_log_key(state));
	/* a copy that failed is shown as absent; the whole is refused instead */
	if ((st->time != NULL && e->time == NULL) || (st->document != NULL && e->document == NULL) ||
	    (st->org_name != NULL && e->name == NULL) || (st->org_url != NULL && e->url == NULL) ||
	    (st->reason != NULL && e->reason == NULL))
		return ENDORSE_ENOMEM;
	return 0;
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
	const endorse_document *d = sha256 ? endorse_state_find_document(state, sha256) : NULL;

	return d == NULL ? "?" : d->title;
}

/* What became of a key org held: "current", "revoked" or "rotated away". */
static const char *
key_status(const endorse_org *org, const endorse_vkey *k, bool revoked)
{
	if (revoked)
		return "revoked";
	if (org->has_key && memcmp(org->key.public_key, k->public_key, 32) == 0)
		return "current";
	return "rotated away";
}

static void
print_keys_held(const endorse_org *org)
{
	char vkey[ENDORSE_VKEY_MAX], id[9];
	bool revoked = false;

	printf("  keys held (key ID, status, vkey: give the vkey or the key ID to revoke --target):\n");
	for (size_t i = 0; i < endorse_org_key_count(org); i++) {
		const endorse_vkey *k = endorse_org_key(org, i, &revoked);
		endorse_vkey_format(vkey, k);
		endorse_vkey_id_hex(id, k);
		printf("    %s  %-12s  %s\n", id, key_status(org, k, revoked), vkey);
	}
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
	if (org != NULL)
		print_keys_held(org);
	if (org != NULL && org->confirmed)
		printf("  domain: confirmed: the log operator found key %s published %s on %s "
			"(entry %llu)\n", org->confirmation.key_id,
			cli_confirm_place(org->confirmation.method), org->confirmation.time,
			(unsigned long long)org->confirmation.seq);
	else if (org != NULL && org->older_confirmed)
		printf("  domain: not confirmed for the current key (an older key, %s, was: published "
			"%s on %s)\n", org->older_confirmation.key_id,
			cli_confirm_place(org->older_confirmation.method), org->older_confirmation.time);
	else
		printf("  domain: not confirmed\n");
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
		case ENDORSE_CONFIRM:
			printf("key %s found published %s, confirmed by the log operator",
				e->other_key_id, cli_confirm_place(e->method));
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
	render_json_confirmed(stdout, org);
	printf(",\"keys\":[");
	for (size_t i = 0; org != NULL && i < endorse_org_key_count(org); i++) {
		bool revoked = false;
		const endorse_vkey *k = endorse_org_key(org, i, &revoked);
		char id[9];
		endorse_vkey_format(vkey, k);
		endorse_vkey_id_hex(id, k);
		const char *status = key_status(org, k, revoked);
		printf("%s{\"key_id\":\"%s\",\"status\":\"%s\",\"vkey\":", i ? "," : "", id,
			strcmp(status, "rotated away") == 0 ? "rotated" : status);
		cli_print_json_string(stdout, vkey);
		printf("}");
	}
	printf("],\"history\":[");
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
		if (e->type == ENDORSE_CONFIRM)
			printf(",\"confirmed_key_id\":\"%s\",\"method\":\"%s\"", e->other_key_id, e->method);
		printf("}");
	}
	printf("]}\n");
}

/* Takes the snapshot of --since once the line before it was applied. */
struct replay_ctx {
	struct history history;
	struct audit_snapshot since;
	bool want_since;
	char newest_time[21];  /* the time of the newest entry (the HTML page's date) */
	bool out_of_memory;    /* an event or the snapshot could not be kept */
};

static void
on_entry(void *ctx, const endorse_entry *entry, const endorse_state *state)
{
	struct replay_ctx *c = ctx;

	if (c->history.org != NULL && record_event(&c->history, entry, state) != 0)
		c->out_of_memory = true;
	(void)snprintf(c->newest_time, sizeof(c->newest_time), "%s", entry->statement.time);
	if (c->want_since && !c->since.taken && entry->seq + 1 == c->since.at &&
	    audit_snapshot_take(&c->since, state) != 0)
		c->out_of_memory = true;
}

/* --since SEQ (digits) or a git revision: the log's size at that point. */
static int
parse_since(uint64_t *at, const char *arg)
{
	size_t digits = strspn(arg, "0123456789");
	int rc;

	if (digits > 0 && arg[digits] == '\0') {
		/* as ever: leading zeros are read past, and a number too large
		 * for 64 bits is the largest one (past the log's end) */
		const char *d = arg + strspn(arg, "0");
		if (*d == '\0')
			d--;
		if (!cli_parse_u64(at, d, UINT64_MAX))
			*at = UINT64_MAX;
		return 0;
	}
	rc = endorse_log_lines_at(cli_log_root(), arg, at);
	if (rc == ENDORSE_EINVALID)
		return cli_library_error(rc);
	if (rc != 0) {
		cli_library_error(rc);
		return cli_error("--since takes an entry number or a git revision");
	}
	return 0;
}

static size_t
terminal_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0; /* not a terminal: no limit */
}

static const char *const formats[] = {"table", "json", "csv", "markdown", "html", "jekyll"};

/* What the command line asked for. */
struct audit_args {
	const char *format, *document, *since, *org, *log_key, *output;
};

static void
print_audit_help(void)
{
	printf("usage: %s\n\n"
		"Verifies the log, then lists the current signatories of each document\n"
		"version: organization id, name, url, key ID, the time the signer claims\n"
		"and the entry's seq. Withdrawn endorsements are not listed; endorsements\n"
		"made before a revocation still count, with the revocation noted.\n"
		"A log that does not verify is never shown: its problems are reported and\n"
		"the command exits 1.\n\n"
		"  -C DIR                     run as if started in DIR (like git -C): the\n"
		"                             repository holding keys/ and log/\n"
		"      --format FORMAT        table (default), json, csv, markdown, html or\n"
		"                             jekyll (see docs/audit-formats.md)\n"
		"      --document WHICH       all (default), or one version: its SHA-256 or its\n"
		"                             first 8 or more hex digits, latest, a document id\n"
		"                             (its newest version) or ID@VERSION\n"
		"      --org ID               one organization's whole history (table, json)\n"
		"      --since SEQ|REV        who joined and who withdrew in entry SEQ and\n"
		"                             later, or after git revision REV, whose log the\n"
		"                             current one must extend (else exit 1) (table,\n"
		"                             json, csv, markdown)\n"
		"      --log-key VKEY|FILE    the log key you trust, taken from outside the\n"
		"                             repository, or a file holding it: a log whose\n"
		"                             keys/policy names another is not shown (rule\n"
		"                             log-key, exit 1), as endorse verify --log-key\n"
		"      --output FILE          write to FILE instead of standard output, all\n"
		"                             or nothing: a temporary file beside it replaces\n"
		"                             it once complete, so that an old page stays in\n"
		"                             place when the log does not verify\n",
		usage_line);
}

/* Reads the options into a; false, with the exit code in *code, to stop. */
static bool
parse_audit_args(int *code, struct audit_args *a, int argc, char **argv)
{
	static const struct option options[] = {
		{"format", required_argument, NULL, 'f'},
		{"org", required_argument, NULL, 'o'},
		{"document", required_argument, NULL, 'd'},
		{"since", required_argument, NULL, 's'},
		{"log-key", required_argument, NULL, 'L'},
		{"output", required_argument, NULL, 'O'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*a = (struct audit_args){.format = "table"};
	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return cli_stop(code, EXIT_TROUBLE);
			break;
		case 'f': a->format = optarg != NULL ? optarg : ""; break;  /* never NULL; for analyzers */
		case 'o': a->org = optarg; break;
		case 'd': a->document = optarg; break;
		case 's': a->since = optarg; break;
		case 'L': a->log_key = optarg; break;
		case 'O': a->output = optarg; break;
		case 'h':
			print_audit_help();
			return cli_stop(code, EXIT_VALID);
		default: return cli_stop(code, cli_usage(usage_line));
		}
	}
	if (optind != argc)
		return cli_stop(code, cli_usage(usage_line));
	return true;
}

/* The format is known and the options go together; else the exit code. */
static int
check_audit_args(const struct audit_args *a)
{
	bool known = false;

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		known = known || strcmp(a->format, formats[i]) == 0;
	if (!known)
		return cli_error("unknown format '%s': use table, json, csv, markdown, html or jekyll",
			a->format);
	if (a->org != NULL && (a->since != NULL || a->document != NULL))
		return cli_error("--org shows one organization's whole history; it takes no "
			"--since or --document");
	if (a->org != NULL && strcmp(a->format, "table") != 0 && strcmp(a->format, "json") != 0)
		return cli_error("--org is shown as table or json");
	if (a->since != NULL && (strcmp(a->format, "html") == 0 || strcmp(a->format, "jekyll") == 0))
		return cli_error("--since is shown as table, json, csv or markdown");
	return 0;
}

/* Verifies the log into *state, recording what ctx asks for; 0 when it
 * verified, else the exit code. */
static int
verify_for_audit(endorse_state **state, struct replay_ctx *ctx, const endorse_vkey *log_key,
	const char *since)
{
	endorse_verify_options vopt = {.on_problem = cli_print_problem, .on_entry = on_entry,
		.ctx = ctx, .log_key = log_key};
	uint64_t count = 0;
	int rc = endorse_verify(state, cli_log_root(), &vopt, &count);

	if (rc == ENDORSE_EINVALID) {
		fprintf(stderr, "endorse: WARNING: the log does not verify (%llu problem%s); "
			"nothing is shown as an audit of it\n", (unsigned long long)count,
			count == 1 ? "" : "s");
		return EXIT_INVALID;
	} else if (rc != 0) {
		return cli_library_error(rc);
	}
	if (ctx->out_of_memory)
		return cli_error("out of memory");
	if (ctx->want_since && ctx->since.at > endorse_state_size(*state))
		return cli_error("--since %s: the log has only %llu entries", since,
			(unsigned long long)endorse_state_size(*state));
	if (ctx->want_since && !ctx->since.taken)
		ctx->since.taken = true; /* at 0: nothing was active */
	return 0;
}

/* One organization's whole history (--org). */
static int
show_org_history(const endorse_state *state, const struct history *h, const char *format)
{
	if (endorse_state_find_org(state, h->org) == NULL)
		return cli_error("no organization '%s' in the log", h->org);
	if (strcmp(format, "json") == 0)
		print_org_json(state, h);
	else
		print_org_table(state, h);
	return EXIT_VALID;
}

/* The signatories of the versions asked for, in format. */
static int
show_audit_view(const endorse_state *state, const struct replay_ctx *ctx,
	const struct audit_args *a)
{
	struct audit_view view = {0};
	const char *format = a->format;

	if (audit_view_build(&view, state, a->document, ctx->want_since ? &ctx->since : NULL) != 0) {
		audit_view_free(&view);
		return EXIT_TROUBLE;
	}
	view.newest_time = ctx->newest_time[0] != '\0' ? ctx->newest_time : NULL;
	if (strcmp(format, "json") == 0)
		render_json(stdout, &view);
	else if (strcmp(format, "csv") == 0)
		render_csv(stdout, &view);
	else if (strcmp(format, "markdown") == 0)
		render_markdown(stdout, &view);
	else if (strcmp(format, "html") == 0)
		render_html(stdout, &view);
	else if (strcmp(format, "jekyll") == 0)
		render_jekyll(stdout, &view);
	else
		render_table(stdout, &view, terminal_width(),
			isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL);
	audit_view_free(&view);
	return EXIT_VALID;
}

/* --output FILE: standard output goes to a new temporary file beside FILE
 * (*temp, malloc'd), so that FILE is replaced only by a complete audit. */
static int
output_begin(char **temp, const char *file)
{
	size_t size = strlen(file) + sizeof(".tmp-XXXXXX");
	mode_t mask = umask(0);
	int fd;

	(void)umask(mask);
	if ((*temp = malloc(size)) == NULL)
		return cli_error("out of memory");
	(void)snprintf(*temp, size, "%s.tmp-XXXXXX", file);
	if ((fd = mkstemp(*temp)) < 0) {
		cli_error("cannot create a file beside %s: %s", file, strerror(errno));
		free(*temp);
		*temp = NULL;
		return EXIT_TROUBLE;
	}
	/* a page for others to read, as any new file of this user */
	if (fchmod(fd, 0666 & ~mask) != 0 || fflush(stdout) != 0 || dup2(fd, STDOUT_FILENO) < 0) {
		cli_error("cannot write %s: %s", *temp, strerror(errno));
		(void)close(fd);
		(void)unlink(*temp);
		free(*temp);
		*temp = NULL;
		return EXIT_TROUBLE;
	}
	(void)close(fd);
	return EXIT_VALID;
}

/* Makes the temporary file FILE when the audit succeeded (code 0), on disk
 * first; removes it otherwise. The exit code. */
static int
output_end(char *temp, const char *file, int code)
{
	if (code == EXIT_VALID && (fflush(stdout) != 0 || ferror(stdout) ||
				   fsync(STDOUT_FILENO) != 0 || rename(temp, file) != 0))
		code = cli_error("cannot write %s: %s", file, strerror(errno));
	if (code != EXIT_VALID)
		(void)unlink(temp);
	free(temp);
	return code;
}

int
cmd_audit(int argc, char **argv)
{
	struct audit_args a;
	endorse_vkey log_key;
	struct replay_ctx ctx = {{NULL, NULL, 0, 0}, {0, NULL, 0, false}, false, "", false};
	endorse_state *state = NULL;
	char *temp = NULL;
	int rc, code;

	if (!parse_audit_args(&code, &a, argc, argv))
		return code;
	if ((code = check_audit_args(&a)) != 0)
		return code;
	if (a.log_key != NULL && cli_read_vkey(&log_key, "--log-key", a.log_key) != 0)
		return EXIT_TROUBLE;
	ctx.history.org = a.org;
	if (a.since != NULL) {
		if ((rc = parse_since(&ctx.since.at, a.since)) != 0)
			return rc == EXIT_INVALID ? EXIT_INVALID : EXIT_TROUBLE;
		ctx.want_since = true;
	}
	code = verify_for_audit(&state, &ctx, a.log_key != NULL ? &log_key : NULL, a.since);
	if (code == 0 && a.output != NULL)
		code = output_begin(&temp, a.output);
	if (code == 0)
		code = a.org != NULL ? show_org_history(state, &ctx.history, a.format)
			: show_audit_view(state, &ctx, &a);
	if (temp != NULL)
		code = output_end(temp, a.output, code);
	free(ctx.since.pairs);
	free_history(&ctx.history);
	endorse_state_free(state);
	return code;
}
