/* mkseeds OUT: writes valid inputs for every fuzz target into OUT/<target>/,
 * signed by the fixed keys of common.c so that the targets' checks pass on
 * them and mutations start deep in the code: the sample log and its lines,
 * checkpoints and notes, tlog-proofs made by endorse_prove, policies,
 * vkeys, and key files (plain, encrypted at Argon2id's minimum cost, and
 * the Go note form). The sample repository is verified first: mkseeds
 * fails if the library does not accept its own sample. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common.h"
#include "key_ref.h"

static const char *out_dir;

static void
seed(const char *target, const char *name, const void *data, size_t len)
{
	char path[4096];

	(void)snprintf(path, sizeof(path), "%s/%s", out_dir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		fuzz_die("cannot create a seed directory");
	(void)snprintf(path, sizeof(path), "%s/%s/%s", out_dir, target, name);
	FUZZ_CHECK(fuzz_write_file(path, data, len) == 0);
}

static void
seed_text(const char *target, const char *name, const char *text)
{
	seed(target, name, text, strlen(text));
}

/* A checkpoint note of the first size lines, signed by the log key and
 * cosigned by the witnesses in mask (bit 0: witness 1, bit 1: witness 2). */
static char *
checkpoint_note(size_t *len, const endorse_state *state, uint64_t size, int mask)
{
	endorse_checkpoint cp = {FUZZ_ORIGIN, size, {0}, 0};
	const uint8_t(*leaves)[32];
	endorse_note *note = NULL;
	char *text = NULL, *out = NULL;
	size_t text_len = 0;
	uint64_t count = 0;

	leaves = endorse_state_leaves(state, &count);
	FUZZ_CHECK(leaves != NULL && size <= count);
	endorse_merkle_root_of(cp.root, leaves, size);
	FUZZ_CHECK(endorse_checkpoint_format(&text, &text_len, &cp) == 0);
	seed("checkpoint", size == count ? "text-full" : "text-part", text, text_len);
	FUZZ_CHECK(endorse_note_new(&note, text, text_len) == 0);
	FUZZ_CHECK(endorse_note_sign(note, fuzz_secret_key(FUZZ_KEY_LOG), 0) == 0);
	if (mask & 1)
		FUZZ_CHECK(endorse_note_sign(note, fuzz_secret_key(FUZZ_KEY_WITNESS1), FUZZ_COSIGN_TIME) == 0);
	if (mask & 2)
		FUZZ_CHECK(endorse_note_sign(note, fuzz_secret_key(FUZZ_KEY_WITNESS2),
			FUZZ_COSIGN_TIME + 60) == 0);
	FUZZ_CHECK(endorse_note_format(&out, len, note) == 0);
	endorse_note_free(note);
	free(text);
	return out;
}

static void
notes(void)
{
	static const struct {
		const char *name, *text;
		enum fuzz_key key;
	} plain[] = {
		{"plain-log", "hello, fuzzer\n", FUZZ_KEY_LOG},
		{"plain-org", "two\nlines\n", FUZZ_KEY_ORG1},
		{"plain-witness", "cosigned text \xe2\x80\x94 with UTF-8\n", FUZZ_KEY_WITNESS2},
	};

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		endorse_note *note = NULL;
		char *out = NULL;
		size_t len = 0;

		FUZZ_CHECK(endorse_note_new(&note, plain[i].text, strlen(plain[i].text)) == 0);
		FUZZ_CHECK(endorse_note_sign(note, fuzz_secret_key(plain[i].key), FUZZ_COSIGN_TIME) == 0);
		FUZZ_CHECK(endorse_note_format(&out, &len, note) == 0);
		seed("note", plain[i].name, out, len);
		free(out);
		endorse_note_free(note);
	}
}

