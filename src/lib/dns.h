/* dns.c: the library-internal declarations of its module. */
#ifndef ENDORSE_DNS_H
#define ENDORSE_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"

/* dns.c: DNS lookups for the domain checks (SPEC §7), by c-ares. */
typedef struct endorse_dns_txt {
	char **records; size_t *lengths; size_t count; /* each record's strings concatenated */
	bool authenticated;                             /* the resolver set AD (DNSSEC) */
} endorse_dns_txt;

/* 0: an answer (count may be 0: the name has no TXT record); ENDORSE_ENOTFOUND: NXDOMAIN;
 * ENDORSE_EIO: no usable answer (timeout, SERVFAIL, refused): endorse_error_last() says why.
 * server: "ADDR", "ADDR:PORT" or "[V6]:PORT", NULL for the system's resolvers.
 * A record may hold any bytes (records[i] has a NUL after lengths[i] bytes,
 * and may hold NULs before). authenticated is the resolver's claim: c-ares
 * does not validate, so it means something only from a trusted local
 * validating resolver. timeout_ms bounds the whole lookup. */
int endorse_dns_txt_lookup(endorse_dns_txt *out, const char *name, const char *server, long timeout_ms);

void endorse_dns_txt_clear(endorse_dns_txt *txt);

/* The A and AAAA addresses of host, as numeric strings (malloc'd array of malloc'd),
 * from DNS only (not /etc/hosts); the same codes as endorse_dns_txt_lookup. */
int endorse_dns_addresses(char ***out, size_t *count, const char *host, const char *server, long timeout_ms);

void endorse_dns_addresses_free(char **addrs, size_t count);

#endif
