/* endorse domain: what an organisation publishes through its domain
 * (SPEC.md §7), and a live check that it does. Everything a place answers is
 * a stranger's bytes: it is printed only through the safe printers, and at
 * most LISTED_SHOWN of the keys a place lists are shown. */
#define _GNU_SOURCE /* open_memstream */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "key_files.h"
#include "util.h"

#define LISTED_SHOWN 5
#define MAX_NET_ENTRIES 64

static const char usage_text[] =
	"endorse domain publish [-C DIR] ORG | --key FILE|NAME\n"
	"       endorse domain check [-C DIR] [ORG...] [--key FILE|NAME] [--base REV]\n"
	"              [--method https|dns|any] [--format text|json|github]\n"
	"              [--resolve HOST:PORT:ADDR]... [--connect-to HOST1:PORT1:HOST2:PORT2]...\n"
	"              [--cacert FILE] [--timeout SECONDS] [--dns-server ADDR[:PORT]]";

static int
help(void)
{
	printf("usage: %s\n\n"
		"An organization proves that its domain speaks through its key by publishing\n"
		"the key's vkey at https://ORG/.well-known/endorse-keys (one vkey per line) or\n"
		"in a TXT record of _endorse.ORG (endorse-vkey=VKEY); SPEC.md section 7.\n\n"
		"  publish   prints exactly what to publish: the well-known file's body and the\n"
		"            TXT record, each after one line of instructions. The key is\n"
		"            keys/orgs/ORG.vkey of the log, or --key: a vkey, a .vkey file, or\n"
		"            the name of a key made by keygen.\n"
		"  check     checks live, for every organization with a current key in the log\n"
		"            (or those named; --base REV: only those whose current key is new\n"
		"            since REV), whether its domain publishes that key, and reports\n"
		"            per place: published, not published (and which keys it lists), or\n"
		"            unreachable (why). With --key, checks that key's organization\n"
		"            against that key, without a log (before its first signature).\n\n"
		"Options of check:\n"
		"      --method M             https, dns, or any (default: both are checked,\n"
		"                             and either publishing the key is enough)\n"
		"      --format F             text (default), json, or github (workflow\n"
		"                             annotations saying what to publish where)\n"
		"      --resolve HOST:PORT:ADDR         connect to ADDR for HOST:PORT (curl's\n"
		"                             --resolve; repeatable)\n"
		"      --connect-to H1:P1:H2:P2         connect to H2:P2 instead of H1:P1\n"
		"                             (curl's --connect-to; repeatable)\n"
		"      --cacert FILE          trust only these CA certificates (default: the\n"
		"                             system's)\n"
		"      --timeout SECONDS      the whole check of one place (default 10)\n"
		"      --dns-server ADDR[:PORT]         ask this resolver (default: the system's)\n\n"
		"Without --resolve or --connect-to for ORG:443, https connects only to\n"
		"ORG's addresses, looked up once, all of which must be public (a\n"
		"--connect-to to another host name lets curl look that name up, unchecked).\n"
		"No proxy, no redirect, no cookie; a body over 65536 bytes is refused.\n\n"
		"Exit status: 0 every organization checked publishes its current key,\n"
		"1 one does not (or cannot be reached), 2 could not run.\n", usage_text);
	return EXIT_VALID;
}

/* A vkey given as text, a file, or the name of a key in the default key
 * directory (as the signing commands find a secret key). */
static int
read_key_arg(endorse_vkey *out, const char *arg)
{
	char *path = NULL;
	int rc;

	if (endorse_vkey_parse(out, arg, strlen(arg)) == 0 || access(arg, F_OK) == 0)
		return cli_read_vkey(out, "--key", arg);
	if ((path = cli_default_key_path(arg, "vkey")) == NULL || access(path, F_OK) != 0) {
		free(path);
		return cli_read_vkey(out, "--key", arg);  /* says it is neither */
	}
	rc = cli_read_vkey(out, "--key", path);
	free(path);
	return rc;
}

/* 0 for an organization id (a domain: never an IP address, a URL or a
 * path), else EXIT_TROUBLE after saying why. */
static int
refuse_non_org_id(const char *org)
{
	const char *problem = endorse_org_id_problem(org);

	if (problem == NULL)
		return 0;
	fputs("endorse: '", stderr);
	cli_print_safe(stderr, org);
	fprintf(stderr, "' is not an organization id: %s\n", problem);
	return EXIT_TROUBLE;
}