static void
policies(void)
{
	char log[ENDORSE_VKEY_MAX], w1[ENDORSE_VKEY_MAX], w2[ENDORSE_VKEY_MAX], text[2048];
	char *fixed = fuzz_policy_text();

	seed_text("policy", "fixed", fixed);
	free(fixed);
	endorse_vkey_format(log, fuzz_vkey(FUZZ_KEY_LOG));
	endorse_vkey_format(w1, fuzz_vkey(FUZZ_KEY_WITNESS1));
	endorse_vkey_format(w2, fuzz_vkey(FUZZ_KEY_WITNESS2));
	(void)snprintf(text, sizeof(text), "log %s\nquorum none\n", log);
	seed_text("policy", "none", text);
	(void)snprintf(text, sizeof(text),
		"# a comment\n\nlog\t%s  https://log.example\n"
		"witness w1 %s https://w1.example\nwitness w2 %s\n"
		"group both all w1 w2\ngroup one 1 w1 w2\ngroup top 2 both one w1\n"
		"quorum top\n", log, w1, w2);
	seed_text("policy", "groups", text);
	(void)snprintf(text, sizeof(text), "witness w1 %s\nlog %s\nquorum w1\n", w1, log);
	seed_text("policy", "witness-first", text);
}

static void
vkeys(void)
{
	for (int k = 0; k < FUZZ_KEY_COUNT; k++) {
		char text[ENDORSE_VKEY_MAX], name[16];

		endorse_vkey_format(text, fuzz_vkey((enum fuzz_key)k));
		(void)snprintf(name, sizeof(name), "fixed-%d", k);
		seed_text("vkey", name, text);
	}
}

/* An encrypted key file as key.c writes it, but at Argon2id's minimum cost
 * (1 pass, 8 KiB) so that the target can open it quickly. */
static void
encrypted_key_file(const char *name, enum fuzz_key k)
{
	const endorse_vkey *vk = fuzz_vkey(k);
	uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	uint8_t seed_bytes[32], derived[32], sealed[32 + crypto_aead_xchacha20poly1305_ietf_ABYTES];
	char salt_b64[64], nonce_b64[64], sealed_b64[128], text[1024];
	const unsigned long long ops = 1;
	const size_t mem = 8192;
	int header;

	memset(salt, 0x5a, sizeof(salt));
	memset(nonce, 0xa5, sizeof(nonce));
	fuzz_seed(seed_bytes, k);
	sodium_bin2base64(salt_b64, sizeof(salt_b64), salt, sizeof(salt), sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(nonce_b64, sizeof(nonce_b64), nonce, sizeof(nonce),
		sodium_base64_VARIANT_ORIGINAL);
	header = snprintf(text, sizeof(text),
		"endorse-secret-key-v1\nname %s\ntype %02x\nkdf argon2id13 %llu %zu %s\nnonce %s\n",
		vk->name, vk->type, ops, mem, salt_b64, nonce_b64);
	FUZZ_CHECK(header > 0 && (size_t)header < sizeof(text));
	FUZZ_CHECK(crypto_pwhash(derived, sizeof(derived), FUZZ_PASSPHRASE, strlen(FUZZ_PASSPHRASE),
		salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) == 0);
	crypto_aead_xchacha20poly1305_ietf_encrypt(sealed, NULL, seed_bytes, sizeof(seed_bytes),
		(const uint8_t *)text, (size_t)header, NULL, nonce, derived);
	sodium_bin2base64(sealed_b64, sizeof(sealed_b64), sealed, sizeof(sealed),
		sodium_base64_VARIANT_ORIGINAL);
	(void)snprintf(text + header, sizeof(text) - (size_t)header, "seed %s\n", sealed_b64);
	seed_text("key", name, text);
}

static void
key_files(void)
{
	static const struct {
		const char *name;
		enum fuzz_key key;
	} plain[] = {{"plain-log", FUZZ_KEY_LOG}, {"plain-witness", FUZZ_KEY_WITNESS1}};
	char text[512], b64[64], *go = NULL;
	uint8_t seed_bytes[32];

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		const endorse_vkey *vk = fuzz_vkey(plain[i].key);
		fuzz_seed(seed_bytes, plain[i].key);
		sodium_bin2base64(b64, sizeof(b64), seed_bytes, 32, sodium_base64_VARIANT_ORIGINAL);
		(void)snprintf(text, sizeof(text),
			"endorse-secret-key-v1\nname %s\ntype %02x\nkdf none\nseed %s\n", vk->name, vk->type, b64);
		seed_text("key", plain[i].name, text);
	}
	/* a reference to a key an ssh agent holds (key_ref.c) */
	endorse_key_ref ref = {.vkey = *fuzz_vkey(FUZZ_KEY_LOG), .kind = "ssh-agent"};
	uint8_t blob[ENDORSE_SSH_ED25519_BLOB_LEN];

	endorse_ssh_ed25519_blob(blob, ref.vkey.public_key);
	endorse_ssh_fingerprint(ref.fingerprint, blob, sizeof(blob));
	FUZZ_CHECK(endorse_key_ref_format(text, sizeof(text), &ref) > 0);
	seed_text("key", "ssh-agent-reference", text);
	encrypted_key_file("encrypted-log", FUZZ_KEY_LOG);
	encrypted_key_file("encrypted-witness", FUZZ_KEY_WITNESS1);
	FUZZ_CHECK(endorse_secret_key_export_go(&go, fuzz_secret_key(FUZZ_KEY_ORG1)) == 0);
	seed_text("key", "go-form", go);
	endorse_secret_text_free(go);
}

