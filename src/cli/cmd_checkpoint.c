/* The transparency commands of a log repository: checkpoint (the
 * operator), cosign (a witness), prove (anyone with the repository) and
 * verify-proof (anyone, with only the proof, the entry and the policy). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli.h"
#include "key_files.h"
#include "util.h"

enum { OPT_KEY = 256, OPT_PASS, OPT_STATE, OPT_TIME, OPT_NO_COMMIT, OPT_POLICY, OPT_ENTRY };

static const char dir_help[] =
	"  -C DIR                     run as if started in DIR (like git -C): the\n"
	"                             repository holding keys/ and log/\n";
static const char write_help[] =
	"      --passphrase-file FILE read the key's passphrase from FILE (- is standard\n"
	"                             input); without it, ask on the terminal\n"
	"      --no-commit            write log/checkpoint but make no git commit (by\n"
	"                             default, in a git work tree, the write is one commit)\n";

struct options {
	const char *key, *pass_file, *state_dir, *policy, *entry;
	uint64_t time;
	bool has_time, no_commit;
};

/* Parses the options every command here shares; returns -1 after --help
 * (printed by help()), 1 on a usage error, 0 otherwise. */
static int
parse(struct options *o, int argc, char **argv, const char *usage, void (*help)(void))
{
	static const struct option options[] = {
		{"key", required_argument, NULL, OPT_KEY},
		{"passphrase-file", required_argument, NULL, OPT_PASS},
		{"state", required_argument, NULL, OPT_STATE},
		{"time", required_argument, NULL, OPT_TIME},
		{"no-commit", no_argument, NULL, OPT_NO_COMMIT},
		{"policy", required_argument, NULL, OPT_POLICY},
		{"entry", required_argument, NULL, OPT_ENTRY},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "C:h", options, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (cli_chdir(optarg) != 0)
				return 1;
			break;
		case OPT_KEY: o->key = optarg; break;
		case OPT_PASS: o->pass_file = optarg; break;
		case OPT_STATE: o->state_dir = optarg; break;
		case OPT_TIME:
			if (!cli_parse_u64(&o->time, optarg, INT64_MAX)) {
				cli_error("--time takes seconds since 1970 (a decimal, at most 2^63-1)");
				return 1;
			}
			o->has_time = true;
			break;
		case OPT_NO_COMMIT: o->no_commit = true; break;
		case OPT_POLICY: o->policy = optarg; break;
		case OPT_ENTRY: o->entry = optarg; break;
		case 'h': help(); return -1;
		default: cli_usage(usage); return 1;
		}
	}
	return 0;
}

static int
finish_parse(int rc)
{
	return rc < 0 ? EXIT_VALID : EXIT_TROUBLE;
}

static void
print_commit(const endorse_checkpoint_outcome *out)
{
	if (out->commit_hex[0] != '\0')
		printf("committed %.12s on the current branch\n", out->commit_hex);
}

/* ---- endorse checkpoint ---- */

static const char checkpoint_usage[] =
	"endorse checkpoint [-C DIR] --key LOG.key [--passphrase-file FILE] [--no-commit]";

static void
checkpoint_help(void)
{
	printf("usage: %s\n\n"
		"As the log operator, sign a C2SP checkpoint of the whole log (origin, number\n"
		"of entries, RFC 6962 root) into log/checkpoint, after verifying the log. The\n"
		"witnesses' cosignatures of the previous checkpoint are dropped: they cosigned\n"
		"another tree; ask them to cosign the new one (endorse cosign).\n\n"
		"%s      --key LOG.key          the log's secret key (the key of keys/policy's\n"
		"                             log line), a file or a key name\n%s\n"
		"Example:\n  endorse checkpoint --key openoperations.org/manifesto\n",
		checkpoint_usage, dir_help, write_help);
}

/* What a new checkpoint waits for: the policy's quorum, from no
 * cosignature (verify says PENDING until the witnesses cosign). */
static void
print_quorum_wait(void)
{
	endorse_policy *policy = NULL;
	char *quorum = NULL;
	size_t missing;

	if (cli_load_policy(&policy) != 0 ||
	    endorse_policy_quorum_describe(&quorum, policy) != 0) {
		endorse_policy_free(policy);
		return;
	}
	missing = endorse_policy_quorum_missing(policy, NULL);
	if (missing == 0) {
		printf("signed; no witness needed (policy quorum none): verify accepts it as it is\n");
	} else {
		printf("signed; waiting for %zu witness%s (policy quorum ", missing,
			missing == 1 ? "" : "es");
		cli_print_safe(stdout, quorum);
		printf("): until they cosign ('endorse cosign'; 'endorse witness request' asks those "
			"with a URL), verify reports the checkpoint as "
			"PENDING (exit status 3; --allow-pending exits 0)\n");
	}
	free(quorum);
	endorse_policy_free(policy);
}

