/* vkey.c: the library-internal declarations of its module. */
#ifndef ENDORSE_VKEY_H
#define ENDORSE_VKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"

/* vkey.c: endorse_vkey_parse; without check_point, the public key is not
 * checked to be a point of prime order (it was checked when first seen). */
int endorse_vkey_parse_checked(endorse_vkey *out, const char *text, size_t len, bool check_point);

/* The vkey text and "\n", as keys/orgs/ID.vkey and .vkey files hold it;
 * returns its length. */
size_t endorse_vkey_format_line(char out[ENDORSE_VKEY_MAX + 1], const endorse_vkey *key);

/* The vkey of a public key (name must already be checked). */
void endorse_vkey_from_public(endorse_vkey *out, const char *name, uint8_t type,
	const uint8_t pk[32]);

#endif
