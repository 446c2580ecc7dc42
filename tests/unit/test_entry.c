/* json.c and statement.c: parsing log lines (endorse_entry_parse) with the
 * rule each malformed line breaks, and the canonical serialisation. The
 * lines below are copies of the shared conformance vectors (SPEC.md), so the
 * cases run without ../shared. */
#include "statement.h"
#include "harness.h"
#include "util.h"

#define ORIGIN "example.org/vectors"
#define ORIGIN_RICH "example.org/vectors-rich"

/* vectors/valid-log/log/endorsements.jsonl, line 1 (seq 0) */
static const char LINE0[] =
	"{\"prev\":\"000000000000000000000000000000000000000000000000000000000000"
	"0000\",\"seq\":0,\"sig\":\"ivIRsWCq8sSwK01PBCr1SprcmPCxnl/U691zj0Em7I/7t"
	"/IBpC9H9bPDBgYhkSIKhAJPzLwtrFAJuQKfFuJhDA==\",\"statement\":{\"id\":\"or"
	"acle-document\",\"sha256\":\"1051fd01c158a74d749c6a3517122512a4eb1abbbad"
	"34bd4f24f7efd40b7ff7f\",\"signer\":\"example.org/vectors+205255d7+Ae8LJ0"
	"+AurPZTrEB9Ec+3ARZ6R7JHdaJ8XfACGZVLyFw\",\"time\":\"2026-01-01T00:00:00Z"
	"\",\"title\":\"Oracle test document\",\"type\":\"document\",\"url\":\"ht"
	"tps://example.org/document\"}}";
/* vectors/valid-log/log/endorsements.jsonl, line 2 (seq 1): both JSON escapes */
static const char LINE1[] =
	"{\"prev\":\"0fb36fc2f5b509c165874f92e2ad114f4c72ee63273ded66d4369909d5d3"
	"89fd\",\"seq\":1,\"sig\":\"CXSdIfGtHdw6JmGas6ADgcGK1Puql/xjrILjucajpyKMZ"
	"3GYnjMs8TJmYLXL5CQ0CsFkfZO2UuTGjA6OKpK0Ag==\",\"statement\":{\"document\""
	":\"1051fd01c158a74d749c6a3517122512a4eb1abbbad34bd4f24f7efd40b7ff7f\",\""
	"org\":{\"id\":\"org0.example.org\",\"name\":\"Organisation \\\"0\\\" \\\\"
	" Test\",\"url\":\"https://org0.example.org/\"},\"signer\":\"org0.example"
	".org+c8474b17+ARR3JOHM3UJlMlIOh32wCbtniiX/iEvkyD+kUy+fq62w\",\"time\":\""
	"2026-01-01T00:00:01Z\",\"type\":\"endorse\"}}";
/* vectors/valid-log-rich/log/endorsements.jsonl, seq 7 */
static const char ROTATE[] =
	"{\"new_sig\":\"Jn8bVBJsu3hwKPDBaS4nlpgRFw0nbiOiZe2X7J2A927LKVo+jvFQtmI5B"
	"riw6/Ukc8y9CMvFMa2wQ2uSKtQLBQ==\",\"prev\":\"04f30ebb5d83e9a8a45cb05c3e5"
	"1dbfa35f5612baa785d45535c0fa02b97a558\",\"seq\":7,\"sig\":\"dpODr3r23eF6"
	"mjUBEHo2GDz5GKIrTyc9FR739+f/zm311sUdcJLHu61lK0jNv70DH3s4gfHd4u9MeUp3KzrQ"
	"Dg==\",\"statement\":{\"new_signer\":\"org0.example.org+19abf11c+AYVY2kl"
	"l/A8bJnq3rRINI5PIb+IAFwnqw42Xf1NUJdVI\",\"org\":\"org0.example.org\",\"s"
	"igner\":\"org0.example.org+c8474b17+ARR3JOHM3UJlMlIOh32wCbtniiX/iEvkyD+k"
	"Uy+fq62w\",\"time\":\"2026-01-01T00:00:07Z\",\"type\":\"rotate\"}}";
/* vectors/valid-log-rich/log/endorsements.jsonl, seq 9 */
static const char WITHDRAW[] =
	"{\"prev\":\"80cbcd8a2c5c313c4be04ceba1fce564d1225de8867251805becdffa23b9"
	"0188\",\"seq\":9,\"sig\":\"rBoN2306oJBbEQni05emTkUta4vbUlGvmlVYkRZ5VRPIJ"
	"bJbQIPgr6X879pWSUv+QoZRN39WgapgVxFmxoINCQ==\",\"statement\":{\"document\""
	":\"1051fd01c158a74d749c6a3517122512a4eb1abbbad34bd4f24f7efd40b7ff7f\",\""
	"org\":\"org1.example.org\",\"signer\":\"org1.example.org+3783c953+Ac1g1o"
	"DRKaBE2aodTNa6u1pO/tUctlfedpCk44/Ld/Ji\",\"time\":\"2026-01-01T00:00:09Z"
	"\",\"type\":\"withdraw\"}}";
/* vectors/valid-log-rich/log/endorsements.jsonl, seq 10 */
static const char REVOKE[] =
	"{\"prev\":\"615c1e7776dca49985adcc13aa52ca6ab41008de91bf0e62d9bb43298437"
	"1a11\",\"seq\":10,\"sig\":\"nV50Zbd8lRPb4rLfunrw8cbExU6GzsB4xZdnx0zIodMi"
	"tZlRYO1qWSyf1vHe7ewC+/RJdnyDpa+DQEFuCTkVBg==\",\"statement\":{\"key\":\""
	"org2.example.org+7f47851a+AV4Xu4ki5UHzIW4HS2VQu3zi2zkY/npZO5+3NioP6GbJ\""
	",\"org\":\"org2.example.org\",\"reason\":\"key lost\",\"signer\":\"examp"
	"le.org/vectors-rich+d642f48c+AZCurrvz4hhiRnr5IdDGjchkceNK2mFIPIXCGwGaxcU"
	"n\",\"time\":\"2026-01-01T00:00:10Z\",\"type\":\"revoke\"}}";

