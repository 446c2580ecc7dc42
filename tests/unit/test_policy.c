/* policy.c: keys/policy, a C2SP tlog-policy naming exactly one log. Every
 * malformed policy breaks rule "policy" at a known line (0: the whole file). */
#include "harness.h"
#include "util.h"

/* Keys for the policies below: one log key (type 0x01) and witness keys
 * (type 0x04), deterministic so that failures are reproducible. */
static char LOG[ENDORSE_VKEY_MAX + 64];      /* example.org/log, 0x01 */
static char LOG2[ENDORSE_VKEY_MAX + 64];     /* example.org/log2, 0x01 */
static char LOG_AS_04[ENDORSE_VKEY_MAX + 64];/* example.org/log, 0x04 */
static char W1[ENDORSE_VKEY_MAX + 64];       /* witness1.example/w, 0x04 */
static char W2[ENDORSE_VKEY_MAX + 64];
static char W3[ENDORSE_VKEY_MAX + 64];
static char W1_AS_01[ENDORSE_VKEY_MAX + 64]; /* witness1.example/w, 0x01 */
static char W1_OTHER_NAME[ENDORSE_VKEY_MAX + 64]; /* same key as W1, other name */
static char LOG_KEY_AS_WITNESS[ENDORSE_VKEY_MAX + 64]; /* log's public key, 0x04 */
static char BAD_ID[ENDORSE_VKEY_MAX + 64];   /* LOG with a wrong key ID */
static char SMALL[ENDORSE_VKEY_MAX + 64];    /* identity point, 0x01 */

static void
make_keys(void)
{
	uint8_t identity[32] = {1};

	util_seed_vkey(LOG, sizeof(LOG), "example.org/log", ENDORSE_KEY_ED25519, 1);
	util_seed_vkey(LOG2, sizeof(LOG2), "example.org/log2", ENDORSE_KEY_ED25519, 11);
	util_seed_vkey(LOG_AS_04, sizeof(LOG_AS_04), "example.org/log", ENDORSE_KEY_COSIGNATURE, 12);
	util_seed_vkey(W1, sizeof(W1), "witness1.example/w", ENDORSE_KEY_COSIGNATURE, 2);
	util_seed_vkey(W2, sizeof(W2), "witness2.example/w", ENDORSE_KEY_COSIGNATURE, 3);
	util_seed_vkey(W3, sizeof(W3), "witness3.example/w", ENDORSE_KEY_COSIGNATURE, 4);
	util_seed_vkey(W1_AS_01, sizeof(W1_AS_01), "witness1.example/w", ENDORSE_KEY_ED25519, 2);
	util_seed_vkey(W1_OTHER_NAME, sizeof(W1_OTHER_NAME), "witness9.example/w",
		ENDORSE_KEY_COSIGNATURE, 2);
	util_seed_vkey(LOG_KEY_AS_WITNESS, sizeof(LOG_KEY_AS_WITNESS), "witness0.example/w",
		ENDORSE_KEY_COSIGNATURE, 1);
	snprintf(BAD_ID, sizeof(BAD_ID), "%s", LOG);
	char *id = strchr(BAD_ID, '+') + 1;
	id[0] = id[0] == '0' ? '1' : '0';
	util_vkey_text(SMALL, sizeof(SMALL), "example.org/log", ENDORSE_KEY_ED25519, identity);
}

/* Expands the placeholders {LOG}, {W1}, ... in tmpl into a malloc'd text. */
static char *
expand(const char *tmpl)
{
	static const struct {
		const char *name;
		const char *value;
	} vars[] = {
		{"{LOG}", LOG}, {"{LOG2}", LOG2}, {"{LOG_AS_04}", LOG_AS_04}, {"{W1}", W1},
		{"{W2}", W2}, {"{W3}", W3}, {"{W1_AS_01}", W1_AS_01},
		{"{W1_OTHER_NAME}", W1_OTHER_NAME}, {"{LOG_KEY_AS_WITNESS}", LOG_KEY_AS_WITNESS},
		{"{BAD_ID}", BAD_ID}, {"{SMALL}", SMALL},
	};
	size_t cap = strlen(tmpl) * 4 + 4096, n = 0;
	char *out = malloc(cap);

	if (out == NULL)
		return NULL;
	for (const char *p = tmpl; *p;) {
		bool done = false;
		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]) && !done; i++) {
			size_t l = strlen(vars[i].name);
			if (strncmp(p, vars[i].name, l) == 0) {
				size_t v = strlen(vars[i].value);
				if (n + v + 1 >= cap) {
					free(out);
					return NULL;
				}
				memcpy(out + n, vars[i].value, v);
				n += v;
				p += l;
				done = true;
			}
		}
		if (!done) {
			if (n + 2 >= cap) {
				free(out);
				return NULL;
			}
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return out;
}