int
cmd_checkpoint(int argc, char **argv)
{
	endorse_verify_options vopt = {.on_problem = cli_print_problem};
	endorse_checkpoint_outcome w = {0};
	endorse_secret_key *key = NULL;
	struct options o;
	char root[45];
	int rc;

	if ((rc = parse(&o, argc, argv, checkpoint_usage, checkpoint_help)) != 0)
		return finish_parse(rc);
	if (optind != argc || o.key == NULL || o.state_dir || o.policy || o.entry || o.has_time)
		return cli_usage(checkpoint_usage);
	if (cli_load_key(&key, o.key, o.pass_file) != 0)
		return EXIT_TROUBLE;
	endorse_checkpoint_request req = {.dir = cli_log_root(), .key = key, .commit = !o.no_commit};
	rc = endorse_checkpoint_sign(&req, &vopt, &w);
	cli_report_completed(w.completed_hex);
	endorse_secret_key_free(key);
	if (rc != 0)
		return cli_library_error(rc);
	if (w.unchanged) {
		printf("log/checkpoint already covers all %llu entries; nothing to sign\n",
			(unsigned long long)w.checkpoint.size);
		return EXIT_VALID;
	}
	sodium_bin2base64(root, sizeof(root), w.checkpoint.root, 32, sodium_base64_VARIANT_ORIGINAL);
	printf("signed the checkpoint of %llu entries, root %s\n",
		(unsigned long long)w.checkpoint.size, root);
	print_commit(&w);
	print_quorum_wait();
	return EXIT_VALID;
}

/* ---- endorse cosign ---- */

static const char cosign_usage[] =
	"endorse cosign [-C DIR] --key WITNESS.key [--state DIR] [--passphrase-file FILE] "
	"[--time UNIX] [--no-commit]";

static void
cosign_help(void)
{
	printf("usage: %s\n\n"
		"As a witness, verify the log and its checkpoint, check that the checkpoint\n"
		"extends the last one this witness cosigned for the log's origin, remember it,\n"
		"and add a C2SP cosignature/v1 line to log/checkpoint. A smaller tree than\n"
		"before (rollback) or another root for a size seen before (fork) is refused,\n"
		"exit 1, and both checkpoints are printed on standard error as evidence of a\n"
		"split view, each the exact signed note between its BEGIN and END lines\n"
		"(check one saved to a file with 'endorse note verify'): the one cosigned\n"
		"before, from the witness's state, and the one log/checkpoint shows now.\n\n"
		"%s      --key WITNESS.key      the witness's secret key (endorse keygen --witness)\n"
		"      --state DIR            where the witness remembers what it cosigned\n"
		"                             (default: ${XDG_STATE_HOME:-$HOME/.local/state}/endorse);\n"
		"                             keep it, and back it up: it is the witness's memory\n"
		"                             (a directory, not a symbolic link to one)\n"
		"      --time UNIX            the cosignature's time, seconds since 1970 (default:\n"
		"                             now)\n%s\n"
		"Example (make the key once, send its vkey to the log's maintainers):\n"
		"  endorse keygen --witness witness.example.net\n"
		"  endorse cosign --key witness.example.net\n",
		cosign_usage, dir_help, write_help);
}

/* Whether text holds what the GitHub Actions runner takes for a workflow
 * command: a line that cli_safe_strdup would change beyond what
 * cli_safe_strdup_data does (the one definition, util.c: "##[" anywhere,
 * "::" at a line's start after the runner's white space or U+2028/U+2029). */
static bool
has_workflow_command(const char *text)
{
	bool found = false;

	for (const char *line = text; !found && *line != '\0';) {
		size_t n = strcspn(line, "\n");
		char *copy = strndup(line, n), *safe = NULL, *data = NULL;

		found = copy == NULL || (safe = cli_safe_strdup(copy)) == NULL ||
			(data = cli_safe_strdup_data(copy)) == NULL || strcmp(safe, data) != 0;
		free(copy);
		free(safe);
		free(data);
		line += n + (line[n] == '\n');
	}
	return found;
}

