/* Reading a directory of small files on several threads. A log of many
 * organisations has as many keys/orgs files, each a few system calls (open,
 * fstat, read, close): one core spends longer on them than on the rest of
 * what verify does after the log. The entries are listed in order, a chunk
 * at a time, the chunk's files are read by every thread, and the caller
 * gets them back in order, so what it reports does not depend on threads;
 * at most a chunk of texts is held at once. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "dirread.h"
#include "error.h"
#include "internal.h"

/* Entries listed and read ahead at a time; files a thread takes at once. */
#define CHUNK 4096
#define GRAIN 32
/* A chunk this small is read by the caller alone: no thread for a few pins. */
#define ALONE 256

struct chunk {
	int dir_fd;
	size_t max;
	endorse_dir_file files[CHUNK];
	char *names[CHUNK], *texts[CHUNK];
	size_t n;
	atomic_size_t next;
};

static void *
read_some(void *arg)
{
	struct chunk *c = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&c->next, GRAIN);

		if (i >= c->n)
			return NULL;
		for (size_t j = i; j < i + GRAIN && j < c->n; j++) {
			endorse_dir_file *f = &c->files[j];

			if (f->skipped ||
			    endorse_file_read_at(&c->texts[j], &f->len, c->dir_fd, f->name, f->name,
				    c->max) != 0) {
				c->texts[j] = NULL;
				f->len = 0;
			}
			f->text = c->texts[j];
		}
	}
}

/* Reads the texts of the chunk's files on up to jobs threads, the caller's
 * one of them. A thread that cannot start leaves its share to the others. */
static void
read_chunk(struct chunk *c, unsigned jobs)
{
	pthread_t threads[ENDORSE_MAX_JOBS];
	unsigned started = 0;

	atomic_store(&c->next, 0);
	if (c->n > ALONE)
		for (; started + 1 < jobs; started++)
			if (pthread_create(&threads[started], NULL, read_some, c) != 0)
				break;
	(void)read_some(c);
	for (unsigned i = 0; i < started; i++)
		(void)pthread_join(threads[i], NULL);
}

/* Lists up to CHUNK more entries of d; *end: none left. */
static int
list_chunk(struct chunk *c, DIR *d, bool (*skip)(const char *name), bool *end)
{
	struct dirent *de;

	c->n = 0;
	*end = false;
	while (c->n < CHUNK) {
		if ((de = readdir(d)) == NULL) {
			*end = true;
			return 0;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((c->names[c->n] = strdup(de->d_name)) == NULL)
			return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		c->files[c->n] = (endorse_dir_file){c->names[c->n], NULL, 0, skip(de->d_name)};
		c->texts[c->n] = NULL;
		c->n++;
	}
	return 0;
}

static void
clear_chunk(struct chunk *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->names[i]);
		free(c->texts[i]);
	}
	c->n = 0;
}

int
endorse_dir_read_files(DIR *d, size_t max, unsigned jobs, bool (*skip)(const char *name),
	int (*fn)(void *ctx, const endorse_dir_file *file), void *ctx)
{
	struct chunk *c = calloc(1, sizeof(*c));
	bool end = false;
	int rc = 0;

	if (c == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	c->dir_fd = dirfd(d);
	c->max = max;
	if (jobs == 0)
		jobs = endorse_default_jobs();
	if (jobs > ENDORSE_MAX_JOBS)
		jobs = ENDORSE_MAX_JOBS;
	while (rc == 0 && !end) {
		rc = list_chunk(c, d, skip, &end);
		if (rc == 0)
			read_chunk(c, jobs);
		for (size_t i = 0; rc == 0 && i < c->n; i++)
			rc = fn(ctx, &c->files[i]);
		clear_chunk(c);
	}
	free(c);
	return rc;
}
