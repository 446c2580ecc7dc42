/* A full disk and a crash, for tests (LD_PRELOAD). Without either variable
 * nothing changes.
 *
 * FAILIO_AFTER=N: the first N write(), pwrite() and fsync() calls on files
 * (not standard input, output or error) succeed and every later one fails
 * with ENOSPC, as on a disk that filled up and stays full.
 *
 * FAILIO_KILL_AT=N: the process kills itself with SIGKILL just before its
 * step N (counted from 0) that changes a file: those calls, and rename(),
 * link() and unlink(). Run with N = 0, 1, 2, ... until the command
 * finishes, a crash comes once at every point of a write. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static long full_after = -1, kill_at = -1;
static int initialised;

static void
init(void)
{
	const char *after = getenv("FAILIO_AFTER"), *at = getenv("FAILIO_KILL_AT");

	full_after = after != NULL ? strtol(after, NULL, 10) : -1;
	kill_at = at != NULL ? strtol(at, NULL, 10) : -1;
	initialised = 1;
}

/* Counts a step that changes a file; dies when its number comes. */
static void
step(void)
{
	if (!initialised)
		init();
	if (kill_at == 0)
		(void)raise(SIGKILL);
	if (kill_at > 0)
		kill_at--;
}

static int
disk_full(int fd)
{
	if (!initialised)
		init();
	if (fd <= 2)
		return 0;
	step();
	if (full_after < 0)
		return 0;
	if (full_after == 0) {
		errno = ENOSPC;
		return 1;
	}
	full_after--;
	return 0;
}

/* The libc function the shim stands in for. */
static void *
real_fn(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (real == NULL)
		*(void **)&real = real_fn("write");
	return disk_full(fd) ? -1 : real(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);

	if (real == NULL)
		*(void **)&real = real_fn("pwrite");
	return disk_full(fd) ? -1 : real(fd, buf, n, off);
}

ssize_t
copy_file_range(int in, off_t *in_off, int out, off_t *out_off, size_t n, unsigned int flags)
{
	static ssize_t (*real)(int, off_t *, int, off_t *, size_t, unsigned int);

	if (real == NULL)
		*(void **)&real = real_fn("copy_file_range");
	step();
	return real(in, in_off, out, out_off, n, flags);
}

int
fsync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		*(void **)&real = real_fn("fsync");
	return disk_full(fd) ? -1 : real(fd);
}

int
rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);

	if (real == NULL)
		*(void **)&real = real_fn("rename");
	step();
	return real(from, to);
}

int
link(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);

	if (real == NULL)
		*(void **)&real = real_fn("link");
	step();
	return real(from, to);
}

int
unlink(const char *path)
{
	static int (*real)(const char *);

	if (real == NULL)
		*(void **)&real = real_fn("unlink");
	step();
	return real(path);
}
