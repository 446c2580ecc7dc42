/* The commands that append to the log: init, document, sign, withdraw,
 * rotate, revoke. Each loads its keys (asking for passphrases) before the
 * library takes the log's lock, checks what the entry depends on and
 * appends it. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "init_workflow.h"
#include "key_files.h"
#include "util.h"

struct write_options {
	const char *dir, *key, *pass_file, *new_key, *new_pass_file, *time;
	const char *document, *title, *url, *id, *name, *target, *reason, *action;
	bool no_commit, reaffirm, no_workflow;
};

enum {
	OPT_KEY = 256, OPT_PASS, OPT_NEW_KEY, OPT_NEW_PASS, OPT_TIME, OPT_DOCUMENT, OPT_TITLE,
	OPT_URL, OPT_ID, OPT_NAME, OPT_TARGET, OPT_REASON, OPT_NO_COMMIT, OPT_REAFFIRM,
	OPT_ACTION, OPT_NO_WORKFLOW,
};

static const struct option all_options[] = {
	{"key", required_argument, NULL, OPT_KEY},
	{"passphrase-file", required_argument, NULL, OPT_PASS},
	{"new-key", required_argument, NULL, OPT_NEW_KEY},
	{"new-passphrase-file", required_argument, NULL, OPT_NEW_PASS},
	{"time", required_argument, NULL, OPT_TIME},
	{"document", required_argument, NULL, OPT_DOCUMENT},
	{"title", required_argument, NULL, OPT_TITLE},
	{"url", required_argument, NULL, OPT_URL},
	{"id", required_argument, NULL, OPT_ID},
	{"name", required_argument, NULL, OPT_NAME},
	{"target", required_argument, NULL, OPT_TARGET},
	{"reason", required_argument, NULL, OPT_REASON},
	{"no-commit", no_argument, NULL, OPT_NO_COMMIT},
	{"reaffirm", no_argument, NULL, OPT_REAFFIRM},
	{"action", required_argument, NULL, OPT_ACTION},
	{"no-workflow", no_argument, NULL, OPT_NO_WORKFLOW},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const char common_help[] =
	"  -C DIR                     run as if started in DIR (like git -C): the\n"
	"                             repository holding keys/ and log/\n"
	"      --passphrase-file FILE read the key's passphrase from FILE (- is standard\n"
	"                             input); without it, ask on the terminal\n"
	"      --time TIME            the claimed time, YYYY-MM-DDTHH:MM:SSZ (default: now;\n"
	"                             at most 5 minutes ahead of the clock)\n"
	"      --no-commit            write the files but make no git commit (by default,\n"
	"                             in a git work tree, the write is one commit on the\n"
	"                             current branch holding only the files it changed)\n";

/* Parses argv into o; options not in allowed (a string of OPT_* codes as
 * chars offset by 256) are refused. Returns -1 on --help, 1 on error. */
static int
parse(struct write_options *o, int argc, char **argv, const char *allowed, const char *usage)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->dir = ".";
	while ((c = getopt_long(argc, argv, "C:h", all_options, NULL)) != -1) {
		if (c >= 256 && c != OPT_PASS && c != OPT_TIME && c != OPT_NO_COMMIT &&
		    strchr(allowed, c - 256 + 'a') == NULL) {
			cli_error("option --%s does not apply to this command", all_options[c - 256].name);
			return 1;
		}
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return 1;
			break;
		case OPT_KEY: o->key = optarg; break;
		case OPT_PASS: o->pass_file = optarg; break;
		case OPT_NEW_KEY: o->new_key = optarg; break;
		case OPT_NEW_PASS: o->new_pass_file = optarg; break;
		case OPT_TIME: o->time = optarg; break;
		case OPT_DOCUMENT: o->document = optarg; break;
		case OPT_TITLE: o->title = optarg; break;
		case OPT_URL: o->url = optarg; break;
		case OPT_ID: o->id = optarg; break;
		case OPT_NAME: o->name = optarg; break;
		case OPT_TARGET: o->target = optarg; break;
		case OPT_REASON: o->reason = optarg; break;
		case OPT_NO_COMMIT: o->no_commit = true; break;
		case OPT_REAFFIRM: o->reaffirm = true; break;
		case OPT_ACTION: o->action = optarg; break;
		case OPT_NO_WORKFLOW: o->no_workflow = true; break;
		case 'h': return -1;
		default: cli_usage(usage); return 1;
		}
	}
	if (optind != argc) {
		cli_usage(usage);
		return 1;
	}
	o->dir = cli_log_root(); /* after -C; init makes its own */
	if (o->time != NULL && !endorse_time_valid(o->time)) {
		cli_error("--time must be a real UTC time of the form YYYY-MM-DDTHH:MM:SSZ");
		return 1;
	}
	return 0;
}

