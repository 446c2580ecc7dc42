/* endorse verify: replay the whole log, or its git history, or what a pull
 * request adds to it, and report every problem. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

/* What the command line asked for. */
struct verify_args {
	const char *format, *history, *base, *log_key;
	bool use_history, allow_pending;
	uint64_t jobs;
};

static const char usage_line[] =
	"endorse verify [-C DIR] [--history [REV] | --base REV] [--format text|json|github]\n"
	"               [--log-key VKEY|FILE] [--jobs N] [--allow-pending]";

/* --format json prints the problems after the summary, which is known only
 * at the end: they wait in an unlinked temporary file, not in memory, so a
 * log of a million bad lines costs disk, not gigabytes. */
struct collected {
	FILE *spool;
	uint64_t count;
};

static void
print_json_member(FILE *out, const char *name, const char *value)
{
	fprintf(out, ",\"%s\":", name);
	if (value != NULL)
		cli_print_json_string(out, value);
	else
		fprintf(out, "null");
}

static void
collect(void *ctx, const endorse_problem *p)
{
	struct collected *c = ctx;

	fprintf(c->spool, "%s{\"file\":", c->count ? "," : "");
	cli_print_json_string(c->spool, p->file ? p->file : "");
	fprintf(c->spool, ",\"line\":%llu", (unsigned long long)p->line);
	print_json_member(c->spool, "rule", p->rule);
	print_json_member(c->spool, "message", p->message ? p->message : "");
	print_json_member(c->spool, "commit", p->commit);
	print_json_member(c->spool, "author", p->author);
	fprintf(c->spool, "}");
	c->count++;
}

/* With --base, the state holds only what the new entries depend on, so it
 * counts no documents or organisations. */
static int
print_json(const endorse_state *state, struct collected *c, int rc, const char *root,
	bool partial)
{
	char buf[65536];

	printf("{\"schema\":\"endorse-verify/1\",\"valid\":%s", rc == 0 ? "true" : "false");
	if (state != NULL) {
		print_json_member(stdout, "origin", endorse_state_origin(state));
		printf(",\"entries\":%llu", (unsigned long long)endorse_state_size(state));
		if (!partial)
			printf(",\"documents\":%zu,\"organizations\":%zu",
				endorse_state_document_count(state), endorse_state_org_count(state));
		print_json_member(stdout, "root", root);
		const endorse_checkpoint_status *cp = endorse_state_checkpoint(state);
		if (cp->present)
			printf(",\"checkpoint\":{\"size\":%llu,\"witnesses\":%zu,\"quorum\":%s,"
				"\"pending\":%s}", (unsigned long long)cp->size, cp->witnesses,
				cp->quorum ? "true" : "false", cp->quorum ? "false" : "true");
		else
			printf(",\"checkpoint\":null");
	}
	printf(",\"problems\":[");
	rewind(c->spool);
	for (size_t n; (n = fread(buf, 1, sizeof(buf), c->spool)) > 0;)
		(void)fwrite(buf, 1, n, stdout);
	printf("]}\n");
	return ferror(c->spool) ? -1 : 0;
}

static void
print_github(void *ctx, const endorse_problem *p)
{
	(void)ctx;
	fputs("::error file=", stdout);
	cli_print_github_escaped(p->file, true);
	if (p->line > 0)
		printf(",line=%llu", (unsigned long long)p->line);
	fputs(",title=endorse ", stdout);
	cli_print_github_escaped(p->rule, true);
	fputs("::", stdout);
	cli_print_github_escaped(p->message, false);
	if (p->commit != NULL) {
		printf(" (commit %.12s by ", p->commit);
		cli_print_github_escaped(p->author != NULL ? p->author : "?", false);
		putchar(')');
	}
	putchar('\n');
}

/* ---- a checkpoint that only waits for its witnesses: PENDING ----
 *
 * verify asks the library not to report the quorum (quorum_optional) and
 * decides here: a valid log whose checkpoint is well signed but not yet
 * cosigned by the policy's quorum is PENDING, exit 3 (--allow-pending: 0),
 * not INVALID; any other problem of the checkpoint is still exit 1. */

/* Whether the run ended on a valid log whose checkpoint lacks the quorum. */
static bool
is_pending(const endorse_state *state, int rc)
{
	const endorse_checkpoint_status *c = state != NULL ? endorse_state_checkpoint(state) : NULL;

	return rc == 0 && c != NULL && c->present && !c->quorum;
}

