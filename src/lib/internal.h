/* Declarations shared by the library's files; not part of the public API. */
#ifndef ENDORSE_INTERNAL_H
#define ENDORSE_INTERNAL_H

#include <stdarg.h>
#include <sys/types.h>

#include "endorse.h"

#include "error.h"

/* error.c, the older names of error.h's endorse_error_set (being replaced):
 * sets the thread's last error message and returns code. */
int endorse_fail(int code, const char *fmt, ...) ENDORSE_PRINTF(2, 3);
/* The same, keeping the last message after the new one: "new: last". */
int endorse_fail_wrap(int code, const char *fmt, ...) ENDORSE_PRINTF(2, 3);

/* Sets *rule (when rule is not NULL) to name and returns rc. */
int endorse_fail_rule(const char **rule, const char *name, int rc);

/* A rule broken by an input: the rule's short name and a message. */
typedef struct endorse_diag {
	const char *rule;
	char message[512];
} endorse_diag;
int endorse_diag_set(endorse_diag *diag, const char *rule, const char *fmt, ...)
	ENDORSE_PRINTF(3, 4);

/* The same as macros, so that the code returned is visible where the error
 * is raised (error.h). error.c defines the functions as (name)(...), which
 * the macros leave alone. */
#define endorse_fail(code, ...) ((void)(endorse_fail)((code), __VA_ARGS__), endorse_error_code(code))
#define endorse_fail_wrap(code, ...) \
	((void)(endorse_fail_wrap)((code), __VA_ARGS__), endorse_error_code(code))
#define endorse_diag_set(diag, rule, ...) \
	((void)(endorse_diag_set)((diag), (rule), __VA_ARGS__), endorse_error_code(ENDORSE_EINVALID))

/* points.c: a memo of the public keys that are points of prime order,
 * safe to share between threads. */
typedef struct endorse_points endorse_points;
endorse_points *endorse_points_new(void);
void endorse_points_free(endorse_points *points);
/* Whether pk is a valid Ed25519 point of prime order; points may be NULL. */
bool endorse_points_valid(endorse_points *points, const uint8_t pk[32]);

/* encoding.c */
/* Decodes canonical padded standard base64 of exactly want bytes. */
bool endorse_base64_decode_exact(uint8_t *out, size_t want, const char *text, size_t len);
/* out must hold sodium_base64_ENCODED_LEN(len, ORIGINAL) bytes. */
/* Decodes canonical padded standard base64 of at most max bytes. */
bool endorse_base64_decode(uint8_t *out, size_t max, size_t *got, const char *text, size_t len);
void endorse_base64_encode(char *out, size_t out_len, const uint8_t *bin, size_t len);
bool endorse_hex_decode_exact(uint8_t *out, size_t want, const char *text, size_t len);
void endorse_hex_encode(char *out, const uint8_t *bin, size_t len);
bool endorse_is_lower_hex(const char *text, size_t len);
/* A decimal without sign or leading zeros (but "0"), at most max. */
bool endorse_parse_decimal(uint64_t *out, const char *text, size_t len, uint64_t max);
/* Strict UTF-8: no overlong forms, surrogates or code points past U+10FFFF. */
bool endorse_utf8_valid(const uint8_t *text, size_t len);
/* Number of code points of valid UTF-8. */
size_t endorse_utf8_length(const char *text);

/* vkey.c: endorse_vkey_parse; without check_point, the public key is not
 * checked to be a point of prime order (it was checked when first seen). */
int endorse_vkey_parse_checked(endorse_vkey *out, const char *text, size_t len, bool check_point);
/* The vkey text and "\n", as keys/orgs/ID.vkey and .vkey files hold it;
 * returns its length. */
size_t endorse_vkey_format_line(char out[ENDORSE_VKEY_MAX + 1], const endorse_vkey *key);
/* The vkey of a public key (name must already be checked). */
void endorse_vkey_from_public(endorse_vkey *out, const char *name, uint8_t type,
	const uint8_t pk[32]);

/* file.c */
/* Reads a whole regular file, refusing symbolic links and files over max. */
int endorse_file_read(char **out, size_t *len, const char *path, size_t max);
/* The same for a secret: also refused when group or others have any access;
 * *out is sodium_malloc'd (release it with sodium_free, which wipes it). */