/* Names exactly the options of names[] whose values[] are missing, "--name
 * and --url are required"; EXIT_VALID when none is. */
static int
require(size_t n, const char *const names[], const char *const values[])
{
	char list[128] = "";
	size_t missing = 0, shown = 0, len = 0;

	for (size_t i = 0; i < n; i++)
		missing += values[i] == NULL;
	for (size_t i = 0; i < n && len < sizeof(list); i++) {
		if (values[i] != NULL)
			continue;
		shown++;
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
			shown == 1 ? "" : shown == missing ? " and " : ", ", names[i]);
	}
	if (missing == 0)
		return EXIT_VALID;
	return cli_error("%s %s required", list, missing == 1 ? "is" : "are");
}

#define ALLOW(...) ((const char[]){__VA_ARGS__, 0})
#define A(opt) ((char)((opt) - 256 + 'a'))

static char *
xstrdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

/* A document id from its title: lowercase letters and digits, other runs
 * as one '-', at most 64 characters. */
static char *
slug(const char *title)
{
	char *out = malloc(65);
	size_t n = 0;
	bool dash = false;

	if (out == NULL)
		return NULL;
	for (const char *p = title; p != NULL && *p && n < 64; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0 && n < 63)
				out[n++] = '-';
			out[n++] = c;
			dash = false;
		} else {
			dash = true;
		}
	}
	out[n] = '\0';
	return out;
}

static int
document_statement(endorse_statement *st, const struct write_options *o)
{
	char sha[65];

	memset(st, 0, sizeof(*st));
	if (require(4, (const char *const[]){"--key", "--document", "--title", "--url"},
		    (const char *const[]){o->key, o->document, o->title, o->url}) != EXIT_VALID)
		return EXIT_TROUBLE;
	if (cli_sha256_file(sha, o->document) != 0)
		return EXIT_TROUBLE;
	st->type = ENDORSE_DOCUMENT;
	st->sha256 = xstrdup(sha);
	st->title = xstrdup(o->title);
	st->url = xstrdup(o->url);
	st->id = o->id != NULL ? xstrdup(o->id) : slug(o->title);
	st->time = xstrdup(o->time);
	if (st->id != NULL && st->id[0] == '\0') {
		endorse_statement_clear(st);
		return cli_error("cannot derive a document id from the title; use --id");
	}
	return 0;
}

static void
report_append(const endorse_statement *st, const endorse_write_result *res)
{
	printf("appended entry %llu to %s: %s", (unsigned long long)res->seq, ENDORSE_LOG_PATH,
		endorse_statement_type_name(st->type));
	if (st->type == ENDORSE_REVOKE)
		printf(" of a key of %s", st->org_id);
	else if (st->org_id != NULL)
		printf(" by %s", st->org_id);
	if (st->type == ENDORSE_DOCUMENT) {
		printf(" %s (sha256 %s)", st->id, res->document_sha256);
	} else if (res->document_sha256[0] != '\0') {
		printf(" of ");
		cli_print_safe(stdout, res->document_id);
		printf("@%llu (sha256 %.12s)", (unsigned long long)res->document_version,
			res->document_sha256);
	}
	printf("\n");
}

static void
report_commit(const endorse_write_result *res)
{
	if (res->commit_hex[0] != '\0')
		printf("committed %.12s on the current branch\n", res->commit_hex);
}

