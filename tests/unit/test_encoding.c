/* encoding.c: canonical base64, lowercase hex, strict UTF-8. */
#include "harness.h"
#include "util.h"

static bool
b64(size_t want, const char *text)
{
	uint8_t out[128];

	return endorse_base64_decode_exact(out, want, text, strlen(text));
}

static int
base64_accepts_canonical(void)
{
	uint8_t out[64], bin[64];
	char text[100];

	CHECK(b64(1, "AQ=="));
	CHECK(b64(2, "AQI="));
	CHECK(b64(3, "AQID"));
	CHECK(b64(2, "+/8="));
	CHECK(endorse_base64_decode_exact(out, 1, "AQ==", 4) && out[0] == 1);
	CHECK(endorse_base64_decode_exact(out, 3, "+/8A", 4));
	CHECK(out[0] == 0xfb && out[1] == 0xff && out[2] == 0x00);
	/* every length up to a signature round-trips through the library encoder */
	for (size_t n = 1; n <= 64; n++) {
		for (size_t i = 0; i < n; i++)
			bin[i] = (uint8_t)(i * 37 + n);
		endorse_base64_encode(text, sizeof(text), bin, n);
		CHECK_MSG(strlen(text) == sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL) - 1,
			"n=%zu", n);
		CHECK_MSG(endorse_base64_decode_exact(out, n, text, strlen(text)), "n=%zu %s", n, text);
		CHECK_MSG(memcmp(out, bin, n) == 0, "n=%zu", n);
	}
	return 0;
}

static int
base64_rejects_nonzero_padding_bits(void)
{
	/* "AQ==" is 0x01; "AR==" decodes to the same byte with padding bits set */
	CHECK(!b64(1, "AR=="));
	CHECK(!b64(1, "AP=="));
	CHECK(!b64(2, "AQJ="));
	CHECK(!b64(2, "AQL="));
	/* a 64-byte signature of zeros with its last character altered */
	char sig[89];
	uint8_t zero[64] = {0};
	endorse_base64_encode(sig, sizeof(sig), zero, 64);
	CHECK(b64(64, sig));
	CHECK(sig[85] == 'A' && sig[86] == '=' && sig[87] == '=');
	sig[85] = 'B';
	CHECK(!b64(64, sig));
	return 0;
}

static int
base64_rejects_missing_padding(void)
{
	CHECK(!b64(1, "AQ"));
	CHECK(!b64(1, "AQ="));
	CHECK(!b64(2, "AQI"));
	return 0;
}