int endorse_file_read_private(char **out, size_t *len, const char *path, size_t max);
/* Replaces path atomically (temporary file, fsync, rename, fsync of the
 * directory). With exclusive, fails with ENDORSE_EEXISTS if path exists. */
int endorse_file_write_atomic(const char *path, const void *data, size_t len,
	mode_t mode, bool exclusive);
/* The first half of that: writes data to a new temporary file beside path
 * (endorse_temp_path), fsynced; *tmp_out gets its name (malloc'd). */
int endorse_file_write_temp(char **tmp_out, const char *path, const void *data, size_t len,
	mode_t mode);
int endorse_file_remove(const char *path);
/* path + ".tmp-" + 12 random hex digits, malloc'd; when that name would be
 * longer than 255 bytes, the hex of a hash of path's file name stands for it. */
char *endorse_temp_path(const char *path);
/* True for a file name endorse_temp_path makes. A writer killed mid-write
 * leaves such files; the next holder of the log's lock removes them (those
 * of keys/orgs after finishing the pins they name). verify of a work tree
 * reports those of keys/orgs, saying what they are (git trees never hold
 * them). */
bool endorse_is_temp_name(const char *name);
/* Removes the files endorse_temp_path(path) made that a killed writer left
 * (path itself stays); for the holder of the lock that guards path. */
void endorse_remove_temps_of(const char *path);
int endorse_write_all(int fd, const void *data, size_t len);
int endorse_fsync_dir(const char *path);
/* dir + "/" + rel, malloc'd. */
char *endorse_path_join(const char *dir, const char *rel);
int endorse_mkdir_p(const char *path, mode_t mode);
/* Opens dir/rel as a directory: dir as given (where the caller pointed),
 * each component of rel by openat(O_DIRECTORY|O_NOFOLLOW) from the one
 * opened before, made with mode first when create. ENDORSE_ENOTFOUND if a
 * component is missing (without create); ENDORSE_EUSAGE, before anything
 * is made inside it, if one is a symbolic link or not a directory. */
int endorse_dir_open(int *fd_out, const char *dir, const char *rel, bool create, mode_t mode);
/* The same for path's last component from its parent (the parents are
 * followed, and made with mode when create): a directory endorse owns, such
 * as the witness state, the proof cache or the key directory. */
int endorse_dir_open_path(int *fd_out, const char *path, bool create, mode_t mode);
/* 0 if dir/rel is a directory reached without symbolic links or is absent. */
int endorse_dir_check(const char *dir, const char *rel);
/* endorse_file_read of name in the directory dir_fd (path names it in
 * messages). */
/* Whether name, a file in keys/orgs with content text, is what a write
 * killed between the log and the pin leaves (store.c): then org is the
 * organisation whose pin is to be finished. Its content is the new pin (a
 * vkey line), or "ID\n" when the pin goes away (empty in files of earlier
 * versions); its name is ID.vkey.tmp-XXXXXXXXXXXX or, when that is too long
 * for a file name, the first 16 bytes of SHA-256("ID.vkey") in hex followed
 * by .tmp-XXXXXXXXXXXX (endorse_temp_path). */
bool endorse_pin_temp_org(char org[ENDORSE_NAME_MAX + 1], const char *name, const char *text,
	size_t len);
int endorse_file_read_at(char **out, size_t *len, int dir_fd, const char *name, const char *path,
	size_t max);
/* store.c: ENDORSE_EUSAGE if keys/, keys/orgs/ or log/ under dir is a
 * symbolic link or not a directory (each may be absent). */
int endorse_check_dirs(const char *dir);
/* Takes the log's write lock (flock on dir/log, a directory that is not a
 * symbolic link), waiting for other writers. */
int endorse_lock_log(int *fd_out, const char *dir);
void endorse_unlock_log(int fd);

/* json.c: the only user of jansson. */
/* Parses one log line (without LF): canonical JSON, restricted values,
 * exactly the members of SPEC.md §3 and §4, well-formed field values. */
int endorse_entry_parse(endorse_entry *out, const char *line, size_t len, endorse_diag *diag);
/* The same; without full, a line verified before is parsed without checking
 * its canonical form and its keys' points again. */
