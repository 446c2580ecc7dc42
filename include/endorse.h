/*
 * endorse: verifiable endorsements of public documents.
 *
 * The library knows the formats of SPEC.md and the rules of the log. It never
 * prints and never exits: every function returns 0 or a negative ENDORSE_E*
 * code and leaves one error record for endorse_error_get(). This header
 * holds only the public API; the library's internals are in src/lib.
 */
#ifndef ENDORSE_H
#define ENDORSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENDORSE_VERSION "0.1.0"

/* ---- errors: one return code, one last-error record per thread ---- */

enum endorse_error {
	ENDORSE_OK = 0,
	ENDORSE_EINVALID = -1,    /* a log, key, signature or policy breaks a rule */
	ENDORSE_EIO = -2,         /* a file could not be read or written */
	ENDORSE_ENOMEM = -3,
	ENDORSE_EUSAGE = -4,      /* the caller asked for something impossible */
	ENDORSE_EPASSPHRASE = -5, /* wrong passphrase, or the key file was altered */
	ENDORSE_EEXISTS = -6,     /* refusing to overwrite */
	ENDORSE_ENOTFOUND = -7,   /* a file or record that must exist does not */
	ENDORSE_ENEEDPASS = -8,   /* the key file is encrypted and no passphrase was given */
};

/* The last error in this thread: the code the failing function returned,
 * and, when an input broke a rule of SPEC.md, the rule's short name and
 * where (file and line, when known). Valid until the thread's next call. */
typedef struct endorse_error_info {
	int code;
	const char *rule;    /* e.g. "signature"; NULL when no rule was broken */
	const char *file;    /* NULL when not known */
	uint64_t line;       /* 1-based; 0 when not known or the whole file */
	const char *message; /* never NULL */
} endorse_error_info;
const endorse_error_info *endorse_error_get(void);
/* The message of the last error in this thread; never NULL. */
const char *endorse_error_last(void);

/* ---- start ---- */

/* Must be called once before anything else (initialises libsodium). */
int endorse_init(void);

/* ---- paths of a log repository (SPEC.md §2) ---- */

#define ENDORSE_POLICY_PATH "keys/policy"
#define ENDORSE_ORGS_DIR "keys/orgs"
#define ENDORSE_LOG_PATH "log/endorsements.jsonl"

/* Longest line of the log without its LF (SPEC.md §3, 1.1: the largest
 * entry a C2SP tlog-tiles entry bundle holds). */
#define ENDORSE_MAX_LINE 65535

/* ---- the text of the formats, for tools that read or print it ---- */

/* A decimal as SPEC.md writes numbers: digits only, no sign, no leading
 * zero (but "0" itself), at most max. The library reads every number of
 * its formats so; a tool reading numbers for it should too. */
bool endorse_parse_decimal(uint64_t *out, const char *text, size_t len, uint64_t max);
/* The length (1 to 4) of the well-formed UTF-8 sequence at the start of
 * s[0..len), its code point in *cp; 0 when it is not one (overlong form,
 * surrogate, past U+10FFFF, cut short). The library's strict UTF-8, for a
 * tool that must print the library's strings (which may hold a stranger's
 * words) safely. */
size_t endorse_utf8_decode(uint32_t *cp, const uint8_t *s, size_t len);

/* ---- verifier keys (SPEC.md §1) ---- */

#define ENDORSE_KEY_ED25519 0x01
#define ENDORSE_KEY_COSIGNATURE 0x04
#define ENDORSE_NAME_MAX 255
/* name + 8 hex + base64 of 33 bytes + separators and NUL */
#define ENDORSE_VKEY_MAX (ENDORSE_NAME_MAX + 1 + 8 + 1 + 44 + 1)

typedef struct endorse_vkey {
	char name[ENDORSE_NAME_MAX + 1];
	uint8_t key_id[4];
	uint8_t type;
	uint8_t public_key[32];
} endorse_vkey;

/* Parses and checks a vkey: key ID, canonical base64, known type, and a
 * public key that is a valid point of prime order. */
int endorse_vkey_parse(endorse_vkey *out, const char *text, size_t len);
/* Writes the vkey text (NUL-terminated) into out[ENDORSE_VKEY_MAX]. */
void endorse_vkey_format(char out[ENDORSE_VKEY_MAX], const endorse_vkey *key);
/* 8 lowercase hex digits and a NUL. */
void endorse_vkey_id_hex(char out[9], const endorse_vkey *key);
bool endorse_vkey_equal(const endorse_vkey *a, const endorse_vkey *b);
/* An organization id (SPEC.md §1, 1.1): a lowercase DNS domain of at most
 * ENDORSE_ORG_ID_MAX bytes whose last label is not all digits. */
#define ENDORSE_ORG_ID_MAX 250
bool endorse_name_is_org_id(const char *name);
/* NULL when name is an organization id, else why not ("it ..."). */
const char *endorse_org_id_problem(const char *name);
/* Whether name has a DNS domain's syntax (the id's pattern, at most 253
 * bytes), whether or not the 1.1 limits make it an organization id. */
bool endorse_name_is_domain(const char *name);
bool endorse_name_is_origin(const char *name);
/* Verifies an Ed25519 signature by key over msg. */
bool endorse_vkey_verify(const endorse_vkey *key, const uint8_t sig[64],
	const uint8_t *msg, size_t len);

/* ---- secret keys ---- */

typedef struct endorse_secret_key endorse_secret_key;

int endorse_secret_key_generate(endorse_secret_key **out, const char *name, uint8_t type);
/* Loads a key file. An encrypted file needs the passphrase; with passphrase
 * NULL it returns ENDORSE_ENEEDPASS. The file must be a regular file (not a
 * symbolic link) that neither group nor others can read. */
int endorse_secret_key_load(endorse_secret_key **out, const char *path,
	const char *passphrase, size_t passphrase_len);
/* Writes a key file with mode 0600: encrypted with the passphrase (Argon2id
 * and XChaCha20-Poly1305), or in the clear when passphrase is NULL. Never
 * replaces an existing file unless force is set. Creates the file's
 * directory (mode 0700) if it does not exist. */
int endorse_secret_key_save(const endorse_secret_key *key, const char *path,
	const char *passphrase, size_t passphrase_len, bool force);
void endorse_secret_key_free(endorse_secret_key *key);
/* Writes the vkey and a newline to path (mode 0644), creating its directory;
 * never replaces an existing file unless force is set. */
