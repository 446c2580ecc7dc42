/* witness_http.c: endorse witness serve's HTTP server (libmicrohttpd). */
#ifndef ENDORSE_CLI_WITNESS_HTTP_H
#define ENDORSE_CLI_WITNESS_HTTP_H

#include <sys/socket.h>

#include "endorse.h"

struct witness_http;

/* Starts serving w on addr (port 0: any free port) in threads of its own;
 * *port gets the port it listens on. -1 if it cannot (the address is in
 * use or not this machine's; libmicrohttpd says why on standard error). */
int witness_http_start(struct witness_http **out, const endorse_witness_service *w,
	const struct sockaddr *addr, unsigned short *port);
/* Stops taking connections, waits for the requests under way, frees. */
void witness_http_stop(struct witness_http *h);

#endif
