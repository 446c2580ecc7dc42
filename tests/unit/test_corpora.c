/* Public corpora and the shared conformance vectors (../shared). Each case
 * skips (exit 77) with a message when its files are absent. */
#include <dirent.h>

#include <jansson.h>

#include "harness.h"
#include "util.h"

/* ---- JSONTestSuite ---- */

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in dir that start with prefix and end with .json. */
static char **
list_json(const char *dir, const char *prefix, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	char **names = NULL;
	size_t n = 0, cap = 0;

	*count = 0;
	if (d == NULL)
		return NULL;
	while ((ent = readdir(d)) != NULL) {
		size_t len = strlen(ent->d_name);
		if (strncmp(ent->d_name, prefix, strlen(prefix)) != 0 || len < 5 ||
		    strcmp(ent->d_name + len - 5, ".json") != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			char **grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL)
				break;
			names = grown;
		}
		names[n++] = strdup(ent->d_name);
	}
	closedir(d);
	if (names != NULL)
		qsort(names, n, sizeof(*names), cmp_names);
	*count = n;
	return names;
}

static void
free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

#define SUITE_DIR "corpora/JSONTestSuite/test_parsing"

static bool
in_list(const char *name, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

/* Runs fn on every file of the suite whose name starts with prefix (and, if
 * only is not NULL, is in only; if skip is not NULL, is not in skip); fn
 * returns true when the file is handled as it must be. */
static int
each_suite_file_of(const char *prefix, size_t min_files, const char *const *only,
	const char *const *skip, bool (*fn)(const char *name, const char *text, size_t len),
	const char *what)
{
	char dir[4096], path[8192];
	size_t n, bad = 0;
	char **names;

	if (!util_shared_path(dir, sizeof(dir), SUITE_DIR))
		SKIP("ENDORSE_SHARED/" SUITE_DIR " is absent");
	names = list_json(dir, prefix, &n);
	CHECK_MSG(n >= min_files, "only %zu %s files in %s", n, prefix, dir);
	size_t checked = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		if ((only != NULL && !in_list(names[i], only)) || in_list(names[i], skip))
			continue;
		checked++;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		char *text = util_read_file(path, &len);
		CHECK_MSG(text != NULL, "cannot read %s", path);
		if (!fn(names[i], text, len)) {
			fprintf(stderr, "  %s: %s\n", names[i], what);
			bad++;
		}
		free(text);
	}
	printf("%zu %s files checked, %zu wrong\n", checked, prefix, bad);
	free_names(names, n);
	size_t wanted = 0;
	for (const char *const *o = only; o != NULL && *o != NULL; o++)
		wanted++;
	CHECK_MSG(only == NULL || checked == wanted, "found %zu of the %zu files named", checked,
		wanted);
	CHECK_MSG(bad == 0, "%zu %s files were not handled as they must be (listed above)", bad, prefix);
	return 0;
}

static int
each_suite_file(const char *prefix, size_t min_files,
	bool (*fn)(const char *name, const char *text, size_t len), const char *what)
{
	return each_suite_file_of(prefix, min_files, NULL, NULL, fn, what);
}

static bool
syntax_rejects(const char *name, const char *text, size_t len)
{
	(void)name;
	(void)endorse_error_rule(NULL, 0); /* the rule seen is this call's */
	return endorse_json_check_syntax(text, len) == ENDORSE_EINVALID && endorse_error_get()->rule != NULL;
}

static bool
syntax_accepts(const char *name, const char *text, size_t len)
{
	int rc = endorse_json_check_syntax(text, len);

	if (rc != 0)
		fprintf(stderr, "  %s: refused, rule %s: %s\n", name, util_last_rule(),
			endorse_error_get()->message);
	return rc == 0;
}

static bool
entry_rejects(const char *name, const char *text, size_t len)
{
	endorse_entry e;
	int rc = (endorse_error_rule(NULL, 0), endorse_entry_parse(&e, text, len));

	(void)name;
	if (rc == 0)
		endorse_entry_clear(&e);
	return rc == ENDORSE_EINVALID && endorse_error_get()->rule != NULL;
}

static int
json_suite_n_syntax_rejected(void)
{
	return each_suite_file("n_", 150, syntax_rejects,
		"invalid JSON accepted by endorse_json_check_syntax");
}