int endorse_vkey_save(const endorse_vkey *key, const char *path, bool force);
/* Both save functions refuse (ENDORSE_EUSAGE) a file whose directory is a
 * symbolic link; this checks that before anything is written (a missing
 * directory passes: it will be made). */
int endorse_key_dir_check(const char *path);
const endorse_vkey *endorse_secret_key_vkey(const endorse_secret_key *key);
/* Signs msg. A key held by an ssh agent asks the agent, and its signature
 * is returned only if it verifies with the key's public key; an agent that
 * is gone, no longer holds the key or refuses is an error (sig zeroed). */
int endorse_secret_key_sign(uint8_t sig[64], const endorse_secret_key *key,
	const uint8_t *msg, size_t len);

/* Keys that never touch the disk: the key file is a reference saying where
 * the key lives (no secret in it), read by endorse_secret_key_load as any
 * key file and written by endorse_secret_key_save (with no passphrase). */
/* The key an ssh agent ($SSH_AUTH_SOCK: OpenSSH's ssh-agent, gpg-agent with
 * enable-ssh-support) holds: the ssh-ed25519 key of that fingerprint (as
 * ssh-add -l prints it, SHA256:...), or with fingerprint NULL the only one
 * it holds; named name, of type ENDORSE_KEY_ED25519 or _COSIGNATURE. */
int endorse_secret_key_from_ssh_agent(endorse_secret_key **out, const char *name, uint8_t type,
	const char *fingerprint);
/* Whether key can sign now: a key held by an agent is still there
 * (ENDORSE_ENOTFOUND, with why, when not). Always 0 for a key in its file. */
int endorse_secret_key_ready(const endorse_secret_key *key);
/* Where key lives: NULL for a key in its file; else the holder's kind
 * ("ssh-agent", "pkcs11") and, in *where, the key's SSH fingerprint or its
 * PKCS#11 URI. */
const char *endorse_secret_key_holder(const endorse_secret_key *key, const char **where);
/* The key a PKCS#11 token holds: the Ed25519 private key (CKK_EC_EDWARDS,
 * signing with CKM_EDDSA) the RFC 7512 URI names, on the token it names,
 * through module (a path; NULL: p11-kit's proxy, which loads the modules
 * p11-kit is configured with), logging in with pin (len bytes; NULL when
 * the token needs no login). With generate and no such key, the token
 * makes a key pair labelled as the URI's object= says. Named name, of
 * type ENDORSE_KEY_ED25519 or _COSIGNATURE. */
int endorse_secret_key_from_pkcs11(endorse_secret_key **out, const char *name, uint8_t type,
	const char *uri, const char *module, const char *pin, size_t len, bool generate);
/* Whether key signs only after a PIN is set (a PKCS#11 token's key). */
bool endorse_secret_key_needs_pin(const endorse_secret_key *key);
/* Sets the PIN a token's key signs with (copied into guarded memory, wiped
 * when the key is freed). */
int endorse_secret_key_set_pin(endorse_secret_key *key, const char *pin, size_t len);
/* The Go note form PRIVATE+KEY+name+id+base64(type || seed), NUL-terminated,
 * in memory the library guards: release it with endorse_secret_text_free. */
int endorse_secret_key_export_go(char **out, const endorse_secret_key *key);
/* Wipes and frees a secret text the library returned (NULL: nothing). */
void endorse_secret_text_free(char *text);
int endorse_secret_key_import_go(endorse_secret_key **out, const char *text, size_t len);

/* ---- statements and entries (SPEC.md §3, §4) ---- */

typedef enum endorse_statement_type {
	ENDORSE_DOCUMENT,
	ENDORSE_ENDORSE,
	ENDORSE_WITHDRAW,
	ENDORSE_ROTATE,
	ENDORSE_REVOKE,
	ENDORSE_CONFIRM,
} endorse_statement_type;

/* Strings are NUL-terminated UTF-8 without control characters; members that
 * a type does not have are NULL. */
typedef struct endorse_statement {
	endorse_statement_type type;
	char *signer;
	char *time;
	char *id, *title, *url, *sha256;          /* document */
	char *document;                           /* endorse, withdraw */
	char *org_id, *org_name, *org_url;        /* endorse (org object); others: org_id */
	char *new_signer;                         /* rotate */
	char *key, *reason;                       /* revoke; confirm: key */
	char *method;                             /* confirm: "https" or "dns" */
} endorse_statement;

typedef struct endorse_entry {
	/* statement.signer, and statement.new_signer or statement.key, parsed
	 * and checked once by endorse_entry_parse */
	endorse_vkey signer;
	endorse_vkey other;
	uint64_t seq;
	uint8_t prev[32];
	uint8_t sig[64];
	bool has_new_sig;
	uint8_t new_sig[64];
	endorse_statement statement;
} endorse_entry;

const char *endorse_statement_type_name(endorse_statement_type type);
void endorse_entry_clear(endorse_entry *entry);
void endorse_statement_clear(endorse_statement *st);
/* The fields a writer supplies (name, url, title, id, reason, time, the
 * form of a document reference), those that are not NULL, checked by the
 * rules that apply to them in the log: what a writer can refuse before it
 * has a signer, a log or a passphrase. ENDORSE_EINVALID with the rule
 * broken; ENDORSE_EUSAGE for a document reference of no known form. */
int endorse_statement_check_fields(const endorse_statement *st);
/* Whether ref has the form of a reference to a document version:
 * endorse_state_resolve_document. */
bool endorse_document_ref_valid(const char *ref);

/* The canonical serialisation (JCS) of a statement, malloc'd. */
int endorse_statement_serialize(char **out, size_t *len, const endorse_statement *st);
/* M = "endorse/v1" LF origin LF JCS(statement), malloc'd. */
int endorse_signed_message(uint8_t **out, size_t *len, const char *origin,
	const endorse_statement *st);
/* The canonical log line of an entry, without LF, malloc'd. */
int endorse_entry_serialize(char **out, size_t *len, const endorse_entry *entry);
/* The current UTC time as YYYY-MM-DDTHH:MM:SSZ. */
void endorse_time_now(char out[21]);
/* The same, seconds from now ("" past year 9999). */
void endorse_time_from_now(char out[21], long seconds);
/* How far after the clock a statement's claimed time may lie: writers
 * refuse more than ENDORSE_WRITE_SKEW, verify more than ENDORSE_STATEMENT_SKEW
 * (rule future-time), so that an entry written on a clock a little ahead
 * still verifies on one a little behind. */
#define ENDORSE_WRITE_SKEW 300
#define ENDORSE_STATEMENT_SKEW 600
bool endorse_time_valid(const char *text);