/* Loads the keys, appends the statement, and prints the outcome. */
static int
append(endorse_statement *st, const struct write_options *o)
{
	endorse_secret_key *key = NULL, *new_key = NULL;
	endorse_verify_options vopt = {.on_problem = cli_print_problem};
	endorse_append_request req = {.dir = o->dir, .statement = st, .commit = !o->no_commit,
		.document_file = st->type == ENDORSE_DOCUMENT ? o->document : NULL,
		.reaffirm = o->reaffirm};
	endorse_write_result res = {0};
	int rc, code = EXIT_TROUBLE;

	/* Everything that needs no secret first: the passphrase is asked only
	 * for a write that can happen. */
	if ((rc = endorse_append_precheck(&req, &vopt)) != 0) {
		code = cli_library_error(rc);
		goto out;
	}
	if (cli_load_key(&key, o->key, o->pass_file) != 0)
		goto out;
	if (o->new_key != NULL &&
	    cli_load_key(&new_key, o->new_key, o->new_pass_file ? o->new_pass_file : o->pass_file) != 0)
		goto out;
	if (st->type != ENDORSE_DOCUMENT && st->type != ENDORSE_REVOKE && st->org_id == NULL) {
		const char *id = endorse_secret_key_vkey(key)->name;
		const char *why = endorse_org_id_problem(id);
		if (why != NULL) {
			cli_error("the key's name '%s' is not an organization id: %s (rule org-id); "
				"generate the key with 'endorse keygen DOMAIN'", id, why);
			goto out;
		}
		st->org_id = strdup(id);
	}
	if (new_key != NULL) {
		char vkey[ENDORSE_VKEY_MAX];
		endorse_vkey_format(vkey, endorse_secret_key_vkey(new_key));
		st->new_signer = strdup(vkey);
	}
	req.key = key;
	req.new_key = new_key;
	rc = endorse_append_statement(&req, &vopt, &res);
	cli_report_completed(res.completed_hex);
	if (rc != 0) {
		code = cli_library_error(rc);
		if (st->type == ENDORSE_ENDORSE && endorse_error_get()->rule != NULL &&
		    strcmp(endorse_error_get()->rule, "duplicate-endorsement") == 0)
			fprintf(stderr, "endorse: that endorsement still counts, even if the key that "
				"signed it was later rotated away or revoked; to sign it again with the "
				"current key, add --reaffirm (a withdrawal and the new endorsement in one "
				"commit)\n");
		goto out;
	}
	if (o->reaffirm)
		printf("appended entry %llu to %s: withdraw by %s of its endorsement signed with an "
			"earlier key\n", (unsigned long long)res.seq - 1, ENDORSE_LOG_PATH, st->org_id);
	report_append(st, &res);
	if (res.time_after_previous)
		fprintf(stderr, "endorse: note: %s's previous statement already claims this second "
			"or a later one, so this entry claims %s, one second after it (times must "
			"increase)\n", st->org_id, res.time);
	report_commit(&res);
	code = EXIT_VALID;
out:
	endorse_secret_key_free(key);
	endorse_secret_key_free(new_key);
	endorse_statement_clear(st);
	return code;
}

/* After a document is registered: warns when the clones of its git work
 * tree get other bytes than those hashed (core.autocrlf, or changes not
 * committed), since their sha256 is then another one. */
static void
warn_git_bytes(const char *file, const char *sha256)
{
	char other[65];
	const char *where;
	bool differs = false;

	if (endorse_repo_document_differs(file, &differs, other, &where) != 0) {
		fputs("endorse: warning: cannot compare the document with git's blob: ", stderr);
		cli_print_safe(stderr, endorse_error_last());
		fputc('\n', stderr);
		return;
	}
	if (!differs)
		return;
	fputs("endorse: warning: ", stderr);
	cli_print_safe(stderr, file);
	fprintf(stderr, " differs from the bytes git holds of it (%s): sha256 %s was "
		"registered, but a clone gets sha256 %s. If git converts its line endings "
		"(core.autocrlf), mark it -text in .gitattributes and check it out again; commit the "
		"bytes meant, then register them\n", where, sha256, other);
}

/* After a write that registered file: says it was committed with it. */
static void
report_document_committed(const char *file, const endorse_write_result *res)
{
	if (!res->document_committed)
		return;
	printf("committed ");
	cli_print_safe(stdout, file);
	printf(" with its entry\n");
}

static const char init_usage[] =
	"endorse init [-C DIR] --key LOG.key --document FILE --title TITLE --url URL [--id ID]\n"
	"             [--action OWNER/REPO@COMMIT | --no-workflow]";