/* y_ files that jansson itself cannot represent, whatever the flags: it
 * keeps object keys as NUL-terminated strings and refuses "\u0000" in a key
 * ("NUL byte in object key not supported"). Known exceptions, not checked. */
static const char *const JANSSON_CANNOT[] = {
	"y_object_escaped_null_in_key.json",
	NULL,
};

/* y_ files with a duplicate member name: valid JSON (RFC 8259 §4 says names
 * SHOULD be unique), which jansson parses; endorse_json_check_syntax refuses
 * them only because it passes JSON_REJECT_DUPLICATES. Checked by their own
 * case so that this decision shows up on its own. */
static const char *const DUPLICATE_KEYS[] = {
	"y_object_duplicated_key.json",
	"y_object_duplicated_key_and_value.json",
	NULL,
};

static int
json_suite_y_accepted(void)
{
	char dir[4096];

	if (!util_shared_path(dir, sizeof(dir), SUITE_DIR))
		SKIP("ENDORSE_SHARED/" SUITE_DIR " is absent");
	for (const char *const *p = JANSSON_CANNOT; *p != NULL; p++)
		printf("known exception (jansson cannot parse it): %s\n", *p);
	for (const char *const *p = DUPLICATE_KEYS; *p != NULL; p++)
		printf("checked by json_suite_y_duplicate_keys_accepted: %s\n", *p);
	return each_suite_file_of("y_", 80, NULL, (const char *const[]){
		JANSSON_CANNOT[0], DUPLICATE_KEYS[0], DUPLICATE_KEYS[1], NULL}, syntax_accepts,
		"valid JSON refused by endorse_json_check_syntax");
}

static int
json_suite_y_duplicate_keys_accepted(void)
{
	return each_suite_file_of("y_", 80, DUPLICATE_KEYS, NULL, syntax_accepts,
		"valid JSON (duplicate member names) refused by endorse_json_check_syntax");
}

static int
json_suite_i_not_entries(void)
{
	return each_suite_file("i_", 20, entry_rejects, "accepted as a log entry");
}

static int
json_suite_n_not_entries(void)
{
	return each_suite_file("n_", 150, entry_rejects, "accepted as a log entry");
}

/* ---- Ed25519 corpora: the path a signature takes in endorse ---- */

/* The verdict of endorse on (public key, message, signature): the key must
 * make a vkey that endorse_vkey_parse accepts (which includes the prime-order
 * point check of SPEC.md §1), the signature must be exactly 64 bytes, and
 * endorse_vkey_verify must accept it. stage (if not NULL) gets where it
 * stopped. */
static bool
endorse_verdict(const uint8_t pk[32], const uint8_t *msg, size_t msg_len, const uint8_t *sig,
	size_t sig_len, const char **stage)
{
	char text[ENDORSE_VKEY_MAX + 64];
	endorse_vkey k;
	const char *s;
	bool ok = false;

	util_vkey_text(text, sizeof(text), "wycheproof", ENDORSE_KEY_ED25519, pk);
	if (endorse_vkey_parse(&k, text, strlen(text)) != 0)
		s = "vkey refused";
	else if (sig_len != 64)
		s = "signature not 64 bytes";
	else if (!endorse_vkey_verify(&k, sig, msg, msg_len))
		s = "signature refused";
	else {
		s = "accepted";
		ok = true;
	}
	if (stage != NULL)
		*stage = s;
	return ok;
}

static uint8_t *
hex_alloc(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *out = malloc(n + 1);

	if (out == NULL || strlen(hex) % 2 != 0 || (n > 0 && !util_hex(out, n, hex))) {
		free(out);
		return NULL;
	}
	*len = n;
	return out;
}