/* keys/orgs/ORG.vkey of the log in the current directory. */
static int
read_pinned_key(endorse_vkey *out, const char *org)
{
	char path[sizeof(ENDORSE_ORGS_DIR) + ENDORSE_NAME_MAX + sizeof("/.vkey")];

	if (refuse_non_org_id(org) != 0)
		return EXIT_TROUBLE;
	(void)snprintf(path, sizeof(path), "%s/%s.vkey", ENDORSE_ORGS_DIR, org);
	if (access(path, F_OK) != 0)
		return cli_error("%s: no such file: %s has no current key in this log (give the key "
			"with --key)", path, org);
	return cli_read_vkey(out, path, path);
}

static int
domain_publish(int argc, char **argv)
{
	static const struct option options[] = {
		{"key", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *key_arg = NULL;
	char text[ENDORSE_VKEY_MAX], *body = NULL, *txt = NULL;
	endorse_vkey key;
	int c, code;

	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return EXIT_TROUBLE;
			break;
		case 'k': key_arg = optarg; break;
		case 'h': return help();
		default: return cli_usage(usage_text);
		}
	}
	if ((key_arg == NULL) == (optind + 1 != argc) || (key_arg != NULL && optind != argc))
		return cli_usage(usage_text);
	if ((code = key_arg != NULL ? read_key_arg(&key, key_arg)
				    : read_pinned_key(&key, argv[optind])) != 0)
		return code;
	endorse_vkey_format(text, &key);
	if (endorse_domain_published_texts(&body, &txt, text) != 0)
		return cli_library_error(ENDORSE_EUSAGE);
	/* the key's name passed endorse_name_is_org_id: plain DNS characters */
	printf("Serve this as https://%s/.well-known/endorse-keys (status 200, no redirect; "
		"one line per key):\n%s", key.name, body);
	printf("Or add this TXT record to _endorse.%s:\n%s\n", key.name, txt);
	free(body);
	free(txt);
	return cli_finish(EXIT_VALID);
}

enum { METHOD_HTTPS = 1, METHOD_DNS = 2, METHOD_ANY = 3 };
enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_GITHUB };

struct check_run {
	int methods, format;
	endorse_net_options net;
	const char *resolve[MAX_NET_ENTRIES], *connect_to[MAX_NET_ENTRIES];
	uint64_t seconds;
	size_t checked, failed;
	bool first_json;
	int published_by;  /* the last organisation checked: METHOD_* of the first place
			      that publishes its key (https before dns), or 0 */
};

/* The options of check and confirm that say how to reach the places. */
enum { OPT_METHOD = 256, OPT_RESOLVE, OPT_CONNECT_TO, OPT_CACERT, OPT_TIMEOUT,
	OPT_DNS_SERVER, OPT_NET_END };
#define NET_OPTIONS \
	{"method", required_argument, NULL, OPT_METHOD}, \
	{"resolve", required_argument, NULL, OPT_RESOLVE}, \
	{"connect-to", required_argument, NULL, OPT_CONNECT_TO}, \
	{"cacert", required_argument, NULL, OPT_CACERT}, \
	{"timeout", required_argument, NULL, OPT_TIMEOUT}, \
	{"dns-server", required_argument, NULL, OPT_DNS_SERVER}

/* Takes one of NET_OPTIONS into run: 0, or EXIT_TROUBLE after saying why. */
static int
net_option(struct check_run *run, int c, const char *arg)
{
	switch (c) {
	case OPT_METHOD:
		if (strcmp(arg, "https") == 0)
			run->methods = METHOD_HTTPS;
		else if (strcmp(arg, "dns") == 0)
			run->methods = METHOD_DNS;
		else if (strcmp(arg, "any") == 0)
			run->methods = METHOD_ANY;
		else
			return cli_error("unknown method '%s': use https, dns or any", arg);
		return 0;
	case OPT_RESOLVE:
	case OPT_CONNECT_TO: {
		size_t *n = c == OPT_RESOLVE ? &run->net.resolve_count : &run->net.connect_to_count;
		if (*n == MAX_NET_ENTRIES)
			return cli_error("at most %d --resolve and %d --connect-to entries",
				MAX_NET_ENTRIES, MAX_NET_ENTRIES);
		(c == OPT_RESOLVE ? run->resolve : run->connect_to)[(*n)++] = arg;
		return 0;
	}
	case OPT_CACERT:
		if (access(arg, R_OK) != 0)
			return cli_error("--cacert %s: cannot be read", arg);
		run->net.cacert = arg;
		return 0;
	case OPT_TIMEOUT:
		if (!cli_parse_u64(&run->seconds, arg, 600) || run->seconds == 0)
			return cli_error("--timeout takes a number of seconds from 1 to 600");
		return 0;
	case OPT_DNS_SERVER:
		run->net.dns_server = arg;
		return 0;
	default:
		return cli_error("internal error: option %d is not a network option", c);
	}
}

