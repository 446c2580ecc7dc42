/* C2SP signed notes: a text, a blank line, and signature lines
 * "— <name> base64(key ID || signature)". Cosignatures (type 0x04, C2SP
 * tlog-cosignature) sign "cosignature/v1\ntime T\n" || text and carry T.
 *
 * Parsing is strict where the specification allows a choice: every
 * signature line, known or not, must be well formed with canonical base64,
 * and a known key may sign only once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "encoding.h"
#include "error.h"

#define EM_DASH_SPACE "\xe2\x80\x94 "
#define COSIGNATURE_MAX_TIME ((uint64_t)INT64_MAX)
/* Room for the signature lines, so that a signed note still parses. */
#define NOTE_TEXT_MAX (ENDORSE_NOTE_MAX - (1u << 16))

static void
clear_signature(endorse_note_signature *s)
{
	free(s->name);
	free(s->sig);
	free(s->line);
	memset(s, 0, sizeof(*s));
}

void
endorse_note_free(endorse_note *note)
{
	if (note == NULL)
		return;
	for (size_t i = 0; i < note->sig_count; i++)
		clear_signature(&note->sigs[i]);
	free(note->sigs);
	free(note->text);
	free(note);
}

/* Go's unicode.IsSpace, beyond the ASCII controls refused note-wide. */
static bool
is_unicode_space(uint32_t c)
{
	return c == ' ' || c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
		c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/* A key name: non-empty UTF-8 (already checked) without spaces or '+'. */
static bool
name_valid(const char *name, size_t len)
{
	const uint8_t *p = (const uint8_t *)name, *end = p + len;

	if (len == 0)
		return false;
	while (p < end) {
		uint32_t c = *p;
		size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

		if (n == 2)
			c = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		else if (n == 3)
			c = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		else if (n == 4)
			c = 0x10000; /* outside the BMP: never a space */
		if (c == '+' || is_unicode_space(c))
			return false;
		p += n;
	}
	return true;
}

/* Bytes a note may hold: UTF-8 without control characters but LF. */
static int
check_bytes(const char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)msg[i] < 0x20 && msg[i] != '\n')
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"malformed note: control character 0x%02x at byte %zu",
				(unsigned char)msg[i], i);
	if (!endorse_utf8_valid((const uint8_t *)msg, len))
		return endorse_error_set(ENDORSE_EINVALID, NULL, "malformed note: not valid UTF-8");
	return 0;
}

static int
parse_signature(endorse_note_signature *s, const char *line, size_t len)
{
	const char *body = line + strlen(EM_DASH_SPACE), *space, *b64;
	size_t body_len, b64_len, max;

	if (len < strlen(EM_DASH_SPACE) || memcmp(line, EM_DASH_SPACE, strlen(EM_DASH_SPACE)) != 0)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"malformed note: a signature line must start with an em dash and a space");
	body_len = len - strlen(EM_DASH_SPACE);
	space = memchr(body, ' ', body_len);
	if (space == NULL || !name_valid(body, (size_t)(space - body)))
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"malformed note: a signature line needs a key name (no spaces or '+') and a signature");
	b64 = space + 1;
	b64_len = (size_t)(body + body_len - b64);
	max = b64_len / 4 * 3;
	if ((s->name = strndup(body, (size_t)(space - body))) == NULL ||
	    (s->line = strndup(line, len)) == NULL || (s->sig = malloc(max + 1)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (!endorse_base64_decode(s->sig, max, &s->sig_len, b64, b64_len) || s->sig_len < 5)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"malformed note: the signature of %.64s is not canonical base64 of a key ID and a signature",
			s->name);
	memcpy(s->key_id, s->sig, 4);
	s->sig_len -= 4;
	memmove(s->sig, s->sig + 4, s->sig_len);
	return 0;
}