/* ---- trust policy (C2SP tlog-policy) ---- */

typedef struct endorse_policy endorse_policy;
/* Parses keys/policy; on failure the message names the line and the rule. */
int endorse_policy_parse(endorse_policy **out, const char *text, size_t len);
int endorse_policy_load(endorse_policy **out, const char *path);
void endorse_policy_free(endorse_policy *policy);
const endorse_vkey *endorse_policy_log_key(const endorse_policy *policy);
/* The policy text for a new log: its log key and no witness quorum. */
int endorse_policy_format_new(char **out, const endorse_vkey *log_key);
/* The witnesses of the policy, in the order of their lines. */
size_t endorse_policy_witness_count(const endorse_policy *policy);
const endorse_vkey *endorse_policy_witness_key(const endorse_policy *policy, size_t i);
const char *endorse_policy_witness_name(const endorse_policy *policy, size_t i);
/* The witness's URL (its C2SP tlog-witness submission prefix), NULL if its
 * line has none. */
const char *endorse_policy_witness_url(const endorse_policy *policy, size_t i);
/* Whether the witnesses with cosigned[i] set meet the quorum. */
bool endorse_policy_quorum_met(const endorse_policy *policy, const bool *cosigned);
/* The quorum line's name, or "none". */
const char *endorse_policy_quorum_name(const endorse_policy *policy);
/* The fewest witnesses, beyond those with cosigned[i] set (cosigned may be
 * NULL: none), whose cosignatures would meet the quorum (0 for quorum
 * none; SIZE_MAX when out of memory). */
size_t endorse_policy_quorum_missing(const endorse_policy *policy, const bool *cosigned);
/* The quorum in words, malloc'd: "none", a witness's name, or a group's
 * name and what it asks, e.g. "two-of-three (2 of net, org, coop)". */
int endorse_policy_quorum_describe(char **out, const endorse_policy *policy);

/* Changes to keys/policy (policy_edit.c), each one write transaction (one
 * commit in git) under the log's lock, refused unless the new policy parses
 * and keeps the log line. No key signs them: the policy is not in the log
 * (docs/witnesses.md, "Changing the policy", says what protects it). */
typedef struct endorse_policy_change {
	const char *dir;
	bool commit;            /* one commit when dir is in a git work tree */
	char commit_hex[41];    /* out: the commit made (empty when none) */
	char completed_hex[41]; /* out: an interrupted earlier write completed first */
} endorse_policy_change;
/* Adds "witness NAME VKEY [URL]" after the policy's last witness line: a
 * new name, a cosignature vkey (type 0x04) not listed yet, a URL (NULL:
 * none) of http:// or https:// as keys/policy allows it. */
int endorse_policy_add_witness(endorse_policy_change *c, const char *name, const char *vkey,
	const char *url);
/* Sets the quorum: "none", the name of a witness or group of the policy,
 * or "K NAME NAME..." (K a number, any or all), which becomes the group
 * "endorse-quorum" (replacing the one an earlier set-quorum made). */
int endorse_policy_set_quorum(endorse_policy_change *c, const char *const *expr, size_t n);

/* ---- verification ---- */

typedef struct endorse_problem {
	const char *file;   /* relative to the repository, e.g. log/endorsements.jsonl */
	uint64_t line;      /* 1-based line number, 0 when the problem is the whole file */
	const char *rule;   /* short name of the broken rule, e.g. "signature" */
	const char *message;
	const char *commit; /* in git history: the commit (hex), else NULL */
	const char *author; /* in git history: its author, "Name <email>", else NULL */
} endorse_problem;

typedef struct endorse_state endorse_state;

/* What a caller of the verify functions will read of the replayed state;
 * the less, the less memory a large log costs. */
typedef enum endorse_verify_want {
	/* all of it (the default): documents, organisations and endorsements */
	ENDORSE_WANT_STATE = 0,
	/* the verdict, the documents and the organisations with their keys and
	 * confirmations: endorse_org.endorsements stays empty (about 4 bytes an
	 * endorsement instead of 200) */
	ENDORSE_WANT_VERDICT,
	/* all of it, and every leaf hash (endorse_state_leaves: 32 bytes an
	 * entry; otherwise only the roots that log/checkpoint needs are kept) */
	ENDORSE_WANT_LEAVES,
} endorse_verify_want;

/* Why a log that failed endorse_verify_base does not extend its base, when
 * endorse_rechain onto the base would repair it: the advice a user needs
 * instead of "the log may only grow". Set only when every problem found is
 * of the rules append-only, seq and prev, nothing of the common ancestor's
 * log is missing, and the branch's entries, re-chained after the base's
 * log, pass every rule and signature. NONE for anything else (an edited or
 * removed line, a forged entry). Advice only: the log stays invalid. */
typedef enum endorse_divergence {
	ENDORSE_DIVERGENCE_NONE = 0,
	/* the branch's new entries sit on an older version of the base's log */
	ENDORSE_DIVERGENCE_BEHIND,
	/* the file holds both sides' new lines, as a merge by hand or GitHub's
	 * "Resolve conflicts" button leaves them */
	ENDORSE_DIVERGENCE_BOTH_SIDES,
} endorse_divergence;

typedef struct endorse_verify_options {
	/* Called for each problem, in the order found. */
	void (*on_problem)(void *ctx, const endorse_problem *problem);
	/* Called for each entry that verified and was applied. */
	void (*on_entry)(void *ctx, const endorse_entry *entry, const endorse_state *state);
	void *ctx;
	/* Do not report a log/checkpoint whose cosignatures miss the policy's
	 * quorum (writers: the log stays writable while witnesses cosign). */
	bool quorum_optional;
	/* Threads that check signatures (0: one per online core). Results and
	 * problems are the same, in the same order, whatever the number. */
	unsigned jobs;
	/* What the caller will read of the state: the library keeps no more. */
	endorse_verify_want want;
	/* The log key the caller trusts from outside the repository (verify
	 * --log-key): a keys/policy that names another is a problem (rule
	 * log-key) wherever one is read (each version in endorse_verify_history,
	 * the head's in endorse_verify_base). NULL: the repository's own. */
	const endorse_vkey *log_key;
	/* Called for what breaks no rule but must not pass silently (a file a
	 * write killed in keys/orgs left for the next write to finish); rule is
	 * "note". Not counted as a problem. */
	void (*on_note)(void *ctx, const endorse_problem *note);
} endorse_verify_options;

