#!/usr/bin/env bash
# genhistory.sh: builds a git repository whose history holds a log of N
# commits, each made by the real endorse binary (init, then sign, withdraw
# and document, one entry and one commit each), for benchmarking
# `endorse verify --history`. Not a test. Slow, because every sign verifies
# the whole log before it appends: 2000 commits took 9 min 40 s on 2 CPUs.
# bench/genhistory.c builds the same kind of history in seconds; this script
# shows that the commits endorse itself makes verify the same way.
#
#   bench/genhistory.sh [-e ENDORSE] DIR [N [ORGS]]
#
# N commits in all (default 2000), by ORGS organisations (default 50) that
# take turns to endorse the newest document version and to withdraw; the log
# key registers a new version every 500 commits. Keys are unencrypted and
# kept in DIR.keys/, outside the repository. Claimed times are one second
# apart from 2026-01-01T00:00:00Z, so every organisation's times increase.
# DIR must not exist.
set -euo pipefail

endorse=${ENDORSE:-}
if [ "${1:-}" = -e ]; then
	endorse=$2
	shift 2
fi
if [ $# -lt 1 ] || [ $# -gt 3 ]; then
	echo "usage: $0 [-e ENDORSE] DIR [N [ORGS]]" >&2
	exit 2
fi
dir=$1 n=${2:-2000} orgs=${3:-50}
if [ -z "$endorse" ]; then
	endorse=$(cd "$(dirname "$0")/.." && pwd)/build/endorse
fi
endorse=$(realpath "$endorse")
if [ -e "$dir" ]; then
	echo "$0: $dir exists" >&2
	exit 2
fi
if [ "$n" -lt 1 ] || [ "$orgs" -lt 1 ]; then
	echo "$0: N and ORGS must be at least 1" >&2
	exit 2
fi

keys=$dir.keys
mkdir -p "$dir" "$keys"
keys=$(realpath "$keys")
cd "$dir"
git init -q -b main .
git config user.name "endorse bench"
git config user.email "bench@example.org"
export TZ=UTC
epoch=1767225600 # 2026-01-01T00:00:00Z
when() { printf -v now '%(%Y-%m-%dT%H:%M:%SZ)T' $((epoch + $1)); }

"$endorse" keygen --unencrypted -s "$keys/log.key" -p "$keys/log.vkey" example.org/bench \
	>/dev/null 2>&1
for ((i = 0; i < orgs; i++)); do
	"$endorse" keygen --unencrypted -s "$keys/org$i.key" -p "$keys/org$i.vkey" \
		"org$i.example.org" >/dev/null 2>&1
done

version=0
new_document() {
	printf 'Benchmark document, version %d\n' "$version" >"$keys/document.md"
	version=$((version + 1))
}

new_document
when 0
"$endorse" init --key "$keys/log.key" --document "$keys/document.md" \
	--title "Benchmark document" --url https://example.org/bench --time "$now" >/dev/null

declare -a endorsing
for ((k = 1; k < n; k++)); do
	when "$k"
	if ((k % 500 == 0)); then
		new_document
		"$endorse" document --key "$keys/log.key" --document "$keys/document.md" \
			--title "Benchmark document" --url https://example.org/bench --time "$now" >/dev/null
		continue
	fi
	o=$(((k - 1) % orgs))
	if [ "${endorsing[o]:-0}" = 1 ]; then
		"$endorse" withdraw --key "$keys/org$o.key" --time "$now" >/dev/null
		endorsing[o]=0
	else
		"$endorse" sign --key "$keys/org$o.key" --name "Benchmark organisation $o" \
			--url "https://org$o.example.org/" --time "$now" >/dev/null
		endorsing[o]=1
	fi
done
echo "$dir: $(git rev-list --count HEAD) commits, $(wc -l <log/endorsements.jsonl) entries"