/* vectors/valid-log-confirm/log/endorsements.jsonl, seq 4 */
static const char CONFIRM[] =
	"{\"prev\":\"c989c12afd2021198a6106acabf66119c6e92e4f1fd7b37c01a2e256730c"
	"41d5\",\"seq\":4,\"sig\":\"tttUZX/jE897y5Sn/Plj5jbG1FX1PMxWQ38FhtYVwMws7"
	"ph8MzBdUfXNDLp9yOtLuPRRmuQw+cd5KjsaJhLKDQ==\",\"statement\":{\"key\":\"o"
	"rg0.example.org+c8474b17+ARR3JOHM3UJlMlIOh32wCbtniiX/iEvkyD+kUy+fq62w\","
	"\"method\":\"https\",\"org\":\"org0.example.org\",\"signer\":\"example.o"
	"rg/vectors-confirm+4bc49335+AT2XRe3eek+2pyZnMc2/ckD7vb7/IpOU5h1byQFrQ2GA"
	"\",\"time\":\"2026-01-01T00:00:13Z\",\"type\":\"confirm\"}}";

/* line with the first occurrence of from replaced by to, malloc'd. */
static char *
subst(const char *line, const char *from, const char *to)
{
	const char *at = strstr(line, from);
	size_t n;
	char *out;

	if (at == NULL) {
		fprintf(stderr, "subst: \"%s\" not found\n", from);
		return NULL;
	}
	n = strlen(line) - strlen(from) + strlen(to);
	out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, line, (size_t)(at - line));
	memcpy(out + (at - line), to, strlen(to));
	strcpy(out + (at - line) + strlen(to), at + strlen(from));
	return out;
}

static int
expect_rule_len(const char *line, size_t len, const char *rule)
{
	endorse_entry e;
	int rc = (endorse_error_rule(NULL, 0), endorse_entry_parse(&e, line, len));

	CHECK_MSG(rc == ENDORSE_EINVALID, "accepted (rc %d), want rule %s: %.300s", rc, rule, line);
	CHECK_MSG(endorse_error_get()->rule != NULL && strcmp(endorse_error_get()->rule, rule) == 0,
		"rule %s (%s), want %s, for: %.300s", util_last_rule(), endorse_error_get()->message,
		rule, line);
	/* a refused entry holds nothing */
	CHECK(e.statement.signer == NULL && e.statement.time == NULL && e.seq == 0);
	return 0;
}

static int
expect_rule(const char *line, const char *rule)
{
	return expect_rule_len(line, strlen(line), rule);
}

static int
expect_ok(const char *line)
{
	endorse_entry e;
	int rc = endorse_entry_parse(&e, line, strlen(line));

	CHECK_MSG(rc == 0, "refused: rule %s: %s, for: %.300s", util_last_rule(),
		endorse_error_get()->message, line);
	endorse_entry_clear(&e);
	return 0;
}

/* base with from replaced by to must break rule ("" = must parse). */
static int
mutation(const char *base, const char *from, const char *to, const char *rule)
{
	char *line = subst(base, from, to);
	int rc;

	CHECK(line != NULL);
	rc = rule[0] == '\0' ? expect_ok(line) : expect_rule(line, rule);
	free(line);
	return rc;
}

#define MUT(base, from, to, rule) CHECK_OK(mutation(base, from, to, rule))

/* Verifies the signature of a parsed entry, as the log does. */
static int
verify_entry(const endorse_entry *e, const char *origin)
{
	uint8_t *m = NULL;
	size_t mlen = 0;
	endorse_vkey signer;

	CHECK_INT(endorse_signed_message(&m, &mlen, origin, &e->statement), 0);
	CHECK(mlen > strlen("endorse/v1\n") + strlen(origin) + 1);
	CHECK(memcmp(m, "endorse/v1\n", 11) == 0);
	CHECK(memcmp(m + 11, origin, strlen(origin)) == 0 && m[11 + strlen(origin)] == '\n');
	CHECK_INT(endorse_vkey_parse(&signer, e->statement.signer, strlen(e->statement.signer)), 0);
	CHECK_MSG(endorse_vkey_verify(&signer, e->sig, m, mlen), "sig does not verify");
	if (e->has_new_sig) {
		endorse_vkey ns;
		CHECK_INT(endorse_vkey_parse(&ns, e->statement.new_signer,
			strlen(e->statement.new_signer)), 0);
		CHECK_MSG(endorse_vkey_verify(&ns, e->new_sig, m, mlen), "new_sig does not verify");
	}
	/* under another origin the signature fails: no replay into another log */
	free(m);
	CHECK_INT(endorse_signed_message(&m, &mlen, "example.org/other", &e->statement), 0);
	CHECK(!endorse_vkey_verify(&signer, e->sig, m, mlen));
	free(m);
	return 0;
}

static int
parses_vector_document(void)
{
	endorse_entry e;
	uint8_t zero[32] = {0};

	CHECK_MSG(endorse_entry_parse(&e, LINE0, strlen(LINE0)) == 0, "%s: %s",
		util_last_rule(), endorse_error_get()->message);
	CHECK_INT(e.seq, 0);
	CHECK(memcmp(e.prev, zero, 32) == 0);
	CHECK(!e.has_new_sig);
	CHECK_INT(e.statement.type, ENDORSE_DOCUMENT);
	CHECK_STR(endorse_statement_type_name(e.statement.type), "document");
	CHECK_STR(e.statement.id, "oracle-document");
	CHECK_STR(e.statement.title, "Oracle test document");
	CHECK_STR(e.statement.url, "https://example.org/document");
	CHECK_STR(e.statement.sha256, "1051fd01c158a74d749c6a3517122512a4eb1abbbad34bd4f24f7efd40b7ff7f");
	CHECK_STR(e.statement.signer,
		"example.org/vectors+205255d7+Ae8LJ0+AurPZTrEB9Ec+3ARZ6R7JHdaJ8XfACGZVLyFw");
	CHECK_STR(e.statement.time, "2026-01-01T00:00:00Z");
	CHECK(e.statement.document == NULL && e.statement.org_id == NULL &&
		e.statement.org_name == NULL && e.statement.org_url == NULL &&
		e.statement.new_signer == NULL && e.statement.key == NULL && e.statement.reason == NULL);
	CHECK_OK(verify_entry(&e, ORIGIN));
	endorse_entry_clear(&e);
	CHECK(e.statement.signer == NULL);
	return 0;
}

