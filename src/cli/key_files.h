/* key_files.c: where secret and public key files are, loading a secret
 * key (asking for its passphrase) and storing a new one. */
#ifndef ENDORSE_CLI_KEY_FILES_H
#define ENDORSE_CLI_KEY_FILES_H

#include <stdbool.h>

#include "endorse.h"

/* ${XDG_CONFIG_HOME:-$HOME/.config}/endorse/NAME.EXT with '/' in NAME as '_'. */
char *cli_default_key_path(const char *name, const char *ext);

/* The secret key file that --key ARG means, malloc'd into *out: ARG when it
 * is a file; else, in the key directory, the file ARG (riverbank.org.key)
 * or the key named ARG (riverbank.org, or openoperations.org/manifesto).
 * A public key file is refused as such, with the secret key to give
 * instead; when nothing is found, the message says where it looked and
 * lists the secret keys the key directory holds. */
int cli_find_key(char **out, const char *arg);

/* Loads the secret key --key ARG means (cli_find_key), asking for its
 * passphrase only if it is encrypted: CLI_PASSPHRASE_TRIES tries on the
 * terminal, one from passphrase_file. */
int cli_load_key(endorse_secret_key **out, const char *arg, const char *passphrase_file);

/* Where and how a new secret key is stored (keygen, key import-go). */
struct key_destination {
	const char *secret_path, *public_path; /* NULL: the default paths of the key's name */
	const char *passphrase_file;           /* NULL: ask on the terminal, twice */
	bool unencrypted, force;
};
/* Writes the secret key file and the vkey file, then prints the vkey. */
int cli_store_key(const endorse_secret_key *key, const struct key_destination *to);
/* The holder of a key held elsewhere, for people: "an ssh agent", "a
 * PKCS#11 token". */
const char *cli_holder_text(const char *kind);
/* A token's PIN, from pin_file's first line or the terminal (echo off),
 * prompting "PIN for WHAT: "; *pin sodium_malloc'd. */
int cli_read_pin(char **pin, size_t *len, const char *pin_file, const char *what);

#endif
