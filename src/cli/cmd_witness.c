/* endorse witness SUBCOMMAND: the C2SP tlog-witness protocol, both sides.
 * request (here) sends log/checkpoint to the policy's witnesses and keeps
 * their cosignatures; serve (cmd_witness_serve.c) is a witness on HTTP. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

#define TIMEOUT_DEFAULT 30
#define TIMEOUT_MAX 600

static const char usage[] =
	"endorse witness request [-C DIR] [--timeout SECONDS] [--cacert FILE] [--no-commit]\n"
	"       endorse witness serve --key KEY [--passphrase-file FILE] --listen ADDR:PORT\n"
	"                             --logs FILE --state DIR";

static int
help(void)
{
	printf("usage: %s\n\n"
		"The C2SP tlog-witness protocol (POST PREFIX/add-checkpoint), both sides.\n\n"
		"request: as the log operator, send log/checkpoint to each witness of\n"
		"keys/policy whose line has a URL ('witness NAME VKEY URL', the witness's\n"
		"submission prefix) and that has not cosigned it yet: from size 0 first, then,\n"
		"when the witness answers with the size it cosigned before (409), once more\n"
		"with the consistency proof from that size. Each answer's cosignature must\n"
		"verify with that witness's key in keys/policy; signature lines of other keys\n"
		"are ignored and counted. The valid ones are added to log/checkpoint in one\n"
		"write (one git commit). Redirects are not followed; no proxy is used.\n\n"
		"  -C DIR                     run as if started in DIR (like git -C): the\n"
		"                             repository holding keys/ and log/\n"
		"      --timeout SECONDS      the most time for each witness's answer (1 to %d,\n"
		"                             default %d)\n"
		"      --cacert FILE          trust only the CA certificates in FILE (PEM) for\n"
		"                             https:// witnesses (default: the system's)\n"
		"      --no-commit            write log/checkpoint but make no git commit (by\n"
		"                             default, in a git work tree, the write is one commit)\n\n"
		"Exit status: 0 log/checkpoint meets the policy's quorum, 1 the log or its\n"
		"checkpoint does not verify, 2 could not run, 3 still waiting for witnesses\n"
		"(each failure is said).\n\n"
		"serve: run a witness: cosign on request the checkpoints of the logs FILE lists\n"
		"(after checking that each extends the last one cosigned), and publish the\n"
		"latest cosigned checkpoint of each log (GET PREFIX/<hex SHA-256 of the\n"
		"origin>/checkpoint). Plain HTTP: put a TLS reverse proxy in front.\n\n"
		"      --key KEY              the witness's secret key (endorse keygen --witness\n"
		"                             NAME), a file or a key name\n"
		"      --passphrase-file FILE read the key's passphrase from FILE (- is standard\n"
		"                             input); without it, ask on the terminal\n"
		"      --listen ADDR:PORT     where to listen (port 0 picks a free port, printed\n"
		"                             on standard error)\n"
		"      --logs FILE            the logs to witness, in the logs/v0 list format\n"
		"      --state DIR            the witness's memory, as for endorse cosign --state\n\n"
		"Examples:\n"
		"  endorse policy add-witness net witness.example.net+3e9e4073+BPGJ... \\\n"
		"      https://witness.example.net/\n"
		"  endorse witness request\n"
		"  endorse witness serve --key witness.example.net --listen 127.0.0.1:8080 \\\n"
		"      --logs logs.txt --state /var/lib/endorse-witness\n",
		usage, TIMEOUT_MAX, TIMEOUT_DEFAULT);
	return EXIT_VALID;
}

/* One witness's outcome: done on standard output, failures on standard
 * error, everything the witness sent printed safely. */
