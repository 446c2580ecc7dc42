/* domain.c: what a well-known file or TXT records list (SPEC.md §7), and
 * what an organisation publishes. */
#include "harness.h"
#include "util.h"

/* Two vkeys of example.org, built without the library. */
#define KEY_SIZE (ENDORSE_VKEY_MAX + 64)
static char KEY_A[KEY_SIZE], KEY_B[KEY_SIZE];

static void
make_keys(void)
{
	uint8_t pk[32], sk[64];

	util_seed_keypair(pk, sk, 1);
	util_vkey_text(KEY_A, sizeof(KEY_A), "example.org", ENDORSE_KEY_ED25519, pk);
	util_seed_keypair(pk, sk, 2);
	util_vkey_text(KEY_B, sizeof(KEY_B), "example.org", ENDORSE_KEY_ED25519, pk);
}

static int
parse(endorse_place_check *c, const char *body, size_t len)
{
	*c = (endorse_place_check){0};
	return endorse_domain_parse_well_known(c, body, len);
}

static int
well_known_lines(void)
{
	endorse_place_check c;
	char body[5 * KEY_SIZE];

	make_keys();
	/* CRLF, comments, empty lines, a commented-out key, a last line without LF */
	snprintf(body, sizeof(body), "# keys\r\n\r\n\n#%s\n%s\r\n%s", KEY_B, KEY_A, KEY_B);
	CHECK_INT(parse(&c, body, strlen(body)), 0);
	CHECK_INT(c.listed_count, 2);
	CHECK_INT(c.invalid_count, 0);
	CHECK_STR(c.listed[0], KEY_A);
	CHECK_STR(c.listed[1], KEY_B);
	endorse_place_check_clear(&c);
	CHECK(c.listed == NULL && c.listed_count == 0);

	/* a CR alone, spaces, a second CR: each makes the line no key */
	snprintf(body, sizeof(body), "%s\r\r\n %s\n%s \n%s\rx\n", KEY_A, KEY_A, KEY_A, KEY_A);
	CHECK_INT(parse(&c, body, strlen(body)), 0);
	CHECK_INT(c.listed_count, 0);
	CHECK_INT(c.invalid_count, 4);
	endorse_place_check_clear(&c);

	/* an empty body lists nothing */
	CHECK_INT(parse(&c, "", 0), 0);
	CHECK_INT(c.listed_count + c.invalid_count, 0);
	endorse_place_check_clear(&c);
	return 0;
}

static int
well_known_binary(void)
{
	endorse_place_check c;
	char body[3 * KEY_SIZE];
	size_t n;

	make_keys();
	/* a NUL inside a key's line, invalid UTF-8 and escapes: counted, not kept */
	n = (size_t)snprintf(body, sizeof(body), "%s\n%s\n\x1b[2J\xff\xfe\n", KEY_A, KEY_B);
	body[strlen(KEY_A) - 3] = '\0';
	CHECK_INT(parse(&c, body, n), 0);
	CHECK_INT(c.listed_count, 1);
	CHECK_STR(c.listed[0], KEY_B);
	CHECK_INT(c.invalid_count, 2);
	endorse_place_check_clear(&c);
	return 0;
}

static int
well_known_many_lines(void)
{
	endorse_place_check c;
	size_t len;
	char *body;

	make_keys();
	len = 10000 * 6 + strlen(KEY_A) + 1;
	CHECK((body = malloc(len + 1)) != NULL);
	for (size_t i = 0; i < 10000; i++)
		memcpy(body + 6 * i, "abcde\n", 6);
	snprintf(body + 60000, len + 1 - 60000, "%s\n", KEY_A);
	CHECK(len <= ENDORSE_WELL_KNOWN_MAX);
	CHECK_INT(parse(&c, body, len), 0);
	free(body);
	CHECK_INT(c.invalid_count, 10000);
	CHECK_INT(c.listed_count, 1);
	CHECK_STR(c.listed[0], KEY_A);
	endorse_place_check_clear(&c);
	return 0;
}

