/* Key files on disk: the directory checks and the reads and writes around
 * key.c's sealed text, and the reference files of keys held elsewhere
 * (key_ref.c), which sign through ssh_agent.c or pkcs11.c. Passphrases
 * only pass through here. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#include "error.h"
#include "file.h"
#include "vkey.h"
#include "key.h"
#include "key_ref.h"
#include "pkcs11.h"
#include "ssh_agent.h"

/* The directory a key file goes into (made with mode if missing, when
 * create) must be a directory itself, not a symbolic link: opened with
 * O_NOFOLLOW from its parent, so that a link planted there cannot send a key
 * elsewhere. */
static int
open_parent_dir(const char *path, bool create, mode_t mode)
{
	char *dir = strdup(path), *slash;
	int fd = -1, rc = 0;

	if (dir == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		rc = endorse_dir_open_path(&fd, dir, create, mode);
		if (fd >= 0)
			close(fd);
	}
	free(dir);
	return rc;
}

static int
make_parent_dir(const char *path, mode_t mode)
{
	return open_parent_dir(path, true, mode);
}

int
endorse_key_dir_check(const char *path)
{
	int rc = open_parent_dir(path, false, 0);

	return rc == ENDORSE_ENOTFOUND ? 0 : rc;
}

int
endorse_vkey_save(const endorse_vkey *key, const char *path, bool force)
{
	char text[ENDORSE_VKEY_MAX + 1];
	int rc = make_parent_dir(path, 0755);

	if (rc != 0)
		return rc;
	return endorse_file_write_atomic(path, text, endorse_vkey_format_line(text, key), 0644,
		!force);
}

int
endorse_secret_key_save(const endorse_secret_key *key, const char *path, const char *passphrase,
	size_t passphrase_len, bool force)
{
	char *file = NULL;
	size_t file_len = 0;
	int rc = endorse_secret_key_seal(&file, &file_len, key, passphrase, passphrase_len);

	if (rc == 0 && (rc = make_parent_dir(path, 0700)) == 0)
		rc = endorse_file_write_atomic(path, file, file_len, 0600, !force);
	sodium_free(file);
	return rc;
}

/* The agent signs with no PIN. */
static int
agent_sign(uint8_t sig[64], const endorse_key_ref *ref, const char *pin, size_t pin_len,
	const uint8_t *msg, size_t len)
{
	(void)pin, (void)pin_len;
	return endorse_ssh_agent_sign(sig, ref, msg, len);
}

static endorse_held_sign
held_sign(const endorse_key_ref *ref)
{
	return strcmp(ref->kind, "pkcs11") == 0 ? endorse_pkcs11_sign : agent_sign;
}

int
endorse_secret_key_load(endorse_secret_key **out, const char *path, const char *passphrase,
	size_t passphrase_len)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = endorse_file_read_private(&text, &len, path, ENDORSE_KEY_FILE_MAX);
	if (rc == 0 && endorse_key_ref_is(text, len)) {
		endorse_key_ref ref;

		if ((rc = endorse_key_ref_parse(&ref, text, len, path)) == 0)
			rc = endorse_secret_key_held(out, &ref, held_sign(&ref));
	} else if (rc == 0) {
		rc = endorse_secret_key_open(out, text, len, path, passphrase, passphrase_len);
	}
	sodium_free(text);
	return rc;
}

int
endorse_secret_key_from_ssh_agent(endorse_secret_key **out, const char *name, uint8_t type,
	const char *fingerprint)
{
	endorse_key_ref ref;
	int rc = endorse_ssh_agent_find(&ref, name, type, fingerprint);

	*out = NULL;
	return rc != 0 ? rc : endorse_secret_key_held(out, &ref, agent_sign);
}

int
endorse_secret_key_from_pkcs11(endorse_secret_key **out, const char *name, uint8_t type,
	const char *uri, const char *module, const char *pin, size_t len, bool generate)
{
	endorse_key_ref ref;
	int rc = endorse_pkcs11_find(&ref, name, type, uri, module, pin, len, generate);

	*out = NULL;
	if (rc == 0 && (rc = endorse_secret_key_held(out, &ref, endorse_pkcs11_sign)) == 0 &&
	    pin != NULL && (rc = endorse_secret_key_set_pin(*out, pin, len)) != 0) {
		endorse_secret_key_free(*out);
		*out = NULL;
	}
	return rc;
}

int
endorse_secret_key_ready(const endorse_secret_key *key)
{
	const endorse_key_ref *ref = endorse_secret_key_ref(key);
	size_t pin_len = 0;
	const char *pin = endorse_secret_key_pin(key, &pin_len);

	if (ref == NULL)
		return 0;
	return strcmp(ref->kind, "pkcs11") == 0 ? endorse_pkcs11_check(ref, pin, pin_len)
		: endorse_ssh_agent_check(ref);
}