static int
parses_vector_endorse_with_escapes(void)
{
	endorse_entry e;

	CHECK_MSG(endorse_entry_parse(&e, LINE1, strlen(LINE1)) == 0, "%s: %s",
		util_last_rule(), endorse_error_get()->message);
	CHECK_INT(e.seq, 1);
	CHECK_INT(e.statement.type, ENDORSE_ENDORSE);
	CHECK_STR(e.statement.document,
		"1051fd01c158a74d749c6a3517122512a4eb1abbbad34bd4f24f7efd40b7ff7f");
	CHECK_STR(e.statement.org_id, "org0.example.org");
	CHECK_STR(e.statement.org_name, "Organisation \"0\" \\ Test");
	CHECK_STR(e.statement.org_url, "https://org0.example.org/");
	CHECK_STR(e.statement.time, "2026-01-01T00:00:01Z");
	char prev[65];
	endorse_hex_encode(prev, e.prev, 32);
	CHECK_STR(prev, "0fb36fc2f5b509c165874f92e2ad114f4c72ee63273ded66d4369909d5d389fd");
	/* prev is the SHA-256 of line 0 */
	uint8_t h[32];
	crypto_hash_sha256(h, (const uint8_t *)LINE0, strlen(LINE0));
	CHECK(memcmp(h, e.prev, 32) == 0);
	CHECK_OK(verify_entry(&e, ORIGIN));
	endorse_entry_clear(&e);
	return 0;
}

static int
parses_vector_rotate_withdraw_revoke(void)
{
	endorse_entry e;

	CHECK_MSG(endorse_entry_parse(&e, ROTATE, strlen(ROTATE)) == 0, "%s: %s",
		util_last_rule(), endorse_error_get()->message);
	CHECK_INT(e.seq, 7);
	CHECK_INT(e.statement.type, ENDORSE_ROTATE);
	CHECK(e.has_new_sig);
	CHECK_STR(e.statement.org_id, "org0.example.org");
	CHECK(e.statement.org_name == NULL);
	CHECK_STR(e.statement.new_signer,
		"org0.example.org+19abf11c+AYVY2kll/A8bJnq3rRINI5PIb+IAFwnqw42Xf1NUJdVI");
	CHECK_OK(verify_entry(&e, ORIGIN_RICH));
	endorse_entry_clear(&e);

	CHECK_MSG(endorse_entry_parse(&e, WITHDRAW, strlen(WITHDRAW)) == 0, "%s: %s",
		util_last_rule(), endorse_error_get()->message);
	CHECK_INT(e.statement.type, ENDORSE_WITHDRAW);
	CHECK_STR(e.statement.org_id, "org1.example.org");
	CHECK_OK(verify_entry(&e, ORIGIN_RICH));
	endorse_entry_clear(&e);

	CHECK_MSG(endorse_entry_parse(&e, REVOKE, strlen(REVOKE)) == 0, "%s: %s",
		util_last_rule(), endorse_error_get()->message);
	CHECK_INT(e.seq, 10);
	CHECK_INT(e.statement.type, ENDORSE_REVOKE);
	CHECK_STR(e.statement.reason, "key lost");
	CHECK_STR(e.statement.key,
		"org2.example.org+7f47851a+AV4Xu4ki5UHzIW4HS2VQu3zi2zkY/npZO5+3NioP6GbJ");
	CHECK_OK(verify_entry(&e, ORIGIN_RICH));
	endorse_entry_clear(&e);
	return 0;
}

static int
round_trip_one(const char *line)
{
	endorse_entry e;
	char *out = NULL;
	size_t len = 0;

	CHECK_MSG(endorse_entry_parse(&e, line, strlen(line)) == 0, "%s: %s",
		util_last_rule(), endorse_error_get()->message);
	CHECK_INT(endorse_entry_serialize(&out, &len, &e), 0);
	CHECK_MSG(len == strlen(line) && memcmp(out, line, len) == 0, "\n  got:  %s\n  want: %s",
		out, line);
	free(out);

	/* the statement's JCS is the statement member of the line */
	CHECK_INT(endorse_statement_serialize(&out, &len, &e.statement), 0);
	const char *st = strstr(line, "\"statement\":") + strlen("\"statement\":");
	CHECK_MSG(len == strlen(st) - 1 && memcmp(out, st, len) == 0, "\n  got:  %s\n  want: %.*s",
		out, (int)(strlen(st) - 1), st);
	free(out);
	endorse_entry_clear(&e);
	return 0;
}

static int
serialize_round_trip(void)
{
	CHECK_OK(round_trip_one(LINE0));
	CHECK_OK(round_trip_one(LINE1));
	CHECK_OK(round_trip_one(ROTATE));
	CHECK_OK(round_trip_one(WITHDRAW));
	CHECK_OK(round_trip_one(REVOKE));
	return 0;
}

/* The signed message taken from a parsed line's bytes (the replay's way)
 * is the one made by serialising the statement again, for every statement
 * type and for JSON escapes. */
static int
message_of_line_is_jcs(void)
{
	const char *lines[] = {LINE0, LINE1, ROTATE, WITHDRAW, REVOKE};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		endorse_entry e;
		uint8_t *a = NULL, *b = NULL;
		size_t alen = 0, blen = 0;

		CHECK_MSG(endorse_entry_parse(&e, lines[i], strlen(lines[i])) == 0, "%s",
			endorse_error_get()->message);
		CHECK_OK(endorse_signed_message(&a, &alen, ORIGIN, &e.statement));
		CHECK_OK(endorse_signed_message_of_line(&b, &blen, ORIGIN, lines[i], strlen(lines[i]),
			&e.statement));
		CHECK_MSG(alen == blen && memcmp(a, b, alen) == 0, "line %zu: messages differ", i);
		free(a);
		free(b);
		endorse_entry_clear(&e);
	}
	return 0;
}

static int
rejects_noncanonical_order(void)
{
	/* envelope members out of order */
	MUT(LINE0, "{\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"seq\":0,",
		"{\"seq\":0,\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\",",
		"canonical");
	/* statement members out of order */
	MUT(LINE0, "\"id\":\"oracle-document\",\"sha256\":\"1051fd01c158a74d749c6a3517122512a4eb1abbbad34bd4f24f7efd40b7ff7f\"",
		"\"sha256\":\"1051fd01c158a74d749c6a3517122512a4eb1abbbad34bd4f24f7efd40b7ff7f\",\"id\":\"oracle-document\"",
		"canonical");
	/* the last two statement members swapped */
	MUT(LINE0, "\"type\":\"document\",\"url\":\"https://example.org/document\"",
		"\"url\":\"https://example.org/document\",\"type\":\"document\"", "canonical");
	/* nested org members out of order */
	MUT(LINE1, "{\"id\":\"org0.example.org\",\"name\":\"Organisation \\\"0\\\" \\\\ Test\",",
		"{\"name\":\"Organisation \\\"0\\\" \\\\ Test\",\"id\":\"org0.example.org\",", "canonical");
	return 0;
}

