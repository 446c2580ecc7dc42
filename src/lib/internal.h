/* Declarations shared by the library's files; not part of the public API. */
#ifndef ENDORSE_INTERNAL_H
#define ENDORSE_INTERNAL_H

#include <stdarg.h>
#include <sys/types.h>

#include "endorse.h"

#include "error.h"
#include "pins.h"
#include "report.h"
#include "state.h"

/* A rule broken by an input: the rule's short name and a message. */
typedef struct endorse_diag {
	const char *rule;
	char message[512];
} endorse_diag;
int endorse_diag_set(endorse_diag *diag, const char *rule, const char *fmt, ...)
	ENDORSE_PRINTF(3, 4);

/* A macro, so that the code returned is visible where the error is raised
 * (error.h). error.c defines the function as (name)(...). */
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
 * killed between the log and the pin leaves (storage.c): then org is the
 * organisation whose pin is to be finished. Its content is the new pin (a
 * vkey line), or "ID\n" when the pin goes away (empty in files of earlier
 * versions); its name is ID.vkey.tmp-XXXXXXXXXXXX or, when that is too long
 * for a file name, the first 16 bytes of SHA-256("ID.vkey") in hex followed
 * by .tmp-XXXXXXXXXXXX (endorse_temp_path). */
bool endorse_pin_temp_org(char org[ENDORSE_NAME_MAX + 1], const char *name, const char *text,
	size_t len);
int endorse_file_read_at(char **out, size_t *len, int dir_fd, const char *name, const char *path,
	size_t max);
/* storage.c: ENDORSE_EUSAGE if keys/, keys/orgs/ or log/ under dir is a
 * symbolic link or not a directory (each may be absent). */
int endorse_check_dirs(const char *dir);
/* store.c: sets org_id's pin to what the log says (a pin a killed write
 * left behind the log: storage.h). */
int endorse_store_finish_pin(const char *dir, const char *org_id);
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
/* Sets *offender to the first path (malloc'd) other than the log and
 * keys/orgs/ that differs between the two commits, or NULL. */
int endorse_repo_only_log_changed(const endorse_repo *r, const endorse_commit_id *from,
	const endorse_commit_id *to, char **offender);

/* Checks log/checkpoint's note against the policy and the log's tree
 * (with leaves: any size; else: the captured root), and, when prev is present, that it is
 * consistent with the previous checkpoint in history. Problems are
 * reported; a missed quorum only when check_quorum. Returns 0 unless it
 * could not run. */
int endorse_checkpoint_verify_log(endorse_checkpoint_status *seen, const endorse_policy *policy,
	const char *note, size_t len, const endorse_tree_view *tree,
	const endorse_checkpoint_status *prev, bool check_quorum, endorse_reporter *r);


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
