/* The list of logs a witness serves, in the witness network's logs/v0
 * format (it may be fetched from the network): endorse_log_list_parse.
 * What it accepts holds only Ed25519 log keys, distinct origins of 1 to
 * 255 bytes without control characters, each found by its origin. */
#include <string.h>

#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = size > 0 ? (const char *)data : "";
	endorse_log_list *list = NULL;
	size_t n;

	if (endorse_log_list_parse(&list, text, size) != 0) {
		FUZZ_CHECK(list == NULL && endorse_error_get()->message != NULL);
		return 0;
	}
	n = endorse_log_list_count(list);
	FUZZ_CHECK(n <= ENDORSE_LOG_LIST_MAX);
	for (size_t i = 0; i < n; i++) {
		const endorse_witnessed_log *log = endorse_log_list_at(list, i);
		size_t len = strlen(log->origin);

		FUZZ_CHECK(log->key.type == ENDORSE_KEY_ED25519);
		FUZZ_CHECK(len > 0 && len <= ENDORSE_NAME_MAX);
		for (size_t j = 0; j < len; j++)
			FUZZ_CHECK((unsigned char)log->origin[j] >= 0x20 && log->origin[j] != 0x7f);
		FUZZ_CHECK(endorse_log_list_find(list, log->origin) == log);
	}
	FUZZ_CHECK(endorse_log_list_at(list, n) == NULL);
	endorse_log_list_free(list);
	return 0;
}
