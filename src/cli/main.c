/* endorse: command table, one-time initialisation, exit codes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cli.h"
#include "util.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"keygen", cmd_keygen, "generate a key pair (organization, log or witness)"},
	{"key", cmd_key, "convert keys to and from the Go note format"},
	{"init", cmd_init, "create a log: keys/policy and its first document"},
	{"document", cmd_document, "register a new version of a document"},
	{"sign", cmd_sign, "endorse a document version as an organization"},
	{"withdraw", cmd_withdraw, "end an organization's endorsement"},
	{"rotate", cmd_rotate, "replace an organization's key"},
	{"revoke", cmd_revoke, "revoke a key"},
	{"rechain", cmd_rechain, "move a branch's new entries after another branch's"},
	{"verify", cmd_verify, "check the log, its git history, or a pull request"},
	{"audit", cmd_audit, "list who endorses which document version"},
	{"domain", cmd_domain, "publish a key through a domain, and check it live"},
	{"confirm", cmd_confirm, "record in the log that a domain publishes its key"},
	{"policy", cmd_policy, "show keys/policy, add a witness, set the quorum"},
	{"checkpoint", cmd_checkpoint, "sign a checkpoint of the log (log operator)"},
	{"cosign", cmd_cosign, "cosign the log's checkpoint as a witness"},
	{"witness", cmd_witness, "ask the witnesses to cosign (request), or be one (serve)"},
	{"prove", cmd_prove, "print an offline proof that an entry is in the log"},
	{"verify-proof", cmd_verify_proof, "check an offline proof with no repository"},
	{"tiles", cmd_tiles, "write the log as C2SP tlog-tiles for a static web host"},
	{"note", cmd_note, "sign and verify C2SP signed notes"},
	{"tree", cmd_tree, "RFC 6962 roots and proofs of lines on standard input"},
};

static int
usage(FILE *f, int code)
{
	fprintf(f, "usage: endorse [-C DIR] COMMAND [OPTIONS]\n\n"
		"Verifiable endorsements of public documents: an append-only, hash-chained,\n"
		"signed log of who supports which version.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'endorse COMMAND --help' for a command's options.\n"
		"Commands that read or write a log work on the nearest directory, from the\n"
		"current one up, that holds keys/policy (or on -C DIR).\n"
		"Exit status: 0 valid or done, 1 the log or a signature is invalid,\n"
		"2 the command could not run (usage, I/O, missing file), 3 (verify, witness\n"
		"request) valid, but log/checkpoint waits for its witnesses.\n"
		"endorse --version (-V) prints the version.\n");
	return code;
}

int
main(int argc, char **argv)
{
	/* No core dump may ever hold a seed or a passphrase, and no other
	 * process of the same user may read this one's memory (ptrace,
	 * /proc/PID/mem): both before any secret is loaded. */
	struct rlimit no_core = {0, 0};

	if (setrlimit(RLIMIT_CORE, &no_core) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		cli_error("cannot disable core dumps: %s", strerror(errno));
		return EXIT_TROUBLE;
	}
	while (argc >= 3 && strcmp(argv[1], "-C") == 0) {
		if (cli_chdir(argv[2]) != 0)
			return EXIT_TROUBLE;
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		return usage(stderr, EXIT_TROUBLE);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return cli_finish(usage(stdout, EXIT_VALID));
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("endorse %s\n", ENDORSE_VERSION);
		return cli_finish(EXIT_VALID);
	}
	if (endorse_init() != 0)
		return cli_library_error(ENDORSE_EIO);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return cli_finish(commands[i].run(argc - 1, argv + 1));
	cli_error("unknown command '%s'", argv[1]);
	return usage(stderr, EXIT_TROUBLE);
}
