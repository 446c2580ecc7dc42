/* A C2SP tlog-proof and the entry it proves, as 'endorse verify-proof'
 * checks them offline against the fixed policy. The input is the entry
 * (one log line), a LF, then the proof. */
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
	const char *entry = size > 0 ? (const char *)data : "", *lf = memchr(entry, '\n', size);
	size_t entry_len = lf != NULL ? (size_t)(lf - entry) : size;
	const char *proof = lf != NULL ? lf + 1 : entry + size;
	size_t proof_len = size - (size_t)(proof - entry);
	endorse_proof_result res;
	const char *rule = NULL;
	int rc;

	rc = endorse_proof_verify(&res, proof, proof_len, policy, entry, entry_len, FUZZ_NOW);
	rule = rc == ENDORSE_EINVALID ? endorse_error_get()->rule : NULL;
	FUZZ_CHECK(rc != ENDORSE_EINVALID || rule != NULL);
	if (rc == 0)
		FUZZ_CHECK(res.index == res.entry.seq && res.index < res.checkpoint.checkpoint.size &&
			res.checkpoint.quorum);
	endorse_proof_result_clear(&res);
	return 0;
}
