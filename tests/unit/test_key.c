/* key.c: secret keys, the key file, the Go note form. Encrypted cases cost
 * one Argon2id MODERATE run (about 1 s, 256 MiB) per save and per load, so
 * there are only a few of them. */
#include "harness.h"
#include "util.h"

#include "key.h"
#include "key_ref.h"
#include "vkey.h"

#define PASS "unit-test passphrase"
#define PASS_LEN (sizeof(PASS) - 1)

/* A temporary directory for one case, removed by done(). */
static char dir[4096];
static char path[4200];

static int
setup(void)
{
	CHECK(util_tempdir(dir, sizeof(dir)) == 0);
	snprintf(path, sizeof(path), "%s/secret.key", dir);
	return 0;
}

static void
done(void)
{
	util_rm_rf(dir);
}

static int
mode_of(const char *p)
{
	struct stat st;

	if (lstat(p, &st) != 0)
		return -1;
	return (int)(st.st_mode & 07777);
}

/* The vkeys of a and b are the same key. */
static int
same_key(const endorse_secret_key *a, const endorse_secret_key *b)
{
	const endorse_vkey *va = endorse_secret_key_vkey(a), *vb = endorse_secret_key_vkey(b);

	CHECK(endorse_vkey_equal(va, vb));
	CHECK(memcmp(va->key_id, vb->key_id, 4) == 0);
	return 0;
}

/* A signature by key verifies under its vkey, also after a parse of the
 * vkey's text. */
static int
signs_and_verifies(const endorse_secret_key *key)
{
	const endorse_vkey *v = endorse_secret_key_vkey(key);
	endorse_vkey parsed;
	char text[ENDORSE_VKEY_MAX];
	uint8_t sig[64];
	const uint8_t msg[] = "endorse/v1\nexample.org/log\n{\"type\":\"x\"}";

	CHECK_INT(endorse_secret_key_sign(sig, key, msg, sizeof(msg) - 1), 0);
	CHECK(endorse_vkey_verify(v, sig, msg, sizeof(msg) - 1));
	endorse_vkey_format(text, v);
	CHECK_INT(endorse_vkey_parse(&parsed, text, strlen(text)), 0);
	CHECK(endorse_vkey_verify(&parsed, sig, msg, sizeof(msg) - 1));
	sig[63] ^= 0x01;
	CHECK(!endorse_vkey_verify(&parsed, sig, msg, sizeof(msg) - 1));
	return 0;
}

static int
generate(void)
{
	endorse_secret_key *k = NULL, *k2 = NULL;

	CHECK_INT(endorse_secret_key_generate(&k, "example.org", ENDORSE_KEY_ED25519), 0);
	CHECK(k != NULL);
	CHECK_STR(endorse_secret_key_vkey(k)->name, "example.org");
	CHECK_INT(endorse_secret_key_vkey(k)->type, ENDORSE_KEY_ED25519);
	CHECK(crypto_core_ed25519_is_valid_point(endorse_secret_key_vkey(k)->public_key));
	CHECK_OK(signs_and_verifies(k));
	CHECK_INT(endorse_secret_key_generate(&k2, "example.org", ENDORSE_KEY_ED25519), 0);
	CHECK(!endorse_vkey_equal(endorse_secret_key_vkey(k), endorse_secret_key_vkey(k2)));
	endorse_secret_key_free(k2);
	k2 = NULL;
	CHECK_INT(endorse_secret_key_generate(&k2, "witness.example/w", ENDORSE_KEY_COSIGNATURE), 0);
	CHECK_INT(endorse_secret_key_vkey(k2)->type, ENDORSE_KEY_COSIGNATURE);
	endorse_secret_key_free(k2);
	k2 = NULL;
	CHECK(endorse_secret_key_generate(&k2, "bad name", ENDORSE_KEY_ED25519) != 0 && k2 == NULL);
	CHECK(endorse_secret_key_generate(&k2, "", ENDORSE_KEY_ED25519) != 0 && k2 == NULL);
	CHECK(endorse_secret_key_generate(&k2, "example.org", 0x02) != 0 && k2 == NULL);
	endorse_secret_key_free(k);
	endorse_secret_key_free(NULL);
	return 0;
}

static int
run_round_trip_unencrypted(void)
{
	endorse_secret_key *k = NULL, *l = NULL;
	size_t len;
	char *text;

	CHECK_INT(endorse_secret_key_generate(&k, "example.org", ENDORSE_KEY_ED25519), 0);
	CHECK_INT(endorse_secret_key_save(k, path, NULL, 0, false), 0);
	CHECK_INT(mode_of(path), 0600);
	text = util_read_file(path, &len);
	CHECK(text != NULL);
	/* the file records the key's name */
	CHECK(strstr(text, "example.org") != NULL);
	free(text);
	CHECK_INT(endorse_secret_key_load(&l, path, NULL, 0), 0);
	CHECK(l != NULL);
	CHECK_OK(same_key(k, l));
	CHECK_OK(signs_and_verifies(l));
	/* a signature by the loaded key verifies under the original's vkey */
	uint8_t sig[64];
	CHECK_INT(endorse_secret_key_sign(sig, l, (const uint8_t *)"m", 1), 0);
	CHECK(endorse_vkey_verify(endorse_secret_key_vkey(k), sig, (const uint8_t *)"m", 1));
	/* an unencrypted file loads with a passphrase given too */
	endorse_secret_key_free(l);
	l = NULL;
	CHECK_INT(endorse_secret_key_load(&l, path, PASS, PASS_LEN), 0);
	CHECK_OK(same_key(k, l));
	endorse_secret_key_free(l);
	endorse_secret_key_free(k);
	return 0;
}

static int
round_trip_unencrypted(void)
{
	CHECK_OK(setup());
	int rc = run_round_trip_unencrypted();
	done();
	return rc;
}

