/* forge: a test-only helper that writes validly signed log lines which may
 * break any rule of SPEC.md on purpose. It is never installed.
 *
 *   forge line --key KEY --origin ORIGIN --statement JSON [options]
 *       Prints one log line (with its LF): the statement JSON (any members;
 *       parsed by jansson and re-serialised canonically) signed by KEY over
 *       M = "endorse/v1" LF ORIGIN LF JCS(statement).
 *         --key FILE           unencrypted endorse secret key that signs
 *         --new-key FILE       a second key: sets new_signer (unless given)
 *                              and adds new_sig by that key
 *         --origin ORIGIN      the origin in the signed message
 *         --statement JSON     the statement
 *         --log FILE           seq = its number of lines, prev = SHA-256 of
 *                              its last line (without LF); 0 and zeros if
 *                              the file is absent or empty
 *         --seq N              overrides seq (any integer jansson holds)
 *         --prev TEXT          overrides prev (any string)
 *         --no-signer          do not add "signer" when the statement has none
 *         --corrupt-sig        flip one bit of sig after signing
 *         --corrupt-new-sig    flip one bit of new_sig after signing
 *         --no-new-sig         leave new_sig out even with --new-key
 *         --new-sig-always     add new_sig (by --new-key, or by --key) even
 *                              when the statement is not a rotate
 *
 *   forge rechain FILE
 *       Rewrites, in place, the prev of every canonical line after the first
 *       (the first "prev":"<64 chars>" of the line: in a canonical entry only
 *       new_sig, a base64 string, can come before it) to the SHA-256 of the
 *       line before it, leaving every other byte alone. Signatures do not
 *       cover prev, so this repairs the chain after a test edits a line.
 *
 *   forge vkey FILE
 *       Prints the vkey of an endorse secret key file.
 *
 *   forge key NAME FILE
 *       Writes a new unencrypted Ed25519 secret key named NAME (any name the
 *       key format holds, also one that keygen refuses) to FILE, and prints
 *       its vkey.
 *
 * Exit status: 0 done, 2 usage or I/O error. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "endorse.h"

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("forge: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* Reads a whole file; *out is NUL-terminated. Returns 0, or -1 if absent. */
static int
read_file(char **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	*out = NULL;
	*len = 0;
	if (f == NULL)
		return -1;
	for (;;) {
		if (cap - n < 65536) {
			char *grown = realloc(buf, cap + 65536 + 1);
			if (grown == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = grown;
			cap += 65536;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static void
sha256_hex(char out[65], const char *data, size_t len)
{
	uint8_t h[32];

	crypto_hash_sha256(h, (const uint8_t *)data, len);
	sodium_bin2hex(out, 65, h, 32);
}

/* seq and prev of the line that would follow the log at path. */
static void
chain_position(const char *path, long long *seq, char prev[65])
{
	char *text = NULL;
	size_t len = 0, lines = 0, start = 0, last_start = 0, last_len = 0;

	*seq = 0;
	memset(prev, '0', 64);
	prev[64] = '\0';
	if (path == NULL || read_file(&text, &len, path) != 0)
		return;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			last_start = start;
			last_len = i - start;
			lines++;
			start = i + 1;
		}
	}
	if (start < len) { /* a last line without LF */
		last_start = start;
		last_len = len - start;
		lines++;
	}
	if (lines > 0)
		sha256_hex(prev, text + last_start, last_len);
	*seq = (long long)lines;
	free(text);
}

static void
vkey_text(char out[ENDORSE_VKEY_MAX], const endorse_secret_key *key)
{
	endorse_vkey_format(out, endorse_secret_key_vkey(key));
}

static int
load_key(endorse_secret_key **out, const char *path)
{
	if (endorse_secret_key_load(out, path, NULL, 0) != 0)
		return fail("cannot load the key: %s", endorse_error_last());
	return 0;
}

static void
b64(char out[100], const uint8_t sig[64])
{
	sodium_bin2base64(out, 100, sig, 64, sodium_base64_VARIANT_ORIGINAL);
}

static int
cmd_line(int argc, char **argv)
{
	const char *key_path = NULL, *new_key_path = NULL, *origin = NULL, *statement = NULL;
	const char *log_path = NULL, *seq_text = NULL, *prev_text = NULL;
	bool no_signer = false, corrupt_sig = false, corrupt_new_sig = false, no_new_sig = false;
	bool new_sig_always = false;
	endorse_secret_key *key = NULL, *new_key = NULL;
	json_t *st = NULL, *entry = NULL;
	json_error_t err;
	char vkey[ENDORSE_VKEY_MAX], prev[65], sig_b64[100], *jcs = NULL, *line = NULL;
	uint8_t *m = NULL, sig[64], new_sig[64];
	long long seq;
	size_t m_len;
	int code = 2;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **target = NULL;
		if (strcmp(a, "--key") == 0)
			target = &key_path;
		else if (strcmp(a, "--new-key") == 0)
			target = &new_key_path;
		else if (strcmp(a, "--origin") == 0)
			target = &origin;
		else if (strcmp(a, "--statement") == 0)
			target = &statement;
		else if (strcmp(a, "--log") == 0)
			target = &log_path;
		else if (strcmp(a, "--seq") == 0)
			target = &seq_text;
		else if (strcmp(a, "--prev") == 0)
			target = &prev_text;
		else if (strcmp(a, "--no-signer") == 0)
			no_signer = true;
		else if (strcmp(a, "--corrupt-sig") == 0)
			corrupt_sig = true;
		else if (strcmp(a, "--corrupt-new-sig") == 0)
			corrupt_new_sig = true;
		else if (strcmp(a, "--no-new-sig") == 0)
			no_new_sig = true;
		else if (strcmp(a, "--new-sig-always") == 0)
			new_sig_always = true;
		else
			return fail("unknown option %s", a);
		if (target != NULL) {
			if (i + 1 >= argc)
				return fail("%s needs a value", a);
			*target = argv[++i];
		}
	}
	if (key_path == NULL || origin == NULL || statement == NULL)
		return fail("%s", "line needs --key, --origin and --statement");
	if (load_key(&key, key_path) != 0)
		goto out;
	if (new_key_path != NULL && load_key(&new_key, new_key_path) != 0)
		goto out;
	st = json_loads(statement, 0, &err);
	if (st == NULL || !json_is_object(st)) {
		fail("the statement is not a JSON object: %s", st == NULL ? err.text : "");
		goto out;
	}
	if (!no_signer && json_object_get(st, "signer") == NULL) {
		vkey_text(vkey, key);
		json_object_set_new(st, "signer", json_string(vkey));
	}
	if (new_key != NULL && json_object_get(st, "new_signer") == NULL) {
		vkey_text(vkey, new_key);
		json_object_set_new(st, "new_signer", json_string(vkey));
	}
	jcs = json_dumps(st, JSON_COMPACT | JSON_SORT_KEYS);
	if (jcs == NULL) {
		fail("%s", "cannot serialise the statement");
		goto out;
	}
	m_len = strlen("endorse/v1\n") + strlen(origin) + 1 + strlen(jcs);
	m = malloc(m_len + 1);
	if (m == NULL)
		goto out;
	snprintf((char *)m, m_len + 1, "endorse/v1\n%s\n%s", origin, jcs);
	if (endorse_secret_key_sign(sig, key, m, m_len) != 0 ||
	    endorse_secret_key_sign(new_sig, new_key != NULL ? new_key : key, m, m_len) != 0) {
		fail("cannot sign: %s", endorse_error_last());
		goto out;
	}
	if (corrupt_sig)
		sig[10] ^= 0x01;
	if (corrupt_new_sig)
		new_sig[10] ^= 0x01;

	chain_position(log_path, &seq, prev);
	if (seq_text != NULL) {
		char *end;
		errno = 0;
		seq = strtoll(seq_text, &end, 10);
		if (errno != 0 || *end != '\0' || end == seq_text) {
			fail("bad --seq %s", seq_text);
			goto out;
		}
	}
	entry = json_object();
	json_object_set_new(entry, "prev", json_string(prev_text != NULL ? prev_text : prev));
	json_object_set_new(entry, "seq", json_integer((json_int_t)seq));
	b64(sig_b64, sig);
	json_object_set_new(entry, "sig", json_string(sig_b64));
	if (((new_key != NULL && !no_new_sig) || new_sig_always)) {
		b64(sig_b64, new_sig);
		json_object_set_new(entry, "new_sig", json_string(sig_b64));
	}
	json_object_set(entry, "statement", st);
	line = json_dumps(entry, JSON_COMPACT | JSON_SORT_KEYS);
	if (line == NULL) {
		fail("%s", "cannot serialise the entry");
		goto out;
	}
	if (printf("%s\n", line) < 0 || fflush(stdout) != 0) {
		fail("%s", "cannot write the output");
		goto out;
	}
	code = 0;
out:
	endorse_secret_key_free(key);
	endorse_secret_key_free(new_key);
	json_decref(st);
	json_decref(entry);
	free(jcs);
	free(line);
	free(m);
	return code;
}

static int
cmd_rechain(int argc, char **argv)
{
	static const char prefix[] = "\"prev\":\"";
	const size_t plen = sizeof(prefix) - 1;
	char *text = NULL, hex[65];
	size_t len = 0, start = 0, prev_start = 0, prev_len = 0;
	bool have_prev = false;
	FILE *f;

	if (argc != 2)
		return fail("%s", "usage: forge rechain FILE");
	if (read_file(&text, &len, argv[1]) != 0)
		return fail("cannot read %s", argv[1]);
	while (start < len) {
		char *lf = memchr(text + start, '\n', len - start);
		size_t n = lf != NULL ? (size_t)(lf - (text + start)) : len - start;
		char *at = n > 0 ? memmem(text + start, n, prefix, plen) : NULL;
		size_t off = at != NULL ? (size_t)(at - (text + start)) : 0;
		if (have_prev && at != NULL && n >= off + plen + 65 && text[start + off + plen + 64] == '"') {
			sha256_hex(hex, text + prev_start, prev_len);
			memcpy(text + start + off + plen, hex, 64);
		}
		have_prev = true;
		prev_start = start;
		prev_len = n;
		start += n + (lf != NULL);
	}
	f = fopen(argv[1], "wb");
	if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		free(text);
		return fail("cannot write %s", argv[1]);
	}
	free(text);
	return 0;
}