/* Verifies the repository at dir: policy, every line of the log, and that
 * keys/orgs agrees with the log. Returns 0 when valid, ENDORSE_EINVALID
 * after reporting every problem found, another code when it could not run.
 * On 0 or ENDORSE_EINVALID, *out (if not NULL) holds the replayed state. */
int endorse_verify(endorse_state **out, const char *dir, const endorse_verify_options *opt,
	uint64_t *problem_count);

/* ---- the log in git (SPEC.md §6) ---- */

/* Walks the first-parent history of rev (NULL: HEAD) in the git repository
 * holding dir, reading every version from the object database (never the
 * work tree): at each commit that touches the log, keys/policy or keys/orgs,
 * the log must extend its previous version byte for byte, its new lines must
 * verify, the log key must be unchanged and keys/orgs must agree. Problems
 * name the commit and its author. A shallow clone is refused. */
int endorse_verify_history(endorse_state **out, const char *dir, const char *rev,
	const endorse_verify_options *opt, uint64_t *problem_count);

/* The pull-request check: head's log (NULL: HEAD) must extend base's byte for
 * byte; base's lines are replayed for their effect only (they were verified
 * when base was), the new lines are verified fully, and keys/orgs must agree
 * at head. *divergence (if not NULL) says, when the log does not extend the
 * base, whether a rechain onto it would repair it (endorse_divergence). */
int endorse_verify_base(endorse_state **out, const char *dir, const char *base,
	const char *head, const endorse_verify_options *opt, uint64_t *problem_count,
	endorse_divergence *divergence);

/* After another branch's entries were merged into onto, moves this branch's
 * own new entries (the lines of HEAD's log that onto's lacks; statements
 * and signatures unchanged) after onto's log with new seq and prev, and
 * commits the result with onto as first parent and HEAD as second, so that
 * the branch merges into onto without conflict. When HEAD is a merge whose
 * log holds both sides' lines out of order, the second parent is a bridge
 * commit on HEAD with the new log. Needs a clean work tree; no secret key. */
int endorse_rechain(const char *dir, const char *onto, uint64_t *moved, char commit_hex[41]);

/* The number of lines of the log at a git revision (0 if it has none), after
 * checking that it is a byte prefix of the log in dir's work tree
 * (ENDORSE_EINVALID when it is not: the log was rewritten since). */
int endorse_log_lines_at(const char *dir, const char *rev, uint64_t *lines);

/* ---- the Merkle tree (RFC 6962, SPEC.md §5) ---- */

typedef struct endorse_merkle {
	uint8_t stack[64][32]; /* roots of perfect subtrees, largest first */
	size_t depth;
	uint64_t size;         /* number of leaves */
} endorse_merkle;

/* SHA-256(0x00 || leaf); a leaf is a log line without its LF. */
void endorse_merkle_leaf_hash(uint8_t out[32], const uint8_t *leaf, size_t len);
void endorse_merkle_add(endorse_merkle *m, const uint8_t leaf_hash[32]);
/* The root of the leaves added so far (of zero leaves: SHA-256 of nothing). */
void endorse_merkle_root(const endorse_merkle *m, uint8_t out[32]);
/* The root of the replayed log's lines; false (and no root) when the
 * replay skipped lines verified before (verify --base). */
bool endorse_state_root(const endorse_state *state, uint8_t out[32]);

/* Proofs (RFC 9162 §2.1.3 and §2.1.4) over an array of leaf hashes. Each
 * proof is at most ENDORSE_MERKLE_MAX_PROOF hashes. */
#define ENDORSE_MERKLE_MAX_PROOF 64
/* The root of the first size leaves. */
void endorse_merkle_root_of(uint8_t out[32], const uint8_t (*leaves)[32], uint64_t size);
/* The inclusion proof of leaf index in the tree of the first size leaves,
 * from the leaf's sibling up; ENDORSE_EUSAGE unless index < size. */
int endorse_merkle_prove_inclusion(uint8_t proof[][32], size_t *len,
	const uint8_t (*leaves)[32], uint64_t size, uint64_t index);
/* The consistency proof from the tree of old_size leaves to the tree of
 * size leaves; ENDORSE_EUSAGE unless old_size <= size. Empty when old_size
 * is 0 or equals size. */
int endorse_merkle_prove_consistency(uint8_t proof[][32], size_t *len,
	const uint8_t (*leaves)[32], uint64_t old_size, uint64_t size);
bool endorse_merkle_check_inclusion(const uint8_t leaf_hash[32], uint64_t index, uint64_t size,
	const uint8_t root[32], const uint8_t proof[][32], size_t len);
/* A consistency proof from old_size 0 proves nothing and is refused. */
bool endorse_merkle_check_consistency(uint64_t old_size, uint64_t size,
	const uint8_t old_root[32], const uint8_t root[32], const uint8_t proof[][32], size_t len);
/* The leaf hashes of the replayed log, *count of them; NULL unless they
 * were kept (ENDORSE_WANT_LEAVES) and no line verified before was
 * skipped. */
const uint8_t (*endorse_state_leaves(const endorse_state *state, uint64_t *count))[32];

/* ---- signed notes (C2SP signed-note, tlog-cosignature) ---- */

#define ENDORSE_NOTE_MAX (1u << 20)    /* bytes of a note */
#define ENDORSE_NOTE_MAX_SIGNATURES 100 /* as Go's golang.org/x/mod/sumdb/note */

typedef struct endorse_note_signature {
	char *name;         /* UTF-8, no spaces or '+' */
	uint8_t key_id[4];
	uint8_t *sig;       /* the signature after the key ID */
	size_t sig_len;
	char *line;         /* the whole signature line without LF */
} endorse_note_signature;

typedef struct endorse_note {
	char *text;         /* up to and including the LF before the blank line */
	size_t text_len;
	endorse_note_signature *sigs;
	size_t sig_count;
} endorse_note;

/* Parses a signed note: UTF-8 without control characters but LF, text
 * ending in LF, a blank line, then 1 to ENDORSE_NOTE_MAX_SIGNATURES lines
 * "— name base64(key ID || signature)" with canonical base64. */
int endorse_note_parse(endorse_note **out, const char *msg, size_t len);
void endorse_note_free(endorse_note *note);
/* Whether the signature line names key: its name and key ID (not whether
 * the signature verifies). */
