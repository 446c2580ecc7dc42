/* key_ref.c: the key file that holds no secret but says where the key lives
 * (an ssh agent, a PKCS#11 token), as GnuPG's card stubs and age's plugin
 * identities do. Pure: parsed and formatted without I/O (key_file.c reads
 * and writes it, ssh_agent.c and pkcs11.c sign with it). */
#ifndef ENDORSE_KEY_REF_H
#define ENDORSE_KEY_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endorse.h"

#define ENDORSE_KEY_REF_MAGIC "endorse-key-reference-v1"
/* "ssh-ed25519" (string) and the 32-byte key (string): SSH's key blob */
#define ENDORSE_SSH_ED25519_BLOB_LEN (4 + 11 + 4 + 32)
/* "SHA256:" and the unpadded base64 of 32 bytes, as ssh-add -l prints it */
#define ENDORSE_SSH_FINGERPRINT_MAX (7 + 43 + 1)

#define ENDORSE_PKCS11_URI_MAX 1024
#define ENDORSE_PKCS11_MODULE_MAX 512

typedef struct endorse_key_ref {
	endorse_vkey vkey;     /* the key's name, type and public key */
	char kind[16];         /* "ssh-agent" or "pkcs11" */
	/* ssh-agent: the key's SSH fingerprint */
	char fingerprint[ENDORSE_SSH_FINGERPRINT_MAX];
	/* pkcs11: the RFC 7512 URI of the key, and the module's path */
	char uri[ENDORSE_PKCS11_URI_MAX];
	char module[ENDORSE_PKCS11_MODULE_MAX];
} endorse_key_ref;

/* Whether text (a key file's) starts as a reference does. */
bool endorse_key_ref_is(const char *text, size_t len);
/* Parses a reference file's text (NUL-terminated, len bytes); path names it
 * in messages. Refuses (ENDORSE_EINVALID) anything but the exact form
 * endorse_key_ref_format writes, and a fingerprint that is not the public
 * key's: a reference edited by hand. */
int endorse_key_ref_parse(endorse_key_ref *ref, const char *text, size_t len, const char *path);
/* Whether a PKCS#11 URI (pkcs11:, printable, no spaces) and a module path
 * (absolute) can be written in a reference. */
bool endorse_key_ref_uri_valid(const char *uri);
bool endorse_key_ref_module_valid(const char *module);
/* The text of the reference file (NUL-terminated); its length, or 0 when
 * size is too small. */
size_t endorse_key_ref_format(char *out, size_t size, const endorse_key_ref *ref);

/* SSH's ssh-ed25519 key blob of a 32-byte public key. */
void endorse_ssh_ed25519_blob(uint8_t blob[ENDORSE_SSH_ED25519_BLOB_LEN], const uint8_t pk[32]);
/* The SHA256 fingerprint of an SSH key blob, as ssh-add -l prints it. */
void endorse_ssh_fingerprint(char out[ENDORSE_SSH_FINGERPRINT_MAX], const uint8_t *blob,
	size_t len);

#endif
