/* vkey.c: parsing, formatting and checking verifier keys; names. */
#include "harness.h"
#include "util.h"

#include <jansson.h>

static int
parse_text(endorse_vkey *k, const char *text)
{
	return endorse_vkey_parse(k, text, strlen(text));
}

/* The vkey of the shared vectors' log (SPEC.md conformance vectors). */
static const char VECTOR_LOG_VKEY[] =
	"example.org/vectors+205255d7+Ae8LJ0+AurPZTrEB9Ec+3ARZ6R7JHdaJ8XfACGZVLyFw";

static int
parse_format_round_trip(void)
{
	endorse_vkey k, k2;
	char text[ENDORSE_VKEY_MAX + 64], out[ENDORSE_VKEY_MAX], id[9];
	uint8_t pk[32], sk[64];

	/* a vector written by another implementation; its base64 holds '+' */
	CHECK_INT(parse_text(&k, VECTOR_LOG_VKEY), 0);
	CHECK_STR(k.name, "example.org/vectors");
	CHECK_INT(k.type, ENDORSE_KEY_ED25519);
	endorse_vkey_id_hex(id, &k);
	CHECK_STR(id, "205255d7");
	endorse_vkey_format(out, &k);
	CHECK_STR(out, VECTOR_LOG_VKEY);

	/* keys built here, both types */
	util_seed_keypair(pk, sk, 7);
	for (int t = 0; t < 2; t++) {
		uint8_t type = t == 0 ? ENDORSE_KEY_ED25519 : ENDORSE_KEY_COSIGNATURE;
		util_vkey_text(text, sizeof(text), "osism.cloud", type, pk);
		CHECK_INT(parse_text(&k, text), 0);
		CHECK_STR(k.name, "osism.cloud");
		CHECK_INT(k.type, type);
		CHECK(memcmp(k.public_key, pk, 32) == 0);
		endorse_vkey_format(out, &k);
		CHECK_STR(out, text);
		CHECK_INT(parse_text(&k2, out), 0);
		CHECK(endorse_vkey_equal(&k, &k2));
	}

	/* endorse_vkey_from_public computes the same key ID */
	endorse_vkey_from_public(&k2, "osism.cloud", ENDORSE_KEY_COSIGNATURE, pk);
	CHECK(memcmp(k2.key_id, k.key_id, 4) == 0);
	CHECK(endorse_vkey_equal(&k, &k2));

	/* equality looks at name, type and key */
	endorse_vkey_from_public(&k2, "osism.clouds", ENDORSE_KEY_COSIGNATURE, pk);
	CHECK(!endorse_vkey_equal(&k, &k2));
	endorse_vkey_from_public(&k2, "osism.cloud", ENDORSE_KEY_ED25519, pk);
	CHECK(!endorse_vkey_equal(&k, &k2));

	/* the longest name fits in ENDORSE_VKEY_MAX */
	char name[ENDORSE_NAME_MAX + 1];
	memset(name, 'n', ENDORSE_NAME_MAX);
	name[ENDORSE_NAME_MAX] = '\0';
	util_vkey_text(text, sizeof(text), name, ENDORSE_KEY_ED25519, pk);
	CHECK_INT(parse_text(&k, text), 0);
	endorse_vkey_format(out, &k);
	CHECK_STR(out, text);
	return 0;
}

static int
verify_signature(void)
{
	endorse_vkey k;
	char text[ENDORSE_VKEY_MAX + 64];
	uint8_t pk[32], sk[64], sig[64];
	const uint8_t msg[] = "endorse/v1\nexample\n{}";

	util_seed_keypair(pk, sk, 9);
	util_vkey_text(text, sizeof(text), "example.org", ENDORSE_KEY_ED25519, pk);
	CHECK_INT(parse_text(&k, text), 0);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg) - 1, sk);
	CHECK(endorse_vkey_verify(&k, sig, msg, sizeof(msg) - 1));
	CHECK(!endorse_vkey_verify(&k, sig, msg, sizeof(msg) - 2));
	sig[0] ^= 1;
	CHECK(!endorse_vkey_verify(&k, sig, msg, sizeof(msg) - 1));
	return 0;
}

