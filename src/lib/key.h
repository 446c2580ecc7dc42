/* key.c: a secret key file's text, sealed and opened without I/O
 * (key_file.c reads and writes it). */
#ifndef ENDORSE_KEY_H
#define ENDORSE_KEY_H

#include <stddef.h>

#include "endorse.h"

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

#endif
