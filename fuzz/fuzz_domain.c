/* What a domain answers (SPEC.md §7): the input as the body of
 * https://ORG/.well-known/endorse-keys, and split at each 0xff byte into
 * TXT records. Every key kept must be a valid vkey that stands, byte for
 * byte, in the input, and every line or endorse-vkey= record is either kept
 * or counted as invalid, never both; what publish prints for a key parses
 * back to exactly that key. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define FUZZ_MAX_RECORDS 256

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

static void
check_listed(const endorse_place_check *c, const uint8_t *data, size_t size)
{
	endorse_vkey k;

	for (size_t i = 0; i < c->listed_count; i++) {
		size_t n = strlen(c->listed[i]);
		FUZZ_CHECK(endorse_vkey_parse(&k, c->listed[i], n) == 0);
		FUZZ_CHECK(size >= n && memmem(data, size, c->listed[i], n) != NULL);
	}
}

/* The texts of publish, read back by the two parsers, give the key. */
static void
check_publish(const char *vkey)
{
	endorse_place_check c = {0};
	char *body = NULL, *txt = NULL;
	size_t len;

	if (endorse_domain_published_texts(&body, &txt, vkey) != 0)
		return;
	FUZZ_CHECK(endorse_domain_parse_well_known(&c, body, strlen(body)) == 0);
	FUZZ_CHECK(c.listed_count == 1 && c.invalid_count == 0 && strcmp(c.listed[0], vkey) == 0);
	endorse_place_check_clear(&c);
	len = strlen(txt);
	FUZZ_CHECK(endorse_domain_parse_txt(&c, &txt, &len, 1) == 0);
	FUZZ_CHECK(c.listed_count == 1 && c.invalid_count == 0 && strcmp(c.listed[0], vkey) == 0);
	endorse_place_check_clear(&c);
	free(body);
	free(txt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	endorse_place_check c = {0};
	char *records[FUZZ_MAX_RECORDS];
	size_t lengths[FUZZ_MAX_RECORDS], count = 0, lines = 0;
	const uint8_t *p = data, *end = data + size;

	if (endorse_domain_parse_well_known(&c, (const char *)data, size) != 0)
		return 0;  /* out of memory */
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	FUZZ_CHECK(c.listed_count + c.invalid_count <= lines + 1);
	check_listed(&c, data, size);
	for (size_t i = 0; i < c.listed_count && i < 4; i++)
		check_publish(c.listed[i]);
	endorse_place_check_clear(&c);

	while (p <= end && count < FUZZ_MAX_RECORDS) {
		const uint8_t *sep = memchr(p, 0xff, (size_t)(end - p));
		const uint8_t *stop = sep != NULL ? sep : end;
		records[count] = (char *)p;
		lengths[count++] = (size_t)(stop - p);
		if (sep == NULL)
			break;
		p = sep + 1;
	}
	if (endorse_domain_parse_txt(&c, records, lengths, count) != 0)
		return 0;
	FUZZ_CHECK(c.listed_count + c.invalid_count <= count);
	check_listed(&c, data, size);
	endorse_place_check_clear(&c);
	return 0;
}
