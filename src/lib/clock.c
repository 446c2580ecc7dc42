/* The clock: statements' times relative to now (SPEC.md §3). Outside the
 * pure core, which takes times as input and never reads the clock. */
#include <time.h>

#include "endorse.h"

void
endorse_time_from_now(char out[21], long seconds)
{
	time_t now = time(NULL) + seconds;
	struct tm tm;

	/* A clock beyond year 9999 gives "", which no statement accepts. */
	if (gmtime_r(&now, &tm) == NULL || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		out[0] = '\0';
}

void
endorse_time_now(char out[21])
{
	endorse_time_from_now(out, 0);
}