/* "2 more (policy quorum two-of-three (2 of a, b, c))", from the work
 * tree's keys/policy (the one verify read, or with --history and --base
 * the one checked out); "more" alone when it cannot be read. */
static void
print_waiting(FILE *f)
{
	endorse_policy *policy = NULL;
	char *quorum = NULL;
	size_t missing;

	if (cli_load_policy(&policy) != 0 ||
	    endorse_policy_quorum_describe(&quorum, policy) != 0) {
		fputs("more witnesses", f);
	} else {
		/* the cosignatures are not known per witness here: the fewest from none */
		missing = endorse_policy_quorum_missing(policy, NULL);
		fprintf(f, "witnesses (policy quorum ");
		cli_print_safe(f, quorum);
		fprintf(f, ", %zu witness%s in all)", missing, missing == 1 ? "" : "es");
	}
	free(quorum);
	endorse_policy_free(policy);
}

/* The PENDING report: stdout's line (text), an annotation (github), and
 * the exit code. */
static int
report_pending(const endorse_state *state, const struct verify_args *a)
{
	const endorse_checkpoint_status *c = endorse_state_checkpoint(state);

	if (strcmp(a->format, "github") == 0) {
		printf("::warning file=%s,title=endorse checkpoint pending::the checkpoint of %llu "
			"entries is cosigned by %zu policy witness%s, short of the quorum: it waits for its "
			"witnesses (endorse cosign, endorse witness request); the log itself is valid\n",
			ENDORSE_CHECKPOINT_PATH, (unsigned long long)c->size, c->witnesses, c->witnesses == 1 ? "" : "es");
	}
	if (strcmp(a->format, "json") != 0) {
		fprintf(stderr, "endorse: %s is PENDING: signed by the log key, cosigned by %zu "
			"witness%s so far, waiting for ", ENDORSE_CHECKPOINT_PATH, c->witnesses,
			c->witnesses == 1 ? "" : "es");
		print_waiting(stderr);
		fprintf(stderr, ". The log is valid; this is not a problem of the log. The witnesses "
			"add their cosignatures with 'endorse cosign', or 'endorse witness request' asks "
			"those with a URL. Exit status %d%s\n",
			a->allow_pending ? EXIT_VALID : EXIT_PENDING,
			a->allow_pending ? " (--allow-pending)" : "; --allow-pending exits 0 (CI of a "
			"pull request)");
	}
	return a->allow_pending ? EXIT_VALID : EXIT_PENDING;
}

/* One line on log/checkpoint, after a valid log. */
static void
print_checkpoint(const endorse_state *state)
{
	const endorse_checkpoint_status *c = endorse_state_checkpoint(state);

	if (!c->present) {
		printf("%s: none yet (the log operator signs one with 'endorse checkpoint')\n",
			ENDORSE_CHECKPOINT_PATH);
		return;
	}
	printf("%s: valid: %llu of %llu entries, cosigned by %zu witness%s of the policy%s\n",
		ENDORSE_CHECKPOINT_PATH, (unsigned long long)c->size,
		(unsigned long long)endorse_state_size(state), c->witnesses,
		c->witnesses == 1 ? "" : "es", c->quorum ? ", quorum met" : ", PENDING (quorum not met yet)");
}