int endorse_entry_parse_checked(endorse_entry *out, const char *line, size_t len, bool full,
	endorse_diag *diag);
/* Checks that text is JSON (RFC 8259: any value, duplicate names allowed)
 * with the parser endorse_entry_parse uses before it applies the log's
 * restrictions; used by tests against JSON corpora. */
int endorse_json_check_syntax(const char *text, size_t len, endorse_diag *diag);

/* The same as endorse_entry_parse (full), with the key points checked
 * through points (may be NULL). */
int endorse_entry_parse_points(endorse_entry *out, const char *line, size_t len,
	endorse_points *points, endorse_diag *diag);

/* statement.c */
/* endorse_signed_message for an entry parsed (fully) from line. */
int endorse_signed_message_of_line(uint8_t **out, size_t *len, const char *origin,
	const char *line, size_t line_len, const endorse_statement *st);
/* Checks the members' values of a parsed statement (lengths, formats) and
 * parses its signer and its new_signer or key into entry; check_points as
 * for endorse_vkey_parse_checked, through points when it is not NULL. */
int endorse_statement_check_values(endorse_entry *entry, bool check_points,
	endorse_points *points, endorse_diag *diag);

#define ENDORSE_POLICY_MAX (1u << 20)

/* policy.c: as endorse_policy_parse, with the failing line (0: the whole
 * file) and rule in line_no and diag. */
int endorse_policy_parse_diag(endorse_policy **out, const char *text, size_t len,
	uint64_t *line_no, endorse_diag *diag);

/* state.c */
endorse_state *endorse_state_new(void);
int endorse_state_set_policy(endorse_state *state, const endorse_vkey *log_key);
/* Checks entry (already parsed) against the state and, when apply is set
 * and it passes, applies its effect. Without check_signatures (a line
 * verified before), signatures are not verified again. */
int endorse_state_check(endorse_state *state, const endorse_entry *entry, bool apply,
	bool check_signatures, endorse_diag *diag);

/* The signatures of an entry, checked ahead on another thread: what
 * endorse_state_check would find. Not checked: it checks them itself. */
typedef struct endorse_signatures {
	bool checked;
	bool sig_ok;
	bool new_sig_ok;  /* rotate */
} endorse_signatures;
/* endorse_state_check with apply and signatures, these checked ahead. */
int endorse_state_check_prepared(endorse_state *state, const endorse_entry *entry,
	const endorse_signatures *ahead, endorse_diag *diag);

/* What is known of a log's Merkle tree: every leaf hash, or only the root
 * at one size (captured while the log streamed by). */
typedef struct endorse_tree_view {
	const uint8_t (*leaves)[32];  /* NULL when not kept */
	uint64_t count;               /* entries in the log */
	uint64_t root_size;           /* without leaves: the size whose root is root */
	uint8_t root[32];
} endorse_tree_view;

/* Keep only what the rules need, not the details of endorsements: the
 * organizations' endorsements stay empty (a verifier's state, smaller). */
void endorse_state_rules_only(endorse_state *state);
/* Keep every leaf hash (for proofs and consistency), not only the root. */
void endorse_state_keep_leaves(endorse_state *state);
/* Remember the root of the first size entries as they stream by. */
void endorse_state_capture_root(endorse_state *state, uint64_t size);
void endorse_state_tree_view(const endorse_state *state, endorse_tree_view *view);

/* Counts one more line of the log, valid or not: state size is the next seq. */
void endorse_state_advance(endorse_state *state, const uint8_t line_hash[32],
	const uint8_t leaf_hash[32]);
/* Counts lines verified before without hashing them: the Merkle root is
 * then unknown (endorse_state_root_known), and head must be set after. */
void endorse_state_skip(endorse_state *state, uint64_t lines);
void endorse_state_set_head(endorse_state *state, const uint8_t line_hash[32]);
/* SHA-256 of the last line: the prev of the next entry. */
const uint8_t *endorse_state_head(const endorse_state *state);