static int
wycheproof_ed25519(void)
{
	char path[4096];
	json_error_t err;
	json_t *root, *groups, *group, *tests, *t;
	size_t gi, ti, total = 0, wrong = 0, acceptable = 0, valid = 0, invalid = 0;

	if (!util_shared_path(path, sizeof(path), "corpora/wycheproof/ed25519_test.json"))
		SKIP("ENDORSE_SHARED/corpora/wycheproof/ed25519_test.json is absent");
	root = json_load_file(path, 0, &err);
	CHECK_MSG(root != NULL, "%s: %s", path, err.text);
	groups = json_object_get(root, "testGroups");
	CHECK(json_is_array(groups));
	json_array_foreach(groups, gi, group) {
		const char *pk_hex = json_string_value(json_object_get(
			json_object_get(group, "publicKey"), "pk"));
		uint8_t pk[32];
		CHECK(pk_hex != NULL && util_hex(pk, 32, pk_hex));
		tests = json_object_get(group, "tests");
		CHECK(json_is_array(tests));
		json_array_foreach(tests, ti, t) {
			const char *msg_hex = json_string_value(json_object_get(t, "msg"));
			const char *sig_hex = json_string_value(json_object_get(t, "sig"));
			const char *result = json_string_value(json_object_get(t, "result"));
			json_int_t id = json_integer_value(json_object_get(t, "tcId"));
			size_t msg_len = 0, sig_len = 0;
			const char *stage;
			CHECK(msg_hex != NULL && sig_hex != NULL && result != NULL);
			uint8_t *msg = hex_alloc(msg_hex, &msg_len), *sig = hex_alloc(sig_hex, &sig_len);
			CHECK_MSG(msg != NULL, "tcId %lld: bad msg hex", (long long)id);
			if (sig == NULL) {
				/* an odd number of hex digits: not a byte string at all */
				sig = malloc(1);
				sig_len = (size_t)-1;
			}
			bool ok = sig_len != (size_t)-1 &&
				endorse_verdict(pk, msg, msg_len, sig, sig_len, &stage);
			if (sig_len == (size_t)-1)
				stage = "signature not hex";
			total++;
			if (strcmp(result, "valid") == 0) {
				valid++;
				if (!ok) {
					fprintf(stderr, "  tcId %lld (valid, %s): %s\n", (long long)id,
						json_string_value(json_object_get(t, "comment")), stage);
					wrong++;
				}
			} else if (strcmp(result, "invalid") == 0) {
				invalid++;
				if (ok) {
					fprintf(stderr, "  tcId %lld (invalid, %s): accepted\n", (long long)id,
						json_string_value(json_object_get(t, "comment")));
					wrong++;
				}
			} else {
				/* "acceptable": either verdict conforms; report which */
				acceptable++;
				printf("  tcId %lld (acceptable, %s): %s\n", (long long)id,
					json_string_value(json_object_get(t, "comment")), stage);
			}
			free(msg);
			free(sig);
		}
	}
	json_decref(root);
	printf("wycheproof ed25519: %zu cases (%zu valid, %zu invalid, %zu acceptable), %zu wrong\n",
		total, valid, invalid, acceptable, wrong);
	CHECK_MSG(total >= 100, "only %zu cases", total);
	CHECK_MSG(wrong == 0, "%zu Wycheproof verdicts differ (listed above)", wrong);
	return 0;
}

/* What the twelve ed25519-speccheck vectors are (computed from the points
 * and scalars in cases.json: order of A and R, canonical encodings, S
 * against the group order L) and the decision endorse must make. */
static const struct {
	const char *a, *r, *s;
	bool s_ge_l;
	const char *want; /* the stage where endorse must stop */
} SPECCHECK[12] = {
	{"small order", "small order", "S = 0", false, "vkey refused"},
	{"small order", "mixed order", "0 < S < L", false, "vkey refused"},
	{"mixed order", "small order", "0 < S < L", false, "vkey refused"},
	{"mixed order", "mixed order", "0 < S < L", false, "vkey refused"},
	{"mixed order", "mixed order", "0 < S < L", false, "vkey refused"},
	{"mixed order", "prime order", "0 < S < L", false, "vkey refused"},
	{"prime order", "prime order", "S >= L", true, "signature refused"},
	{"prime order", "prime order", "S >> L", true, "signature refused"},
	{"mixed order", "small order, non-canonical", "0 < S < L", false, "vkey refused"},
	{"mixed order", "small order, non-canonical", "0 < S < L", false, "vkey refused"},
	{"small order, non-canonical", "mixed order", "0 < S < L", false, "vkey refused"},
	{"small order, non-canonical", "mixed order", "0 < S < L", false, "vkey refused"},
};

/* S >= L, for S little-endian. */
static bool
scalar_ge_l(const uint8_t s[32])
{
	static const uint8_t L[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
		0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x10,
	};
	for (int i = 31; i >= 0; i--)
		if (s[i] != L[i])
			return s[i] > L[i];
	return true;
}

