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

/* What a POST got back: the status (0 if none came), the Content-Type
 * (malloc'd, or NULL) and the whole body (malloc'd, NUL-terminated) when
 * the exchange completed; else reason (malloc'd) says why not (a timeout,
 * a body over the limit, no connection). */
typedef struct endorse_http_response {
	long status;
	char *content_type;
	char *body;
	size_t len;
	char *reason;
} endorse_http_response;
void endorse_http_response_clear(endorse_http_response *res);

/* One POST of body to url (http:// or https://), hardened as
 * endorse_https_get: no redirect followed, no proxy, at most max bytes of
 * answer, timeout_ms in all; the answer is kept whatever its status. cacert
 * (NULL: the system's trust store) replaces the CAs trusted for https.
 * Returns < 0 only on local errors. */
int endorse_http_post(endorse_http_response *res, const char *url, const char *content_type,
	const char *body, size_t len, size_t max, long timeout_ms, const char *cacert);

#endif
