/* pkcs11.c: signing with an Ed25519 key a PKCS#11 token holds (a hardware
 * token, an HSM, SoftHSM), through p11-kit: the RFC 7512 URI names the
 * token and the key, the module is loaded by path. */
#ifndef ENDORSE_PKCS11_H
#define ENDORSE_PKCS11_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "key_ref.h"

/* The reference to the token's key for name and type (see
 * endorse_secret_key_from_pkcs11): ref's uri and module as given (module
 * NULL: p11-kit's proxy), its vkey the token's public key. */
int endorse_pkcs11_find(endorse_key_ref *ref, const char *name, uint8_t type, const char *uri,
	const char *module, const char *pin, size_t pin_len, bool generate);
/* Whether the token still holds ref's key, and its public key is ref's vkey
 * (a reference edited by hand, or a key replaced on the token, is not). */
int endorse_pkcs11_check(const endorse_key_ref *ref, const char *pin, size_t pin_len);
/* The token's CKM_EDDSA signature of msg by ref's key. The caller verifies
 * it. */
int endorse_pkcs11_sign(uint8_t sig[64], const endorse_key_ref *ref, const char *pin,
	size_t pin_len, const uint8_t *msg, size_t len);

#endif
