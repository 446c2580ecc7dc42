/* DNS lookups for the domain checks (SPEC §7): TXT records and addresses,
 * by c-ares; the only user of c-ares. Every lookup has its own channel and
 * one deadline for the whole lookup, retries and TCP fallback included. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ares.h>
#include <ares_dns.h>

#include "error.h"
#include "dns.h"

/* The answer of one name fits in a DNS message (64 KiB over TCP); these
 * bound what is kept, like the HTTPS body. */
#define DNS_MAX_RECORDS 1024
#define DNS_MAX_BYTES 65536
#define DNS_MAX_ADDRESSES 64
#define DNS_HEADER_LEN 12

static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_status = ARES_SUCCESS;

static void
library_init(void)
{
	library_status = ares_library_init(ARES_LIB_INIT_ALL);
}

/* What the messages call the server: the caller's text is validated before
 * it is used in one. */
typedef struct dns_lookup {
	ares_channel channel;
	char server_text[64];
	long timeout_ms;
	bool done;
	int status;             /* ares status of the finished query */
	unsigned char *answer;  /* the raw answer of ares_send */
	size_t answer_len;
	bool answer_rcode_seen; /* the query's RCODE is checked here, not by c-ares */
	struct ares_addrinfo *info;
} dns_lookup;

/* "ADDR", "ADDR:PORT" or "[V6]:PORT" into one c-ares server. */
static int
parse_server(struct ares_addr_port_node *node, const char *server)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port_text = NULL;
	size_t len = strlen(server);

	memset(node, 0, sizeof(*node));
	node->udp_port = node->tcp_port = 53;
	if (len == 0 || len > 60)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"not a DNS server address (ADDR, ADDR:PORT or [V6]:PORT)");
	if (server[0] == '[') {
		const char *close = strchr(server, ']');

		if (close == NULL || (size_t)(close - server - 1) >= sizeof(host) ||
		    (close[1] != '\0' && close[1] != ':'))
			return endorse_error_set(ENDORSE_EUSAGE, NULL,
				"not a DNS server address (ADDR, ADDR:PORT or [V6]:PORT)");
		memcpy(host, server + 1, (size_t)(close - server - 1));
		host[close - server - 1] = '\0';
		port_text = close[1] == ':' ? close + 2 : NULL;
		if (inet_pton(AF_INET6, host, &node->addr.addr6) != 1)
			return endorse_error_set(ENDORSE_EUSAGE, NULL,
				"not an IPv6 address in the DNS server");
		node->family = AF_INET6;
	} else if (inet_pton(AF_INET6, server, &node->addr.addr6) == 1) {
		node->family = AF_INET6;
	} else {
		const char *colon = strchr(server, ':');
		size_t host_len = colon != NULL ? (size_t)(colon - server) : len;

		if (host_len >= sizeof(host))
			return endorse_error_set(ENDORSE_EUSAGE, NULL,
				"not a DNS server address (ADDR, ADDR:PORT or [V6]:PORT)");
		memcpy(host, server, host_len);
		host[host_len] = '\0';
		port_text = colon != NULL ? colon + 1 : NULL;
		if (inet_pton(AF_INET, host, &node->addr.addr4) != 1)
			return endorse_error_set(ENDORSE_EUSAGE, NULL,
				"not an IP address in the DNS server");
		node->family = AF_INET;
	}
	if (port_text != NULL) {
		uint64_t port;

		if (!endorse_parse_decimal(&port, port_text, strlen(port_text), 65535) || port == 0)
			return endorse_error_set(ENDORSE_EUSAGE, NULL,
				"not a port in the DNS server");
		node->udp_port = node->tcp_port = (int)port;
	}
	return 0;
}

static void
describe_server(char *out, size_t size, const struct ares_addr_port_node *node)
{
	char host[INET6_ADDRSTRLEN];

	if (inet_ntop(node->family, &node->addr, host, sizeof(host)) == NULL)
		(void)snprintf(host, sizeof(host), "?");
	if (node->family == AF_INET6)
		(void)snprintf(out, size, "[%s]:%d", host, node->udp_port);
	else
		(void)snprintf(out, size, "%s:%d", host, node->udp_port);
}

