/* Where the problems of a log go while it is checked (report.c): each is
 * the caller's on_problem, counted, with the commit and author being
 * checked in git history. A rule broken deep in the library travels as the
 * error record (error.h) and is reported here, at a file and line. */
#ifndef ENDORSE_REPORT_H
#define ENDORSE_REPORT_H

#include <stdint.h>

#include "endorse.h"
#include "error.h"

typedef struct endorse_reporter {
	const endorse_verify_options *opt;
	uint64_t problems;
	const char *commit;
	const char *author;
} endorse_reporter;

/* Reports the thread's last error (its rule and message) as a problem at
 * file and line (0: the whole file). */
void endorse_report_error(endorse_reporter *r, const char *file, uint64_t line);
/* Reports a problem found here, leaving the error record alone. */
void endorse_report(endorse_reporter *r, const char *file, uint64_t line, const char *rule,
	const char *fmt, ...) ENDORSE_PRINTF(5, 6);

#endif