static int
rejects_noncanonical_spacing(void)
{
	MUT(LINE0, "\"seq\":0", "\"seq\": 0", "canonical");
	MUT(LINE0, ",\"sig\"", ", \"sig\"", "canonical");
	MUT(LINE0, "{\"prev\"", " {\"prev\"", "canonical");
	MUT(LINE0, "{\"prev\"", "{ \"prev\"", "canonical");
	MUT(LINE0, "\"}}", "\"} }", "canonical");
	MUT(LINE0, "\"}}", "\"}} ", "canonical");
	MUT(LINE0, "\"statement\":{", "\"statement\" :{", "canonical");
	/* tabs and line feeds are control characters in a log line */
	MUT(LINE0, "\"seq\":0", "\"seq\":\t0", "control-char");
	MUT(LINE0, "\"seq\":0", "\"seq\":\n0", "control-char");
	return 0;
}

static int
rejects_noncanonical_escapes(void)
{
	MUT(LINE0, "oracle-document", "\\u006fracle-document", "canonical");
	MUT(LINE0, "https://example.org/document", "https:\\/\\/example.org\\/document", "canonical");
	MUT(LINE0, "Oracle test document", "Oracle test docum\\u0065nt", "canonical");
	/* non-ASCII is written as UTF-8, never as \u escapes */
	MUT(LINE0, "Oracle test document", "Caf\\u00e9 document", "canonical");
	MUT(LINE0, "Oracle test document", "Caf\xc3\xa9 document", "");
	MUT(LINE0, "Oracle test document", "Smile \\ud83d\\ude00", "canonical");
	/* the escapes that JSON requires are accepted only in their short form */
	MUT(LINE1, "Organisation \\\"0\\\"", "Organisation \\u00220\\u0022", "canonical");
	MUT(LINE1, "\\\\ Test", "\\u005c Test", "canonical");
	/* a key spelled with an escape */
	MUT(LINE0, "\"seq\":0", "\"s\\u0065q\":0", "canonical");
	/* integers: no sign, no leading zero, no exponent */
	MUT(LINE1, "\"seq\":1", "\"seq\":-0", "canonical");
	MUT(LINE0, "\"seq\":0", "\"seq\":-0", "canonical");
	return 0;
}

static int
rejects_duplicate_member(void)
{
	MUT(LINE0, "\"seq\":0,", "\"seq\":0,\"seq\":0,", "duplicate-member");
	MUT(LINE0, "\"seq\":0,", "\"seq\":0,\"seq\":1,", "duplicate-member");
	MUT(LINE0, "\"id\":\"oracle-document\",",
		"\"id\":\"oracle-document\",\"id\":\"oracle-document\",", "duplicate-member");
	MUT(LINE1, "\"id\":\"org0.example.org\",",
		"\"id\":\"org0.example.org\",\"id\":\"org9.example.org\",", "duplicate-member");
	/* a duplicate after other members, out of order */
	MUT(LINE0, "\"}}", "\",\"title\":\"x\"}}", "duplicate-member");
	return 0;
}

static int
rejects_float(void)
{
	MUT(LINE0, "\"seq\":0", "\"seq\":0.0", "float");
	MUT(LINE1, "\"seq\":1", "\"seq\":1.0", "float");
	MUT(LINE1, "\"seq\":1", "\"seq\":1e0", "float");
	MUT(LINE1, "\"seq\":1", "\"seq\":1E0", "float");
	MUT(LINE1, "\"seq\":1", "\"seq\":0.5", "float");
	MUT(LINE1, "\"seq\":1", "\"seq\":10e-1", "float");
	MUT(LINE0, "\"title\":\"Oracle test document\"", "\"title\":1.5", "float");
	return 0;
}

static int
rejects_value_types(void)
{
	MUT(LINE0, "\"seq\":0", "\"seq\":true", "value-type");
	MUT(LINE0, "\"seq\":0", "\"seq\":false", "value-type");
	MUT(LINE0, "\"seq\":0", "\"seq\":null", "value-type");
	MUT(LINE0, "\"seq\":0", "\"seq\":[0]", "value-type");
	MUT(LINE0, "\"seq\":0", "\"seq\":[]", "value-type");
	MUT(LINE0, "\"title\":\"Oracle test document\"", "\"title\":null", "value-type");
	MUT(LINE0, "\"title\":\"Oracle test document\"", "\"title\":[\"Oracle test document\"]",
		"value-type");
	MUT(LINE1, "\"name\":\"Organisation \\\"0\\\" \\\\ Test\"", "\"name\":true", "value-type");
	return 0;
}

static int
integer_range(void)
{
	MUT(LINE0, "\"seq\":0", "\"seq\":-1", "integer");
	MUT(LINE0, "\"seq\":0", "\"seq\":-9007199254740991", "integer");
	MUT(LINE0, "\"seq\":0", "\"seq\":9007199254740992", "integer");
	MUT(LINE0, "\"seq\":0", "\"seq\":9223372036854775807", "integer");
	MUT(LINE0, "\"seq\":0", "\"seq\":9223372036854775808", "integer");
	MUT(LINE0, "\"seq\":0", "\"seq\":18446744073709551616", "integer");
	MUT(LINE0, "\"seq\":0", "\"seq\":-9223372036854775809", "integer");
	/* 2^53 - 1 is the largest allowed integer (parsing does not check seq
	 * against the line number; replay does) */
	MUT(LINE0, "\"seq\":0", "\"seq\":9007199254740991", "");
	endorse_entry e;
	char *line = subst(LINE0, "\"seq\":0", "\"seq\":9007199254740991");
	CHECK(line != NULL);
	CHECK_INT(endorse_entry_parse(&e, line, strlen(line)), 0);
	CHECK(e.seq == 9007199254740991ULL);
	endorse_entry_clear(&e);
	free(line);
	/* an integer where a string belongs breaks the member rule */
	MUT(LINE0, "\"title\":\"Oracle test document\"", "\"title\":5", "member");
	return 0;
}

