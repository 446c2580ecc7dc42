/* endorse key export-go | import-go: the explicit bridge to Go's note keys. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"

static const char usage_line[] =
	"endorse key export-go [--passphrase-file FILE] KEY\n"
	"       endorse key import-go [-s SECRET] [-p PUBLIC] [--unencrypted | --passphrase-file FILE] "
	"[--force]";

static int
help(void)
{
	printf("usage: %s\n\n"
		"export-go prints KEY's secret key in the unencrypted Go note form\n"
		"PRIVATE+KEY+<name>+<key ID>+<base64>, for other C2SP tools. Handle the output\n"
		"as the secret it is.\n\n"
		"import-go reads such a key on standard input and stores it as an endorse key\n"
		"file (encrypted unless --unencrypted), by default in\n"
		"${XDG_CONFIG_HOME:-$HOME/.config}/endorse/NAME.key and .vkey.\n", usage_line);
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
	sodium_free(text);
	return EXIT_VALID;
}

static int
import_go(const char *secret_path, const char *public_path, const char *pass_file,
	bool unencrypted, bool force)
{
	char *text = sodium_malloc(1024), *pass = NULL, *def_s = NULL, *def_p = NULL;
	char vkey[ENDORSE_VKEY_MAX];
	endorse_secret_key *key = NULL;
	size_t len = 0, pass_len = 0;
	int code = EXIT_TROUBLE, rc;
	ssize_t n;

	if (text == NULL)
		return cli_error("out of secure memory");
	while (len < 1023 && (n = read(STDIN_FILENO, text + len, 1023 - len)) > 0)
		len += (size_t)n;
	rc = endorse_secret_key_import_go(&key, text, len);
	sodium_free(text);
	if (rc != 0) {
		cli_library_error(rc);
		goto out;
	}
	const char *name = endorse_secret_key_vkey(key)->name;
	if (secret_path == NULL)
		secret_path = def_s = cli_default_key_path(name, "key");
	if (public_path == NULL)
		public_path = def_p = cli_default_key_path(name, "vkey");
	if (secret_path == NULL || public_path == NULL) {
		cli_error("cannot find a home directory for keys: set HOME or use -s and -p");
		goto out;
	}
	if (!unencrypted && cli_read_passphrase(&pass, &pass_len, pass_file,
		"Passphrase for the imported key: ", true) != 0)
		goto out;
	rc = endorse_secret_key_save(key, secret_path, pass, pass_len, force);
	if (rc == 0)
		rc = endorse_vkey_save(endorse_secret_key_vkey(key), public_path, force);
	if (rc != 0) {
		cli_library_error(rc);
		goto out;
	}
	endorse_vkey_format(vkey, endorse_secret_key_vkey(key));
	printf("%s\n", vkey);
	code = EXIT_VALID;
out:
	sodium_free(pass);
	endorse_secret_key_free(key);
	free(def_s);
	free(def_p);
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
	const char *secret_path = NULL, *public_path = NULL, *pass_file = NULL, *verb;
	bool unencrypted = false, force = false;
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
		case 's': secret_path = optarg; break;
		case 'p': public_path = optarg; break;
		case 'P': pass_file = optarg; break;
		case 'U': unencrypted = true; break;
		case 'F': force = true; break;
		case 'h': return help();
		default: return cli_usage(usage_line);
		}
	}
	if (unencrypted && pass_file != NULL)
		return cli_error("--unencrypted and --passphrase-file exclude each other");
	if (strcmp(verb, "export-go") == 0) {
		if (optind + 1 != argc || secret_path || public_path || unencrypted || force)
			return cli_usage(usage_line);
		return export_go(argv[optind], pass_file);
	}
	if (strcmp(verb, "import-go") == 0) {
		if (optind != argc)
			return cli_usage(usage_line);
		if (pass_file != NULL && strcmp(pass_file, "-") == 0)
			return cli_error("import-go reads the key on standard input; "
				"give the passphrase in a file");
		return import_go(secret_path, public_path, pass_file, unencrypted, force);
	}
	cli_error("unknown key command '%s': use export-go or import-go", verb);
	return cli_usage(usage_line);
}