/* prepare.c: lines prepared by worker threads for the replay. */
#define ENDORSE_MAX_JOBS 256
typedef struct endorse_prepared {
	const char *text;     /* NULL when the line was too long to keep */
	size_t len;           /* without LF, also when too long */
	bool has_lf;
	bool hashed;          /* hash and leaf are set */
	uint8_t hash[32];     /* SHA-256 of the line */
	uint8_t leaf[32];     /* its RFC 6962 leaf hash */
	int parse_rc;         /* endorse_entry_parse's, with diag */
	endorse_diag diag;
	endorse_entry entry;  /* when parse_rc is 0 */
	endorse_signatures sigs;
} endorse_prepared;
typedef struct endorse_workers endorse_workers;
/* The number of online cores, at least 1. */
unsigned endorse_default_jobs(void);
/* jobs threads (0: one per core; 1: none, the caller does the work) that
 * prepare lines of a log of this origin. */
int endorse_workers_new(endorse_workers **out, unsigned jobs, const char *origin);
void endorse_workers_free(endorse_workers *w);
/* Starts preparing lines[0..n); with one job, prepares them now. The lines
 * are the workers' until endorse_workers_wait returns. */
void endorse_workers_start(endorse_workers *w, endorse_prepared *lines, size_t n);
void endorse_workers_wait(endorse_workers *w);

/* replay.c */
/* Where problems go while a log is checked, and how many were found. In git
 * history, the commit being checked and its author are named too. */
typedef struct endorse_reporter {
	const endorse_verify_options *opt;
	uint64_t problems;
	const char *commit;
	const char *author;
} endorse_reporter;
void endorse_report(endorse_reporter *r, const char *file, uint64_t line, const char *rule,
	const char *fmt, ...) ENDORSE_PRINTF(5, 6);
/* Replays the lines of data, which continue what state has seen. trusted:
 * the lines were verified before (a prefix checked at an earlier commit), so
 * neither seq, prev, signatures, canonical form nor key points are checked
 * again, and lines are not hashed (the Merkle root becomes unknown). */
void endorse_replay_lines(endorse_state *state, const char *data, size_t len, bool trusted,
	endorse_reporter *r);
/* The same, applying only the lines that keep() accepts (the others are
 * only counted); keep is for trusted lines. */
void endorse_replay_lines_kept(endorse_state *state, const char *data, size_t len, bool trusted,
	bool (*keep)(void *ctx, const char *line, size_t len), void *ctx, endorse_reporter *r);
/* verify.c: keys/policy and endorse_replay_file_for, for a writer:
 * ENDORSE_EINVALID (and *out) when the lines it replays break a rule. */
int endorse_load_for_append(endorse_state **out, const char *dir, const char *org_id,
	const endorse_verify_options *opt, uint64_t *problem_count);
/* Whether a line may concern one of the organizations (it names one) or
 * registers a document: a superset, by the bytes, of the lines that do. */
bool endorse_line_concerns(const char *line, size_t len, const char *const *org_ids, size_t n);
/* The organisation names a parsed entry concerns, in names (NULL where it
 * has none): its statement's org, its signer's name, and the name of its
 * new signer or revoked key. Never what names, URLs or reasons mention. */
void endorse_entry_org_names(const endorse_entry *e, const char *names[3]);
/* Whether a parsed entry concerns org_id (NULL: none): it registers a
 * document, or one of endorse_entry_org_names is org_id. */
bool endorse_entry_concerns(const endorse_entry *e, const char *org_id);
/* Parses line into *e (endorse_entry_parse_checked with full) when it
 * concerns org_id and returns 1; returns 0 (*e empty) when it does not, or
 * ENDORSE_EINVALID (diag set) when a line that may concern it does not
 * parse. Lines that do not hold org_id anywhere are passed over unparsed. */
int endorse_line_select(endorse_entry *e, const char *line, size_t len, const char *org_id,
	bool full, endorse_diag *diag);
/* Calls fn for every line of dir/log/endorsements.jsonl, in order, read in
 * one pass with bounded memory: a line longer than ENDORSE_MAX_LINE comes
 * without its text, hashed (endorse_prepared's hash and leaf). batch_end:
 * the line is the last one read before the next read (and the last of the
 * log at its end). fn returns 0 to go on, > 0 to stop, < 0 an error. */
