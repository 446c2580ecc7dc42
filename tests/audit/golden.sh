#!/usr/bin/env bash
# usage: golden.sh CASE        compare one output with golden/CASE.EXT
#        golden.sh --list      print the cases
#
# Runs endorse audit on the committed example log (example-log/, made by
# make-example-log.sh) and compares its standard output byte for byte with
# the golden file; on a difference it prints a unified diff and fails.
# endorse must exit 0 and print nothing on standard error. Standard output is
# a file, never a terminal, and NO_COLOR=1 is set, so the table has no colour
# and no width limit.
#
# To regenerate the golden files after an intended change of a format (or
# after regenerating the example log), run every case with UPDATE_GOLDEN=1:
#
#   UPDATE_GOLDEN=1 meson test -C build --suite audit
#   # or, without meson:
#   for c in $(tests/audit/golden.sh --list); do
#           UPDATE_GOLDEN=1 ENDORSE=build/endorse tests/audit/golden.sh "$c"
#   done
#
# and review the diff (git diff tests/audit/golden) before committing it.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
EXAMPLE="$HERE/example-log"
GOLDEN="$HERE/golden"
V1=2ec9cdff77b436ca950ef50c60a95e226d8cb44d04c2b7994172126bc3acd2b5  # document version 1

# case: format and arguments of endorse audit
declare -A ARGS=(
	[table]="--format table"
	[json]="--format json"
	[csv]="--format csv"
	[markdown]="--format markdown"
	[html]="--format html"
	[jekyll]="--format jekyll"
	[default]=""
	[document-all-json]="--format json --document all"
	[document-v1-json]="--format json --document $V1"
	[latest-table]="--format table --document latest"
	[latest-json]="--format json --document latest"
	[latest-csv]="--format csv --document latest"
	[latest-markdown]="--format markdown --document latest"
	[latest-html]="--format html --document latest"
	[latest-jekyll]="--format jekyll --document latest"
	[since-0-json]="--format json --since 0"
	[since-13-table]="--format table --since 13"
	[since-13-json]="--format json --since 13"
	[since-13-csv]="--format csv --since 13"
	[since-13-markdown]="--format markdown --since 13"
	[since-16-json]="--format json --since 16"  # only confirms and a rotation after it: no change
	[since-20-json]="--format json --since 20"  # the log's size: nothing after it
	[org-alpha-json]="--format json --org alpha.example.org"
	[org-beta-table]="--org beta.example.org"
	[org-beta-json]="--format json --org beta.example.org"
	[org-gamma-table]="--org gamma.example.org"
	[org-gamma-json]="--format json --org gamma.example.org"
	[org-zeta-table]="--org zeta.example.org"  # an older key confirmed, then rotated
)

if [ "${1:-}" = --list ]; then
	printf '%s\n' "${!ARGS[@]}" | sort
	exit 0
fi

CASE=${1:?usage: golden.sh CASE | --list}
: "${ENDORSE:?ENDORSE must name the endorse binary}"
[ -n "${ARGS[$CASE]+set}" ] || { echo "golden.sh: unknown case $CASE" >&2; exit 2; }

# the golden file's extension follows the format
read -r -a args <<<"${ARGS[$CASE]}"
format=table
for ((i = 0; i < ${#args[@]}; i++)); do
	[ "${args[i]}" = --format ] && format=${args[i + 1]}
done
case "$format" in
table) ext=txt ;;
markdown) ext=md ;;
jekyll) ext=yml ;;
*) ext=$format ;;
esac
golden="$GOLDEN/$CASE.$ext"

T=$(mktemp -d "${TMPDIR:-/tmp}/endorse-golden.XXXXXX")
trap 'rm -rf "$T"' EXIT

rc=0
NO_COLOR=1 "$ENDORSE" audit -C "$EXAMPLE" "${args[@]}" >"$T/out" 2>"$T/err" </dev/null || rc=$?
if [ "$rc" -ne 0 ] || [ -s "$T/err" ]; then
	cat "$T/err" >&2
	echo "FAIL [$CASE]: endorse audit ${args[*]} exited $rc (expected 0 and an empty stderr)" >&2
	exit 1
fi

if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
	mkdir -p "$GOLDEN"
	if [ -f "$golden" ] && cmp -s "$T/out" "$golden"; then
		echo "unchanged [$CASE]: $golden"
	else
		cp "$T/out" "$golden"
		echo "UPDATED [$CASE]: $golden"
	fi
	exit 0
fi

if [ ! -f "$golden" ]; then
	echo "FAIL [$CASE]: no golden file $golden (make it with UPDATE_GOLDEN=1)" >&2
	exit 1
fi
if ! cmp -s "$golden" "$T/out"; then
	echo "FAIL [$CASE]: endorse audit ${args[*]} differs from $golden:" >&2
	diff -u "$golden" "$T/out" --label "golden/$CASE.$ext" --label "endorse audit ${args[*]}" >&2 || true
	echo "(if the change is intended: UPDATE_GOLDEN=1, see the top of golden.sh)" >&2
	exit 1
fi
echo "ok [$CASE]"
