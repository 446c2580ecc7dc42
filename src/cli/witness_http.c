/* endorse witness serve's HTTP: libmicrohttpd accepts and reads requests,
 * one thread a connection; the library decides what to answer
 * (endorse_witness_add_checkpoint, endorse_witness_get_checkpoint). Every
 * request is bounded (its body, the connections, an idle timeout) and
 * logged as one line on standard error. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "util.h"
#include "witness_http.h"

#define ADD_CHECKPOINT "/add-checkpoint"
#define CONNECTIONS_MAX 256   /* at once, for all clients */
#define IDLE_TIMEOUT 30       /* seconds a connection may send nothing */

struct witness_http {
	struct MHD_Daemon *daemon;
	const endorse_witness_service *service;
};

/* What one request has sent so far: its body, up to the bound. */
struct upload {
	char *body;
	size_t len;
	bool too_large;
};

/* One line per request: time, client, method, path, status, and the
 * origin, size and reason when there are (a stranger's bytes, printed
 * safely). */
static void
log_request(struct MHD_Connection *c, const char *method, const char *url,
	const endorse_witness_reply *a)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char client[INET6_ADDRSTRLEN] = "?", when[32];
	time_t now = time(NULL);
	struct tm tm;

	if (ci != NULL && ci->client_addr->sa_family == AF_INET)
		(void)inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)
			->sin_addr, client, sizeof(client));
	else if (ci != NULL && ci->client_addr->sa_family == AF_INET6)
		(void)inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)
			->sin6_addr, client, sizeof(client));
	(void)strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	flockfile(stderr);
	fprintf(stderr, "%s %s ", when, client);
	cli_print_safe(stderr, method);
	fputc(' ', stderr);
	cli_print_safe(stderr, url);
	fprintf(stderr, " %u", a->status);
	if (a->origin[0] != '\0') {
		fputc(' ', stderr);
		cli_print_safe(stderr, a->origin);
		fprintf(stderr, " %llu", (unsigned long long)a->size);
	}
	if (a->why[0] != '\0') {
		fputs(": ", stderr);
		cli_print_safe(stderr, a->why);
	}
	fputc('\n', stderr);
	funlockfile(stderr);
}

static enum MHD_Result
send_answer(struct MHD_Connection *c, const endorse_witness_reply *a)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(a->len, a->body,
		MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ok;

	if (r == NULL)
		return MHD_NO;
	if (a->content_type != NULL)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a->content_type);
	ok = MHD_queue_response(c, a->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* An answer the server gives by itself: status and a line of text. */
static void
plain(endorse_witness_reply *a, unsigned status, const char *why)
{
	a->status = status;
	a->content_type = "text/plain; charset=utf-8";
	(void)snprintf(a->why, sizeof(a->why), "%s", why);
	a->len = strlen(why) + 1;
	if ((a->body = malloc(a->len + 1)) != NULL)
		(void)snprintf(a->body, a->len + 1, "%s\n", why);
	else
		a->len = 0;
}

/* What the request asks for, once its body is in. */
static void
answer(endorse_witness_reply *a, const endorse_witness_service *w, const char *method,
	const char *url, const struct upload *u)
{
	bool post = strcmp(method, "POST") == 0, get = strcmp(method, "GET") == 0;
	size_t n = strlen(url);
	int rc = 0;

	*a = (endorse_witness_reply){0};
	if (strcmp(url, ADD_CHECKPOINT) == 0) {
		if (!post)
			plain(a, 405, "add-checkpoint takes a POST");
		else if (u->too_large)
			plain(a, 413, "the request is larger than 64 KiB");
		else
			rc = endorse_witness_add_checkpoint(a, w, u->body == NULL ? "" : u->body,
				u->len, (uint64_t)time(NULL));
	} else if (n == 1 + 64 + 11 && url[0] == '/' && strcmp(url + 65, "/checkpoint") == 0) {
		char hex[65];

		memcpy(hex, url + 1, 64);
		hex[64] = '\0';
		if (!get)
			plain(a, 405, "a checkpoint is read with a GET");
		else
			rc = endorse_witness_get_checkpoint(a, w, hex);
	} else {
		plain(a, 404, "no such resource (POST /add-checkpoint, GET /<origin hash>/checkpoint)");
	}
	if (rc != 0) { /* the details for the log only: they name the state's files */
		endorse_witness_reply_clear(a);
		plain(a, 500, "the witness could not read or record its state; try again later");
		(void)snprintf(a->why, sizeof(a->why), "%s", endorse_error_get()->message);
	}
}

/* Adds a chunk of the body, up to the bound; past it, drops the rest. */
static void
take_upload(struct upload *u, const char *data, size_t len)
{
	char *grown;

	if (u->too_large || len > ENDORSE_ADD_CHECKPOINT_MAX - u->len) {
		u->too_large = true;
		return;
	}
	if ((grown = realloc(u->body, u->len + len + 1)) == NULL) {
		u->too_large = true;
		return;
	}
	u->body = grown;
	memcpy(u->body + u->len, data, len);
	u->len += len;
	u->body[u->len] = '\0';
}

/* Whether the request's Content-Length is over the bound. */
static bool
declared_too_large(struct MHD_Connection *c)
{
	const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_CONTENT_LENGTH);
	uint64_t n;

	return length != NULL && (!cli_parse_u64(&n, length, UINT64_MAX) ||
		n > ENDORSE_ADD_CHECKPOINT_MAX);
}

/* Answers the request and logs it. */
static enum MHD_Result
respond(struct witness_http *h, struct MHD_Connection *c, const char *method, const char *url,
	const struct upload *u)
{
	endorse_witness_reply a;
	enum MHD_Result ok;

	answer(&a, h->service, method, url, u);
	log_request(c, method, url, &a);
	ok = send_answer(c, &a);
	endorse_witness_reply_clear(&a);
	return ok;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	const char *version, const char *data, size_t *data_len, void **con_cls)
{
	struct upload *u = *con_cls;

	(void)version;
	if (u == NULL) { /* the headers: the body, if any, comes next */
		if ((u = calloc(1, sizeof(*u))) == NULL)
			return MHD_NO;
		*con_cls = u;
		/* a body said to be too large is refused before it is read */
		if (!declared_too_large(c))
			return MHD_YES;
		u->too_large = true;
		return respond(cls, c, method, url, u);
	}
	if (*data_len != 0) {
		/* a body without its length that grows too large is read to
		 * its end and dropped (libmicrohttpd answers only before a
		 * body or after it), then answered 413 */
		take_upload(u, data, *data_len);
		*data_len = 0;
		return MHD_YES;
	}
	return respond(cls, c, method, url, u);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	enum MHD_RequestTerminationCode why)
{
	struct upload *u = *con_cls;

	(void)cls;
	(void)c;
	(void)why;
	if (u != NULL) {
		free(u->body);
		free(u);
		*con_cls = NULL;
	}
}

int
witness_http_start(struct witness_http **out, const endorse_witness_service *w,
	const struct sockaddr *addr, unsigned short *port)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
		MHD_USE_ERROR_LOG | (addr->sa_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	struct witness_http *h = calloc(1, sizeof(*h));
	const union MHD_DaemonInfo *info;

	*out = NULL;
	if (h == NULL)
		return -1;
	h->service = w;
	h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
		MHD_OPTION_SOCK_ADDR, addr,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTIONS_MAX,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_END);
	if (h->daemon == NULL) {
		free(h);
		return -1;
	}
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	*port = info != NULL ? info->port : 0;
	*out = h;
	return 0;
}

void
witness_http_stop(struct witness_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->daemon);
	free(h);
}