typedef int (*endorse_line_fn)(void *ctx, const endorse_prepared *line, bool batch_end);
int endorse_log_each_line(const char *dir, endorse_line_fn fn, void *ctx);
/* The state a writer needs, quickly: dir/log/endorsements.jsonl read in one
 * pass; only the lines that register documents or may concern org_id (NULL:
 * none) are parsed and checked as verify would (signatures too, prev not),
 * the others are only counted; the head is the hash of the last line. The
 * Merkle root is then unknown. */
int endorse_replay_file_for(endorse_state *state, const char *dir, const char *org_id,
	endorse_reporter *r);
/* Replays dir/log/endorsements.jsonl in one streaming pass. */
int endorse_replay_file(endorse_state *state, const char *dir, endorse_reporter *r);
/* One entry of keys/orgs as found on disk or in a git tree. */
struct endorse_pinned {
	char *name;
	char *text;
	size_t len;
	bool regular; /* a regular file (or blob) whose text was read */
	uint8_t id[20]; /* in git: the entry's object id */
};
int endorse_pinned_add(struct endorse_pinned **files, size_t *n, const char *name,
	const char *text, size_t len, bool regular);
void endorse_pinned_free(struct endorse_pinned *files, size_t n);
/* Reports every disagreement between keys/orgs (files, sorted in place) and
 * the organisations' current keys in state. */
void endorse_orgs_compare(const endorse_state *state, struct endorse_pinned *files, size_t n,
	endorse_reporter *r);
/* Parses keys/policy, reporting a problem with its line when it is invalid. */
int endorse_policy_check(endorse_policy **out, const char *text, size_t len, endorse_reporter *r);

/* repo.c: the only user of libgit2. */
typedef struct endorse_repo endorse_repo;
typedef struct endorse_commit_id {
	uint8_t id[20];
	char hex[41];
} endorse_commit_id;
enum endorse_blob_kind { ENDORSE_BLOB_ABSENT, ENDORSE_BLOB_FILE, ENDORSE_BLOB_LINK, ENDORSE_BLOB_OTHER };
typedef struct endorse_blob {
	enum endorse_blob_kind kind;
	const char *data; /* ENDORSE_BLOB_FILE: the content (not NUL-terminated) */
	size_t len;
	uint8_t id[20];   /* the object id, unless absent */
	void *object;     /* the git object that holds data */
	bool executable;  /* ENDORSE_BLOB_FILE: git mode 100755 (not 100644) */
} endorse_blob;
/* A file a write changes, relative to the log's directory: its new content
 * is data, or the file named by file (streamed into git); both NULL removes
 * it. */
struct endorse_change {
	const char *path;
	const char *data;
	size_t len;
	const char *file;
};
/* Opens the git repository that holds dir (ENDORSE_ENOTFOUND if none). */
int endorse_repo_open(endorse_repo **out, const char *dir);
void endorse_repo_free(endorse_repo *r);
bool endorse_repo_has_work_tree(const endorse_repo *r);
int endorse_repo_resolve(const endorse_repo *r, const char *rev, endorse_commit_id *out);
/* The first-parent history of tip, oldest first; refuses a shallow clone. */
int endorse_repo_first_parents(const endorse_repo *r, const endorse_commit_id *tip,
	endorse_commit_id **out, size_t *count);
int endorse_repo_commit_author(const endorse_repo *r, const endorse_commit_id *id, char **author);
/* Reads rel (relative to the log's directory) from the commit's tree. */
int endorse_repo_read(const endorse_repo *r, const endorse_commit_id *id, const char *rel,
	endorse_blob *out);
/* The same without reading the content: kind and id only (data NULL). */
int endorse_repo_peek(const endorse_repo *r, const endorse_commit_id *id, const char *rel,
	endorse_blob *out);
void endorse_blob_clear(endorse_blob *b);
/* Whether data[0..len) is the blob with this object id: git's own
 * content address, so that an old version of the log can be recognised as a
 * prefix of a new one without reading it. */
bool endorse_repo_blob_is(const endorse_repo *r, const uint8_t id[20], const char *data, size_t len);
/* The size of the blob at rel in the commit, without reading it; false if
 * it is not a regular file there. */
bool endorse_repo_blob_size(const endorse_repo *r, const endorse_commit_id *id, const char *rel,
	size_t *size, uint8_t blob_id[20]);