static int
rejects_key_id_mismatch(void)
{
	endorse_vkey k;
	char text[ENDORSE_VKEY_MAX + 64];
	uint8_t pk[32], sk[64];

	util_seed_keypair(pk, sk, 3);
	util_vkey_text(text, sizeof(text), "example.org", ENDORSE_KEY_ED25519, pk);
	CHECK_INT(parse_text(&k, text), 0);
	/* flip the last hex digit of the key ID */
	char *id = strchr(text, '+') + 1;
	id[7] = id[7] == '0' ? '1' : '0';
	CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	/* a correct ID, but for another name or another type */
	char other[ENDORSE_VKEY_MAX + 64], mixed[ENDORSE_VKEY_MAX + 128];
	util_vkey_text(other, sizeof(other), "example.com", ENDORSE_KEY_ED25519, pk);
	util_vkey_text(text, sizeof(text), "example.org", ENDORSE_KEY_ED25519, pk);
	snprintf(mixed, sizeof(mixed), "example.org%s", strchr(other, '+'));
	CHECK_INT(parse_text(&k, mixed), ENDORSE_EINVALID);
	util_vkey_text(other, sizeof(other), "example.org", ENDORSE_KEY_COSIGNATURE, pk);
	/* other's ID with text's type and key */
	memcpy(strchr(text, '+') + 1, strchr(other, '+') + 1, 8);
	CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	/* uppercase hex and short IDs */
	util_vkey_text(text, sizeof(text), "example.org", ENDORSE_KEY_ED25519, pk);
	id = strchr(text, '+') + 1;
	bool had_letter = false;
	for (int i = 0; i < 8; i++)
		if (id[i] >= 'a' && id[i] <= 'f') {
			id[i] = (char)(id[i] - 'a' + 'A');
			had_letter = true;
		}
	if (had_letter)
		CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	CHECK_INT(parse_text(&k, "example.org+1234567+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
		ENDORSE_EINVALID);
	return 0;
}

static int
rejects_noncanonical_base64(void)
{
	endorse_vkey k;
	char text[ENDORSE_VKEY_MAX + 64], bad[ENDORSE_VKEY_MAX + 128];
	uint8_t pk[32], sk[64];

	/* pick a key whose base64 holds '+' or '/' so the URL alphabet differs */
	uint8_t fill = 1;
	for (;; fill++) {
		util_seed_keypair(pk, sk, fill);
		util_vkey_text(text, sizeof(text), "example.org", ENDORSE_KEY_ED25519, pk);
		const char *b = strchr(strchr(text, '+') + 1, '+') + 1;
		if (strpbrk(b, "+/") != NULL)
			break;
		CHECK(fill < 200);
	}
	CHECK_INT(parse_text(&k, text), 0);
	char *b64 = strchr(strchr(text, '+') + 1, '+') + 1;
	size_t prefix = (size_t)(b64 - text);

	/* URL alphabet */
	snprintf(bad, sizeof(bad), "%s", text);
	for (char *p = bad + prefix; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	CHECK_INT(parse_text(&k, bad), ENDORSE_EINVALID);
	/* padding added (33 bytes need none) */
	snprintf(bad, sizeof(bad), "%s=", text);
	CHECK_INT(parse_text(&k, bad), ENDORSE_EINVALID);
	/* trailing newline, space, trailing data */
	snprintf(bad, sizeof(bad), "%s\n", text);
	CHECK_INT(parse_text(&k, bad), ENDORSE_EINVALID);
	snprintf(bad, sizeof(bad), "%s ", text);
	CHECK_INT(parse_text(&k, bad), ENDORSE_EINVALID);
	snprintf(bad, sizeof(bad), "%sAAAA", text);
	CHECK_INT(parse_text(&k, bad), ENDORSE_EINVALID);
	/* a character missing */
	snprintf(bad, sizeof(bad), "%s", text);
	bad[strlen(bad) - 1] = '\0';
	CHECK_INT(parse_text(&k, bad), ENDORSE_EINVALID);
	/* a space inside */
	snprintf(bad, sizeof(bad), "%.*s %s", (int)(prefix + 4), text, text + prefix + 4);
	CHECK_INT(parse_text(&k, bad), ENDORSE_EINVALID);
	/* a NUL inside the counted text */
	snprintf(bad, sizeof(bad), "%s", text);
	size_t n = strlen(bad);
	bad[n - 3] = '\0';
	CHECK_INT(endorse_vkey_parse(&k, bad, n), ENDORSE_EINVALID);
	/* only the counted bytes are read: a shorter length is a different text */
	CHECK_INT(endorse_vkey_parse(&k, text, strlen(text) - 1), ENDORSE_EINVALID);
	return 0;
}

static int
rejects_unknown_type(void)
{
	endorse_vkey k;
	char text[ENDORSE_VKEY_MAX + 64];
	uint8_t pk[32], sk[64];
	const uint8_t types[] = {0x00, 0x02, 0x03, 0x05, 0x11, 0xff};

	util_seed_keypair(pk, sk, 5);
	for (size_t i = 0; i < sizeof(types); i++) {
		util_vkey_text(text, sizeof(text), "example.org", types[i], pk);
		CHECK_MSG(parse_text(&k, text) == ENDORSE_EINVALID, "type 0x%02x accepted", types[i]);
	}
	return 0;
}

static int
rejects_bad_names(void)
{
	endorse_vkey k;
	char text[ENDORSE_VKEY_MAX + 512];
	uint8_t pk[32], sk[64];

	util_seed_keypair(pk, sk, 6);
	util_vkey_text(text, sizeof(text), "example org", ENDORSE_KEY_ED25519, pk);
	CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	util_vkey_text(text, sizeof(text), "example+org", ENDORSE_KEY_ED25519, pk);
	CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	util_vkey_text(text, sizeof(text), "", ENDORSE_KEY_ED25519, pk);
	CHECK(text[0] == '+');
	CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	util_vkey_text(text, sizeof(text), "tab\there", ENDORSE_KEY_ED25519, pk);
	CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	util_vkey_text(text, sizeof(text), "caf\xc3\xa9.org", ENDORSE_KEY_ED25519, pk);
	CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	util_vkey_text(text, sizeof(text), "del\x7f", ENDORSE_KEY_ED25519, pk);
	CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	char name[ENDORSE_NAME_MAX + 2];
	memset(name, 'n', ENDORSE_NAME_MAX + 1);
	name[ENDORSE_NAME_MAX + 1] = '\0';
	util_vkey_text(text, sizeof(text), name, ENDORSE_KEY_ED25519, pk);
	CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	/* no separators at all, or only one */
	CHECK_INT(parse_text(&k, "example.org"), ENDORSE_EINVALID);
	CHECK_INT(parse_text(&k, "example.org+205255d7"), ENDORSE_EINVALID);
	CHECK_INT(parse_text(&k, ""), ENDORSE_EINVALID);
	return 0;
}

/* Points that are not of prime order: the identity (small order 1) and the
 * encodings from ed25519-speccheck's table, hard-coded here so that the
 * case runs without ../shared. */
static const char *const BAD_POINTS[] = {
	/* identity: y = 1 */
	"0100000000000000000000000000000000000000000000000000000000000000",
	/* small order (order 2: y = -1) */
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	/* small order 4: (0, ...) y = 0 */
	"0000000000000000000000000000000000000000000000000000000000000000",
	/* small order 8 (speccheck cases 0 and 1) */
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	/* mixed order (speccheck cases 2, 8, 9) */
	"f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
	/* mixed order (speccheck cases 3, 4, 5) */
	"cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
	/* non-canonical small order: y = -1 with the sign bit set (cases 10, 11) */
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	/* non-canonical: y = p (an alternative spelling of y = 0) */
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	/* not on the curve: y = 2 has no x */
	"0200000000000000000000000000000000000000000000000000000000000000",
};

static int
check_bad_point(const char *hex)
{
	endorse_vkey k;
	char text[ENDORSE_VKEY_MAX + 64];
	uint8_t pk[32];

	CHECK(util_hex(pk, 32, hex));
	/* as an organization (0x01) and as a witness (0x04) key */
	util_vkey_text(text, sizeof(text), "example.org", ENDORSE_KEY_ED25519, pk);
	CHECK_MSG(parse_text(&k, text) == ENDORSE_EINVALID, "point %s accepted: %s", hex, text);
	util_vkey_text(text, sizeof(text), "witness.example/w", ENDORSE_KEY_COSIGNATURE, pk);
	CHECK_MSG(parse_text(&k, text) == ENDORSE_EINVALID, "point %s accepted: %s", hex, text);
	return 0;
}

static int
rejects_small_and_mixed_order_points(void)
{
	for (size_t i = 0; i < sizeof(BAD_POINTS) / sizeof(BAD_POINTS[0]); i++)
		CHECK_OK(check_bad_point(BAD_POINTS[i]));
	/* the hard-coded identity once more, spelled out as the brief asks */
	uint8_t identity[32] = {0x01};
	endorse_vkey k;
	char text[ENDORSE_VKEY_MAX + 64];
	util_vkey_text(text, sizeof(text), "example.org", ENDORSE_KEY_ED25519, identity);
	CHECK_INT(parse_text(&k, text), ENDORSE_EINVALID);
	return 0;
}

/* The public keys of ed25519-speccheck that are not of prime order, read from
 * the shared corpus when present. */
static int
rejects_speccheck_bad_points(void)
{
	char path[4096];
	json_error_t err;

	if (!util_shared_path(path, sizeof(path), "corpora/ed25519-speccheck/cases.json"))
		SKIP("ENDORSE_SHARED/corpora/ed25519-speccheck/cases.json is absent");
	json_t *cases = json_load_file(path, 0, &err);
	CHECK_MSG(cases != NULL && json_is_array(cases), "%s: %s", path, err.text);
	size_t i, checked = 0;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *hex = json_string_value(json_object_get(c, "pub_key"));
		CHECK(hex != NULL);
		/* every key in the corpus except the prime-order one of cases 6
		 * and 7 is small, mixed or non-canonical */
		if (strcmp(hex, "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623") == 0)
			continue;
		CHECK_OK(check_bad_point(hex));
		checked++;
	}
	json_decref(cases);
	CHECK_INT(checked, 10);
	return 0;
}

static int
org_id_syntax(void)
{
	static const char *const good[] = {
		"osism.cloud", "a.b", "example.org", "org0.example.org", "xn--bcher-kva.example",
		"a-b.c0", "0.a", "9a.b-c.d", "sub.domain.example.co", "127.0.0.1a", "example.0x",
	};
	static const char *const bad[] = {
		"", "Example.org", "example.ORG", "-example.org", "example-.org", "example.-org",
		"example.org-", "example", "localhost", "example..org", ".example.org", "example.org.",
		".", "..", "exa mple.org", "exa_mple.org", "example.org/x", "caf\xc3\xa9.org",
		"example.org\n", "exa+mple.org", "a.b.",
		/* SPEC 1.1: the last label is not all digits (no IPv4 addresses) */
		"0.0", "127.0.0.1", "example.org.2026", "a.0",
	};
	char name[400];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK_MSG(endorse_name_is_org_id(good[i]), "refused \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_MSG(!endorse_name_is_org_id(bad[i]), "accepted \"%s\"", bad[i]);

	/* a 63-character label is fine, 64 is not */
	memset(name, 'a', 63);
	snprintf(name + 63, sizeof(name) - 63, ".org");
	CHECK(endorse_name_is_org_id(name));
	memset(name, 'a', 64);
	snprintf(name + 64, sizeof(name) - 64, ".org");
	CHECK(!endorse_name_is_org_id(name));
	snprintf(name, sizeof(name), "example.");
	memset(name + 8, 'b', 64);
	name[72] = '\0';
	CHECK(!endorse_name_is_org_id(name));

	/* SPEC 1.1: 250 bytes is the limit (63.63.63.58); 251 to 253 bytes are a
	 * domain's syntax but not an organization id */
	char l63[64], l61[62], l62[63], l58[59], l59[60];
	memset(l63, 'c', 63);
	l63[63] = '\0';
	memset(l61, 'd', 61);
	l61[61] = '\0';
	memset(l62, 'e', 62);
	l62[62] = '\0';
	memset(l58, 'f', 58);
	l58[58] = '\0';
	memset(l59, 'g', 59);
	l59[59] = '\0';
	snprintf(name, sizeof(name), "%s.%s.%s.%s", l63, l63, l63, l58);
	CHECK_INT(strlen(name), 250);
	CHECK(endorse_name_is_org_id(name));
	CHECK(endorse_org_id_problem(name) == NULL);
	snprintf(name, sizeof(name), "%s.%s.%s.%s", l63, l63, l63, l59);
	CHECK_INT(strlen(name), 251);
	CHECK(!endorse_name_is_org_id(name));
	CHECK(endorse_name_is_domain(name));
	CHECK(strstr(endorse_org_id_problem(name), "250 bytes") != NULL);
	snprintf(name, sizeof(name), "%s.%s.%s.%s", l63, l63, l63, l61);
	CHECK_INT(strlen(name), 253);
	CHECK(!endorse_name_is_org_id(name));
	CHECK(endorse_name_is_domain(name));
	snprintf(name, sizeof(name), "%s.%s.%s.%s", l63, l63, l63, l62);
	CHECK_INT(strlen(name), 254);
	CHECK(!endorse_name_is_org_id(name));
	CHECK(!endorse_name_is_domain(name));
	snprintf(name, sizeof(name), "%s.%s.%s.%s", l63, l63, l63, l63);
	CHECK_INT(strlen(name), 255);
	CHECK(!endorse_name_is_org_id(name));
	/* many short labels past 253 bytes */
	name[0] = '\0';
	for (int i = 0; i < 128; i++)
		strcat(name, i == 0 ? "a" : ".a");
	CHECK_INT(strlen(name), 255);
	CHECK(!endorse_name_is_org_id(name));

	/* the reasons name the rule broken */
	CHECK(strstr(endorse_org_id_problem("127.0.0.1"), "all digits") != NULL);
	CHECK(endorse_name_is_domain("127.0.0.1"));
	CHECK(strstr(endorse_org_id_problem("localhost"), "single label") != NULL);
	CHECK(!endorse_name_is_domain("localhost"));
	CHECK(strstr(endorse_org_id_problem("Example.org"), "a-z") != NULL);
	CHECK(strstr(endorse_org_id_problem("-a.org"), "'-'") != NULL);
	CHECK(strstr(endorse_org_id_problem("a..org"), "empty label") != NULL);
	return 0;
}

static int
origin_syntax(void)
{
	char name[300];

	CHECK(endorse_name_is_origin("openoperations.org/manifesto"));
	CHECK(endorse_name_is_origin("example.org/vectors"));
	CHECK(endorse_name_is_origin("x"));
	CHECK(endorse_name_is_origin("!~"));
	CHECK(!endorse_name_is_origin(""));
	CHECK(!endorse_name_is_origin("a b"));
	CHECK(!endorse_name_is_origin("a+b"));
	CHECK(!endorse_name_is_origin("a\tb"));
	CHECK(!endorse_name_is_origin("a\x7f"));
	CHECK(!endorse_name_is_origin("caf\xc3\xa9"));
	memset(name, 'o', 255);
	name[255] = '\0';
	CHECK(endorse_name_is_origin(name));
	memset(name, 'o', 256);
	name[256] = '\0';
	CHECK(!endorse_name_is_origin(name));
	return 0;
}

static const test_case cases[] = {
	CASE(parse_format_round_trip),
	CASE(verify_signature),
	CASE(rejects_key_id_mismatch),
	CASE(rejects_noncanonical_base64),
	CASE(rejects_unknown_type),
	CASE(rejects_bad_names),
	CASE(rejects_small_and_mixed_order_points),
	CASE(rejects_speccheck_bad_points),
	CASE(org_id_syntax),
	CASE(origin_syntax),
};

HARNESS_MAIN(cases)
