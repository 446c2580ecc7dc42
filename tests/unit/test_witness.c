/* C2SP tlog-witness's bytes (src/lib/witness_protocol.c): the body of an
 * add-checkpoint request and the logs/v0 list, what each accepts and every
 * way each refuses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define CHECKPOINT "example.org/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— x y\n"
#define HASH_A "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw="

static int
parse(endorse_add_checkpoint *req, const char *body)
{
	return endorse_add_checkpoint_parse(req, body, strlen(body));
}

static int
request_ok(void)
{
	static endorse_add_checkpoint req;

	CHECK_OK(parse(&req, "old 0\n\n" CHECKPOINT));
	CHECK(req.old_size == 0 && req.proof_len == 0);
	CHECK(req.note_len == strlen(CHECKPOINT) && memcmp(req.note, CHECKPOINT, req.note_len) == 0);
	CHECK_OK(parse(&req, "old 20852014\n" HASH_A "\n" HASH_A "\n\n" CHECKPOINT));
	CHECK(req.old_size == 20852014 && req.proof_len == 2);
	CHECK(req.proof[1][0] == 0x3e && req.proof[1][31] == 0xac);
	return 0;
}

/* A body of "old 1", n proof lines, an empty line and a checkpoint. */
static char *
with_proof_lines(size_t n)
{
	size_t len = 6 + n * 45 + 1 + sizeof(CHECKPOINT);
	char *body = malloc(len), *p = body;

	if (body == NULL)
		return NULL;
	p += sprintf(p, "old 1\n");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s\n", HASH_A);
	sprintf(p, "\n%s", CHECKPOINT);
	return body;
}

static int
request_refused(void)
{
	static const char *const bad[] = {
		"",                                      /* nothing */
		"old 0",                                 /* no LF */
		"old 0\n",                               /* no empty line */
		"old 0\n\n",                             /* no checkpoint */
		"old 01\n\n" CHECKPOINT,                 /* leading zero */
		"old -1\n\n" CHECKPOINT,
		"old  1\n\n" CHECKPOINT,
		"old 1 \n\n" CHECKPOINT,
		"OLD 1\n\n" CHECKPOINT,
		"old\n\n" CHECKPOINT,
		"old 9223372036854775808\n\n" CHECKPOINT, /* over 2^63-1 */
		"old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw\n\n" CHECKPOINT, /* no padding */
		"old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\r\n\n" CHECKPOINT,
		"old 1\nAAAA\n\n" CHECKPOINT,            /* not 32 bytes */
		"old 1\n " HASH_A "\n\n" CHECKPOINT,
		"\nold 1\n\n" CHECKPOINT,
	};
	static endorse_add_checkpoint req;
	char *body, nul[] = "old 0\n\nexample.org/log\n5\nX\0\n";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_MSG(parse(&req, bad[i]) == ENDORSE_EINVALID, "accepted bad[%zu]", i);
	CHECK_INT(endorse_add_checkpoint_parse(&req, nul, sizeof(nul) - 1), ENDORSE_EINVALID);
	/* 63 proof lines at most */
	CHECK((body = with_proof_lines(63)) != NULL);
	CHECK_OK(parse(&req, body));
	CHECK(req.proof_len == 63);
	free(body);
	CHECK((body = with_proof_lines(64)) != NULL);
	CHECK_INT(parse(&req, body), ENDORSE_EINVALID);
	free(body);
	/* 64 KiB at most */
	CHECK((body = calloc(1, ENDORSE_ADD_CHECKPOINT_MAX + 2)) != NULL);
	memset(body, 'a', ENDORSE_ADD_CHECKPOINT_MAX + 1);
	memcpy(body, "old 0\n\n", 7);
	CHECK_INT(parse(&req, body), ENDORSE_EINVALID);
	free(body);
	return 0;
}

/* The vkey of a new key of type, into out. */
static int
new_vkey(char out[ENDORSE_VKEY_MAX], const char *name, uint8_t type)
{
	endorse_secret_key *key = NULL;

	CHECK_OK(endorse_secret_key_generate(&key, name, type));
	endorse_vkey_format(out, endorse_secret_key_vkey(key));
	endorse_secret_key_free(key);
	return 0;
}

static int
list(endorse_log_list **out, const char *text)
{
	return endorse_log_list_parse(out, text, strlen(text));
}