static int
run_cosignature_key_round_trip(void)
{
	endorse_secret_key *k = NULL, *l = NULL;

	CHECK_INT(endorse_secret_key_generate(&k, "witness.example/w1", ENDORSE_KEY_COSIGNATURE), 0);
	CHECK_INT(endorse_secret_key_save(k, path, NULL, 0, false), 0);
	CHECK_INT(endorse_secret_key_load(&l, path, NULL, 0), 0);
	CHECK_OK(same_key(k, l));
	CHECK_INT(endorse_secret_key_vkey(l)->type, ENDORSE_KEY_COSIGNATURE);
	endorse_secret_key_free(l);
	endorse_secret_key_free(k);
	return 0;
}

static int
cosignature_key_round_trip(void)
{
	CHECK_OK(setup());
	int rc = run_cosignature_key_round_trip();
	done();
	return rc;
}

static int
run_round_trip_encrypted(void)
{
	endorse_secret_key *k = NULL, *l = NULL;
	char *text;
	size_t len;

	CHECK_INT(endorse_secret_key_generate(&k, "example.org/log", ENDORSE_KEY_ED25519), 0);
	CHECK_INT(endorse_secret_key_save(k, path, PASS, PASS_LEN, false), 0);
	CHECK_INT(mode_of(path), 0600);
	text = util_read_file(path, &len);
	CHECK(text != NULL);
	CHECK(strstr(text, "example.org/log") != NULL);
	/* the seed is not in the file in the clear (neither raw nor base64) */
	char *go = NULL;
	CHECK_INT(endorse_secret_key_export_go(&go, k), 0);
	/* the base64 may hold '+': skip the known prefix and the key ID */
	const char *b64 = go + strlen("PRIVATE+KEY+example.org/log+") + 9;
	{
		uint8_t raw[33];
		size_t got = 0;
		CHECK(sodium_base642bin(raw, sizeof(raw), b64, strlen(b64), NULL, &got, NULL,
			sodium_base64_VARIANT_ORIGINAL) == 0 && got == 33);
		char seed_b64[64];
		sodium_bin2base64(seed_b64, sizeof(seed_b64), raw + 1, 32, sodium_base64_VARIANT_ORIGINAL);
		CHECK(strstr(text, seed_b64) == NULL);
		for (size_t i = 0; i + 32 <= len; i++)
			CHECK(memcmp(text + i, raw + 1, 32) != 0);
		sodium_memzero(raw, sizeof(raw));
	}
	endorse_secret_text_free(go);
	free(text);
	CHECK_INT(endorse_secret_key_load(&l, path, PASS, PASS_LEN), 0);
	CHECK(l != NULL);
	CHECK_OK(same_key(k, l));
	CHECK_OK(signs_and_verifies(l));
	endorse_secret_key_free(l);
	endorse_secret_key_free(k);
	return 0;
}

static int
round_trip_encrypted(void)
{
	CHECK_OK(setup());
	int rc = run_round_trip_encrypted();
	done();
	return rc;
}

/* Saves an encrypted key to path; *k keeps the key. */
static int
save_encrypted(endorse_secret_key **k)
{
	CHECK_INT(endorse_secret_key_generate(k, "example.org", ENDORSE_KEY_ED25519), 0);
	CHECK_INT(endorse_secret_key_save(*k, path, PASS, PASS_LEN, false), 0);
	return 0;
}

static int
run_wrong_and_missing_passphrase(void)
{
	endorse_secret_key *k = NULL, *l = NULL;

	CHECK_OK(save_encrypted(&k));
	/* no passphrase: refused before any Argon2id run */
	CHECK_INT(endorse_secret_key_load(&l, path, NULL, 0), ENDORSE_ENEEDPASS);
	CHECK(l == NULL);
	CHECK_INT(endorse_secret_key_load(&l, path, "wrong passphrase", 16), ENDORSE_EPASSPHRASE);
	CHECK(l == NULL);
	/* a prefix of the right passphrase is wrong too */
	CHECK_INT(endorse_secret_key_load(&l, path, PASS, PASS_LEN - 1), ENDORSE_EPASSPHRASE);
	CHECK(l == NULL);
	endorse_secret_key_free(k);
	return 0;
}

static int
wrong_and_missing_passphrase(void)
{
	CHECK_OK(setup());
	int rc = run_wrong_and_missing_passphrase();
	done();
	return rc;
}

/* Rewrites path with the first occurrence of from (in the line starting with
 * line_prefix) replaced by to; to has the same length as from or not. */
static int
edit_file(const char *line_prefix, const char *from, const char *to)
{
	size_t len;
	char *text = util_read_file(path, &len), *line, *at, out[8192];

	CHECK(text != NULL);
	line = strstr(text, line_prefix);
	CHECK_MSG(line != NULL, "no line %s in:\n%s", line_prefix, text);
	at = strstr(line, from);
	CHECK(at != NULL);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	CHECK(util_write_file(path, out, strlen(out), 0600) == 0);
	free(text);
	return 0;
}