/* keys/orgs of the commit's tree (none if absent; one nameless non-regular
 * entry if it is not a directory). */
int endorse_repo_read_orgs(const endorse_repo *r, const endorse_commit_id *id,
	struct endorse_pinned **files, size_t *n);
/* Calls fn with the path (relative to the log's directory) of the log and
 * of every keys/orgs entry that the commit's tree holds with git mode 100755. */
int endorse_repo_each_executable(const endorse_repo *r, const endorse_commit_id *id,
	void (*fn)(void *ctx, const char *rel), void *ctx);
/* The parents of a commit, in order (none for a root commit). */
int endorse_repo_parents(const endorse_repo *r, const endorse_commit_id *id,
	endorse_commit_id **out, size_t *count);
int endorse_repo_merge_base(const endorse_repo *r, const endorse_commit_id *a,
	const endorse_commit_id *b, endorse_commit_id *out);
/* ENDORSE_EUSAGE if any of the paths differs from HEAD in the index or the
 * work tree, so that a commit never sweeps in the user's own changes. */
int endorse_repo_check_clean(const endorse_repo *r, const char *const *rels, size_t n);
int endorse_repo_check_author(const endorse_repo *r);
/* Sets *offender to the first path (malloc'd) other than the log and
 * keys/orgs/ that differs between the two commits, or NULL. */
int endorse_repo_only_log_changed(const endorse_repo *r, const endorse_commit_id *from,
	const endorse_commit_id *to, char **offender);
/* ENDORSE_EUSAGE unless the index and work tree match HEAD. */
int endorse_repo_check_clean_all(const endorse_repo *r);
/* ENDORSE_EIO when another git process holds the index or the branch. */
int endorse_repo_check_unlocked(const endorse_repo *r);
/* A commit made but not yet on the branch, and what it changes. */
#define ENDORSE_PENDING_PATHS 3 /* init: the log, keys/policy, .gitattributes */
#define ENDORSE_PENDING_PATH_MAX 300
typedef struct endorse_pending {
	endorse_commit_id commit;
	bool has_head;
	uint8_t head[20]; /* what the branch pointed at when the commit was made */
	char ref[256];    /* the branch (refs/heads/...), or HEAD when detached */
	size_t n;
	/* relative to the log's directory; the write replaces paths[0] first */
	char paths[ENDORSE_PENDING_PATHS][ENDORSE_PENDING_PATH_MAX];
} endorse_pending;
/* Makes the commit of the changes (parent HEAD, tree = HEAD's tree with the
 * changes) without moving anything, and records it in the git directory as
 * pending before any file changes (endorse_repo_recover). The caller writes
 * changes[0] first. */
int endorse_repo_prepare(const endorse_repo *r, const struct endorse_change *changes, size_t n,
	const char *message, endorse_pending *out);
/* Moves the branch to the pending commit if it has not moved meanwhile
 * (*moved tells whether it did), stages the changed paths and forgets the
 * record. */
int endorse_repo_publish(const endorse_repo *r, const endorse_pending *p, bool *moved);
/* Forgets the pending commit of a write that failed and put its files back. */
void endorse_repo_abandon(const endorse_repo *r);
/* Under the log's lock, before a write: finishes a write that was killed
 * between its files and its branch. It completes it (moves the branch,
 * stages the files; completed gets the commit) if the work tree already
 * holds the first file's new content, forgets it if that file is as it
 * was, and refuses (ENDORSE_EUSAGE) if it is neither. */
int endorse_repo_recover(const endorse_repo *r, char completed[41]);
/* rechain: commits the changes with first_parent first and HEAD second,
 * tree = first_parent's tree with the changes, checks it out (the work tree
 * must be clean) and moves the branch. */
int endorse_repo_commit_onto(const endorse_repo *r, const struct endorse_change *changes,
	size_t n, const endorse_commit_id *first_parent, const char *message,
	endorse_commit_id *out);

/* Checks log/checkpoint's note against the policy and the log's tree
 * (with leaves: any size; else: the captured root), and, when prev is present, that it is
 * consistent with the previous checkpoint in history. Problems are
 * reported; a missed quorum only when check_quorum. Returns 0 unless it
 * could not run. */
