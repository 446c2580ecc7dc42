/* One log line: the JSON syntax check, the parser (full, as verify reads a
 * new line, and without the canonical and point checks, as history reads a
 * line verified before), and the state's rules against the sample log. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The sample log replayed: lines are checked against it, never applied,
 * so that every input meets the same state. */
static endorse_state *sample;

static void
free_sample(void)
{
	endorse_state_free(sample);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *log = NULL;
	size_t len = 0;

	(void)argc;
	(void)argv;
	fuzz_setup();
	fuzz_sample_log(&log, &len, &sample);
	free(log);
	atexit(free_sample);
	return 0;
}

/* A line that parses in full is canonical: the writer's serialisation of
 * the parsed entry must give back the same bytes, or writer and verifier
 * disagree on the format. */
static void
check_round_trip(const endorse_entry *e, const char *line, size_t len)
{
	char *again = NULL;
	size_t again_len = 0;
	uint8_t *m = NULL;
	size_t m_len = 0;

	FUZZ_CHECK(endorse_entry_serialize(&again, &again_len, e) == 0);
	FUZZ_CHECK(again_len == len && memcmp(again, line, len) == 0);
	free(again);
	FUZZ_CHECK(endorse_signed_message(&m, &m_len, FUZZ_ORIGIN, &e->statement) == 0);
	free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = size > 0 ? (const char *)data : "";
	endorse_entry e;
	int rc;

	/* verify reports endorse_error_get()->rule as the rule a line breaks */
	if (endorse_json_check_syntax(line, size) == ENDORSE_EINVALID)
		FUZZ_CHECK(endorse_error_get()->rule != NULL);
	for (int full = 1; full >= 0; full--) {
		(void)endorse_error_rule(NULL, 0); /* a rule seen below is this call's */
		if ((rc = endorse_entry_parse_checked(&e, line, size, full)) != 0) {
			FUZZ_CHECK(rc != ENDORSE_EINVALID || endorse_error_get()->rule != NULL);
			continue;
		}
		FUZZ_CHECK(e.statement.signer != NULL && e.statement.time != NULL);
		if (full)
			check_round_trip(&e, line, size);
		rc = endorse_state_check(sample, &e, full ? ENDORSE_CHECK_SIGNATURES : 0, NULL);
		FUZZ_CHECK(rc != ENDORSE_EINVALID || endorse_error_get()->rule != NULL);
		endorse_entry_clear(&e);
	}
	return 0;
}