static int
run_altered_header(void)
{
	endorse_secret_key *k = NULL, *l = NULL;
	char kdf[512], *text;
	size_t len;
	int rc;

	CHECK_OK(save_encrypted(&k));
	text = util_read_file(path, &len);
	CHECK(text != NULL);
	char *original = strdup(text);
	CHECK(original != NULL);

	/* the name: another valid name of the same length */
	CHECK_OK(edit_file("name ", "example.org", "example.com"));
	rc = endorse_secret_key_load(&l, path, PASS, PASS_LEN);
	CHECK_MSG(rc == ENDORSE_EPASSPHRASE || rc == ENDORSE_EINVALID, "rc %d", rc);
	CHECK(l == NULL);

	/* the kdf parameters: a smaller opslimit, still within bounds */
	CHECK(util_write_file(path, original, len, 0600) == 0);
	char *kl = strstr(text, "\nkdf argon2id13 ");
	CHECK(kl != NULL);
	unsigned long long ops = 0;
	CHECK(sscanf(kl + 16, "%llu", &ops) == 1 && ops >= 2);
	snprintf(kdf, sizeof(kdf), "kdf argon2id13 %llu ", ops);
	char kdf2[64];
	snprintf(kdf2, sizeof(kdf2), "kdf argon2id13 %llu ", ops - 1);
	CHECK_OK(edit_file("kdf ", kdf, kdf2));
	rc = endorse_secret_key_load(&l, path, PASS, PASS_LEN);
	CHECK_MSG(rc == ENDORSE_EPASSPHRASE || rc == ENDORSE_EINVALID, "rc %d", rc);
	CHECK(l == NULL);

	/* the type: 01 -> 04 (both known types) */
	CHECK(util_write_file(path, original, len, 0600) == 0);
	CHECK_OK(edit_file("type ", "type 01", "type 04"));
	rc = endorse_secret_key_load(&l, path, PASS, PASS_LEN);
	CHECK_MSG(rc == ENDORSE_EPASSPHRASE || rc == ENDORSE_EINVALID, "rc %d", rc);
	CHECK(l == NULL);

	/* the original still loads */
	CHECK(util_write_file(path, original, len, 0600) == 0);
	CHECK_INT(endorse_secret_key_load(&l, path, PASS, PASS_LEN), 0);
	CHECK_OK(same_key(k, l));
	endorse_secret_key_free(l);
	free(original);
	free(text);
	endorse_secret_key_free(k);
	return 0;
}

static int
altered_header_refused(void)
{
	CHECK_OK(setup());
	int rc = run_altered_header();
	done();
	return rc;
}

static int
run_altered_seed(void)
{
	endorse_secret_key *k = NULL, *l = NULL;
	size_t len;
	char *text;
	int rc;

	CHECK_OK(save_encrypted(&k));
	text = util_read_file(path, &len);
	CHECK(text != NULL);
	/* flip one bit of the sealed seed and write it back as canonical base64 */
	char *seed = strstr(text, "\nseed ");
	CHECK(seed != NULL);
	seed += 6;
	char *lf = strchr(seed, '\n');
	CHECK(lf != NULL);
	uint8_t sealed[128];
	size_t got = 0;
	CHECK(sodium_base642bin(sealed, sizeof(sealed), seed, (size_t)(lf - seed), NULL, &got, NULL,
		sodium_base64_VARIANT_ORIGINAL) == 0);
	CHECK(got == 32 + crypto_aead_xchacha20poly1305_ietf_ABYTES);
	sealed[5] ^= 0x10;
	char b64[200], out[8192];
	sodium_bin2base64(b64, sizeof(b64), sealed, got, sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(seed - text), text, b64, lf);
	CHECK(strlen(out) == len);
	CHECK(util_write_file(path, out, len, 0600) == 0);
	rc = endorse_secret_key_load(&l, path, PASS, PASS_LEN);
	CHECK_INT(rc, ENDORSE_EPASSPHRASE);
	CHECK(l == NULL);
	/* and the tag */
	sealed[5] ^= 0x10;
	sealed[got - 1] ^= 0x80;
	sodium_bin2base64(b64, sizeof(b64), sealed, got, sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(seed - text), text, b64, lf);
	CHECK(util_write_file(path, out, len, 0600) == 0);
	CHECK_INT(endorse_secret_key_load(&l, path, PASS, PASS_LEN), ENDORSE_EPASSPHRASE);
	CHECK(l == NULL);
	free(text);
	endorse_secret_key_free(k);
	return 0;
}

static int
altered_seed_refused(void)
{
	CHECK_OK(setup());
	int rc = run_altered_seed();
	done();
	return rc;
}

static int
run_truncated(void)
{
	endorse_secret_key *k = NULL, *l = NULL;
	size_t len;
	char *text;

	/* unencrypted: every proper prefix is refused */
	CHECK_INT(endorse_secret_key_generate(&k, "example.org", ENDORSE_KEY_ED25519), 0);
	CHECK_INT(endorse_secret_key_save(k, path, NULL, 0, false), 0);
	text = util_read_file(path, &len);
	CHECK(text != NULL);
	for (size_t n = 0; n < len; n++) {
		CHECK(util_write_file(path, text, n, 0600) == 0);
		int rc = endorse_secret_key_load(&l, path, NULL, 0);
		CHECK_MSG(rc != 0 && l == NULL, "prefix of %zu of %zu bytes accepted (rc %d)", n, len, rc);
	}
	/* extra data after the file is refused too */
	char *longer = malloc(len + 8);
	CHECK(longer != NULL);
	memcpy(longer, text, len);
	memcpy(longer + len, "extra\n", 6);
	CHECK(util_write_file(path, longer, len + 6, 0600) == 0);
	CHECK(endorse_secret_key_load(&l, path, NULL, 0) != 0 && l == NULL);
	free(longer);
	free(text);
	endorse_secret_key_free(k);
	return 0;
}

static int
truncated_refused(void)
{
	CHECK_OK(setup());
	int rc = run_truncated();
	done();
	return rc;
}

static int
run_truncated_encrypted(void)
{
	endorse_secret_key *k = NULL, *l = NULL;
	size_t len;
	char *text;

	CHECK_OK(save_encrypted(&k));
	text = util_read_file(path, &len);
	CHECK(text != NULL);
	/* every proper prefix lacks at least the final LF of the seed line, so
	 * parsing refuses it before Argon2id runs (fast) */
	for (size_t n = 0; n < len; n++) {
		CHECK(util_write_file(path, text, n, 0600) == 0);
		int rc = endorse_secret_key_load(&l, path, PASS, PASS_LEN);
		CHECK_MSG(rc != 0 && l == NULL, "prefix of %zu of %zu bytes accepted (rc %d)", n, len, rc);
		CHECK_MSG(rc == ENDORSE_EINVALID, "prefix of %zu bytes: rc %d, want EINVALID", n, rc);
	}
	free(text);
	endorse_secret_key_free(k);
	return 0;
}