static int
cmd_vkey(int argc, char **argv)
{
	endorse_secret_key *key = NULL;
	char vkey[ENDORSE_VKEY_MAX];

	if (argc != 2)
		return fail("%s", "usage: forge vkey FILE");
	if (load_key(&key, argv[1]) != 0)
		return 2;
	vkey_text(vkey, key);
	printf("%s\n", vkey);
	endorse_secret_key_free(key);
	return fflush(stdout) == 0 ? 0 : 2;
}

static int
cmd_key(int argc, char **argv)
{
	endorse_secret_key *key = NULL;
	char vkey[ENDORSE_VKEY_MAX];
	int code = 2;

	if (argc != 3)
		return fail("%s", "usage: forge key NAME FILE");
	if (endorse_secret_key_generate(&key, argv[1], ENDORSE_KEY_ED25519) != 0 ||
	    endorse_secret_key_save(key, argv[2], NULL, 0, false) != 0) {
		fail("cannot make the key: %s", endorse_error_last());
		goto out;
	}
	vkey_text(vkey, key);
	printf("%s\n", vkey);
	code = fflush(stdout) == 0 ? 0 : 2;
out:
	endorse_secret_key_free(key);
	return code;
}

int
main(int argc, char **argv)
{
	if (endorse_init() != 0)
		return fail("%s", "cannot initialise libsodium");
	if (argc < 2)
		return fail("%s", "usage: forge line|rechain|vkey|key ...");
	if (strcmp(argv[1], "line") == 0)
		return cmd_line(argc - 1, argv + 1);
	if (strcmp(argv[1], "rechain") == 0)
		return cmd_rechain(argc - 1, argv + 1);
	if (strcmp(argv[1], "vkey") == 0)
		return cmd_vkey(argc - 1, argv + 1);
	if (strcmp(argv[1], "key") == 0)
		return cmd_key(argc - 1, argv + 1);
	return fail("unknown command %s", argv[1]);
}
