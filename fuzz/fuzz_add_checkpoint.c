/* The body of a tlog-witness add-checkpoint request, as any client on the
 * network may post it: endorse_add_checkpoint_parse, which must give back
 * exactly the bytes it read (the old size, the proof hashes in canonical
 * base64, the note), and endorse_note_parse of the note it found. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = size > 0 ? (const char *)data : "";
	endorse_add_checkpoint req;
	endorse_note *note = NULL;
	char *again, *p;
	size_t len;

	if (endorse_add_checkpoint_parse(&req, body, size) != 0) {
		FUZZ_CHECK(endorse_error_get()->message != NULL);
		return 0;
	}
	FUZZ_CHECK(size <= ENDORSE_ADD_CHECKPOINT_MAX);
	FUZZ_CHECK(req.proof_len <= ENDORSE_ADD_CHECKPOINT_MAX_PROOF);
	FUZZ_CHECK(req.note > body && req.note + req.note_len == body + size && req.note_len > 0);
	/* written again from what was parsed: the same bytes */
	len = 24 + req.proof_len * 45 + 1 + req.note_len;
	FUZZ_CHECK((again = malloc(len + 1)) != NULL);
	p = again + sprintf(again, "old %llu\n", (unsigned long long)req.old_size);
	for (size_t i = 0; i < req.proof_len; i++) {
		endorse_base64_encode(p, 45, req.proof[i], 32);
		p += 44;
		*p++ = '\n';
	}
	*p++ = '\n';
	memcpy(p, req.note, req.note_len);
	p += req.note_len;
	FUZZ_CHECK((size_t)(p - again) == size && memcmp(again, body, size) == 0);
	free(again);
	if (endorse_note_parse(&note, req.note, req.note_len) == 0)
		FUZZ_CHECK(note->sig_count > 0);
	endorse_note_free(note);
	return 0;
}