/* ---- the sample repository, verified, then proved from ---- */

static char repo[128];
static const char *const repo_dirs[] = {"keys", "keys/orgs", "log"};
static const char *const repo_files[] = {
	ENDORSE_POLICY_PATH, ENDORSE_LOG_PATH, ENDORSE_CHECKPOINT_PATH,
	"keys/orgs/org1.example.org.vkey", "keys/orgs/org2.example.org.vkey",
};

static void
repo_put(const char *rel, const char *data, size_t len)
{
	char path[256];

	(void)snprintf(path, sizeof(path), "%s/%s", repo, rel);
	FUZZ_CHECK(fuzz_write_file(path, data, len) == 0);
}

static void
repo_remove(void)
{
	char path[256];

	for (size_t i = 0; i < sizeof(repo_files) / sizeof(repo_files[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", repo, repo_files[i]);
		unlink(path);
	}
	for (size_t i = sizeof(repo_dirs) / sizeof(repo_dirs[0]); i-- > 0;) {
		(void)snprintf(path, sizeof(path), "%s/%s", repo, repo_dirs[i]);
		rmdir(path);
	}
	rmdir(repo);
}

static void
on_problem(void *ctx, const endorse_problem *p)
{
	(void)ctx;
	fprintf(stderr, "mkseeds: the sample does not verify: %s:%llu: %s (%s)\n", p->file,
		(unsigned long long)p->line, p->message, p->rule);
}

static void
sample_repo(const char *log, size_t log_len, const char *note, size_t note_len)
{
	endorse_verify_options opt = {.on_problem = on_problem};
	enum fuzz_key pins[] = {FUZZ_KEY_ORG1_NEW, FUZZ_KEY_ORG2_NEW};
	char *policy = fuzz_policy_text(), path[256], line[ENDORSE_VKEY_MAX + 1];
	uint64_t problems = 0;

	(void)snprintf(repo, sizeof(repo), "%.100s/endorse-mkseeds-XXXXXX", fuzz_tmpdir());
	FUZZ_CHECK(mkdtemp(repo) != NULL);
	for (size_t i = 0; i < sizeof(repo_dirs) / sizeof(repo_dirs[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", repo, repo_dirs[i]);
		FUZZ_CHECK(mkdir(path, 0700) == 0);
	}
	repo_put(ENDORSE_POLICY_PATH, policy, strlen(policy));
	repo_put(ENDORSE_LOG_PATH, log, log_len);
	repo_put(ENDORSE_CHECKPOINT_PATH, note, note_len);
	for (size_t i = 0; i < 2; i++) {
		(void)snprintf(path, sizeof(path), "keys/orgs/%s.vkey", fuzz_vkey(pins[i])->name);
		repo_put(path, line, endorse_vkey_format_line(line, fuzz_vkey(pins[i])));
	}
	free(policy);
	if (endorse_verify(NULL, repo, &opt, &problems) != 0 || problems != 0)
		fuzz_die("the sample repository does not verify");
}

/* tlog-proofs of every line and of an organisation's endorsement, each
 * seeded as the proof target reads it: the line, LF, the proof. */
static void
proofs(const char *log, size_t log_len)
{
	const char *p = log, *end = log + log_len;
	char *proof = NULL;
	size_t proof_len = 0;
	uint64_t index = 0;

	for (uint64_t i = 0; p < end; i++) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		char sel[24], name[32], *both;
		size_t line_len = (size_t)(lf - p) + 1;

		(void)snprintf(sel, sizeof(sel), "%llu", (unsigned long long)i);
		FUZZ_CHECK(endorse_prove(&proof, &proof_len, repo, sel, &index, NULL) == 0);
		FUZZ_CHECK((both = malloc(line_len + proof_len)) != NULL);
		memcpy(both, p, line_len);
		memcpy(both + line_len, proof, proof_len);
		(void)snprintf(name, sizeof(name), "line-%llu", (unsigned long long)i);
		seed("proof", name, both, line_len + proof_len);
		free(both);
		free(proof);
		p = lf + 1;
	}
	/* a proof with no entry before it: the target reads its first line as the entry */
	FUZZ_CHECK(endorse_prove(&proof, &proof_len, repo, "org2.example.org", &index, NULL) == 0);
	seed("proof", "proof-only", proof, proof_len);
	free(proof);
}

static void
log_seeds(const char *log, size_t log_len)
{
	const char *p = log, *end = log + log_len;
	char name[32];

	seed("replay", "sample", log, log_len);
	seed("replay", "sample-no-final-lf", log, log_len - 1);
	for (int i = 1; p < end; i++) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		(void)snprintf(name, sizeof(name), "sample-line-%d", i);
		seed("entry", name, p, (size_t)(lf - p));
		(void)snprintf(name, sizeof(name), "sample-prefix-%d", i);
		seed("replay", name, log, (size_t)(lf + 1 - log));
		p = lf + 1;
	}
}

int
main(int argc, char **argv)
{
	endorse_state *state = NULL;
	char *log = NULL, *note;
	size_t log_len = 0, note_len = 0;
	uint64_t size;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds OUT\n");
		return 2;
	}
	out_dir = argv[1];
	if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
		perror(out_dir);
		return 2;
	}
	fuzz_setup();
	fuzz_sample_log(&log, &log_len, &state);
	log_seeds(log, log_len);
	size = endorse_state_size(state);

	note = checkpoint_note(&note_len, state, size - 3, 2);
	seed("note", "checkpoint-part", note, note_len);
	seed("checkpoint", "note-part", note, note_len);
	free(note);
	note = checkpoint_note(&note_len, state, size, 1);
	seed("note", "checkpoint-full", note, note_len);
	seed("checkpoint", "note-full", note, note_len);
	sample_repo(log, log_len, note, note_len);
	proofs(log, log_len);
	repo_remove();
	free(note);
	note = checkpoint_note(&note_len, state, size, 3);
	seed("note", "checkpoint-cosigned-twice", note, note_len);
	seed("checkpoint", "note-cosigned-twice", note, note_len);
	free(note);

	notes();
	policies();
	vkeys();
	key_files();
	free(log);
	endorse_state_free(state);
	return 0;
}