/* A key file may come from anyone: cost parameters beyond the strongest
 * preset, or nonsense, are refused before Argon2id runs. */
static int
run_hostile_kdf(void)
{
	endorse_secret_key *k = NULL, *l = NULL;
	size_t len;
	char *text;

	CHECK_OK(save_encrypted(&k));
	text = util_read_file(path, &len);
	CHECK(text != NULL);
	char *kl = strstr(text, "\nkdf argon2id13 ");
	CHECK(kl != NULL);
	unsigned long long ops = 0;
	size_t mem = 0;
	CHECK(sscanf(kl + 16, "%llu %zu", &ops, &mem) == 2);
	char from[128];
	snprintf(from, sizeof(from), "kdf argon2id13 %llu %zu ", ops, mem);
	char bad[7][128];
	snprintf(bad[0], 128, "kdf argon2id13 %llu 1099511627776 ", ops);      /* 1 TiB */
	snprintf(bad[1], 128, "kdf argon2id13 %llu 18446744073709551615 ", ops);
	snprintf(bad[2], 128, "kdf argon2id13 %llu 1024 ", ops);  /* below libsodium's minimum */
	snprintf(bad[3], 128, "kdf argon2id13 4294967295 %zu ", mem);
	snprintf(bad[4], 128, "kdf argon2id13 0 %zu ", mem);
	snprintf(bad[5], 128, "kdf argon2id13 x %zu ", mem);
	snprintf(bad[6], 128, "kdf scrypt %llu %zu ", ops, mem);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(util_write_file(path, text, len, 0600) == 0);
		CHECK_OK(edit_file("kdf ", from, bad[i]));
		int rc = endorse_secret_key_load(&l, path, PASS, PASS_LEN);
		CHECK_MSG(rc == ENDORSE_EINVALID && l == NULL, "\"%s\": rc %d", bad[i], rc);
	}
	free(text);
	endorse_secret_key_free(k);
	return 0;
}

static int
hostile_kdf_refused(void)
{
	CHECK_OK(setup());
	int rc = run_hostile_kdf();
	done();
	return rc;
}

static int
truncated_encrypted_refused(void)
{
	CHECK_OK(setup());
	int rc = run_truncated_encrypted();
	done();
	return rc;
}

static int
run_mode(void)
{
	endorse_secret_key *k = NULL, *l = NULL;
	const mode_t bad[] = {0644, 0640, 0604, 0660, 0606, 0610, 0601, 0700 | 0040};

	CHECK_INT(endorse_secret_key_generate(&k, "example.org", ENDORSE_KEY_ED25519), 0);
	CHECK_INT(endorse_secret_key_save(k, path, NULL, 0, false), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(chmod(path, bad[i]) == 0);
		CHECK_MSG(endorse_secret_key_load(&l, path, NULL, 0) == ENDORSE_EINVALID && l == NULL,
			"mode %04o accepted", (unsigned)bad[i]);
	}
	CHECK(chmod(path, 0400) == 0);
	CHECK_INT(endorse_secret_key_load(&l, path, NULL, 0), 0);
	endorse_secret_key_free(l);
	l = NULL;
	CHECK(chmod(path, 0600) == 0);
	CHECK_INT(endorse_secret_key_load(&l, path, NULL, 0), 0);
	endorse_secret_key_free(l);
	endorse_secret_key_free(k);
	return 0;
}

static int
group_readable_refused(void)
{
	CHECK_OK(setup());
	int rc = run_mode();
	done();
	return rc;
}

static int
run_symlink(void)
{
	endorse_secret_key *k = NULL, *l = NULL;
	char link_path[4300];

	CHECK_INT(endorse_secret_key_generate(&k, "example.org", ENDORSE_KEY_ED25519), 0);
	CHECK_INT(endorse_secret_key_save(k, path, NULL, 0, false), 0);
	snprintf(link_path, sizeof(link_path), "%s/link.key", dir);
	CHECK(symlink(path, link_path) == 0);
	CHECK_INT(endorse_secret_key_load(&l, link_path, NULL, 0), ENDORSE_EINVALID);
	CHECK(l == NULL);
	/* a relative link as well */
	snprintf(link_path, sizeof(link_path), "%s/rel.key", dir);
	CHECK(symlink("secret.key", link_path) == 0);
	CHECK_INT(endorse_secret_key_load(&l, link_path, NULL, 0), ENDORSE_EINVALID);
	CHECK(l == NULL);
	/* a directory and a missing file */
	CHECK(endorse_secret_key_load(&l, dir, NULL, 0) != 0 && l == NULL);
	snprintf(link_path, sizeof(link_path), "%s/missing.key", dir);
	CHECK_INT(endorse_secret_key_load(&l, link_path, NULL, 0), ENDORSE_ENOTFOUND);
	endorse_secret_key_free(k);
	return 0;
}

static int
load_key_at(const void *p)
{
	endorse_secret_key *l = NULL;
	int rc = endorse_secret_key_load(&l, p, NULL, 0);

	if (rc == 0 && l == NULL)
		rc = ENDORSE_EUSAGE;
	endorse_secret_key_free(l);
	return rc;
}

static int
run_fifo(void)
{
	int rc = 0;

	CHECK(mkfifo(path, 0600) == 0);
	/* "The file must be a regular file": a FIFO is refused, not opened and
	 * waited on for a writer */
	CHECK_MSG(util_run_bounded(load_key_at, path, 5, &rc),
		"endorse_secret_key_load blocked for 5 s on a FIFO instead of refusing it");
	CHECK_INT(rc, ENDORSE_EINVALID);
	return 0;
}