static int
lookup_open(dns_lookup *lk, const char *server, long timeout_ms, int flags)
{
	struct ares_options opts;
	struct ares_addr_port_node node;
	int rc = 0, status;

	memset(lk, 0, sizeof(*lk));
	if (timeout_ms <= 0 || timeout_ms > 3600L * 1000)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"the DNS timeout must be between 1 ms and 1 hour");
	lk->timeout_ms = timeout_ms;
	(void)snprintf(lk->server_text, sizeof(lk->server_text), "the system's resolvers");
	if (server != NULL) {
		rc = parse_server(&node, server);
		if (rc < 0)
			return rc;
		describe_server(lk->server_text, sizeof(lk->server_text), &node);
	}
	(void)pthread_once(&library_once, library_init);
	if (library_status != ARES_SUCCESS)
		return endorse_error_set(ENDORSE_EIO, NULL,
			"cannot initialise c-ares: %s", ares_strerror(library_status));

	memset(&opts, 0, sizeof(opts));
	/* Three tries within the deadline; the poll loop enforces the deadline
	 * itself, whatever c-ares makes of its retries. */
	opts.timeout = (int)(timeout_ms / 3 > 0 ? timeout_ms / 3 : 1);
	opts.tries = 3;
	/* No search list: the name asked is the name looked up. Addresses come
	 * from DNS only, not from /etc/hosts. */
	opts.ndomains = 0;
	opts.domains = NULL;
	opts.lookups = (char *)"b";
	opts.flags = ARES_FLAG_NOSEARCH | flags;
	status = ares_init_options(&lk->channel, &opts,
		ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS |
		ARES_OPT_FLAGS);
	if (status != ARES_SUCCESS) {
		lk->channel = NULL;
		return endorse_error_set(ENDORSE_EIO, NULL,
			"cannot start a DNS lookup: %s", ares_strerror(status));
	}
	if (server != NULL) {
		status = ares_set_servers_ports(lk->channel, &node);
		if (status != ARES_SUCCESS)
			return endorse_error_set(ENDORSE_EIO, NULL,
				"cannot use DNS server %s: %s", lk->server_text,
				ares_strerror(status));
	}
	return 0;
}

static void
lookup_close(dns_lookup *lk)
{
	if (lk->channel != NULL)
		ares_destroy(lk->channel);  /* ends a pending query: its callback sees done */
	lk->channel = NULL;
	free(lk->answer);
	lk->answer = NULL;
	if (lk->info != NULL)
		ares_freeaddrinfo(lk->info);
	lk->info = NULL;
}

static long long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs the channel until the query finished or the deadline passed. */
static void
lookup_wait(dns_lookup *lk)
{
	long long deadline = now_ms() + lk->timeout_ms;

	while (!lk->done) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct pollfd fds[ARES_GETSOCK_MAXNUM];
		struct timeval max_tv, tv, *next;
		long long left = deadline - now_ms();
		nfds_t n = 0;
		unsigned bits;
		int wait_ms, ready;

		if (left <= 0)
			break;
		/* c-ares's ARES_GETSOCK_WRITABLE shifts a signed 1 into the sign
		 * bit for the last socket (undefined behaviour): the bits are read
		 * as unsigned here, readable in the low 16, writable in the next */
		bits = (unsigned)ares_getsock(lk->channel, socks, ARES_GETSOCK_MAXNUM);
		for (unsigned i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short events = 0;

			if ((bits & (1u << i)) != 0)
				events |= POLLIN;
			if ((bits & (1u << (i + ARES_GETSOCK_MAXNUM))) != 0)
				events |= POLLOUT;
			if (events == 0)
				continue;
			fds[n].fd = socks[i];
			fds[n].events = events;
			fds[n].revents = 0;
			n++;
		}
		max_tv.tv_sec = (time_t)(left / 1000);
		max_tv.tv_usec = (suseconds_t)((left % 1000) * 1000);
		next = ares_timeout(lk->channel, &max_tv, &tv);
		wait_ms = (int)(next->tv_sec * 1000 + (next->tv_usec + 999) / 1000);
		if (wait_ms > left)
			wait_ms = (int)left;
		ready = poll(fds, n, wait_ms);
		if (ready < 0 && errno != EINTR)
			break;
		if (ready <= 0) {
			ares_process_fd(lk->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
			continue;
		}
		for (nfds_t i = 0; i < n && !lk->done; i++) {
			bool r = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
			bool w = (fds[i].revents & (POLLOUT | POLLERR | POLLHUP)) != 0;

			if (r || w)
				ares_process_fd(lk->channel, r ? fds[i].fd : ARES_SOCKET_BAD,
					w ? fds[i].fd : ARES_SOCKET_BAD);
		}
	}
	if (!lk->done) {
		ares_cancel(lk->channel);
		lk->done = true;
		lk->status = ARES_ETIMEOUT;
	}
}

