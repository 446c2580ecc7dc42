/* keys/policy (C2SP tlog-policy): the parser, and the quorum of what it
 * parsed, which every witness meets together and none meets alone unless
 * the quorum is "none". */
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

static void
check_policy(const endorse_policy *p)
{
	size_t w = endorse_policy_witness_count(p);
	bool *cosigned = calloc(w + 1, sizeof(bool));
	bool none = strcmp(endorse_policy_quorum_name(p), "none") == 0;
	endorse_policy *again = NULL;
	char *text = NULL;

	FUZZ_CHECK(cosigned != NULL);
	FUZZ_CHECK(endorse_name_is_origin(endorse_policy_log_key(p)->name));
	for (size_t i = 0; i < w; i++) {
		FUZZ_CHECK(endorse_policy_witness_key(p, i)->type == ENDORSE_KEY_COSIGNATURE);
		FUZZ_CHECK(strlen(endorse_policy_witness_name(p, i)) > 0);
	}
	FUZZ_CHECK(endorse_policy_witness_key(p, w) == NULL);
	FUZZ_CHECK(endorse_policy_quorum_met(p, cosigned) == none);
	for (size_t i = 0; i < w; i++)
		cosigned[i] = i % 2 == 0;
	(void)endorse_policy_quorum_met(p, cosigned);
	for (size_t i = 0; i < w; i++)
		cosigned[i] = true;
	FUZZ_CHECK(endorse_policy_quorum_met(p, cosigned));
	free(cosigned);
	/* init's policy for the same log key parses */
	FUZZ_CHECK(endorse_policy_format_new(&text, endorse_policy_log_key(p)) == 0);
	FUZZ_CHECK(endorse_policy_parse(&again, text, strlen(text)) == 0);
	FUZZ_CHECK(endorse_vkey_equal(endorse_policy_log_key(again), endorse_policy_log_key(p)));
	endorse_policy_free(again);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = size > 0 ? (const char *)data : "";
	endorse_policy *p = NULL;
	uint64_t line = 0;
	int rc;

	rc = endorse_policy_parse_at(&p, text, size, &line);
	FUZZ_CHECK(rc != ENDORSE_EINVALID || (endorse_error_get()->rule != NULL && p == NULL));
	if (rc == 0)
		check_policy(p);
	endorse_policy_free(p);
	return 0;
}
