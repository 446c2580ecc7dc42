/* Secret keys: generation, the encrypted key file's text, and the Go note
 * form. The only file where seeds are handled and passphrases used (key_file.c
 * passes them through); every buffer that holds either is sodium_malloc'd
 * and wiped before it is released. No I/O: key_file.c reads and writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "encoding.h"
#include "error.h"
#include "vkey.h"
#include "key.h"
#include "key_ref.h"

#define KEY_FILE_MAGIC "endorse-secret-key-v1"
#define SEED_LEN 32
#define SALT_LEN crypto_pwhash_SALTBYTES
#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES
/* Bounds on the cost parameters read from a file: a hostile file must not
 * make us spend more than the strongest preset. */
#define OPS_MIN 1
#define OPS_MAX crypto_pwhash_OPSLIMIT_SENSITIVE
#define MEM_MIN ((size_t)8 * 1024)
#define MEM_MAX crypto_pwhash_MEMLIMIT_SENSITIVE

struct endorse_secret_key {
	endorse_vkey vkey;
	uint8_t *secret; /* sodium_malloc: seed (32) || libsodium secret key (64) */
	/* a key held elsewhere (secret NULL): where, and what signs there */
	endorse_key_ref *ref;
	endorse_held_sign held_sign;
	char *pin; /* sodium_malloc: a token's PIN, or NULL */
	size_t pin_len;
};

static int
key_from_seed(endorse_secret_key **out, const char *name, uint8_t type, const uint8_t *seed)
{
	endorse_secret_key *k = NULL;
	uint8_t pk[32];

	*out = NULL;
	if (!endorse_name_is_origin(name))
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"key name '%s' must be 1 to 255 printable ASCII characters without spaces or '+'",
			name);
	if (type != ENDORSE_KEY_ED25519 && type != ENDORSE_KEY_COSIGNATURE)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "unknown key type 0x%02x", type);
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	k->secret = sodium_malloc(SEED_LEN + crypto_sign_SECRETKEYBYTES);
	if (k->secret == NULL) {
		free(k);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of secure memory");
	}
	memcpy(k->secret, seed, SEED_LEN);
	crypto_sign_seed_keypair(pk, k->secret + SEED_LEN, k->secret);
	sodium_mprotect_readonly(k->secret);
	endorse_vkey_from_public(&k->vkey, name, type, pk);
	*out = k;
	return 0;
}

void
endorse_secret_key_free(endorse_secret_key *key)
{
	if (key == NULL)
		return;
	sodium_free(key->secret); /* wipes before releasing */
	sodium_free(key->pin);
	free(key->ref);
	free(key);
}

const endorse_vkey *
endorse_secret_key_vkey(const endorse_secret_key *key)
{
	return &key->vkey;
}