static int
fifo_refused(void)
{
	CHECK_OK(setup());
	int rc = run_fifo();
	done();
	return rc;
}

static int
symlink_refused(void)
{
	CHECK_OK(setup());
	int rc = run_symlink();
	done();
	return rc;
}

static int
run_save_refuses_existing(void)
{
	endorse_secret_key *k = NULL, *k2 = NULL, *l = NULL;

	CHECK_INT(endorse_secret_key_generate(&k, "example.org", ENDORSE_KEY_ED25519), 0);
	CHECK_INT(endorse_secret_key_generate(&k2, "example.org", ENDORSE_KEY_ED25519), 0);
	CHECK_INT(endorse_secret_key_save(k, path, NULL, 0, false), 0);
	CHECK_INT(endorse_secret_key_save(k2, path, NULL, 0, false), ENDORSE_EEXISTS);
	CHECK_INT(endorse_secret_key_load(&l, path, NULL, 0), 0);
	CHECK_OK(same_key(k, l));
	endorse_secret_key_free(l);
	l = NULL;
	CHECK_INT(endorse_secret_key_save(k2, path, NULL, 0, true), 0);
	CHECK_INT(mode_of(path), 0600);
	CHECK_INT(endorse_secret_key_load(&l, path, NULL, 0), 0);
	CHECK_OK(same_key(k2, l));
	endorse_secret_key_free(l);
	l = NULL;

	/* an existing file of any kind is not replaced */
	char other[4300];
	snprintf(other, sizeof(other), "%s/other", dir);
	CHECK(util_write_file(other, "keep\n", 5, 0600) == 0);
	CHECK_INT(endorse_secret_key_save(k, other, NULL, 0, false), ENDORSE_EEXISTS);
	size_t len;
	char *text = util_read_file(other, &len);
	CHECK(text != NULL && strcmp(text, "keep\n") == 0);
	free(text);

	/* a missing directory is created with mode 0700 */
	char nested[4300];
	snprintf(nested, sizeof(nested), "%s/sub/dir/secret.key", dir);
	CHECK_INT(endorse_secret_key_save(k, nested, NULL, 0, false), 0);
	snprintf(nested, sizeof(nested), "%s/sub/dir", dir);
	CHECK_INT(mode_of(nested) & 077, 0);
	snprintf(nested, sizeof(nested), "%s/sub/dir/secret.key", dir);
	CHECK_INT(endorse_secret_key_load(&l, nested, NULL, 0), 0);
	CHECK_OK(same_key(k, l));
	endorse_secret_key_free(l);

	/* no temporary files are left behind */
	char cmd[4500];
	snprintf(cmd, sizeof(cmd), "test -z \"$(find '%s' -name '*.tmp-*')\"", dir);
	CHECK(system(cmd) == 0);

	/* an empty passphrase is a usage error, nothing is written */
	snprintf(nested, sizeof(nested), "%s/empty-pass.key", dir);
	CHECK_INT(endorse_secret_key_save(k, nested, "", 0, false), ENDORSE_EUSAGE);
	CHECK(mode_of(nested) == -1);

	endorse_secret_key_free(k);
	endorse_secret_key_free(k2);
	return 0;
}

static int
save_refuses_existing(void)
{
	CHECK_OK(setup());
	int rc = run_save_refuses_existing();
	done();
	return rc;
}

static int
run_vkey_save(void)
{
	endorse_secret_key *k = NULL;
	char p[4300], text[ENDORSE_VKEY_MAX];
	size_t len;

	CHECK_INT(endorse_secret_key_generate(&k, "org0.example.org", ENDORSE_KEY_ED25519), 0);
	snprintf(p, sizeof(p), "%s/keys/orgs/org0.example.org.vkey", dir);
	CHECK_INT(endorse_vkey_save(endorse_secret_key_vkey(k), p, false), 0);
	CHECK_INT(mode_of(p), 0644);
	char *file = util_read_file(p, &len);
	CHECK(file != NULL);
	endorse_vkey_format(text, endorse_secret_key_vkey(k));
	CHECK(len == strlen(text) + 1 && memcmp(file, text, strlen(text)) == 0 && file[len - 1] == '\n');
	free(file);
	CHECK_INT(endorse_vkey_save(endorse_secret_key_vkey(k), p, false), ENDORSE_EEXISTS);
	CHECK_INT(endorse_vkey_save(endorse_secret_key_vkey(k), p, true), 0);
	endorse_secret_key_free(k);
	return 0;
}

static int
vkey_save(void)
{
	CHECK_OK(setup());
	int rc = run_vkey_save();
	done();
	return rc;
}

/* A key file's directory that is a symbolic link is refused before
 * anything is written, by the check and by both save functions. */
