/* A verifier key (C2SP signed-note vkey): the parser with and without the
 * point check, which must agree; a vkey that parses formats back to the
 * same bytes. The input, as a string, also goes to the name checks. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = size > 0 ? (const char *)data : "";
	endorse_vkey k, unchecked;
	char out[ENDORSE_VKEY_MAX], line[ENDORSE_VKEY_MAX + 1], hex[9], *name;
	uint8_t sig[64] = {0};
	int rc;

	rc = endorse_vkey_parse(&k, text, size);
	if (endorse_vkey_parse_checked(&unchecked, text, size, false) == 0) {
		FUZZ_CHECK(rc != 0 || endorse_vkey_equal(&k, &unchecked));
	} else {
		FUZZ_CHECK(rc != 0);
	}
	if (rc == 0) {
		endorse_vkey_format(out, &k);
		FUZZ_CHECK(strlen(out) == size && memcmp(out, text, size) == 0);
		FUZZ_CHECK(endorse_vkey_format_line(line, &k) == size + 1 && line[size] == '\n');
		endorse_vkey_id_hex(hex, &k);
		FUZZ_CHECK(memcmp(hex, (const char *)memchr(text, '+', size) + 1, 8) == 0);
		(void)endorse_vkey_verify(&k, sig, data, size);
	}
	if ((name = malloc(size + 1)) == NULL)
		return 0;
	memcpy(name, text, size);
	name[size] = '\0';
	(void)endorse_name_is_org_id(name);
	(void)endorse_name_is_origin(name);
	free(name);
	return 0;
}
