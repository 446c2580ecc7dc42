/* The rules of SPEC.md §4 that the state enforces (state.c), reached
 * directly: entries built in memory, signed with keys made here, each case
 * breaking exactly one rule and expecting its rule name; and the line
 * checker's own checks (line.c): seq, prev, future-time. */
#include "harness.h"
#include "util.h"

#include "line.h"
#include "state.h"

#define ORIGIN "log.example"
#define ORG "a.example"

struct key {
	endorse_vkey v;
	uint8_t sk[64];
};

/* The keys of a case: the log's, two of ORG's, one of another org. */
static struct key log_key, a1, a2, b1;

static void
make_key(struct key *k, const char *name, uint8_t fill)
{
	uint8_t pk[32];

	util_seed_keypair(pk, k->sk, fill);
	endorse_vkey_from_public(&k->v, name, ENDORSE_KEY_ED25519, pk);
}

static void
make_keys(void)
{
	make_key(&log_key, ORIGIN, 1);
	make_key(&a1, ORG, 2);
	make_key(&a2, ORG, 3);
	make_key(&b1, "b.example", 4);
}

static char *
vkey_text(const endorse_vkey *k)
{
	char text[ENDORSE_VKEY_MAX];

	endorse_vkey_format(text, k);
	return strdup(text);
}

/* The sha256 of document version n. */
static char *
doc_hash(int n)
{
	char hex[65];

	memset(hex, 'a' + n, 64);
	hex[64] = '\0';
	return strdup(hex);
}

/* An entry of type signed by signer at second t; other: the new signer
 * (rotate) or the key (revoke, confirm); doc: the document version. */
static void
entry_make(endorse_entry *e, endorse_statement_type type, const struct key *signer,
	const struct key *other, int doc, int t)
{
	endorse_statement *st = &e->statement;
	char time[32];
	uint8_t *m = NULL;
	size_t len = 0;

	memset(e, 0, sizeof(*e));
	(void)snprintf(time, sizeof(time), "2026-01-01T00:%02u:%02uZ", (unsigned)t / 60 % 60,
		(unsigned)t % 60);
	st->type = type;
	st->signer = vkey_text(&signer->v);
	st->time = strdup(time);
	e->signer = signer->v;
	if (other != NULL)
		e->other = other->v;
	if (type == ENDORSE_DOCUMENT) {
		st->id = strdup("spec");
		st->title = strdup("The spec");
		st->url = strdup("https://example.org/spec");
		st->sha256 = doc_hash(doc);
	} else {
		st->org_id = strdup(ORG);
	}
	if (type == ENDORSE_ENDORSE) {
		st->org_name = strdup("A");
		st->org_url = strdup("https://a.example");
	}
	if (type == ENDORSE_ENDORSE || type == ENDORSE_WITHDRAW)
		st->document = doc_hash(doc);
	if (type == ENDORSE_ROTATE)
		st->new_signer = vkey_text(&other->v);
	if (type == ENDORSE_REVOKE || type == ENDORSE_CONFIRM)
		st->key = vkey_text(&other->v);
	if (type == ENDORSE_REVOKE)
		st->reason = strdup("lost");
	if (type == ENDORSE_CONFIRM)
		st->method = strdup("dns");
	if (endorse_signed_message(&m, &len, ORIGIN, st) == 0) {
		crypto_sign_detached(e->sig, NULL, m, len, signer->sk);
		if (type == ENDORSE_ROTATE) {
			crypto_sign_detached(e->new_sig, NULL, m, len, other->sk);
			e->has_new_sig = true;
		}
	}
	free(m);
}

static endorse_state *
state_new(unsigned flags)
{
	endorse_state *s = endorse_state_new(flags);

	make_keys();
	if (s != NULL)
		endorse_state_set_policy(s, &log_key.v);
	return s;
}

/* Checks the entry with its signatures and applies it: 0, or the code with
 * the rule in the error record. The line is counted. */
