/* key.c: a secret key file's text, sealed and opened without I/O
 * (key_file.c reads and writes it). */
#ifndef ENDORSE_KEY_H
#define ENDORSE_KEY_H

#include <stddef.h>

#include "endorse.h"
#include "key_ref.h"

/* A key file is read and written whole, and is never longer. */
#define ENDORSE_KEY_FILE_MAX 4096

/* The key file's text for key, its seed sealed under passphrase (or in the
 * clear when passphrase is NULL): *out is sodium_malloc'd (sodium_free it). */
int endorse_secret_key_seal(char **out, size_t *out_len, const endorse_secret_key *key,
	const char *passphrase, size_t passphrase_len);
/* Opens the key file's text (len bytes, NUL-terminated); path names it in
 * messages. */
int endorse_secret_key_open(endorse_secret_key **out, const char *text, size_t len,
	const char *path, const char *passphrase, size_t passphrase_len);

/* A key held elsewhere (an ssh agent, a PKCS#11 token): ref says where, and
 * sign asks there for a signature (with the PIN set, if any), which
 * endorse_secret_key_sign verifies before it returns it. */
typedef int (*endorse_held_sign)(uint8_t sig[64], const endorse_key_ref *ref, const char *pin,
	size_t pin_len, const uint8_t *msg, size_t len);
int endorse_secret_key_held(endorse_secret_key **out, const endorse_key_ref *ref,
	endorse_held_sign sign);
/* Where a held key lives (NULL for a key in its file). */
const endorse_key_ref *endorse_secret_key_ref(const endorse_secret_key *key);
/* The PIN set for a held key (NULL when none), and its length. */
const char *endorse_secret_key_pin(const endorse_secret_key *key, size_t *len);

#endif
