/* C2SP signed notes (src/lib/note.c): the specification's own example and
 * the independent implementation's note verify; every malformed note is
 * refused; unknown signatures are ignored, a known key's bad or repeated
 * signature is not; cosignatures sign exactly the tlog-cosignature message. */
#include <sodium.h>

#include "harness.h"
#include "util.h"

#define DASH "\xe2\x80\x94 "

static int
parse_then_verify(const char *msg, const char *vkey, bool *verified, uint64_t *time)
{
	endorse_vkey k;
	endorse_note *note = NULL;
	int rc;

	if (endorse_vkey_parse(&k, vkey, strlen(vkey)) != 0)
		return -100;
	if ((rc = endorse_note_parse(&note, msg, strlen(msg))) == 0)
		rc = endorse_note_verify(note, &k, 1, verified, time);
	endorse_note_free(note);
	return rc;
}

static int
spec_example(void)
{
	const char *vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
	const char *msg = "This is an example message.\n\n" DASH "example.com/foo "
		"Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
	bool ok = false;

	CHECK_INT(parse_then_verify(msg, vkey, &ok, NULL), 0);
	CHECK(ok);
	return 0;
}

static int
shared_vector(void)
{
	char path[4096], *vkey, *msg;
	bool ok = false;
	size_t n;

	if (!util_shared_path(path, sizeof(path), "vectors/note/signer.vkey"))
		SKIP("ENDORSE_SHARED/vectors/note is absent");
	vkey = util_read_file(path, &n);
	CHECK(vkey != NULL);
	vkey[strcspn(vkey, "\n")] = '\0';
	CHECK(util_shared_path(path, sizeof(path), "vectors/note/signed.note"));
	msg = util_read_file(path, NULL);
	CHECK(msg != NULL);
	int rc = parse_then_verify(msg, vkey, &ok, NULL);
	free(msg);
	free(vkey);
	CHECK_INT(rc, 0);
	CHECK(ok);
	return 0;
}

/* A valid signature line by some key (it need not verify to parse). */
static const char sig_line[] = DASH "example.com/x "
	"AAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

static int
refused(const char *msg, size_t len, const char *what)
{
	endorse_note *note = NULL;
	int rc = endorse_note_parse(&note, msg, len);

	endorse_note_free(note);
	CHECK_MSG(rc == ENDORSE_EINVALID, "%s: parse returned %d", what, rc);
	return 0;
}

