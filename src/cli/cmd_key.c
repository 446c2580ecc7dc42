/* endorse key show | export-go | import-go: where a key lives, and the
 * explicit bridge to Go's note keys. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "key_files.h"
#include "util.h"

static const char usage_line[] =
	"endorse key show KEY\n"
	"       endorse key export-go [--passphrase-file FILE] KEY\n"
	"       endorse key import-go [-s SECRET] [-p PUBLIC] [--unencrypted | --passphrase-file FILE] "
	"[--force]";

static int
help(void)
{
	printf("usage: %s\n\n"
		"show says where KEY's secret lives (in the file, encrypted or not, in an ssh\n"
		"agent or on a PKCS#11 token, and whether the agent holds it now) and prints\n"
		"its public key when that needs no passphrase. It asks for nothing.\n\n"
		"export-go prints KEY's secret key in the unencrypted Go note form\n"
		"PRIVATE+KEY+<name>+<key ID>+<base64>, for other C2SP tools. Handle the output\n"
		"as the secret it is.\n\n"
		"import-go reads such a key on standard input and stores it as an endorse key\n"
		"file (encrypted unless --unencrypted), by default in\n"
		"${XDG_CONFIG_HOME:-$HOME/.config}/endorse/NAME.key and .vkey.\n\n"
		"      --passphrase-file FILE the key's passphrase, from FILE's first line\n"
		"                             (export-go: - for standard input); without it,\n"
		"                             ask on the terminal\n"
		"  -s, --secret FILE          import-go: the secret key file to write; mode 0600\n"
		"  -p, --public FILE          import-go: the public key file to write\n"
		"      --unencrypted          import-go: store the key without a passphrase\n"
		"      --force                import-go: replace existing key files, keeping the\n"
		"                             old secret key as SECRET.old-<key ID>\n", usage_line);
	return EXIT_VALID;
}

/* key show: no passphrase asked; an encrypted key's public key is the one
 * of the .vkey file beside it, when there is one. */
static int
show(const char *arg)
{
	endorse_secret_key *key = NULL;
	const char *holder, *fingerprint = NULL;
	char *path = NULL, vkey[ENDORSE_VKEY_MAX];
	int rc;

	if (cli_find_key(&path, arg) != 0)
		return EXIT_TROUBLE;
	rc = endorse_secret_key_load(&key, path, NULL, 0);
	cli_print_safe(stdout, path);
	free(path);
	if (rc == ENDORSE_ENEEDPASS) {
		printf(": a secret key in this file, encrypted with a passphrase\n");
		return EXIT_VALID;
	}
	if (rc != 0) {
		printf("\n");
		return cli_library_error(rc);
	}
	holder = endorse_secret_key_holder(key, &fingerprint);
	if (holder == NULL)
		printf(": a secret key in this file, NOT encrypted\n");
	else
		printf(": a key %s holds (%s, %s); the file holds no secret\n",
			cli_holder_text(holder), holder, fingerprint);
	endorse_vkey_format(vkey, endorse_secret_key_vkey(key));
	printf("public key: %s\n", vkey);
	if (holder != NULL && strcmp(holder, "pkcs11") == 0) {
		/* (a token may need its PIN to show its keys: nothing is asked here) */
		printf("the token is reached when the key signs, with its PIN\n");
	} else if (holder != NULL && endorse_secret_key_ready(key) != 0) {
		printf("not usable now: ");
		cli_print_safe(stdout, endorse_error_last());
		printf("\n");
	} else if (holder != NULL) {
		printf("the agent at $SSH_AUTH_SOCK holds it now\n");
	}
	endorse_secret_key_free(key);
	return EXIT_VALID;
}

static int
export_go(const char *path, const char *pass_file)
{
	endorse_secret_key *key = NULL;
	char *text = NULL;
	int rc;

	if (cli_load_key(&key, path, pass_file) != 0)
		return EXIT_TROUBLE;
	rc = endorse_secret_key_export_go(&text, key);
	endorse_secret_key_free(key);
	if (rc != 0)
		return cli_library_error(rc), EXIT_TROUBLE;
	printf("%s\n", text);
	endorse_secret_text_free(text);
	return EXIT_VALID;
}

static int
import_go(const struct key_destination *to)
{
	char *text = sodium_malloc(1024);
	endorse_secret_key *key = NULL;
	size_t len = 0;
	int code, rc;
	ssize_t n;

	if (text == NULL)
		return cli_error("out of secure memory");
	while (len < 1023 && (n = read(STDIN_FILENO, text + len, 1023 - len)) > 0)
		len += (size_t)n;
	rc = endorse_secret_key_import_go(&key, text, len);
	sodium_free(text);
	if (rc != 0)
		return cli_library_error(rc), EXIT_TROUBLE;
	code = cli_store_key(key, to);
	endorse_secret_key_free(key);
	return code;
}

int
cmd_key(int argc, char **argv)
{
	static const struct option options[] = {
		{"secret", required_argument, NULL, 's'},
		{"public", required_argument, NULL, 'p'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"unencrypted", no_argument, NULL, 'U'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct key_destination to = {0};
	const char *verb;
	int c;

	if (argc < 2)
		return cli_usage(usage_line);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return help();
	verb = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "s:p:h", options, NULL)) != -1) {
		switch (c) {
		case 's': to.secret_path = optarg; break;
		case 'p': to.public_path = optarg; break;
		case 'P': to.passphrase_file = optarg; break;
		case 'U': to.unencrypted = true; break;
		case 'F': to.force = true; break;
		case 'h': return help();
		default: return cli_usage(usage_line);
		}
	}
	if (to.unencrypted && to.passphrase_file != NULL)
		return cli_error("--unencrypted and --passphrase-file exclude each other");
	if (strcmp(verb, "show") == 0) {
		if (optind + 1 != argc || to.secret_path || to.public_path || to.unencrypted ||
		    to.force || to.passphrase_file)
			return cli_usage(usage_line);
		return show(argv[optind]);
	}
	if (strcmp(verb, "export-go") == 0) {
		if (optind + 1 != argc || to.secret_path || to.public_path || to.unencrypted || to.force)
			return cli_usage(usage_line);
		return export_go(argv[optind], to.passphrase_file);
	}
	if (strcmp(verb, "import-go") == 0) {
		if (optind != argc)
			return cli_usage(usage_line);
		if (to.passphrase_file != NULL && strcmp(to.passphrase_file, "-") == 0)
			return cli_error("import-go reads the key on standard input; "
				"give the passphrase in a file");
		return import_go(&to);
	}
	cli_error("unknown key command '%s': use show, export-go or import-go", verb);
	return cli_usage(usage_line);
}