static int
apply(endorse_state *s, endorse_entry *e)
{
	int rc;

	e->seq = endorse_state_size(s);
	rc = endorse_state_check(s, e, ENDORSE_CHECK_APPLY | ENDORSE_CHECK_SIGNATURES, NULL);
	endorse_entry_clear(e);
	endorse_state_skip(s, 1);
	return rc;
}

static int
apply_new(endorse_state *s, endorse_statement_type type, const struct key *signer,
	const struct key *other, int doc, int t)
{
	endorse_entry e;

	entry_make(&e, type, signer, other, doc, t);
	return apply(s, &e);
}

/* The rule the last check broke. */
static int
expect_rule(int rc, const char *rule)
{
	CHECK_INT(rc, ENDORSE_EINVALID);
	CHECK_STR(endorse_error_get()->rule, rule);
	return 0;
}

/* A log with document 0 registered and ORG endorsing it with a1 at t=10. */
static endorse_state *
endorsed(unsigned flags)
{
	endorse_state *s = state_new(flags);

	if (s == NULL || apply_new(s, ENDORSE_DOCUMENT, &log_key, NULL, 0, 1) != 0 ||
	    apply_new(s, ENDORSE_ENDORSE, &a1, NULL, 0, 10) != 0) {
		endorse_state_free(s);
		return NULL;
	}
	return s;
}

/* Runs one case body over the endorsed log, freeing the state. */
#define WITH_ENDORSED(flags, body)                  \
	do {                                        \
		endorse_state *s = endorsed(flags); \
		int r_;                             \
		CHECK(s != NULL);                   \
		r_ = (body);                        \
		endorse_state_free(s);              \
		CHECK_INT(r_, 0);                   \
	} while (0)

static int
valid_history_applies(void)
{
	endorse_state *s = endorsed(0);
	const endorse_org *o;
	int rc = 1;

	CHECK(s != NULL);
	if (apply_new(s, ENDORSE_DOCUMENT, &log_key, NULL, 1, 11) != 0 ||
	    apply_new(s, ENDORSE_ENDORSE, &a1, NULL, 1, 12) != 0 ||
	    apply_new(s, ENDORSE_WITHDRAW, &a1, NULL, 0, 13) != 0 ||
	    apply_new(s, ENDORSE_CONFIRM, &log_key, &a1, 0, 14) != 0 ||
	    apply_new(s, ENDORSE_ROTATE, &a1, &a2, 0, 15) != 0 ||
	    apply_new(s, ENDORSE_REVOKE, &a2, &a1, 0, 16) != 0)
		goto out;
	o = endorse_state_find_org(s, ORG);
	if (o == NULL || !o->has_key || !endorse_vkey_equal(&o->key, &a2.v) ||
	    o->endorsement_count != 2 || o->endorsements[0].active || !o->endorsements[1].active ||
	    !o->endorsements[1].key_revoked || o->confirmed || !o->older_confirmed ||
	    endorse_state_document_count(s) != 2 || endorse_state_find_document(s, "x") != NULL)
		goto out;
	rc = 0;
out:
	endorse_state_free(s);
	CHECK_INT(rc, 0);
	return 0;
}

static int
first_entry_is_a_document(void)
{
	endorse_state *s = state_new(0);
	int rc;

	CHECK(s != NULL);
	rc = apply_new(s, ENDORSE_ENDORSE, &a1, NULL, 0, 1);
	endorse_state_free(s);
	return expect_rule(rc, "first-entry");
}

static int
document_signed_by_log_key(void)
{
	endorse_state *s = state_new(0);
	int rc;

	CHECK(s != NULL);
	rc = apply_new(s, ENDORSE_DOCUMENT, &a1, NULL, 0, 1);
	endorse_state_free(s);
	return expect_rule(rc, "signer");
}

static int
signature_must_verify(void)
{
	endorse_state *s = state_new(0);
	endorse_entry e;
	int rc;

	CHECK(s != NULL);
	entry_make(&e, ENDORSE_DOCUMENT, &log_key, NULL, 0, 1);
	e.sig[0] ^= 1;
	rc = apply(s, &e);
	endorse_state_free(s);
	return expect_rule(rc, "signature");
}

