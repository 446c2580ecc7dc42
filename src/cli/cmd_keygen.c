/* endorse keygen: a new key pair, the secret half encrypted by default. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const char usage_line[] =
	"endorse keygen [-s SECRET] [-p PUBLIC] [--unencrypted | --passphrase-file FILE] "
	"[--witness] [--force] NAME";

static int
help(void)
{
	printf("usage: %s\n\n"
		"Generates an Ed25519 key pair named NAME and prints its public key (vkey).\n"
		"NAME is an organization's DNS domain (e.g. example.org; at most 250 bytes,\n"
		"its last label not all digits), a log's origin (e.g.\n"
		"openoperations.org/manifesto) or, with --witness, a witness's name.\n\n"
		"  -s, --secret FILE          secret key file (default:\n"
		"                             ${XDG_CONFIG_HOME:-$HOME/.config}/endorse/NAME.key,\n"
		"                             '/' in NAME written as '_'); mode 0600\n"
		"  -p, --public FILE          public key file (default: the same with .vkey)\n"
		"      --passphrase-file FILE read the passphrase from FILE's first line\n"
		"                             (- for standard input); without it, ask on the\n"
		"                             terminal twice\n"
		"      --unencrypted          store the secret key without a passphrase\n"
		"      --witness              a cosignature key (type 0x04) for a witness\n"
		"      --force                replace existing key files\n", usage_line);
	return EXIT_VALID;
}

int
cmd_keygen(int argc, char **argv)
{
	static const struct option options[] = {
		{"secret", required_argument, NULL, 's'},
		{"public", required_argument, NULL, 'p'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"unencrypted", no_argument, NULL, 'U'},
		{"witness", no_argument, NULL, 'W'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct key_destination to = {0};
	const char *name;
	bool witness = false;
	endorse_secret_key *key = NULL;
	int c, code, rc;

	while ((c = getopt_long(argc, argv, "s:p:h", options, NULL)) != -1) {
		switch (c) {
		case 's': to.secret_path = optarg; break;
		case 'p': to.public_path = optarg; break;
		case 'P': to.passphrase_file = optarg; break;
		case 'U': to.unencrypted = true; break;
		case 'W': witness = true; break;
		case 'F': to.force = true; break;
		case 'h': return help();
		default: return cli_usage(usage_line);
		}
	}
	if (optind + 1 != argc)
		return cli_usage(usage_line);
	name = argv[optind];
	if (to.unencrypted && to.passphrase_file != NULL)
		return cli_error("--unencrypted and --passphrase-file exclude each other");
	if (!endorse_name_is_origin(name))
		return cli_error("'%s' is not a valid key name: use 1 to 255 printable ASCII "
			"characters without spaces or '+' (an organization uses its domain)", name);
	/* A domain that SPEC 1.1 does not allow as an organization id (too long,
	 * an IP address) was meant as one: refused rather than noted. */
	if (!witness && endorse_name_is_domain(name) && !endorse_name_is_org_id(name))
		return cli_error("'%s' is not an organization id: %s (rule org-id)", name,
			endorse_org_id_problem(name));
	if (!witness && !endorse_name_is_org_id(name) && strchr(name, '/') == NULL)
		fprintf(stderr, "endorse: note: '%s' is not an organization id (a lowercase DNS domain "
			"such as example.org); this key can sign as a log but never endorse\n", name);
	rc = endorse_secret_key_generate(&key, name,
		witness ? ENDORSE_KEY_COSIGNATURE : ENDORSE_KEY_ED25519);
	if (rc != 0)
		return cli_library_error(rc), EXIT_TROUBLE;
	code = cli_store_key(key, &to);
	endorse_secret_key_free(key);
	return code;
}