bool endorse_note_signed_by(const endorse_note_signature *sig, const endorse_vkey *key);
/* Checks the note's signatures by the known keys (type 0x01: Ed25519 over
 * the text; 0x04: a cosignature/v1 with its timestamp). Signatures by other
 * keys are ignored. A known key's signature that does not verify, a known
 * key signing twice, or no signature by any known key makes the note
 * invalid. verified[i] (and, for cosignatures, times[i]) tell which keys
 * signed; times may be NULL. */
int endorse_note_verify(const endorse_note *note, const endorse_vkey *keys, size_t n,
	bool *verified, uint64_t *times);
/* Adds key's signature (a cosignature/v1 at time for a 0x04 key),
 * replacing the key's earlier signature if the note has one. */
int endorse_note_sign(endorse_note *note, const endorse_secret_key *key, uint64_t time);
/* Adds a copy of sig (a signature line of another note of the same text),
 * replacing the signature of the same name and key ID if the note has one.
 * Nothing is verified: verify the note afterwards. */
int endorse_note_add_signature(endorse_note *note, const endorse_note_signature *sig);
/* A note with text and no signatures yet (text must end with LF). */
int endorse_note_new(endorse_note **out, const char *text, size_t len);
/* The note's bytes, malloc'd. */
int endorse_note_format(char **out, size_t *len, const endorse_note *note);

/* ---- checkpoints (C2SP tlog-checkpoint, SPEC.md §5) ---- */

#define ENDORSE_CHECKPOINT_PATH "log/checkpoint"
/* How far in the future a cosignature's time may lie (clock skew). */
#define ENDORSE_COSIGNATURE_SKEW 600

typedef struct endorse_checkpoint {
	char origin[ENDORSE_NAME_MAX + 1];
	uint64_t size;
	uint8_t root[32];
	size_t extension_lines;
} endorse_checkpoint;

/* Parses a checkpoint's note text: origin, size, base64 root, then any
 * extension lines (counted). */
int endorse_checkpoint_parse(endorse_checkpoint *out, const char *text, size_t len);
/* The note text of a checkpoint without extension lines, malloc'd. */
int endorse_checkpoint_format(char **out, size_t *len, const endorse_checkpoint *cp);

/* What a checkpoint note proved under a policy. */
typedef struct endorse_checkpoint_result {
	endorse_checkpoint checkpoint;
	endorse_note *note;
	size_t witnesses;        /* policy witnesses whose cosignature verified */
	bool *cosigned;          /* per policy witness (endorse_policy_witness) */
	uint64_t *times;         /* their cosignatures' times */
	bool quorum;             /* the policy's quorum is met */
} endorse_checkpoint_result;
void endorse_checkpoint_result_clear(endorse_checkpoint_result *res);
/* Checks a checkpoint note against a policy: well formed, no extension
 * lines, origin and signature of the policy's log key, every cosignature by
 * a policy witness valid and not dated after now + ENDORSE_COSIGNATURE_SKEW.
 * The quorum is evaluated, not required: see res->quorum. On
 * ENDORSE_EINVALID, endorse_error_get()->rule names the rule broken. */
int endorse_checkpoint_check(endorse_checkpoint_result *res, const endorse_policy *policy,
	const char *note, size_t len, uint64_t now);

/* ---- the replayed state ---- */

typedef struct endorse_document {
	char *id, *title, *url, *sha256, *time;
	uint64_t seq;
} endorse_document;

typedef struct endorse_endorsement {
	size_t document;     /* index into the documents */
	char *name, *url, *time;
	char key_id[9];      /* of the key that signed it */
	uint8_t public_key[32];
	uint64_t seq;
	bool active;         /* false after a withdraw */
	uint64_t withdrawn_seq; /* when !active: the withdraw's seq */
	bool key_revoked;    /* the key was revoked later; the endorsement still counts */
	uint64_t key_revoked_seq;
} endorse_endorsement;

/* A confirm entry (SPEC.md §7): the log operator found the key published
 * by the organisation's domain. */
typedef struct endorse_confirmation {
	char key_id[9];
	char method[6];      /* "https" or "dns" */
	char time[21];       /* the statement's time */
	uint64_t seq;
} endorse_confirmation;

typedef struct endorse_org {
	char *id;
	bool has_key;
	endorse_vkey key;    /* current key when has_key */
	/* The newest confirm of the current key since it became current (SPEC.md §7:
	 * the key is "confirmed"), and the newest confirm of a key the
	 * organisation held before; a key rotated away or revoked stays
	 * confirmed in history. Every confirm is an entry of the log. */
	bool confirmed;
	endorse_confirmation confirmation;
	bool older_confirmed;
	endorse_confirmation older_confirmation;
	endorse_endorsement *endorsements;
	size_t endorsement_count;
} endorse_org;

void endorse_state_free(endorse_state *state);
/* What verification found of log/checkpoint. */
typedef struct endorse_checkpoint_status {
	bool present;      /* present and valid */
	uint64_t size;
	uint8_t root[32];
	size_t witnesses;  /* policy witnesses whose cosignature verified */
	bool quorum;       /* they meet the policy's quorum */
} endorse_checkpoint_status;
const endorse_checkpoint_status *endorse_state_checkpoint(const endorse_state *state);
const char *endorse_state_origin(const endorse_state *state);
const endorse_vkey *endorse_state_log_key(const endorse_state *state);
uint64_t endorse_state_size(const endorse_state *state);
size_t endorse_state_document_count(const endorse_state *state);
const endorse_document *endorse_state_document(const endorse_state *state, size_t i);
/* The document with this sha256, or NULL; the pointer is
 * endorse_state_document(state, i) for its index i. */
const endorse_document *endorse_state_find_document(const endorse_state *state,
	const char *sha256);
/* The version of d (a document of this state) among those of its id,
 * counted from 1 in the order they were registered: ID@VERSION. */
size_t endorse_state_document_version(const endorse_state *state, const endorse_document *d);
/* The document version ref names: its SHA-256 (64 lowercase hex digits), a
 * prefix of it of at least 8 that no other version shares, "latest" (the
 * version registered last), a document id (its newest version) or
 * ID@VERSION (open-operations-manifesto@2). NULL when it names none or
 * more than one, with the error record saying which there are. */
const endorse_document *endorse_state_resolve_document(const endorse_state *state,
	const char *ref);
size_t endorse_state_org_count(const endorse_state *state);
/* Organisations in the order they first appeared in the log. */
const endorse_org *endorse_state_org(const endorse_state *state, size_t i);
/* The organisation with this id, or NULL. */
const endorse_org *endorse_state_find_org(const endorse_state *state, const char *id);
/* The keys org (an organisation of a state) has held, current, rotated
 * away or revoked (*revoked), in the order it got them. */
