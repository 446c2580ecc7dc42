/* Reading and replacing small files safely: no symbolic links followed, no
 * partial file ever visible, nothing overwritten unless asked. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "encoding.h"
#include "error.h"
#include "file.h"

char *
endorse_path_join(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);

	if (p != NULL)
		(void)snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

static int read_checked(char **out, size_t *len, int dir_fd, const char *name, const char *path,
	size_t max, bool private_file);

int
endorse_file_read(char **out, size_t *len, const char *path, size_t max)
{
	return read_checked(out, len, AT_FDCWD, path, path, max, false);
}

int
endorse_file_read_at(char **out, size_t *len, int dir_fd, const char *name, const char *path,
	size_t max)
{
	return read_checked(out, len, dir_fd, name, path, max, false);
}

int
endorse_file_read_private(char **out, size_t *len, const char *path, size_t max)
{
	return read_checked(out, len, AT_FDCWD, path, path, max, true);
}

/* name is opened relative to dir_fd; path names it in messages. */
static int
read_checked(char **out, size_t *len, int dir_fd, const char *name, const char *path, size_t max,
	bool private_file)
{
	int fd = -1, rc = 0;
	struct stat st;
	char *buf = NULL;
	size_t got = 0;

	*out = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; S_ISREG below
	 * refuses it, and the flag changes nothing for a regular file. */
	fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP)
			rc = endorse_error_set(ENDORSE_EINVALID, NULL,
				"%s: is a symbolic link; refusing to follow it", path);
		else if (errno == ENOENT)
			rc = endorse_error_set(ENDORSE_ENOTFOUND, NULL, "%s: no such file", path);
		else
			rc = endorse_error_set(ENDORSE_EIO, NULL, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL, "%s: not a regular file", path);
		goto out;
	}
	if (private_file && (st.st_mode & 077) != 0) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s: the key file can be read by group or others; run chmod 600 %s", path, path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL,
			"%s: larger than %zu bytes", path, max);
		goto out;
	}
	buf = private_file ? sodium_malloc((size_t)st.st_size + 1) : malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = endorse_error_set(ENDORSE_EIO, NULL, "%s: read failed: %s", path,
				n < 0 ? strerror(errno) : "file shrank");
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	buf = NULL;
out:
	if (private_file)
		sodium_free(buf);
	else
		free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