/* Before any option: both methods, 10 seconds. */
static void
net_defaults(struct check_run *run)
{
	memset(run, 0, sizeof(*run));
	run->first_json = true;
	run->methods = METHOD_ANY;
	run->seconds = 10;
	run->net.resolve = run->resolve;
	run->net.connect_to = run->connect_to;
}

/* One place's finding in words (a stranger's bytes inside: the caller
 * prints it through a safe printer), malloc'd. */
static char *
describe_place(const endorse_place_check *p)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (f == NULL)
		return NULL;
	fprintf(f, "%s: ", endorse_domain_method_name(p->method));
	if (p->status == ENDORSE_PLACE_UNREACHABLE) {
		fprintf(f, "unreachable: %s", p->reason != NULL ? p->reason : "unknown");
	} else {
		fputs(p->status == ENDORSE_PLACE_PUBLISHED ? "published" : "not published", f);
		if (p->status == ENDORSE_PLACE_NOT_PUBLISHED) {
			fprintf(f, " (lists %zu other key%s", p->listed_count,
				p->listed_count == 1 ? "" : "s");
			for (size_t i = 0; i < p->listed_count && i < LISTED_SHOWN; i++)
				fprintf(f, "%s%s", i == 0 ? ": " : ", ", p->listed[i]);
			if (p->listed_count > LISTED_SHOWN)
				fprintf(f, " and %zu more", p->listed_count - LISTED_SHOWN);
			fputc(')', f);
		}
		if (p->invalid_count > 0)
			fprintf(f, "; %zu %s not a vkey", p->invalid_count,
				p->method == ENDORSE_METHOD_DNS
					? (p->invalid_count == 1 ? "endorse-vkey record is" : "endorse-vkey records are")
					: (p->invalid_count == 1 ? "line is" : "lines are"));
		if (p->dnssec)
			fputs(" (DNSSEC-validated, says the resolver)", f);
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static const char *
status_name(endorse_place_status s)
{
	return s == ENDORSE_PLACE_PUBLISHED ? "published"
		: s == ENDORSE_PLACE_NOT_PUBLISHED ? "not-published" : "unreachable";
}

static void
print_json_place(const endorse_place_check *p)
{
	printf("{\"method\":\"%s\",\"status\":\"%s\",\"listed\":[",
		endorse_domain_method_name(p->method), status_name(p->status));
	for (size_t i = 0; i < p->listed_count && i < LISTED_SHOWN; i++) {
		if (i > 0)
			putchar(',');
		cli_print_json_string(stdout, p->listed[i]);
	}
	printf("],\"listed_count\":%zu,\"invalid_count\":%zu,\"reason\":", p->listed_count,
		p->invalid_count);
	if (p->reason != NULL)
		cli_print_json_string(stdout, p->reason);
	else
		fputs("null", stdout);
	printf(",\"dnssec\":%s}", p->dnssec ? "true" : "false");
}

static void
print_org(struct check_run *run, const char *org, const char *vkey,
	const endorse_place_check *places, size_t n, bool published)
{
	char *words[2] = {NULL, NULL};

	for (size_t i = 0; i < n; i++)
		words[i] = describe_place(&places[i]);
	if (run->format == FORMAT_JSON) {
		printf("%s{\"id\":", run->first_json ? "" : ",");
		run->first_json = false;
		cli_print_json_string(stdout, org);
		fputs(",\"key\":", stdout);
		cli_print_json_string(stdout, vkey);
		printf(",\"published\":%s,\"places\":[", published ? "true" : "false");
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				putchar(',');
			print_json_place(&places[i]);
		}
		fputs("]}", stdout);
	} else {
		for (size_t i = 0; i < n; i++) {
			cli_print_safe(stdout, org);
			fputs(": ", stdout);
			cli_print_safe(stdout, words[i] != NULL ? words[i] : "(out of memory)");
			putchar('\n');
		}
	}
	if (run->format == FORMAT_GITHUB && !published) {
		/* on the pin of the key (the file a pull request adds): the
		 * workflow's .ci/stop-commands passes exactly the "::error file="
		 * lines through as annotations */
		fputs("::error file=" ENDORSE_ORGS_DIR "/", stdout);
		cli_print_github_escaped(org, true);
		fputs(".vkey,title=endorse domain check ", stdout);
		cli_print_github_escaped(org, true);
		fputs("::", stdout);
		cli_print_github_escaped(org, false);
		fputs(" does not publish its current key. Put the line ", stdout);
		cli_print_github_escaped(vkey, false);
		fputs(" in https://", stdout);
		cli_print_github_escaped(org, false);
		fputs("/.well-known/endorse-keys or add the TXT record endorse-vkey=", stdout);
		cli_print_github_escaped(vkey, false);
		fputs(" to _endorse.", stdout);
		cli_print_github_escaped(org, false);
		fputs(" (endorse domain publish prints both). Found:", stdout);
		for (size_t i = 0; i < n; i++) {
			fputs(i == 0 ? " " : "; ", stdout);
			cli_print_github_escaped(words[i] != NULL ? words[i] : "?", false);
		}
		putchar('\n');
	}
	free(words[0]);
	free(words[1]);
}

