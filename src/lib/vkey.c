/* C2SP signed-note verifier keys: <name>+<key ID>+<base64(type || key)>. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "encoding.h"
#include "error.h"
#include "points.h"
#include "vkey.h"

static void
compute_key_id(uint8_t out[4], const char *name, uint8_t type, const uint8_t pk[32])
{
	crypto_hash_sha256_state st;
	uint8_t digest[32];
	const uint8_t lf = '\n';

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_update(&st, &lf, 1);
	crypto_hash_sha256_update(&st, &type, 1);
	crypto_hash_sha256_update(&st, pk, 32);
	crypto_hash_sha256_final(&st, digest);
	memcpy(out, digest, 4);
}

bool
endorse_name_is_origin(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > ENDORSE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '+')
			return false;
	return true;
}

static bool
is_label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* The DNS syntax of SPEC.md §1 without its 1.1 limits: NULL, or what is wrong. */
static const char *
domain_problem(const char *name, size_t *last_label)
{
	size_t len = strlen(name), labels = 0;
	const char *p = name;

	if (len == 0)
		return "it is empty";
	if (len > 253)
		return "it is longer than 253 bytes";
	while (*p) {
		const char *start = p;

		while (*p && *p != '.') {
			if (!is_label_char(*p))
				return "it holds a character other than a-z, 0-9, '-' and '.' (a lowercase "
				       "DNS domain)";
			p++;
		}
		size_t n = (size_t)(p - start);
		if (n < 1 || n > 63)
			return "it has an empty label or one longer than 63 characters";
		if (start[0] == '-' || p[-1] == '-')
			return "it has a label that starts or ends with '-'";
		labels++;
		*last_label = (size_t)(start - name);
		if (*p == '.') {
			p++;
			if (*p == '\0')
				return "it ends with '.'";
		}
	}
	if (labels < 2)
		return "it is a single label; an organization id is a domain such as example.org";
	return NULL;
}

bool
endorse_name_is_domain(const char *name)
{
	size_t last = 0;

	return domain_problem(name, &last) == NULL;
}

const char *
endorse_org_id_problem(const char *name)
{
	size_t last = 0;
	const char *why = domain_problem(name, &last);

	if (why != NULL)
		return why;
	/* keys/orgs/<id>.vkey must fit a 255-byte file name */
	if (strlen(name) > ENDORSE_ORG_ID_MAX)
		return "it is longer than 250 bytes (keys/orgs/ID.vkey must fit a 255-byte file name)";
	if (strspn(name + last, "0123456789") == strlen(name + last))
		return "its last label is all digits (an IP address is not an organization id)";
	return NULL;
}

bool
endorse_name_is_org_id(const char *name)
{
	return endorse_org_id_problem(name) == NULL;
}

int
endorse_vkey_parse(endorse_vkey *out, const char *text, size_t len)
{
	return endorse_vkey_parse_checked(out, text, len, true);
}

int
endorse_vkey_parse_checked(endorse_vkey *out, const char *text, size_t len, bool check_point)
{
	const char *plus1, *plus2, *end = text + len;
	uint8_t raw[33], id[4];
	size_t name_len;

	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', len) != NULL)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "vkey contains a NUL byte");
	plus1 = memchr(text, '+', len);
	if (plus1 == NULL)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "vkey has no '+' separators");
	plus2 = memchr(plus1 + 1, '+', (size_t)(end - plus1 - 1));
	if (plus2 == NULL)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "vkey has only one '+' separator");
	name_len = (size_t)(plus1 - text);
	if (name_len == 0 || name_len > ENDORSE_NAME_MAX)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "vkey name is empty or longer than %d bytes",
			ENDORSE_NAME_MAX);
	memcpy(out->name, text, name_len);
	out->name[name_len] = '\0';
	if (!endorse_name_is_origin(out->name))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"vkey name must be printable ASCII without spaces or '+'");
	if (!endorse_hex_decode_exact(out->key_id, 4, plus1 + 1, (size_t)(plus2 - plus1 - 1)))
		return endorse_error_set(ENDORSE_EINVALID, NULL, "vkey key ID is not 8 lowercase hex digits");
	if (!endorse_base64_decode_exact(raw, sizeof(raw), plus2 + 1, (size_t)(end - plus2 - 1)))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"vkey key is not canonical base64 of a type byte and 32 bytes");
	out->type = raw[0];
	memcpy(out->public_key, raw + 1, 32);
	if (out->type != ENDORSE_KEY_ED25519 && out->type != ENDORSE_KEY_COSIGNATURE)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "vkey has unknown key type 0x%02x", out->type);
	compute_key_id(id, out->name, out->type, out->public_key);
	if (sodium_memcmp(id, out->key_id, 4) != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "vkey key ID does not match its name and key");
	/* libsodium 1.0.18 accepts signatures under some mixed-order keys. */
	if (check_point && !endorse_points_valid(NULL, out->public_key))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"vkey public key is not a valid Ed25519 point of prime order");
	return 0;
}

void
endorse_vkey_id_hex(char out[9], const endorse_vkey *key)
{
	endorse_hex_encode(out, key->key_id, 4);
}

void
endorse_vkey_format(char out[ENDORSE_VKEY_MAX], const endorse_vkey *key)
{
	uint8_t raw[33];
	char id[9], b64[45];

	raw[0] = key->type;
	memcpy(raw + 1, key->public_key, 32);
	endorse_vkey_id_hex(id, key);
	endorse_base64_encode(b64, sizeof(b64), raw, sizeof(raw));
	(void)snprintf(out, ENDORSE_VKEY_MAX, "%s+%s+%s", key->name, id, b64);
}

size_t
endorse_vkey_format_line(char out[ENDORSE_VKEY_MAX + 1], const endorse_vkey *key)
{
	size_t len;

	endorse_vkey_format(out, key);
	len = strlen(out);
	out[len] = '\n';
	out[len + 1] = '\0';
	return len + 1;
}

bool
endorse_vkey_equal(const endorse_vkey *a, const endorse_vkey *b)
{
	return a->type == b->type && strcmp(a->name, b->name) == 0 &&
		memcmp(a->public_key, b->public_key, 32) == 0;
}

bool
endorse_vkey_verify(const endorse_vkey *key, const uint8_t sig[64], const uint8_t *msg,
	size_t len)
{
	return crypto_sign_verify_detached(sig, msg, len, key->public_key) == 0;
}

void
endorse_vkey_from_public(endorse_vkey *out, const char *name, uint8_t type, const uint8_t pk[32])
{
	memset(out, 0, sizeof(*out));
	(void)snprintf(out->name, sizeof(out->name), "%s", name);
	out->type = type;
	memcpy(out->public_key, pk, 32);
	compute_key_id(out->key_id, out->name, type, pk);
}
