/* The leaf hashes of a log, kept between runs so that the log is hashed
 * once: cache_dir/leaves-<SHA-256 of the log directory's real path>,
 * "endorse-leaves/1\n", a count (8 bytes, big-endian), the hashes. A cache
 * is never trusted: a proof made from it must lead to the checkpoint's
 * root, or the log is hashed again (prove.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "encoding.h"
#include "file.h"
#include "proof_cache.h"

#define CACHE_MAGIC "endorse-leaves/1\n"

char *
endorse_proof_cache_path(const char *cache_dir, const char *dir)
{
	char *real = realpath(dir, NULL), name[64], hex[65];
	uint8_t digest[32];

	if (real == NULL)
		return NULL;
	crypto_hash_sha256(digest, (const uint8_t *)real, strlen(real));
	free(real);
	endorse_hex_encode(hex, digest, 32);
	(void)snprintf(name, sizeof(name), "leaves-%.32s", hex);
	return endorse_path_join(cache_dir, name);
}

bool
endorse_proof_cache_load(uint8_t (**leaves)[32], uint64_t *count, const char *path,
	uint64_t want)
{
	char *data = NULL;
	size_t len = 0, head = strlen(CACHE_MAGIC) + 8;
	uint64_t n = 0;
	uint8_t (*got)[32];

	if (path == NULL || endorse_file_read(&data, &len, path, SIZE_MAX) != 0)
		return false;
	if (len < head || memcmp(data, CACHE_MAGIC, strlen(CACHE_MAGIC)) != 0)
		goto miss;
	for (size_t i = 0; i < 8; i++)
		n = n << 8 | (uint8_t)data[strlen(CACHE_MAGIC) + i];
	if (n < want || (len - head) / 32 != n || (len - head) % 32 != 0)
		goto miss;
	free(*leaves);
	*leaves = NULL;
	if ((got = malloc(n ? n * 32 : 1)) == NULL)
		goto miss;
	memcpy(got, data + head, n * 32);
	*leaves = got;
	*count = n;
	free(data);
	return true;
miss:
	free(data);
	return false;
}

void
endorse_proof_cache_save(const char *cache_dir, const char *path, const uint8_t (*leaves)[32],
	uint64_t count)
{
	size_t head = strlen(CACHE_MAGIC) + 8, len = head + count * 32;
	char *data;

	if (path == NULL || endorse_mkdir_p(cache_dir, 0700) != 0 || (data = malloc(len)) == NULL)
		return;
	memcpy(data, CACHE_MAGIC, strlen(CACHE_MAGIC));
	for (size_t i = 0; i < 8; i++)
		data[strlen(CACHE_MAGIC) + i] = (char)(count >> (56 - 8 * i));
	memcpy(data + head, leaves, count * 32);
	endorse_file_write_atomic(path, data, len, 0600, false);
	free(data);
}