static int
speccheck_ed25519(void)
{
	char path[4096];
	json_error_t err;
	json_t *cases, *c;
	size_t i, wrong = 0;

	if (!util_shared_path(path, sizeof(path), "corpora/ed25519-speccheck/cases.json"))
		SKIP("ENDORSE_SHARED/corpora/ed25519-speccheck/cases.json is absent");
	cases = json_load_file(path, 0, &err);
	CHECK_MSG(cases != NULL && json_is_array(cases), "%s: %s", path, err.text);
	CHECK_INT(json_array_size(cases), 12);
	printf("case | A | R | S | libsodium verify alone | is_valid_point(A) | endorse\n");
	json_array_foreach(cases, i, c) {
		uint8_t pk[32], sig[64], *msg;
		size_t msg_len = 0;
		const char *stage;
		CHECK(util_hex(pk, 32, json_string_value(json_object_get(c, "pub_key"))));
		CHECK(util_hex(sig, 64, json_string_value(json_object_get(c, "signature"))));
		msg = hex_alloc(json_string_value(json_object_get(c, "message")), &msg_len);
		CHECK(msg != NULL);
		bool bare = crypto_sign_verify_detached(sig, msg, msg_len, pk) == 0;
		bool point = crypto_core_ed25519_is_valid_point(pk) == 1;
		bool ok = endorse_verdict(pk, msg, msg_len, sig, 64, &stage);
		printf("%4zu | %s | %s | %s | %s | %s | %s\n", i, SPECCHECK[i].a, SPECCHECK[i].r,
			SPECCHECK[i].s, bare ? "accepts" : "rejects", point ? "yes" : "no", stage);
		/* the strict decisions: keys not of prime order are refused when the
		 * vkey is read; S >= L is refused by verification; nothing passes */
		bool s_ge_l = scalar_ge_l(sig + 32);
		if (s_ge_l != SPECCHECK[i].s_ge_l) {
			fprintf(stderr, "  case %zu: S >= L is %d, the table says %s\n", i, s_ge_l,
				SPECCHECK[i].s);
			wrong++;
		}
		if (ok || strcmp(stage, SPECCHECK[i].want) != 0) {
			fprintf(stderr, "  case %zu: endorse says \"%s\", want \"%s\"\n", i, stage,
				SPECCHECK[i].want);
			wrong++;
		}
		/* a key that is not of prime order must never be usable */
		if (strcmp(SPECCHECK[i].a, "prime order") != 0 && point) {
			fprintf(stderr, "  case %zu: A passes the point check\n", i);
			wrong++;
		}
		free(msg);
	}
	json_decref(cases);
	CHECK_MSG(wrong == 0, "%zu wrong decisions (listed above)", wrong);
	return 0;
}

/* ---- shared conformance vectors ---- */

static int
note_signer_vkey(void)
{
	char path[4096];
	size_t len;
	endorse_vkey k;
	char out[ENDORSE_VKEY_MAX];

	if (!util_shared_path(path, sizeof(path), "vectors/note/signer.vkey"))
		SKIP("ENDORSE_SHARED/vectors/note/signer.vkey is absent");
	char *text = util_read_file(path, &len);
	CHECK(text != NULL);
	/* one line and its LF */
	CHECK(len > 1 && text[len - 1] == '\n' && memchr(text, '\n', len - 1) == NULL);
	CHECK_INT(endorse_vkey_parse(&k, text, len - 1), 0);
	CHECK_INT(k.type, ENDORSE_KEY_ED25519);
	endorse_vkey_format(out, &k);
	CHECK(strlen(out) == len - 1 && memcmp(out, text, len - 1) == 0);
	/* with its LF it is not a vkey */
	CHECK_INT(endorse_vkey_parse(&k, text, len), ENDORSE_EINVALID);
	free(text);
	return 0;
}

/* Every line of a vector log parses, serialises to the same bytes, chains
 * by prev and carries valid signatures under the policy's origin. */
