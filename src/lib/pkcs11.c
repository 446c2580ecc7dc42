/* PKCS#11, client side, through p11-kit: its URI parser and matcher (RFC
 * 7512) and its module loader. A token session lives for one operation:
 * open (load the module, find the token the URI names, check that it signs
 * with CKM_EDDSA, log in), use, close (log out, finalize, release). Every
 * attribute the token returns is bounded before it is used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>
#include <sodium.h>

#include "error.h"
#include "lib_config.h"
#include "pkcs11.h"
#include "vkey.h"

#define SLOTS_MAX 256
/* DER of the edwards25519 curve: its OID (1.3.101.112), or the
 * PrintableString "edwards25519" some tokens write instead */
static const uint8_t oid_ed25519[] = {0x06, 0x03, 0x2b, 0x65, 0x70};
static const uint8_t name_ed25519[] = {0x13, 0x0c, 'e', 'd', 'w', 'a', 'r', 'd', 's', '2', '5',
	'5', '1', '9'};

struct token {
	P11KitUri *uri;
	CK_FUNCTION_LIST *m;
	/* the modules p11-kit is configured with, when the module is its proxy
	 * (which p11-kit does not load as a module: the same modules, directly) */
	CK_FUNCTION_LIST **modules;
	bool initialized;
	CK_SESSION_HANDLE session;
	bool open, logged_in;
	CK_TOKEN_INFO info;
};

static int
ck_fail(CK_RV rv, const char *what)
{
	return endorse_error_set(ENDORSE_EIO, NULL, "the PKCS#11 token: %s: %s", what,
		p11_kit_strerror(rv));
}

static void
token_close(struct token *t)
{
	if (t->logged_in)
		(void)t->m->C_Logout(t->session);
	if (t->open)
		(void)t->m->C_CloseSession(t->session);
	if (t->modules != NULL) {
		p11_kit_modules_finalize_and_release(t->modules);
	} else {
		if (t->initialized)
			(void)p11_kit_module_finalize(t->m);
		if (t->m != NULL)
			p11_kit_module_release(t->m);
	}
	if (t->uri != NULL)
		p11_kit_uri_free(t->uri);
	memset(t, 0, sizeof(*t));
}

/* Whether one of m's slots holds a token the URI matches: *slot, and its
 * token info in t. */