static int
accept(const char *tmpl)
{
	char *text = expand(tmpl);
	endorse_policy *p = NULL;
	uint64_t line = 99;
	int rc;

	CHECK(text != NULL);
	rc = endorse_policy_parse_at(&p, text, strlen(text), &line);
	CHECK_MSG(rc == 0, "refused at line %llu (%s): %s\n  policy:\n%s",
		(unsigned long long)line, util_last_rule(), endorse_error_get()->message, text);
	CHECK(p != NULL);
	endorse_vkey log;
	CHECK_INT(endorse_vkey_parse(&log, LOG, strlen(LOG)), 0);
	CHECK(endorse_vkey_equal(endorse_policy_log_key(p), &log));
	endorse_policy_free(p);
	/* the public parser agrees */
	CHECK_INT(endorse_policy_parse(&p, text, strlen(text)), 0);
	endorse_policy_free(p);
	free(text);
	return 0;
}

static int
refuse_len(const char *text, size_t len, uint64_t want_line)
{
	endorse_policy *p = (endorse_policy *)&p; /* must be reset to NULL */
	uint64_t line = 99;
	int rc = endorse_policy_parse_at(&p, text, len, &line);

	CHECK_MSG(rc == ENDORSE_EINVALID, "accepted (rc %d):\n%s", rc, text);
	CHECK(p == NULL);
	CHECK_MSG(endorse_error_get()->rule != NULL && strcmp(endorse_error_get()->rule, "policy") == 0, "rule %s",
		util_last_rule());
	CHECK_MSG(line == want_line, "line %llu (%s), want line %llu, for:\n%s",
		(unsigned long long)line, endorse_error_get()->message, (unsigned long long)want_line, text);
	/* the public parser names the line in its message */
	char want[64];
	snprintf(want, sizeof(want), "line %llu", (unsigned long long)want_line);
	CHECK_INT(endorse_policy_parse(&p, text, len), ENDORSE_EINVALID);
	CHECK(p == NULL);
	CHECK_MSG(strstr(endorse_error_last(), want) != NULL, "message \"%s\" lacks \"%s\"",
		endorse_error_last(), want);
	return 0;
}

static int
refuse(const char *tmpl, uint64_t want_line)
{
	char *text = expand(tmpl);
	int rc;

	CHECK(text != NULL);
	rc = refuse_len(text, strlen(text), want_line);
	free(text);
	return rc;
}

#define ACCEPT(t) CHECK_OK(accept(t))
#define REFUSE(t, line) CHECK_OK(refuse(t, line))

static int
valid_minimal(void)
{
	make_keys();
	ACCEPT("log {LOG}\nquorum none\n");
	ACCEPT("log {LOG} https://example.org/log\nquorum none\n");
	ACCEPT("quorum none\nlog {LOG}\n");

	/* the policy written for a new log parses back to its key */
	endorse_vkey log;
	endorse_policy *p = NULL;
	char *text = NULL;
	CHECK_INT(endorse_vkey_parse(&log, LOG, strlen(LOG)), 0);
	CHECK_INT(endorse_policy_format_new(&text, &log), 0);
	char want[sizeof("log \nquorum none\n") + sizeof(LOG)];
	snprintf(want, sizeof(want), "log %s\nquorum none\n", LOG);
	CHECK_STR(text, want);
	CHECK_INT(endorse_policy_parse(&p, text, strlen(text)), 0);
	CHECK(endorse_vkey_equal(endorse_policy_log_key(p), &log));
	endorse_policy_free(p);
	free(text);

	/* the shared vectors' policy, hard-coded */
	const char *vec = "log example.org/vectors+205255d7+Ae8LJ0+AurPZTrEB9Ec+3ARZ6R7JHdaJ8XfACGZVLyFw\n"
		"quorum none\n";
	CHECK_INT(endorse_policy_parse(&p, vec, strlen(vec)), 0);
	CHECK_STR(endorse_policy_log_key(p)->name, "example.org/vectors");
	endorse_policy_free(p);
	endorse_policy_free(NULL);
	return 0;
}

static int
comments_and_blank_lines(void)
{
	make_keys();
	ACCEPT("# the trust policy\n\nlog {LOG}\n\n# no witnesses yet\n\nquorum none\n# end\n");
	ACCEPT("\n\n#\n\nlog {LOG}\nquorum none\n\n");
	ACCEPT("#\nlog {LOG}\n#log {LOG2}\nquorum none\n");
	return 0;
}