int
endorse_note_parse(endorse_note **out, const char *msg, size_t len)
{
	endorse_note *note;
	const char *split = NULL, *p, *end = msg + len;
	int rc;

	*out = NULL;
	if (len > ENDORSE_NOTE_MAX)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"malformed note: more than %u bytes",
			ENDORSE_NOTE_MAX);
	if ((rc = check_bytes(msg, len)) != 0)
		return rc;
	/* The text ends at the last blank line. */
	for (p = msg; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n')
			split = p;
	if (split == NULL || split + 2 == end || end[-1] != '\n')
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"malformed note: it needs a text, a blank line and signature lines, ending with a newline");
	if ((note = calloc(1, sizeof(*note))) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	note->text_len = (size_t)(split + 1 - msg);
	if ((note->text = strndup(msg, note->text_len)) == NULL ||
	    (note->sigs = calloc(ENDORSE_NOTE_MAX_SIGNATURES, sizeof(*note->sigs))) == NULL) {
		endorse_note_free(note);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	for (p = split + 2; p < end;) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));

		if (note->sig_count == ENDORSE_NOTE_MAX_SIGNATURES) {
			endorse_note_free(note);
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"malformed note: more than %d signatures",
				ENDORSE_NOTE_MAX_SIGNATURES);
		}
		rc = parse_signature(&note->sigs[note->sig_count++], p, (size_t)(lf - p));
		if (rc != 0) {
			endorse_note_free(note);
			return rc;
		}
		p = lf + 1;
	}
	*out = note;
	return 0;
}

int
endorse_note_new(endorse_note **out, const char *text, size_t len)
{
	endorse_note *note;
	int rc;

	*out = NULL;
	if (len == 0 || text[len - 1] != '\n' || len > NOTE_TEXT_MAX)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"a note's text must be 1 to %u bytes and end with a newline", NOTE_TEXT_MAX);
	if ((rc = check_bytes(text, len)) != 0)
		return rc;
	if ((note = calloc(1, sizeof(*note))) == NULL ||
	    (note->sigs = calloc(ENDORSE_NOTE_MAX_SIGNATURES, sizeof(*note->sigs))) == NULL ||
	    (note->text = strndup(text, len)) == NULL) {
		endorse_note_free(note);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	note->text_len = len;
	*out = note;
	return 0;
}

/* What a key of this type signs: the text, or for a cosignature the
 * cosignature/v1 header, the time line and the text. malloc'd. */
static uint8_t *
signed_message(const endorse_note *note, uint8_t type, uint64_t time, size_t *len)
{
	char header[64] = "";
	size_t header_len;
	uint8_t *m;

	if (type == ENDORSE_KEY_COSIGNATURE)
		(void)snprintf(header, sizeof(header), "cosignature/v1\ntime %llu\n", (unsigned long long)time);
	header_len = strlen(header);
	*len = header_len + note->text_len;
	if ((m = malloc(*len)) == NULL)
		return NULL;
	memcpy(m, header, header_len);
	memcpy(m + header_len, note->text, note->text_len);
	return m;
}

static uint64_t
read_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Verifies one signature by a known key; sets *time for a cosignature. */
static int
verify_signature(const endorse_note *note, const endorse_note_signature *s,
	const endorse_vkey *key, uint64_t *time)
{
	const uint8_t *sig = s->sig;
	uint8_t *m;
	size_t len;
	bool ok;

	*time = 0;
	if (key->type == ENDORSE_KEY_COSIGNATURE) {
		if (s->sig_len != 8 + 64)
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"the cosignature of %s is not a timestamp and a 64-byte signature", key->name);
		*time = read_be64(s->sig);
		if (*time > COSIGNATURE_MAX_TIME)
			return endorse_error_set(ENDORSE_EINVALID, NULL,
				"the cosignature of %s has a timestamp above 2^63-1", key->name);
		sig += 8;
	} else if (s->sig_len != 64) {
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"the signature of %s is not 64 bytes", key->name);
	}
	if ((m = signed_message(note, key->type, *time, &len)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	ok = endorse_vkey_verify(key, sig, m, len);
	free(m);
	if (!ok)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"the signature of %s+%02x%02x%02x%02x does not verify",
			key->name, key->key_id[0], key->key_id[1], key->key_id[2], key->key_id[3]);
	return 0;
}

bool
endorse_note_signed_by(const endorse_note_signature *s, const endorse_vkey *key)
{
	return strcmp(s->name, key->name) == 0 && memcmp(s->key_id, key->key_id, 4) == 0;
}

int
endorse_note_verify(const endorse_note *note, const endorse_vkey *keys, size_t n, bool *verified,
	uint64_t *times)
{
	bool any = false;
	int rc;

	for (size_t i = 0; i < n; i++) {
		verified[i] = false;
		if (times != NULL)
			times[i] = 0;
	}
	for (size_t j = 0; j < note->sig_count; j++) {
		for (size_t i = 0; i < n; i++) {
			uint64_t time;

			if (!endorse_note_signed_by(&note->sigs[j], &keys[i]))
				continue;
			if (verified[i])
				return endorse_error_set(ENDORSE_EINVALID, NULL,
					"%s signed the note twice", keys[i].name);
			if ((rc = verify_signature(note, &note->sigs[j], &keys[i], &time)) != 0)
				return rc;
			verified[i] = any = true;
			if (times != NULL)
				times[i] = time;
		}
	}
	if (!any)
		return endorse_error_set(ENDORSE_EINVALID, NULL,
			"the note has no signature by a known key");
	return 0;
}

