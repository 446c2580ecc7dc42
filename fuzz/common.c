/* Fixed keys, policy and sample log of the fuzz targets (see common.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common.h"

static const struct {
	const char *name;
	uint8_t type;
} key_table[FUZZ_KEY_COUNT] = {
	[FUZZ_KEY_LOG] = {FUZZ_ORIGIN, ENDORSE_KEY_ED25519},
	[FUZZ_KEY_ORG1] = {"org1.example.org", ENDORSE_KEY_ED25519},
	[FUZZ_KEY_ORG1_NEW] = {"org1.example.org", ENDORSE_KEY_ED25519},
	[FUZZ_KEY_ORG2] = {"org2.example.org", ENDORSE_KEY_ED25519},
	[FUZZ_KEY_ORG2_NEW] = {"org2.example.org", ENDORSE_KEY_ED25519},
	[FUZZ_KEY_WITNESS1] = {"witness1.example.org", ENDORSE_KEY_COSIGNATURE},
	[FUZZ_KEY_WITNESS2] = {"witness2.example.org", ENDORSE_KEY_COSIGNATURE},
};

static endorse_secret_key *keys[FUZZ_KEY_COUNT];

void
fuzz_die(const char *what)
{
	fprintf(stderr, "fuzz: %s (last library error: %s)\n", what, endorse_error_last());
	abort();
}

void
fuzz_seed(uint8_t seed[32], enum fuzz_key k)
{
	memset(seed, 0x41 + (int)k, 32);
}

int
fuzz_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const char *p = data;

	if (fd < 0)
		return -1;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd);
}

const char *
fuzz_tmpdir(void)
{
	const char *dir = getenv("FUZZ_TMPDIR");

	if (dir != NULL && dir[0] != '\0')
		return dir;
	if (access("/dev/shm", W_OK | X_OK) == 0)
		return "/dev/shm";
	dir = getenv("TMPDIR");
	return dir != NULL && dir[0] != '\0' ? dir : "/tmp";
}

/* The library makes keys only at random or from files: a fixed seed goes
 * in through an unencrypted key file. */
static endorse_secret_key *
load_key(enum fuzz_key k)
{
	char path[256], text[512], b64[64];
	endorse_secret_key *key = NULL;
	uint8_t seed[32];
	int fd, n;

	(void)snprintf(path, sizeof(path), "%.200s/endorse-fuzz-key-XXXXXX", fuzz_tmpdir());
	FUZZ_CHECK((fd = mkstemp(path)) >= 0);
	close(fd);
	fuzz_seed(seed, k);
	sodium_bin2base64(b64, sizeof(b64), seed, sizeof(seed), sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(text, sizeof(text), "endorse-secret-key-v1\nname %s\ntype %02x\nkdf none\nseed %s\n",
		key_table[k].name, key_table[k].type, b64);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(text));
	FUZZ_CHECK(fuzz_write_file(path, text, (size_t)n) == 0);
	FUZZ_CHECK(endorse_secret_key_load(&key, path, NULL, 0) == 0);
	unlink(path);
	return key;
}

static void
free_keys(void)
{
	for (int k = 0; k < FUZZ_KEY_COUNT; k++) {
		endorse_secret_key_free(keys[k]);
		keys[k] = NULL;
	}
}

void
fuzz_setup(void)
{
	FUZZ_CHECK(endorse_init() == 0);
	if (keys[0] != NULL)
		return;
	for (int k = 0; k < FUZZ_KEY_COUNT; k++)
		keys[k] = load_key((enum fuzz_key)k);
	atexit(free_keys);
}

const endorse_secret_key *
fuzz_secret_key(enum fuzz_key k)
{
	return keys[k];
}

const endorse_vkey *
fuzz_vkey(enum fuzz_key k)
{
	return endorse_secret_key_vkey(keys[k]);
}