static int
rejects_members(void)
{
	/* unknown members: envelope, statement, org */
	MUT(LINE0, "{\"prev\"", "{\"extra\":\"x\",\"prev\"", "member");
	MUT(LINE0, "\"seq\":0,", "\"seq\":0,\"seqs\":0,", "member");
	MUT(LINE0, "\"}}", "\",\"zzz\":\"x\"}}", "member");
	MUT(LINE0, "\"}}", "\",\"zzz\":{}}}", "member");
	MUT(LINE0, "{\"id\"", "{\"document\":\"1051fd01c158a74d749c6a3517122512a4eb1abbbad34bd4f24f7efd40b7ff7f\",\"id\"", "member");
	MUT(LINE1, "\"url\":\"https://org0.example.org/\"}",
		"\"url\":\"https://org0.example.org/\",\"zz\":\"x\"}", "member");
	MUT(LINE1, "{\"id\":\"org0.example.org\",", "{\"email\":\"a@b.c\",\"id\":\"org0.example.org\",",
		"member");
	/* missing members */
	MUT(LINE0, "\"seq\":0,", "", "member");
	MUT(LINE0, "\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\",", "",
		"member");
	MUT(LINE0, "\"title\":\"Oracle test document\",", "", "member");
	MUT(LINE0, "\"time\":\"2026-01-01T00:00:00Z\",", "", "member");
	MUT(LINE1, "\"name\":\"Organisation \\\"0\\\" \\\\ Test\",", "", "member");
	MUT(LINE1, "\"id\":\"org0.example.org\",", "", "member");
	MUT(LINE0, ",\"type\":\"document\"", "", "member");
	/* members of the wrong kind */
	MUT(LINE0, "\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\"",
		"\"prev\":0", "member");
	MUT(LINE0, "\"seq\":0", "\"seq\":\"0\"", "member");
	MUT(LINE1, "\"org\":{\"id\":\"org0.example.org\",\"name\":\"Organisation \\\"0\\\" \\\\ Test\",\"url\":\"https://org0.example.org/\"}",
		"\"org\":\"org0.example.org\"", "member");
	MUT(WITHDRAW, "\"org\":\"org1.example.org\"", "\"org\":{\"id\":\"org1.example.org\"}", "member");
	MUT(LINE0, "\"type\":\"document\"", "\"type\":{}", "member");
	/* new_sig only and always in rotate entries */
	MUT(ROTATE, "{\"new_sig\":\"Jn8bVBJsu3hwKPDBaS4nlpgRFw0nbiOiZe2X7J2A927LKVo+jvFQtmI5Briw6/Ukc8y9CMvFMa2wQ2uSKtQLBQ==\",",
		"{", "member");
	MUT(LINE0, "{\"prev\"", "{\"new_sig\":\"ivIRsWCq8sSwK01PBCr1SprcmPCxnl/U691zj0Em7I/7t/IBpC9H9bPDBgYhkSIKhAJPzLwtrFAJuQKfFuJhDA==\",\"prev\"",
		"member");
	/* the root must be an object */
	CHECK_OK(expect_rule("[]", "json"));
	CHECK_OK(expect_rule("\"x\"", "json"));
	CHECK_OK(expect_rule("0", "json"));
	CHECK_OK(expect_rule("{}", "member"));
	return 0;
}

static int
rejects_statement_type(void)
{
	MUT(LINE0, "\"type\":\"document\"", "\"type\":\"documents\"", "statement-type");
	MUT(LINE0, "\"type\":\"document\"", "\"type\":\"Document\"", "statement-type");
	MUT(LINE0, "\"type\":\"document\"", "\"type\":\"\"", "statement-type");
	MUT(LINE0, "\"type\":\"document\"", "\"type\":\"checkpoint\"", "statement-type");
	/* a known type with another type's members */
	MUT(LINE0, "\"type\":\"document\"", "\"type\":\"endorse\"", "member");
	MUT(WITHDRAW, "\"type\":\"withdraw\"", "\"type\":\"rotate\"", "member");
	return 0;
}

static int
rejects_bad_base64(void)
{
	/* non-zero padding bits */
	MUT(LINE0, "FuJhDA==", "FuJhDB==", "base64");
	/* missing padding, wrong length, URL alphabet, whitespace */
	MUT(LINE0, "FuJhDA==", "FuJhDA", "base64");
	MUT(LINE0, "FuJhDA==", "FuJhDA=", "base64");
	MUT(LINE0, "FuJhDA==", "FuJh", "base64");
	MUT(LINE0, "FuJhDA==", "FuJhDAAA", "base64");
	MUT(LINE0, "FuJhDA==", "FuJhDA==AAAA", "base64");
	MUT(LINE0, "ivIRsWCq8sSwK01PBCr1SprcmPCxnl/U691zj0Em7I/7t/IB",
		"ivIRsWCq8sSwK01PBCr1SprcmPCxnl_U691zj0Em7I_7t_IB", "base64");
	MUT(LINE0, "ivIRsWCq8sSw", "ivIRsWCq 8sSw", "base64");
	MUT(LINE0, "\"sig\":\"ivIR", "\"sig\":\"", "base64");
	MUT(LINE0, "\"sig\":\"ivIRsWCq8sSwK01PBCr1SprcmPCxnl/U691zj0Em7I/7t/IBpC9H9bPDBgYhkSIKhAJPzLwtrFAJuQKfFuJhDA==\"",
		"\"sig\":\"\"", "base64");
	MUT(ROTATE, "SKtQLBQ==", "SKtQLBR==", "base64");
	MUT(ROTATE, "\"new_sig\":\"Jn8b", "\"new_sig\":\"", "base64");
	return 0;
}

static int
rejects_bad_prev(void)
{
	MUT(LINE1, "0fb36fc2f5b5", "0FB36FC2F5B5", "prev");
	MUT(LINE1, "0fb36fc2f5b5", "0fb36fc2f5b", "prev");
	MUT(LINE1, "0fb36fc2f5b5", "0fb36fc2f5b50", "prev");
	MUT(LINE1, "0fb36fc2f5b5", "0fb36fc2f5bg", "prev");
	MUT(LINE0, "\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\"",
		"\"prev\":\"\"", "prev");
	return 0;
}