/* A signature found bad ahead (on a worker thread) is bad here too. */
static int
signature_checked_ahead(void)
{
	endorse_state *s = state_new(0);
	endorse_signatures ahead = {true, false, false};
	endorse_entry e;
	int rc;

	CHECK(s != NULL);
	entry_make(&e, ENDORSE_DOCUMENT, &log_key, NULL, 0, 1);
	rc = endorse_state_check(s, &e, ENDORSE_CHECK_APPLY | ENDORSE_CHECK_SIGNATURES, &ahead);
	endorse_entry_clear(&e);
	CHECK_INT(endorse_state_document_count(s), 0);
	endorse_state_free(s);
	return expect_rule(rc, "signature");
}

/* Without ENDORSE_CHECK_SIGNATURES (a line verified before) a bad
 * signature passes; without ENDORSE_CHECK_APPLY nothing changes. */
static int
flags_signatures_and_apply(void)
{
	endorse_state *s = state_new(0);
	endorse_entry e;
	int rc;

	CHECK(s != NULL);
	entry_make(&e, ENDORSE_DOCUMENT, &log_key, NULL, 0, 1);
	e.sig[0] ^= 1;
	rc = endorse_state_check(s, &e, 0, NULL);
	CHECK_INT(endorse_state_document_count(s), 0);
	if (rc == 0)
		rc = endorse_state_check(s, &e, ENDORSE_CHECK_APPLY, NULL);
	endorse_entry_clear(&e);
	CHECK_INT(endorse_state_document_count(s), 1);
	endorse_state_free(s);
	CHECK_INT(rc, 0);
	return 0;
}

static int
duplicate_document(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_DOCUMENT, &log_key, NULL, 0, 20),
		"duplicate-document"));
	return 0;
}

static int
endorse_needs_registered_document(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_ENDORSE, &a1, NULL, 5, 20), "document"));
	return 0;
}

static int
endorse_signer_named_org(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_ENDORSE, &b1, NULL, 0, 20), "signer"));
	return 0;
}

static int
endorse_by_current_key(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_ENDORSE, &a2, NULL, 0, 20),
		"current-key"));
	return 0;
}

static int
duplicate_endorsement(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_ENDORSE, &a1, NULL, 0, 20),
		"duplicate-endorsement"));
	WITH_ENDORSED(ENDORSE_STATE_RULES_ONLY, expect_rule(apply_new(s, ENDORSE_ENDORSE, &a1,
		NULL, 0, 20), "duplicate-endorsement"));
	return 0;
}

/* After a revoke left the org without a key, its next endorse brings a new
 * key and may re-affirm an endorsement. */
static int
endorse_after_revoke_brings_key(void)
{
	WITH_ENDORSED(0, apply_new(s, ENDORSE_REVOKE, &log_key, &a1, 0, 20) != 0 ||
		apply_new(s, ENDORSE_ENDORSE, &a2, NULL, 0, 21) != 0 ||
		!endorse_vkey_equal(&endorse_state_find_org(s, ORG)->key, &a2.v));
	return 0;
}

static int
withdraw_needs_endorsement(void)
{
	WITH_ENDORSED(0, apply_new(s, ENDORSE_DOCUMENT, &log_key, NULL, 1, 11) ||
		expect_rule(apply_new(s, ENDORSE_WITHDRAW, &a1, NULL, 1, 20), "withdraw"));
	WITH_ENDORSED(ENDORSE_STATE_RULES_ONLY, apply_new(s, ENDORSE_WITHDRAW, &a1, NULL, 0, 20) ||
		expect_rule(apply_new(s, ENDORSE_WITHDRAW, &a1, NULL, 0, 21), "withdraw"));
	return 0;
}

static int
withdraw_by_current_key(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_WITHDRAW, &a2, NULL, 0, 20),
		"current-key"));
	return 0;
}

static int
rotate_to_another_key(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_ROTATE, &a1, &a1, 0, 20), "rotate"));
	return 0;
}

static int
rotate_new_signer_of_org(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_ROTATE, &a1, &b1, 0, 20), "signer"));
	return 0;
}