size_t endorse_org_key_count(const endorse_org *org);
const endorse_vkey *endorse_org_key(const endorse_org *org, size_t i, bool *revoked);

/* ---- writing ---- */

/* An append (or a log's creation): what to write and where. It also
 * rewrites (or removes) the file keys/orgs/ID.vkey of the statement's
 * organization. */
typedef struct endorse_append_request {
	const char *dir;
	const endorse_secret_key *key;       /* signs statement */
	const endorse_secret_key *new_key;   /* rotate: signs new_sig */
	/* Never changed: what it leaves out is filled in for the entry (and
	 * read back from endorse_write_result): signer and time when NULL, the
	 * document of an endorse (the newest version) or a withdraw (the
	 * newest version the organization endorses) when NULL, and a document
	 * given as a reference (endorse_state_resolve_document) becomes its
	 * SHA-256. */
	const endorse_statement *statement;
	/* record the write as one commit when dir is in a git work tree */
	bool commit;
	/* init and document: the file registered; inside dir, its path is
	 * marked -text in dir/.gitattributes with keys/ and log/ (NULL: only
	 * those two), and inside the git work tree it is committed with the
	 * entry when HEAD does not hold it as it is */
	const char *document_file;
	/* endorse: the organization already endorses the version, with a key
	 * since rotated away or revoked: end that endorsement by a withdrawal
	 * signed by the current key, in the same write (sign --reaffirm) */
	bool reaffirm;
	/* init: one more new file created and committed with the log, a path
	 * relative to dir such as init's CI workflow (NULL: none); refused
	 * when it exists, never overwritten */
	const char *init_file;
	const char *init_file_text;
} endorse_append_request;

/* What a write did. */
typedef struct endorse_write_result {
	uint64_t seq;              /* append: the new entry's seq */
	char commit_hex[41];       /* the commit made (empty when none) */
	/* the commit of an earlier write, killed between its files and its
	 * commit, that this write completed first (empty when none); set even
	 * when the write itself fails */
	char completed_hex[41];
	/* document: the version registered (1 for a new id), its id's count of
	 * versions; set too when refused for rule "new-document" (then 1);
	 * endorse, withdraw: the version concerned, of document_id */
	uint64_t document_version;
	char document_id[65];
	/* document: the file was committed with the entry (inside the work tree) */
	bool document_committed;
	/* the statement's time was the clock's, but the organisation had
	 * already claimed that second or a later one: the entry claims one
	 * second after its previous statement instead (time-order) */
	bool time_after_previous;
	/* The statement as written (set when the write succeeds): its signer
	 * (vkey text), its time, and the SHA-256 of the version it registers
	 * (document) or concerns (endorse, withdraw), else empty. */
	char signer[ENDORSE_VKEY_MAX];
	char time[21];
	char document_sha256[65];
} endorse_write_result;

/* What endorse_append_statement (or _document) would refuse that needs no
 * key and no lock: dir holds a log (keys/policy, valid), the fields the
 * statement has (endorse_statement_check_fields), when req->commit in a
 * git work tree an author for the commit, and a document reference that
 * names a version of the log (which reads its document lines). A writer
 * calls it before asking for a passphrase; req->key may be NULL. */
int endorse_append_precheck(const endorse_append_request *req, const endorse_verify_options *opt);
/* Under the log's lock: reads the log in one pass, checking as verify does
 * the lines that register documents and those of the statement's
 * organization (the others are only counted: CI verifies the whole log),
 * checks the new entry by the same rules, appends it all-or-nothing and
 * updates keys/orgs. A failure leaves the log and keys/orgs as they were.
 * Returns ENDORSE_EINVALID when a line it checks breaks a rule (the problem
 * callback says why) or when the new entry would. res->seq gets the new
 * entry's seq. */
int endorse_append_statement(const endorse_append_request *req,
	const endorse_verify_options *opt, endorse_write_result *res);
/* The same for a document statement. An id that no document of the log has
 * yet, although it has documents, is refused with ENDORSE_EEXISTS and rule
 * "new-document" unless new_document is true (a typo in a title would
 * start a new document for good); endorse_append_statement refuses it
 * always. The file registered (req->document_file), when inside the git
 * work tree and not as HEAD holds it, is committed with the entry. */
int endorse_append_document(const endorse_append_request *req, bool new_document,
	const endorse_verify_options *opt, endorse_write_result *res);

/* Whether a clone of the git work tree holding file gets other bytes than
 * the file's (a line-ending conversion, or changes not committed): git's
 * blob of it in HEAD, else in the index, else the blob git add would make
 * (its filters applied). *differs is false outside a work tree; else
 * other_sha256 is the SHA-256 of git's bytes and *where names them: "its
 * blob in HEAD", "its blob in the index" or "the blob git add would make". */
int endorse_repo_document_differs(const char *file, bool *differs, char other_sha256[65],
	const char **where);

/* The files of the repository that hold a registered document
 * (document_files.c): those .gitattributes marks "/PATH -text" (init and
 * document write one for each document registered from inside the
 * repository; keys/ and log/ aside), and the file at the path of a
 * document's URL (https://HOST/PATH), when they are regular files of dir.
 * on_mismatch gets each that no longer holds what was registered: a marked
 * file that holds no registered version, a URL's file that does not hold
 * the newest version of the document of that URL. */
int endorse_document_files_check(const endorse_state *state, const char *dir,
	void (*on_mismatch)(void *ctx, const char *path, const char *message), void *ctx);

/* Creates keys/policy and log/endorsements.jsonl with a first document
 * statement signed by the log key (req->key), and req->init_file. Refuses
 * where any of them exists. */
int endorse_log_create(const endorse_append_request *req, endorse_write_result *res);

/* ---- checkpoints, witnesses and proofs of a log repository ---- */

/* A write of log/checkpoint, by the operator (endorse_checkpoint_sign) or
 * by a witness (endorse_cosign): what to sign, and where. */
typedef struct endorse_checkpoint_request {
	const char *dir;
	const endorse_secret_key *key;
	/* cosign: the witness's state directory, and the time to sign */
	const char *state_dir;
	uint64_t now;
	bool commit;                 /* one commit when dir is in a git work tree */
} endorse_checkpoint_request;

