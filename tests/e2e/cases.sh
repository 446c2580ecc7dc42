#!/usr/bin/env bash
# usage: cases.sh SCRIPT CASE,CASE,... [SCRIPT CASES ...]
# Checks that the case labels of each script are exactly the registered ones.
set -euo pipefail
status=0
while [ $# -ge 2 ]; do
	script=$1 registered=$2
	shift 2
	known=$(awk '/^case "\$CASE" in/ { on = 1; next } on && /^[a-z0-9-]+\)$/ { sub(/\)$/, ""); print }' \
		"$script" | sort)
	want=$(printf '%s\n' "$registered" | tr ',' '\n' | sort)
	if [ "$known" != "$want" ]; then
		echo "FAIL: $(basename "$script"): cases and registered tests differ:" >&2
		diff <(printf '%s\n' "$known") <(printf '%s\n' "$want") >&2 || true
		status=1
	fi
done
exit "$status"
