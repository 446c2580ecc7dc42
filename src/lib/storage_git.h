/* storage_git.c: the git side of a storage transaction (storage.h). */
#ifndef ENDORSE_STORAGE_GIT_H
#define ENDORSE_STORAGE_GIT_H

#include "endorse.h"

#include "repo.h"
#include "repo_git.h"

/* A file a write changes, relative to the log's directory: its new content
 * is data, or the file named by file (streamed into git); both NULL removes
 * it. */
struct endorse_git_change {
	const char *path;
	const char *data;
	size_t len;
	const char *file;
};

/* A commit made but not yet on the branch, and what it changes. */
/* init: the log, keys/policy, .gitattributes, the document, the workflow */
#define ENDORSE_PENDING_PATHS 5
#define ENDORSE_PENDING_PATH_MAX 300
typedef struct endorse_git_pending {
	endorse_commit_id commit;
	bool has_head;
	uint8_t head[20]; /* what the branch pointed at when the commit was made */
	char ref[256];    /* the branch (refs/heads/...), or HEAD when detached */
	size_t n;
	/* relative to the log's directory; the write replaces paths[0] first */
	char paths[ENDORSE_PENDING_PATHS][ENDORSE_PENDING_PATH_MAX];
} endorse_git_pending;

/* ENDORSE_EUSAGE if any of the paths differs from HEAD in the index or the
 * work tree, so that a commit never sweeps in the user's own changes. */
int endorse_git_check_clean(const endorse_repo *r, const char *const *rels, size_t n);
/* ENDORSE_EUSAGE unless the index and work tree match HEAD. */
int endorse_git_check_clean_all(const endorse_repo *r);
int endorse_git_check_author(const endorse_repo *r);
/* ENDORSE_EIO when another git process holds the index or the branch. */
int endorse_git_check_unlocked(const endorse_repo *r);
/* Makes the commit of the changes (parent HEAD, tree = HEAD's tree with the
 * changes) without moving anything, and records it in the git directory as
 * pending before any file changes. The caller writes changes[0] first. */
int endorse_git_prepare(const endorse_repo *r, const struct endorse_git_change *changes,
	size_t n, const char *message, endorse_git_pending *out);
/* Moves the branch to the pending commit if it has not moved meanwhile
 * (*moved tells whether it did) and stages the changed paths. The record
 * stays until the caller forgets it, after removing its backups: a kill
 * before leaves them to the next write's recovery, one after leaves none. */
int endorse_git_publish(const endorse_repo *r, const endorse_git_pending *p, bool *moved);
/* Forgets the pending commit: of a write done, or of one that failed and
 * put its files back. */
void endorse_git_forget(const endorse_repo *r);
/* Finishes a write that was killed between its files and its branch: completes
 * it (moves the branch, stages the files; completed gets the commit) if the
 * work tree already holds the first file's new content, forgets it if that
 * file is as it was, and refuses (ENDORSE_EUSAGE) if it is neither. */
int endorse_git_recover(const endorse_repo *r, char completed[41]);
/* rechain: commits the changes with first_parent first and HEAD second,
 * tree = first_parent's tree with the changes, checks it out (the work tree
 * must be clean) and moves the branch. With a bridge message, the second
 * parent is instead a commit of that tree on HEAD (storage.h). */
int endorse_git_commit_onto(const endorse_repo *r, const struct endorse_git_change *changes,
	size_t n, const endorse_commit_id *first_parent, const char *message, const char *bridge,
	endorse_commit_id *out);

#endif
