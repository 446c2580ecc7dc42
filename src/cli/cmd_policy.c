/* endorse policy: show keys/policy, add a witness, set the quorum. Each
 * change is one commit (one storage transaction, policy_edit.c), refused
 * unless the new policy parses as verify parses it. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const char usage[] =
	"endorse policy [-C DIR] show\n"
	"       endorse policy [-C DIR] [--no-commit] add-witness NAME VKEY|FILE [URL]\n"
	"       endorse policy [-C DIR] [--no-commit] set-quorum none|NAME|K NAME...";

static int
help(void)
{
	printf("usage: %s\n\n"
		"keys/policy (a C2SP tlog-policy) names the log key, the witnesses that cosign\n"
		"log/checkpoint and the quorum of them that readers require.\n\n"
		"  show                       the log key, each witness, the quorum and how many\n"
		"                             witnesses a new checkpoint waits for\n"
		"  add-witness NAME VKEY [URL]\n"
		"                             adds the line 'witness NAME VKEY [URL]' after the\n"
		"                             last witness: NAME new (A-Z a-z 0-9 . _ -), VKEY a\n"
		"                             witness key (endorse keygen --witness; the vkey or a\n"
		"                             file holding it) not listed yet, URL where endorse\n"
		"                             witness request sends the checkpoint: https://...\n"
		"                             (http://... for a witness behind no TLS)\n"
		"  set-quorum none|NAME|K NAME...\n"
		"                             the quorum: none, a witness or group of the policy,\n"
		"                             or K (a number, any or all) of the names given,\n"
		"                             written as the group endorse-quorum\n\n"
		"  -C DIR                     run as if started in DIR (like git -C)\n"
		"      --no-commit            write keys/policy but make no git commit (by default,\n"
		"                             in a git work tree, each change is one commit)\n\n"
		"Nothing signs keys/policy (it is not in the log): review its commits like\n"
		"code. verify --history checks that every version keeps the log key, and\n"
		"--log-key pins it from outside the repository.\n\n"
		"Examples:\n"
		"  endorse policy add-witness net witness.example.net+3e9e4073+BPGJ...\n"
		"  endorse policy set-quorum 2 net org coop\n", usage);
	return EXIT_VALID;
}

static int
show(void)
{
	endorse_policy *p = NULL;
	char vkey[ENDORSE_VKEY_MAX], *quorum = NULL;
	size_t missing;

	if (cli_load_policy(&p) != 0 ||
	    endorse_policy_quorum_describe(&quorum, p) != 0) {
		endorse_policy_free(p);
		return cli_library_error(ENDORSE_EINVALID);
	}
	endorse_vkey_format(vkey, endorse_policy_log_key(p));
	printf("log       ");
	cli_print_safe(stdout, vkey);
	printf("\n");
	for (size_t i = 0; i < endorse_policy_witness_count(p); i++) {
		endorse_vkey_format(vkey, endorse_policy_witness_key(p, i));
		printf("witness   ");
		cli_print_safe(stdout, endorse_policy_witness_name(p, i));
		printf(" ");
		cli_print_safe(stdout, vkey);
		if (endorse_policy_witness_url(p, i) != NULL) {
			printf(" ");
			cli_print_safe(stdout, endorse_policy_witness_url(p, i));
		}
		printf("\n");
	}
	missing = endorse_policy_quorum_missing(p, NULL);
	printf("quorum    ");
	cli_print_safe(stdout, quorum);
	printf(": a new checkpoint waits for %zu witness%s\n", missing, missing == 1 ? "" : "es");
	free(quorum);
	endorse_policy_free(p);
	return EXIT_VALID;
}

static int
report(int rc, const endorse_policy_change *c, const char *what)
{
	cli_report_completed(c->completed_hex);
	if (rc != 0)
		return cli_library_error(rc);
	printf("keys/policy: %s\n", what);
	if (c->commit_hex[0] != '\0')
		printf("committed %.12s on the current branch\n", c->commit_hex);
	return EXIT_VALID;
}

static int
add_witness(endorse_policy_change *c, int argc, char **argv)
{
	endorse_vkey key;
	char vkey[ENDORSE_VKEY_MAX];

	if (argc < 2 || argc > 3)
		return cli_usage(usage);
	if (cli_read_vkey(&key, "VKEY", argv[1]) != 0)
		return EXIT_TROUBLE;
	endorse_vkey_format(vkey, &key);
	return report(endorse_policy_add_witness(c, argv[0], vkey, argc == 3 ? argv[2] : NULL), c,
		"witness added; a checkpoint's cosignature by it counts from now on");
}

int
cmd_policy(int argc, char **argv)
{
	static const struct option options[] = {
		{"no-commit", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	endorse_policy_change c = {.commit = true};
	const char *sub;
	int ch;

	while ((ch = getopt_long(argc, argv, "+C:h", options, NULL)) != -1) {
		switch (ch) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return EXIT_TROUBLE;
			break;
		case 'n': c.commit = false; break;
		case 'h': return help();
		default: return cli_usage(usage);
		}
	}
	if (optind >= argc)
		return cli_usage(usage);
	c.dir = cli_log_root(); /* after -C */
	sub = argv[optind++];
	if (strcmp(sub, "show") == 0)
		return optind == argc ? show() : cli_usage(usage);
	if (strcmp(sub, "add-witness") == 0)
		return add_witness(&c, argc - optind, argv + optind);
	if (strcmp(sub, "set-quorum") == 0)
		return optind < argc ? report(endorse_policy_set_quorum(&c,
			(const char *const *)(argv + optind), (size_t)(argc - optind)), &c,
			"quorum set") : cli_usage(usage);
	cli_error("unknown policy command '%s': use show, add-witness or set-quorum", sub);
	return EXIT_TROUBLE;
}