static const char document_usage[] =
	"endorse document [-C DIR] --key LOG.key --document FILE --title TITLE --url URL [--id ID]\n"
	"                 [--new-document]";

static int
document_help(const char *usage, const char *what)
{
	printf("usage: %s\n\n%s\n\n"
		"      --key LOG.key          the log's secret key; its name is the log's origin\n"
		"      --document FILE        the exact bytes of the document version (SHA-256)\n"
		"      --title TITLE          its title, 1 to 200 characters\n"
		"      --url URL              where it is published (https://)\n"
		"      --id ID                the document's id, a-z 0-9 - (default: from the title)\n"
		"%s", usage, what, common_help);
	return EXIT_VALID;
}

static int
init_help(void)
{
	const char *built = init_workflow_built_action();
	char what[1536];

	(void)snprintf(what, sizeof(what),
		"Creates a log in DIR: keys/policy naming the log key (quorum none),\n"
		"log/endorsements.jsonl whose first entry registers the document,\n"
		"DIR/.gitattributes marking keys/, log/ and the document (when inside DIR)\n"
		"-text, so that git never converts their line endings, and the CI workflow\n"
		"%s, which verifies the log on every push and pull\n"
		"request with endorse's GitHub Action pinned by commit. Refuses where a log\n"
		"or that workflow exists. Warns when git holds the document with other bytes.\n"
		"The action this endorse pins: %s.\n\n"
		"      --action OWNER/REPO@COMMIT\n"
		"                             the action the workflow uses: endorse's repository\n"
		"                             on GitHub and the full commit to pin\n"
		"      --no-workflow          write no CI workflow",
		INIT_WORKFLOW_PATH, built != NULL ? built : "none: it was built without -Daction");
	return document_help(init_usage, what);
}

/* The workflow init writes, as req's init file: the text (malloc'd) in
 * *text, NULL when none is wanted or none can be pinned. */
static int
init_workflow(char **text, const struct write_options *o, const endorse_secret_key *key)
{
	const char *action = o->action != NULL ? o->action : init_workflow_built_action();

	*text = NULL;
	if (o->no_workflow || action == NULL)
		return 0;
	/* (--action was checked before the passphrase was asked for) */
	if (o->action == NULL && !init_workflow_action_valid(action,
		"the action this endorse was built with (-Daction)"))
		return 1;
	*text = init_workflow_text(action, endorse_secret_key_vkey(key));
	return *text == NULL;
}

int
cmd_init(int argc, char **argv)
{
	struct write_options o;
	endorse_statement st;
	endorse_secret_key *key = NULL;
	char *workflow = NULL;
	int rc = parse(&o, argc, argv, ALLOW(A(OPT_KEY), A(OPT_DOCUMENT), A(OPT_TITLE), A(OPT_URL),
		A(OPT_ID), A(OPT_ACTION), A(OPT_NO_WORKFLOW)), init_usage);

	if (rc < 0)
		return init_help();
	o.dir = "."; /* a new log here, even below another one */
	if (rc == 0 && o.action != NULL && o.no_workflow) {
		cli_error("--action and --no-workflow exclude each other");
		rc = 1;
	}
	if (rc > 0 || (o.action != NULL && !init_workflow_action_valid(o.action, "--action")) ||
	    document_statement(&st, &o) != 0)
		return EXIT_TROUBLE;
	if ((rc = endorse_statement_check_fields(&st)) != 0 ||
	    cli_load_key(&key, o.key, o.pass_file) != 0 || init_workflow(&workflow, &o, key) != 0) {
		endorse_statement_clear(&st);
		endorse_secret_key_free(key);
		return rc != 0 ? cli_library_error(rc) : EXIT_TROUBLE;
	}
	endorse_append_request req = {.dir = o.dir, .key = key, .statement = &st,
		.commit = !o.no_commit, .document_file = o.document,
		.init_file = workflow != NULL ? INIT_WORKFLOW_PATH : NULL, .init_file_text = workflow};
	endorse_write_result res = {0};
	rc = endorse_log_create(&req, &res);
	cli_report_completed(res.completed_hex);
	endorse_secret_key_free(key);
	if (rc == 0) {
		printf("created a log with log key %s\n", res.signer);
		report_append(&st, &res);
		report_document_committed(o.document, &res);
		if (workflow != NULL)
			printf("wrote the CI workflow %s\n", INIT_WORKFLOW_PATH);
		else if (!o.no_workflow)
			fprintf(stderr, "endorse: warning: no CI workflow written: this endorse was "
				"built without the action to pin (meson -Daction=OWNER/REPO@COMMIT); "
				"for %s, run init with --action and endorse's repository on GitHub "
				"with the commit you trust\n", INIT_WORKFLOW_PATH);
		report_commit(&res);
		warn_git_bytes(o.document, st.sha256);
	}
	free(workflow);
	endorse_statement_clear(&st);
	return rc == 0 ? EXIT_VALID : cli_library_error(rc);
}

