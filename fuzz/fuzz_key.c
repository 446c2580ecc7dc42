/* A secret key file, loaded as every signing command loads it: the input
 * is written to one per-process file (mode 0600), loaded without a
 * passphrase, then with FUZZ_PASSPHRASE when its Argon2id cost is small.
 * The same bytes go to the Go note form's importer. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The loader accepts costs up to Argon2id's SENSITIVE preset (1 GiB,
 * seconds per try), by design; the passphrase is tried only below these
 * (mkseeds writes its encrypted seeds at the minimum), so that runs stay
 * fast. Parsing is fuzzed at any cost: without a passphrase the loader
 * parses the whole file and stops before Argon2id. */
#define CHEAP_OPS 2
#define CHEAP_MEM (64 * 1024)

static char path[128];
static int fd = -1;

static void
remove_file(void)
{
	if (fd >= 0)
		close(fd);
	if (path[0] != '\0')
		unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	unsetenv("SSH_AUTH_SOCK"); /* a reference never reaches a real agent */
	(void)snprintf(path, sizeof(path), "%.100s/endorse-fuzz-key-XXXXXX", fuzz_tmpdir());
	fd = mkstemp(path);
	FUZZ_CHECK(fd >= 0 && fchmod(fd, 0600) == 0);
	atexit(remove_file);
	return 0;
}

/* Whether the file's "kdf argon2id13 OPS MEM" line asks for little work. */
static bool
cheap_kdf(const char *text, size_t len)
{
	static const char needle[] = "\nkdf argon2id13 ";
	char buf[64];
	const char *p = memmem(text, len, needle, sizeof(needle) - 1);
	unsigned long long ops, mem;
	size_t n;

	if (p == NULL)
		return false;
	p += sizeof(needle) - 1;
	n = (size_t)(text + len - p) < sizeof(buf) - 1 ? (size_t)(text + len - p) : sizeof(buf) - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return sscanf(buf, "%llu %llu", &ops, &mem) == 2 && ops <= CHEAP_OPS && mem <= CHEAP_MEM;
}

/* A loaded key signs, and its Go form (Ed25519 keys) imports to the same key.
 * A reference to a key an ssh agent holds (no agent here: SSH_AUTH_SOCK is
 * unset) cannot sign, and has no Go form; nor has a token's. */
static void
use_key(const endorse_secret_key *key)
{
	const endorse_vkey *vk = endorse_secret_key_vkey(key);
	endorse_secret_key *back = NULL;
	const char *fingerprint = NULL;
	uint8_t sig[64];
	char *go = NULL;

	const char *holder = endorse_secret_key_holder(key, &fingerprint);

	if (holder != NULL && strcmp(holder, "pkcs11") == 0) {
		/* (never signed here: that would load the module the input names) */
		FUZZ_CHECK(fingerprint != NULL && strncmp(fingerprint, "pkcs11:", 7) == 0);
		FUZZ_CHECK(endorse_secret_key_export_go(&go, key) != 0);
		return;
	}
	if (holder != NULL) {
		FUZZ_CHECK(fingerprint != NULL && strncmp(fingerprint, "SHA256:", 7) == 0);
		FUZZ_CHECK(endorse_secret_key_sign(sig, key, (const uint8_t *)"m", 1) != 0);
		FUZZ_CHECK(endorse_secret_key_export_go(&go, key) != 0);
		return;
	}
	FUZZ_CHECK(endorse_secret_key_sign(sig, key, (const uint8_t *)"m", 1) == 0);
	if (vk->type == ENDORSE_KEY_ED25519)
		FUZZ_CHECK(endorse_vkey_verify(vk, sig, (const uint8_t *)"m", 1));
	if (endorse_secret_key_export_go(&go, key) != 0) {
		FUZZ_CHECK(vk->type != ENDORSE_KEY_ED25519);
		return;
	}
	FUZZ_CHECK(endorse_secret_key_import_go(&back, go, strlen(go)) == 0);
	FUZZ_CHECK(endorse_vkey_equal(endorse_secret_key_vkey(back), vk));
	endorse_secret_key_free(back);
	endorse_secret_text_free(go);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = size > 0 ? (const char *)data : "";
	endorse_secret_key *key = NULL;
	char *go = NULL;
	size_t n;
	int rc;

	FUZZ_CHECK(ftruncate(fd, 0) == 0 && pwrite(fd, text, size, 0) == (ssize_t)size);
	rc = endorse_secret_key_load(&key, path, NULL, 0);
	if (rc == ENDORSE_ENEEDPASS && cheap_kdf(text, size))
		rc = endorse_secret_key_load(&key, path, FUZZ_PASSPHRASE, strlen(FUZZ_PASSPHRASE));
	FUZZ_CHECK((rc == 0) == (key != NULL));
	if (key != NULL) {
		use_key(key);
		endorse_secret_key_free(key);
		key = NULL;
	}

	/* the Go form is canonical: exporting gives the input back */
	if (endorse_secret_key_import_go(&key, text, size) == 0) {
		n = size - (text[size - 1] == '\n');
		FUZZ_CHECK(endorse_secret_key_export_go(&go, key) == 0);
		FUZZ_CHECK(strlen(go) == n && memcmp(go, text, n) == 0);
		endorse_secret_text_free(go);
		use_key(key);
		endorse_secret_key_free(key);
	}
	return 0;
}
