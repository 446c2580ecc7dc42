/* C2SP checkpoints (src/lib/checkpoint.c) and tlog-policy quorums
 * (src/lib/policy.c): the checkpoint text's grammar, a checkpoint note
 * checked against a policy rule by rule, and quorum evaluation over
 * witnesses and nested groups, each witness counted once. */
#include <sodium.h>

#include "harness.h"
#include "util.h"

#define ROOT "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="

static int
text_grammar(void)
{
	endorse_checkpoint cp;
	char *out = NULL;
	size_t len = 0;
	static const char *bad[] = {
		"example.org/log\n5\n",                        /* no root */
		"\n5\n" ROOT "\n",                              /* empty origin */
		"example.org/log\n05\n" ROOT "\n",              /* leading zero */
		"example.org/log\n+5\n" ROOT "\n",              /* sign */
		"example.org/log\n 5\n" ROOT "\n",              /* space */
		"example.org/log\n9223372036854775808\n" ROOT "\n", /* 2^63 */
		"example.org/log\nfive\n" ROOT "\n",
		"example.org/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", /* padding bits */
		"example.org/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n",     /* 30 bytes */
		("example.org/log\n5\n" ROOT "\n\n"),           /* empty extension line */
		"example.org/log\n5\n" ROOT,                    /* no final newline */
	};

	CHECK_INT(endorse_checkpoint_parse(&cp, "example.org/log\n5\n" ROOT "\n",
			  strlen("example.org/log\n5\n" ROOT "\n")), 0);
	CHECK_STR(cp.origin, "example.org/log");
	CHECK_INT(cp.size, 5);
	CHECK_INT(cp.extension_lines, 0);
	CHECK_INT(endorse_checkpoint_format(&out, &len, &cp), 0);
	CHECK_STR(out, "example.org/log\n5\n" ROOT "\n");
	free(out);
	CHECK_INT(endorse_checkpoint_parse(&cp, "o\n0\n" ROOT "\nx\ny\n", strlen("o\n0\n" ROOT "\nx\ny\n")), 0);
	CHECK_INT(cp.extension_lines, 2);
	CHECK_INT(endorse_checkpoint_parse(&cp, "o\n9223372036854775807\n" ROOT "\n",
			  strlen("o\n9223372036854775807\n" ROOT "\n")), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_MSG(endorse_checkpoint_parse(&cp, bad[i], strlen(bad[i])) == ENDORSE_EINVALID,
			"accepted bad checkpoint text %zu", i);
	return 0;
}

/* A log key, three witnesses, a policy text and notes signed by them. */
struct fixture {
	endorse_secret_key *log, *w[3], *impostor;
	endorse_policy *policy;
};

static void
fixture_free(struct fixture *f)
{
	endorse_secret_key_free(f->log);
	endorse_secret_key_free(f->impostor);
	for (int i = 0; i < 3; i++)
		endorse_secret_key_free(f->w[i]);
	endorse_policy_free(f->policy);
}

static int
fixture_init(struct fixture *f, const char *quorum_lines)
{
	char text[2048], v[4][ENDORSE_VKEY_MAX], names[3][32];

	memset(f, 0, sizeof(*f));
	CHECK(endorse_secret_key_generate(&f->log, "example.org/log", ENDORSE_KEY_ED25519) == 0);
	CHECK(endorse_secret_key_generate(&f->impostor, "example.org/log", ENDORSE_KEY_ED25519) == 0);
	endorse_vkey_format(v[0], endorse_secret_key_vkey(f->log));
	for (int i = 0; i < 3; i++) {
		snprintf(names[i], sizeof(names[i]), "w%d.example.org", i + 1);
		CHECK(endorse_secret_key_generate(&f->w[i], names[i], ENDORSE_KEY_COSIGNATURE) == 0);
		endorse_vkey_format(v[i + 1], endorse_secret_key_vkey(f->w[i]));
	}
	snprintf(text, sizeof(text), "log %s\nwitness w1 %s\nwitness w2 %s\nwitness w3 %s\n%s", v[0],
		v[1], v[2], v[3], quorum_lines);
	CHECK_MSG(endorse_policy_parse(&f->policy, text, strlen(text)) == 0, "%s",
		endorse_error_last());
	return 0;
}

/* The note of text signed by signer, cosigned by the witnesses in mask at
 * time t. */
static char *
make_note(const struct fixture *f, const char *text, const endorse_secret_key *signer,
	unsigned mask, uint64_t t)
{
	endorse_note *note = NULL;
	char *out = NULL;
	size_t len;

	if (endorse_note_new(&note, text, strlen(text)) != 0 || endorse_note_sign(note, signer, 0) != 0)
		goto out;
	for (int i = 0; i < 3; i++)
		if ((mask & (1u << i)) && endorse_note_sign(note, f->w[i], t) != 0)
			goto out;
	endorse_note_format(&out, &len, note);
out:
	endorse_note_free(note);
	return out;
}

static int
check_note(const struct fixture *f, const char *note, uint64_t now, const char *want_rule,
	bool *quorum, size_t *witnesses)
{
	endorse_checkpoint_result res;
	const char *rule = NULL;
	int rc;

	CHECK(note != NULL);
	rc = endorse_checkpoint_check(&res, f->policy, note, strlen(note), now);
	rule = rc != 0 ? endorse_error_get()->rule : NULL;
	printf("rule %s: %s\n", rule ? rule : "(none)", rc ? endorse_error_last() : "valid");
	if (quorum != NULL)
		*quorum = res.quorum;
	if (witnesses != NULL)
		*witnesses = res.witnesses;
	endorse_checkpoint_result_clear(&res);
	if (want_rule == NULL) {
		CHECK_INT(rc, 0);
	} else {
		CHECK_INT(rc, ENDORSE_EINVALID);
		CHECK(rule != NULL);
		CHECK_STR(rule, want_rule);
	}
	return 0;
}

#define TEXT "example.org/log\n5\n" ROOT "\n"
#define NOW 1800000000u

static int
checked_against_policy(void)
{
	struct fixture f;
	bool quorum;
	size_t witnesses;
	char *n;
	int rc = 1;

	if (fixture_init(&f, "group two 2 w1 w2 w3\nquorum two\n") != 0)
		return 1;
	n = make_note(&f, TEXT, f.log, 0, 0);
	if (check_note(&f, n, NOW, NULL, &quorum, &witnesses) != 0 || quorum || witnesses != 0)
		goto out;
	free(n);
	n = make_note(&f, TEXT, f.log, 1, NOW - 10);
	if (check_note(&f, n, NOW, NULL, &quorum, &witnesses) != 0 || quorum || witnesses != 1)
		goto out;
	free(n);
	n = make_note(&f, TEXT, f.log, 5, NOW + ENDORSE_COSIGNATURE_SKEW);
	if (check_note(&f, n, NOW, NULL, &quorum, &witnesses) != 0 || !quorum || witnesses != 2)
		goto out;
	free(n);
	/* rule by rule */
	n = make_note(&f, "example.org/other\n5\n" ROOT "\n", f.log, 0, 0);
	if (check_note(&f, n, NOW, "checkpoint-origin", NULL, NULL) != 0)
		goto out;
	free(n);
	n = make_note(&f, TEXT, f.impostor, 0, 0);
	if (check_note(&f, n, NOW, "checkpoint-signature", NULL, NULL) != 0)
		goto out;
	free(n);
	n = make_note(&f, TEXT "extension\n", f.log, 0, 0);
	if (check_note(&f, n, NOW, "checkpoint", NULL, NULL) != 0)
		goto out;
	free(n);
	n = make_note(&f, "example.org/log\n05\n" ROOT "\n", f.log, 0, 0);
	if (check_note(&f, n, NOW, "checkpoint", NULL, NULL) != 0)
		goto out;
	free(n);
	n = make_note(&f, TEXT, f.log, 2, NOW + ENDORSE_COSIGNATURE_SKEW + 1);
	if (check_note(&f, n, NOW, "cosignature-time", NULL, NULL) != 0)
		goto out;
	free(n);
	/* a witness's signature damaged: a base64 character of the
	 * last line (not a padding bit) */
	n = make_note(&f, TEXT, f.log, 4, NOW);
	n[strlen(n) - 5] = n[strlen(n) - 5] == 'A' ? 'B' : 'A';
	if (check_note(&f, n, NOW, "cosignature", NULL, NULL) != 0)
		goto out;
	rc = 0;
out:
	free(n);
	fixture_free(&f);
	return rc;
}

/* Quorum of a policy when the witnesses in mask cosigned. */
static int
quorum_of(const char *lines, unsigned mask, bool *met)
{
	struct fixture f;
	bool cosigned[3];

	if (fixture_init(&f, lines) != 0)
		return 1;
	CHECK_INT(endorse_policy_witness_count(f.policy), 3);
	for (int i = 0; i < 3; i++)
		cosigned[i] = (mask >> i) & 1;
	*met = endorse_policy_quorum_met(f.policy, cosigned);
	fixture_free(&f);
	return 0;
}

static int
quorums(void)
{
	static const struct {
		const char *lines;
		unsigned mask;
		bool met;
	} cases[] = {
		{"quorum none\n", 0, true},
		{"quorum w2\n", 0, false},
		{"quorum w2\n", 1, false},
		{"quorum w2\n", 2, true},
		{"group g 2 w1 w2 w3\nquorum g\n", 1, false},
		{"group g 2 w1 w2 w3\nquorum g\n", 5, true},
		{"group g 2 w1 w2 w3\nquorum g\n", 7, true},
		{"group g any w1 w2 w3\nquorum g\n", 0, false},
		{"group g any w1 w2 w3\nquorum g\n", 4, true},
		{"group g all w1 w2 w3\nquorum g\n", 3, false},
		{"group g all w1 w2 w3\nquorum g\n", 7, true},
		/* the tlog-policy example's shape: both groups needed */
		{"group x any w1 w2\ngroup y all w3\ngroup both all x y\nquorum both\n", 3, false},
		{"group x any w1 w2\ngroup y all w3\ngroup both all x y\nquorum both\n", 4, false},
		{"group x any w1 w2\ngroup y all w3\ngroup both all x y\nquorum both\n", 6, true},
		/* a witness in two groups still counts once in each */
		{"group x 1 w1 w2\ngroup y 1 w1 w3\ngroup both 2 x y\nquorum both\n", 1, true},
		{"group x 2 w1 w2\ngroup y 1 x w3\nquorum y\n", 1, false},
	};
	bool met;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (quorum_of(cases[i].lines, cases[i].mask, &met) != 0)
			return 1;
		CHECK_MSG(met == cases[i].met, "case %zu (%s, witnesses %u): quorum %s", i,
			cases[i].lines, cases[i].mask, met ? "met" : "not met");
	}
	return 0;
}

static int
witness_accessors(void)
{
	struct fixture f;

	if (fixture_init(&f, "group g any w1 w3\nquorum g\n") != 0)
		return 1;
	CHECK_STR(endorse_policy_witness_name(f.policy, 0), "w1");
	CHECK_STR(endorse_policy_witness_name(f.policy, 2), "w3");
	CHECK(endorse_policy_witness_name(f.policy, 3) == NULL);
	CHECK(endorse_vkey_equal(endorse_policy_witness_key(f.policy, 1), endorse_secret_key_vkey(f.w[1])));
	CHECK_STR(endorse_policy_quorum_name(f.policy), "g");
	fixture_free(&f);
	return 0;
}

static const test_case cases[] = {
	CASE(text_grammar),
	CASE(checked_against_policy),
	CASE(quorums),
	CASE(witness_accessors),
};

HARNESS_MAIN(cases)