/* Checks one organisation's places; 0 or a library error. */
static int
check_org(struct check_run *run, const char *org, const endorse_vkey *key)
{
	endorse_place_check places[2];
	char vkey[ENDORSE_VKEY_MAX];
	size_t n = 0;
	bool published = false;
	int rc = 0;

	endorse_vkey_format(vkey, key);
	run->published_by = 0;
	for (int m = METHOD_HTTPS; m <= METHOD_DNS; m <<= 1) {
		if ((run->methods & m) == 0)
			continue;
		rc = endorse_domain_check_place(&places[n], org, vkey,
			m == METHOD_DNS ? ENDORSE_METHOD_DNS : ENDORSE_METHOD_HTTPS, &run->net);
		if (rc != 0)
			goto out;
		if (!published && places[n].status == ENDORSE_PLACE_PUBLISHED)
			run->published_by = m;
		published = published || places[n].status == ENDORSE_PLACE_PUBLISHED;
		n++;
	}
	run->checked++;
	run->failed += !published;
	print_org(run, org, vkey, places, n, published);
out:
	for (size_t i = 0; i < n; i++)
		endorse_place_check_clear(&places[i]);
	return rc;
}

static void
count_problem(void *ctx, const endorse_problem *p)
{
	(void)p;
	(*(uint64_t *)ctx)++;
}

/* The organisations of the log (all with a current key, those named, or
 * those whose key is new since base), each checked. */
static int
check_log(struct check_run *run, char **orgs, size_t norgs, const char *base)
{
	uint64_t problems = 0, count = 0;
	endorse_verify_options vopt = {.on_problem = count_problem, .ctx = &problems,
		.quorum_optional = true, .want = ENDORSE_WANT_VERDICT};
	endorse_state *state = NULL;
	bool *is_new = NULL;
	int rc, code = EXIT_VALID;

	rc = base != NULL ? endorse_verify_base(&state, cli_log_root(), base, NULL, &vopt, &count, NULL)
			  : endorse_verify(&state, cli_log_root(), &vopt, &count);
	if (rc == ENDORSE_EINVALID) {
		code = cli_error("the log does not verify (%llu problem%s): 'endorse verify%s%s' "
			"says which; no domain is checked against an invalid log",
			(unsigned long long)problems, problems == 1 ? "" : "s",
			base != NULL ? " --base " : "", base != NULL ? base : "");
		goto out;
	}
	if (rc != 0) {
		code = cli_library_error(rc);
		goto out;
	}
	for (size_t i = 0; i < norgs; i++) {
		const endorse_org *org = endorse_state_find_org(state, orgs[i]);
		if (org == NULL || !org->has_key) {
			fputs("endorse: ", stderr);
			cli_print_safe(stderr, orgs[i]);
			fputs(" has no current key in the log (check a key before its first "
				"signature with --key)\n", stderr);
			code = EXIT_TROUBLE;
			goto out;
		}
	}
	if (base != NULL) {
		if ((is_new = calloc(endorse_state_org_count(state) + 1, sizeof(*is_new))) == NULL) {
			code = cli_error("out of memory");
			goto out;
		}
		if ((rc = endorse_org_keys_new_since(is_new, state, cli_log_root(), base)) != 0) {
			code = cli_library_error(rc);
			goto out;
		}
	}
	for (size_t i = 0; i < endorse_state_org_count(state); i++) {
		const endorse_org *org = endorse_state_org(state, i);
		bool named = norgs == 0;

		for (size_t j = 0; j < norgs; j++)
			named = named || strcmp(orgs[j], org->id) == 0;
		if (!org->has_key || !named || (is_new != NULL && !is_new[i]))
			continue;
		if ((rc = check_org(run, org->id, &org->key)) != 0) {
			code = cli_library_error(rc);
			goto out;
		}
	}
out:
	free(is_new);
	endorse_state_free(state);
	return code;
}

