/* endorse keygen: a new key pair, the secret half encrypted by default. */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "key_files.h"
#include "util.h"

static const char usage_line[] =
	"endorse keygen [-s SECRET] [-p PUBLIC] [--unencrypted | --passphrase-file FILE] "
	"[--witness] [--force] NAME\n"
	"       endorse keygen [-s SECRET] [-p PUBLIC] [--witness] [--force] NAME "
	"--ssh-agent [SHA256:FINGERPRINT]\n"
	"       endorse keygen [-s SECRET] [-p PUBLIC] [--witness] [--force] NAME "
	"--pkcs11 URI [--pkcs11-module PATH] [--pin-file FILE] [--generate]";

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
		"      --ssh-agent [SHA256:FINGERPRINT]\n"
		"                             use the ssh-ed25519 key the ssh agent at\n"
		"                             $SSH_AUTH_SOCK holds (of that fingerprint, as\n"
		"                             ssh-add -l prints it, or its only one): SECRET\n"
		"                             then says where the key lives, with no secret\n"
		"                             in it, and every command that signs asks the\n"
		"                             agent (gpg-agent with enable-ssh-support too)\n"
		"      --pkcs11 URI           use the Ed25519 key (CKK_EC_EDWARDS, CKM_EDDSA) a\n"
		"                             PKCS#11 token holds, named by an RFC 7512 URI\n"
		"                             (pkcs11:token=...;object=...): SECRET then says\n"
		"                             where it lives (URI and module, no PIN)\n"
		"      --pkcs11-module PATH   the module to load (default: p11-kit's proxy)\n"
		"      --pin-file FILE        the token's PIN, from FILE's first line (default:\n"
		"                             asked on the terminal, when the token needs it);\n"
		"                             the commands that sign read it from their\n"
		"                             --passphrase-file or the terminal\n"
		"      --generate             make the key pair on the token, labelled as the\n"
		"                             URI's object= says, when it holds none\n"
		"      --force                replace existing key files, keeping the old secret\n"
		"                             key as SECRET.old-<key ID> (named from the .vkey)\n", usage_line);
	return EXIT_VALID;
}

/* The organization id a name was meant as, in out: "CafeLumiere.FR" and
 * "https://cafelumiere.fr/" mean cafelumiere.fr. False when the name is
 * already that id, or means none (a log's origin such as
 * example.org/manifesto keeps its path and case). */
static bool
org_id_meant(const char *name, char *out, size_t size)
{
	const char *scheme = strstr(name, "://");
	const char *host = scheme != NULL ? scheme + 3 : name;
	size_t n = scheme != NULL ? strcspn(host, "/") : strlen(host);

	if ((scheme == NULL && strchr(name, '/') != NULL) || n == 0 || n >= size)
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)host[i]);
	out[n] = '\0';
	return strcmp(out, name) != 0 && endorse_name_is_org_id(out);
}

/* Refuses a name that is no key's, or an organisation's mistyped; notes a
 * name that can sign as a log but never endorse. */
static int
check_name(const char *name, bool witness)
{
	char meant[256];

	if (!witness && org_id_meant(name, meant, sizeof(meant)))
		return cli_error("'%s' is not an organization id: an id is the lowercase domain alone "
			"(no https://, no path); the id would be %s: endorse keygen %s", name, meant,
			meant);
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
	return 0;
}

struct token_options {
	const char *uri, *module, *pin_file;
	bool generate;
};

/* The token's key: found (or made) without a PIN when the token needs
 * none, else with the PIN asked once. */
static int
token_key(endorse_secret_key **key, const char *name, uint8_t type,
	const struct token_options *t)
{
	char *pin = NULL;
	size_t len = 0;
	int rc = endorse_secret_key_from_pkcs11(key, name, type, t->uri, t->module, NULL, 0,
		t->generate);

	if (rc != ENDORSE_ENEEDPASS)
		return rc;
	if (cli_read_pin(&pin, &len, t->pin_file, t->uri) != 0)
		return EXIT_TROUBLE;
	rc = endorse_secret_key_from_pkcs11(key, name, type, t->uri, t->module, pin, len,
		t->generate);
	sodium_free(pin);
	return rc;
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
		{"ssh-agent", no_argument, NULL, 'A'},
		{"pkcs11", required_argument, NULL, 'K'},
		{"pkcs11-module", required_argument, NULL, 'M'},
		{"pin-file", required_argument, NULL, 'N'},
		{"generate", no_argument, NULL, 'G'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct key_destination to = {0};
	const char *name, *fingerprint = NULL;
	struct token_options token = {0};
	bool witness = false, agent = false;
	uint8_t type;
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
		case 'A': agent = true; break;
		case 'K': token.uri = optarg; break;
		case 'M': token.module = optarg; break;
		case 'N': token.pin_file = optarg; break;
		case 'G': token.generate = true; break;
		case 'h': return help();
		default: return cli_usage(usage_line);
		}
	}
	/* NAME, and with --ssh-agent the fingerprint, in either order */
	if (agent && optind + 2 == argc && strncmp(argv[optind], "SHA256:", 7) == 0)
		fingerprint = argv[optind++];
	else if (agent && optind + 2 == argc && strncmp(argv[optind + 1], "SHA256:", 7) == 0)
		fingerprint = argv[optind + 1], argc--;
	if (optind + 1 != argc)
		return cli_usage(usage_line);
	name = argv[optind];
	if (to.unencrypted && to.passphrase_file != NULL)
		return cli_error("--unencrypted and --passphrase-file exclude each other");
	if (agent && (to.unencrypted || to.passphrase_file != NULL))
		return cli_error("a key the ssh agent holds has no passphrase in endorse: "
			"--ssh-agent takes neither --unencrypted nor --passphrase-file");
	if (token.uri != NULL && (agent || to.unencrypted || to.passphrase_file != NULL))
		return cli_error("a key a PKCS#11 token holds has no passphrase in endorse (its PIN "
			"comes from --pin-file or the terminal): --pkcs11 takes neither --ssh-agent, "
			"--unencrypted nor --passphrase-file");
	if (token.uri == NULL && (token.module != NULL || token.pin_file != NULL || token.generate))
		return cli_error("--pkcs11-module, --pin-file and --generate go with --pkcs11");
	if (check_name(name, witness) != 0)
		return EXIT_TROUBLE;
	type = witness ? ENDORSE_KEY_COSIGNATURE : ENDORSE_KEY_ED25519;
	if (token.uri != NULL)
		rc = token_key(&key, name, type, &token);
	else if (agent)
		rc = endorse_secret_key_from_ssh_agent(&key, name, type, fingerprint);
	else
		rc = endorse_secret_key_generate(&key, name, type);
	if (rc != 0) /* (a PIN that could not be read was said) */
		return rc > 0 ? EXIT_TROUBLE : (cli_library_error(rc), EXIT_TROUBLE);
	code = cli_store_key(key, &to);
	endorse_secret_key_free(key);
	return code;
}
