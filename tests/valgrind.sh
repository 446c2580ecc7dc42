#!/usr/bin/env bash
# The wrapper of `meson test --setup valgrind` (tests/meson.build): every test
# under valgrind's memcheck, failing on any memory error or leak.
#
# A compiled test (tests/unit) runs under valgrind itself. A shell script
# runs as it is, but with ENDORSE, FORGE and DNSQ pointing at wrappers that start
# each endorse (and forge) process under valgrind, writing a report per
# process; any non-empty report fails the test, whatever the script decided.
# valgrind has its own exit code (99) so that a script that expects endorse
# to fail cannot take a memory error for the failure it expected.
set -uo pipefail

vg=(valgrind --quiet --error-exitcode=99 --leak-check=full
	--show-leak-kinds=definite,indirect,possible
	--errors-for-leak-kinds=definite,indirect,possible --num-callers=30)

export ENDORSE_UNDER_VALGRIND=1  # tests may shorten loops that only time matters to
case "$(basename "$1")" in
bash | sh | python*) ;;
*) exec "${vg[@]}" "$@" ;;
esac

reports=$(mktemp -d "${TMPDIR:-/tmp}/endorse-valgrind.XXXXXX")
trap 'rm -rf "$reports"' EXIT
wrap() { # wrap NAME REAL: a script $reports/NAME that runs REAL under valgrind
	printf '#!/bin/sh\nexec %s --log-file=%q "%s" "$@"\n' "${vg[*]}" "$reports/$1.%p.log" "$2" \
		>"$reports/$1"
	chmod +x "$reports/$1"
}
# The steps that only build a case's starting point (tests/e2e/lib.sh and
# tests/audit/lib.sh: keygen, build_base, git_base, the audit logs) run the
# binary itself: every process under memcheck costs some 0.7 s, and the same
# commands run under memcheck in the cases that test them.
[ -n "${ENDORSE:-}" ] && export ENDORSE_FIXTURE="$ENDORSE"
[ -n "${ENDORSE:-}" ] && wrap endorse "$ENDORSE" && export ENDORSE="$reports/endorse"
[ -n "${FORGE:-}" ] && wrap forge "$FORGE" && export FORGE="$reports/forge"
[ -n "${DNSQ:-}" ] && wrap dnsq "$DNSQ" && export DNSQ="$reports/dnsq"

"$@"
rc=$?
for log in "$reports"/*.log; do
	[ -s "$log" ] || continue
	echo "valgrind: memory errors or leaks in $(basename "$log"):" >&2
	cat "$log" >&2
	rc=1
done
exit "$rc"
