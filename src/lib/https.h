/* https.c: the library-internal declarations of its module. */
#ifndef ENDORSE_HTTPS_H
#define ENDORSE_HTTPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"

/* https.c: the only user of libcurl. */
int endorse_https_init(void);

/* One GET of https://host/path: *body (malloc'd, NUL-terminated) and *len
 * on status 200 within ENDORSE_WELL_KNOWN_MAX bytes, else *reason (malloc'd)
 * says why not. pinned (HOST:443:ADDR[,ADDR]..., or NULL) is where curl
 * connects, after net->resolve and net->connect_to. Returns < 0 only on
 * local errors. */
int endorse_https_get(char **body, size_t *len, char **reason, const char *host,
	const char *path, const char *pinned, const endorse_net_options *net, long timeout_ms);

#endif