static int
time_rules(void)
{
	static const char *const bad[] = {
		"2026-02-29T00:00:00Z", /* 2026 is not a leap year */
		"2100-02-29T00:00:00Z", /* nor is 2100 */
		"2026-01-01T00:00:60Z", /* no leap seconds */
		"2026-01-01T00:60:00Z",
		"2026-01-01T24:00:00Z",
		"2026-01-32T00:00:00Z",
		"2026-04-31T00:00:00Z",
		"2026-00-01T00:00:00Z",
		"2026-13-01T00:00:00Z",
		"2026-01-00T00:00:00Z",
		"2026-01-01 00:00:00Z",
		"2026-01-01t00:00:00Z",
		"2026-01-01T00:00:00z",
		"2026-01-01T00:00:00",
		"2026-01-01T00:00:00+00:00",
		"2026-01-01T00:00:00.0Z",
		"2026-1-01T00:00:00Z",
		"+026-01-01T00:00:00Z",
		"2026-01-01T0:00:00ZZ",
		"2026-01-01T-0:00:00Z",
		"2026-01-01T00:00:00Z ",
		"",
		("\xd9\xa2" "026-01-01T00:00:00Z"), /* U+0662, an Arabic-Indic digit 2 */
	};
	static const char *const good[] = {
		"2028-02-29T00:00:00Z", /* leap year */
		"2000-02-29T12:34:56Z", /* divisible by 400 */
		"2026-12-31T23:59:59Z",
		"0001-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z",
	};
	char to[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(to, sizeof(to), "\"time\":\"%s\"", bad[i]);
		MUT(LINE0, "\"time\":\"2026-01-01T00:00:00Z\"", to, "time");
		CHECK_MSG(!endorse_time_valid(bad[i]), "%s", bad[i]);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(to, sizeof(to), "\"time\":\"%s\"", good[i]);
		MUT(LINE0, "\"time\":\"2026-01-01T00:00:00Z\"", to, "");
		CHECK_MSG(endorse_time_valid(good[i]), "%s", good[i]);
	}
	MUT(LINE0, "\"time\":\"2026-01-01T00:00:00Z\"", "\"time\":20260101", "member");

	char now[21];
	endorse_time_now(now);
	CHECK_MSG(endorse_time_valid(now), "%s", now);

	/* one second later (a writer's time after its organisation's last) */
	static const char *const next[][2] = {
		{"2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"},
		{"2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"},
		{"2028-02-28T23:59:59Z", "2028-02-29T00:00:00Z"},
		{"2027-02-28T23:59:59Z", "2027-03-01T00:00:00Z"},
		{"2100-02-28T23:59:59Z", "2100-03-01T00:00:00Z"},
		{"2026-04-30T23:59:59Z", "2026-05-01T00:00:00Z"},
		{"2026-01-01T10:59:59Z", "2026-01-01T11:00:00Z"},
	};
	for (size_t i = 0; i < sizeof(next) / sizeof(next[0]); i++) {
		CHECK_INT(endorse_time_next_second(now, next[i][0]), 0);
		CHECK_MSG(strcmp(now, next[i][1]) == 0, "%s + 1 s = %s", next[i][0], now);
	}
	CHECK_INT(endorse_time_next_second(now, "2026-13-01T00:00:00Z"), ENDORSE_EINVALID);
	CHECK_INT(endorse_time_next_second(now, ""), ENDORSE_EINVALID);
	CHECK_INT(endorse_time_next_second(now, "9999-12-31T23:59:59Z"), ENDORSE_EINVALID);
	return 0;
}

/* count copies of unit (a UTF-8 character), malloc'd. */
static char *
repeat(const char *unit, size_t count)
{
	size_t n = strlen(unit);
	char *s = malloc(n * count + 1);

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < count; i++)
		memcpy(s + i * n, unit, n);
	s[n * count] = '\0';
	return s;
}

static int
title_is(const char *unit, size_t count, const char *rule)
{
	char *t = repeat(unit, count), *to;
	int rc;

	CHECK(t != NULL);
	to = malloc(strlen(t) + 16);
	CHECK(to != NULL);
	sprintf(to, "\"title\":\"%s\"", t);
	rc = mutation(LINE0, "\"title\":\"Oracle test document\"", to, rule);
	free(to);
	free(t);
	return rc;
}

