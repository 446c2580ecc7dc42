/* Shared by the two files that use libgit2 (repo.c reads, storage_git.c
 * writes): the repository handle and the helpers both need. */
#ifndef ENDORSE_REPO_GIT_H
#define ENDORSE_REPO_GIT_H

#include "endorse.h"

#include <git2.h>

#include "repo.h"

struct endorse_repo {
	git_repository *git;
	char *prefix; /* the log's directory relative to the work tree: "" or "sub/dir/" */
};

/* code, with "what: " and libgit2's last message. */
int endorse_git_fail(int code, const char *what);
/* prefix + rel, malloc'd: rel as a path of the repository. */
char *endorse_repo_path(const endorse_repo *r, const char *rel);
void endorse_git_id(endorse_commit_id *out, const git_oid *oid);
int endorse_git_lookup_commit(git_commit **out, const endorse_repo *r, const endorse_commit_id *id);

#endif