static int
run_save_refuses_linked_dir(void)
{
	endorse_secret_key *k = NULL;
	char real[4300], link[4300], p[4400], q[4400];

	CHECK_INT(endorse_secret_key_generate(&k, "org0.example.org", ENDORSE_KEY_ED25519), 0);
	snprintf(real, sizeof(real), "%s/real", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	CHECK(mkdir(real, 0700) == 0 && symlink(real, link) == 0);
	snprintf(p, sizeof(p), "%s/org0.key", link);
	snprintf(q, sizeof(q), "%s/org0.vkey", link);
	CHECK_INT(endorse_key_dir_check(p), ENDORSE_EUSAGE);
	CHECK_INT(endorse_secret_key_save(k, p, NULL, 0, false), ENDORSE_EUSAGE);
	CHECK_INT(endorse_vkey_save(endorse_secret_key_vkey(k), q, false), ENDORSE_EUSAGE);
	snprintf(p, sizeof(p), "%s/org0.key", real);
	CHECK(access(p, F_OK) != 0);
	/* a directory still to be made, or a real one, passes */
	snprintf(p, sizeof(p), "%s/new/org0.key", dir);
	CHECK_INT(endorse_key_dir_check(p), 0);
	snprintf(p, sizeof(p), "%s/org0.key", real);
	CHECK_INT(endorse_key_dir_check(p), 0);
	CHECK_INT(endorse_secret_key_save(k, p, NULL, 0, false), 0);
	endorse_secret_key_free(k);
	return 0;
}

static int
save_refuses_linked_dir(void)
{
	CHECK_OK(setup());
	int rc = run_save_refuses_linked_dir();
	done();
	return rc;
}

static int
go_export_import_round_trip(void)
{
	endorse_secret_key *k = NULL, *l = NULL;
	char *go = NULL, prefix[600], id[9];

	CHECK_INT(endorse_secret_key_generate(&k, "example.org/log", ENDORSE_KEY_ED25519), 0);
	CHECK_INT(endorse_secret_key_export_go(&go, k), 0);
	CHECK(go != NULL);
	endorse_vkey_id_hex(id, endorse_secret_key_vkey(k));
	snprintf(prefix, sizeof(prefix), "PRIVATE+KEY+example.org/log+%s+", id);
	CHECK_MSG(strncmp(go, prefix, strlen(prefix)) == 0, "%s", go);
	/* base64 of 0x01 || 32-byte seed: 44 characters */
	CHECK_INT(strlen(go), strlen(prefix) + 44);
	uint8_t raw[33];
	CHECK(endorse_base64_decode_exact(raw, 33, go + strlen(prefix), 44));
	CHECK_INT(raw[0], 0x01);
	/* the seed gives the vkey's public key */
	uint8_t pk[32], sk[64];
	crypto_sign_seed_keypair(pk, sk, raw + 1);
	CHECK(memcmp(pk, endorse_secret_key_vkey(k)->public_key, 32) == 0);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(sk, sizeof(sk));

	CHECK_INT(endorse_secret_key_import_go(&l, go, strlen(go)), 0);
	CHECK_OK(same_key(k, l));
	CHECK_OK(signs_and_verifies(l));
	endorse_secret_key_free(l);
	l = NULL;
	/* with a trailing newline, as read from a file */
	char with_lf[700];
	snprintf(with_lf, sizeof(with_lf), "%s\n", go);
	CHECK_INT(endorse_secret_key_import_go(&l, with_lf, strlen(with_lf)), 0);
	CHECK_OK(same_key(k, l));
	endorse_secret_key_free(l);
	endorse_secret_text_free(go);
	endorse_secret_key_free(k);
	return 0;
}

/* A Go key of a fixed seed, built here: PRIVATE+KEY+name+id+base64(1||seed). */
static void
go_text(char *out, size_t size, const char *name, uint8_t type, uint8_t fill)
{
	uint8_t seed[32], pk[32], sk[64], id[4], raw[33];
	char b64[64];

	memset(seed, fill, 32);
	crypto_sign_seed_keypair(pk, sk, seed);
	util_key_id(id, name, type, pk);
	raw[0] = type;
	memcpy(raw + 1, seed, 32);
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, size, "PRIVATE+KEY+%s+%02x%02x%02x%02x+%s", name, id[0], id[1], id[2], id[3], b64);
}

static int
go_import_independent(void)
{
	endorse_secret_key *l = NULL;
	char text[600], vk[ENDORSE_VKEY_MAX + 64], out[ENDORSE_VKEY_MAX];
	uint8_t pk[32], sk[64];

	go_text(text, sizeof(text), "example.org", 0x01, 0x42);
	CHECK_INT(endorse_secret_key_import_go(&l, text, strlen(text)), 0);
	util_seed_keypair(pk, sk, 0x42);
	util_vkey_text(vk, sizeof(vk), "example.org", 0x01, pk);
	endorse_vkey_format(out, endorse_secret_key_vkey(l));
	CHECK_STR(out, vk);
	/* export gives back the same text */
	char *go = NULL;
	CHECK_INT(endorse_secret_key_export_go(&go, l), 0);
	CHECK_STR(go, text);
	endorse_secret_text_free(go);
	endorse_secret_key_free(l);
	return 0;
}

