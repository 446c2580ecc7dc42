/* proof.c: C2SP tlog-proof text. */
#ifndef ENDORSE_PROOF_H
#define ENDORSE_PROOF_H

#include <stddef.h>
#include <stdint.h>

#define ENDORSE_PROOF_HEADER "c2sp.org/tlog-proof@v1\n"

/* The proof of entry index: its n hashes, then the checkpoint note
 * (note_len bytes, verbatim); *out is malloc'd and NUL-terminated. */
int endorse_proof_format(char **out, size_t *len, uint64_t index, const uint8_t proof[][32],
	size_t n, const char *note, size_t note_len);

#endif