/* What a write of log/checkpoint did (set whole by the call). */
typedef struct endorse_checkpoint_outcome {
	char commit_hex[41];         /* the commit made (empty when none) */
	char completed_hex[41];      /* an interrupted earlier write completed first */
	bool unchanged;              /* nothing to do: already signed or cosigned */
	endorse_checkpoint checkpoint; /* the checkpoint signed or cosigned */
	/* cosign refused as a split view: the checkpoint cosigned before (from
	 * the witness's state) and the one offered now (log/checkpoint), each
	 * the exact signed note (malloc'd) */
	char *evidence_before, *evidence_now;
	/* false when the state was of the old form that kept only the
	 * checkpoint's text (evidence_before is then that text, unsigned) */
	bool evidence_before_signed;
} endorse_checkpoint_outcome;
void endorse_checkpoint_outcome_clear(endorse_checkpoint_outcome *out);

/* Under the log's lock: verifies the log and signs a checkpoint of all its
 * lines into log/checkpoint with the policy's log key (cosignatures of the
 * previous checkpoint are dropped: they signed another tree head). */
int endorse_checkpoint_sign(const endorse_checkpoint_request *req,
	const endorse_verify_options *opt, endorse_checkpoint_outcome *out);
/* Under the log's lock: verifies the log and the checkpoint, checks that
 * the checkpoint is consistent with the last one this witness cosigned for
 * the origin (kept in state_dir), records it there atomically, then adds
 * the cosignature to log/checkpoint. A smaller tree (rollback) or another
 * root for a tree seen before (fork) is refused with ENDORSE_EINVALID and
 * both checkpoints in out->evidence_before and out->evidence_now. */
int endorse_cosign(const endorse_checkpoint_request *req, const endorse_verify_options *opt,
	endorse_checkpoint_outcome *out);

/* ---- asking the witnesses to cosign (C2SP tlog-witness, the client) ---- */

/* What became of one policy witness. */
typedef enum endorse_witness_status {
	ENDORSE_WITNESS_NO_URL,   /* keys/policy gives it no URL: not asked */
	ENDORSE_WITNESS_ALREADY,  /* log/checkpoint already has its valid cosignature: not asked */
	ENDORSE_WITNESS_COSIGNED, /* its cosignature verified and was added */
	ENDORSE_WITNESS_FAILED,   /* asked, no valid cosignature: message says why */
} endorse_witness_status;

typedef struct endorse_witness_answer {
	char *name;                    /* the policy's name for it */
	endorse_witness_status status;
	long http_status;              /* the last answer's status, 0 when none came */
	uint64_t witness_size;         /* the size a 409 answer gave, 0 when none */
	size_t ignored;                /* signature lines of other keys in its answer */
	char *message;                 /* FAILED: what happened, in words */
	char *line;                    /* COSIGNED: the cosignature line (no LF) */
} endorse_witness_answer;

typedef struct endorse_witness_request {
	const char *dir;
	long timeout_ms;               /* for each HTTP exchange, all included */
	const char *cacert;            /* https: the CAs to trust (NULL: the system's) */
	bool commit;                   /* one commit when dir is in a git work tree */
} endorse_witness_request;

/* What a request did (set whole by the call). */
typedef struct endorse_witness_outcome {
	endorse_checkpoint checkpoint;  /* log/checkpoint's */
	endorse_witness_answer *answers; /* one per policy witness, in its order */
	size_t count;
	size_t added;                   /* cosignatures added to log/checkpoint */
	bool quorum;                    /* log/checkpoint meets the quorum now */
	char commit_hex[41];            /* the commit made (empty when none) */
	char completed_hex[41];         /* an interrupted earlier write completed first */
} endorse_witness_outcome;
void endorse_witness_outcome_clear(endorse_witness_outcome *out);

/* Verifies the log and log/checkpoint, then sends the checkpoint to each
 * policy witness with a URL and no valid cosignature yet (POST
 * URL/add-checkpoint, old size 0, then once the size a 409 names with its
 * consistency proof), keeps each answer's cosignature that verifies with
 * THAT witness's policy key, and adds them all to log/checkpoint in one
 * write under the log's lock, if it still holds the same checkpoint. No
 * network exchange happens under the lock. A witness's failure is in its
 * answer, not in the return value: ENDORSE_EINVALID means the log or its
 * checkpoint does not verify. */
int endorse_witness_request_all(const endorse_witness_request *req,
	const endorse_verify_options *opt, endorse_witness_outcome *out);

/* A C2SP tlog-proof of one entry against log/checkpoint. selector is a seq
 * or an organisation id (its newest endorsement still in effect). No
 * signature of the log is verified again (verify does): the checkpoint must
 * verify under keys/policy and meet its quorum, and the proof must lead
 * from the entry's leaf to its root. The log's leaf hashes are kept in
 * cache_dir (if not NULL) so that the next proof need not hash the log. */
int endorse_prove(char **out, size_t *len, const char *dir, const char *selector,
	uint64_t *index, const char *cache_dir);

/* The log as C2SP tlog-tiles under out_dir, for the tree log/checkpoint
 * signs (it must verify under keys/policy; the quorum is not needed):
 * out_dir/checkpoint (its exact bytes, written last), tile/L/N[.p/W] and
 * tile/entries/N[.p/W] (each entry a log line without its LF). A tile
 * already there is never written again: it must hold exactly this log's
 * bytes (ENDORSE_EINVALID otherwise: out_dir holds another log's tiles, or
 * a rewritten history's), so only new tiles are written. No signature of
 * the log is verified again (verify does); its first size lines must be the
 * tree the checkpoint signs. */
typedef struct endorse_tiles_outcome {
	uint64_t size;   /* the checkpoint's number of entries */
	size_t written;  /* files written: new tiles, new bundles, the checkpoint */
	size_t kept;     /* tiles and bundles found as they must be */
} endorse_tiles_outcome;
int endorse_tiles_write(endorse_tiles_outcome *out, const char *dir, const char *out_dir);

typedef struct endorse_proof_result {
	uint64_t index;
	endorse_checkpoint_result checkpoint;
	endorse_entry entry;
} endorse_proof_result;
void endorse_proof_result_clear(endorse_proof_result *res);
/* Checks a tlog-proof offline: the checkpoint under the policy, its quorum,
 * the entry (one log line, with or without its LF): canonical, its seq the
 * proof's index, its signatures valid for the policy's origin, and its
 * inclusion in the checkpoint's tree. On ENDORSE_EINVALID,
 * endorse_error_get()->rule names the rule broken. */
int endorse_proof_verify(endorse_proof_result *res, const char *proof, size_t len,
	const endorse_policy *policy, const char *entry, size_t entry_len, uint64_t now);

/* ---- domain identity (SPEC.md §7) ---- */