static int
malformed(void)
{
	char buf[1024];
	static const char *texts[][2] = {
		{"no blank line\n" DASH "example.com/x AAAAAQAA\n", "no blank line"},
		{"text\n\n", "no signatures"},
		{"text\n\n" DASH "example.com/x AAAAAQAAAAAA", "no final newline"},
		{"text\n\n- example.com/x AAAAAQAAAAAA\n", "a hyphen for the em dash"},
		{"text\n\n\xe2\x80\x94" "example.com/x AAAAAQAAAAAA\n", "no space after the em dash"},
		{"te\rxt\n\n" DASH "example.com/x AAAAAQAAAAAA\n", "a carriage return"},
		{"te\txt\n\n" DASH "example.com/x AAAAAQAAAAAA\n", "a tab"},
		{"te\xff" "xt\n\n" DASH "example.com/x AAAAAQAAAAAA\n", "invalid UTF-8"},
		{"text\n\n" DASH "example.com/x AAAAAQAAAAB=\n", "non-canonical base64 (padding bits)"},
		{"text\n\n" DASH "example.com/x AAAAAQAAAAAA==\n", "base64 with wrong padding"},
		{"text\n\n" DASH "example.com/x AAAAAQ==\n", "a signature of 4 bytes"},
		{"text\n\n" DASH " AAAAAQAAAAAA\n", "an empty name"},
		{"text\n\n" DASH "example.com+x AAAAAQAAAAAA\n", "a '+' in the name"},
		{"text\n\n" DASH "example.com\xc2\xa0" "x AAAAAQAAAAAA\n", "a no-break space in the name"},
		{"text\n\n" DASH "example.com/x\n", "no signature after the name"},
		{"text\n\n" DASH "example.com/x AAAAAQAAAAAA \n", "a trailing space"},
		{"text\n\n" DASH "example.com/x AAAAAQAAAAAA\n\n", "an empty signature line"},
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (refused(texts[i][0], strlen(texts[i][0]), texts[i][1]) != 0)
			return 1;
	/* a NUL byte */
	snprintf(buf, sizeof(buf), "te#xt\n\n%s", sig_line);
	buf[2] = '\0';
	if (refused(buf, 5 + 2 + strlen(sig_line) + 1, "a NUL byte") != 0)
		return 1;
	return 0;
}

static char *
note_with_signatures(size_t n, size_t *len)
{
	size_t cap = 16 + n * sizeof(sig_line);
	char *msg = malloc(cap), *p = msg;

	p += sprintf(p, "text\n\n");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s", sig_line);
	*len = (size_t)(p - msg);
	return msg;
}

static int
signature_limit(void)
{
	endorse_note *note = NULL;
	size_t len;
	char *msg = note_with_signatures(ENDORSE_NOTE_MAX_SIGNATURES, &len);

	CHECK_INT(endorse_note_parse(&note, msg, len), 0);
	CHECK_INT(note->sig_count, ENDORSE_NOTE_MAX_SIGNATURES);
	endorse_note_free(note);
	free(msg);
	msg = note_with_signatures(ENDORSE_NOTE_MAX_SIGNATURES + 1, &len);
	CHECK_INT(endorse_note_parse(&note, msg, len), ENDORSE_EINVALID);
	free(msg);
	return 0;
}

static int
size_limit(void)
{
	size_t len = ENDORSE_NOTE_MAX + 1;
	char *msg = malloc(len);
	endorse_note *note = NULL;

	CHECK(msg != NULL);
	memset(msg, 'a', len);
	memcpy(msg + len - strlen(sig_line) - 2, "\n\n", 2);
	memcpy(msg + len - strlen(sig_line), sig_line, strlen(sig_line));
	CHECK_INT(endorse_note_parse(&note, msg, len), ENDORSE_EINVALID);
	/* one byte less fits */
	CHECK_INT(endorse_note_parse(&note, msg + 1, len - 1), 0);
	endorse_note_free(note);
	free(msg);
	return 0;
}

/* Signs text with a new key of type; returns the note's bytes. */
static char *
signed_by(endorse_secret_key **key, const char *name, uint8_t type, const char *text, uint64_t t)
{
	endorse_note *note = NULL;
	char *out = NULL;
	size_t len;

	if (endorse_secret_key_generate(key, name, type) != 0 ||
	    endorse_note_new(&note, text, strlen(text)) != 0 || endorse_note_sign(note, *key, t) != 0 ||
	    endorse_note_format(&out, &len, note) != 0)
		out = NULL;
	endorse_note_free(note);
	return out;
}

static int
round_trip_and_unknown_keys(void)
{
	endorse_secret_key *key = NULL, *other = NULL;
	char *msg = signed_by(&key, "example.org/notes", ENDORSE_KEY_ED25519, "one\n\ntwo\n", 0);
	endorse_vkey keys[2];
	endorse_note *note = NULL;
	bool verified[2];

	CHECK(msg != NULL);
	CHECK(endorse_secret_key_generate(&other, "example.org/notes", ENDORSE_KEY_ED25519) == 0);
	keys[0] = *endorse_secret_key_vkey(key);
	keys[1] = *endorse_secret_key_vkey(other);
	CHECK_INT(endorse_note_parse(&note, msg, strlen(msg)), 0);
	CHECK_INT(note->text_len, 9);
	CHECK(memcmp(note->text, "one\n\ntwo\n", 9) == 0);
	CHECK_INT(endorse_note_verify(note, keys, 2, verified, NULL), 0);
	CHECK(verified[0] && !verified[1]);
	/* only an unknown key (same name, other key ID): no known signature */
	CHECK_INT(endorse_note_verify(note, &keys[1], 1, verified, NULL), ENDORSE_EINVALID);
	CHECK(!verified[0]);
	endorse_note_free(note);
	free(msg);
	endorse_secret_key_free(key);
	endorse_secret_key_free(other);
	return 0;
}

static int
bad_and_repeated_signatures(void)
{
	endorse_secret_key *key = NULL;
	char *msg = signed_by(&key, "example.org/notes", ENDORSE_KEY_ED25519, "text\n", 0), *two;
	const endorse_vkey *k;
	endorse_note *note = NULL;
	bool ok;
	char saved;
	size_t len, line;

	CHECK(msg != NULL);
	k = endorse_secret_key_vkey(key);
	len = strlen(msg);
	/* a base64 character of the signature, changed */
	saved = msg[len - 4];
	msg[len - 4] = saved == 'A' ? 'B' : 'A';
	CHECK_INT(endorse_note_parse(&note, msg, len), 0);
	CHECK_INT(endorse_note_verify(note, k, 1, &ok, NULL), ENDORSE_EINVALID);
	endorse_note_free(note);
	msg[len - 4] = saved;
	/* the same good signature line twice */
	line = len - strlen("text\n\n");
	two = malloc(len + line + 1);
	memcpy(two, msg, len);
	memcpy(two + len, msg + strlen("text\n\n"), line);
	two[len + line] = '\0';
	CHECK_INT(endorse_note_parse(&note, two, len + line), 0);
	CHECK_INT(endorse_note_verify(note, k, 1, &ok, NULL), ENDORSE_EINVALID);
	CHECK(strstr(endorse_error_last(), "twice") != NULL);
	endorse_note_free(note);
	free(two);
	free(msg);
	endorse_secret_key_free(key);
	return 0;
}

static int
cosignature_message(void)
{
	const char *text = "example.org/log\n42\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	endorse_secret_key *w = NULL;
	char *msg = signed_by(&w, "witness.example.org", ENDORSE_KEY_COSIGNATURE, text, 1679315147);
	const endorse_vkey *k;
	endorse_note *note = NULL;
	uint8_t raw[4 + 8 + 64];
	char signed_text[256];
	uint64_t t = 0;
	bool ok = false;

	CHECK(msg != NULL);
	k = endorse_secret_key_vkey(w);
	CHECK_INT(endorse_note_parse(&note, msg, strlen(msg)), 0);
	CHECK_INT(endorse_note_verify(note, k, 1, &ok, &t), 0);
	CHECK(ok);
	CHECK_INT(t, 1679315147);
	/* checked here with libsodium alone: timestamp big-endian, then an
	 * Ed25519 signature of the cosignature/v1 message */
	CHECK_INT(note->sigs[0].sig_len, 72);
	memcpy(raw, note->sigs[0].sig, 72);
	CHECK(raw[0] == 0 && raw[4] == 0x64 && raw[5] == 0x18 && raw[6] == 0x50 && raw[7] == 0xcb);
	snprintf(signed_text, sizeof(signed_text), "cosignature/v1\ntime 1679315147\n%s", text);
	CHECK(crypto_sign_verify_detached(raw + 8, (const uint8_t *)signed_text, strlen(signed_text),
		      k->public_key) == 0);
	endorse_note_free(note);
	free(msg);
	endorse_secret_key_free(w);
	return 0;
}

static int
sign_replaces_own_signature(void)
{
	endorse_secret_key *a = NULL, *b = NULL;
	endorse_note *note = NULL;
	char *out = NULL;
	size_t len;
	bool ok[2];
	endorse_vkey keys[2];

	CHECK(endorse_secret_key_generate(&a, "a.example.org", ENDORSE_KEY_ED25519) == 0);
	CHECK(endorse_secret_key_generate(&b, "b.example.org", ENDORSE_KEY_COSIGNATURE) == 0);
	CHECK_INT(endorse_note_new(&note, "t\n", 2), 0);
	CHECK_INT(endorse_note_format(&out, &len, note), ENDORSE_EUSAGE); /* no signature yet */
	CHECK_INT(endorse_note_sign(note, a, 0), 0);
	CHECK_INT(endorse_note_sign(note, b, 100), 0);
	CHECK_INT(endorse_note_sign(note, b, 200), 0);
	CHECK_INT(endorse_note_sign(note, a, 0), 0);
	CHECK_INT(note->sig_count, 2);
	keys[0] = *endorse_secret_key_vkey(a);
	keys[1] = *endorse_secret_key_vkey(b);
	uint64_t times[2];
	CHECK_INT(endorse_note_verify(note, keys, 2, ok, times), 0);
	CHECK(ok[0] && ok[1]);
	CHECK_INT(times[1], 200);
	endorse_note_free(note);
	CHECK_INT(endorse_note_new(&note, "no newline", 10), ENDORSE_EINVALID);
	endorse_secret_key_free(a);
	endorse_secret_key_free(b);
	return 0;
}

/* A signature line of another note of the same text is added as it is,
 * replacing the one of the same name and key ID (a witness's newer
 * cosignature), and the note then verifies with both keys. */
static int
add_signature_replaces_same_key(void)
{
	endorse_secret_key *a = NULL, *b = NULL;
	endorse_note *note = NULL, *other = NULL;
	endorse_vkey keys[2];
	uint64_t times[2];
	bool ok[2];

	CHECK(endorse_secret_key_generate(&a, "a.example.org", ENDORSE_KEY_ED25519) == 0);
	CHECK(endorse_secret_key_generate(&b, "b.example.org", ENDORSE_KEY_COSIGNATURE) == 0);
	CHECK_INT(endorse_note_new(&note, "t\n", 2), 0);
	CHECK_INT(endorse_note_new(&other, "t\n", 2), 0);
	CHECK_INT(endorse_note_sign(note, a, 0), 0);
	CHECK_INT(endorse_note_sign(note, b, 100), 0);
	CHECK_INT(endorse_note_sign(other, b, 300), 0);
	CHECK_INT(endorse_note_add_signature(note, &other->sigs[0]), 0);
	CHECK_INT(note->sig_count, 2);
	CHECK(strcmp(note->sigs[1].line, other->sigs[0].line) == 0);
	keys[0] = *endorse_secret_key_vkey(a);
	keys[1] = *endorse_secret_key_vkey(b);
	CHECK_INT(endorse_note_verify(note, keys, 2, ok, times), 0);
	CHECK(ok[0] && ok[1]);
	CHECK_INT(times[1], 300);
	/* another key's line is added beside them */
	other->sigs[0].key_id[0] ^= 1;
	CHECK_INT(endorse_note_add_signature(note, &other->sigs[0]), 0);
	CHECK_INT(note->sig_count, 3);
	endorse_note_free(note);
	endorse_note_free(other);
	endorse_secret_key_free(a);
	endorse_secret_key_free(b);
	return 0;
}

static const test_case cases[] = {
	CASE(spec_example),
	CASE(shared_vector),
	CASE(malformed),
	CASE(signature_limit),
	CASE(size_limit),
	CASE(round_trip_and_unknown_keys),
	CASE(bad_and_repeated_signatures),
	CASE(cosignature_message),
	CASE(sign_replaces_own_signature),
	CASE(add_signature_replaces_same_key),
};

HARNESS_MAIN(cases)
