#!/bin/sh
# The pure core (meson.build's endorse_core: keys, entries, statements,
# policy, merkle, note, checkpoint, proof) does no I/O, uses no threads and
# no git, and reads no clock. Checked on its objects: no undefined symbol of
# that kind, and no call into the rest of the library (which does I/O) but
# the few named below.
#
# usage: pure_core.sh path/to/libendorse_core.a
set -eu

lib=${1:?usage: pure_core.sh libendorse_core.a}
nm=${NM:-nm}

undefined=$("$nm" -u "$lib" | awk 'NF == 2 { print $2 }' | sort -u)
defined=$("$nm" --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u)
[ -n "$defined" ] || { echo "pure_core: no symbols in $lib" >&2; exit 2; }

# glibc's fortified and large-file variants (__read_chk, __open_2, open64,
# __xstat64) count as the call they wrap.
deny='^(open|openat|creat|read|readv|pread|write|writev|pwrite|close|fopen|fdopen|freopen|fclose|fread|fwrite|fgets|fputs|fputc|puts|putchar|printf|fprintf|vprintf|vfprintf|dprintf|perror|fflush|fsync|fdatasync|sync|rename|renameat|renameat2|unlink|unlinkat|remove|mkdir|mkdirat|rmdir|mkstemp|mkostemp|tmpfile|flock|fcntl|lockf|ioctl|opendir|fdopendir|readdir|closedir|scandir|stat|lstat|fstat|fstatat|statx|xstat|lxstat|fxstat|fxstatat|access|faccessat|realpath|readlink|readlinkat|symlink|link|linkat|chmod|fchmod|fchmodat|chown|umask|truncate|ftruncate|mmap|munmap|getcwd|chdir|fchdir|dup|dup2|dup3|pipe|socket|connect|bind|listen|accept|send|recv|sendto|recvfrom|poll|select|epoll_wait|getaddrinfo|gethostbyname|fork|vfork|execv|execve|execvp|system|popen|exit|_exit|abort|raise|kill|signal|sigaction|sleep|usleep|nanosleep|getenv|secure_getenv|setenv|time|clock_gettime|gettimeofday|clock|getpid|syslog)$|^(pthread|thrd|mtx|cnd|sem|git|giterr|curl|ares|json_load_file|json_dump_file)'

bad=$(printf '%s\n' "$undefined" |
	sed -e 's/^__//' -e 's/_chk$//' -e 's/_2$//' -e 's/64$//' |
	grep -E "$deny" || true)

# Calls out of the core that are not I/O, each with its reason:
#   endorse_points_valid: the memo of checked points (points.c) is shared by
#     worker threads, so it lives outside; the check itself is libsodium's.
allowed='^(endorse_points_valid)$'
outside=$(printf '%s\n' "$undefined" | grep '^endorse_' | while read -r s; do
	printf '%s\n' "$defined" | grep -qxF "$s" || printf '%s\n' "$s"
done | grep -vE "$allowed" || true)

status=0
if [ -n "$bad" ]; then
	echo "pure_core: the core calls I/O, thread, clock or git functions:" >&2
	for s in $bad; do
		printf '  %s in %s\n' "$s" "$("$nm" -A -u "$lib" | awk -v s="$s" '{
			n = $NF; sub(/^__/, "", n); sub(/(_chk|_2|64)$/, "", n)
			if (n == s) { k = split($1, a, ":"); print a[k - 1] } }' | sort -u | tr '\n' ' ')" >&2
	done
	status=1
fi
if [ -n "$outside" ]; then
	echo "pure_core: the core calls into the rest of the library:" >&2
	printf '  %s\n' $outside >&2
	status=1
fi
[ "$status" -ne 0 ] || echo "pure_core: $(printf '%s\n' "$defined" | grep -c '^endorse_') functions, no I/O"
exit "$status"