int
endorse_fsync_dir(const char *path)
{
	char *copy = strdup(path), *slash;
	const char *dir = ".";
	int fd, rc = 0;

	if (copy == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	slash = strrchr(copy, '/');
	if (slash == copy)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	if (slash != NULL)
		dir = copy;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		rc = endorse_error_set(ENDORSE_EIO, NULL,
			"%s: cannot sync directory: %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

int
endorse_write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The longest file name (POSIX NAME_MAX on the file systems endorse
 * writes to): keys/orgs/<id>.vkey of a 250-byte id is 255 bytes. */
#define FILE_NAME_MAX 255

char *
endorse_temp_path(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash != NULL ? slash + 1 : path;
	size_t n = strlen(path) + 32, dir_len = (size_t)(base - path);
	char *tmp = malloc(n), rnd_hex[13], base_hex[33];
	uint8_t rnd[6], digest[32];

	if (tmp == NULL)
		return NULL;
	randombytes_buf(rnd, sizeof(rnd));
	endorse_hex_encode(rnd_hex, rnd, sizeof(rnd));
	if (strlen(base) + 17 <= FILE_NAME_MAX) {
		(void)snprintf(tmp, n, "%s.tmp-%s", path, rnd_hex);
		return tmp;
	}
	/* too long to keep the name: its hash (a pin's record says whose it is
	 * inside: store.c) */
	crypto_hash_sha256(digest, (const uint8_t *)base, strlen(base));
	endorse_hex_encode(base_hex, digest, 16);
	(void)snprintf(tmp, n, "%.*s%s.tmp-%s", (int)dir_len, path, base_hex, rnd_hex);
	return tmp;
}

int
endorse_file_write_temp(char **tmp_out, const char *path, const void *data, size_t len,
	mode_t mode)
{
	char *tmp = endorse_temp_path(path);
	int fd = -1, rc = 0;

	*tmp_out = NULL;
	if (tmp == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		rc = endorse_error_set(ENDORSE_EIO, NULL,
			"%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return rc;
	}
	if (fchmod(fd, mode) != 0 || endorse_write_all(fd, data, len) != 0 || fsync(fd) != 0)
		rc = endorse_error_set(ENDORSE_EIO, NULL,
			"%s: cannot write: %s", tmp, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = endorse_error_set(ENDORSE_EIO, NULL,
			"%s: cannot write: %s", tmp, strerror(errno));
	if (rc != 0) {
		unlink(tmp);
		free(tmp);
		return rc;
	}
	*tmp_out = tmp;
	return 0;
}

int
endorse_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
	bool exclusive)
{
	char *tmp = NULL;
	int rc = endorse_file_write_temp(&tmp, path, data, len, mode);

	if (rc != 0)
		return rc;
	if (exclusive) {
		/* link() never replaces an existing file, unlike rename(). */
		if (link(tmp, path) != 0) {
			rc = errno == EEXIST
				? endorse_error_set(ENDORSE_EEXISTS, NULL,
					"%s: already exists", path)
				: endorse_error_set(ENDORSE_EIO, NULL,
					"%s: cannot create: %s", path, strerror(errno));
			goto out;
		}
	} else if (rename(tmp, path) != 0) {
		rc = endorse_error_set(ENDORSE_EIO, NULL,
			"%s: cannot replace: %s", path, strerror(errno));
		goto out;
	}
	rc = endorse_fsync_dir(path);
out:
	unlink(tmp);
	free(tmp);
	return rc;
}

int
endorse_file_remove(const char *path)
{
	if (unlink(path) != 0 && errno != ENOENT)
		return endorse_error_set(ENDORSE_EIO, NULL,
			"%s: cannot remove: %s", path, strerror(errno));
	return endorse_fsync_dir(path);
}

int
endorse_mkdir_p(const char *path, mode_t mode)
{
	char *copy = strdup(path);
	int rc = 0;

	if (copy == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	for (char *p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, mode) != 0 && errno != EEXIST) {
			rc = endorse_error_set(ENDORSE_EIO, NULL,
				"%s: cannot create directory: %s", copy,
				strerror(errno));
			break;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(copy);
	return rc;
}

bool
endorse_is_temp_name(const char *name)
{
	/* the suffix endorse_temp_path adds, whatever the name before it holds
	 * (an organisation id may itself contain ".tmp-") */
	size_t len = strlen(name);

	return len > 17 && memcmp(name + len - 17, ".tmp-", 5) == 0 &&
		endorse_is_lower_hex(name + len - 12, 12);
}

/* Removes the temporary files a killed writer left in DIR/SUB (its atomic
 * replacements and backups). Only the holder of the log's lock may: no
 * other writer can be using them. (Those of keys/orgs say which pins a
 * killed writer may have left behind the log: store.c finishes them.) */
static void
remove_stale_temps(int dir_fd)
{
	int fd = dup(dir_fd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (d == NULL && fd >= 0)
		close(fd);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (endorse_is_temp_name(e->d_name))
			(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d != NULL)
		(void)closedir(d);
}

/* dir/rel for messages: rel alone when dir is the current directory. */
static char *
shown_path(const char *dir, const char *rel, size_t rel_len)
{
	bool here = strcmp(dir, ".") == 0;
	size_t n = (here ? 0 : strlen(dir) + 1) + rel_len + 1;
	char *p = malloc(n);

	if (p != NULL)
		(void)snprintf(p, n, "%s%s%.*s", here ? "" : dir, here ? "" : "/", (int)rel_len, rel);
	return p;
}

/* Why dir/rel[0..len) could not be opened as a directory (errno from openat). */
static int
dir_error(int parent, const char *name, const char *dir, const char *rel, size_t len, int err)
{
	char *shown = shown_path(dir, rel, len);
	struct stat st;
	int rc;

	if (shown == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (err == ENOENT)
		rc = endorse_error_set(ENDORSE_ENOTFOUND, NULL, "%s: no such directory", shown);
	else if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
			"%s: is a symbolic link; refusing to follow it "
			"(endorse reads and writes only the directory itself: replace the link by "
			"the directory)", shown);
	else if (err == ENOTDIR || err == ELOOP)
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL, "%s: not a directory", shown);
	else
		rc = endorse_error_set(ENDORSE_EIO, NULL, "%s: %s", shown, strerror(err));
	free(shown);
	return rc;
}

int
endorse_dir_open(int *fd_out, const char *dir, const char *rel, bool create, mode_t mode)
{
	int fd, rc = 0;
	size_t at = 0;

	*fd_out = -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int code = errno == ENOENT ? ENDORSE_ENOTFOUND : ENDORSE_EIO;
		return endorse_error_set(code, NULL, "%s: %s", dir, strerror(errno));
	}
	while (rel[at] != '\0') {
		size_t n = strcspn(rel + at, "/");
		char name[256];
		int next;

		if (n == 0 || n >= sizeof(name)) {
			rc = endorse_error_set(ENDORSE_EUSAGE, NULL,
				"%s: not a directory name", rel);
			break;
		}
		memcpy(name, rel + at, n);
		name[n] = '\0';
		if (create && mkdirat(fd, name, mode) != 0 && errno != EEXIST) {
			rc = dir_error(fd, name, dir, rel, at + n, errno);
			break;
		}
		next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			rc = dir_error(fd, name, dir, rel, at + n, errno);
			break;
		}
		close(fd);
		fd = next;
		at += n;
		while (rel[at] == '/')
			at++;
	}
	if (rc != 0) {
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

int
endorse_dir_open_path(int *fd_out, const char *path, bool create, mode_t mode)
{
	char *copy = strdup(path), *slash;
	const char *parent = ".", *last;
	int rc = 0;

	*fd_out = -1;
	if (copy == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	slash = strrchr(copy, '/');
	last = copy;
	if (slash == copy) {
		parent = "/";
		last = copy + 1;
	} else if (slash != NULL) {
		*slash = '\0';
		parent = copy;
		last = slash + 1;
	}
	if (last[0] == '\0' || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
		/* "." or "..": a directory one reaches through its parents, which
		 * are followed like every directory above the one named */
		int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		int code = errno == ENOENT ? ENDORSE_ENOTFOUND : ENDORSE_EIO;

		if (fd < 0)
			rc = endorse_error_set(code, NULL, "%s: %s", path, strerror(errno));
		else
			*fd_out = fd;
	} else if (!create || strcmp(parent, ".") == 0 || strcmp(parent, "/") == 0 ||
		 (rc = endorse_mkdir_p(parent, mode)) == 0)
		rc = endorse_dir_open(fd_out, parent, last, create, mode);
	free(copy);
	return rc;
}

int
endorse_dir_check(const char *dir, const char *rel)
{
	int fd = -1, rc = endorse_dir_open(&fd, dir, rel, false, 0);

	if (fd >= 0)
		close(fd);
	return rc == ENDORSE_ENOTFOUND ? 0 : rc;
}

void
endorse_remove_temps_of(const char *path)
{
	char *copy = strdup(path), *slash = copy != NULL ? strrchr(copy, '/') : NULL;
	DIR *d = NULL;
	struct dirent *e;
	size_t n;

	if (slash == NULL || slash == copy) {
		free(copy);
		return;
	}
	*slash = '\0';
	n = strlen(slash + 1);
	d = opendir(copy);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, slash + 1, n) == 0 && strlen(e->d_name) == n + 17 &&
		    endorse_is_temp_name(e->d_name))
			(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d != NULL)
		(void)closedir(d);
	free(copy);
}

int
endorse_lock_log(int *fd_out, const char *dir)
{
	int fd, rc = endorse_dir_open(&fd, dir, "log", false, 0);

	*fd_out = -1;
	if (rc != 0)
		return rc;
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			close(fd);
			return endorse_error_set(ENDORSE_EIO, NULL,
				"cannot lock the log: %s", strerror(errno));
		}
	}
	*fd_out = fd;
	remove_stale_temps(fd);
	return 0;
}

void
endorse_unlock_log(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}