static void
format_timeout(char *out, size_t size, long timeout_ms)
{
	if (timeout_ms % 1000 == 0)
		(void)snprintf(out, size, "%ld s", timeout_ms / 1000);
	else
		(void)snprintf(out, size, "%ld ms", timeout_ms);
}

/* ENDORSE_EIO with what the failed status means. */
static int
lookup_fail(const dns_lookup *lk, const char *name, int status)
{
	char limit[32];

	switch (status) {
	case ARES_ETIMEOUT:
	case ARES_ECANCELLED:
		format_timeout(limit, sizeof(limit), lk->timeout_ms);
		return endorse_error_set(ENDORSE_EIO, NULL, "%s: no answer from %s within %s", name,
			lk->server_text, limit);
	case ARES_ESERVFAIL:
		return endorse_error_set(ENDORSE_EIO, NULL,
			"%s: SERVFAIL from %s", name, lk->server_text);
	case ARES_EREFUSED:
		return endorse_error_set(ENDORSE_EIO, NULL,
			"%s: REFUSED by %s", name, lk->server_text);
	case ARES_ENOTIMP:
		return endorse_error_set(ENDORSE_EIO, NULL, "%s: query not implemented by %s", name,
			lk->server_text);
	case ARES_ECONNREFUSED:
		/* also c-ares's word for a REFUSED answer, which only the TXT
		 * lookup tells apart (it sees the RCODE itself) */
		return endorse_error_set(ENDORSE_EIO, NULL, "%s: connection refused by %s%s", name,
			lk->server_text, lk->answer_rcode_seen ? "" : " (or it REFUSED the query)");
	case ARES_EBADRESP:
	case ARES_EFORMERR:
		return endorse_error_set(ENDORSE_EIO, NULL,
			"%s: malformed answer from %s", name, lk->server_text);
	default:
		return endorse_error_set(ENDORSE_EIO, NULL,
			"%s: DNS lookup through %s failed: %s", name,
			lk->server_text, ares_strerror(status));
	}
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	dns_lookup *lk = arg;

	(void)timeouts;
	if (lk->done)
		return;
	lk->done = true;
	lk->status = status;
	if (status != ARES_SUCCESS)
		return;
	if (abuf == NULL || alen < DNS_HEADER_LEN) {
		lk->status = ARES_EBADRESP;
		return;
	}
	lk->answer = malloc((size_t)alen);
	if (lk->answer == NULL) {
		lk->status = ARES_ENOMEM;
		return;
	}
	memcpy(lk->answer, abuf, (size_t)alen);
	lk->answer_len = (size_t)alen;
}

static int
check_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 253)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "not a DNS name to look up");
	return 0;
}

void
endorse_dns_txt_clear(endorse_dns_txt *txt)
{
	if (txt == NULL)
		return;
	for (size_t i = 0; i < txt->count; i++)
		free(txt->records[i]);
	free(txt->records);
	free(txt->lengths);
	memset(txt, 0, sizeof(*txt));
}

/* Appends the strings of answer's TXT records to out, one record per
 * entry: record_start marks where the next record begins. */
