/* proof_cache.c: the leaf hashes of a log, kept between runs of prove. */
#ifndef ENDORSE_PROOF_CACHE_H
#define ENDORSE_PROOF_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* cache_dir's file for the log in dir (malloc'd), or NULL. */
char *endorse_proof_cache_path(const char *cache_dir, const char *dir);
/* The cached hashes at path, if at least want of them are there: *leaves
 * (malloc'd, replacing and freeing the old block) and *count; false on a
 * miss (*leaves and *count unchanged). */
bool endorse_proof_cache_load(uint8_t (**leaves)[32], uint64_t *count, const char *path,
	uint64_t want);
/* Best effort: a cache that cannot be written is only slower next time. */
void endorse_proof_cache_save(const char *cache_dir, const char *path,
	const uint8_t (*leaves)[32], uint64_t count);

#endif