static int
txt_records(void)
{
	endorse_place_check c = {0};
	char a[KEY_SIZE + 16], b[KEY_SIZE + 16], *big = malloc(4000);
	char *records[6] = {a, "v=spf1 -all", "endorse-vkey=not a key", b, big, "endorse-vkey"};
	size_t lengths[6];

	make_keys();
	CHECK(big != NULL);
	snprintf(a, sizeof(a), "endorse-vkey=%s", KEY_A);
	snprintf(b, sizeof(b), "Endorse-vkey=%s", KEY_B);  /* the prefix is exact */
	memcpy(big, "endorse-vkey=", 13);
	memset(big + 13, 'A', 4000 - 13);  /* a 4,000-byte record, not NUL-terminated */
	for (size_t i = 0; i < 6; i++)
		lengths[i] = i == 4 ? 4000 : strlen(records[i]);
	CHECK_INT(endorse_domain_parse_txt(&c, records, lengths, 6), 0);
	free(big);
	CHECK_INT(c.listed_count, 1);
	CHECK_STR(c.listed[0], KEY_A);
	CHECK_INT(c.invalid_count, 2);  /* "not a key" and the 4,000 bytes */
	endorse_place_check_clear(&c);

	/* a record with a NUL in it (strings concatenated) is no key */
	snprintf(a, sizeof(a), "endorse-vkey=%s", KEY_A);
	a[20] = '\0';
	lengths[0] = strlen(KEY_A) + 13;
	CHECK_INT(endorse_domain_parse_txt(&c, records, lengths, 1), 0);
	CHECK_INT(c.listed_count, 0);
	CHECK_INT(c.invalid_count, 1);
	endorse_place_check_clear(&c);
	return 0;
}

static int
published_texts(void)
{
	char *wk = NULL, *txt = NULL, want[KEY_SIZE + 16];
	uint8_t pk[32], sk[64];

	make_keys();
	CHECK_INT(endorse_domain_published_texts(&wk, &txt, KEY_A), 0);
	snprintf(want, sizeof(want), "%s\n", KEY_A);
	CHECK_STR(wk, want);
	snprintf(want, sizeof(want), "endorse-vkey=%s", KEY_A);
	CHECK_STR(txt, want);
	free(wk);
	free(txt);
	/* a log's or a witness's key is no organisation's */
	util_seed_keypair(pk, sk, 3);
	util_vkey_text(want, sizeof(want), "example.org/log", ENDORSE_KEY_ED25519, pk);
	CHECK_INT(endorse_domain_published_texts(&wk, &txt, want), ENDORSE_EUSAGE);
	util_vkey_text(want, sizeof(want), "example.org", ENDORSE_KEY_COSIGNATURE, pk);
	CHECK_INT(endorse_domain_published_texts(&wk, &txt, want), ENDORSE_EUSAGE);
	CHECK_INT(endorse_domain_published_texts(&wk, &txt, "junk"), ENDORSE_EUSAGE);
	CHECK(wk == NULL && txt == NULL);
	CHECK_STR(endorse_domain_method_name(ENDORSE_METHOD_HTTPS), "https");
	CHECK_STR(endorse_domain_method_name(ENDORSE_METHOD_DNS), "dns");
	return 0;
}

/* The check refuses what is not an organisation id (SPEC 1.1: never an IP
 * address) before any network is touched. */
static int
check_refuses_ip(void)
{
	endorse_place_check c;
	endorse_net_options net = {.timeout_ms = 1000};

	make_keys();
	CHECK_INT(endorse_domain_check_place(&c, "127.0.0.1", KEY_A, ENDORSE_METHOD_HTTPS, &net),
		ENDORSE_EUSAGE);
	CHECK_INT(endorse_domain_check_place(&c, "Example.org", KEY_A, ENDORSE_METHOD_DNS, &net),
		ENDORSE_EUSAGE);
	net.timeout_ms = 0;
	CHECK_INT(endorse_domain_check_place(&c, "example.org", KEY_A, ENDORSE_METHOD_DNS, &net),
		ENDORSE_EUSAGE);
	return 0;
}

static const test_case cases[] = {
	CASE(well_known_lines),
	CASE(well_known_binary),
	CASE(well_known_many_lines),
	CASE(txt_records),
	CASE(published_texts),
	CASE(check_refuses_ip),
};

HARNESS_MAIN(cases)