static void
write_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Puts s (owned from here on) into the note: a key's new signature
 * replaces its old one (same name and key ID), else it is added, up to
 * ENDORSE_NOTE_MAX_SIGNATURES. */
static int
put_signature(endorse_note *note, endorse_note_signature *s)
{
	size_t slot = note->sig_count;

	for (size_t i = 0; i < note->sig_count; i++)
		if (strcmp(note->sigs[i].name, s->name) == 0 &&
		    memcmp(note->sigs[i].key_id, s->key_id, 4) == 0)
			slot = i;
	if (slot == ENDORSE_NOTE_MAX_SIGNATURES) {
		clear_signature(s);
		return endorse_error_set(ENDORSE_EINVALID, NULL, "the note already has %d signatures",
			ENDORSE_NOTE_MAX_SIGNATURES);
	}
	if (slot < note->sig_count)
		clear_signature(&note->sigs[slot]);
	else
		note->sig_count++;
	note->sigs[slot] = *s;
	return 0;
}

int
endorse_note_sign(endorse_note *note, const endorse_secret_key *key, uint64_t time)
{
	const endorse_vkey *vk = endorse_secret_key_vkey(key);
	endorse_note_signature s = {0};
	uint8_t raw[4 + 8 + 64], *m;
	char b64[sizeof(raw) / 3 * 4 + 5];
	size_t len, line_len, raw_len = 0;
	int rc;

	if (vk->type == ENDORSE_KEY_COSIGNATURE && time > COSIGNATURE_MAX_TIME)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"a cosignature's time must not exceed 2^63-1");
	if ((m = signed_message(note, vk->type, time, &len)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	memcpy(raw, vk->key_id, 4);
	raw_len = 4;
	if (vk->type == ENDORSE_KEY_COSIGNATURE) {
		write_be64(raw + 4, time);
		raw_len += 8;
	}
	rc = endorse_secret_key_sign(raw + raw_len, key, m, len);
	raw_len += 64;
	free(m);
	if (rc != 0)
		return rc;
	endorse_base64_encode(b64, sizeof(b64), raw, raw_len);
	s.name = strdup(vk->name);
	s.sig = malloc(raw_len - 4);
	line_len = strlen(EM_DASH_SPACE) + strlen(vk->name) + 1 + strlen(b64) + 1;
	s.line = malloc(line_len);
	if (s.name == NULL || s.sig == NULL || s.line == NULL) {
		clear_signature(&s);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	memcpy(s.key_id, vk->key_id, 4);
	s.sig_len = raw_len - 4;
	memcpy(s.sig, raw + 4, s.sig_len);
	(void)snprintf(s.line, line_len, EM_DASH_SPACE "%s %s", vk->name, b64);
	return put_signature(note, &s);
}

int
endorse_note_add_signature(endorse_note *note, const endorse_note_signature *sig)
{
	endorse_note_signature s = {0};

	s.name = strdup(sig->name);
	s.line = strdup(sig->line);
	s.sig = malloc(sig->sig_len > 0 ? sig->sig_len : 1);
	if (s.name == NULL || s.line == NULL || s.sig == NULL) {
		clear_signature(&s);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	memcpy(s.key_id, sig->key_id, 4);
	memcpy(s.sig, sig->sig, sig->sig_len);
	s.sig_len = sig->sig_len;
	return put_signature(note, &s);
}

int
endorse_note_format(char **out, size_t *len, const endorse_note *note)
{
	size_t n = note->text_len + 1;
	char *p;

	*out = NULL;
	if (note->sig_count == 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"a note needs at least one signature");
	for (size_t i = 0; i < note->sig_count; i++)
		n += strlen(note->sigs[i].line) + 1;
	if ((p = *out = malloc(n + 1)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	memcpy(p, note->text, note->text_len);
	p += note->text_len;
	*p++ = '\n';
	for (size_t i = 0; i < note->sig_count; i++) {
		size_t l = strlen(note->sigs[i].line);
		memcpy(p, note->sigs[i].line, l);
		p += l;
		*p++ = '\n';
	}
	*p = '\0';
	*len = n;
	return 0;
}