static int
field_rules(void)
{
	/* title: 1..200 characters (code points, not bytes) */
	CHECK_OK(title_is("a", 200, ""));
	CHECK_OK(title_is("a", 201, "field"));
	CHECK_OK(title_is("a", 1, ""));
	CHECK_OK(title_is("a", 0, "field"));
	CHECK_OK(title_is("\xc3\xa9", 200, ""));             /* é: 400 bytes */
	CHECK_OK(title_is("\xe2\x82\xac", 200, ""));         /* €: 600 bytes */
	CHECK_OK(title_is("\xf0\x9f\x98\x80", 200, ""));     /* 😀: 800 bytes */
	CHECK_OK(title_is("\xc3\xa9", 201, "field"));
	CHECK_OK(title_is("\xf0\x9f\x98\x80", 201, "field"));
	/* url: https:// only */
	MUT(LINE0, "https://example.org/document", "http://example.org/document", "field");
	MUT(LINE0, "https://example.org/document", "HTTPS://example.org/document", "field");
	MUT(LINE0, "https://example.org/document", "ftp://example.org/document", "field");
	MUT(LINE0, "https://example.org/document", "//example.org/document", "field");
	MUT(LINE0, "https://example.org/document", "https://", "field");
	MUT(LINE0, "https://example.org/document", "", "field");
	MUT(LINE0, "https://example.org/document", "https://example.org/my document", "field");
	MUT(LINE1, "https://org0.example.org/", "http://org0.example.org/", "field");
	/* document id: a-z 0-9 -, 1..64 */
	MUT(LINE0, "\"id\":\"oracle-document\"", "\"id\":\"Oracle-document\"", "field");
	MUT(LINE0, "\"id\":\"oracle-document\"", "\"id\":\"oracle_document\"", "field");
	MUT(LINE0, "\"id\":\"oracle-document\"", "\"id\":\"\"", "field");
	MUT(LINE0, "\"id\":\"oracle-document\"",
		"\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "");
	MUT(LINE0, "\"id\":\"oracle-document\"",
		"\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "field");
	/* sha256: 64 lowercase hex digits */
	MUT(LINE0, "1051fd01c158a74d", "1051FD01C158A74D", "field");
	MUT(LINE0, "1051fd01c158a74d", "1051fd01c158a74", "field");
	MUT(LINE1, "1051fd01c158a74d", "1051fd01c158a74dd", "field");
	/* org.name and reason: 1..200 characters */
	MUT(LINE1, "\"name\":\"Organisation \\\"0\\\" \\\\ Test\"", "\"name\":\"\"", "field");
	MUT(REVOKE, "\"reason\":\"key lost\"", "\"reason\":\"\"", "field");
	char *r = repeat("\xc3\xa9", 201), *to = malloc(600);
	CHECK(r != NULL && to != NULL);
	sprintf(to, "\"reason\":\"%s\"", r);
	MUT(REVOKE, "\"reason\":\"key lost\"", to, "field");
	r[400] = '\0';
	sprintf(to, "\"reason\":\"%s\"", r);
	MUT(REVOKE, "\"reason\":\"key lost\"", to, "");
	free(r);
	free(to);
	/* org ids are lowercase domains */
	MUT(LINE1, "\"id\":\"org0.example.org\"", "\"id\":\"Org0.example.org\"", "org-id");
	MUT(LINE1, "\"id\":\"org0.example.org\"", "\"id\":\"org0\"", "org-id");
	MUT(WITHDRAW, "\"org\":\"org1.example.org\"", "\"org\":\"org1.example.org.\"", "org-id");
	return 0;
}

static int
signer_rules(void)
{
	endorse_vkey k;
	char text[ENDORSE_VKEY_MAX + 64], to[2 * ENDORSE_VKEY_MAX];
	const char *signer = "example.org/vectors+205255d7+Ae8LJ0+AurPZTrEB9Ec+3ARZ6R7JHdaJ8XfACGZVLyFw";

	CHECK_INT(endorse_vkey_parse(&k, signer, strlen(signer)), 0);
	/* the same key as a witness key (type 0x04) cannot sign statements */
	util_vkey_text(text, sizeof(text), "example.org/vectors", ENDORSE_KEY_COSIGNATURE, k.public_key);
	snprintf(to, sizeof(to), "\"signer\":\"%s\"", text);
	char from[200];
	snprintf(from, sizeof(from), "\"signer\":\"%s\"", signer);
	MUT(LINE0, from, to, "vkey");
	/* a wrong key ID */
	MUT(LINE0, "+205255d7+", "+205255d8+", "vkey");
	/* a small-order key */
	uint8_t identity[32] = {1};
	util_vkey_text(text, sizeof(text), "example.org/vectors", ENDORSE_KEY_ED25519, identity);
	snprintf(to, sizeof(to), "\"signer\":\"%s\"", text);
	MUT(LINE0, from, to, "vkey");
	/* not a vkey */
	MUT(LINE0, from, "\"signer\":\"example.org/vectors\"", "vkey");
	MUT(ROTATE, "\"new_signer\":\"org0.example.org+19abf11c+", "\"new_signer\":\"org0.example.org+19abf11d+",
		"vkey");
	MUT(REVOKE, "\"key\":\"org2.example.org+7f47851a+", "\"key\":\"org2.example.org+7f47851b+", "vkey");
	return 0;
}

/* confirm (SPEC 1.1 §4): exactly org, key, method, signer, time, type. */
static int
confirm_rules(void)
{
	static const char org1_key[] =
		"\"key\":\"org1.example.org+3783c953+Ac1g1oDRKaBE2aodTNa6u1pO/tUctlfedpCk44/Ld/Ji\"";

	MUT(CONFIRM, "\"type\":\"confirm\"", "\"type\":\"confirm\"", "");
	CHECK_OK(expect_ok(CONFIRM));
	MUT(CONFIRM, "\"method\":\"https\"", "\"method\":\"dns\"", "");
	/* missing and extra members */
	MUT(CONFIRM, "\"method\":\"https\",", "", "member");
	MUT(CONFIRM, "\"org\":\"org0.example.org\",", "", "member");
	MUT(CONFIRM, "\"org\":\"org0.example.org\",",
		"\"org\":\"org0.example.org\",\"reason\":\"x\",", "member");
	MUT(CONFIRM, "\"org\":\"org0.example.org\"", "\"org\":{\"id\":\"org0.example.org\"}", "member");
	/* values */
	MUT(CONFIRM, "\"method\":\"https\"", "\"method\":\"http\"", "field");
	MUT(CONFIRM, "\"method\":\"https\"", "\"method\":\"HTTPS\"", "field");
	MUT(CONFIRM, "\"method\":\"https\"", "\"method\":\"\"", "field");
	MUT(CONFIRM, "\"key\":\"org0.example.org+c8474b17+", "\"key\":\"org0.example.org+c8474b18+",
		"vkey");
	MUT(CONFIRM, "\"org\":\"org0.example.org\"", "\"org\":\"Org0.example.org\"", "org-id");
	/* a valid key named for another organisation */
	MUT(CONFIRM, "\"key\":\"org0.example.org+c8474b17+ARR3JOHM3UJlMlIOh32wCbtniiX/iEvkyD+kUy+fq62w\"",
		org1_key, ""); /* the state rule "confirm" refuses it */
	return 0;
}

static int
rejects_control_chars(void)
{
	/* escaped */
	MUT(LINE0, "Oracle test document", "Oracle\\u0001test document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\\u001ftest document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\\u007ftest document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\\ttest document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\\ntest document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\\rtest document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\\btest document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\\ftest document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\\u0000test document", "control-char");
	/* in a member name */
	MUT(LINE0, "\"}}", "\",\"z\\u0001\":\"x\"}}", "control-char");
	/* raw */
	MUT(LINE0, "Oracle test document", "Oracle\x01test document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\x1ftest document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\x7ftest document", "control-char");
	MUT(LINE0, "Oracle test document", "Oracle\ttest document", "control-char");
	/* C1 controls are not in the forbidden set of SPEC.md §3 */
	MUT(LINE0, "Oracle test document", "Oracle\xc2\x85test document", "");
	return 0;
}

static int
rejects_cr(void)
{
	MUT(LINE0, "Oracle test document", "Oracle\rtest document", "cr");
	MUT(LINE0, "\"}}", "\"}}\r", "cr");
	return 0;
}

static int
rejects_nul(void)
{
	char line[2048];
	size_t n = strlen(LINE0);

	memcpy(line, LINE0, n);
	/* a NUL inside the title */
	char *t = strstr(line, "Oracle test document");
	CHECK(t != NULL);
	t[6] = '\0';
	CHECK_OK(expect_rule_len(line, n, "nul"));
	/* a NUL after the closing brace */
	memcpy(line, LINE0, n);
	line[n] = '\0';
	CHECK_OK(expect_rule_len(line, n + 1, "nul"));
	return 0;
}

static int
rejects_invalid_utf8(void)
{
	MUT(LINE0, "Oracle test document", "Oracle \xff document", "utf8");
	MUT(LINE0, "Oracle test document", "Oracle \xc0\xaf document", "utf8");          /* overlong */
	MUT(LINE0, "Oracle test document", "Oracle \xed\xa0\x80 document", "utf8");      /* surrogate */
	MUT(LINE0, "Oracle test document", "Oracle \xf4\x90\x80\x80 document", "utf8");  /* > U+10FFFF */
	MUT(LINE0, "Oracle test document", "Oracle \xe2\x82 document", "utf8");          /* truncated */
	MUT(LINE0, "\"}}", "\"}}\xc3", "utf8");
	MUT(LINE0, "Oracle test document", "Oracle \xe2\x82\xac document", "");
	return 0;
}

static int
rejects_bom_and_empty(void)
{
	char *line = malloc(strlen(LINE0) + 4);
	CHECK(line != NULL);
	sprintf(line, "\xef\xbb\xbf%s", LINE0);
	CHECK_OK(expect_rule(line, "bom"));
	free(line);
	CHECK_OK(expect_rule_len("", 0, "empty-line"));
	CHECK_OK(expect_rule("{", "json"));
	CHECK_OK(expect_rule("{\"prev\":", "json"));
	/* a truncated vector line */
	CHECK_OK(expect_rule_len(LINE0, strlen(LINE0) - 1, "json"));
	return 0;
}

/* LINE0 with its title padded so that the line is exactly total bytes. */
static char *
line_of_length(size_t total)
{
	const char *title = "Oracle test document";
	size_t pad = total - strlen(LINE0) + strlen(title);
	char *t = repeat("a", pad), *to, *line;

	if (t == NULL)
		return NULL;
	to = malloc(pad + 16);
	if (to == NULL) {
		free(t);
		return NULL;
	}
	sprintf(to, "\"title\":\"%s\"", t);
	line = subst(LINE0, "\"title\":\"Oracle test document\"", to);
	free(t);
	free(to);
	return line;
}

static int
line_length(void)
{
	char *line;

	/* 65,535 bytes: within the limit, refused for its title only */
	line = line_of_length(ENDORSE_MAX_LINE);
	CHECK(line != NULL && strlen(line) == ENDORSE_MAX_LINE);
	CHECK_OK(expect_rule(line, "field"));
	free(line);
	line = line_of_length(ENDORSE_MAX_LINE + 1);
	CHECK(line != NULL && strlen(line) == ENDORSE_MAX_LINE + 1);
	CHECK_OK(expect_rule(line, "line-length"));
	free(line);
	line = line_of_length(200000);
	CHECK(line != NULL);
	CHECK_OK(expect_rule(line, "line-length"));
	free(line);
	return 0;
}

static int
statement_serialize_builds_jcs(void)
{
	endorse_statement st = {0};
	char *out = NULL;
	size_t len = 0;

	st.type = ENDORSE_ENDORSE;
	st.signer = "org0.example.org+c8474b17+ARR3JOHM3UJlMlIOh32wCbtniiX/iEvkyD+kUy+fq62w";
	st.time = "2026-01-01T00:00:01Z";
	st.document = "1051fd01c158a74d749c6a3517122512a4eb1abbbad34bd4f24f7efd40b7ff7f";
	st.org_id = "org0.example.org";
	st.org_name = "Organisation \"0\" \\ Test \xc3\xa9";
	st.org_url = "https://org0.example.org/";
	CHECK_INT(endorse_statement_serialize(&out, &len, &st), 0);
	CHECK_STR(out, "{\"document\":\"1051fd01c158a74d749c6a3517122512a4eb1abbbad34bd4f24f7efd40b7ff7f\","
		"\"org\":{\"id\":\"org0.example.org\",\"name\":\"Organisation \\\"0\\\" \\\\ Test \xc3\xa9\","
		"\"url\":\"https://org0.example.org/\"},\"signer\":\"org0.example.org+c8474b17+"
		"ARR3JOHM3UJlMlIOh32wCbtniiX/iEvkyD+kUy+fq62w\",\"time\":\"2026-01-01T00:00:01Z\","
		"\"type\":\"endorse\"}");
	CHECK_INT(len, strlen(out));
	free(out);
	return 0;
}

static int
syntax_ok(const char *text, size_t len)
{
	int rc = endorse_json_check_syntax(text, len);

	CHECK_MSG(rc == 0, "refused (%s: %s): %.200s", util_last_rule(),
		endorse_error_get()->message, text);
	return 0;
}

static int
syntax_bad(const char *text, size_t len)
{
	int rc = endorse_json_check_syntax(text, len);

	if (rc != ENDORSE_EINVALID || endorse_error_get()->rule == NULL) {
		fprintf(stderr, "accepted by endorse_json_check_syntax: \"");
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)text[i];
			if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
				fprintf(stderr, "\\x%02x", c);
			else
				fputc(c, stderr);
		}
		fprintf(stderr, "\" (%zu bytes)\n", len);
		return 1;
	}
	return 0;
}