/* Whether every line of text prints as it is: nothing a terminal could
 * misread (workflow commands are print_evidence's to frame). */
static bool
prints_as_is(const char *text)
{
	char *copy = strdup(text), *safe = NULL;
	bool same;

	if (copy == NULL)
		return false;
	for (char *c = copy; *c != '\0'; c++)
		if (*c == '\n')
			*c = ' ';
	safe = cli_safe_strdup_data(copy);
	same = safe != NULL && strcmp(safe, copy) == 0;
	free(safe);
	free(copy);
	return same;
}

/* One checkpoint of the evidence, byte for byte between its BEGIN and END
 * lines, so that it can be saved and checked with 'endorse note verify'.
 * Signed strings must not pass for workflow commands in a CI log, and the
 * bytes must stay exact: a note holding one is framed by the runner's
 * ::stop-commands::TOKEN and ::TOKEN:: (a random token), outside BEGIN and
 * END, which stops command processing in between. */
static void
print_evidence(const char *title, const char *source, const char *text)
{
	uint8_t rnd[16];
	char token[2 * sizeof(rnd) + 1];
	bool wrap = has_workflow_command(text), exact = prints_as_is(text);

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(token, sizeof(token), rnd, sizeof(rnd));
	fprintf(stderr, "endorse: %s: %s%s\n", title, source,
		exact ? "" : " (NOT exact: it holds characters unsafe on a terminal, printed as ?)");
	if (wrap)
		fprintf(stderr, "::stop-commands::%s\n", token);
	fprintf(stderr, "-----BEGIN %s-----\n", title);
	if (exact) {
		fputs(text, stderr);
	} else {
		for (const char *line = text; *line != '\0';) {
			size_t n = strcspn(line, "\n");
			char *copy = strndup(line, n);

			cli_print_safe(stderr, copy != NULL ? copy : "?");
			fputc('\n', stderr);
			free(copy);
			line += n + (line[n] == '\n');
		}
	}
	if (exact && (text[0] == '\0' || text[strlen(text) - 1] != '\n'))
		fputc('\n', stderr);
	fprintf(stderr, "-----END %s-----\n", title);
	if (wrap)
		fprintf(stderr, "::%s::\n", token);
}

static bool
witness_in_policy(const endorse_vkey *key)
{
	endorse_policy *policy = NULL;
	bool found = false;

	if (cli_load_policy(&policy) != 0)
		return false;
	for (size_t i = 0; i < endorse_policy_witness_count(policy); i++)
		found |= endorse_vkey_equal(endorse_policy_witness_key(policy, i), key);
	endorse_policy_free(policy);
	return found;
}

int
cmd_cosign(int argc, char **argv)
{
	endorse_verify_options vopt = {.on_problem = cli_print_problem};
	endorse_checkpoint_outcome w = {0};
	endorse_secret_key *key = NULL;
	struct options o;
	char *state_dir = NULL;
	int rc;

	if ((rc = parse(&o, argc, argv, cosign_usage, cosign_help)) != 0)
		return finish_parse(rc);
	if (optind != argc || o.key == NULL || o.policy || o.entry)
		return cli_usage(cosign_usage);
	state_dir = o.state_dir != NULL ? strdup(o.state_dir)
					: cli_xdg_dir("XDG_STATE_HOME", ".local/state");
	if (state_dir == NULL)
		return cli_error("no witness state directory: set HOME or XDG_STATE_HOME, or give --state");
	if (cli_load_key(&key, o.key, o.pass_file) != 0) {
		free(state_dir);
		return EXIT_TROUBLE;
	}
	endorse_checkpoint_request req = {.dir = cli_log_root(), .key = key,
		.state_dir = state_dir, .now = o.has_time ? o.time : (uint64_t)time(NULL),
		.commit = !o.no_commit};
	rc = endorse_cosign(&req, &vopt, &w);
	cli_report_completed(w.completed_hex);
	if (rc != 0) {
		rc = cli_library_error(rc);
		if (w.evidence_before != NULL && w.evidence_now != NULL) {
			fprintf(stderr, "endorse: evidence of a split view: two checkpoints of the same "
				"origin, each between its BEGIN and END lines exactly as signed (save those "
				"lines to a file; 'endorse note verify VKEY... < FILE' checks it)\n");
			print_evidence("CHECKPOINT COSIGNED BEFORE", w.evidence_before_signed
				? "the checkpoint this witness cosigned before, from its own state "
				  "(--state): signed by the log operator and cosigned by this witness"
				: "the checkpoint this witness cosigned before, from its own state "
				  "(--state) of the old form, which kept the checkpoint's text only, "
				  "without signatures", w.evidence_before);
			print_evidence("CHECKPOINT SHOWN NOW", "the checkpoint the log shows now, "
				"log/checkpoint: signed by the log operator", w.evidence_now);
		}
	} else {
		if (w.unchanged)
			printf("already cosigned: the checkpoint of %llu entries of ",
				(unsigned long long)w.checkpoint.size);
		else
			printf("cosigned the checkpoint of %llu entries of ",
				(unsigned long long)w.checkpoint.size);
		cli_print_safe(stdout, w.checkpoint.origin);
		printf("\n");
		print_commit(&w);
		if (!witness_in_policy(endorse_secret_key_vkey(key)))
			fprintf(stderr, "endorse: note: this witness is not listed in keys/policy: its "
				"cosignature counts for no quorum until the policy names it\n");
	}
	endorse_checkpoint_outcome_clear(&w);
	endorse_secret_key_free(key);
	free(state_dir);
	return rc;
}