static int
rotate_new_sig_must_verify(void)
{
	endorse_state *s = endorsed(0);
	endorse_entry e;
	int rc;

	CHECK(s != NULL);
	entry_make(&e, ENDORSE_ROTATE, &a1, &a2, 0, 20);
	e.new_sig[5] ^= 4;
	rc = apply(s, &e);
	endorse_state_free(s);
	return expect_rule(rc, "signature");
}

static int
rotate_to_revoked_key(void)
{
	WITH_ENDORSED(0, apply_new(s, ENDORSE_ROTATE, &a1, &a2, 0, 20) ||
		apply_new(s, ENDORSE_REVOKE, &a2, &a1, 0, 21) ||
		expect_rule(apply_new(s, ENDORSE_ROTATE, &a2, &a1, 0, 22), "revoked"));
	return 0;
}

static int
revoked_signer_signs_nothing(void)
{
	WITH_ENDORSED(0, apply_new(s, ENDORSE_REVOKE, &log_key, &a1, 0, 20) ||
		expect_rule(apply_new(s, ENDORSE_ENDORSE, &a1, NULL, 0, 21), "revoked"));
	return 0;
}

static int
revoke_key_held(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_REVOKE, &log_key, &a2, 0, 20),
		"revoke"));
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_REVOKE, &log_key, &b1, 0, 20),
		"revoke"));
	return 0;
}

static int
revoke_once(void)
{
	WITH_ENDORSED(0, apply_new(s, ENDORSE_REVOKE, &log_key, &a1, 0, 20) ||
		expect_rule(apply_new(s, ENDORSE_REVOKE, &log_key, &a1, 0, 21), "revoke"));
	return 0;
}

static int
revoke_by_current_or_log_key(void)
{
	WITH_ENDORSED(0, apply_new(s, ENDORSE_ROTATE, &a1, &a2, 0, 20) ||
		expect_rule(apply_new(s, ENDORSE_REVOKE, &a1, &a2, 0, 21), "current-key") ||
		expect_rule(apply_new(s, ENDORSE_REVOKE, &b1, &a1, 0, 22), "signer") ||
		apply_new(s, ENDORSE_REVOKE, &a2, &a1, 0, 23));
	return 0;
}

static int
confirm_signed_by_log_key(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_CONFIRM, &a1, &a1, 0, 20), "signer"));
	return 0;
}

static int
confirm_current_key(void)
{
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_CONFIRM, &log_key, &a2, 0, 20),
		"confirm"));
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_CONFIRM, &log_key, &b1, 0, 20),
		"confirm"));
	WITH_ENDORSED(0, apply_new(s, ENDORSE_REVOKE, &log_key, &a1, 0, 20) ||
		expect_rule(apply_new(s, ENDORSE_CONFIRM, &log_key, &a1, 0, 21), "confirm"));
	return 0;
}

static int
confirm_known_org(void)
{
	endorse_state *s = state_new(0);
	int rc = 1;

	CHECK(s != NULL);
	if (apply_new(s, ENDORSE_DOCUMENT, &log_key, NULL, 0, 1) == 0)
		rc = expect_rule(apply_new(s, ENDORSE_CONFIRM, &log_key, &a1, 0, 2), "confirm");
	endorse_state_free(s);
	CHECK_INT(rc, 0);
	return 0;
}

/* An organisation's statements claim increasing times; a revoked key's
 * times do not count. */
static int
time_order(void)
{
	struct key a3;

	make_keys();
	make_key(&a3, ORG, 5);
	WITH_ENDORSED(0, expect_rule(apply_new(s, ENDORSE_WITHDRAW, &a1, NULL, 0, 10),
		"time-order"));
	/* a2, stolen, signs far ahead; once the log key revokes it, the floor
	 * is a1's last time (20) again */
	WITH_ENDORSED(0, apply_new(s, ENDORSE_ROTATE, &a1, &a2, 0, 20) ||
		apply_new(s, ENDORSE_WITHDRAW, &a2, NULL, 0, 3000) ||
		apply_new(s, ENDORSE_REVOKE, &log_key, &a2, 0, 40) ||
		expect_rule(apply_new(s, ENDORSE_ENDORSE, &a3, NULL, 0, 15), "time-order") ||
		apply_new(s, ENDORSE_ENDORSE, &a3, NULL, 0, 30));
	return 0;
}

