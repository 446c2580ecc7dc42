/* A full disk, for tests (LD_PRELOAD): with FAILIO_AFTER=N, the first N
 * write(), pwrite() and fsync() calls on files (not standard input, output
 * or error) succeed and every later one fails with ENOSPC, as on a disk that
 * filled up and stays full. Without FAILIO_AFTER nothing changes. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static long remaining = -1;
static int initialised;

static int
disk_full(int fd)
{
	if (!initialised) {
		const char *after = getenv("FAILIO_AFTER");
		remaining = after != NULL ? strtol(after, NULL, 10) : -1;
		initialised = 1;
	}
	if (fd <= 2 || remaining < 0)
		return 0;
	if (remaining == 0) {
		errno = ENOSPC;
		return 1;
	}
	remaining--;
	return 0;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "write");
	return disk_full(fd) ? -1 : real(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "pwrite");
	return disk_full(fd) ? -1 : real(fd, buf, n, off);
}

int
fsync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "fsync");
	return disk_full(fd) ? -1 : real(fd);
}