int endorse_checkpoint_verify_log(endorse_checkpoint_status *seen, const endorse_policy *policy,
	const char *note, size_t len, const endorse_tree_view *tree,
	const endorse_checkpoint_status *prev, bool check_quorum, endorse_reporter *r);

/* state.c: records what verification found of log/checkpoint. */
void endorse_state_set_checkpoint(endorse_state *state, const endorse_checkpoint_status *status);

/* store.c: the git side of a write. Opens the repository holding dir when
 * commit is set and dir is in a git work tree (else *out is NULL), after
 * checking that a commit of paths can be made: author configured, no git
 * lock held, an interrupted earlier write finished (its commit, if this
 * completed it, in completed), none of paths with uncommitted changes. */
int endorse_store_open_repo(endorse_repo **out, const char *dir, bool commit,
	const char *const *paths, size_t n, char completed[41]);
/* Replaces dir/rel with data atomically and, with repo, commits it as one
 * commit; a commit that cannot be made leaves the file as it was. */
int endorse_store_replace_file(const endorse_repo *repo, const char *dir, const char *rel,
	const char *data, size_t len, const char *message, char commit_hex[41]);

/* history.c: a new state with the log key of keys/policy at a commit. */
int endorse_history_state_at(endorse_state **out, const endorse_repo *repo,
	const endorse_commit_id *id, endorse_reporter *r);

/* dns.c: DNS lookups for the domain checks (SPEC §7), by c-ares. */
typedef struct endorse_dns_txt {
	char **records; size_t *lengths; size_t count; /* each record's strings concatenated */
	bool authenticated;                             /* the resolver set AD (DNSSEC) */
} endorse_dns_txt;
/* 0: an answer (count may be 0: the name has no TXT record); ENDORSE_ENOTFOUND: NXDOMAIN;
 * ENDORSE_EIO: no usable answer (timeout, SERVFAIL, refused): endorse_error_last() says why.
 * server: "ADDR", "ADDR:PORT" or "[V6]:PORT", NULL for the system's resolvers.
 * A record may hold any bytes (records[i] has a NUL after lengths[i] bytes,
 * and may hold NULs before). authenticated is the resolver's claim: c-ares
 * does not validate, so it means something only from a trusted local
 * validating resolver. timeout_ms bounds the whole lookup. */
int endorse_dns_txt_lookup(endorse_dns_txt *out, const char *name, const char *server, long timeout_ms);
void endorse_dns_txt_clear(endorse_dns_txt *txt);
/* The A and AAAA addresses of host, as numeric strings (malloc'd array of malloc'd),
 * from DNS only (not /etc/hosts); the same codes as endorse_dns_txt_lookup. */
int endorse_dns_addresses(char ***out, size_t *count, const char *host, const char *server, long timeout_ms);
void endorse_dns_addresses_free(char **addrs, size_t count);
/* address.c: whether a numeric address is public (not loopback, private, link-local, CGNAT
 * 100.64/10, multicast, unspecified, broadcast, documentation, benchmarking, reserved,
 * 6to4/Teredo/NAT64 or v4-mapped forms of those, ULA, site-local, ...). */
bool endorse_address_is_public(const char *numeric);

/* domain.c: what a place lists (SPEC.md §7), appended to out->listed and
 * out->invalid_count; no I/O. */
#define ENDORSE_WELL_KNOWN_MAX 65536
int endorse_domain_parse_well_known(endorse_place_check *out, const char *body, size_t len);
int endorse_domain_parse_txt(endorse_place_check *out, char *const *records,
	const size_t *lengths, size_t count);

/* https.c: the only user of libcurl. */
int endorse_https_init(void);
/* One GET of https://host/path: *body (malloc'd, NUL-terminated) and *len
 * on status 200 within ENDORSE_WELL_KNOWN_MAX bytes, else *reason (malloc'd)
 * says why not. pinned (HOST:443:ADDR[,ADDR]..., or NULL) is where curl
 * connects, after net->resolve and net->connect_to. Returns < 0 only on
 * local errors. */
int endorse_https_get(char **body, size_t *len, char **reason, const char *host,
	const char *path, const char *pinned, const endorse_net_options *net, long timeout_ms);

#endif