static bool
slot_of(struct token *t, CK_FUNCTION_LIST *m, CK_SLOT_ID *slot)
{
	CK_SLOT_ID slots[SLOTS_MAX];
	CK_ULONG n = SLOTS_MAX;

	if (m->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		return false;
	for (CK_ULONG i = 0; i < n && i < SLOTS_MAX; i++) {
		if (m->C_GetTokenInfo(slots[i], &t->info) == CKR_OK &&
		    p11_kit_uri_match_token_info(t->uri, &t->info) == 1) {
			*slot = slots[i];
			return true;
		}
	}
	return false;
}

/* Loads the module (or, for p11-kit's proxy, the modules p11-kit is
 * configured with) and finds the first token the URI matches: t->m and
 * *slot. */
static int
find_slot(struct token *t, CK_SLOT_ID *slot, const char *uri, const char *module)
{
	CK_RV rv;

	if (strcmp(module, ENDORSE_P11_KIT_PROXY) == 0) {
		if ((t->modules = p11_kit_modules_load_and_initialize(0)) == NULL)
			return endorse_error_set(ENDORSE_ENOTFOUND, NULL, "p11-kit cannot load its "
				"modules: %s", p11_kit_message() != NULL ? p11_kit_message() : "");
		for (size_t i = 0; t->modules[i] != NULL && t->m == NULL; i++)
			if (slot_of(t, t->modules[i], slot))
				t->m = t->modules[i];
	} else {
		if ((t->m = p11_kit_module_load(module, 0)) == NULL)
			return endorse_error_set(ENDORSE_ENOTFOUND, NULL, "cannot load the PKCS#11 "
				"module %s: %s", module, p11_kit_message() != NULL ? p11_kit_message() : "");
		if ((rv = p11_kit_module_initialize(t->m)) != CKR_OK)
			return ck_fail(rv, "cannot initialize the module");
		t->initialized = true;
		if (!slot_of(t, t->m, slot)) {
			(void)p11_kit_module_finalize(t->m);
			p11_kit_module_release(t->m);
			t->m = NULL;
			t->initialized = false;
		}
	}
	if (t->m != NULL)
		return 0;
	return endorse_error_set(ENDORSE_ENOTFOUND, NULL, "no token matches %s (is it "
		"connected? p11-kit list-modules lists the tokens the modules see)", uri);
}

static int
login(struct token *t, const char *pin, size_t pin_len)
{
	CK_RV rv;

	if ((t->info.flags & CKF_LOGIN_REQUIRED) == 0)
		return 0;
	if (pin == NULL)
		return endorse_error_set(ENDORSE_ENEEDPASS, NULL, "the token needs its PIN");
	rv = t->m->C_Login(t->session, CKU_USER, (CK_UTF8CHAR_PTR)pin, (CK_ULONG)pin_len);
	if (rv == CKR_PIN_INCORRECT)
		return endorse_error_set(ENDORSE_EPASSPHRASE, NULL, "wrong PIN for the token "
			"(not tried again: a token locks after a few wrong PINs)");
	if (rv == CKR_PIN_LOCKED)
		return endorse_error_set(ENDORSE_EPASSPHRASE, NULL, "the token's PIN is locked");
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
		return ck_fail(rv, "cannot log in");
	t->logged_in = rv == CKR_OK;
	return 0;
}

/* Opens the token the URI names through module, checks that it signs with
 * CKM_EDDSA, and logs in with pin when it needs it. */
static int
token_open(struct token *t, const char *uri, const char *module, const char *pin,
	size_t pin_len, bool rw)
{
	CK_MECHANISM_INFO mech;
	CK_SLOT_ID slot = 0;
	CK_RV rv;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((t->uri = p11_kit_uri_new()) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (p11_kit_uri_parse(uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, t->uri) != P11_KIT_URI_OK)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "'%s' is not a PKCS#11 URI (RFC 7512: "
			"pkcs11:token=...;object=...)", uri);
	if ((rc = find_slot(t, &slot, uri, module)) != 0)
		return rc;
	rv = t->m->C_GetMechanismInfo(slot, CKM_EDDSA, &mech);
	if (rv != CKR_OK || (mech.flags & CKF_SIGN) == 0) {
		int n = (int)sizeof(t->info.label); /* blank-padded, not NUL-terminated */

		while (n > 0 && t->info.label[n - 1] == ' ')
			n--;
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "the token '%.*s' does not sign with "
			"Ed25519 (no CKM_EDDSA)", n, (const char *)t->info.label);
	}
	rv = t->m->C_OpenSession(slot, CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0), NULL, NULL,
		&t->session);
	if (rv != CKR_OK)
		return ck_fail(rv, "cannot open a session");
	t->open = true;
	return login(t, pin, pin_len);
}

/* The URI's label and id, with the class and key type given: a template to
 * find Ed25519 keys of that class (a type= in the URI does not apply). */
static CK_ULONG
key_template(CK_ATTRIBUTE *out, P11KitUri *uri, CK_OBJECT_CLASS *cls, CK_KEY_TYPE *type)
{
	CK_ULONG n = 0, count = 0;
	CK_ATTRIBUTE *given = p11_kit_uri_get_attributes(uri, &count);

	out[n++] = (CK_ATTRIBUTE){CKA_CLASS, cls, sizeof(*cls)};
	out[n++] = (CK_ATTRIBUTE){CKA_KEY_TYPE, type, sizeof(*type)};
	for (CK_ULONG i = 0; i < count; i++)
		if (given[i].type == CKA_LABEL || given[i].type == CKA_ID)
			out[n++] = given[i];
	return n;
}

/* The one Ed25519 key of class cls the URI names: *found 0 when none. */
static int
find_key(struct token *t, CK_OBJECT_CLASS cls, CK_OBJECT_HANDLE *key, CK_ULONG *found)
{
	CK_KEY_TYPE type = CKK_EC_EDWARDS;
	CK_ATTRIBUTE template[4];
	CK_OBJECT_HANDLE keys[2];
	CK_ULONG n = key_template(template, t->uri, &cls, &type);
	CK_RV rv = t->m->C_FindObjectsInit(t->session, template, n);

	*found = 0;
	if (rv != CKR_OK)
		return ck_fail(rv, "cannot search its objects");
	rv = t->m->C_FindObjects(t->session, keys, 2, found);
	(void)t->m->C_FindObjectsFinal(t->session);
	if (rv != CKR_OK)
		return ck_fail(rv, "cannot search its objects");
	if (*found > 1)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "the URI names more than one Ed25519 "
			"key on the token: add its object= or id= to the URI");
	*key = keys[0];
	return 0;
}