static int
logs_ok(void)
{
	char a[ENDORSE_VKEY_MAX], b[ENDORSE_VKEY_MAX], text[2048];
	endorse_log_list *l = NULL;

	CHECK(new_vkey(a, "a.example/log", ENDORSE_KEY_ED25519) == 0);
	CHECK(new_vkey(b, "b.example/log", ENDORSE_KEY_ED25519) == 0);
	(void)snprintf(text, sizeof(text),
		"#\n# List: test\n#\nlogs/v0\n\n# a\nvkey %s\norigin none\nqpd 86400\n"
		"bastion none\ncontact a (at) a.example\n\nvkey %s\norigin b.example/other log\n"
		"qpd 24\n", a, b);
	CHECK_OK(list(&l, text));
	CHECK(endorse_log_list_count(l) == 2);
	CHECK_STR(endorse_log_list_at(l, 0)->origin, "a.example/log");
	CHECK_STR(endorse_log_list_at(l, 1)->origin, "b.example/other log");
	CHECK(endorse_log_list_find(l, "b.example/other log") == endorse_log_list_at(l, 1));
	CHECK(endorse_log_list_find(l, "b.example/log") == NULL);
	CHECK(endorse_log_list_find(l, "A.example/log") == NULL);
	endorse_log_list_free(l);
	CHECK_OK(list(&l, "logs/v0\n"));  /* a witness of no log yet */
	CHECK(endorse_log_list_count(l) == 0);
	endorse_log_list_free(l);
	return 0;
}

static int
logs_refused(void)
{
	char a[ENDORSE_VKEY_MAX], w[ENDORSE_VKEY_MAX], text[4096], longer[300];
	const char *bad[16];
	size_t n = 0;
	endorse_log_list *l = NULL;
	static char fmt[16][1024];

	CHECK(new_vkey(a, "a.example/log", ENDORSE_KEY_ED25519) == 0);
	CHECK(new_vkey(w, "w.example", ENDORSE_KEY_COSIGNATURE) == 0);
	memset(longer, 'o', 256);
	longer[256] = '\0';
	bad[n++] = "";                                /* no header */
	bad[n++] = "logs/v1\n";
	bad[n++] = "logs/v0";                         /* no LF */
	bad[n++] = "origin x\nlogs/v0\n";
	bad[n++] = "logs/v0\norigin x\n";             /* before any vkey */
	bad[n++] = "logs/v0\nvkey nothing\n";
#define BAD(...) (snprintf(fmt[n], sizeof(fmt[n]), __VA_ARGS__), bad[n] = fmt[n], n++)
	BAD("logs/v0\nvkey %s\n", w);                 /* a cosignature key */
	BAD("logs/v0\nvkey %s\norigin x\norigin y\n", a);
	BAD("logs/v0\nvkey %s\nqpd 1\norigin x\n", a); /* origin after its vkey only */
	BAD("logs/v0\nvkey %s\nsecret x\n", a);
	BAD("logs/v0\nvkey %s\norigin \n", a);
	BAD("logs/v0\nvkey %s\norigin a\tb\n", a);
	BAD("logs/v0\nvkey %s\norigin %s\n", a, longer);
	BAD("logs/v0\nvkey %s\nvkey %s\n", a, a); /* one origin twice */
	BAD("logs/v0\nvkey %s\r\n", a);
#undef BAD
	for (size_t i = 0; i < n; i++) {
		CHECK_MSG(list(&l, bad[i]) == ENDORSE_EINVALID, "accepted bad[%zu]", i);
		CHECK(l == NULL);
	}
	(void)snprintf(text, sizeof(text), "logs/v0\nvkey %s\n", a);
	CHECK_INT(endorse_log_list_parse(&l, text, strlen(text) + 1), ENDORSE_EINVALID); /* NUL */
	return 0;
}

/* More logs than a witness serves: refused, however they differ. Parsing
 * 100,000 vkeys takes seconds; under valgrind (tests/valgrind.sh), which
 * would take minutes over the same code, the plain and sanitizer runs do
 * it. */
static int
logs_too_many(void)
{
	char a[ENDORSE_VKEY_MAX], *text, *p;
	size_t cap = (size_t)(ENDORSE_LOG_LIST_MAX + 1) * (ENDORSE_VKEY_MAX + 32) + 16;
	endorse_log_list *l = NULL;

	if (getenv("ENDORSE_UNDER_VALGRIND") != NULL)
		SKIP("100,000 vkeys take minutes under valgrind");

	CHECK(new_vkey(a, "a.example/log", ENDORSE_KEY_ED25519) == 0);
	CHECK((text = malloc(cap)) != NULL);
	p = text + sprintf(text, "logs/v0\n");
	for (int i = 0; i < ENDORSE_LOG_LIST_MAX; i++)
		p += sprintf(p, "vkey %s\norigin log %d\n", a, i);
	CHECK_OK(endorse_log_list_parse(&l, text, (size_t)(p - text)));
	CHECK(endorse_log_list_count(l) == ENDORSE_LOG_LIST_MAX);
	endorse_log_list_free(l);
	p += sprintf(p, "vkey %s\norigin one more\n", a);
	CHECK_INT(endorse_log_list_parse(&l, text, (size_t)(p - text)), ENDORSE_EINVALID);
	free(text);
	return 0;
}

static const test_case cases[] = {
	CASE(request_ok),
	CASE(request_refused),
	CASE(logs_ok),
	CASE(logs_refused),
	CASE(logs_too_many),
};

HARNESS_MAIN(cases)