char *
fuzz_policy_text(void)
{
	char log[ENDORSE_VKEY_MAX], w1[ENDORSE_VKEY_MAX], w2[ENDORSE_VKEY_MAX], *text = malloc(1024);

	FUZZ_CHECK(text != NULL);
	endorse_vkey_format(log, fuzz_vkey(FUZZ_KEY_LOG));
	endorse_vkey_format(w1, fuzz_vkey(FUZZ_KEY_WITNESS1));
	endorse_vkey_format(w2, fuzz_vkey(FUZZ_KEY_WITNESS2));
	(void)snprintf(text, 1024,
		"log %s https://fuzz.example.org/log\n"
		"witness w1 %s\n"
		"witness w2 %s https://witness2.example.org\n"
		"group any-witness any w1 w2\n"
		"quorum any-witness\n", log, w1, w2);
	return text;
}

/* ---- the sample log ---- */

struct step {
	endorse_statement_type type;
	enum fuzz_key signer, other;   /* other: rotate's new key, revoke's target,
					  the key a confirm names */
	int document;                  /* 1 or 2 */
	const char *org;
};

/* Every statement type, a second document version, a rotation, a
 * revocation by the log key followed by an endorsement under a new key, and
 * confirms of a key before and after its organisation rotated. */
static const struct step steps[] = {
	{ENDORSE_DOCUMENT, FUZZ_KEY_LOG, 0, 1, NULL},
	{ENDORSE_ENDORSE, FUZZ_KEY_ORG1, 0, 1, "org1.example.org"},
	{ENDORSE_ENDORSE, FUZZ_KEY_ORG2, 0, 1, "org2.example.org"},
	{ENDORSE_CONFIRM, FUZZ_KEY_LOG, FUZZ_KEY_ORG1, 0, "org1.example.org"},
	{ENDORSE_DOCUMENT, FUZZ_KEY_LOG, 0, 2, NULL},
	{ENDORSE_ENDORSE, FUZZ_KEY_ORG1, 0, 2, "org1.example.org"},
	{ENDORSE_ROTATE, FUZZ_KEY_ORG1, FUZZ_KEY_ORG1_NEW, 0, "org1.example.org"},
	{ENDORSE_CONFIRM, FUZZ_KEY_LOG, FUZZ_KEY_ORG1_NEW, 1, "org1.example.org"},
	{ENDORSE_WITHDRAW, FUZZ_KEY_ORG2, 0, 1, "org2.example.org"},
	{ENDORSE_REVOKE, FUZZ_KEY_LOG, FUZZ_KEY_ORG2, 0, "org2.example.org"},
	{ENDORSE_ENDORSE, FUZZ_KEY_ORG2_NEW, 0, 2, "org2.example.org"},
	{ENDORSE_WITHDRAW, FUZZ_KEY_ORG1_NEW, 0, 1, "org1.example.org"},
};

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	FUZZ_CHECK(d != NULL);
	return d;
}

static char *
vkey_text(enum fuzz_key k)
{
	char text[ENDORSE_VKEY_MAX];

	endorse_vkey_format(text, fuzz_vkey(k));
	return xstrdup(text);
}

static char *
document_sha256(int version)
{
	char text[64], hex[65];
	uint8_t digest[32];
	int n = snprintf(text, sizeof(text), "The fuzz manifesto, version %d.\n", version);

	crypto_hash_sha256(digest, (const uint8_t *)text, (size_t)n);
	endorse_hex_encode(hex, digest, 32);
	return xstrdup(hex);
}

