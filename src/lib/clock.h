/* Time arithmetic on SPEC's times (clock.c); reading the clock is public
 * (endorse_time_now, endorse.h). */
#ifndef ENDORSE_CLOCK_H
#define ENDORSE_CLOCK_H

/* out = one second after time (a valid YYYY-MM-DDTHH:MM:SSZ); 0, or
 * ENDORSE_EINVALID when time is not valid or the result is past 9999. */
int endorse_time_next_second(char out[21], const char *time);

#endif