static int
collect_txt(endorse_dns_txt *out, const struct ares_txt_ext *head, const char *name)
{
	size_t total = 0, records = 0;
	int rc = 0;

	for (const struct ares_txt_ext *t = head; t != NULL; t = t->next) {
		if (t->record_start || records == 0)
			records++;
		total += t->length;
		if (records > DNS_MAX_RECORDS)
			return endorse_error_set(ENDORSE_EIO, NULL,
				"%s: more than %d TXT records", name,
				DNS_MAX_RECORDS);
		if (total > DNS_MAX_BYTES)
			return endorse_error_set(ENDORSE_EIO, NULL,
				"%s: TXT records of more than %d bytes", name,
				DNS_MAX_BYTES);
	}
	if (records == 0)
		return 0;
	out->records = calloc(records, sizeof(*out->records));
	out->lengths = calloc(records, sizeof(*out->lengths));
	if (out->records == NULL || out->lengths == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	/* Each record's length first, so that each is allocated once. */
	size_t i = 0, at = 0;
	for (const struct ares_txt_ext *t = head; t != NULL; t = t->next) {
		if (t->record_start && t != head)
			i++;
		out->lengths[i] += t->length;
	}
	out->count = records;
	for (i = 0; i < records; i++) {
		/* +1: a NUL after the bytes for callers that print; the bytes may
		 * hold NULs themselves, lengths[i] is what counts. */
		if ((out->records[i] = malloc(out->lengths[i] + 1)) == NULL) {
			rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
			goto out;
		}
		out->records[i][out->lengths[i]] = '\0';
	}
	i = 0;
	for (const struct ares_txt_ext *t = head; t != NULL; t = t->next) {
		if (t->record_start && t != head) {
			i++;
			at = 0;
		}
		if (t->length > 0)
			memcpy(out->records[i] + at, t->txt, t->length);
		at += t->length;
	}
out:
	return rc;
}

/* The answer's RCODE: NOERROR, or the error it stands for. */
static int
check_rcode(const dns_lookup *lk, const char *name)
{
	switch (lk->answer[3] & 0x0f) {
	case ns_r_noerror:
		return 0;
	case ns_r_nxdomain:
		return endorse_error_set(ENDORSE_ENOTFOUND, NULL,
			"%s: no such name (NXDOMAIN from %s)",
			name, lk->server_text);
	case ns_r_servfail:
		return lookup_fail(lk, name, ARES_ESERVFAIL);
	case ns_r_refused:
		return lookup_fail(lk, name, ARES_EREFUSED);
	case ns_r_notimpl:
		return lookup_fail(lk, name, ARES_ENOTIMP);
	default:
		return endorse_error_set(ENDORSE_EIO, NULL, "%s: DNS error %d from %s", name,
			lk->answer[3] & 0x0f, lk->server_text);
	}
}

int
endorse_dns_txt_lookup(endorse_dns_txt *out, const char *name, const char *server, long timeout_ms)
{
	dns_lookup lk;
	unsigned char *query = NULL;
	struct ares_txt_ext *txt = NULL;
	int query_len = 0, status, rc;

	memset(out, 0, sizeof(*out));
	memset(&lk, 0, sizeof(lk));
	rc = check_name(name);
	if (rc < 0)
		goto out;
	/* NOCHECKRESP: the answer comes back whatever its RCODE, so that the
	 * message can tell REFUSED from a closed port (c-ares says "connection
	 * refused" for both); the cost is no failover to a second system
	 * resolver after SERVFAIL. */
	rc = lookup_open(&lk, server, timeout_ms, ARES_FLAG_NOCHECKRESP);
	if (rc < 0)
		goto out;
	lk.answer_rcode_seen = true;
	/* c-ares does not validate DNSSEC: ask the resolver to say whether it
	 * did, by the AD bit in the query (RFC 6840 §5.7); no EDNS (max_udp_size
	 * 0), so that a large answer comes over TCP after truncation. */
	status = ares_create_query(name, ns_c_in, ns_t_txt, 0, 1, &query, &query_len, 0);
	if (status != ARES_SUCCESS || query_len < DNS_HEADER_LEN) {
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"%s: cannot make a DNS query: %s", name,
			ares_strerror(status));
		goto out;
	}
	query[3] |= 0x20;  /* AD */
	ares_send(lk.channel, query, query_len, on_answer, &lk);
	lookup_wait(&lk);
	if (lk.status != ARES_SUCCESS) {
		rc = lookup_fail(&lk, name, lk.status);
		goto out;
	}
	if ((rc = check_rcode(&lk, name)) < 0)
		goto out;
	out->authenticated = (lk.answer[3] & 0x20) != 0;
	if (lk.answer_len > INT_MAX) {
		rc = lookup_fail(&lk, name, ARES_EBADRESP);
		goto out;
	}
	status = ares_parse_txt_reply_ext(lk.answer, (int)lk.answer_len, &txt);
	if (status == ARES_ENODATA) {
		rc = 0;  /* the name exists and has no TXT record */
		goto out;
	}
	if (status != ARES_SUCCESS) {
		rc = lookup_fail(&lk, name, status);
		goto out;
	}
	rc = collect_txt(out, txt, name);
out:
	if (txt != NULL)
		ares_free_data(txt);
	if (query != NULL)
		ares_free_string(query);
	lookup_close(&lk);
	if (rc < 0)
		endorse_dns_txt_clear(out);
	return rc;
}

