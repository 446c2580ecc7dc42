/* prepare.c: the library-internal declarations of its module. */
#ifndef ENDORSE_PREPARE_H
#define ENDORSE_PREPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"
#include "error.h"
#include "state.h"

/* prepare.c: lines prepared by worker threads for the replay. */
#define ENDORSE_MAX_JOBS 256

typedef struct endorse_prepared {
	const char *text;     /* NULL when the line was too long to keep */
	size_t len;           /* without LF, also when too long */
	bool has_lf;
	bool hashed;          /* hash and leaf are set */
	uint8_t hash[32];     /* SHA-256 of the line */
	uint8_t leaf[32];     /* its RFC 6962 leaf hash */
	int parse_rc;         /* endorse_entry_parse's */
	endorse_error_saved parse_error; /* its error, made on a worker thread */
	endorse_entry entry;  /* when parse_rc is 0 */
	endorse_signatures sigs;
} endorse_prepared;

typedef struct endorse_workers endorse_workers;

/* The number of online cores, at least 1. */
unsigned endorse_default_jobs(void);

/* jobs threads (0: one per core; 1: none, the caller does the work) that
 * prepare lines of a log of this origin. */
int endorse_workers_new(endorse_workers **out, unsigned jobs, const char *origin);

void endorse_workers_free(endorse_workers *w);

/* Starts preparing lines[0..n); with one job, prepares them now. The lines
 * are the workers' until endorse_workers_wait returns. */
void endorse_workers_start(endorse_workers *w, endorse_prepared *lines, size_t n);

void endorse_workers_wait(endorse_workers *w);

#endif
