/* util.c: what the commands share (errors and exit codes, safe printing,
 * files, numbers, the log's root; keys and passphrases: key_files.h and
 * passphrase.h). Only this directory prints and chooses exit codes. */
#ifndef ENDORSE_CLI_UTIL_H
#define ENDORSE_CLI_UTIL_H

#include <stdbool.h>
#include <stdio.h>

#include "endorse.h"

/* Exit codes (minisign's): valid, invalid, could not run; and verify's
 * own: the log is valid but log/checkpoint still waits for cosignatures. */
enum { EXIT_VALID = 0, EXIT_INVALID = 1, EXIT_TROUBLE = 2, EXIT_PENDING = 3 };

/* Prints "endorse: <message>" to stderr and returns EXIT_TROUBLE. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Maps a library error to an exit code after printing its message. */
int cli_library_error(int rc);
/* Prints usage for a command and returns 2. */
int cli_usage(const char *usage);

/* Writes s with control characters, bidirectional overrides, U+200B and
 * invalid UTF-8 replaced by '?', and a U+200B put inside every "##[" and a
 * leading "::" (GitHub Actions' workflow commands): text written by
 * strangers stays text, on a terminal and in a CI log. */
void cli_print_safe(FILE *f, const char *s);
/* Says, when completed is not empty, that a write finished an earlier one
 * that had been killed between its files and its commit (whether or not
 * the write itself then succeeded). */
void cli_report_completed(const char completed[41]);
/* The same into a malloc'd string. */
char *cli_safe_strdup(const char *s);
/* The same without the U+200B: for formats that escape a '#' of "##["
 * themselves (cli_opens_command), so that their readers get the text back. */
char *cli_safe_strdup_data(const char *s);
/* Whether p starts with "##[", a workflow command to GitHub Actions. */
bool cli_opens_command(const char *p);
/* Prints s as a JSON string literal, made safe first (cli_safe_strdup_data),
 * with the '#' that opens a "##[" written as \u0023. */
void cli_print_json_string(FILE *f, const char *s);

/* Writes s made safe (cli_safe_strdup) into a GitHub Actions workflow
 * command on stdout, percent-encoded so that a hostile value cannot end the
 * command or, as a property (title=...), add another. */
void cli_print_github_escaped(const char *s, bool property);
/* Where a confirm's method (SPEC.md §7) found the key, in words:
 * "on the organization's website (https)" or "in its DNS (dns)". */
const char *cli_confirm_place(const char *method);

/* Flushes stdout and reports a write error: exit codes must not claim
 * success when the output was lost. */
int cli_finish(int code);

/* ${VARIABLE:-$HOME/UNDER_HOME}/endorse, malloc'd; NULL without HOME. */
char *cli_xdg_dir(const char *variable, const char *under_home);

/* Reads a whole file (or standard input for "-") up to max bytes. */
int cli_read_file(char **out, size_t *len, const char *path, size_t max);
/* A vkey given to option: the vkey itself, or a file holding it (one line,
 * as keygen writes it). A usage error (exit 2) when it is neither. */
int cli_read_vkey(endorse_vkey *out, const char *option, const char *arg);
/* SHA-256 of a file as 64 hex digits. */
int cli_sha256_file(char out[65], const char *path);

/* Prints a verification problem as FILE:LINE: RULE: message on stderr. */
void cli_print_problem(void *ctx, const endorse_problem *p);

/* The RFC 6962 root of the replayed log, in base64 (empty if unknown). */
void cli_state_root(char out[45], const endorse_state *state);

/* The most threads --jobs accepts (the library's ENDORSE_MAX_JOBS). */
#define CLI_MAX_JOBS 256

/* A decimal of the command line (endorse_parse_decimal), at most max. */
bool cli_parse_u64(uint64_t *out, const char *s, uint64_t max);

/* For option parsers that return whether to go on: stores the exit code
 * in *code and returns false. Inline so that the analyzers see it. */
static inline bool
cli_stop(int *code, int exit_code)
{
	*code = exit_code;
	return false;
}

/* strdup that passes NULL through. */
char *cli_strdup_or_null(const char *s);
/* The commands' one way to make room: items (or a new block holding them)
 * with room for at least need elements of size bytes, *cap set to that
 * room; the room doubles, so n appends copy O(n) elements. NULL when out of
 * memory or need * size overflows (items and *cap then unchanged). */
void *cli_reserve(void *items, size_t *cap, size_t need, size_t size);

/* -C DIR: changes directory at once, as git -C does, so that every
 * relative path given afterwards or before is taken relative to DIR. */
int cli_chdir(const char *dir);

/* The log repository the commands that read or write a log work on: the
 * directory -C named, or else the nearest of the current directory and
 * those above it that holds keys/policy, as git finds its work tree ("."
 * when none does: the library then says that there is no log). A relative
 * path ("..", "../..") so that files given on the command line keep their
 * meaning. */
const char *cli_log_root(void);

/* rel (e.g. log/endorsements.jsonl) inside cli_log_root(), as a path from
 * the current directory (rel itself at the root), written to out. */
const char *cli_root_path(char *out, size_t size, const char *rel);

/* keys/policy of cli_log_root(), parsed (endorse_policy_load). */
int cli_load_policy(endorse_policy **out);

#endif