int
endorse_secret_key_held(endorse_secret_key **out, const endorse_key_ref *ref,
	endorse_held_sign sign)
{
	endorse_secret_key *k = calloc(1, sizeof(*k));

	*out = NULL;
	if (k == NULL || (k->ref = malloc(sizeof(*ref))) == NULL) {
		free(k);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	*k->ref = *ref;
	k->vkey = ref->vkey;
	k->held_sign = sign;
	*out = k;
	return 0;
}

const endorse_key_ref *
endorse_secret_key_ref(const endorse_secret_key *key)
{
	return key->ref;
}

/* Where a held key lives, for people: its fingerprint or its URI. */
static const char *
held_where(const endorse_key_ref *ref)
{
	return strcmp(ref->kind, "pkcs11") == 0 ? ref->uri : ref->fingerprint;
}

const char *
endorse_secret_key_holder(const endorse_secret_key *key, const char **where)
{
	*where = key->ref != NULL ? held_where(key->ref) : NULL;
	return key->ref != NULL ? key->ref->kind : NULL;
}

bool
endorse_secret_key_needs_pin(const endorse_secret_key *key)
{
	return key->ref != NULL && strcmp(key->ref->kind, "pkcs11") == 0;
}

int
endorse_secret_key_set_pin(endorse_secret_key *key, const char *pin, size_t len)
{
	sodium_free(key->pin);
	key->pin = NULL;
	key->pin_len = 0;
	if ((key->pin = sodium_malloc(len + 1)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of secure memory");
	memcpy(key->pin, pin, len);
	key->pin[len] = '\0';
	key->pin_len = len;
	return 0;
}

const char *
endorse_secret_key_pin(const endorse_secret_key *key, size_t *len)
{
	*len = key->pin_len;
	return key->pin;
}

int
endorse_secret_key_sign(uint8_t sig[64], const endorse_secret_key *key, const uint8_t *msg,
	size_t len)
{
	int rc;

	if (key->secret != NULL) {
		crypto_sign_detached(sig, NULL, msg, len, key->secret + SEED_LEN);
		return 0;
	}
	/* a signature made elsewhere reaches the log only if it verifies */
	if ((rc = key->held_sign(sig, key->ref, key->pin, key->pin_len, msg, len)) == 0 &&
	    !endorse_vkey_verify(&key->vkey, sig, msg, len))
		rc = endorse_error_set(ENDORSE_EINVALID, NULL, "the signature the %s made with %s "
			"does not verify with the key's public key: nothing was signed",
			key->ref->kind, held_where(key->ref));
	if (rc != 0)
		sodium_memzero(sig, 64);
	return rc;
}

int
endorse_secret_key_generate(endorse_secret_key **out, const char *name, uint8_t type)
{
	uint8_t *seed = sodium_malloc(SEED_LEN);
	int rc;

	if (seed == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of secure memory");
	randombytes_buf(seed, SEED_LEN);
	rc = key_from_seed(out, name, type, seed);
	sodium_free(seed);
	return rc;
}

/* The key file is text: a header that the AEAD authenticates as additional
 * data (so the name, type and cost parameters cannot be swapped), then the
 * sealed seed. */
static int
format_header(char *out, size_t size, const endorse_secret_key *key, const char *kdf_line)
{
	int n = snprintf(out, size, "%s\nname %s\ntype %02x\n%s", KEY_FILE_MAGIC, key->vkey.name,
		key->vkey.type, kdf_line);

	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* A held key's file: its reference (no secret, so no passphrase). */
static int
seal_reference(char *file, size_t *file_len, const endorse_secret_key *key,
	const char *passphrase)
{
	if (passphrase != NULL)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "a key held elsewhere (%s) has "
			"no passphrase in endorse", key->ref->kind);
	if ((*file_len = endorse_key_ref_format(file, ENDORSE_KEY_FILE_MAX, key->ref)) == 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "the key reference is too long");
	return 0;
}

int
endorse_secret_key_seal(char **out, size_t *out_len, const endorse_secret_key *key,
	const char *passphrase, size_t passphrase_len)
{
	char *file = NULL, kdf_line[256], salt_b64[100], nonce_b64[64];
	uint8_t *derived = NULL, salt[SALT_LEN], nonce[NONCE_LEN], sealed[SEED_LEN + TAG_LEN];
	int rc = 0, header_len;
	size_t file_len = 0;
	const unsigned long long ops = crypto_pwhash_OPSLIMIT_MODERATE;
	const size_t mem = crypto_pwhash_MEMLIMIT_MODERATE;

	*out = NULL;
	*out_len = 0;
	file = sodium_malloc(ENDORSE_KEY_FILE_MAX);
	if (file == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of secure memory");
	if (key->ref != NULL) { /* held elsewhere: the file says where */
		if ((rc = seal_reference(file, &file_len, key, passphrase)) != 0)
			goto out;
	} else if (passphrase == NULL) {
		header_len = format_header(file, ENDORSE_KEY_FILE_MAX, key, "kdf none\n");
		endorse_base64_encode(salt_b64, sizeof(salt_b64), key->secret, SEED_LEN);
		file_len = (size_t)header_len +
			(size_t)snprintf(file + header_len, ENDORSE_KEY_FILE_MAX - (size_t)header_len,
				"seed %s\n", salt_b64);
		sodium_memzero(salt_b64, sizeof(salt_b64));
	} else {
		if (passphrase_len == 0) {
			rc = endorse_error_set(ENDORSE_EUSAGE, NULL, "the passphrase is empty");
			goto out;
		}
		derived = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
		if (derived == NULL) {
			rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of secure memory");
			goto out;
		}
		randombytes_buf(salt, sizeof(salt));
		randombytes_buf(nonce, sizeof(nonce));
		endorse_base64_encode(salt_b64, sizeof(salt_b64), salt, sizeof(salt));
		endorse_base64_encode(nonce_b64, sizeof(nonce_b64), nonce, sizeof(nonce));
		(void)snprintf(kdf_line, sizeof(kdf_line), "kdf argon2id13 %llu %zu %s\nnonce %s\n", ops, mem,
			salt_b64, nonce_b64);
		header_len = format_header(file, ENDORSE_KEY_FILE_MAX, key, kdf_line);
		if (crypto_pwhash(derived, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, passphrase,
			    passphrase_len, salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
			rc = endorse_error_set(ENDORSE_ENOMEM, NULL,
				"not enough memory for Argon2id");
			goto out;
		}
		crypto_aead_xchacha20poly1305_ietf_encrypt(sealed, NULL, key->secret, SEED_LEN,
			(const uint8_t *)file, (size_t)header_len, NULL, nonce, derived);
		endorse_base64_encode(salt_b64, sizeof(salt_b64), sealed, sizeof(sealed));
		file_len = (size_t)header_len +
			(size_t)snprintf(file + header_len, ENDORSE_KEY_FILE_MAX - (size_t)header_len,
				"seed %s\n", salt_b64);
	}
	*out = file;
	*out_len = file_len;
	file = NULL;
out:
	sodium_free(file);
	sodium_free(derived);
	return rc;
}

/* Takes the next line of the key file if it starts with prefix; returns
 * the rest of the line (NUL-terminated in place) or NULL. */
static char *
take_line(char **cursor, const char *prefix)
{
	char *line = *cursor, *lf = strchr(line, '\n');
	size_t n = strlen(prefix);

	if (lf == NULL || strncmp(line, prefix, n) != 0)
		return NULL;
	*lf = '\0';
	*cursor = lf + 1;
	return line + n;
}

/* Parses the key file in work (a copy of original that this splits into
 * strings) and opens the seed. */
static int
open_seed(uint8_t *seed, char *work, const char *original, const char *path,
	const char *passphrase, size_t passphrase_len, char *name, uint8_t *type)
{
	char *cursor = work, *v, *mem_text, *salt_text;
	uint64_t ops, mem;
	size_t header_len;
	uint8_t salt[SALT_LEN], nonce[NONCE_LEN], sealed[SEED_LEN + TAG_LEN], *derived = NULL;
	int rc = 0;

	if ((v = take_line(&cursor, KEY_FILE_MAGIC)) == NULL || *v != '\0')
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s: not an endorse secret key file", path);
	if ((v = take_line(&cursor, "name ")) == NULL || !endorse_name_is_origin(v))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s: corrupted key file (name)", path);
	(void)snprintf(name, ENDORSE_NAME_MAX + 1, "%s", v);
	if ((v = take_line(&cursor, "type ")) == NULL || !endorse_hex_decode_exact(type, 1, v, strlen(v)))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s: corrupted key file (type)", path);
	if (strncmp(cursor, "kdf none\n", 9) == 0) {
		take_line(&cursor, "kdf none");
		if ((v = take_line(&cursor, "seed ")) == NULL ||
		    !endorse_base64_decode_exact(seed, SEED_LEN, v, strlen(v)) || *cursor != '\0')
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"%s: corrupted key file (seed)", path);
		return 0;
	}
	/* "kdf argon2id13 OPS MEM SALT": decimals as written, costs within bounds
	 * (a hostile file must not make Argon2id run for hours) */
	if ((v = take_line(&cursor, "kdf argon2id13 ")) == NULL ||
	    (mem_text = strchr(v, ' ')) == NULL || (salt_text = strchr(mem_text + 1, ' ')) == NULL ||
	    !endorse_parse_decimal(&ops, v, (size_t)(mem_text - v), OPS_MAX) ||
	    !endorse_parse_decimal(&mem, mem_text + 1, (size_t)(salt_text - mem_text - 1), MEM_MAX) ||
	    ops < OPS_MIN || mem < MEM_MIN ||
	    !endorse_base64_decode_exact(salt, SALT_LEN, salt_text + 1, strlen(salt_text + 1)))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s: corrupted key file (kdf)", path);
	if ((v = take_line(&cursor, "nonce ")) == NULL ||
	    !endorse_base64_decode_exact(nonce, NONCE_LEN, v, strlen(v)))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s: corrupted key file (nonce)", path);
	/* The additional data is the header exactly as written. */
	header_len = (size_t)(cursor - work);
	if ((v = take_line(&cursor, "seed ")) == NULL ||
	    !endorse_base64_decode_exact(sealed, sizeof(sealed), v, strlen(v)) || *cursor != '\0')
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s: corrupted key file (seed)", path);
	if (passphrase == NULL)
		return endorse_error_set(ENDORSE_ENEEDPASS, NULL,
			"%s: the key is encrypted; a passphrase is needed", path);
	derived = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	if (derived == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of secure memory");
	if (crypto_pwhash(derived, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, passphrase,
		    passphrase_len, salt, (unsigned long long)ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "not enough memory for Argon2id");
	else if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed, NULL, NULL, sealed,
		    sizeof(sealed), (const uint8_t *)original, header_len, nonce, derived) != 0)
		rc = endorse_error_set(ENDORSE_EPASSPHRASE, NULL,
			"%s: wrong passphrase, or the key file was altered", path);
	sodium_free(derived);
	return rc;
}

int
endorse_secret_key_open(endorse_secret_key **out, const char *text, size_t len, const char *path,
	const char *passphrase, size_t passphrase_len)
{
	char *work = NULL, name[ENDORSE_NAME_MAX + 1];
	uint8_t *seed = NULL, type = 0;
	int rc;

	*out = NULL;
	seed = sodium_malloc(SEED_LEN);
	work = sodium_malloc(len + 1);
	if (seed == NULL || work == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of secure memory");
		goto out;
	}
	memcpy(work, text, len + 1);
	if (strlen(text) != len) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s: corrupted key file (NUL byte)", path);
		goto out;
	}
	rc = open_seed(seed, work, text, path, passphrase, passphrase_len, name, &type);
	if (rc == 0)
		rc = key_from_seed(out, name, type, seed);
out:
	sodium_free(work);
	sodium_free(seed);
	return rc;
}

#define GO_PREFIX "PRIVATE+KEY+"

int
endorse_secret_key_export_go(char **out, const endorse_secret_key *key)
{
	uint8_t raw[1 + SEED_LEN];
	char id[9];
	size_t n = sizeof(GO_PREFIX) + ENDORSE_NAME_MAX + 10 + 64;
	char *text = sodium_malloc(n);
	int rc = 0;

	*out = NULL;
	if (key->ref != NULL) {
		sodium_free(text);
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "the key is held by %s (%s): "
			"its secret never leaves it", key->ref->kind, held_where(key->ref));
	}
	if (key->vkey.type != ENDORSE_KEY_ED25519) {
		sodium_free(text);
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"only Ed25519 (type 0x01) keys have a Go note form; this is a witness key");
	}
	if (text == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of secure memory");
	raw[0] = key->vkey.type;
	memcpy(raw + 1, key->secret, SEED_LEN);
	endorse_vkey_id_hex(id, &key->vkey);
	int m = snprintf(text, n, GO_PREFIX "%s+%s+", key->vkey.name, id);
	endorse_base64_encode(text + m, n - (size_t)m, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	*out = text;
	return rc;
}

void
endorse_secret_text_free(char *text)
{
	sodium_free(text);  /* wipes it; NULL is fine */
}

int
endorse_secret_key_import_go(endorse_secret_key **out, const char *text, size_t len)
{
	const char *name, *plus, *id_start, *b64, *end = text + len;
	char name_buf[ENDORSE_NAME_MAX + 1];
	uint8_t *raw = NULL, id[4];
	int rc = 0;

	*out = NULL;
	if (len > 0 && end[-1] == '\n')
		end--;
	if ((size_t)(end - text) < sizeof(GO_PREFIX) || memcmp(text, GO_PREFIX, strlen(GO_PREFIX)) != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"not a Go note secret key (PRIVATE+KEY+...)");
	name = text + strlen(GO_PREFIX);
	plus = memchr(name, '+', (size_t)(end - name));
	if (plus == NULL || plus == name || (size_t)(plus - name) > ENDORSE_NAME_MAX)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"Go note secret key: malformed name");
	memcpy(name_buf, name, (size_t)(plus - name));
	name_buf[plus - name] = '\0';
	/* a NUL would cut the name short: "a.org\0x" must not import as "a.org" */
	if (strlen(name_buf) != (size_t)(plus - name) || !endorse_name_is_origin(name_buf))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"Go note secret key: malformed name");
	id_start = plus + 1;
	if (end - id_start < 10 || id_start[8] != '+' || !endorse_hex_decode_exact(id, 4, id_start, 8))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"Go note secret key: malformed key ID");
	b64 = id_start + 9;
	raw = sodium_malloc(1 + SEED_LEN);
	if (raw == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of secure memory");
	if (!endorse_base64_decode_exact(raw, 1 + SEED_LEN, b64, (size_t)(end - b64))) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"Go note secret key: malformed key material");
		goto out;
	}
	/* SPEC.md §1: the Go form carries an Ed25519 (0x01) key. */
	if (raw[0] != ENDORSE_KEY_ED25519) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"Go note secret key: key type 0x%02x is not Ed25519 (0x01)",
			raw[0]);
		goto out;
	}
	rc = key_from_seed(out, name_buf, raw[0], raw + 1);
	if (rc == 0 && sodium_memcmp(id, (*out)->vkey.key_id, 4) != 0) {
		endorse_secret_key_free(*out);
		*out = NULL;
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"Go note secret key: key ID does not match the key");
	}
out:
	sodium_free(raw);
	return rc;
}