/* What domain check's command line asked for, besides run. */
struct check_args {
	const char *base, *key;
};

/* Reads the options into a and run; false, with the exit code in *code, to
 * stop. */
static bool
parse_check_args(int *code, struct check_args *a, struct check_run *run, int argc, char **argv)
{
	enum { OPT_BASE = OPT_NET_END, OPT_FORMAT, OPT_KEY };
	static const struct option options[] = {
		NET_OPTIONS,
		{"base", required_argument, NULL, OPT_BASE},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"key", required_argument, NULL, OPT_KEY},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "text";
	int c;

	*a = (struct check_args){NULL, NULL};
	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return cli_stop(code, EXIT_TROUBLE);
			break;
		case OPT_BASE: a->base = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_KEY: a->key = optarg; break;
		case 'h': return cli_stop(code, help());
		default:
			if (c >= OPT_METHOD && c < OPT_NET_END) {
				if (net_option(run, c, optarg) != 0)
					return cli_stop(code, EXIT_TROUBLE);
				break;
			}
			return cli_stop(code, cli_usage(usage_text));
		}
	}
	run->net.timeout_ms = (long)run->seconds * 1000;
	if (strcmp(format, "text") == 0)
		run->format = FORMAT_TEXT;
	else if (strcmp(format, "json") == 0)
		run->format = FORMAT_JSON;
	else if (strcmp(format, "github") == 0)
		run->format = FORMAT_GITHUB;
	else
		return cli_stop(code, cli_error("unknown format '%s': use text, json or github", format));
	return true;
}

/* --key: checks the one key given (of org, or of the organisation it names
 * when org is NULL); the exit code. */
static int
check_key_arg(struct check_run *run, const char *key_arg, const char *org)
{
	endorse_vkey key;
	int code, rc;

	if ((code = read_key_arg(&key, key_arg)) != 0)
		return code;
	if (!endorse_name_is_org_id(key.name) || key.type != ENDORSE_KEY_ED25519 ||
	    (org != NULL && strcmp(org, key.name) != 0))
		return cli_error("--key must be the organization's key (named %s)",
			org != NULL ? org : "after its domain");
	rc = check_org(run, key.name, &key);
	return rc != 0 ? cli_library_error(rc) : EXIT_VALID;
}

/* The last words of a check that ended with code; the final exit code. */
static int
finish_check(const struct check_run *run, int code, const char *base)
{
	if (code == EXIT_VALID && run->failed > 0)
		code = EXIT_INVALID;
	if (run->format == FORMAT_JSON) {
		printf("],\"checked\":%zu,\"failed\":%zu,\"ok\":%s}\n", run->checked, run->failed,
			code == EXIT_VALID ? "true" : "false");
	} else if (code != EXIT_TROUBLE) {
		if (run->checked == 0)
			printf("no organization to check%s\n",
				base != NULL ? " (no current key is new since the base)" : "");
		else
			printf("%zu of %zu organization%s checked publish their current key\n",
				run->checked - run->failed, run->checked, run->checked == 1 ? "" : "s");
	}
	return cli_finish(code);
}