/* The public key of an Ed25519 public key object: CKA_EC_PARAMS must name
 * edwards25519 (its OID or its name), CKA_EC_POINT is the 32 bytes, raw or
 * in a DER OCTET STRING. */
static int
public_key(struct token *t, CK_OBJECT_HANDLE obj, uint8_t pk[32])
{
	uint8_t params[32], point[40];
	CK_ATTRIBUTE a[2] = {{CKA_EC_PARAMS, params, sizeof(params)},
		{CKA_EC_POINT, point, sizeof(point)}};
	CK_RV rv = t->m->C_GetAttributeValue(t->session, obj, a, 2);

	if (rv != CKR_OK)
		return ck_fail(rv, "cannot read the public key");
	if (!((a[0].ulValueLen == sizeof(oid_ed25519) && memcmp(params, oid_ed25519, 5) == 0) ||
	      (a[0].ulValueLen == sizeof(name_ed25519) &&
	       memcmp(params, name_ed25519, sizeof(name_ed25519)) == 0)))
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "the token's key is not on "
			"edwards25519 (CKA_EC_PARAMS)");
	if (a[1].ulValueLen == 34 && point[0] == 0x04 && point[1] == 32)
		memcpy(pk, point + 2, 32);
	else if (a[1].ulValueLen == 32)
		memcpy(pk, point, 32);
	else
		return endorse_error_set(ENDORSE_EINVALID, NULL, "the token's public key "
			"(CKA_EC_POINT) is not 32 bytes");
	if (crypto_core_ed25519_is_valid_point(pk) != 1)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "the token's public key is not a "
			"valid Ed25519 key");
	return 0;
}

/* The object= label of the URI, for a key generated there. */
static int
uri_label(const struct token *t, const char **label, CK_ULONG *len)
{
	CK_ATTRIBUTE *a = p11_kit_uri_get_attribute(t->uri, CKA_LABEL);

	if (a == NULL || a->ulValueLen == 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "--generate needs the key's label in "
			"the URI (object=...)");
	*label = a->pValue;
	*len = a->ulValueLen;
	return 0;
}

/* A new Ed25519 key pair on the token, labelled and identified as the URI
 * says (an id of 16 random bytes where it gives none), its private key
 * sensitive and not extractable. */
static int
generate(struct token *t)
{
	CK_MECHANISM mech = {CKM_EC_EDWARDS_KEY_PAIR_GEN, NULL, 0};
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE *given_id = p11_kit_uri_get_attribute(t->uri, CKA_ID);
	uint8_t id[16];
	const char *label;
	CK_ULONG label_len, id_len = sizeof(id);
	CK_OBJECT_HANDLE pub, priv;
	int rc = uri_label(t, &label, &label_len);

	if (rc != 0)
		return rc;
	if (given_id != NULL && given_id->ulValueLen > 0 && given_id->ulValueLen <= sizeof(id)) {
		memcpy(id, given_id->pValue, given_id->ulValueLen);
		id_len = given_id->ulValueLen;
	} else {
		randombytes_buf(id, sizeof(id));
	}
	CK_ATTRIBUTE pub_t[] = {{CKA_TOKEN, &yes, sizeof(yes)}, {CKA_VERIFY, &yes, sizeof(yes)},
		{CKA_EC_PARAMS, (void *)oid_ed25519, sizeof(oid_ed25519)},
		{CKA_LABEL, (void *)label, label_len}, {CKA_ID, id, id_len}};
	CK_ATTRIBUTE priv_t[] = {{CKA_TOKEN, &yes, sizeof(yes)}, {CKA_PRIVATE, &yes, sizeof(yes)},
		{CKA_SENSITIVE, &yes, sizeof(yes)}, {CKA_EXTRACTABLE, &no, sizeof(no)},
		{CKA_SIGN, &yes, sizeof(yes)}, {CKA_LABEL, (void *)label, label_len},
		{CKA_ID, id, id_len}};
	CK_RV rv = t->m->C_GenerateKeyPair(t->session, &mech, pub_t, 5, priv_t, 7, &pub, &priv);

	return rv == CKR_OK ? 0 : ck_fail(rv, "cannot generate an Ed25519 key pair");
}

