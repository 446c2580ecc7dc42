/* encoding.c: the library-internal declarations of its module. */
#ifndef ENDORSE_ENCODING_H
#define ENDORSE_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"

/* encoding.c */
/* Decodes canonical padded standard base64 of exactly want bytes. */
bool endorse_base64_decode_exact(uint8_t *out, size_t want, const char *text, size_t len);

/* out must hold sodium_base64_ENCODED_LEN(len, ORIGINAL) bytes. */
/* Decodes canonical padded standard base64 of at most max bytes. */
bool endorse_base64_decode(uint8_t *out, size_t max, size_t *got, const char *text, size_t len);

void endorse_base64_encode(char *out, size_t out_len, const uint8_t *bin, size_t len);

bool endorse_hex_decode_exact(uint8_t *out, size_t want, const char *text, size_t len);

void endorse_hex_encode(char *out, const uint8_t *bin, size_t len);

bool endorse_is_lower_hex(const char *text, size_t len);

/* Strict UTF-8: no overlong forms, surrogates or code points past U+10FFFF. */
bool endorse_utf8_valid(const uint8_t *text, size_t len);

/* Number of code points of valid UTF-8. */
size_t endorse_utf8_length(const char *text);

#endif
