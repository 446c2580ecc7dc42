/* Reference key files: a key held by an ssh agent or a PKCS#11 token,
 * named by its name, type and public key, and where it lives; no secret, no
 * PIN. The form is line by line and exact:
 *
 *     endorse-key-reference-v1          endorse-key-reference-v1
 *     kind ssh-agent                    kind pkcs11
 *     vkey NAME+ID+BASE64               vkey NAME+ID+BASE64
 *     fingerprint SHA256:...            uri pkcs11:token=...;object=...
 *                                       module /usr/lib/.../module.so
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "key_ref.h"
#include "vkey.h"

bool
endorse_key_ref_is(const char *text, size_t len)
{
	size_t n = strlen(ENDORSE_KEY_REF_MAGIC);

	return len > n && memcmp(text, ENDORSE_KEY_REF_MAGIC, n) == 0 && text[n] == '\n';
}

void
endorse_ssh_ed25519_blob(uint8_t blob[ENDORSE_SSH_ED25519_BLOB_LEN], const uint8_t pk[32])
{
	static const uint8_t head[] = {0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5',
		'1', '9', 0, 0, 0, 32};

	memcpy(blob, head, sizeof(head));
	memcpy(blob + sizeof(head), pk, 32);
}

void
endorse_ssh_fingerprint(char out[ENDORSE_SSH_FINGERPRINT_MAX], const uint8_t *blob, size_t len)
{
	uint8_t digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, blob, len);
	(void)snprintf(out, ENDORSE_SSH_FINGERPRINT_MAX, "SHA256:");
	sodium_bin2base64(out + 7, ENDORSE_SSH_FINGERPRINT_MAX - 7, digest, sizeof(digest),
		sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

/* The next line of text at *at, which must start with prefix: its rest, in
 * out (size bytes with the NUL). */
static bool
take(const char **at, const char *prefix, char *out, size_t size)
{
	const char *lf = strchr(*at, '\n');
	size_t n = strlen(prefix);

	if (lf == NULL || (size_t)(lf - *at) < n || strncmp(*at, prefix, n) != 0 ||
	    (size_t)(lf - *at) - n >= size)
		return false;
	memcpy(out, *at + n, (size_t)(lf - *at) - n);
	out[(size_t)(lf - *at) - n] = '\0';
	*at = lf + 1;
	return true;
}

/* Printable ASCII without spaces: a URI or a path as written. */
static bool
plain_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s > '~')
			return false;
	return true;
}

bool
endorse_key_ref_uri_valid(const char *uri)
{
	return strncmp(uri, "pkcs11:", 7) == 0 && strlen(uri) < ENDORSE_PKCS11_URI_MAX &&
		plain_text(uri);
}

bool
endorse_key_ref_module_valid(const char *module)
{
	return module[0] == '/' && strlen(module) < ENDORSE_PKCS11_MODULE_MAX && plain_text(module);
}

/* The lines of a pkcs11 reference after its vkey. (Whether the token's key
 * is the vkey's is checked at the token: pkcs11.c.) */
static int
parse_pkcs11(endorse_key_ref *ref, const char *at, const char *path)
{
	if (!take(&at, "uri ", ref->uri, sizeof(ref->uri)) || !endorse_key_ref_uri_valid(ref->uri))
		return endorse_error_set(ENDORSE_EINVALID, NULL, "%s: corrupted key reference "
			"(uri)", path);
	if (!take(&at, "module ", ref->module, sizeof(ref->module)) || *at != '\0' ||
	    !endorse_key_ref_module_valid(ref->module))
		return endorse_error_set(ENDORSE_EINVALID, NULL, "%s: corrupted key reference "
			"(module)", path);
	return 0;
}

int
endorse_key_ref_parse(endorse_key_ref *ref, const char *text, size_t len, const char *path)
{
	const char *at = text;
	char vkey[ENDORSE_VKEY_MAX + 1], fingerprint[ENDORSE_SSH_FINGERPRINT_MAX + 1];
	uint8_t blob[ENDORSE_SSH_ED25519_BLOB_LEN];

	memset(ref, 0, sizeof(*ref));
	if (strlen(text) != len || !endorse_key_ref_is(text, len))
		return endorse_error_set(ENDORSE_EINVALID, NULL, "%s: not a key reference", path);
	at += strlen(ENDORSE_KEY_REF_MAGIC) + 1; /* and its LF */
	if (!take(&at, "kind ", ref->kind, sizeof(ref->kind)))
		return endorse_error_set(ENDORSE_EINVALID, NULL, "%s: corrupted key reference "
			"(kind)", path);
	if (strcmp(ref->kind, "ssh-agent") != 0 && strcmp(ref->kind, "pkcs11") != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "%s: a key held by '%s', which "
			"this endorse does not know (it knows ssh-agent and pkcs11)", path, ref->kind);
	if (!take(&at, "vkey ", vkey, sizeof(vkey)) ||
	    endorse_vkey_parse(&ref->vkey, vkey, strlen(vkey)) != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "%s: corrupted key reference "
			"(vkey)", path);
	if (strcmp(ref->kind, "pkcs11") == 0)
		return parse_pkcs11(ref, at, path);
	if (!take(&at, "fingerprint ", fingerprint, sizeof(fingerprint)) || *at != '\0')
		return endorse_error_set(ENDORSE_EINVALID, NULL, "%s: corrupted key reference "
			"(fingerprint)", path);
	endorse_ssh_ed25519_blob(blob, ref->vkey.public_key);
	endorse_ssh_fingerprint(ref->fingerprint, blob, sizeof(blob));
	if (strcmp(fingerprint, ref->fingerprint) != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "%s: the key reference was "
			"edited: its fingerprint %s is not its public key's (%s); make it again with "
			"endorse keygen --ssh-agent", path, fingerprint, ref->fingerprint);
	return 0;
}

size_t
endorse_key_ref_format(char *out, size_t size, const endorse_key_ref *ref)
{
	char vkey[ENDORSE_VKEY_MAX];
	int n;

	endorse_vkey_format(vkey, &ref->vkey);
	if (strcmp(ref->kind, "pkcs11") == 0)
		n = snprintf(out, size, "%s\nkind pkcs11\nvkey %s\nuri %s\nmodule %s\n",
			ENDORSE_KEY_REF_MAGIC, vkey, ref->uri, ref->module);
	else
		n = snprintf(out, size, "%s\nkind %s\nvkey %s\nfingerprint %s\n",
			ENDORSE_KEY_REF_MAGIC, ref->kind, vkey, ref->fingerprint);
	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}
