/* file.c: the library-internal declarations of its module. */
#ifndef ENDORSE_FILE_H
#define ENDORSE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"

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

int endorse_file_read_at(char **out, size_t *len, int dir_fd, const char *name, const char *path,
	size_t max);

/* Takes the log's write lock (flock on dir/log, a directory that is not a
 * symbolic link), waiting for other writers. */
int endorse_lock_log(int *fd_out, const char *dir);

void endorse_unlock_log(int fd);

#endif
