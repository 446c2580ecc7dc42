/* endorse note: C2SP signed notes of any ecosystem, signed and checked on
 * standard input and output. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "key_files.h"
#include "util.h"

static const char usage_text[] =
	"usage: endorse note sign --key KEY [--passphrase-file FILE] [--time UNIX] < TEXT\n"
	"       endorse note verify VKEY... < NOTE\n";

static int
help(void)
{
	printf("%s\n"
		"  sign      signs TEXT (which must end with a newline) and prints the signed\n"
		"            note: the text, a blank line and the signature line. An Ed25519\n"
		"            key signs the text; a witness key (endorse keygen --witness) makes\n"
		"            a C2SP cosignature/v1, timestamped with --time (seconds since 1970)\n"
		"            or now.\n"
		"  verify    checks the note's signatures by the given vkeys, ignoring those of\n"
		"            other keys, and prints the verified text (and on standard error\n"
		"            which keys signed). Exit 1 if no given key signed it, if a given\n"
		"            key's signature does not verify, or if the note is malformed.\n\n"
		"Examples:\n"
		"  printf 'hello\\n' | endorse note sign --key example.org/notes > hello.note\n"
		"  endorse note verify \"$(cat example.org_notes.vkey)\" < hello.note\n"
		"  endorse note verify \"$(sed -n 's/^log //p' keys/policy)\" < log/checkpoint\n\n"
		"Exit status: 0 valid or done, 1 invalid, 2 could not run.\n",
		usage_text);
	return EXIT_VALID;
}

enum { OPT_KEY = 256, OPT_PASS, OPT_TIME };

static int
note_sign(int argc, char **argv)
{
	static const struct option options[] = {
		{"key", required_argument, NULL, OPT_KEY},
		{"passphrase-file", required_argument, NULL, OPT_PASS},
		{"time", required_argument, NULL, OPT_TIME},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *key_path = NULL, *pass_file = NULL, *time_arg = NULL;
	endorse_secret_key *key = NULL;
	endorse_note *note = NULL;
	char *text = NULL, *out = NULL;
	size_t len = 0, out_len = 0;
	uint64_t when = (uint64_t)time(NULL);
	int c, rc;

	optind = 2;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case OPT_KEY: key_path = optarg; break;
		case OPT_PASS: pass_file = optarg; break;
		case OPT_TIME: time_arg = optarg; break;
		case 'h': return help();
		default: return cli_usage(usage_text + strlen("usage: "));
		}
	}
	if (optind != argc || key_path == NULL)
		return cli_usage(usage_text + strlen("usage: "));
	if (time_arg != NULL && !cli_parse_u64(&when, time_arg, INT64_MAX))
		return cli_error("--time takes seconds since 1970 (a decimal, at most 2^63-1)");
	if (cli_read_file(&text, &len, "-", ENDORSE_NOTE_MAX) != 0)
		return EXIT_TROUBLE;
	if (endorse_note_new(&note, text, len) != 0) {
		free(text);
		return cli_error("standard input: %s", endorse_error_last());
	}
	free(text);
	if (cli_load_key(&key, key_path, pass_file) != 0) {
		endorse_note_free(note);
		return EXIT_TROUBLE;
	}
	if ((rc = endorse_note_sign(note, key, when)) == 0 &&
	    (rc = endorse_note_format(&out, &out_len, note)) == 0)
		fwrite(out, 1, out_len, stdout);
	endorse_secret_key_free(key);
	endorse_note_free(note);
	free(out);
	return rc == 0 ? EXIT_VALID : cli_library_error(rc);
}

static void
print_signer(const endorse_vkey *key, uint64_t when)
{
	char id[9], date[32] = "";
	time_t t = (time_t)when;
	struct tm tm;

	endorse_vkey_id_hex(id, key);
	fprintf(stderr, "endorse: verified by ");
	cli_print_safe(stderr, key->name);
	fprintf(stderr, "+%s", id);
	if (key->type == ENDORSE_KEY_COSIGNATURE) {
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			(void)snprintf(date, sizeof(date), "out of range");
		fprintf(stderr, ", a cosignature at time %llu (%s)", (unsigned long long)when, date);
	}
	fputc('\n', stderr);
}

static int
note_verify(int argc, char **argv)
{
	size_t n = (size_t)argc - 2, len = 0;
	endorse_vkey *keys;
	endorse_note *note = NULL;
	uint64_t *times;
	bool *verified;
	char *msg = NULL;
	int rc = EXIT_TROUBLE;

	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return help();
	if (n == 0)
		return cli_usage(usage_text + strlen("usage: "));
	keys = calloc(n, sizeof(*keys));
	verified = calloc(n, sizeof(*verified));
	times = calloc(n, sizeof(*times));
	if (keys == NULL || verified == NULL || times == NULL) {
		cli_error("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (endorse_vkey_parse(&keys[i], argv[i + 2], strlen(argv[i + 2])) != 0) {
			cli_error("argument %zu is not a valid vkey: %s", i + 1, endorse_error_last());
			goto out;
		}
	}
	if (cli_read_file(&msg, &len, "-", ENDORSE_NOTE_MAX + 1) != 0)
		goto out;
	if (endorse_note_parse(&note, msg, len) != 0 ||
	    endorse_note_verify(note, keys, n, verified, times) != 0) {
		fprintf(stderr, "endorse: invalid: ");
		cli_print_safe(stderr, endorse_error_last());
		fputc('\n', stderr);
		rc = EXIT_INVALID;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (verified[i])
			print_signer(&keys[i], times[i]);
	/* The verified text is the command's output, byte for byte. */
	fwrite(note->text, 1, note->text_len, stdout);
	rc = EXIT_VALID;
out:
	endorse_note_free(note);
	free(msg);
	free(keys);
	free(verified);
	free(times);
	return rc;
}

int
cmd_note(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(usage_text + strlen("usage: "));
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return help();
	if (strcmp(argv[1], "sign") == 0)
		return note_sign(argc, argv);
	if (strcmp(argv[1], "verify") == 0)
		return note_verify(argc, argv);
	cli_error("unknown note command '%s'", argv[1]);
	return cli_usage(usage_text + strlen("usage: "));
}
