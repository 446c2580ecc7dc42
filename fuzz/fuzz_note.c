/* A signed note (C2SP signed-note, tlog-cosignature): the parser, the
 * verifier with the fixed keys (Ed25519 and cosignature keys), the
 * formatter, and signing, which must leave a note that parses and verifies.
 * Its text also goes to the checkpoint parser. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum fuzz_key known[] = {
	FUZZ_KEY_LOG, FUZZ_KEY_WITNESS1, FUZZ_KEY_WITNESS2, FUZZ_KEY_ORG1,
};
#define KNOWN (sizeof(known) / sizeof(known[0]))
static endorse_vkey keys[KNOWN];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	for (size_t i = 0; i < KNOWN; i++)
		keys[i] = *fuzz_vkey(known[i]);
	return 0;
}

static size_t
signatures_by(const endorse_note *note, const endorse_vkey *key)
{
	size_t n = 0;

	for (size_t i = 0; i < note->sig_count; i++)
		n += strcmp(note->sigs[i].name, key->name) == 0 &&
			memcmp(note->sigs[i].key_id, key->key_id, 4) == 0;
	return n;
}

/* Signing by the log key and witness 1 replaces their signatures (if any);
 * the note must then parse again and both must verify. */
static void
check_sign(endorse_note *note)
{
	const endorse_vkey signers[2] = {keys[0], keys[1]};
	endorse_note *again = NULL;
	bool verified[2];
	uint64_t times[2];
	char *out = NULL;
	size_t len = 0;

	/* a key that signed twice stays invalid: signing replaces one */
	if (signatures_by(note, &signers[0]) > 1 || signatures_by(note, &signers[1]) > 1)
		return;
	if (endorse_note_sign(note, fuzz_secret_key(FUZZ_KEY_LOG), 0) != 0 ||
	    endorse_note_sign(note, fuzz_secret_key(FUZZ_KEY_WITNESS1), FUZZ_COSIGN_TIME) != 0)
		return; /* a hundred signatures already */
	FUZZ_CHECK(endorse_note_format(&out, &len, note) == 0);
	if (len <= ENDORSE_NOTE_MAX) {
		FUZZ_CHECK(endorse_note_parse(&again, out, len) == 0);
		FUZZ_CHECK(endorse_note_verify(again, signers, 2, verified, times) == 0);
		FUZZ_CHECK(verified[0] && verified[1] && times[1] == FUZZ_COSIGN_TIME);
		endorse_note_free(again);
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg = size > 0 ? (const char *)data : "";
	endorse_note *note = NULL;
	endorse_checkpoint cp;
	bool verified[KNOWN];
	uint64_t times[KNOWN];
	char *out = NULL;
	size_t len = 0;

	if (endorse_note_parse(&note, msg, size) != 0)
		return 0;
	FUZZ_CHECK(note->sig_count >= 1 && note->sig_count <= ENDORSE_NOTE_MAX_SIGNATURES);
	FUZZ_CHECK(note->text_len > 0 && note->text_len < size && note->text[note->text_len - 1] == '\n');
	(void)endorse_note_verify(note, keys, KNOWN, verified, times);
	(void)endorse_note_verify(note, keys + 1, 1, verified, NULL);
	(void)endorse_checkpoint_parse(&cp, note->text, note->text_len);
	/* parsing keeps every byte: formatting gives the input back */
	FUZZ_CHECK(endorse_note_format(&out, &len, note) == 0);
	FUZZ_CHECK(len == size && memcmp(out, msg, size) == 0);
	free(out);
	check_sign(note);
	endorse_note_free(note);
	return 0;
}
