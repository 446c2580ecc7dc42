/* storage.c: the one way the library writes a log directory.
 *
 * Every write (an append of any statement, init, checkpoint, cosign,
 * rechain) is one transaction:
 *
 *     begin   take the log's lock (flock on log/); finish what a writer
 *             killed earlier left; in git, check that a commit can be made
 *     put     stage a file's new content (or its removal) beside it
 *     commit  the one commit point, then publish; or roll everything back
 *     end     forget what was staged, release the lock
 *
 * Two implementations sit behind it: a plain directory, and the same
 * directory in a git work tree, where the write is also exactly one commit
 * on the current branch.
 *
 * What is durable when, and what a kill at each step leaves:
 *
 * 1. put writes each new content to a temporary file beside its target
 *    (NAME.tmp-XXXXXXXXXXXX, fsync'd); an append copies the log and adds
 *    the line. A kill here leaves temporary files and nothing else: the
 *    next begin removes those of log/ (the lock) and finishes or removes
 *    those of keys/orgs (below).
 * 2. In git, commit first makes the commit object (blobs, tree, commit; the
 *    branch does not move) and records it in .git/endorse-pending. A commit
 *    that cannot be made changes no file. A kill here leaves an unreferenced
 *    commit and a record whose first file is as it was: the next begin
 *    forgets it.
 * 3. The first file put is replaced by rename(2), after its old content is
 *    kept (a hard link) or read: THIS is the commit point. Before it the
 *    write did not happen; after it, it did. Then the other files, in the
 *    order put, each renamed (a file that did not exist is linked, never
 *    replacing one made meanwhile) or removed, the directory fsync'd after
 *    each. A kill between the first file and a pin leaves the pin behind
 *    the log and its temporary file, which names the organisation (its new
 *    pin, or "ID\n" when the pin goes away): the next begin, under the lock,
 *    sets that pin to what the log says (the finish_pin callback) and
 *    removes the file. (document also puts the registered file, with the
 *    bytes it already holds and were hashed: renamed or not, it reads the
 *    same, so a kill leaves nothing to finish there.)
 *    A new file's temporary name is removed as soon as it is linked.
 * 4. In git, the branch moves to the commit (only if it still points where
 *    it did), the index gets the changed paths, the old files' links (step
 *    3) are removed, and then the record: whatever a kill leaves beside the
 *    paths the record names, the next begin removes (under the lock). A
 *    kill before the branch moves leaves the work tree ahead of the branch
 *    and the record: the next begin finds the first file holding the
 *    commit's content, writes the other files from the commit, moves the
 *    branch and stages them ("is now committed as"); if the first file is
 *    neither old nor new it refuses and says what to do. A kill after the
 *    branch moved leaves only the index behind: begin stages it.
 *
 * An error before the commit point changes nothing. An error after it and
 * before the branch moved (a full disk) puts every file back (the log from
 * its hard link, the others from what was read) and forgets the commit. An
 * error after the branch moved leaves the write done and says what is left
 * (the index).
 *
 * init (ENDORSE_STORAGE_CREATE) has no log to lock: it writes keys/policy
 * first, the commit point, so that a directory it leaves after a kill is
 * one every command finds as a log, and in git the next write finishes it;
 * before that point, init run again removes what a killed init left. In a
 * plain directory nothing records init's other files: after a kill past
 * its commit point, remove keys/ and log/ and run init again.
 *
 * rechain writes differently: git only, the whole work tree clean, no
 * record; its commit has another first parent and is checked out by git
 * before the branch moves. */
#ifndef ENDORSE_STORAGE_H
#define ENDORSE_STORAGE_H

#include "endorse.h"

#include "repo.h"
#include "repo_git.h"

typedef struct endorse_storage endorse_storage;

enum endorse_storage_mode {
	ENDORSE_STORAGE_WRITE,  /* under the log's lock */
	ENDORSE_STORAGE_CREATE, /* init: no log/ to lock yet */
	ENDORSE_STORAGE_REBASE, /* rechain: git work tree only; commit with a first parent */
};

struct endorse_storage_options {
	const char *dir;
	enum endorse_storage_mode mode;
	bool commit;                /* commit when dir is in a git work tree */
	const char *const *paths;   /* files the write may change: clean in git */
	size_t n;
	/* sets org_id's pin to what the log says (step 3) */
	int (*finish_pin)(const char *dir, const char *org_id);
};

/* How a failed commit left the files. */
enum endorse_storage_undo {
	ENDORSE_STORAGE_KEPT,     /* nothing to put back (or the write is done) */
	ENDORSE_STORAGE_UNDONE,   /* every file is as it was */
	ENDORSE_STORAGE_NOT_UNDONE,
};

/* What begin would refuse in a git work tree before any write, checked
 * without the lock: a commit needs an author (git config user.name and
 * user.email). 0 outside a work tree. */
int endorse_storage_check_commit(const char *dir);

/* Begins a transaction on opt->dir (a kill earlier is finished first: its
 * commit, when this completed one, in completed). */
int endorse_storage_begin(endorse_storage **out, const struct endorse_storage_options *opt,
	char completed[41]);
/* Ends it: a transaction not committed changes nothing. NULL is fine. */
void endorse_storage_end(endorse_storage *s);
/* The repository (NULL for a plain directory). */
const endorse_repo *endorse_storage_repo(const endorse_storage *s);
/* ENDORSE_EUSAGE when rel has uncommitted changes (git); 0 in a plain
 * directory. */
int endorse_storage_check_clean(const endorse_storage *s, const char *rel);
/* rel (relative to the directory) at a commit, or of the work tree when at
 * is NULL; ENDORSE_ENOTFOUND when it is not a regular file there. */
int endorse_storage_read(char **data, size_t *len, const endorse_storage *s,
	const endorse_commit_id *at, const char *rel, size_t max);
/* Stages rel's new content; the first file put is the commit point. */
int endorse_storage_put(endorse_storage *s, const char *rel, const char *data, size_t len);
/* Stages rel's old content followed by line and LF. */
int endorse_storage_append(endorse_storage *s, const char *rel, const char *line, size_t len);
/* Stages rel's removal; record is what its temporary file holds meanwhile. */
int endorse_storage_remove(endorse_storage *s, const char *rel, const char *record, size_t len);
/* The commit point and publication (onto: rechain's first parent). On an
 * error, *undo tells what became of the files; commit_hex gets the commit
 * made, or "". */
int endorse_storage_commit(endorse_storage *s, const char *message, const endorse_commit_id *onto,
	enum endorse_storage_undo *undo, char commit_hex[41]);
/* rechain: the commit's second parent is a bridge commit, on HEAD with the
 * same tree and this message (which must outlive the commit), instead of
 * HEAD itself: a merge keeps its second parent's lines in order, and a log
 * that held both sides' lines cannot be kept so. */
void endorse_storage_set_bridge(endorse_storage *s, const char *message);
/* After ENDORSE_STORAGE_NOT_UNDONE: the first file's old copy, if it is
 * still there (NULL if not). */
const char *endorse_storage_backup(const endorse_storage *s);

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

/* storage.c: ENDORSE_EUSAGE if keys/, keys/orgs/ or log/ under dir is a
 * symbolic link or not a directory (each may be absent). */
int endorse_check_dirs(const char *dir);

#endif