static int
help(void)
{
	printf("usage: %s\n\n"
		"Replays the log in DIR (default: .) and checks everything SPEC.md requires:\n"
		"keys/policy, every line's bytes and canonical JSON, seq and prev (the hash\n"
		"chain), every signature, the rules of each statement, and that keys/orgs\n"
		"pins exactly the organizations' current keys; and log/checkpoint, when there\n"
		"is one: signed by the log key, of at most the log's entries, with the root of\n"
		"that many entries, every witness cosignature valid and the policy's quorum\n"
		"met; and that neither the log nor a pin is executable (rule file-mode, also\n"
		"with --history and --base). Reports every problem as FILE:LINE: RULE:\n"
		"message on standard error.\n\n"
		"  -C DIR                     run as if started in DIR (like git -C): the\n"
		"                             repository holding keys/ and log/\n"
		"      --history [REV]        check the git history instead: along the\n"
		"                             first-parent history of REV (default HEAD), every\n"
		"                             version of the log extends the one before byte for\n"
		"                             byte and verifies, a merge keeps every line and\n"
		"                             checkpoint of every parent, keys/orgs agrees, and each\n"
		"                             checkpoint is consistent with the one before (the\n"
		"                             quorum is required of the newest); read from the\n"
		"                             object database, never the work tree\n"
		"      --base REV             the pull-request check: HEAD's log extends REV's\n"
		"                             byte for byte, and the new entries verify. When\n"
		"                             the branch is only behind REV, or its log holds\n"
		"                             both sides' lines (a merge by hand or GitHub's\n"
		"                             \"Resolve conflicts\" button), it says so and to run\n"
		"                             endorse rechain --onto REV (still exit 1)\n"
		"      --format FORMAT        text (default), json, or github (workflow\n"
		"                             annotations on standard output)\n"
		"      --log-key VKEY|FILE    the log key you trust, taken from outside the\n"
		"                             repository (this repository's log key: see\n"
		"                             docs/auditors.md), or a file holding it: a\n"
		"                             keys/policy naming another key is a problem\n"
		"                             (rule log-key), in every version with --history\n"
		"                             and at the head with --base. Without it, any\n"
		"                             log key passes: a copy re-signed by another key\n"
		"                             (and missing withdrawals) would verify too\n"
		"  -j, --jobs N               check signatures on N threads (default: one per\n"
		"                             online core); the report is the same whatever N\n"
		"      --allow-pending        exit 0, not 3, when log/checkpoint only waits for\n"
		"                             its witnesses' cosignatures (CI of a pull request)\n\n"
		"Exit status: 0 valid, 1 invalid, 2 could not run, 3 PENDING: the log is valid\n"
		"and log/checkpoint is signed by the log key but not yet cosigned by the\n"
		"policy's quorum of witnesses (a bad signature or cosignature is still 1).\n",
		usage_line);
	return EXIT_VALID;
}