/* Many rotations: the held keys move to a hash set; each old key is still
 * found (revoke) and a revoked one refused (revoked). */
static int
many_rotations(void)
{
	struct key k[20];
	endorse_state *s = endorsed(0);
	int rc = 0;

	CHECK(s != NULL);
	k[0] = a1;
	for (int i = 1; i < 20 && rc == 0; i++) {
		make_key(&k[i], ORG, (uint8_t)(10 + i));
		rc = apply_new(s, ENDORSE_ROTATE, &k[i - 1], &k[i], 0, 20 + i);
	}
	if (rc == 0)
		rc = apply_new(s, ENDORSE_REVOKE, &k[19], &k[3], 0, 50);
	if (rc == 0)
		rc = expect_rule(apply_new(s, ENDORSE_REVOKE, &k[19], &k[3], 0, 51), "revoke");
	if (rc == 0)
		rc = expect_rule(apply_new(s, ENDORSE_ROTATE, &k[19], &k[3], 0, 52), "revoked");
	endorse_state_free(s);
	CHECK_INT(rc, 0);
	return 0;
}

/* ---- document references (document_ref.c) ---- */

/* Registers document id with the SHA-256 sha (64 characters) at second t. */
static int
register_as(endorse_state *s, const char *id, const char *sha, int t)
{
	endorse_entry e;
	uint8_t *m = NULL;
	size_t len = 0;

	entry_make(&e, ENDORSE_DOCUMENT, &log_key, NULL, 0, t);
	free(e.statement.id);
	free(e.statement.sha256);
	e.statement.id = strdup(id);
	e.statement.sha256 = strdup(sha);
	if (endorse_signed_message(&m, &len, ORIGIN, &e.statement) == 0)
		crypto_sign_detached(e.sig, NULL, m, len, log_key.sk);
	free(m);
	return apply(s, &e);
}

/* ref resolves to the document of sha (NULL: to none, the error saying why). */
static int
resolves(const endorse_state *s, const char *ref, const char *sha, const char *why)
{
	const endorse_document *d = endorse_state_resolve_document(s, ref);

	if (sha == NULL) {
		CHECK(d == NULL);
		CHECK(strstr(endorse_error_get()->message, why) != NULL);
	} else {
		CHECK(d != NULL);
		CHECK_STR(d->sha256, sha);
	}
	return 0;
}

static int
document_references(void)
{
	const char *v1 = "aaaaaaaa11111111111111111111111111111111111111111111111111111111";
	const char *v2 = "aaaaaaaa22222222222222222222222222222222222222222222222222222222";
	const char *other = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
	endorse_state *s = state_new(0);
	int rc = 1;

	CHECK(s != NULL);
	if (register_as(s, "spec", v1, 1) != 0 || register_as(s, "spec", v2, 2) != 0 ||
	    register_as(s, "cafe1234", other, 3) != 0)
		goto out;
	rc = resolves(s, "latest", other, NULL) || resolves(s, "spec", v2, NULL) ||
		resolves(s, "spec@1", v1, NULL) || resolves(s, "spec@2", v2, NULL) ||
		resolves(s, "spec@3", NULL, "document spec has 2 versions, not a version 3") ||
		resolves(s, "nope@1", NULL, "no document of this log has the id nope") ||
		resolves(s, v1, v1, NULL) || resolves(s, "aaaaaaaa2", v2, NULL) ||
		resolves(s, "aaaaaaaa", NULL, "the start of the SHA-256 of 2 document versions") ||
		resolves(s, "cccccccc", other, NULL) ||
		/* hex digits no SHA-256 starts with: an id */
		resolves(s, "cafe1234", other, NULL) ||
		resolves(s, "dddddddd", NULL, "no document version of this log has a SHA-256 "
			"starting with dddddddd") ||
		resolves(s, "Spec", NULL, "names no document version") ||
		resolves(s, "spec@0", NULL, "names no document version") ||
		resolves(s, "spec@", NULL, "names no document version");
	CHECK(endorse_document_ref_valid("abc") && endorse_document_ref_valid("spec@12") &&
		!endorse_document_ref_valid("aaaaaaaA") && !endorse_document_ref_valid("a b") &&
		!endorse_document_ref_valid(""));
out:
	endorse_state_free(s);
	CHECK_INT(rc, 0);
	return 0;
}

