/* A checkpoint: its text alone (endorse_checkpoint_parse, which must
 * format back to the same bytes), and a whole checkpoint note checked
 * against the fixed policy (log key, two witnesses, quorum any). */
#include <stdlib.h>
#include <string.h>

#include "common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static endorse_policy *policy;

static void
free_policy(void)
{
	endorse_policy_free(policy);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *text;

	(void)argc;
	(void)argv;
	fuzz_setup();
	text = fuzz_policy_text();
	FUZZ_CHECK(endorse_policy_parse(&policy, text, strlen(text)) == 0);
	free(text);
	atexit(free_policy);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = size > 0 ? (const char *)data : "";
	endorse_checkpoint cp;
	endorse_checkpoint_result res;
	const char *rule = NULL;
	char *out = NULL;
	size_t len = 0;
	int rc;

	if (endorse_checkpoint_parse(&cp, text, size) == 0 && cp.extension_lines == 0) {
		FUZZ_CHECK(endorse_checkpoint_format(&out, &len, &cp) == 0);
		FUZZ_CHECK(len == size && memcmp(out, text, size) == 0);
		free(out);
	}
	rc = endorse_checkpoint_check(&res, policy, text, size, FUZZ_NOW);
	rule = rc == ENDORSE_EINVALID ? endorse_error_get()->rule : NULL;
	/* verify reports the rule as the problem's rule */
	FUZZ_CHECK(rc != ENDORSE_EINVALID || rule != NULL);
	if (rc == 0) {
		FUZZ_CHECK(res.note != NULL && res.witnesses <= endorse_policy_witness_count(policy));
		FUZZ_CHECK(res.quorum == (res.witnesses > 0));
	}
	endorse_checkpoint_result_clear(&res);
	return 0;
}