/* --new-document is document's alone: taken out of argv before the
 * options all the writers share are parsed. */
static bool
take_new_document(int *argc, char **argv)
{
	bool found = false;
	int n = 1;

	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[n++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--new-document") == 0)
			found = true;
		else
			argv[n++] = argv[i];
	}
	*argc = n;
	argv[n] = NULL;
	return found;
}

/* After the refusal of a new id (rule new-document): on a terminal, asks
 * whether a new document is meant; elsewhere, says how to ask for one. */
static bool
confirm_new_document(const char *id)
{
	char answer[16] = "";

	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return false;
	fputs("endorse: register a NEW document ", stderr);
	cli_print_safe(stderr, id);
	fputs("@1? The id can never change. [y/N] ", stderr);
	if (fgets(answer, sizeof(answer), stdin) == NULL)
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* Appends the document statement: a new id needs new_document (or, on a
 * terminal, a yes); says which id and version were registered. */
static int
append_document(endorse_statement *st, const struct write_options *o, bool new_document)
{
	endorse_secret_key *key = NULL;
	endorse_verify_options vopt = {.on_problem = cli_print_problem};
	endorse_append_request req = {.dir = o->dir, .statement = st, .commit = !o->no_commit,
		.document_file = o->document};
	endorse_write_result res = {0};
	int rc, code = EXIT_TROUBLE;

	if ((rc = endorse_append_precheck(&req, &vopt)) != 0) {
		code = cli_library_error(rc);
		goto out;
	}
	if (cli_load_key(&key, o->key, o->pass_file) != 0)
		goto out;
	req.key = key;
	rc = endorse_append_document(&req, new_document, &vopt, &res);
	if (rc == ENDORSE_EEXISTS && endorse_error_get()->rule != NULL &&
	    strcmp(endorse_error_get()->rule, "new-document") == 0) {
		(void)cli_library_error(rc);
		if (!confirm_new_document(st->id))
			goto out;
		cli_report_completed(res.completed_hex);
		res = (endorse_write_result){0};
		rc = endorse_append_document(&req, true, &vopt, &res);
	}
	cli_report_completed(res.completed_hex);
	if (rc != 0) {
		code = cli_library_error(rc);
		goto out;
	}
	report_append(st, &res);
	printf("registered ");
	cli_print_safe(stdout, st->id);
	printf("@%llu (sha256 %s)%s\n", (unsigned long long)res.document_version, st->sha256,
		res.document_version == 1 ? ", a new document" : "");
	report_document_committed(o->document, &res);
	report_commit(&res);
	code = EXIT_VALID;
out:
	endorse_secret_key_free(key);
	return code;
}

int
cmd_document(int argc, char **argv)
{
	struct write_options o;
	endorse_statement st;
	bool new_document = take_new_document(&argc, argv);
	int rc = parse(&o, argc, argv, ALLOW(A(OPT_KEY), A(OPT_DOCUMENT), A(OPT_TITLE), A(OPT_URL),
		A(OPT_ID)), document_usage);

	if (rc < 0)
		return document_help(document_usage,
			"Registers a new version of a document, signed by the log key, and prints\n"
			"its id and version (ID@N). An id that no document of the log has yet is\n"
			"refused (a typo in --title would start a new document for good) unless\n"
			"--new-document is given or, on a terminal, confirmed. A document inside\n"
			"DIR's git work tree is committed with its entry when it differs from\n"
			"HEAD, and marked -text in DIR/.gitattributes (with keys/ and log/, when\n"
			"missing). Warns when git holds the document with other bytes (a clone\n"
			"would compute another sha256).\n\n"
			"      --new-document         register a new document (a new id)");
	if (rc > 0 || document_statement(&st, &o) != 0)
		return EXIT_TROUBLE;
	char sha[65];
	(void)snprintf(sha, sizeof(sha), "%s", st.sha256 != NULL ? st.sha256 : "");
	rc = append_document(&st, &o, new_document);
	endorse_statement_clear(&st);
	if (rc == EXIT_VALID)
		warn_git_bytes(o.document, sha);
	return rc;
}

static const char sign_usage[] =
	"endorse sign [-C DIR] --key ORG.key --name NAME --url URL [--document VERSION] [--reaffirm]";

int
cmd_sign(int argc, char **argv)
{
	struct write_options o;
	endorse_statement st = {0};
	int rc = parse(&o, argc, argv, ALLOW(A(OPT_KEY), A(OPT_NAME), A(OPT_URL), A(OPT_DOCUMENT),
		A(OPT_REAFFIRM)), sign_usage);

	if (rc < 0) {
		printf("usage: %s\n\n"
			"Appends an endorsement of a document version by the organization whose key\n"
			"signs it (the key's name is the organization id, its DNS domain), and pins\n"
			"its key in keys/orgs/ID.vkey.\n\n"
			"      --key ORG.key          the organization's secret key\n"
			"      --name NAME            the organization's name, 1 to 200 characters\n"
			"      --url URL              the organization's website (https://)\n"
			"      --document VERSION     the version to endorse (default: the newest): its\n"
			"                             SHA-256 or its first 8 or more hex digits,\n"
			"                             latest, a document id (its newest version) or\n"
			"                             ID@VERSION (open-operations-manifesto@2)\n"
			"      --reaffirm             endorse again, with the current key, a version the\n"
			"                             organization endorsed with a key it has since\n"
			"                             rotated away or revoked: a withdrawal and the new\n"
			"                             endorsement, in one commit\n"
			"%s", sign_usage, common_help);
		return EXIT_VALID;
	}
	if (rc > 0)
		return EXIT_TROUBLE;
	if (require(3, (const char *const[]){"--key", "--name", "--url"},
		    (const char *const[]){o.key, o.name, o.url}) != EXIT_VALID)
		return EXIT_TROUBLE;
	st.type = ENDORSE_ENDORSE;
	st.org_name = xstrdup(o.name);
	st.org_url = xstrdup(o.url);
	st.document = xstrdup(o.document);
	st.time = xstrdup(o.time);
	return append(&st, &o);
}

static const char withdraw_usage[] = "endorse withdraw [-C DIR] --key ORG.key [--document VERSION]";

int
cmd_withdraw(int argc, char **argv)
{
	struct write_options o;
	endorse_statement st = {0};
	int rc = parse(&o, argc, argv, ALLOW(A(OPT_KEY), A(OPT_DOCUMENT)), withdraw_usage);

	if (rc < 0) {
		printf("usage: %s\n\n"
			"Ends the organization's endorsement of a document version.\n\n"
			"      --key ORG.key          the organization's current secret key\n"
			"      --document VERSION     the version (default: the newest one it endorses), as\n"
			"                             for sign: SHA-256, 8+ hex digits, latest, ID,\n"
			"                             ID@VERSION\n"
			"%s", withdraw_usage, common_help);
		return EXIT_VALID;
	}
	if (rc > 0)
		return EXIT_TROUBLE;
	if (o.key == NULL)
		return cli_error("--key is required");
	st.type = ENDORSE_WITHDRAW;
	st.document = xstrdup(o.document);
	st.time = xstrdup(o.time);
	return append(&st, &o);
}

static const char rotate_usage[] =
	"endorse rotate [-C DIR] --key OLD.key --new-key NEW.key [--new-passphrase-file FILE]";

int
cmd_rotate(int argc, char **argv)
{
	struct write_options o;
	endorse_statement st = {0};
	int rc = parse(&o, argc, argv, ALLOW(A(OPT_KEY), A(OPT_NEW_KEY), A(OPT_NEW_PASS)),
		rotate_usage);

	if (rc < 0) {
		printf("usage: %s\n\n"
			"Replaces the organization's current key by a new one (generate it first with\n"
			"endorse keygen under the same name). Both keys sign the rotation.\n\n"
			"      --key OLD.key              the current secret key\n"
			"      --new-key NEW.key          the new secret key\n"
			"      --new-passphrase-file FILE the new key's passphrase (default: the same\n"
			"                                 source as --passphrase-file)\n"
			"%s", rotate_usage, common_help);
		return EXIT_VALID;
	}
	if (rc > 0)
		return EXIT_TROUBLE;
	if (require(2, (const char *const[]){"--key", "--new-key"},
		    (const char *const[]){o.key, o.new_key}) != EXIT_VALID)
		return EXIT_TROUBLE;
	st.type = ENDORSE_ROTATE;
	st.time = xstrdup(o.time);
	return append(&st, &o);
}

/* --target as a key ID (8 hex digits, the form every output shows): the
 * key of that ID among those the log's organizations have held. */
static int
target_by_id(endorse_vkey *out, const char *id)
{
	endorse_verify_options vopt = {.on_problem = cli_print_problem};
	endorse_state *state = NULL;
	size_t found = 0;
	int rc = endorse_verify(&state, cli_log_root(), &vopt, NULL);

	if (rc != 0) {
		endorse_state_free(state);
		return cli_library_error(rc);
	}
	for (size_t i = 0; i < endorse_state_org_count(state); i++) {
		const endorse_org *org = endorse_state_org(state, i);
		for (size_t k = 0; k < endorse_org_key_count(org); k++) {
			bool revoked = false;
			const endorse_vkey *key = endorse_org_key(org, k, &revoked);
			char key_id[9];
			endorse_vkey_id_hex(key_id, key);
			if (strcmp(key_id, id) == 0 && found++ == 0)
				*out = *key;
		}
	}
	endorse_state_free(state);
	if (found == 1)
		return 0;
	if (found > 1)
		return cli_error("%zu keys of the log have the key ID %s: give the whole vkey "
			"(endorse audit --org ORG lists them)", found, id);
	return cli_error("no organization of the log has held a key with the ID %s "
		"(endorse audit --org ORG lists an organization's keys)", id);
}

static bool
is_key_id(const char *s)
{
	return s != NULL && strlen(s) == 8 && strspn(s, "0123456789abcdef") == 8;
}

static const char revoke_usage[] =
	"endorse revoke [-C DIR] --key KEY --target KEY-ID|VKEY --reason TEXT";

int
cmd_revoke(int argc, char **argv)
{
	struct write_options o;
	endorse_statement st = {0};
	endorse_vkey target;
	int rc = parse(&o, argc, argv, ALLOW(A(OPT_KEY), A(OPT_TARGET), A(OPT_REASON)), revoke_usage);

	if (rc < 0) {
		printf("usage: %s\n\n"
			"Revokes an organization's key: it signs nothing after this entry, and the\n"
			"organization has no current key until it signs a new endorsement with a new\n"
			"key. Signed by the organization's current key or by the log key.\n\n"
			"      --key KEY              the organization's current key, or the log key\n"
			"      --target KEY           the key to revoke: its key ID (8 hex digits, as\n"
			"                             endorse audit --org ORG lists the keys an\n"
			"                             organization has held), its vkey, or a .vkey file\n"
			"      --reason TEXT          why, 1 to 200 characters (no personal data)\n"
			"%s", revoke_usage, common_help);
		return EXIT_VALID;
	}
	if (rc > 0)
		return EXIT_TROUBLE;
	if (require(3, (const char *const[]){"--key", "--target", "--reason"},
		    (const char *const[]){o.key, o.target, o.reason}) != EXIT_VALID)
		return EXIT_TROUBLE;
	if (is_key_id(o.target) && access(o.target, F_OK) != 0
		    ? target_by_id(&target, o.target) != 0
		    : cli_read_vkey(&target, "--target", o.target) != 0)
		return EXIT_TROUBLE;
	char vkey[ENDORSE_VKEY_MAX];
	endorse_vkey_format(vkey, &target);
	st.type = ENDORSE_REVOKE;
	st.key = xstrdup(vkey);
	st.org_id = xstrdup(target.name);
	st.reason = xstrdup(o.reason);
	st.time = xstrdup(o.time);
	return append(&st, &o);
}