static int
go_import_rejects(void)
{
	endorse_secret_key *l = NULL;
	char good[600], bad[700];

	go_text(good, sizeof(good), "example.org", 0x01, 0x42);
	char *id = good + strlen("PRIVATE+KEY+example.org+");
	char *b64 = id + 9;

	/* wrong key ID */
	snprintf(bad, sizeof(bad), "%s", good);
	bad[id - good + 7] = id[7] == '0' ? '1' : '0';
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	CHECK(l == NULL);
	/* the key ID of the same key under another name */
	char other[600];
	go_text(other, sizeof(other), "example.com", 0x01, 0x42);
	snprintf(bad, sizeof(bad), "%s", good);
	memcpy(bad + (id - good), other + strlen("PRIVATE+KEY+example.com+"), 8);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	/* uppercase key ID */
	snprintf(bad, sizeof(bad), "%s", good);
	for (char *p = bad + (id - good); p < bad + (id - good) + 8; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	if (strcmp(bad, good) != 0)
		CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);

	/* bad base64: missing character, extra padding, URL alphabet, space */
	snprintf(bad, sizeof(bad), "%s", good);
	bad[strlen(bad) - 1] = '\0';
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	snprintf(bad, sizeof(bad), "%s=", good);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	snprintf(bad, sizeof(bad), "%.*s*%s", (int)(b64 - good), good, b64 + 1);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	snprintf(bad, sizeof(bad), "%s ", good);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	snprintf(bad, sizeof(bad), "%s\n\n", good);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	snprintf(bad, sizeof(bad), "%sAAAA", good);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	CHECK(l == NULL);

	/* a NUL inside the name, with the key ID of the name before it (found by
	 * fuzz/fuzz_key: it imported as "example.org") */
	size_t name_end = strlen("PRIVATE+KEY+example.org"), nul_len;
	memcpy(bad, good, name_end);
	nul_len = name_end;
	memcpy(bad + nul_len, "\0x", 2);
	nul_len += 2;
	memcpy(bad + nul_len, good + name_end, strlen(good) - name_end);
	nul_len += strlen(good) - name_end;
	CHECK_INT(endorse_secret_key_import_go(&l, bad, nul_len), ENDORSE_EINVALID);
	CHECK(l == NULL);

	/* wrong prefix */
	CHECK_INT(endorse_secret_key_import_go(&l, good + 8, strlen(good) - 8), ENDORSE_EINVALID);
	snprintf(bad, sizeof(bad), "PUBLIC+KEY+%s", good + strlen("PRIVATE+KEY+"));
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	snprintf(bad, sizeof(bad), "private+key+%s", good + strlen("PRIVATE+KEY+"));
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	snprintf(bad, sizeof(bad), " %s", good);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	CHECK_INT(endorse_secret_key_import_go(&l, "PRIVATE+KEY+", 12), ENDORSE_EINVALID);
	CHECK_INT(endorse_secret_key_import_go(&l, "", 0), ENDORSE_EINVALID);
	CHECK(l == NULL);

	/* a vkey is not a secret key */
	CHECK(endorse_secret_key_import_go(&l, good + strlen("PRIVATE+KEY+"),
		strlen(good) - strlen("PRIVATE+KEY+")) != 0 && l == NULL);
	/* an empty name or one with a space */
	go_text(bad, sizeof(bad), "", 0x01, 0x42);
	CHECK(endorse_secret_key_import_go(&l, bad, strlen(bad)) != 0 && l == NULL);
	go_text(bad, sizeof(bad), "example org", 0x01, 0x42);
	CHECK(endorse_secret_key_import_go(&l, bad, strlen(bad)) != 0 && l == NULL);
	/* an unknown type byte */
	go_text(bad, sizeof(bad), "example.org", 0x02, 0x42);
	CHECK(endorse_secret_key_import_go(&l, bad, strlen(bad)) != 0 && l == NULL);
	/* a NUL byte inside the counted text */
	snprintf(bad, sizeof(bad), "%s", good);
	size_t n = strlen(bad);
	bad[n - 5] = '\0';
	CHECK(endorse_secret_key_import_go(&l, bad, n) != 0 && l == NULL);
	return 0;
}

/* A key text that breaks a rule is EINVALID ("a log, key, signature or
 * policy breaks a rule"), like every other malformed Go key text; EUSAGE is
 * for impossible requests by the caller. The CLI maps the two to different
 * exit codes. */
static int
go_import_bad_name_is_invalid(void)
{
	endorse_secret_key *l = NULL;
	char bad[600];

	go_text(bad, sizeof(bad), "example.org", 0x01, 0x42);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), 0);
	endorse_secret_key_free(l);
	l = NULL;
	go_text(bad, sizeof(bad), "", 0x01, 0x42);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	go_text(bad, sizeof(bad), "example.org", 0x02, 0x42);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	go_text(bad, sizeof(bad), "example org", 0x01, 0x42);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	go_text(bad, sizeof(bad), "caf\xc3\xa9.org", 0x01, 0x42);
	CHECK_INT(endorse_secret_key_import_go(&l, bad, strlen(bad)), ENDORSE_EINVALID);
	CHECK(l == NULL);
	return 0;
}


/* ---- references to keys an ssh agent holds (key_ref.c) ---- */

/* A reference named example.org to the key of seed 01 02 .. 20, in text. */
static int
reference_text(char *text, size_t size, endorse_key_ref *ref)
{
	uint8_t seed[32], pk[32], sk[64], blob[ENDORSE_SSH_ED25519_BLOB_LEN];

	for (size_t i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i + 1);
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(sk, sizeof(sk));
	memset(ref, 0, sizeof(*ref));
	endorse_vkey_from_public(&ref->vkey, "example.org", ENDORSE_KEY_ED25519, pk);
	(void)snprintf(ref->kind, sizeof(ref->kind), "ssh-agent");
	endorse_ssh_ed25519_blob(blob, pk);
	endorse_ssh_fingerprint(ref->fingerprint, blob, sizeof(blob));
	CHECK(endorse_key_ref_format(text, size, ref) > 0);
	return 0;
}

static int
reference_round_trip(void)
{
	endorse_key_ref ref, back;
	char text[1024];

	CHECK(reference_text(text, sizeof(text), &ref) == 0);
	/* ssh-keygen -l -E sha256 prints this for the same key (its public key
	 * 79b5562e…049664 made by openssl from the seed) */
	CHECK_STR(ref.fingerprint, "SHA256:eVkCKHnc5RjanBduU2vmOecbFl3M9wOgHdk24INJytY");
	CHECK(endorse_key_ref_is(text, strlen(text)));
	CHECK_INT(endorse_key_ref_parse(&back, text, strlen(text), "k"), 0);
	CHECK_STR(back.kind, "ssh-agent");
	CHECK_STR(back.fingerprint, ref.fingerprint);
	CHECK(endorse_vkey_equal(&back.vkey, &ref.vkey));
	CHECK(endorse_key_ref_format(text, 20, &ref) == 0); /* too small: nothing */
	return 0;
}

/* One change to a valid reference's text, refused. */
static int
reference_refused(const char *from, const char *to)
{
	endorse_key_ref ref, back;
	char text[1024], edited[1100], *at;

	CHECK(reference_text(text, sizeof(text), &ref) == 0);
	CHECK((at = strstr(text, from)) != NULL);
	(void)snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(at - text), text, to,
		at + strlen(from));
	CHECK_INT(endorse_key_ref_parse(&back, edited, strlen(edited), "k"), ENDORSE_EINVALID);
	return 0;
}

