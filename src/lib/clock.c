/* The clock: statements' times relative to now (SPEC.md §3). Outside the
 * pure core, which takes times as input and never reads the clock. */
#include <time.h>

#include "endorse.h"
#include "clock.h"

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

/* The number of n digits at s (checked by endorse_time_valid). */
static int
digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

int
endorse_time_next_second(char out[21], const char *time)
{
	struct tm tm = {0};
	time_t t;

	if (!endorse_time_valid(time))
		return ENDORSE_EINVALID;
	tm.tm_year = digits(time, 4) - 1900;
	tm.tm_mon = digits(time + 5, 2) - 1;
	tm.tm_mday = digits(time + 8, 2);
	tm.tm_hour = digits(time + 11, 2);
	tm.tm_min = digits(time + 14, 2);
	tm.tm_sec = digits(time + 17, 2);
	t = timegm(&tm) + 1;
	if (gmtime_r(&t, &tm) == NULL || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		return ENDORSE_EINVALID;
	return 0;
}