static int
base64_rejects_wrong_length(void)
{
	CHECK(!b64(2, "AQ=="));
	CHECK(!b64(1, "AQI="));
	CHECK(!b64(4, "AQID"));
	CHECK(!b64(2, "AQID"));
	CHECK(!b64(1, ""));
	CHECK(!b64(3, "AQIDBA=="));
	/* 33 bytes (a vkey's type and key) need exactly 44 characters */
	CHECK(!b64(33, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
	CHECK(b64(33, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
	CHECK(!b64(33, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="));
	return 0;
}

static int
base64_rejects_trailing_data(void)
{
	uint8_t out[8];

	CHECK(!b64(1, "AQ==AQ=="));
	CHECK(!b64(1, "AQ==A"));
	CHECK(!b64(1, "AQ==\n"));
	CHECK(!b64(3, "AQIDBA=="));
	/* a NUL inside the counted length is trailing data, not an end */
	CHECK(!endorse_base64_decode_exact(out, 1, "AQ==\0", 5));
	return 0;
}

static int
base64_rejects_url_alphabet(void)
{
	CHECK(b64(2, "+/8="));
	CHECK(!b64(2, "-_8="));
	CHECK(!b64(2, "-/8="));
	CHECK(!b64(2, "+_8="));
	return 0;
}

static int
base64_rejects_whitespace(void)
{
	CHECK(!b64(1, " AQ=="));
	CHECK(!b64(1, "AQ== "));
	CHECK(!b64(1, "A Q=="));
	CHECK(!b64(2, "AQ\nI="));
	CHECK(!b64(2, "AQ\tI="));
	CHECK(!b64(3, "AQ ID"));
	CHECK(!b64(1, "AQ=\r="));
	return 0;
}

static int
base64_rejects_other_characters(void)
{
	CHECK(!b64(1, "A*=="));
	CHECK(!b64(1, "=AQ="));
	CHECK(!b64(3, "AQ=D"));
	CHECK(!b64(1, "\xc3\xa9Q="));
	return 0;
}

static int
hex_lowercase_only(void)
{
	uint8_t out[4];

	CHECK(endorse_hex_decode_exact(out, 4, "0123abef", 8));
	CHECK(out[0] == 0x01 && out[1] == 0x23 && out[2] == 0xab && out[3] == 0xef);
	CHECK(!endorse_hex_decode_exact(out, 4, "0123ABEF", 8));
	CHECK(!endorse_hex_decode_exact(out, 4, "0123abeF", 8));
	CHECK(!endorse_hex_decode_exact(out, 4, "0123abe", 7));
	CHECK(!endorse_hex_decode_exact(out, 4, "0123abef0", 9));
	CHECK(!endorse_hex_decode_exact(out, 4, "0123abeg", 8));
	CHECK(!endorse_hex_decode_exact(out, 4, "0123 bef", 8));
	CHECK(!endorse_hex_decode_exact(out, 4, "01:23:ab", 8));
	CHECK(!endorse_hex_decode_exact(out, 4, "0x23abef", 8));
	CHECK(endorse_is_lower_hex("0123456789abcdef", 16));
	CHECK(!endorse_is_lower_hex("A", 1));
	CHECK(!endorse_is_lower_hex("g", 1));

	char enc[9];
	endorse_hex_encode(enc, out, 4);
	CHECK_STR(enc, "0123abef");
	return 0;
}

static bool
utf8(const char *s)
{
	return endorse_utf8_valid((const uint8_t *)s, strlen(s));
}

static int
utf8_accepts_valid(void)
{
	CHECK(utf8(""));
	CHECK(utf8("plain ASCII"));
	CHECK(utf8("\x7f"));
	CHECK(utf8("\xc2\x80"));                 /* U+0080, smallest 2-byte */
	CHECK(utf8("\xc3\xa9t\xc3\xa9"));        /* été */
	CHECK(utf8("\xdf\xbf"));                 /* U+07FF */
	CHECK(utf8("\xe0\xa0\x80"));             /* U+0800, smallest 3-byte */
	CHECK(utf8("\xe2\x82\xac"));             /* € */
	CHECK(utf8("\xed\x9f\xbf"));             /* U+D7FF, before the surrogates */
	CHECK(utf8("\xee\x80\x80"));             /* U+E000, after the surrogates */
	CHECK(utf8("\xef\xbb\xbf"));             /* U+FEFF is valid UTF-8 */
	CHECK(utf8("\xef\xbf\xbf"));             /* U+FFFF */
	CHECK(utf8("\xf0\x90\x80\x80"));         /* U+10000, smallest 4-byte */
	CHECK(utf8("\xf0\x9f\x98\x80"));         /* 😀 */
	CHECK(utf8("\xf4\x8f\xbf\xbf"));         /* U+10FFFF, the largest */
	/* a NUL is a valid code point; the log refuses it elsewhere */
	CHECK(endorse_utf8_valid((const uint8_t *)"a\0b", 3));
	CHECK(endorse_utf8_length("\xc3\xa9t\xc3\xa9\xf0\x9f\x98\x80") == 4);
	return 0;
}

static int
utf8_rejects_overlong(void)
{
	CHECK(!utf8("\xc0\x80"));                /* overlong NUL */
	CHECK(!utf8("\xc0\xaf"));                /* overlong '/' */
	CHECK(!utf8("\xc1\xbf"));
	CHECK(!utf8("\xe0\x80\x80"));
	CHECK(!utf8("\xe0\x9f\xbf"));            /* overlong U+07FF */
	CHECK(!utf8("\xf0\x80\x80\x80"));
	CHECK(!utf8("\xf0\x8f\xbf\xbf"));        /* overlong U+FFFF */
	return 0;
}

static int
utf8_rejects_surrogates(void)
{
	CHECK(!utf8("\xed\xa0\x80"));            /* U+D800 */
	CHECK(!utf8("\xed\xaf\xbf"));            /* U+DBFF */
	CHECK(!utf8("\xed\xb0\x80"));            /* U+DC00 */
	CHECK(!utf8("\xed\xbf\xbf"));            /* U+DFFF */
	CHECK(!utf8("\xed\xa0\xbd\xed\xb8\x80"));  /* CESU-8 pair for U+1F600 */
	return 0;
}

/* The one decoder the CLI's safe printer also uses: code point and length
 * of each form, 0 for what the validator refuses or a sequence cut short. */
static int
utf8_decode(void)
{
	uint32_t cp = 0;

	CHECK_INT(endorse_utf8_decode(&cp, (const uint8_t *)"A", 1), 1);
	CHECK_INT(cp, 0x41);
	CHECK_INT(endorse_utf8_decode(&cp, (const uint8_t *)"\xc3\xa9", 2), 2);
	CHECK_INT(cp, 0xe9);
	CHECK_INT(endorse_utf8_decode(&cp, (const uint8_t *)"\xe2\x80\x8b!", 4), 3);
	CHECK_INT(cp, 0x200b);
	CHECK_INT(endorse_utf8_decode(&cp, (const uint8_t *)"\xf4\x8f\xbf\xbf", 4), 4);
	CHECK_INT(cp, 0x10ffff);
	CHECK_INT(endorse_utf8_decode(&cp, (const uint8_t *)"\xe2\x80\x8b", 2), 0);
	CHECK_INT(endorse_utf8_decode(&cp, (const uint8_t *)"\xc0\x80", 2), 0);
	CHECK_INT(endorse_utf8_decode(&cp, (const uint8_t *)"\xed\xa0\x80", 3), 0);
	CHECK_INT(endorse_utf8_decode(&cp, (const uint8_t *)"\xf4\x90\x80\x80", 4), 0);
	CHECK_INT(endorse_utf8_decode(&cp, (const uint8_t *)"\x80", 1), 0);
	CHECK_INT(endorse_utf8_decode(&cp, (const uint8_t *)"", 0), 0);
	return 0;
}

static int
utf8_rejects_beyond_10ffff(void)
{
	CHECK(!utf8("\xf4\x90\x80\x80"));        /* U+110000 */
	CHECK(!utf8("\xf7\xbf\xbf\xbf"));
	CHECK(!utf8("\xf8\x88\x80\x80\x80"));    /* 5-byte form */
	CHECK(!utf8("\xfc\x84\x80\x80\x80\x80")); /* 6-byte form */
	CHECK(!utf8("\xfe"));
	CHECK(!utf8("\xff"));
	return 0;
}

static int
utf8_rejects_truncated(void)
{
	CHECK(!utf8("\xc3"));
	CHECK(!utf8("a\xc3"));
	CHECK(!utf8("\xe2\x82"));
	CHECK(!utf8("\xf0\x9f\x98"));
	CHECK(!utf8("\xf0\x9f"));
	CHECK(!utf8("\xc3" "a"));                /* continuation replaced */
	CHECK(!utf8("\xe2\x82" "a"));
	CHECK(!utf8("\x80"));                    /* lone continuation bytes */
	CHECK(!utf8("a\xbf"));
	/* the length bounds the check, not a NUL */
	CHECK(!endorse_utf8_valid((const uint8_t *)"\xe2\x82\xac", 2));
	return 0;
}

static const test_case cases[] = {
	CASE(base64_accepts_canonical),
	CASE(base64_rejects_nonzero_padding_bits),
	CASE(base64_rejects_missing_padding),
	CASE(base64_rejects_wrong_length),
	CASE(base64_rejects_trailing_data),
	CASE(base64_rejects_url_alphabet),
	CASE(base64_rejects_whitespace),
	CASE(base64_rejects_other_characters),
	CASE(hex_lowercase_only),
	CASE(utf8_accepts_valid),
	CASE(utf8_rejects_overlong),
	CASE(utf8_rejects_surrogates),
	CASE(utf8_decode),
	CASE(utf8_rejects_beyond_10ffff),
	CASE(utf8_rejects_truncated),
};

HARNESS_MAIN(cases)