static int
witnesses_groups_quorum(void)
{
	make_keys();
	ACCEPT("log {LOG}\n"
		"witness w1 {W1} https://witness1.example/w\n"
		"witness w2 {W2}\n"
		"witness w3 {W3}\n"
		"group g1 2 w1 w2 w3\n"
		"quorum g1\n");
	ACCEPT("log {LOG}\nwitness w1 {W1}\nquorum w1\n");
	ACCEPT("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g all w1 w2\nquorum g\n");
	ACCEPT("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g any w1 w2\nquorum g\n");
	ACCEPT("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\nwitness w3 {W3}\n"
		"group a 1 w1 w2\ngroup b 2 a w3\nquorum b\n");
	/* witnesses may be listed while the quorum is none */
	ACCEPT("log {LOG}\nwitness w1 {W1}\nquorum none\n");
	/* a group of one */
	ACCEPT("log {LOG}\nwitness w1 {W1}\ngroup g 1 w1\nquorum g\n");
	return 0;
}

/* A witness's URL is kept (endorse witness request sends to it); a
 * witness without one has none. */
static int
witness_urls(void)
{
	char *text;
	endorse_policy *p = NULL;

	make_keys();
	text = expand("log {LOG}\nwitness w1 {W1} https://witness1.example/w\nwitness w2 {W2}\n"
		"witness w3 {W3} http://127.0.0.1:8080/\nquorum none\n");
	CHECK(text != NULL);
	CHECK_INT(endorse_policy_parse(&p, text, strlen(text)), 0);
	CHECK(strcmp(endorse_policy_witness_url(p, 0), "https://witness1.example/w") == 0);
	CHECK(endorse_policy_witness_url(p, 1) == NULL);
	CHECK(strcmp(endorse_policy_witness_url(p, 2), "http://127.0.0.1:8080/") == 0);
	CHECK(endorse_policy_witness_url(p, 3) == NULL);
	endorse_policy_free(p);
	free(text);
	return 0;
}

static int
refuses_no_log(void)
{
	make_keys();
	REFUSE("quorum none\n", 0);
	REFUSE("witness w1 {W1}\nquorum w1\n", 0);
	REFUSE("# only a comment\n", 0);
	REFUSE("\n", 0);
	CHECK_OK(refuse_len("", 0, 0));
	return 0;
}

static int
refuses_two_logs(void)
{
	make_keys();
	REFUSE("log {LOG}\nlog {LOG2}\nquorum none\n", 2);
	REFUSE("log {LOG}\nquorum none\n\nlog {LOG}\n", 4);
	return 0;
}

static int
refuses_unknown_keyword(void)
{
	make_keys();
	REFUSE("log {LOG}\nwitnesses w1 {W1}\nquorum none\n", 2);
	REFUSE("log {LOG}\nquorum none\nLOG {LOG}\n", 3);
	REFUSE("logs {LOG}\nquorum none\n", 1);
	REFUSE("log {LOG}\nquorum none\n;comment\n", 3);
	return 0;
}

static int
refuses_extra_args(void)
{
	make_keys();
	REFUSE("log {LOG} https://example.org/log extra\nquorum none\n", 1);
	REFUSE("log\nquorum none\n", 1);
	REFUSE("log {LOG}\nwitness w1 {W1} https://w1.example extra\nquorum none\n", 2);
	REFUSE("log {LOG}\nwitness w1\nquorum none\n", 2);
	/* a witness URL: http:// or https://, a host, no query or fragment */
	ACCEPT("log {LOG}\nwitness w1 {W1} http://127.0.0.1:8080/w\nquorum none\n");
	REFUSE("log {LOG}\nwitness w1 {W1} ftp://w1.example\nquorum none\n", 2);
	REFUSE("log {LOG}\nwitness w1 {W1} https://\nquorum none\n", 2);
	REFUSE("log {LOG}\nwitness w1 {W1} https:///path\nquorum none\n", 2);
	REFUSE("log {LOG}\nwitness w1 {W1} https://w1.example/?a=1\nquorum none\n", 2);
	REFUSE("log {LOG}\nwitness w1 {W1} https://w1.example/#x\nquorum none\n", 2);
	REFUSE("log {LOG}\nwitness w1 {W1} https://w1.example/\xc3\xa9\nquorum none\n", 2);
	REFUSE("log {LOG}\nquorum none extra\n", 2);
	REFUSE("log {LOG}\nquorum\n", 2);
	REFUSE("log {LOG}\nwitness w1 {W1}\ngroup g 1\nquorum none\n", 3);
	REFUSE("log {LOG}\nwitness w1 {W1}\ngroup g\nquorum none\n", 3);
	return 0;
}

