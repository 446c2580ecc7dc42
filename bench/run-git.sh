#!/usr/bin/env bash
# run-git.sh: the benchmarks of the log kept in git (docs/performance.md).
# Not a test: it builds large repositories in a scratch directory, times the
# verification commands and prints a table with the wall-clock seconds and
# the peak resident memory of each (GNU time: %e and %M), and the CPU
# seconds (user + system: %U + %S), which other load on the machine does not
# inflate.
#
#   bench/run-git.sh [BUILD [WORK]]
#
# BUILD is a build directory holding endorse, genhistory and genlog
# (default: build; a release build is what docs/performance.md's figures use:
# meson setup /tmp/b-rel --buildtype=release && ninja -C /tmp/b-rel). WORK is
# a scratch directory (default: a new one under ${TMPDIR:-/tmp}); it is
# deleted at the end unless KEEP=1. It needs about 2 GB of disk.
#
# Sizes, from the environment:
#   COMMITS=2000 HISTORY_ORGS=50     the history benchmark (genhistory)
#   LINES=1000000 BASE_ORGS=1000     the --base benchmark (genlog), plus one entry
#   REPEAT=3                         runs of each quick command (the median is shown)
#   FULL=1                           also time plain verify and verify --history
#                                    on the large log (about 2 minutes each)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$root/build}")
commits=${COMMITS:-2000} history_orgs=${HISTORY_ORGS:-50}
lines=${LINES:-1000000} base_orgs=${BASE_ORGS:-1000}
repeat=${REPEAT:-3} full=${FULL:-0}
endorse=$build/endorse

for tool in endorse genhistory genlog; do
	if [ ! -x "$build/$tool" ]; then
		echo "run-git.sh: $build/$tool is missing; build it first (ninja -C $build)" >&2
		exit 2
	fi
done
if [ ! -x /usr/bin/time ]; then
	echo "run-git.sh: /usr/bin/time (GNU time) is missing: apt-get install time" >&2
	exit 2
fi
if [ $# -ge 2 ]; then
	work=$2
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/endorse-bench.XXXXXX")
fi
work=$(realpath "$work")
if [ "${KEEP:-0}" != 1 ]; then
	trap 'rm -rf "$work"' EXIT
fi

rows=()
# measure LABEL ENTRIES COMMITS RUNS DIR COMMAND...: runs COMMAND in DIR RUNS
# times (it must succeed), keeps the median time and its peak RSS.
measure() {
	local label=$1 entries=$2 ncommits=$3 runs=$4 dir=$5
	shift 5
	local results=() i
	for ((i = 0; i < runs; i++)); do
		if ! (cd "$dir" && /usr/bin/time -f '%e %M %U %S' -o "$work/time.out" "$@" \
			>"$work/cmd.out" 2>&1); then
			echo "run-git.sh: '$*' failed in $dir:" >&2
			cat "$work/cmd.out" >&2
			exit 1
		fi
		results+=("$(tail -n 1 "$work/time.out")")
	done
	local e m u s cpu
	read -r e m u s < <(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
	cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	rows+=("$label|$entries|$ncommits|$e|$cpu|$((m / 1024))")
	echo "  $label: $e s ($cpu s CPU), $((m / 1024)) MiB: $(tail -n 1 "$work/cmd.out")" >&2
}

echo "== history: $commits commits, one entry each ($history_orgs organisations)" >&2
measure "genhistory (setup)" "$commits" "$commits" 1 "$work" \
	"$build/genhistory" history "$commits" "$history_orgs"
measure "verify --history" "$commits" "$commits" "$repeat" "$work/history" \
	"$endorse" verify --history
measure "verify (work tree)" "$commits" 1 "$repeat" "$work/history" "$endorse" verify
measure "genhistory --merges (setup)" "$commits" "$((2 * commits - 1))" 1 "$work" \
	"$build/genhistory" --merges merges "$commits" "$history_orgs"
measure "verify --history, merge commits" "$commits" "$((2 * commits - 1))" "$repeat" \
	"$work/merges" "$endorse" verify --history

echo "== base: a log of $lines lines in one commit, one entry more in the next" >&2
measure "genlog (setup)" "$lines" 0 1 "$work" "$build/genlog" big "$lines" "$base_orgs"
(
	cd "$work/big"
	git init -q -b main .
	git config user.name "endorse bench"
	git config user.email bench@example.org
)
measure "git add + commit (setup)" "$lines" 1 1 "$work/big" \
	bash -c 'git add keys log && git commit -q -m "a large log"'
"$endorse" keygen --unencrypted -s "$work/newcomer.key" -p "$work/newcomer.vkey" \
	newcomer.example.org >/dev/null 2>&1
measure "sign, commits (setup)" "$((lines + 1))" 2 1 "$work/big" \
	"$endorse" sign --key "$work/newcomer.key" --name "Newcomer" \
	--url https://newcomer.example.org/
measure "verify --base HEAD~1" "$((lines + 1))" 2 "$repeat" "$work/big" \
	"$endorse" verify --base HEAD~1
if [ "$full" = 1 ]; then
	measure "verify (work tree)" "$((lines + 1))" 1 1 "$work/big" "$endorse" verify
	measure "verify --history" "$((lines + 1))" 2 1 "$work/big" "$endorse" verify --history
fi

echo
echo "$("$endorse" --version 2>/dev/null | head -n 1 || echo 'endorse ?'), $(nproc) CPUs" \
	"($(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))," \
	"$(git --version), load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
printf '%-34s %9s %8s %9s %9s %13s\n' command entries commits seconds "CPU s" "peak RSS MiB"
for row in "${rows[@]}"; do
	IFS='|' read -r label entries ncommits seconds cpu rss <<<"$row"
	printf '%-34s %9s %8s %9s %9s %13s\n' "$label" "$entries" "$ncommits" "$seconds" "$cpu" "$rss"
done