#define SYNTAX_OK(lit) CHECK_OK(syntax_ok(lit, sizeof(lit) - 1))
#define SYNTAX_BAD(lit) CHECK_OK(syntax_bad(lit, sizeof(lit) - 1))

static int
json_syntax_basics(void)
{
	SYNTAX_OK("{}");
	SYNTAX_OK("[]");
	SYNTAX_OK("0");
	SYNTAX_OK("-1.5e3");
	SYNTAX_OK("\"x\"");
	SYNTAX_OK("null");
	SYNTAX_OK(" {\"a\" : [1, 2.0, true, null, \"\\u0000\"]} \n");
	SYNTAX_OK("\"\\ud83d\\ude00\"");
	SYNTAX_BAD("");
	SYNTAX_BAD("{");
	SYNTAX_BAD("{} {}");
	SYNTAX_BAD("[1,]");
	SYNTAX_BAD("01");
	SYNTAX_BAD("'x'");
	SYNTAX_BAD("\"\xff\"");
	SYNTAX_BAD("\"\\ud800\"");
	return 0;
}

/* A raw NUL byte is never valid JSON (not white space, and not allowed
 * unescaped in a string). */
static int
json_syntax_rejects_raw_nul(void)
{
	SYNTAX_BAD("[\0]");
	SYNTAX_BAD("\"x\"\0");
	SYNTAX_BAD("{\"a\":\"b\0c\"}");
	/* after a number too */
	SYNTAX_BAD("123\0");
	SYNTAX_BAD("[1\0,2]");
	SYNTAX_BAD("{\"a\":1\0}");
	return 0;
}

static const test_case cases[] = {
	CASE(parses_vector_document),
	CASE(parses_vector_endorse_with_escapes),
	CASE(parses_vector_rotate_withdraw_revoke),
	CASE(serialize_round_trip),
	CASE(statement_serialize_builds_jcs),
	CASE(message_of_line_is_jcs),
	CASE(rejects_noncanonical_order),
	CASE(rejects_noncanonical_spacing),
	CASE(rejects_noncanonical_escapes),
	CASE(rejects_duplicate_member),
	CASE(rejects_float),
	CASE(rejects_value_types),
	CASE(integer_range),
	CASE(rejects_members),
	CASE(confirm_rules),
	CASE(rejects_statement_type),
	CASE(rejects_bad_base64),
	CASE(rejects_bad_prev),
	CASE(time_rules),
	CASE(field_rules),
	CASE(signer_rules),
	CASE(rejects_control_chars),
	CASE(rejects_cr),
	CASE(rejects_nul),
	CASE(rejects_invalid_utf8),
	CASE(rejects_bom_and_empty),
	CASE(line_length),
	CASE(json_syntax_basics),
	CASE(json_syntax_rejects_raw_nul),
};

HARNESS_MAIN(cases)