/* ---- endorse prove ---- */

static const char prove_usage[] = "endorse prove [-C DIR] SEQ|ORG-ID";

static void
prove_help(void)
{
	printf("usage: %s\n\n"
		"Print a C2SP tlog-proof (c2sp.org/tlog-proof@v1) that one entry is in the log:\n"
		"its index, its RFC 6962 inclusion proof and log/checkpoint with the\n"
		"witnesses' cosignatures. SEQ is the entry's seq (its line number minus 1);\n"
		"ORG-ID names the organization's newest endorsement still in effect. Give the\n"
		"proof, the entry's line and keys/policy to anyone: 'endorse verify-proof'\n"
		"checks them with no repository and no network. prove reads the log once and\n"
		"checks that the proof leads to the checkpoint's root; it does not verify\n"
		"every signature again ('endorse verify' does). The log's leaf hashes are\n"
		"kept in ${XDG_CACHE_HOME:-$HOME/.cache}/endorse, so that the next proof need\n"
		"not hash the log again (a stale cache is detected and replaced).\n\n%s\n"
		"Examples:\n"
		"  endorse prove example.org > example.org.tlog-proof\n"
		"  endorse prove 12 > entry-12.tlog-proof && sed -n 13p log/endorsements.jsonl > entry-12\n",
		prove_usage, dir_help);
}

int
cmd_prove(int argc, char **argv)
{
	struct options o;
	uint64_t index = 0;
	char *proof = NULL, *cache;
	size_t len = 0;
	int rc;

	if ((rc = parse(&o, argc, argv, prove_usage, prove_help)) != 0)
		return finish_parse(rc);
	if (optind + 1 != argc || o.key || o.pass_file || o.state_dir || o.policy || o.entry ||
	    o.has_time || o.no_commit)
		return cli_usage(prove_usage);
	cache = cli_xdg_dir("XDG_CACHE_HOME", ".cache");
	rc = endorse_prove(&proof, &len, cli_log_root(), argv[optind], &index, cache);
	free(cache);
	if (rc != 0)
		return cli_library_error(rc);
	fwrite(proof, 1, len, stdout);
	fprintf(stderr, "endorse: proof of entry %llu (line %llu of %s)\n", (unsigned long long)index,
		(unsigned long long)index + 1, ENDORSE_LOG_PATH);
	free(proof);
	return EXIT_VALID;
}

/* ---- endorse verify-proof ---- */

static const char verify_proof_usage[] =
	"endorse verify-proof PROOF --policy POLICY --entry FILE";

static void
verify_proof_help(void)
{
	printf("usage: %s\n\n"
		"Check a C2SP tlog-proof offline: the checkpoint is signed by the log key of\n"
		"POLICY (a C2SP tlog-policy, e.g. a copy of the log's keys/policy) and cosigned\n"
		"by its quorum of witnesses, FILE is one log line (with or without its newline)\n"
		"whose seq is the proof's index and whose signatures verify for the log, and\n"
		"the inclusion proof leads from that line to the checkpoint's root. PROOF and\n"
		"FILE may be - for standard input (not both).\n\n"
		"  PROOF                      the proof file (from endorse prove)\n"
		"      --policy POLICY        the trust policy: log key, witnesses, quorum\n"
		"      --entry FILE           the entry: its line of log/endorsements.jsonl\n\n"
		"Example:\n"
		"  endorse verify-proof example.org.tlog-proof --policy policy --entry entry\n\n"
		"Exit status: 0 valid, 1 invalid, 2 could not run.\n",
		verify_proof_usage);
}

