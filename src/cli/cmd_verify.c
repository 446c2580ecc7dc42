/* endorse verify: replay the whole log and report every problem. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_line[] = "endorse verify [-C DIR] [--format text|json]";

struct collected {
	endorse_problem *items;
	size_t count;
};

static void
collect(void *ctx, const endorse_problem *p)
{
	struct collected *c = ctx;
	endorse_problem *grown = realloc(c->items, (c->count + 1) * sizeof(*grown));

	if (grown == NULL)
		return;
	c->items = grown;
	c->items[c->count].file = strdup(p->file);
	c->items[c->count].line = p->line;
	c->items[c->count].rule = p->rule; /* static strings */
	c->items[c->count].message = strdup(p->message);
	c->count++;
}

static void
print_json(const endorse_state *state, const struct collected *c, int rc)
{
	printf("{\"schema\":\"endorse-verify/1\",\"valid\":%s", rc == 0 ? "true" : "false");
	if (state != NULL) {
		printf(",\"origin\":");
		cli_print_json_string(stdout, endorse_state_origin(state));
		printf(",\"entries\":%llu,\"documents\":%zu,\"organizations\":%zu",
			(unsigned long long)endorse_state_size(state), endorse_state_document_count(state),
			endorse_state_org_count(state));
	}
	printf(",\"problems\":[");
	for (size_t i = 0; i < c->count; i++) {
		printf("%s{\"file\":", i ? "," : "");
		cli_print_json_string(stdout, c->items[i].file ? c->items[i].file : "");
		printf(",\"line\":%llu,\"rule\":", (unsigned long long)c->items[i].line);
		cli_print_json_string(stdout, c->items[i].rule);
		printf(",\"message\":");
		cli_print_json_string(stdout, c->items[i].message ? c->items[i].message : "");
		printf("}");
	}
	printf("]}\n");
}

static bool
checkpoint_present(void)
{
	return access("log/checkpoint", F_OK) == 0;
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option options[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "text";
	struct collected problems = {NULL, 0};
	endorse_verify_options vopt = {cli_print_problem, NULL, NULL};
	endorse_state *state = NULL;
	uint64_t count = 0;
	int c, rc, code;

	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return EXIT_TROUBLE;
			break;
		case 'f': format = optarg; break;
		case 'h':
			printf("usage: %s\n\n"
				"Replays the log in DIR (default: .) and checks everything SPEC.md requires:\n"
				"keys/policy, every line's bytes and canonical JSON, seq and prev (the hash\n"
				"chain), every signature, the rules of each statement, and that keys/orgs\n"
				"pins exactly the organizations' current keys. Reports every problem as\n"
				"FILE:LINE: RULE: message on standard error.\n\n"
				"  -C DIR                     run as if started in DIR (like git -C): the\n"
				"                             repository holding keys/ and log/\n"
				"      --format text|json     the report's format (default: text)\n\n"
				"Exit status: 0 valid, 1 invalid, 2 could not run.\n", usage_line);
			return EXIT_VALID;
		default: return cli_usage(usage_line);
		}
	}
	if (optind != argc)
		return cli_usage(usage_line);
	if (strcmp(format, "json") == 0)
		vopt = (endorse_verify_options){collect, NULL, &problems};
	else if (strcmp(format, "text") != 0)
		return cli_error("unknown format '%s': use text or json", format);
	rc = endorse_verify(&state, ".", &vopt, &count);
	if (rc != 0 && rc != ENDORSE_EINVALID) {
		code = cli_library_error(rc);
		goto out;
	}
	code = rc == 0 ? EXIT_VALID : EXIT_INVALID;
	if (checkpoint_present())
		fprintf(stderr, "endorse: note: log/checkpoint is not checked by this version; "
			"only the log and keys/ are\n");
	if (strcmp(format, "json") == 0) {
		print_json(state, &problems, rc);
	} else if (rc == 0) {
		uint64_t n = endorse_state_size(state);
		size_t d = endorse_state_document_count(state), o = endorse_state_org_count(state);
		printf("%s: valid: %llu entr%s, %zu document version%s, %zu organization%s (origin ",
			ENDORSE_LOG_PATH, (unsigned long long)n, n == 1 ? "y" : "ies", d, d == 1 ? "" : "s",
			o, o == 1 ? "" : "s");
		cli_print_safe(stdout, endorse_state_origin(state));
		printf(")\n");
	} else {
		fprintf(stderr, "endorse: the log is INVALID: %llu problem%s found\n",
			(unsigned long long)count, count == 1 ? "" : "s");
	}
out:
	for (size_t i = 0; i < problems.count; i++) {
		free((char *)problems.items[i].file);
		free((char *)problems.items[i].message);
	}
	free(problems.items);
	endorse_state_free(state);
	return code;
}