/* What a writer checks before it has a signer: the fields it supplies. */
static int
statement_fields_checked_first(void)
{
	endorse_statement st = {.type = ENDORSE_ENDORSE, .org_name = "A", .org_url = "https://a"};

	CHECK_INT(endorse_statement_check_fields(&st), 0);
	st.org_url = "http://a";
	CHECK_INT(endorse_statement_check_fields(&st), ENDORSE_EINVALID);
	CHECK_STR(endorse_error_get()->rule, "field");
	st.org_url = "https://a";
	st.org_name = "";
	CHECK_INT(endorse_statement_check_fields(&st), ENDORSE_EINVALID);
	st.org_name = "A";
	st.document = "not a reference";
	CHECK_INT(endorse_statement_check_fields(&st), ENDORSE_EUSAGE);
	st.document = "spec@2";
	st.time = "2026-02-30T00:00:00Z";
	CHECK_INT(endorse_statement_check_fields(&st), ENDORSE_EINVALID);
	CHECK_STR(endorse_error_get()->rule, "time");
	st = (endorse_statement){.type = ENDORSE_REVOKE, .reason = ""};
	CHECK_INT(endorse_statement_check_fields(&st), ENDORSE_EINVALID);
	st = (endorse_statement){.type = ENDORSE_DOCUMENT, .id = "Spec"};
	CHECK_INT(endorse_statement_check_fields(&st), ENDORSE_EINVALID);
	return 0;
}

/* ---- the line checker ---- */

static char *
line_of(const endorse_entry *e, size_t *len)
{
	char *line = NULL;

	return endorse_entry_serialize(&line, len, e) == 0 ? line : NULL;
}

static void
on_problem(void *ctx, const endorse_problem *p)
{
	(void)snprintf(ctx, 64, "%s", p->rule);
}

/* seq, prev and future-time are the line's; each is reported under its
 * rule, and the line still counts. */
static int
line_checks_seq_prev_future(void)
{
	char rule[64] = "";
	endorse_verify_options opt = {.on_problem = on_problem, .ctx = rule};
	endorse_reporter r = {&opt, 0, NULL, NULL};
	endorse_state *s = state_new(0);
	endorse_checker c;
	endorse_entry e;
	endorse_prepared p;
	char *text;
	int t;

	CHECK(s != NULL);
	endorse_checker_init(&c, s, ENDORSE_CHECK_ALL, NULL, &r);
	for (t = 0; t < 3; t++) {
		entry_make(&e, ENDORSE_DOCUMENT, &log_key, NULL, t, t + 1);
		e.seq = t == 1 ? 7 : endorse_state_size(s);
		memcpy(e.prev, endorse_state_head(s), 32);
		if (t == 2)
			e.prev[0] ^= 1;
		text = line_of(&e, &p.len);
		endorse_entry_clear(&e);
		CHECK(text != NULL);
		memset(&p, 0, sizeof(p));
		p.text = text;
		p.len = strlen(text);
		p.has_lf = true;
		endorse_line_check(&c, &p);
		free(text);
		if (t == 0)
			CHECK_INT(r.problems, 0);
		else
			CHECK_STR(rule, t == 1 ? "seq" : "prev");
	}
	CHECK_INT(endorse_state_size(s), 3);
	CHECK_INT(endorse_state_document_count(s), 3);
	entry_make(&e, ENDORSE_DOCUMENT, &log_key, NULL, 4, 0);
	free(e.statement.time);
	e.statement.time = strdup("2999-01-01T00:00:00Z");
	e.seq = 3;
	memcpy(e.prev, endorse_state_head(s), 32);
	CHECK((text = line_of(&e, &p.len)) != NULL);
	endorse_entry_clear(&e);
	memset(&p, 0, sizeof(p));
	p.text = text;
	p.len = strlen(text);
	p.has_lf = true;
	endorse_line_check(&c, &p);
	free(text);
	CHECK_STR(rule, "future-time");
	CHECK_INT(r.problems, 3);
	CHECK_INT(endorse_state_document_count(s), 3);
	endorse_state_free(s);
	return 0;
}

