/* Placeholder of dns.c (branch dns) so that the domain branch links before
 * the merge: every lookup fails closed. Delete this file when merging dns. */
#include <stdlib.h>

#include "internal.h"

int
endorse_dns_txt_lookup(endorse_dns_txt *out, const char *name, const char *server,
	long timeout_ms)
{
	(void)name, (void)server, (void)timeout_ms;
	*out = (endorse_dns_txt){0};
	return endorse_fail(ENDORSE_EIO, "DNS lookups are not built in");
}

void
endorse_dns_txt_clear(endorse_dns_txt *txt)
{
	(void)txt;
}

int
endorse_dns_addresses(char ***out, size_t *count, const char *host, const char *server,
	long timeout_ms)
{
	(void)host, (void)server, (void)timeout_ms;
	*out = NULL;
	*count = 0;
	return endorse_fail(ENDORSE_EIO, "DNS lookups are not built in");
}

void
endorse_dns_addresses_free(char **addrs, size_t count)
{
	(void)addrs, (void)count;
}

bool
endorse_address_is_public(const char *numeric)
{
	(void)numeric;
	return false;
}
