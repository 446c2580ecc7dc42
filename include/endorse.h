/*
 * endorse: verifiable endorsements of public documents.
 *
 * The library knows the formats of SPEC.md and the rules of the log. It never
 * prints and never exits: every function returns 0 or a negative ENDORSE_E*
 * code and leaves a message for endorse_error_last().
 */
#ifndef ENDORSE_H
#define ENDORSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENDORSE_VERSION "0.1.0"

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

/* The message of the last error in this thread; never NULL. */
const char *endorse_error_last(void);

/* Must be called once before anything else (initialises libsodium). */
int endorse_init(void);

/* ---- paths of a log repository (SPEC.md §2) ---- */

#define ENDORSE_POLICY_PATH "keys/policy"
#define ENDORSE_ORGS_DIR "keys/orgs"
#define ENDORSE_LOG_PATH "log/endorsements.jsonl"

/* Longest line of the log without its LF (SPEC.md §3). */
#define ENDORSE_MAX_LINE 65536

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
bool endorse_name_is_org_id(const char *name);
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
const endorse_vkey *endorse_secret_key_vkey(const endorse_secret_key *key);
void endorse_secret_key_sign(uint8_t sig[64], const endorse_secret_key *key,
	const uint8_t *msg, size_t len);
/* The Go note form PRIVATE+KEY+name+id+base64(type || seed), NUL-terminated,
 * in sodium_malloc memory: release it with sodium_free. */
int endorse_secret_key_export_go(char **out, const endorse_secret_key *key);
int endorse_secret_key_import_go(endorse_secret_key **out, const char *text, size_t len);

/* ---- statements and entries (SPEC.md §3, §4) ---- */

typedef enum endorse_statement_type {
	ENDORSE_DOCUMENT,
	ENDORSE_ENDORSE,
	ENDORSE_WITHDRAW,
	ENDORSE_ROTATE,
	ENDORSE_REVOKE,
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
	char *key, *reason;                       /* revoke */
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

/* The canonical serialisation (JCS) of a statement, malloc'd. */
int endorse_statement_serialize(char **out, size_t *len, const endorse_statement *st);
/* M = "endorse/v1" LF origin LF JCS(statement), malloc'd. */
int endorse_signed_message(uint8_t **out, size_t *len, const char *origin,
	const endorse_statement *st);
/* The canonical log line of an entry, without LF, malloc'd. */
int endorse_entry_serialize(char **out, size_t *len, const endorse_entry *entry);
/* The current UTC time as YYYY-MM-DDTHH:MM:SSZ. */
void endorse_time_now(char out[21]);
bool endorse_time_valid(const char *text);

/* s as a JSON string literal with quotes (escaped by jansson), malloc'd;
 * for tools that print JSON reports. */
char *endorse_json_quote(const char *s);

/* ---- trust policy (C2SP tlog-policy) ---- */

typedef struct endorse_policy endorse_policy;
/* Parses keys/policy; on failure the message names the line and the rule. */
int endorse_policy_parse(endorse_policy **out, const char *text, size_t len);
int endorse_policy_load(endorse_policy **out, const char *path);
void endorse_policy_free(endorse_policy *policy);
const endorse_vkey *endorse_policy_log_key(const endorse_policy *policy);
/* The policy text for a new log: its log key and no witness quorum. */
int endorse_policy_format_new(char **out, const endorse_vkey *log_key);

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

typedef struct endorse_verify_options {
	/* Called for each problem, in the order found. */
	void (*on_problem)(void *ctx, const endorse_problem *problem);
	/* Called for each entry that verified and was applied. */
	void (*on_entry)(void *ctx, const endorse_entry *entry, const endorse_state *state);
	void *ctx;
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
 * at head. */
int endorse_verify_base(endorse_state **out, const char *dir, const char *base,
	const char *head, const endorse_verify_options *opt, uint64_t *problem_count);

/* After another branch's entries were merged into onto, moves this branch's
 * own new entries (since the common ancestor; statements and signatures
 * unchanged) after onto's log with new seq and prev, and commits the result
 * with onto as first parent and HEAD as second, so that the branch merges
 * into onto without conflict. Needs a clean work tree; no secret key. */
int endorse_rechain(const char *dir, const char *onto, uint64_t *moved, char commit_hex[41]);

/* The number of lines of the log at a git revision (0 if it has none). */
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

typedef struct endorse_org {
	char *id;
	bool has_key;
	endorse_vkey key;    /* current key when has_key */
	endorse_endorsement *endorsements;
	size_t endorsement_count;
} endorse_org;

void endorse_state_free(endorse_state *state);
const char *endorse_state_origin(const endorse_state *state);
const endorse_vkey *endorse_state_log_key(const endorse_state *state);
uint64_t endorse_state_size(const endorse_state *state);
size_t endorse_state_document_count(const endorse_state *state);
const endorse_document *endorse_state_document(const endorse_state *state, size_t i);
/* Index of the document with this sha256, or -1. */
long endorse_state_find_document(const endorse_state *state, const char *sha256);
size_t endorse_state_org_count(const endorse_state *state);
/* Organisations in the order they first appeared in the log. */
const endorse_org *endorse_state_org(const endorse_state *state, size_t i);
const endorse_org *endorse_state_find_org(const endorse_state *state, const char *id);

/* ---- writing ---- */

/* What an append does besides adding a line: the file keys/orgs/ID.vkey it
 * rewrites (or removes), for an org id. */
typedef struct endorse_append {
	const char *dir;
	const endorse_secret_key *key;       /* signs statement */
	const endorse_secret_key *new_key;   /* rotate: signs new_sig */
	/* signer and time are filled in when NULL; so is the document of an
	 * endorse (the newest version) or a withdraw (the newest version the
	 * organization endorses) */
	endorse_statement *statement;
	/* record the write as one commit when dir is in a git work tree */
	bool commit;
	/* out: the commit made (empty when none) */
	char commit_hex[41];
} endorse_append;

/* Under the log's lock: verifies the whole log, checks the new entry by the
 * same rules, appends it all-or-nothing and updates keys/orgs. A failure
 * leaves the log and keys/orgs as they were. Returns ENDORSE_EINVALID when
 * the log on disk does not verify (the problem callback says why) or when
 * the new entry would break a rule. *seq_out gets the new entry's seq. */
int endorse_append_statement(endorse_append *req, const endorse_verify_options *opt,
	uint64_t *seq_out);

/* Creates keys/policy and log/endorsements.jsonl with a first document
 * statement signed by log_key (req->key). Refuses where either exists. */
int endorse_log_create(endorse_append *req);

#endif