static int
check_vector_log(const char *name)
{
	char path[4096], rel[256];
	size_t len;
	endorse_policy *policy = NULL;

	snprintf(rel, sizeof(rel), "vectors/%s/keys/policy", name);
	if (!util_shared_path(path, sizeof(path), rel))
		SKIP("ENDORSE_SHARED/%s is absent", rel);
	CHECK_INT(endorse_policy_load(&policy, path), 0);
	const char *origin = endorse_policy_log_key(policy)->name;

	snprintf(rel, sizeof(rel), "vectors/%s/log/endorsements.jsonl", name);
	CHECK(util_shared_path(path, sizeof(path), rel));
	char *text = util_read_file(path, &len);
	CHECK(text != NULL && len > 0 && text[len - 1] == '\n');
	uint8_t prev[32] = {0};
	uint64_t seq = 0;
	for (char *line = text; line < text + len; seq++) {
		char *lf = memchr(line, '\n', (size_t)(text + len - line));
		size_t n = (size_t)(lf - line);
		endorse_entry e;
		CHECK_MSG(endorse_entry_parse(&e, line, n) == 0, "%s line %llu: %s: %s", rel,
			(unsigned long long)seq + 1, util_last_rule(), endorse_error_get()->message);
		CHECK_INT(e.seq, seq);
		CHECK(memcmp(e.prev, prev, 32) == 0);
		char *out = NULL;
		size_t out_len = 0;
		CHECK_INT(endorse_entry_serialize(&out, &out_len, &e), 0);
		CHECK_MSG(out_len == n && memcmp(out, line, n) == 0, "%s line %llu does not round-trip",
			rel, (unsigned long long)seq + 1);
		free(out);
		uint8_t *m = NULL;
		size_t m_len = 0;
		endorse_vkey signer;
		CHECK_INT(endorse_signed_message(&m, &m_len, origin, &e.statement), 0);
		CHECK_INT(endorse_vkey_parse(&signer, e.statement.signer, strlen(e.statement.signer)), 0);
		CHECK_MSG(endorse_vkey_verify(&signer, e.sig, m, m_len), "%s line %llu: bad sig", rel,
			(unsigned long long)seq + 1);
		if (e.has_new_sig) {
			endorse_vkey ns;
			CHECK_INT(endorse_vkey_parse(&ns, e.statement.new_signer,
				strlen(e.statement.new_signer)), 0);
			CHECK(endorse_vkey_verify(&ns, e.new_sig, m, m_len));
		}
		free(m);
		endorse_entry_clear(&e);
		crypto_hash_sha256(prev, (const uint8_t *)line, n);
		line = lf + 1;
	}
	printf("%s: %llu lines\n", rel, (unsigned long long)seq);
	CHECK(seq > 0);
	free(text);
	endorse_policy_free(policy);

	/* the pinned org keys are vkeys named by their org id */
	snprintf(rel, sizeof(rel), "vectors/%s/keys/orgs", name);
	CHECK(util_shared_path(path, sizeof(path), rel));
	DIR *d = opendir(path);
	CHECK(d != NULL);
	struct dirent *ent;
	size_t vkeys = 0;
	while ((ent = readdir(d)) != NULL) {
		if (ent->d_name[0] == '.')
			continue;
		char file[8192];
		snprintf(file, sizeof(file), "%s/%s", path, ent->d_name);
		char *vk = util_read_file(file, &len);
		endorse_vkey k;
		CHECK(vk != NULL && len > 0 && vk[len - 1] == '\n');
		CHECK_MSG(endorse_vkey_parse(&k, vk, len - 1) == 0, "%s", file);
		char want[300];
		snprintf(want, sizeof(want), "%s.vkey", k.name);
		CHECK_STR(ent->d_name, want);
		CHECK(endorse_name_is_org_id(k.name));
		free(vk);
		vkeys++;
	}
	closedir(d);
	CHECK(vkeys > 0);
	return 0;
}

static int
vectors_valid_log(void)
{
	return check_vector_log("valid-log");
}

static int
vectors_valid_log_rich(void)
{
	return check_vector_log("valid-log-rich");
}

static int
vectors_valid_log_confirm(void)
{
	return check_vector_log("valid-log-confirm");
}

static const test_case cases[] = {
	CASE(json_suite_n_syntax_rejected),
	CASE(json_suite_y_accepted),
	CASE(json_suite_y_duplicate_keys_accepted),
	CASE(json_suite_n_not_entries),
	CASE(json_suite_i_not_entries),
	CASE(wycheproof_ed25519),
	CASE(speccheck_ed25519),
	CASE(note_signer_vkey),
	CASE(vectors_valid_log),
	CASE(vectors_valid_log_rich),
	CASE(vectors_valid_log_confirm),
};

HARNESS_MAIN(cases)
