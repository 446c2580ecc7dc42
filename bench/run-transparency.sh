#!/usr/bin/env bash
# Benchmarks of issue 4's targets: the RFC 6962 root of 1,000,000 lines,
# and prove / verify-proof on a 1,000,000-line log after the log was read
# once. Not a test: it prints figures (GNU time's elapsed seconds and peak
# RSS) for docs/performance.md.
#
# usage: bench/run-transparency.sh BUILD-DIR   (e.g. a release build)
set -euo pipefail

B=$(cd "${1:?usage: run-transparency.sh BUILD-DIR}" && pwd)
E="$B/endorse"
W=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/endorse-bench.XXXXXX")}
export XDG_CACHE_HOME="$W/cache"
# t CMD...: runs CMD and prints its time (the command's own stderr may be
# redirected by the caller; the figure is written to $W/time first).
exec 3>&1 # the figures, whatever the command's output is redirected to
t() {
	local rc=0
	/usr/bin/time -o "$W/time" -f "  %e s, %M KB peak: $*" "$@" || rc=$?
	cat "$W/time" >&3
	return "$rc"
}

if [ ! -f "$W/log/log/endorsements.jsonl" ]; then
	echo "making a 1,000,000-line log (bench/genlog, 1,000 organisations) in $W/log"
	"$B/genlog" "$W/log" 1000000 1000
fi
seq 1 1000000 | sed 's/^/leaf-/' >"$W/short-lines"
echo "tree root, 1,000,000 short lines ($(wc -c <"$W/short-lines") bytes):"
t "$E" tree root <"$W/short-lines" >/dev/null
echo "tree root, the 1,000,000-line log ($(wc -c <"$W/log/log/endorsements.jsonl") bytes):"
cat "$W/log/log/endorsements.jsonl" >/dev/null # in the page cache, as after any read
t "$E" tree root <"$W/log/log/endorsements.jsonl" >/dev/null
rm -rf "$XDG_CACHE_HOME"
echo "prove 777777, first run (hashes the log, keeps the leaf hashes):"
t "$E" prove -C "$W/log" 777777 >"$W/proof" 2>/dev/null
echo "prove 777777 and prove 123456, the log read once before:"
t "$E" prove -C "$W/log" 777777 >"$W/proof" 2>/dev/null
t "$E" prove -C "$W/log" 123456 >/dev/null 2>/dev/null
echo "prove org7.example.org (its newest endorsement; reads the log, no hashing):"
t "$E" prove -C "$W/log" org7.example.org >/dev/null 2>/dev/null
sed -n 777778p "$W/log/log/endorsements.jsonl" >"$W/entry"
echo "verify-proof:"
t "$E" verify-proof "$W/proof" --policy "$W/log/keys/policy" --entry "$W/entry" >/dev/null
echo "(work directory: $W)"
