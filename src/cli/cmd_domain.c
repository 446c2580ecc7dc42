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
		"      --cacert FILE          trust these CA certificates (default: the system's)\n"
		"      --timeout SECONDS      the whole check of one place (default 10)\n"
		"      --dns-server ADDR[:PORT]         ask this resolver (default: the system's)\n\n"
		"Without --resolve or --connect-to for ORG:443, https connects only to\n"
		"ORG's addresses, looked up once, all of which must be public. No proxy, no\n"
		"redirect, no cookie; a body over 65536 bytes is refused.\n\n"
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

/* keys/orgs/ORG.vkey of the log in the current directory. */
static int
read_pinned_key(endorse_vkey *out, const char *org)
{
	char path[sizeof(ENDORSE_ORGS_DIR) + ENDORSE_NAME_MAX + sizeof("/.vkey")];
	const char *problem = endorse_org_id_problem(org);

	if (problem != NULL) {
		fputs("endorse: '", stderr);
		cli_print_safe(stderr, org);
		fprintf(stderr, "' is not an organization id: %s\n", problem);
		return EXIT_TROUBLE;
	}
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
	size_t checked, failed;
	bool first_json;
};

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
			fputs(" (DNSSEC-validated)", f);
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
		fputs("::error title=endorse domain check ", stdout);
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
	for (int m = METHOD_HTTPS; m <= METHOD_DNS; m <<= 1) {
		if ((run->methods & m) == 0)
			continue;
		rc = endorse_domain_check_place(&places[n], org, vkey,
			m == METHOD_DNS ? ENDORSE_METHOD_DNS : ENDORSE_METHOD_HTTPS, &run->net);
		if (rc != 0)
			goto out;
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
		.quorum_optional = true, .rules_only = true};
	endorse_state *state = NULL;
	bool *is_new = NULL;
	int rc, code = EXIT_VALID;

	rc = base != NULL ? endorse_verify_base(&state, ".", base, NULL, &vopt, &count)
			  : endorse_verify(&state, ".", &vopt, &count);
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
		if ((rc = endorse_org_keys_new_since(is_new, state, ".", base)) != 0) {
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

static int
domain_check(int argc, char **argv)
{
	enum { OPT_BASE = 256, OPT_METHOD, OPT_FORMAT, OPT_RESOLVE, OPT_CONNECT_TO, OPT_CACERT,
		OPT_TIMEOUT, OPT_DNS_SERVER, OPT_KEY };
	static const struct option options[] = {
		{"base", required_argument, NULL, OPT_BASE},
		{"method", required_argument, NULL, OPT_METHOD},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"resolve", required_argument, NULL, OPT_RESOLVE},
		{"connect-to", required_argument, NULL, OPT_CONNECT_TO},
		{"cacert", required_argument, NULL, OPT_CACERT},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"dns-server", required_argument, NULL, OPT_DNS_SERVER},
		{"key", required_argument, NULL, OPT_KEY},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *resolve[MAX_NET_ENTRIES], *connect_to[MAX_NET_ENTRIES];
	const char *base = NULL, *key_arg = NULL, *method = "any", *format = "text";
	struct check_run run = {.first_json = true};
	uint64_t seconds = 10;
	endorse_vkey key;
	int c, code;

	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return EXIT_TROUBLE;
			break;
		case OPT_BASE: base = optarg; break;
		case OPT_METHOD: method = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_RESOLVE:
		case OPT_CONNECT_TO: {
			size_t *n = c == OPT_RESOLVE ? &run.net.resolve_count : &run.net.connect_to_count;
			if (*n == MAX_NET_ENTRIES)
				return cli_error("at most %d --resolve and %d --connect-to entries",
					MAX_NET_ENTRIES, MAX_NET_ENTRIES);
			(c == OPT_RESOLVE ? resolve : connect_to)[(*n)++] = optarg;
			break;
		}
		case OPT_CACERT: run.net.cacert = optarg; break;
		case OPT_TIMEOUT:
			if (!cli_parse_u64(&seconds, optarg, 600) || seconds == 0)
				return cli_error("--timeout takes a number of seconds from 1 to 600");
			break;
		case OPT_DNS_SERVER: run.net.dns_server = optarg; break;
		case OPT_KEY: key_arg = optarg; break;
		case 'h': return help();
		default: return cli_usage(usage_text);
		}
	}
	run.net.resolve = resolve;
	run.net.connect_to = connect_to;
	run.net.timeout_ms = (long)seconds * 1000;
	if (strcmp(method, "https") == 0)
		run.methods = METHOD_HTTPS;
	else if (strcmp(method, "dns") == 0)
		run.methods = METHOD_DNS;
	else if (strcmp(method, "any") == 0)
		run.methods = METHOD_ANY;
	else
		return cli_error("unknown method '%s': use https, dns or any", method);
	if (strcmp(format, "text") == 0)
		run.format = FORMAT_TEXT;
	else if (strcmp(format, "json") == 0)
		run.format = FORMAT_JSON;
	else if (strcmp(format, "github") == 0)
		run.format = FORMAT_GITHUB;
	else
		return cli_error("unknown format '%s': use text, json or github", format);
	if (key_arg != NULL && (base != NULL || argc - optind > 1))
		return cli_error("--key checks one organization: no --base, at most one ORG");
	if (run.net.cacert != NULL && access(run.net.cacert, R_OK) != 0)
		return cli_error("--cacert %s: cannot be read", run.net.cacert);
	for (int i = optind; i < argc; i++)
		if (!endorse_name_is_org_id(argv[i])) {
			fputs("endorse: '", stderr);
			cli_print_safe(stderr, argv[i]);
			fprintf(stderr, "' is not an organization id: %s\n",
				endorse_org_id_problem(argv[i]));
			return EXIT_TROUBLE;
		}
	if (run.format == FORMAT_JSON)
		printf("{\"schema\":\"endorse-domain-check/1\",\"organizations\":[");
	if (key_arg != NULL) {
		if ((code = read_key_arg(&key, key_arg)) != 0)
			goto out;
		if (!endorse_name_is_org_id(key.name) || key.type != ENDORSE_KEY_ED25519 ||
		    (optind < argc && strcmp(argv[optind], key.name) != 0)) {
			code = cli_error("--key must be the organization's key (named %s)",
				optind < argc ? argv[optind] : "after its domain");
			goto out;
		}
		int rc = check_org(&run, key.name, &key);
		code = rc != 0 ? cli_library_error(rc) : EXIT_VALID;
	} else {
		code = check_log(&run, argv + optind, (size_t)(argc - optind), base);
	}
out:
	if (code == EXIT_VALID && run.failed > 0)
		code = EXIT_INVALID;
	if (run.format == FORMAT_JSON) {
		printf("],\"checked\":%zu,\"failed\":%zu,\"ok\":%s}\n", run.checked, run.failed,
			code == EXIT_VALID ? "true" : "false");
	} else if (code != EXIT_TROUBLE) {
		if (run.checked == 0)
			printf("no organization to check%s\n",
				base != NULL ? " (no current key is new since the base)" : "");
		else
			printf("%zu of %zu organization%s checked publish their current key\n",
				run.checked - run.failed, run.checked, run.checked == 1 ? "" : "s");
	}
	return cli_finish(code);
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