static void
on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *info)
{
	dns_lookup *lk = arg;

	(void)timeouts;
	if (lk->done) {
		if (info != NULL)
			ares_freeaddrinfo(info);
		return;
	}
	lk->done = true;
	lk->status = status;
	lk->info = info;
}

void
endorse_dns_addresses_free(char **addrs, size_t count)
{
	if (addrs == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		free(addrs[i]);
	free(addrs);
}

int
endorse_dns_addresses(char ***out, size_t *count, const char *host, const char *server,
	long timeout_ms)
{
	dns_lookup lk;
	struct ares_addrinfo_hints hints;
	char **addrs = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	*count = 0;
	memset(&lk, 0, sizeof(lk));
	rc = check_name(host);
	if (rc < 0)
		goto out;
	rc = lookup_open(&lk, server, timeout_ms, 0);
	if (rc < 0)
		goto out;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	/* NOSORT: sorting connects UDP sockets to the answers to learn routes. */
	hints.ai_flags = ARES_AI_NOSORT;
	ares_getaddrinfo(lk.channel, host, NULL, &hints, on_addrinfo, &lk);
	lookup_wait(&lk);
	if (lk.status == ARES_ENOTFOUND) {
		rc = endorse_error_set(ENDORSE_ENOTFOUND, NULL,
			"%s: no such name (from %s)", host, lk.server_text);
		goto out;
	}
	if (lk.status == ARES_ENODATA)
		goto out;  /* a name without addresses */
	if (lk.status != ARES_SUCCESS) {
		rc = lookup_fail(&lk, host, lk.status);
		goto out;
	}
	addrs = calloc(DNS_MAX_ADDRESSES, sizeof(*addrs));
	if (addrs == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (const struct ares_addrinfo_node *a = lk.info != NULL ? lk.info->nodes : NULL; a != NULL;
	     a = a->ai_next) {
		char text[INET6_ADDRSTRLEN];
		const void *bin;
		bool seen = false;

		if (a->ai_family == AF_INET && a->ai_addrlen >= sizeof(struct sockaddr_in))
			bin = &((const struct sockaddr_in *)(const void *)a->ai_addr)->sin_addr;
		else if (a->ai_family == AF_INET6 && a->ai_addrlen >= sizeof(struct sockaddr_in6))
			bin = &((const struct sockaddr_in6 *)(const void *)a->ai_addr)->sin6_addr;
		else
			continue;
		if (inet_ntop(a->ai_family, bin, text, sizeof(text)) == NULL)
			continue;
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp(addrs[i], text) == 0;
		if (seen)
			continue;
		if (n == DNS_MAX_ADDRESSES) {
			rc = endorse_error_set(ENDORSE_EIO, NULL,
				"%s: more than %d addresses", host,
				DNS_MAX_ADDRESSES);
			goto out;
		}
		addrs[n] = strdup(text);
		if (addrs[n] == NULL) {
			rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
			goto out;
		}
		n++;
	}
	*out = addrs;
	*count = n;
	addrs = NULL;
out:
	endorse_dns_addresses_free(addrs, n);
	lookup_close(&lk);
	return rc;
}
