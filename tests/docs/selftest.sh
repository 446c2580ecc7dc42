#!/usr/bin/env bash
# selftest.sh SOURCE_ROOT: the docs runner (run.py) fails a document whose
# example drifted, and passes one whose examples hold: a console output that
# differs, a sh command that fails, a block of $ commands not marked
# console, a skip without a reason, a wrong masked value's shape.
set -uo pipefail
root=${1:?usage: selftest.sh SOURCE_ROOT}
[ -z "${ENDORSE_UNDER_VALGRIND:-}" ] || { echo "skipped under valgrind, as run.py is"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/endorse-docs-selftest.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0

# expect RC NAME: run.py on $T/NAME.md exits RC
expect() {
	python3 "$root/tests/docs/run.py" "$T/$2.md" "$root" >"$T/$2.out" 2>&1
	local rc=$?
	if [ "$rc" != "$1" ]; then
		echo "FAIL: $2: exit $rc, expected $1"
		cat "$T/$2.out"
		fails=$((fails + 1))
	fi
}

fence='```'
cat >"$T/good.md" <<DOC
<!-- docs-test: run
mkdir -p demo
-->

${fence}console
\$ ./build/endorse keygen --unencrypted example.org
example.org+0123abcd+AUz6DQC8RhbjYIfhplFFdCrK4R60DDtY4pbuX3lnS4un
…
\$ printf 'a\nb\nc\n'
a
…
\$ printf 'one two three\n'
one … three
${fence}

${fence}sh
test -d demo       # the scene's directory
${fence}

<!-- docs-test: skip it needs the network -->
${fence}sh
false
${fence}
DOC
expect 0 good

sed 's/^one … three$/one … four/' "$T/good.md" >"$T/output.md"
expect 1 output
sed 's/^test -d demo /test -d absent /' "$T/good.md" >"$T/status.md"
expect 1 status
printf '%s\n$ echo hi\nhi\n%s\n' "$fence" "$fence" >"$T/unmarked.md"
expect 1 unmarked
printf '<!-- docs-test: skip -->\n%ssh\ntrue\n%s\n' "$fence" "$fence" >"$T/noreason.md"
expect 1 noreason
# a masked value must still have its shape: a key ID is 8 hex digits
sed 's/^example.org+0123abcd+/example.org+0123+/' "$T/good.md" >"$T/shape.md"
expect 1 shape

[ "$fails" = 0 ] && echo "run.py: 6 documents, each judged as expected"
exit $((fails > 0))