static int
domain_check(int argc, char **argv)
{
	struct check_args a;
	struct check_run run;
	int code;

	net_defaults(&run);
	if (!parse_check_args(&code, &a, &run, argc, argv))
		return code;
	if (a.key != NULL && (a.base != NULL || argc - optind > 1))
		return cli_error("--key checks one organization: no --base, at most one ORG");
	for (int i = optind; i < argc; i++)
		if (refuse_non_org_id(argv[i]) != 0)
			return EXIT_TROUBLE;
	if (run.format == FORMAT_JSON)
		printf("{\"schema\":\"endorse-domain-check/1\",\"organizations\":[");
	if (a.key != NULL)
		code = check_key_arg(&run, a.key, optind < argc ? argv[optind] : NULL);
	else
		code = check_log(&run, argv + optind, (size_t)(argc - optind), a.base);
	return finish_check(&run, code, a.base);
}

static const char confirm_usage[] =
	"endorse confirm [-C DIR] ORG --key LOG.key [--method https|dns|any]\n"
	"              [--resolve HOST:PORT:ADDR]... [--connect-to HOST1:PORT1:HOST2:PORT2]...\n"
	"              [--cacert FILE] [--timeout SECONDS] [--dns-server ADDR[:PORT]]\n"
	"              [--passphrase-file FILE] [--no-commit]";

static int
confirm_help(void)
{
	printf("usage: %s\n\n"
		"The log operator's signed record that ORG's domain publishes ORG's current key\n"
		"(SPEC.md sections 4 and 7). Checks live, as 'endorse domain check ORG' does,\n"
		"and only when a place publishes the key asks for the log key's passphrase and\n"
		"appends a confirm entry naming that place's method (https before dns), as one\n"
		"commit. Nothing to do when the current key is already confirmed.\n\n"
		"      --key LOG.key          the log's secret key\n"
		"      --method M             https, dns, or any (default: either place)\n"
		"      --passphrase-file FILE read the key's passphrase from FILE (- is standard\n"
		"                             input); without it, ask on the terminal\n"
		"      --no-commit            write the files but make no git commit\n"
		"  -C DIR, --resolve, --connect-to, --cacert, --timeout, --dns-server: as for\n"
		"  'endorse domain check' (see endorse domain --help)\n\n"
		"Exit status: 0 confirmed (or already), 1 the domain does not publish the key\n"
		"(nothing written) or the log is invalid, 2 could not run.\n", confirm_usage);
	return EXIT_VALID;
}

/* The organisation to confirm, from a verified log: it must have a current
 * key. *already when that key is confirmed. */
static int
confirm_target(endorse_vkey *key, bool *already, const char *org_id)
{
	uint64_t problems = 0, count = 0;
	endorse_verify_options vopt = {.on_problem = count_problem, .ctx = &problems,
		.quorum_optional = true, .want = ENDORSE_WANT_VERDICT};
	endorse_state *state = NULL;
	const endorse_org *org;
	int rc = endorse_verify(&state, cli_log_root(), &vopt, &count), code = EXIT_VALID;

	if (rc == ENDORSE_EINVALID) {
		code = EXIT_INVALID;
		cli_error("the log does not verify (%llu problem%s): 'endorse verify' says which; "
			"nothing is confirmed in an invalid log", (unsigned long long)problems,
			problems == 1 ? "" : "s");
		goto out;
	}
	if (rc != 0) {
		code = cli_library_error(rc);
		goto out;
	}
	if ((org = endorse_state_find_org(state, org_id)) == NULL || !org->has_key) {
		code = cli_error("%s has %s: it must sign an endorsement first, then its key can be "
			"confirmed", org_id, org == NULL ? "never endorsed anything in this log"
			: "no current key (its key was revoked)");
		goto out;
	}
	*key = org->key;
	*already = org->confirmed;
	if (org->confirmed)
		printf("nothing to do: %s's current key %s was confirmed by the log operator on %s "
			"(published %s; entry %llu)\n", org_id, org->confirmation.key_id,
			org->confirmation.time, cli_confirm_place(org->confirmation.method),
			(unsigned long long)org->confirmation.seq);
out:
	endorse_state_free(state);
	return code;
}

/* What confirm's command line asked for, besides run. */
struct confirm_args {
	const char *key_path, *pass_file, *org_id;
	bool commit;
};

/* Reads the options into a and run; false, with the exit code in *code, to
 * stop. */