static int
refuses_bad_vkey(void)
{
	make_keys();
	REFUSE("log {BAD_ID}\nquorum none\n", 1);
	REFUSE("log example.org/log\nquorum none\n", 1);
	REFUSE("log {SMALL}\nquorum none\n", 1);
	REFUSE("log {LOG}\nwitness w1 not-a-vkey\nquorum none\n", 2);
	return 0;
}

static int
refuses_wrong_key_types(void)
{
	make_keys();
	/* a witness with an Ed25519 (0x01) key */
	REFUSE("log {LOG}\nwitness w1 {W1_AS_01}\nquorum w1\n", 2);
	/* a log with a cosignature (0x04) key */
	REFUSE("log {LOG_AS_04}\nquorum none\n", 1);
	return 0;
}

static int
refuses_duplicate_key(void)
{
	make_keys();
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W1}\nquorum none\n", 3);
	/* the same public key under another name is still the same witness */
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W1_OTHER_NAME}\nquorum none\n", 3);
	/* the log's public key as a witness key */
	REFUSE("log {LOG}\nwitness w0 {LOG_KEY_AS_WITNESS}\nquorum none\n", 2);
	REFUSE("witness w0 {LOG_KEY_AS_WITNESS}\nlog {LOG}\nquorum none\n", 2);
	return 0;
}

static int
refuses_duplicate_name(void)
{
	make_keys();
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w1 {W2}\nquorum none\n", 3);
	REFUSE("log {LOG}\nwitness w1 {W1}\ngroup w1 1 w1\nquorum none\n", 3);
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g 1 w1\ngroup g 1 w2\nquorum g\n", 5);
	/* "none" is reserved */
	REFUSE("log {LOG}\nwitness none {W1}\nquorum none\n", 2);
	REFUSE("log {LOG}\nwitness w1 {W1}\ngroup none 1 w1\nquorum none\n", 3);
	return 0;
}

static int
refuses_group_members(void)
{
	make_keys();
	/* undefined */
	REFUSE("log {LOG}\nwitness w1 {W1}\ngroup g 1 w1 w9\nquorum g\n", 3);
	/* defined later */
	REFUSE("log {LOG}\nwitness w1 {W1}\ngroup g 1 w1 w2\nwitness w2 {W2}\nquorum g\n", 3);
	REFUSE("log {LOG}\nwitness w1 {W1}\ngroup a 1 b\ngroup b 1 w1\nquorum a\n", 3);
	/* itself */
	REFUSE("log {LOG}\nwitness w1 {W1}\ngroup g 1 g w1\nquorum g\n", 3);
	/* listed twice */
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g 2 w1 w1\nquorum g\n", 4);
	/* "none" is not a member */
	REFUSE("log {LOG}\nwitness w1 {W1}\ngroup g 1 w1 none\nquorum g\n", 3);
	return 0;
}

static int
refuses_group_threshold(void)
{
	make_keys();
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g 0 w1 w2\nquorum g\n", 4);
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g 3 w1 w2\nquorum g\n", 4);
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g 01 w1 w2\nquorum g\n", 4);
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g -1 w1 w2\nquorum g\n", 4);
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g +1 w1 w2\nquorum g\n", 4);
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g 1x w1 w2\nquorum g\n", 4);
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g ALL w1 w2\nquorum g\n", 4);
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\ngroup g none w1 w2\nquorum g\n", 4);
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\n"
		"group g 18446744073709551617 w1 w2\nquorum g\n", 4);
	REFUSE("log {LOG}\nwitness w1 {W1}\nwitness w2 {W2}\n"
		"group g 18446744073709551616 w1 w2\nquorum g\n", 4);
	return 0;
}

static int
refuses_quorum(void)
{
	make_keys();
	/* undefined, or defined after the quorum line */
	REFUSE("log {LOG}\nquorum w1\n", 2);
	REFUSE("log {LOG}\nquorum w1\nwitness w1 {W1}\n", 2);
	/* two quorum lines */
	REFUSE("log {LOG}\nquorum none\nquorum none\n", 3);
	REFUSE("log {LOG}\nwitness w1 {W1}\nquorum w1\n\nquorum none\n", 5);
	/* no quorum line */
	REFUSE("log {LOG}\n", 0);
	REFUSE("log {LOG}\nwitness w1 {W1}\n", 0);
	/* case matters */
	REFUSE("log {LOG}\nquorum NONE\n", 2);
	return 0;
}