/* A writer's replay (ENDORSE_CHECK_CONCERNED): a line is chosen by its
 * parsed members, not by what its text mentions. b.example's line names
 * a.example in its org name (the byte prefilter lets it through) and its
 * signature is broken: only a replay for b.example reports it. */
static int
line_concerned_by_parsed_fields(void)
{
	static const char *const ids[] = {ORG, "b.example"};
	char rule[64];
	endorse_verify_options opt = {.on_problem = on_problem, .ctx = rule};

	for (int i = 0; i < 2; i++) {
		endorse_reporter r = {&opt, 0, NULL, NULL};
		endorse_state *s = state_new(0);
		endorse_checker c;
		endorse_entry e;
		endorse_prepared p;
		char *text[2];

		CHECK(s != NULL);
		endorse_checker_init(&c, s, ENDORSE_CHECK_SEQ | ENDORSE_CHECK_CANONICAL |
			ENDORSE_CHECK_SIGNATURES | ENDORSE_CHECK_CONCERNED, ids[i], &r);
		entry_make(&e, ENDORSE_DOCUMENT, &log_key, NULL, 0, 1);
		text[0] = line_of(&e, &p.len);
		endorse_entry_clear(&e);
		entry_make(&e, ENDORSE_ENDORSE, &b1, NULL, 0, 2);
		free(e.statement.org_id);
		e.statement.org_id = strdup("b.example");
		free(e.statement.org_name);
		e.statement.org_name = strdup("friends of " ORG);
		e.seq = 1;
		e.sig[0] ^= 1;
		text[1] = line_of(&e, &p.len);
		endorse_entry_clear(&e);
		CHECK(text[0] != NULL && text[1] != NULL && strstr(text[1], ORG) != NULL);
		for (int j = 0; j < 2; j++) {
			memset(&p, 0, sizeof(p));
			p.text = text[j];
			p.len = strlen(text[j]);
			p.has_lf = true;
			endorse_line_check(&c, &p);
			free(text[j]);
		}
		CHECK_INT(endorse_state_size(s), 2);
		CHECK_INT(endorse_state_document_count(s), 1);
		CHECK_INT(r.problems, i);
		if (i == 1)
			CHECK_STR(rule, "signature");
		endorse_state_free(s);
	}
	return 0;
}

static const test_case cases[] = {
	CASE(valid_history_applies),
	CASE(first_entry_is_a_document),
	CASE(document_signed_by_log_key),
	CASE(signature_must_verify),
	CASE(signature_checked_ahead),
	CASE(flags_signatures_and_apply),
	CASE(duplicate_document),
	CASE(endorse_needs_registered_document),
	CASE(endorse_signer_named_org),
	CASE(endorse_by_current_key),
	CASE(duplicate_endorsement),
	CASE(endorse_after_revoke_brings_key),
	CASE(withdraw_needs_endorsement),
	CASE(withdraw_by_current_key),
	CASE(rotate_to_another_key),
	CASE(rotate_new_signer_of_org),
	CASE(rotate_new_sig_must_verify),
	CASE(rotate_to_revoked_key),
	CASE(revoked_signer_signs_nothing),
	CASE(revoke_key_held),
	CASE(revoke_once),
	CASE(revoke_by_current_or_log_key),
	CASE(confirm_signed_by_log_key),
	CASE(confirm_current_key),
	CASE(confirm_known_org),
	CASE(time_order),
	CASE(many_rotations),
	CASE(line_checks_seq_prev_future),
	CASE(line_concerned_by_parsed_fields),
	CASE(document_references),
	CASE(statement_fields_checked_first),
};

HARNESS_MAIN(cases)
