/* Strict decoding of the text encodings that SPEC.md uses: base64, hex and
 * UTF-8. Strict means one spelling per value: a decoder that accepted two
 * spellings would let one signed value appear as two different log lines. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

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

bool
endorse_utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];
		size_t n;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (len - i - 1 < n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
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
