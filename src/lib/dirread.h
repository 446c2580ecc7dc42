/* dirread.c: the entries of a directory and the texts of its small files,
 * read on several threads, given back one by one in the directory's order. */
#ifndef ENDORSE_DIRREAD_H
#define ENDORSE_DIRREAD_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct endorse_dir_file {
	const char *name;
	const char *text;  /* NULL: not read (skipped, or no regular file of at most max bytes) */
	size_t len;
	bool skipped;      /* skip(name) was true: not read */
} endorse_dir_file;

/* Calls fn for every entry of d but . and .., in the order readdir gives
 * them, with the text of each one that skip does not name read before
 * (endorse_file_read_at, at most max bytes), a chunk of entries at a time
 * on up to jobs threads (0: one per core). Stops at the first fn that does
 * not return 0, and returns what it returned; or an error. The entry is fn's
 * only during the call. */
int endorse_dir_read_files(DIR *d, size_t max, unsigned jobs, bool (*skip)(const char *name),
	int (*fn)(void *ctx, const endorse_dir_file *file), void *ctx);

#endif