static void
make_statement(endorse_statement *st, const struct step *s, int i)
{
	char time[21];

	memset(st, 0, sizeof(*st));
	st->type = s->type;
	st->signer = vkey_text(s->signer);
	(void)snprintf(time, sizeof(time), "2025-01-%02dT12:00:00Z", i + 1);
	st->time = xstrdup(time);
	if (s->org != NULL)
		st->org_id = xstrdup(s->org);
	switch (s->type) {
	case ENDORSE_DOCUMENT:
		st->id = xstrdup("fuzz-manifesto");
		st->title = xstrdup(s->document == 1 ? "The fuzz manifesto" : "The \"fuzz\" manifesto, v2 \xc3\xa9");
		st->url = xstrdup("https://fuzz.example.org/manifesto");
		st->sha256 = document_sha256(s->document);
		break;
	case ENDORSE_ENDORSE:
		st->document = document_sha256(s->document);
		st->org_name = xstrdup(s->signer == FUZZ_KEY_ORG1 ? "Org One" : "Org \\Two\\");
		st->org_url = xstrdup("https://org.example.org/");
		break;
	case ENDORSE_WITHDRAW:
		st->document = document_sha256(s->document);
		break;
	case ENDORSE_ROTATE:
		st->new_signer = vkey_text(s->other);
		break;
	case ENDORSE_REVOKE:
		st->key = vkey_text(s->other);
		st->reason = xstrdup("key lost");
		break;
	case ENDORSE_CONFIRM:
		st->key = vkey_text(s->other);
		st->method = xstrdup(s->document == 1 ? "dns" : "https");
		break;
	}
}

/* Signs, serialises and replays one line, as a writer would. */
static void
append_line(char **log, size_t *len, endorse_state *state, const struct step *s, int i)
{
	endorse_entry entry, parsed;
	uint8_t *m = NULL, hash[32], leaf[32];
	size_t m_len = 0, line_len = 0;
	char *line = NULL, *grown;

	memset(&entry, 0, sizeof(entry));
	make_statement(&entry.statement, s, i);
	entry.seq = endorse_state_size(state);
	memcpy(entry.prev, endorse_state_head(state), 32);
	FUZZ_CHECK(endorse_signed_message(&m, &m_len, FUZZ_ORIGIN, &entry.statement) == 0);
	FUZZ_CHECK(endorse_secret_key_sign(entry.sig, fuzz_secret_key(s->signer), m, m_len) == 0);
	if (s->type == ENDORSE_ROTATE) {
		FUZZ_CHECK(endorse_secret_key_sign(entry.new_sig, fuzz_secret_key(s->other), m,
			m_len) == 0);
		entry.has_new_sig = true;
	}
	free(m);
	FUZZ_CHECK(endorse_entry_serialize(&line, &line_len, &entry) == 0);
	if (endorse_entry_parse(&parsed, line, line_len) != 0) {
		fprintf(stderr, "fuzz: sample line %d refused: %s (%s)\n", i + 1, endorse_error_get()->message,
			endorse_error_get()->rule);
		abort();
	}
	if (endorse_state_check(state, &parsed, ENDORSE_CHECK_APPLY | ENDORSE_CHECK_SIGNATURES,
		NULL) != 0) {
		fprintf(stderr, "fuzz: sample line %d refused: %s (%s)\n", i + 1,
			endorse_error_get()->message, endorse_error_get()->rule);
		abort();
	}
	crypto_hash_sha256(hash, (const uint8_t *)line, line_len);
	endorse_merkle_leaf_hash(leaf, (const uint8_t *)line, line_len);
	endorse_state_advance(state, hash, leaf);
	grown = realloc(*log, *len + line_len + 1);
	FUZZ_CHECK(grown != NULL);
	memcpy(grown + *len, line, line_len);
	grown[*len + line_len] = '\n';
	*log = grown;
	*len += line_len + 1;
	free(line);
	endorse_entry_clear(&parsed);
	endorse_entry_clear(&entry);
}

void
fuzz_sample_log(char **log, size_t *len, endorse_state **state_out)
{
	endorse_state *state = endorse_state_new(ENDORSE_STATE_KEEP_LEAVES);

	FUZZ_CHECK(state != NULL);
	endorse_state_set_policy(state, fuzz_vkey(FUZZ_KEY_LOG));
	*log = NULL;
	*len = 0;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		append_line(log, len, state, &steps[i], (int)i);
	if (state_out != NULL)
		*state_out = state;
	else
		endorse_state_free(state);
}