static bool
parse_confirm_args(int *code, struct confirm_args *a, struct check_run *run, int argc, char **argv)
{
	enum { OPT_KEY = OPT_NET_END, OPT_PASS, OPT_NO_COMMIT };
	static const struct option options[] = {
		NET_OPTIONS,
		{"key", required_argument, NULL, OPT_KEY},
		{"passphrase-file", required_argument, NULL, OPT_PASS},
		{"no-commit", no_argument, NULL, OPT_NO_COMMIT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*a = (struct confirm_args){.commit = true};
	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return cli_stop(code, EXIT_TROUBLE);
			break;
		case OPT_KEY: a->key_path = optarg; break;
		case OPT_PASS: a->pass_file = optarg; break;
		case OPT_NO_COMMIT: a->commit = false; break;
		case 'h': return cli_stop(code, confirm_help());
		default:
			if (c >= OPT_METHOD && c < OPT_NET_END) {
				if (net_option(run, c, optarg) != 0)
					return cli_stop(code, EXIT_TROUBLE);
				break;
			}
			return cli_stop(code, cli_usage(confirm_usage));
		}
	}
	if (optind + 1 != argc || a->key_path == NULL)
		return cli_stop(code, cli_usage(confirm_usage));
	if (refuse_non_org_id(a->org_id = argv[optind]) != 0)
		return cli_stop(code, EXIT_TROUBLE);
	run->net.timeout_ms = (long)run->seconds * 1000;
	return true;
}

/* Signs and appends the confirm of key found by method (METHOD_*); the
 * exit code. */
static int
append_confirm(const struct confirm_args *a, const endorse_vkey *key, int method)
{
	endorse_statement st = {0};
	endorse_secret_key *log_key = NULL;
	endorse_verify_options vopt = {.on_problem = cli_print_problem};
	endorse_append_request req = {.dir = cli_log_root(), .statement = &st, .commit = a->commit};
	endorse_write_result res = {0};
	char vkey[ENDORSE_VKEY_MAX];
	int rc, code;

	endorse_vkey_format(vkey, key);
	st.type = ENDORSE_CONFIRM;
	st.org_id = strdup(a->org_id);
	st.key = strdup(vkey);
	st.method = strdup(endorse_domain_method_name(method == METHOD_DNS
		? ENDORSE_METHOD_DNS : ENDORSE_METHOD_HTTPS));
	if (st.org_id == NULL || st.key == NULL || st.method == NULL) {
		code = cli_error("out of memory");
		goto out;
	}
	if (cli_load_key(&log_key, a->key_path, a->pass_file) != 0) {
		code = EXIT_TROUBLE;
		goto out;
	}
	req.key = log_key;
	rc = endorse_append_statement(&req, &vopt, &res);
	cli_report_completed(res.completed_hex);
	if (rc != 0) {
		code = cli_library_error(rc);
		goto out;
	}
	endorse_vkey_id_hex(vkey, key);
	printf("appended entry %llu to %s: confirm of %s's key %s, published %s\n",
		(unsigned long long)res.seq, ENDORSE_LOG_PATH, a->org_id, vkey,
		cli_confirm_place(st.method));
	if (res.commit_hex[0] != '\0')
		printf("committed %.12s on the current branch\n", res.commit_hex);
	code = EXIT_VALID;
out:
	endorse_secret_key_free(log_key);
	endorse_statement_clear(&st);
	return code;
}

int
cmd_confirm(int argc, char **argv)
{
	struct confirm_args a;
	struct check_run run;
	endorse_vkey key;
	bool already = false;
	int rc, code;

	net_defaults(&run);
	if (!parse_confirm_args(&code, &a, &run, argc, argv))
		return code;
	/* what needs no secret first: the log, the key to confirm, the live check */
	if ((code = confirm_target(&key, &already, a.org_id)) != EXIT_VALID || already)
		return code;
	if ((rc = check_org(&run, a.org_id, &key)) != 0)
		return cli_library_error(rc);
	if (run.published_by == 0) {
		printf("not confirmed: %s does not publish its current key; nothing was written. "
			"It publishes it with the lines 'endorse domain publish %s' prints\n", a.org_id,
			a.org_id);
		return EXIT_INVALID;
	}
	return append_confirm(&a, &key, run.published_by);
}

int
cmd_domain(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "publish") == 0)
		return domain_publish(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return domain_check(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return help();
	return cli_usage(usage_text);
}
