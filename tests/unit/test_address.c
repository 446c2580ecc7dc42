/* endorse_address_is_public (src/lib/address.c): what a domain check may
 * connect to. Each table names the reason, so a failure says which range. */
#include "harness.h"
#include "address.h"

typedef struct sample {
	const char *address;
	const char *why;
} sample;

static int
check_all(const sample *list, size_t n, bool want)
{
	for (size_t i = 0; i < n; i++)
		CHECK_MSG(endorse_address_is_public(list[i].address) == want, "%s (%s): want %s",
			list[i].address, list[i].why, want ? "public" : "not public");
	return 0;
}

#define CHECK_ALL(list, want) CHECK_OK(check_all((list), sizeof(list) / sizeof((list)[0]), (want)))

static int
ipv4_public(void)
{
	static const sample list[] = {
		{ "8.8.8.8", "global" },
		{ "1.1.1.1", "global" },
		{ "9.255.255.255", "below 10/8" },
		{ "11.0.0.0", "above 10/8" },
		{ "100.63.255.255", "below 100.64/10" },
		{ "100.128.0.0", "above 100.64/10" },
		{ "126.255.255.255", "below 127/8" },
		{ "128.0.0.1", "above 127/8" },
		{ "169.253.255.255", "below 169.254/16" },
		{ "169.255.0.0", "above 169.254/16" },
		{ "172.15.255.255", "below 172.16/12" },
		{ "172.32.0.0", "above 172.16/12" },
		{ "192.0.1.1", "between 192.0.0/24 and 192.0.2/24" },
		{ "192.0.3.1", "above 192.0.2/24" },
		{ "192.167.255.255", "below 192.168/16" },
		{ "192.169.0.0", "above 192.168/16" },
		{ "198.17.255.255", "below 198.18/15" },
		{ "198.20.0.0", "above 198.18/15" },
		{ "198.51.99.1", "below 198.51.100/24" },
		{ "203.0.112.1", "below 203.0.113/24" },
		{ "223.255.255.255", "below multicast" },
	};
	CHECK_ALL(list, true);
	return 0;
}

static int
ipv4_not_public(void)
{
	static const sample list[] = {
		{ "0.0.0.0", "unspecified" },
		{ "0.1.2.3", "this network" },
		{ "10.0.0.1", "private" },
		{ "10.255.255.255", "private" },
		{ "100.64.0.1", "CGNAT" },
		{ "100.127.255.255", "CGNAT" },
		{ "127.0.0.1", "loopback" },
		{ "127.255.255.254", "loopback" },
		{ "169.254.169.254", "link-local (cloud metadata)" },
		{ "172.16.0.1", "private" },
		{ "172.31.255.255", "private" },
		{ "192.0.0.8", "IETF protocol assignments" },
		{ "192.0.2.1", "documentation" },
		{ "192.88.99.1", "6to4 relay anycast" },
		{ "192.168.1.1", "private" },
		{ "198.18.0.1", "benchmarking" },
		{ "198.19.255.255", "benchmarking" },
		{ "198.51.100.7", "documentation" },
		{ "203.0.113.9", "documentation" },
		{ "224.0.0.1", "multicast" },
		{ "239.255.255.250", "multicast" },
		{ "240.0.0.1", "reserved" },
		{ "255.255.255.255", "broadcast" },
	};
	CHECK_ALL(list, false);
	return 0;
}

static int
ipv6_public(void)
{
	static const sample list[] = {
		{ "2001:4860:4860::8888", "global" },
		{ "2a00:1450:4001:80b::200e", "global" },
		{ "2606:4700:4700::1111", "global" },
		{ "2001:200::1", "just above 2001::/23" },
		{ "2001:db9::1", "just above documentation" },
		{ "3ffe::1", "global, below 3fff::/20" },
		{ "::ffff:8.8.8.8", "v4-mapped public" },
		{ "64:ff9b::808:808", "NAT64 of 8.8.8.8" },
		{ "2002:808:808::1", "6to4 of 8.8.8.8" },
	};
	CHECK_ALL(list, true);
	return 0;
}

static int
ipv6_not_public(void)
{
	static const sample list[] = {
		{ "::", "unspecified" },
		{ "::1", "loopback" },
		{ "::8.8.8.8", "IPv4-compatible (deprecated)" },
		{ "::ffff:127.0.0.1", "v4-mapped loopback" },
		{ "::ffff:10.1.2.3", "v4-mapped private" },
		{ "::ffff:169.254.169.254", "v4-mapped link-local" },
		{ "::ffff:0:8.8.8.8", "SIIT translated" },
		{ "64:ff9b::7f00:1", "NAT64 of loopback" },
		{ "64:ff9b::a9fe:a9fe", "NAT64 of link-local" },
		{ "64:ff9b:1::808:808", "local-use NAT64" },
		{ "100::1", "discard-only" },
		{ "2001::1", "Teredo" },
		{ "2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo" },
		{ "2001:2::1", "benchmarking" },
		{ "2001:10::1", "ORCHID" },
		{ "2001:db8::1", "documentation" },
		{ "2001:db8:ffff::1", "documentation" },
		{ "2002:7f00:1::1", "6to4 of loopback" },
		{ "2002:c0a8:101::1", "6to4 of private" },
		{ "2002:a9fe:a9fe::1", "6to4 of link-local" },
		{ "3fff::1", "documentation (RFC 9637)" },
		{ "3fff:fff::1", "documentation (RFC 9637)" },
		{ "5f00::1", "SRv6" },
		{ "fc00::1", "ULA" },
		{ "fd12:3456:789a::1", "ULA" },
		{ "fe80::1", "link-local" },
		{ "febf::1", "link-local" },
		{ "fec0::1", "site-local" },
		{ "ff02::1", "multicast" },
		{ "ff0e::1", "multicast, global scope" },
		{ "4000::1", "unallocated" },
		{ "1000::1", "unallocated" },
	};
	CHECK_ALL(list, false);
	return 0;
}

static int
not_numeric(void)
{
	static const sample list[] = {
		{ "", "empty" },
		{ "example.org", "a name" },
		{ "127.1", "shorthand" },
		{ "8.8.8.8.", "trailing dot" },
		{ " 8.8.8.8", "leading space" },
		{ "8.8.8.8 ", "trailing space" },
		{ "08.08.08.08", "leading zeros" },
		{ "0x8.8.8.8", "hex" },
		{ "8.8.8.256", "out of range" },
		{ "fe80::1%eth0", "zone index" },
		{ "[2001:4860:4860::8888]", "brackets" },
		{ "2001:4860:4860::8888/128", "prefix" },
		{ "8.8.8.8:53", "port" },
	};
	CHECK_ALL(list, false);
	CHECK(!endorse_address_is_public(NULL));
	return 0;
}

static const test_case cases[] = {
	CASE(ipv4_public),
	CASE(ipv4_not_public),
	CASE(ipv6_public),
	CASE(ipv6_not_public),
	CASE(not_numeric),
};

HARNESS_MAIN(cases)
