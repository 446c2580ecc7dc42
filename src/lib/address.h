/* address.c: the library-internal declarations of its module. */
#ifndef ENDORSE_ADDRESS_H
#define ENDORSE_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"

/* address.c: whether a numeric address is public (not loopback, private, link-local, CGNAT
 * 100.64/10, multicast, unspecified, broadcast, documentation, benchmarking, reserved,
 * 6to4/Teredo/NAT64 or v4-mapped forms of those, ULA, site-local, ...). */
bool endorse_address_is_public(const char *numeric);

#endif