/* Reads the options into a; false, with the exit code in *code, to stop. */
static bool
parse_verify_args(int *code, struct verify_args *a, int argc, char **argv)
{
	static const struct option options[] = {
		{"format", required_argument, NULL, 'f'},
		{"history", optional_argument, NULL, 'H'},
		{"base", required_argument, NULL, 'B'},
		{"jobs", required_argument, NULL, 'j'},
		{"log-key", required_argument, NULL, 'L'},
		{"allow-pending", no_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*a = (struct verify_args){.format = "text"};
	while ((c = getopt_long(argc, argv, "C:j:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return cli_stop(code, EXIT_TROUBLE);
			break;
		case 'f': a->format = optarg != NULL ? optarg : ""; break;  /* never NULL; for analyzers */
		case 'H': a->use_history = true; a->history = optarg; break;
		case 'B': a->base = optarg; break;
		case 'L': a->log_key = optarg; break;
		case 'P': a->allow_pending = true; break;
		case 'j':
			if (!cli_parse_u64(&a->jobs, optarg, CLI_MAX_JOBS) || a->jobs == 0)
				return cli_stop(code, cli_error("--jobs takes a number of threads from 1 to %d",
					CLI_MAX_JOBS));
			break;
		case 'h': return cli_stop(code, help());
		default: return cli_stop(code, cli_usage(usage_line));
		}
	}
	if (a->use_history && a->history == NULL && optind + 1 == argc)
		a->history = argv[optind++]; /* --history REV, as the issue and git spell it */
	if (optind != argc)
		return cli_stop(code, cli_usage(usage_line));
	if (a->use_history && a->base != NULL)
		return cli_stop(code, cli_error("--history and --base exclude each other"));
	return true;
}

/* The problem callbacks of the format (json: into problems' spool); 0, or
 * the exit code. */
static int
set_report(endorse_verify_options *vopt, struct collected *problems, const char *format)
{
	if (strcmp(format, "json") == 0) {
		if ((problems->spool = tmpfile()) == NULL)
			return cli_error("cannot create a temporary file for the report: %s",
				strerror(errno));
		*vopt = (endorse_verify_options){.on_problem = collect, .ctx = problems,
			.on_note = cli_print_problem};
	}
	else if (strcmp(format, "github") == 0)
		*vopt = (endorse_verify_options){.on_problem = print_github,
			.on_note = cli_print_problem};
	else if (strcmp(format, "text") != 0)
		return cli_error("unknown format '%s': use text, json or github", format);
	return 0;
}

/* The text summary of a run that ended with rc (0 or ENDORSE_EINVALID). */
static void
print_summary(const endorse_state *state, const struct verify_args *a, int rc,
	const char *root, uint64_t count)
{
	if (rc == 0 && a->base != NULL) {
		uint64_t n = endorse_state_size(state);
		printf("%s: valid and extends %s: %llu entr%s, the new ones verified (origin ",
			ENDORSE_LOG_PATH, a->base, (unsigned long long)n, n == 1 ? "y" : "ies");
		cli_print_safe(stdout, endorse_state_origin(state));
		printf(")\n");
		print_checkpoint(state);
	} else if (rc == 0) {
		uint64_t n = endorse_state_size(state);
		size_t d = endorse_state_document_count(state), o = endorse_state_org_count(state);
		printf("%s: valid%s: %llu entr%s, %zu document version%s, %zu organization%s (origin ",
			ENDORSE_LOG_PATH, a->use_history ? " in every commit" : "", (unsigned long long)n, n == 1 ? "y" : "ies", d,
			d == 1 ? "" : "s", o, o == 1 ? "" : "s");
		cli_print_safe(stdout, endorse_state_origin(state));
		printf(", Merkle root %s)\n", root);
		print_checkpoint(state);
	} else {
		fprintf(stderr, "endorse: the log is INVALID: %llu problem%s found\n",
			(unsigned long long)count, count == 1 ? "" : "s");
	}
}

/* ---- the way back from a hand edit ----
 *
 * After an invalid work tree: the files endorse alone writes that differ
 * from HEAD's blobs, when HEAD's history verifies (quietly, the quorum
 * aside), are hand edits with a known way back: git restore. */

static const char *const written_files[] = {
	ENDORSE_LOG_PATH, ENDORSE_CHECKPOINT_PATH, ENDORSE_POLICY_PATH,
};

/* Whether path, in the work tree, differs from its blob in HEAD. */
static bool
differs_from_head(const char *path)
{
	bool differs = false;
	char other[65];
	const char *where = "";

	if (access(path, F_OK) != 0)
		return false;
	if (endorse_repo_document_differs(path, &differs, other, &where) != 0)
		return false;
	return differs && strcmp(where, "its blob in HEAD") == 0;
}

static void
advise_restore(void)
{
	endorse_verify_options quiet = {.quorum_optional = true, .want = ENDORSE_WANT_VERDICT};
	enum { FILES = sizeof(written_files) / sizeof(written_files[0]) };
	char paths[FILES][PATH_MAX]; /* from the current directory, as git restore takes them */
	bool edited[FILES];
	size_t n = 0;
	uint64_t count = 0;

	for (size_t i = 0; i < FILES; i++)
		n += (edited[i] = differs_from_head(cli_root_path(paths[i], PATH_MAX, written_files[i])));
	if (n == 0 || endorse_verify_history(NULL, cli_log_root(), "HEAD", &quiet, &count) != 0)
		return;
	for (size_t i = 0; i < FILES; i++)
		if (edited[i])
			fprintf(stderr, "endorse: %s was edited by hand (it differs from HEAD, whose "
				"history verifies); restore it with: git restore %s (if the edit is "
				"staged: git restore --staged --worktree %s)\n", written_files[i],
				paths[i], paths[i]);
}

/* ---- a branch behind its base, or a log merged with both sides' lines ----
 *
 * verify --base failed and the library found that `endorse rechain --onto
 * BASE` would repair the log (endorse_divergence): say so in plain words.
 * Advice only: the exit status stays 1. */

static void
put_safe(FILE *f, const char *s)
{
	cli_print_safe(f, s);
}

static void
put_github(FILE *f, const char *s)
{
	(void)f;  /* cli_print_github_escaped prints to stdout, as the annotation */
	cli_print_github_escaped(s, false);
}

/* The diagnosis in words: to f, with the base's name (the user's text)
 * printed by put. */
static void
say_rechain(FILE *f, endorse_divergence kind, const char *base, const char *newline,
	void (*put)(FILE *, const char *))
{
	if (kind == ENDORSE_DIVERGENCE_BEHIND) {
		fputs("this branch's new entries sit on an older version of the log: ", f);
		put(f, base);
		fputs(" has gained entries since the branch was made, and the branch's lines "
			"no longer follow the end of its log.", f);
	} else {
		fprintf(f, "%s holds both sides' new lines (those of ", ENDORSE_LOG_PATH);
		put(f, base);
		fputs(" and this branch's), as a merge by hand or GitHub's \"Resolve conflicts\" "
			"button leaves them: their seq and prev cannot all be right.", f);
	}
	fprintf(f, " Nothing is wrong with the entries and nothing needs signing again: on this "
		"branch run%s  endorse rechain --onto ", newline);
	put(f, base);
	if (put != put_safe)  /* CI names the base as it fetched it, not as a fork's clone does */
		fputs(" (or, in a clone of a fork, the main repository's branch: git fetch upstream, "
			"then --onto upstream/main)", f);
	fprintf(f, "%sand push again (a plain git push). Do not resolve a conflict in %s by hand "
		"or with GitHub's button: rechain does it.\n", newline, ENDORSE_LOG_PATH);
}

static void
advise_rechain(const struct verify_args *a, endorse_divergence kind)
{
	if (kind == ENDORSE_DIVERGENCE_NONE)
		return;
	if (strcmp(a->format, "github") == 0) {
		printf("::error file=%s,title=endorse rechain::", ENDORSE_LOG_PATH);
		say_rechain(stdout, kind, a->base, "%0A", put_github);
	}
	fputs("endorse: ", stderr);
	say_rechain(stderr, kind, a->base, "\n", put_safe);
}

/* ---- the repository's copies of the registered documents ----
 *
 * A warning on standard error, exit status unchanged: the log is what
 * verify judges, and a file edited after its registration breaks no rule
 * of it; but the repository then shows readers other bytes than those the
 * organisations endorsed, which the maintainers must hear of. */

static void
warn_document_file(void *ctx, const char *path, const char *message)
{
	(void)ctx;
	fputs("endorse: warning: ", stderr);
	cli_print_safe(stderr, path);
	fputs(": ", stderr);
	cli_print_safe(stderr, message);
	fputc('\n', stderr);
}

static void
check_document_files(const endorse_state *state)
{
	if (endorse_document_files_check(state, cli_log_root(), warn_document_file, NULL) != 0) {
		fputs("endorse: warning: cannot compare the registered documents' files: ", stderr);
		cli_print_safe(stderr, endorse_error_last());
		fputc('\n', stderr);
	}
}

/* Runs the verification a asks for and reports it; the exit code. */
static int
run_verify(const struct verify_args *a, endorse_verify_options *vopt, struct collected *problems)
{
	endorse_state *state = NULL;
	endorse_divergence divergence = ENDORSE_DIVERGENCE_NONE;
	char root[45] = "";
	uint64_t count = 0;
	int rc, code;

	if (a->use_history)
		rc = endorse_verify_history(&state, cli_log_root(), a->history, vopt, &count);
	else if (a->base != NULL)
		rc = endorse_verify_base(&state, cli_log_root(), a->base, NULL, vopt, &count,
			&divergence);
	else
		rc = endorse_verify(&state, cli_log_root(), vopt, &count);
	if (rc != 0 && rc != ENDORSE_EINVALID) {
		code = cli_library_error(rc);
		goto out;
	}
	code = rc == 0 ? EXIT_VALID : EXIT_INVALID;
	if (is_pending(state, rc))
		code = report_pending(state, a);
	if (state != NULL)
		cli_state_root(root, state);
	if (strcmp(a->format, "json") == 0) {
		if (print_json(state, problems, rc, state != NULL && root[0] ? root : NULL,
			a->base != NULL) != 0)
			code = cli_error("cannot read back the report's problems: %s",
				strerror(errno));
	} else {
		print_summary(state, a, rc, root, count);
	}
	if (rc == ENDORSE_EINVALID && !a->use_history && a->base == NULL)
		advise_restore();
	if (rc == ENDORSE_EINVALID && a->base != NULL)
		advise_rechain(a, divergence);
	if (rc == 0 && state != NULL && !a->use_history && a->base == NULL)
		check_document_files(state);
out:
	endorse_state_free(state);
	return code;
}

int
cmd_verify(int argc, char **argv)
{
	struct verify_args a;
	endorse_vkey log_key;
	struct collected problems = {NULL, 0};
	endorse_verify_options vopt = {.on_problem = cli_print_problem,
		.on_note = cli_print_problem};
	int code;

	if (!parse_verify_args(&code, &a, argc, argv))
		return code;
	if (a.log_key != NULL && cli_read_vkey(&log_key, "--log-key", a.log_key) != 0)
		return EXIT_TROUBLE;
	if ((code = set_report(&vopt, &problems, a.format)) != 0)
		return code;
	vopt.log_key = a.log_key != NULL ? &log_key : NULL;
	vopt.jobs = (unsigned)a.jobs;
	vopt.want = ENDORSE_WANT_VERDICT;  /* verify reports no endorsement */
	vopt.quorum_optional = true;       /* a checkpoint short of it is PENDING */
	code = run_verify(&a, &vopt, &problems);
	if (problems.spool != NULL)
		(void)fclose(problems.spool);
	return code;
}
