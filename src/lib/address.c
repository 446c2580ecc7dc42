/* Whether an address is one the domain checks may connect to: the check
 * runs in CI next to metadata services and private networks, so only
 * globally reachable unicast addresses are public (IANA's special-purpose
 * registries, RFC 6890 and its updates). Everything unknown is not. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "address.h"

typedef struct prefix {
	uint8_t bytes[16];
	unsigned bits;
} prefix;

static bool
in_prefix(const uint8_t *addr, const prefix *p)
{
	unsigned full = p->bits / 8, rest = p->bits % 8;

	if (memcmp(addr, p->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (addr[full] & mask) == (p->bytes[full] & mask);
}

static bool
in_any(const uint8_t *addr, const prefix *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (in_prefix(addr, &list[i]))
			return true;
	return false;
}

static const prefix v4_not_public[] = {
	{ { 0 }, 8 },                  /* "this network", 0.0.0.0 */
	{ { 10 }, 8 },                 /* private */
	{ { 100, 64 }, 10 },           /* shared address space (CGNAT) */
	{ { 127 }, 8 },                /* loopback */
	{ { 169, 254 }, 16 },          /* link-local, cloud metadata */
	{ { 172, 16 }, 12 },           /* private */
	{ { 192, 0, 0 }, 24 },         /* IETF protocol assignments */
	{ { 192, 0, 2 }, 24 },         /* documentation */
	{ { 192, 88, 99 }, 24 },       /* 6to4 relay anycast (deprecated) */
	{ { 192, 168 }, 16 },          /* private */
	{ { 198, 18 }, 15 },           /* benchmarking */
	{ { 198, 51, 100 }, 24 },      /* documentation */
	{ { 203, 0, 113 }, 24 },       /* documentation */
	{ { 224 }, 4 },                /* multicast */
	{ { 240 }, 4 },                /* reserved, and 255.255.255.255 */
};

static bool
v4_public(const uint8_t *a)
{
	return !in_any(a, v4_not_public, sizeof(v4_not_public) / sizeof(v4_not_public[0]));
}

/* Forms that carry an IPv4 address, public exactly when it is. */
static const prefix v6_mapped = { { [10] = 0xff, [11] = 0xff }, 96 };  /* ::ffff:0:0/96 */
static const prefix v6_nat64 = { { 0x00, 0x64, 0xff, 0x9b }, 96 };     /* 64:ff9b::/96 */
static const prefix v6_6to4 = { { 0x20, 0x02 }, 16 };                  /* 2002::/16 */

/* Only 2000::/3 is allocated for global unicast; within it: */
static const prefix v6_global = { { 0x20 }, 3 };
static const prefix v6_not_public[] = {
	{ { 0x20, 0x01, 0x00, 0x00 }, 23 },  /* IETF protocol assignments, Teredo 2001::/32,
	                                      * benchmarking 2001:2::/48, ORCHID */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32 },  /* documentation */
	{ { 0x3f, 0xff }, 20 },              /* documentation (RFC 9637) */
};

static bool
v6_public(const uint8_t *a)
{
	if (in_prefix(a, &v6_mapped) || in_prefix(a, &v6_nat64))
		return v4_public(a + 12);
	if (in_prefix(a, &v6_6to4))
		return v4_public(a + 2);
	/* The rest of ::/8 (unspecified, loopback, IPv4-compatible),
	 * 64:ff9b:1::/48, 100::/64, fc00::/7, fe80::/10, fec0::/10, ff00::/8
	 * and 5f00::/16 all lie outside 2000::/3. */
	if (!in_prefix(a, &v6_global))
		return false;
	return !in_any(a, v6_not_public, sizeof(v6_not_public) / sizeof(v6_not_public[0]));
}

bool
endorse_address_is_public(const char *numeric)
{
	uint8_t bin[16];

	if (numeric == NULL)
		return false;
	if (inet_pton(AF_INET, numeric, bin) == 1)
		return v4_public(bin);
	if (inet_pton(AF_INET6, numeric, bin) == 1)
		return v6_public(bin);
	return false;
}