/* Where a domain publishes its keys: https://ID/.well-known/endorse-keys or
 * the TXT records of _endorse.ID. */
typedef enum { ENDORSE_METHOD_HTTPS, ENDORSE_METHOD_DNS } endorse_domain_method;
typedef enum {
	ENDORSE_PLACE_PUBLISHED,     /* the place lists the key's exact vkey */
	ENDORSE_PLACE_NOT_PUBLISHED, /* it answered, without that vkey */
	ENDORSE_PLACE_UNREACHABLE,   /* no usable answer (reason says why) */
} endorse_place_status;

/* How a live check reaches the network; the strings mean what curl's
 * options of the same names mean. */
typedef struct endorse_net_options {
	const char *const *resolve;      /* HOST:PORT:ADDR */
	size_t resolve_count;
	const char *const *connect_to;   /* HOST1:PORT1:HOST2:PORT2 */
	size_t connect_to_count;
	const char *cacert;              /* NULL: the system's trust store */
	const char *dns_server;          /* ADDR[:PORT]; NULL: the system's resolvers */
	long timeout_ms;                 /* the whole check of one place */
} endorse_net_options;

typedef struct endorse_place_check {
	endorse_domain_method method;
	endorse_place_status status;
	char **listed;         /* the valid vkeys the place lists, in its order */
	size_t listed_count;
	size_t invalid_count;  /* lines or endorse-vkey= records that are not vkeys */
	char *reason;          /* UNREACHABLE: why, as plain text from the network's
	                          side (may hold a server's words: print it safely) */
	bool dnssec;           /* dns: the resolver said the answer was validated */
} endorse_place_check;

/* Checks live whether org_id's place publishes vkey (the exact text).
 * Returns 0 when the check ran (out->status says what it found), < 0 only
 * on local errors (bad arguments, memory). https refuses a name whose
 * addresses are not all public unless net->resolve or net->connect_to
 * names ORG:443, and connects only to the addresses it checked. */
int endorse_domain_check_place(endorse_place_check *out, const char *org_id, const char *vkey,
	endorse_domain_method method, const endorse_net_options *net);
void endorse_place_check_clear(endorse_place_check *c);
/* For each organisation of state (is_new[i] for endorse_state_org(state, i)):
 * whether its current key is new since the git revision rev, i.e. was not
 * its pinned key (keys/orgs/ID.vkey) at rev. */
int endorse_org_keys_new_since(bool *is_new, const endorse_state *state, const char *dir,
	const char *rev);
/* "https" or "dns". */
const char *endorse_domain_method_name(endorse_domain_method m);

/* What an organisation publishes for vkey, malloc'd: the body of
 * https://ID/.well-known/endorse-keys (the vkey and LF) and the TXT record
 * of _endorse.ID (without quotes). */
int endorse_domain_published_texts(char **well_known, char **txt, const char *vkey);


/* ---- a tlog-witness server (C2SP tlog-witness) ---- */

#define ENDORSE_ADD_CHECKPOINT_MAX ((size_t)64 * 1024) /* bytes of a request body */
#define ENDORSE_ADD_CHECKPOINT_MAX_PROOF 63
#define ENDORSE_LOG_LIST_MAX 100000     /* logs a witness serves */
#define ENDORSE_LOG_LIST_FILE_MAX ((size_t)64 << 20) /* bytes of their list */

/* An add-checkpoint request body: "old N", up to 63 base64 consistency
 * proof hashes, an empty line, then the signed checkpoint (note, pointing
 * into the body, checked by the caller). */
typedef struct endorse_add_checkpoint {
	uint64_t old_size;
	uint8_t proof[ENDORSE_ADD_CHECKPOINT_MAX_PROOF][32];
	size_t proof_len;
	const char *note;
	size_t note_len;
} endorse_add_checkpoint;
int endorse_add_checkpoint_parse(endorse_add_checkpoint *req, const char *body, size_t len);

/* The logs a witness witnesses, from a list in the witness network's
 * logs/v0 format: "vkey VKEY" (an Ed25519 log key), then optionally
 * "origin ORIGIN|none" (none: the vkey's name), "qpd", "bastion",
 * "contact" (accepted, not used); # comments and empty lines. */
typedef struct endorse_witnessed_log {
	endorse_vkey key;
	char origin[ENDORSE_NAME_MAX + 1];
} endorse_witnessed_log;
typedef struct endorse_log_list endorse_log_list;
int endorse_log_list_parse(endorse_log_list **out, const char *text, size_t len);
void endorse_log_list_free(endorse_log_list *list);
size_t endorse_log_list_count(const endorse_log_list *list);
const endorse_witnessed_log *endorse_log_list_at(const endorse_log_list *list, size_t i);
const endorse_witnessed_log *endorse_log_list_find(const endorse_log_list *list,
	const char *origin);

/* A witness server's answer to one request: an HTTP status, its body
 * (malloc'd) and content type, and for the server's log line the origin
 * and size asked about and, when refused, why (in plain words). */
typedef struct endorse_witness_reply {
	unsigned status;
	const char *content_type;
	char *body;
	size_t len;
	char origin[ENDORSE_NAME_MAX + 1];
	uint64_t size;
	char why[256];
} endorse_witness_reply;
void endorse_witness_reply_clear(endorse_witness_reply *a);

/* What a witness server serves: the logs it witnesses, its key, its state
 * directory (the same memory as endorse_cosign's state_dir). */
typedef struct endorse_witness_service {
	const endorse_log_list *logs;
	const endorse_secret_key *key;
	const char *state_dir;
} endorse_witness_service;

/* Before serving: the key is a witness key (type 0x04), and the state
 * directory can be made (0700) and locked. */
int endorse_witness_service_check(const endorse_witness_service *w);
/* POST add-checkpoint: checks the request as C2SP tlog-witness says (400,
 * 403, 404, 409 with the size it holds, 422), then, under the state's lock,
 * records the checkpoint with its cosignature (fsynced) and answers 200
 * with the cosignature line. Returns 0 with the answer set, or < 0 on local
 * trouble (the state cannot be read or written: the server answers 500). */
int endorse_witness_add_checkpoint(endorse_witness_reply *a, const endorse_witness_service *w,
	const char *body, size_t len, uint64_t now);
/* GET <hex SHA-256 of an origin>/checkpoint: the last checkpoint cosigned
 * for that origin, as recorded (200), or 404. */
int endorse_witness_get_checkpoint(endorse_witness_reply *a, const endorse_witness_service *w,
	const char *origin_hex);

#endif
