/* passphrase.c: reading passphrases, from a file or from the terminal,
 * into sodium_malloc memory. Never from argv or the environment. */
#ifndef ENDORSE_CLI_PASSPHRASE_H
#define ENDORSE_CLI_PASSPHRASE_H

#include <stdbool.h>
#include <stddef.h>

/* Tries a person gets on the terminal for a passphrase typed wrong, or a
 * new one that is empty or not repeated the same. A file gets one. */
#define CLI_PASSPHRASE_TRIES 3

/* Reads the passphrase of an existing key: from file ("-" is standard
 * input; the first line, without its line ending), or from the terminal
 * with echo off (file NULL). An empty one is refused. */
int cli_read_passphrase(char **out, size_t *len, const char *file, const char *prompt);

/* Reads the passphrase for a new key: from file as above, or from the
 * terminal twice, with CLI_PASSPHRASE_TRIES tries at typing a non-empty
 * one the same way twice. Refusals mention --unencrypted. */
int cli_read_new_passphrase(char **out, size_t *len, const char *file);

#endif