static void
print_answer(const endorse_witness_answer *w)
{
	FILE *f = w->status == ENDORSE_WITNESS_FAILED ? stderr : stdout;

	fputs(f == stderr ? "endorse: witness " : "witness ", f);
	cli_print_safe(f, w->name);
	switch (w->status) {
	case ENDORSE_WITNESS_NO_URL:
		fputs(": not asked, keys/policy gives it no URL", f);
		break;
	case ENDORSE_WITNESS_ALREADY:
		fputs(": already cosigned, not asked", f);
		break;
	case ENDORSE_WITNESS_COSIGNED:
		fputs(": cosigned", f);
		break;
	case ENDORSE_WITNESS_FAILED:
		fputs(": no cosignature: ", f);
		cli_print_safe(f, w->message != NULL ? w->message : "out of memory");
		break;
	}
	if (w->ignored > 0)
		fprintf(f, " (%zu signature line%s of other keys in its answer ignored)", w->ignored,
			w->ignored == 1 ? "" : "s");
	fputc('\n', f);
}

static int
report(const endorse_witness_outcome *out)
{
	char *quorum = NULL;
	endorse_policy *policy = NULL;

	for (size_t i = 0; i < out->count; i++)
		print_answer(&out->answers[i]);
	if (out->count == 0)
		printf("keys/policy names no witness: nothing to ask\n");
	if (out->added > 0) {
		printf("added %zu cosignature%s to the checkpoint of %llu entries of ", out->added,
			out->added == 1 ? "" : "s", (unsigned long long)out->checkpoint.size);
		cli_print_safe(stdout, out->checkpoint.origin);
		printf("\n");
	}
	if (out->commit_hex[0] != '\0')
		printf("committed %.12s on the current branch\n", out->commit_hex);
	if (out->quorum) {
		printf("log/checkpoint meets the policy's quorum\n");
		return EXIT_VALID;
	}
	if (cli_load_policy(&policy) == 0 && endorse_policy_quorum_describe(&quorum, policy) == 0) {
		fprintf(stderr, "endorse: log/checkpoint still waits for its witnesses (policy quorum ");
		cli_print_safe(stderr, quorum);
		fprintf(stderr, "): verify reports it as PENDING\n");
	}
	free(quorum);
	endorse_policy_free(policy);
	return EXIT_PENDING;
}

static int
request(int argc, char **argv)
{
	static const struct option options[] = {
		{"timeout", required_argument, NULL, 't'},
		{"cacert", required_argument, NULL, 'a'},
		{"no-commit", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	endorse_verify_options vopt = {.on_problem = cli_print_problem};
	endorse_witness_request req = {.timeout_ms = TIMEOUT_DEFAULT * 1000L, .commit = true};
	endorse_witness_outcome out = {0};
	uint64_t seconds;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return EXIT_TROUBLE;
			break;
		case 't':
			if (!cli_parse_u64(&seconds, optarg, TIMEOUT_MAX) || seconds == 0)
				return cli_error("--timeout takes seconds, 1 to %d", TIMEOUT_MAX);
			req.timeout_ms = (long)seconds * 1000L;
			break;
		case 'n': req.commit = false; break;
		case 'a': req.cacert = optarg; break;
		case 'h': return help();
		default: return cli_usage(usage);
		}
	}
	if (optind != argc)
		return cli_usage(usage);
	req.dir = cli_log_root(); /* after -C */
	rc = endorse_witness_request_all(&req, &vopt, &out);
	cli_report_completed(out.completed_hex);
	if (rc != 0) {
		for (size_t i = 0; i < out.count; i++)
			if (out.answers[i].status == ENDORSE_WITNESS_FAILED)
				print_answer(&out.answers[i]);
		rc = cli_library_error(rc);
	} else {
		rc = report(&out);
	}
	endorse_witness_outcome_clear(&out);
	return rc;
}

int
cmd_witness(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(usage);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return help();
	if (strcmp(argv[1], "request") == 0)
		return request(argc - 1, argv + 1);
	if (strcmp(argv[1], "serve") == 0)
		return cmd_witness_serve(argc - 1, argv + 1);
	cli_error("unknown witness command '%s': use request or serve", argv[1]);
	return EXIT_TROUBLE;
}
