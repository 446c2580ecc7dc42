/* Strict decoding of the text encodings that SPEC.md uses: base64, hex and
 * UTF-8. Strict means one spelling per value: a decoder that accepted two
 * spellings would let one signed value appear as two different log lines. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "encoding.h"

#define B64 sodium_base64_VARIANT_ORIGINAL

bool
endorse_base64_decode_exact(uint8_t *out, size_t want, const char *text, size_t len)
{
	char again[128];
	size_t got = 0;
	const char *end = NULL;

	if (len != sodium_base64_ENCODED_LEN(want, B64) - 1 || len >= sizeof(again))
		return false;
	if (sodium_base642bin(out, want, text, len, NULL, &got, &end, B64) != 0)
		return false;
	if (got != want || end != text + len)
		return false;
	/* Re-encoding catches non-zero padding bits, which decode to the same bytes. */
	sodium_bin2base64(again, sizeof(again), out, want, B64);
	return memcmp(again, text, len) == 0;
}

bool
endorse_base64_decode(uint8_t *out, size_t max, size_t *got, const char *text, size_t len)
{
	const char *end = NULL;
	char *again;
	bool same;

	*got = 0;
	if (len == 0 || len % 4 != 0 || len / 4 * 3 > max + 2)
		return false;
	if (sodium_base642bin(out, max, text, len, NULL, got, &end, B64) != 0 || end != text + len)
		return false;
	/* Re-encoding catches non-zero padding bits, which decode to the same bytes. */
	if ((again = malloc(len + 1)) == NULL)
		return false;
	sodium_bin2base64(again, len + 1, out, *got, B64);
	same = memcmp(again, text, len) == 0;
	free(again);
	return same;
}

void
endorse_base64_encode(char *out, size_t out_len, const uint8_t *bin, size_t len)
{
	sodium_bin2base64(out, out_len, bin, len, B64);
}

bool
endorse_is_lower_hex(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
			return false;
	return true;
}

bool
endorse_parse_decimal(uint64_t *out, const char *text, size_t len, uint64_t max)
{
	uint64_t v = 0;

	if (len == 0 || len > 20 || (len > 1 && text[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		uint64_t d = (uint64_t)(text[i] - '0');
		if (text[i] < '0' || text[i] > '9' || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool
endorse_hex_decode_exact(uint8_t *out, size_t want, const char *text, size_t len)
{
	size_t got = 0;

	if (len != 2 * want || !endorse_is_lower_hex(text, len))
		return false;
	return sodium_hex2bin(out, want, text, len, NULL, &got, NULL) == 0 && got == want;
}

void
endorse_hex_encode(char *out, const uint8_t *bin, size_t len)
{
	sodium_bin2hex(out, 2 * len + 1, bin, len);
}

size_t
endorse_utf8_decode(uint32_t *cp, const uint8_t *s, size_t len)
{
	size_t n;
	uint32_t c, min;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

bool
endorse_utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		if (s[i] < 0x80) {  /* the common case, without a call */
			i++;
			continue;
		}
		if ((n = endorse_utf8_decode(&cp, s + i, len - i)) == 0)
			return false;
		i += n;
	}
	return true;
}

size_t
endorse_utf8_length(const char *text)
{
	size_t n = 0;

	for (; *text; text++)
		if (((unsigned char)*text & 0xc0) != 0x80)
			n++;
	return n;
}