static void
print_result(const endorse_proof_result *res, const endorse_policy *policy)
{
	const endorse_statement *st = &res->entry.statement;
	size_t w = endorse_policy_witness_count(policy);

	printf("valid: entry %llu is in the log ", (unsigned long long)res->index);
	cli_print_safe(stdout, res->checkpoint.checkpoint.origin);
	printf(" (checkpoint of %llu entries)\n", (unsigned long long)res->checkpoint.checkpoint.size);
	printf("witnessed by %zu of %zu witnesses, quorum \"", res->checkpoint.witnesses, w);
	cli_print_safe(stdout, endorse_policy_quorum_name(policy));
	printf("\" met");
	for (size_t i = 0, shown = 0; i < w; i++) {
		if (!res->checkpoint.cosigned[i])
			continue;
		printf("%s", shown++ == 0 ? ": " : ", ");
		cli_print_safe(stdout, endorse_policy_witness_name(policy, i));
	}
	printf("\nstatement: %s", endorse_statement_type_name(st->type));
	if (st->title != NULL) {
		printf(" \"");
		cli_print_safe(stdout, st->title);
		printf("\" (id %s)", st->id);
	}
	if (st->org_id != NULL) {
		printf(" by ");
		cli_print_safe(stdout, st->org_id);
	}
	if (st->org_name != NULL) {
		printf(" (");
		cli_print_safe(stdout, st->org_name);
		printf(")");
	}
	if (st->document != NULL)
		printf(" of document sha256 %s", st->document);
	else if (st->sha256 != NULL)
		printf(", sha256 %s", st->sha256);
	printf(" at %s, signed by ", st->time);
	cli_print_safe(stdout, st->signer);
	printf("\n");
}

int
cmd_verify_proof(int argc, char **argv)
{
	endorse_proof_result res = {0};
	endorse_policy *policy = NULL;
	struct options o;
	char *proof = NULL, *entry = NULL, *policy_text = NULL;
	size_t proof_len = 0, entry_len = 0, policy_len = 0;
	int rc;

	if ((rc = parse(&o, argc, argv, verify_proof_usage, verify_proof_help)) != 0)
		return finish_parse(rc);
	if (optind + 1 != argc || o.policy == NULL || o.entry == NULL || o.key || o.pass_file ||
	    o.state_dir || o.has_time || o.no_commit)
		return cli_usage(verify_proof_usage);
	if (strcmp(argv[optind], "-") == 0 && strcmp(o.entry, "-") == 0)
		return cli_error("the proof and the entry cannot both come from standard input");
	if (cli_read_file(&proof, &proof_len, argv[optind], ENDORSE_NOTE_MAX + 4096) != 0 ||
	    cli_read_file(&entry, &entry_len, o.entry, ENDORSE_MAX_LINE + 1) != 0 ||
	    cli_read_file(&policy_text, &policy_len, o.policy, 1u << 20) != 0) {
		rc = EXIT_TROUBLE;
		goto out;
	}
	if (endorse_policy_parse(&policy, policy_text, policy_len) != 0) {
		rc = cli_error("%s: %s", o.policy, endorse_error_last());
		goto out;
	}
	rc = endorse_proof_verify(&res, proof, proof_len, policy, entry, entry_len,
		(uint64_t)time(NULL));
	if (rc == ENDORSE_EINVALID) {
		const char *rule = endorse_error_get()->rule;
		fprintf(stderr, "endorse: invalid proof (%s): ", rule != NULL ? rule : "proof");
		cli_print_safe(stderr, endorse_error_last());
		fprintf(stderr, "\n");
		rc = EXIT_INVALID;
	} else if (rc != 0) {
		rc = cli_library_error(rc);
	} else {
		print_result(&res, policy);
		rc = EXIT_VALID;
	}
out:
	endorse_proof_result_clear(&res);
	endorse_policy_free(policy);
	free(proof);
	free(entry);
	free(policy_text);
	return rc;
}