static int
refuses_missing_final_newline(void)
{
	make_keys();
	REFUSE("log {LOG}\nquorum none", 0);
	REFUSE("log {LOG}\nquorum none\n# comment", 0);
	return 0;
}

static int
refuses_cr(void)
{
	make_keys();
	/* a carriage return breaks the line it is on */
	REFUSE("log {LOG}\r\nquorum none\r\n", 1);
	REFUSE("log {LOG}\nquorum none\r\n", 2);
	REFUSE("log {LOG}\n# comment\r\nquorum none\n", 2);
	return 0;
}

static int
refuses_other_bytes(void)
{
	char *text;
	endorse_policy *p = NULL;
	uint64_t line;

	make_keys();
	/* NUL, other control characters and invalid UTF-8 */
	const char *bad[] = {
		"log {LOG}\nquorum none\n#\x01\n",
		"log {LOG}\nquorum none\n#\x7f\n",
		"log {LOG}\nquorum none\n#\xff\n",
		"log {LOG}\nquorum none\n#\xc0\xaf\n",
		"log {LOG}\x0b\nquorum none\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = expand(bad[i]);
		CHECK(text != NULL);
		CHECK_MSG(endorse_policy_parse_at(&p, text, strlen(text), &line) ==
			ENDORSE_EINVALID && p == NULL, "accepted:\n%s", text);
		CHECK_STR(endorse_error_get()->rule, "policy");
		free(text);
	}
	text = expand("log {LOG}\nquorum none\n#\n");
	CHECK(text != NULL);
	size_t n = strlen(text);
	text[n - 2] = '\0';
	CHECK(endorse_policy_parse_at(&p, text, n, &line) == ENDORSE_EINVALID && p == NULL);
	free(text);
	return 0;
}

static int
load_from_file(void)
{
	char dir[4096], path[4200];
	endorse_policy *p = NULL;
	char *text;

	make_keys();
	CHECK(util_tempdir(dir, sizeof(dir)) == 0);
	snprintf(path, sizeof(path), "%s/policy", dir);
	text = expand("log {LOG}\nquorum none\n");
	CHECK(text != NULL);
	int ok = util_write_file(path, text, strlen(text), 0644) == 0 &&
		endorse_policy_load(&p, path) == 0 && p != NULL;
	endorse_policy_free(p);
	p = NULL;
	char missing[4300];
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	int rc_missing = endorse_policy_load(&p, missing);
	char link[4300];
	snprintf(link, sizeof(link), "%s/link", dir);
	int rc_link = symlink(path, link) == 0 ? endorse_policy_load(&p, link) : 0;
	util_rm_rf(dir);
	free(text);
	CHECK(ok);
	CHECK_INT(rc_missing, ENDORSE_ENOTFOUND);
	CHECK_INT(rc_link, ENDORSE_EINVALID);
	CHECK(p == NULL);
	return 0;
}

static int
load_policy_at(const void *path)
{
	endorse_policy *p = NULL;
	int rc = endorse_policy_load(&p, path);

	endorse_policy_free(p);
	return rc;
}

static int
load_refuses_fifo(void)
{
	char dir[4096], fifo[4200];
	int rc = 0;
	bool finished;

	CHECK(util_tempdir(dir, sizeof(dir)) == 0);
	snprintf(fifo, sizeof(fifo), "%s/policy", dir);
	CHECK(mkfifo(fifo, 0644) == 0);
	/* a FIFO is not a regular file: refused rather than waited on */
	finished = util_run_bounded(load_policy_at, fifo, 5, &rc);
	util_rm_rf(dir);
	CHECK_MSG(finished, "endorse_policy_load blocked for 5 s on a FIFO instead of refusing it");
	CHECK_INT(rc, ENDORSE_EINVALID);
	return 0;
}

static const test_case cases[] = {
	CASE(valid_minimal),
	CASE(comments_and_blank_lines),
	CASE(witnesses_groups_quorum),
	CASE(witness_urls),
	CASE(refuses_no_log),
	CASE(refuses_two_logs),
	CASE(refuses_unknown_keyword),
	CASE(refuses_extra_args),
	CASE(refuses_bad_vkey),
	CASE(refuses_wrong_key_types),
	CASE(refuses_duplicate_key),
	CASE(refuses_duplicate_name),
	CASE(refuses_group_members),
	CASE(refuses_group_threshold),
	CASE(refuses_quorum),
	CASE(refuses_missing_final_newline),
	CASE(refuses_cr),
	CASE(refuses_other_bytes),
	CASE(load_from_file),
	CASE(load_refuses_fifo),
};

HARNESS_MAIN(cases)