/* The public key of the key the URI names, from its public key object. */
static int
named_public_key(struct token *t, uint8_t pk[32], bool *found)
{
	CK_OBJECT_HANDLE priv = 0, pub = 0;
	CK_ULONG n = 0;
	int rc = find_key(t, CKO_PRIVATE_KEY, &priv, &n);

	*found = n == 1;
	if (rc != 0 || n == 0)
		return rc;
	if ((rc = find_key(t, CKO_PUBLIC_KEY, &pub, &n)) != 0)
		return rc;
	if (n == 0)
		return endorse_error_set(ENDORSE_ENOTFOUND, NULL, "the token holds the private key "
			"but not its public key object");
	return public_key(t, pub, pk);
}

int
endorse_pkcs11_find(endorse_key_ref *ref, const char *name, uint8_t type, const char *uri,
	const char *module, const char *pin, size_t pin_len, bool generate_missing)
{
	struct token t;
	uint8_t pk[32];
	bool found = false;
	int rc;

	memset(ref, 0, sizeof(*ref));
	if (module == NULL)
		module = ENDORSE_P11_KIT_PROXY;
	if (!endorse_key_ref_uri_valid(uri) || !endorse_key_ref_module_valid(module))
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "a PKCS#11 URI starts with pkcs11: "
			"and a module is an absolute path, both printable without spaces");
	if ((rc = token_open(&t, uri, module, pin, pin_len, generate_missing)) == 0 &&
	    (rc = named_public_key(&t, pk, &found)) == 0 && !found) {
		if (!generate_missing)
			rc = endorse_error_set(ENDORSE_ENOTFOUND, NULL, "the token holds no Ed25519 "
				"private key matching %s (--generate makes one)", uri);
		else if ((rc = generate(&t)) == 0 && (rc = named_public_key(&t, pk, &found)) == 0 &&
			 !found)
			rc = endorse_error_set(ENDORSE_EIO, NULL, "the key generated is not found");
	}
	token_close(&t);
	if (rc != 0)
		return rc;
	(void)snprintf(ref->kind, sizeof(ref->kind), "pkcs11");
	(void)snprintf(ref->uri, sizeof(ref->uri), "%s", uri);
	(void)snprintf(ref->module, sizeof(ref->module), "%s", module);
	endorse_vkey_from_public(&ref->vkey, name, type, pk);
	return 0;
}

int
endorse_pkcs11_check(const endorse_key_ref *ref, const char *pin, size_t pin_len)
{
	struct token t;
	uint8_t pk[32];
	bool found = false;
	int rc;

	if ((rc = token_open(&t, ref->uri, ref->module, pin, pin_len, false)) == 0 &&
	    (rc = named_public_key(&t, pk, &found)) == 0) {
		if (!found)
			rc = endorse_error_set(ENDORSE_ENOTFOUND, NULL, "the token holds no Ed25519 "
				"private key matching %s", ref->uri);
		else if (memcmp(pk, ref->vkey.public_key, 32) != 0)
			rc = endorse_error_set(ENDORSE_EINVALID, NULL, "the token's key %s is not the "
				"reference's (%s): the reference was edited, or the key replaced on the "
				"token", ref->uri, ref->vkey.name);
	}
	token_close(&t);
	return rc;
}

int
endorse_pkcs11_sign(uint8_t sig[64], const endorse_key_ref *ref, const char *pin,
	size_t pin_len, const uint8_t *msg, size_t len)
{
	CK_MECHANISM mech = {CKM_EDDSA, NULL, 0};
	CK_OBJECT_HANDLE key = 0;
	CK_ULONG found = 0, sig_len = 64;
	struct token t;
	CK_RV rv;
	int rc;

	if ((rc = token_open(&t, ref->uri, ref->module, pin, pin_len, false)) == 0 &&
	    (rc = find_key(&t, CKO_PRIVATE_KEY, &key, &found)) == 0 && found == 0)
		rc = endorse_error_set(ENDORSE_ENOTFOUND, NULL, "the token holds no Ed25519 private "
			"key matching %s", ref->uri);
	if (rc == 0 && (rv = t.m->C_SignInit(t.session, &mech, key)) != CKR_OK)
		rc = ck_fail(rv, "cannot start a signature");
	if (rc == 0 && ((rv = t.m->C_Sign(t.session, (CK_BYTE_PTR)msg, (CK_ULONG)len, sig,
			       &sig_len)) != CKR_OK || sig_len != 64))
		rc = rv != CKR_OK ? ck_fail(rv, "cannot sign") :
			endorse_error_set(ENDORSE_EINVALID, NULL, "the token's signature is not 64 bytes");
	token_close(&t);
	return rc;
}
