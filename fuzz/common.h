/* What the fuzz targets and mkseeds share: keys made from fixed seeds (so
 * that seeds signed by mkseeds verify in the targets; nothing here is
 * secret), the policy naming them, and a sample log that uses every
 * statement type. Not part of the library. */
#ifndef ENDORSE_FUZZ_COMMON_H
#define ENDORSE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h"

#include "domain.h"
#include "encoding.h"
#include "entry.h"
#include "error.h"
#include "json.h"
#include "load.h"
#include "policy.h"
#include "report.h"
#include "state.h"
#include "vkey.h"

/* The log key's name, hence the origin every signature covers. */
#define FUZZ_ORIGIN "fuzz.example.org/log"
/* When mkseeds's witness cosigns, and the "now" of the targets that check
 * cosignature times: fixed, so that a run does not depend on the clock. */
#define FUZZ_COSIGN_TIME UINT64_C(1700000000)
#define FUZZ_NOW UINT64_C(1800000000)
#define FUZZ_PASSPHRASE "fuzz test passphrase"

enum fuzz_key {
	FUZZ_KEY_LOG,
	FUZZ_KEY_ORG1,
	FUZZ_KEY_ORG1_NEW,
	FUZZ_KEY_ORG2,
	FUZZ_KEY_ORG2_NEW,
	FUZZ_KEY_WITNESS1,
	FUZZ_KEY_WITNESS2,
	FUZZ_KEY_COUNT
};

/* Aborts with a message: a target's own invariant, or setup, failed. */
void fuzz_die(const char *what) __attribute__((noreturn));
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_die(#cond))

/* endorse_init, then loads every key once; they live until exit. */
void fuzz_setup(void);
const endorse_secret_key *fuzz_secret_key(enum fuzz_key k);
const endorse_vkey *fuzz_vkey(enum fuzz_key k);
/* The seed of a key: 32 bytes of one value per key. */
void fuzz_seed(uint8_t seed[32], enum fuzz_key k);

/* keys/policy: the log key, both witnesses, quorum "any of them". malloc'd,
 * NUL-terminated. */
char *fuzz_policy_text(void);

/* The sample log (malloc'd, every line ending in LF) and, if state is not
 * NULL, the state it replays to. Aborts if the library refuses a line. */
void fuzz_sample_log(char **log, size_t *len, endorse_state **state);

/* Where the targets that read files keep them: FUZZ_TMPDIR, else /dev/shm
 * (each run rewrites a file; on a disk that costs a flush per run), else
 * TMPDIR, else /tmp. */
const char *fuzz_tmpdir(void);

/* Writes len bytes to path (created or truncated, mode 0600). */
int fuzz_write_file(const char *path, const void *data, size_t len);

#endif