static int
reference_edits_refused(void)
{
	endorse_key_ref back;
	char text[1024];

	CHECK(reference_refused("SHA256:e", "SHA256:E") == 0);       /* another fingerprint */
	CHECK(reference_refused("kind ssh-agent", "kind pkcs99") == 0); /* an unknown holder */
	CHECK(reference_refused("kind ", "kind  ") == 0);
	CHECK(reference_refused("vkey example.org", "vkey example.com") == 0); /* key ID */
	CHECK(reference_refused("JytY\n", "JytY\nmore\n") == 0);     /* a line too many */
	CHECK(reference_refused("JytY\n", "JytY") == 0);             /* no final LF */
	CHECK(reference_refused("-v1\n", "-v1\r\n") == 0);
	CHECK(reference_refused("fingerprint ", "fingerprint: ") == 0);
	(void)snprintf(text, sizeof(text), "%s", ENDORSE_KEY_REF_MAGIC);
	CHECK(!endorse_key_ref_is(text, strlen(text)));
	CHECK_INT(endorse_key_ref_parse(&back, text, strlen(text), "k"), ENDORSE_EINVALID);
	CHECK_INT(endorse_key_ref_parse(&back, "", 0, "k"), ENDORSE_EINVALID);
	return 0;
}

/* A token's reference: its URI and module as written, never a PIN; a URI
 * or a module that is not one refused. */
static int
reference_pkcs11(void)
{
	endorse_key_ref ref, back;
	char text[2048], edited[2100], *at;

	CHECK(reference_text(text, sizeof(text), &ref) == 0);
	(void)snprintf(ref.kind, sizeof(ref.kind), "pkcs11");
	(void)snprintf(ref.uri, sizeof(ref.uri), "pkcs11:token=t%%20one;object=org;id=%%01");
	(void)snprintf(ref.module, sizeof(ref.module), "/usr/lib/softhsm/libsofthsm2.so");
	CHECK(endorse_key_ref_format(text, sizeof(text), &ref) > 0);
	CHECK(strstr(text, "\nuri pkcs11:token=t%20one;object=org;id=%01\nmodule /usr/lib/") != NULL);
	CHECK(strstr(text, "fingerprint") == NULL);
	CHECK_INT(endorse_key_ref_parse(&back, text, strlen(text), "k"), 0);
	CHECK_STR(back.uri, ref.uri);
	CHECK_STR(back.module, ref.module);
	CHECK(endorse_vkey_equal(&back.vkey, &ref.vkey));
	static const char *const edits[][2] = {
		{"uri pkcs11:", "uri http:"}, {"module /usr", "module usr"},
		{"object=org", "object=o rg"}, {".so\n", ".so"}, {".so\n", ".so\npin 1234\n"},
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		CHECK((at = strstr(text, edits[i][0])) != NULL);
		(void)snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(at - text), text, edits[i][1],
			at + strlen(edits[i][0]));
		CHECK_INT(endorse_key_ref_parse(&back, edited, strlen(edited), "k"), ENDORSE_EINVALID);
	}
	CHECK(!endorse_key_ref_uri_valid("pkcs11:a b") && endorse_key_ref_uri_valid("pkcs11:"));
	CHECK(!endorse_key_ref_module_valid("lib.so") && endorse_key_ref_module_valid("/lib.so"));
	return 0;
}

/* A held key signs only through its holder, and a signature that does not
 * verify never comes back. */
static int
bad_holder(uint8_t sig[64], const endorse_key_ref *ref, const char *pin, size_t pin_len,
	const uint8_t *msg, size_t len)
{
	(void)ref, (void)pin, (void)pin_len, (void)msg, (void)len;
	memset(sig, 0x5a, 64);
	return 0;
}

static int
held_key_signature_checked(void)
{
	endorse_key_ref ref;
	endorse_secret_key *k = NULL;
	const char *fingerprint = NULL;
	char text[1024], *go = NULL;
	uint8_t sig[64], zero[64] = {0};

	CHECK(reference_text(text, sizeof(text), &ref) == 0);
	CHECK_INT(endorse_secret_key_held(&k, &ref, bad_holder), 0);
	CHECK_STR(endorse_secret_key_holder(k, &fingerprint), "ssh-agent");
	CHECK_STR(fingerprint, ref.fingerprint);
	CHECK_INT(endorse_secret_key_sign(sig, k, (const uint8_t *)"m", 1), ENDORSE_EINVALID);
	CHECK(memcmp(sig, zero, 64) == 0);
	CHECK(endorse_secret_key_export_go(&go, k) != 0 && go == NULL);
	endorse_secret_key_free(k);
	return 0;
}

static const test_case cases[] = {
	CASE(generate),
	CASE(round_trip_unencrypted),
	CASE(cosignature_key_round_trip),
	CASE(round_trip_encrypted),
	CASE(wrong_and_missing_passphrase),
	CASE(altered_header_refused),
	CASE(altered_seed_refused),
	CASE(truncated_refused),
	CASE(truncated_encrypted_refused),
	CASE(hostile_kdf_refused),
	CASE(group_readable_refused),
	CASE(symlink_refused),
	CASE(fifo_refused),
	CASE(save_refuses_existing),
	CASE(vkey_save),
	CASE(save_refuses_linked_dir),
	CASE(go_export_import_round_trip),
	CASE(go_import_independent),
	CASE(go_import_rejects),
	CASE(go_import_bad_name_is_invalid),
	CASE(reference_round_trip),
	CASE(reference_edits_refused),
	CASE(reference_pkcs11),
	CASE(held_key_signature_checked),
};

HARNESS_MAIN(cases)
