/* repo.c: the library-internal declarations of its module. */
#ifndef ENDORSE_REPO_H
#define ENDORSE_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"
#include "pins.h"

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
	struct endorse_pins *out);

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

#endif
