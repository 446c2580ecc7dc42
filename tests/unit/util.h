/* Helpers shared by the unit tests (not test cases themselves). */
#ifndef ENDORSE_TEST_UTIL_H
#define ENDORSE_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "address.h"
#include "array.h"
#include "domain.h"
#include "encoding.h"
#include "entry.h"
#include "error.h"
#include "hashset.h"
#include "json.h"
#include "line.h"
#include "policy.h"
#include "prepare.h"
#include "report.h"
#include "state.h"
#include "statement.h"
#include "vkey.h"

/* The rule of the last error, for messages: "(none)" when it has none. */
static inline const char *
util_last_rule(void)
{
	const char *rule = endorse_error_get()->rule;

	return rule != NULL ? rule : "(none)";
}

/* The key ID of SPEC.md §1, computed independently of vkey.c. */
static inline void
util_key_id(uint8_t out[4], const char *name, uint8_t type, const uint8_t pk[32])
{
	crypto_hash_sha256_state st;
	uint8_t digest[32];
	const uint8_t lf = '\n';

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_update(&st, &lf, 1);
	crypto_hash_sha256_update(&st, &type, 1);
	crypto_hash_sha256_update(&st, pk, 32);
	crypto_hash_sha256_final(&st, digest);
	memcpy(out, digest, 4);
}

/* Writes the vkey text of (name, type, pk) with a correct key ID, built here
 * without the library, into out (at least ENDORSE_VKEY_MAX + 64 bytes). */
static inline void
util_vkey_text(char *out, size_t size, const char *name, uint8_t type, const uint8_t pk[32])
{
	uint8_t id[4], raw[33];
	char b64[64];

	util_key_id(id, name, type, pk);
	raw[0] = type;
	memcpy(raw + 1, pk, 32);
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, size, "%s+%02x%02x%02x%02x+%s", name, id[0], id[1], id[2], id[3], b64);
}

/* A deterministic key pair: seed = 32 bytes of value fill. */
static inline void
util_seed_keypair(uint8_t pk[32], uint8_t sk[64], uint8_t fill)
{
	uint8_t seed[32];

	memset(seed, fill, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
}

/* The vkey text of the deterministic key pair of fill. */
static inline void
util_seed_vkey(char *out, size_t size, const char *name, uint8_t type, uint8_t fill)
{
	uint8_t pk[32], sk[64];

	util_seed_keypair(pk, sk, fill);
	util_vkey_text(out, size, name, type, pk);
}

static inline bool
util_hex(uint8_t *out, size_t want, const char *hex)
{
	size_t got = 0;

	return strlen(hex) == 2 * want &&
		sodium_hex2bin(out, want, hex, strlen(hex), NULL, &got, NULL) == 0 && got == want;
}

/* Reads a whole file (NUL-terminated); NULL on failure. */
static inline char *
util_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			size_t ncap = cap ? 2 * cap : 65536;
			while (ncap < n + 4096 + 1)
				ncap *= 2;
			char *grown = realloc(buf, ncap);
			if (grown == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = grown;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

static inline int
util_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* A fresh temporary directory under $TMPDIR (or /tmp), written into out. */
static inline int
util_tempdir(char *out, size_t size)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(out, size, "%s/endorse-unit-XXXXXX", base);
	return mkdtemp(out) == NULL ? -1 : 0;
}

/* Removes a directory tree made by a test (files and subdirectories). */
static inline void
util_rm_rf(const char *path)
{
	char cmd[4200];

	if (strstr(path, "endorse-unit-") == NULL || strchr(path, '\'') != NULL)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", path);
}

/* $ENDORSE_SHARED/rel if ENDORSE_SHARED is set and rel exists there. */
static inline bool
util_shared_path(char *out, size_t size, const char *rel)
{
	const char *shared = getenv("ENDORSE_SHARED");
	struct stat st;

	if (shared == NULL || shared[0] == '\0')
		return false;
	snprintf(out, size, "%s/%s", shared, rel);
	return stat(out, &st) == 0;
}

/* Runs fn(arg) in a child process and waits at most seconds for it: for
 * calls that must refuse promptly rather than block. Returns false on a
 * timeout (the child is killed); else *rc gets fn's return value, which
 * must be 0 or a negative ENDORSE_E* code. */
static inline bool
util_run_bounded(int (*fn)(const void *arg), const void *arg, unsigned seconds, int *rc)
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		*rc = 1;
		return true;
	}
	if (pid == 0)
		_exit(-fn(arg));
	for (unsigned i = 0; i < seconds * 20; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			*rc = WIFEXITED(status) ? -WEXITSTATUS(status) : 1;
			return true;
		}
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return false;
}

#endif
