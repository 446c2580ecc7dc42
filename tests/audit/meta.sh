#!/usr/bin/env bash
# usage: meta.sh GOLDEN HOSTILE CHROMIUM JEKYLL   (the registered cases,
#                                               comma-separated)
#
# The audit suite's own bookkeeping: every case a script knows is registered
# in meson.build and nothing else; every golden file belongs to a case; the
# committed example log holds public files only (keys/policy, keys/orgs/*.vkey,
# log/endorsements.jsonl), never a secret key.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
status=0

# same WHAT KNOWN REGISTERED: two lists (newline- and comma-separated) agree
same() {
	local known want
	known=$(printf '%s\n' "$2" | sed '/^$/d' | sort)
	want=$(printf '%s\n' "$3" | tr ',' '\n' | sed '/^$/d' | sort)
	if [ "$known" != "$want" ]; then
		echo "FAIL: $1: the script's cases (<) and meson.build's (>) differ:" >&2
		diff <(printf '%s\n' "$known") <(printf '%s\n' "$want") >&2 || true
		status=1
	fi
}

cases_of() {  # the labels of the top-level case statement of a script
	awk '/^case "\$CASE" in/ { on = 1; next } on && /^esac/ { on = 0 }
		on && /^[a-z0-9 |-]+\)/ { sub(/\).*$/, ""); gsub(/ *\| */, "\n"); print }' "$1"
}

same golden.sh "$("$HERE/golden.sh" --list)" "$1"
same hostile.sh "$(cases_of "$HERE/hostile.sh")" "$2"
same chromium.sh "$(cases_of "$HERE/chromium.sh")" "$3"
same jekyll.sh "$(cases_of "$HERE/jekyll.sh")" "$4"

# golden files: exactly one per case (NAME.EXT)
files=$(cd "$HERE/golden" && ls | sed 's/\.[a-z]*$//' | sort)
same golden/ "$files" "$1"

# the example log: public files only
extra=$(cd "$HERE/example-log" && find . -type f ! -path ./keys/policy ! -path './keys/orgs/*.vkey' \
	! -path ./log/endorsements.jsonl | sort)
if [ -n "$extra" ]; then
	echo "FAIL: example-log/ holds files other than keys/policy, keys/orgs/*.vkey and" \
		"log/endorsements.jsonl: $extra" >&2
	status=1
fi
if grep -r -l -E 'PRIVATE\+KEY|endorse-secret-key' "$HERE/example-log" >&2; then
	echo "FAIL: example-log/ holds a secret key" >&2
	status=1
fi
[ "$status" -eq 0 ] && echo "ok [meta]"
exit "$status"
