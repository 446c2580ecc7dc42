#!/usr/bin/env bash
# run.sh: the performance table of docs/performance.md. Not a test:
# it generates a log of N entries (bench/genlog) and measures, in one run
# and side by side, the cost floor (one core of raw crypto_sign_verify_detached
# over the log's N signatures, bench/floor, the fastest of three timings of
# a sample) and endorse's commands on that
# log: each as wall seconds, as a ratio to the floor, and as peak resident
# memory (GNU time's %e and %M).
#
# The second shape is a real log's: organisations that endorse once each
# (genlog DIR ORGS+1 ORGS: one document, then its first round), so every
# line brings a new key. Its floor is what SPEC
# requires of such a line, on one core: one crypto_sign_verify_detached and
# one crypto_core_ed25519_is_valid_point (bench/floor -p); its rows' ratios
# are to that floor.
#
#   bench/run.sh [BUILD [WORK]]
#
# BUILD holds endorse, genlog, genhistory and floor (default: build; the
# docs/performance.md's table uses a release build: meson setup /tmp/b-rel
# --buildtype=release && ninja -C /tmp/b-rel). WORK is a scratch directory
# (default: a new one under ${TMPDIR:-/tmp}), deleted at the end unless
# KEEP=1; 1,000,000 entries need about 2 GB of disk.
#
# From the environment:
#   SHAPE=all                   entries: only the N-entry log; orgs: only
#                               the one-endorsement logs (seconds, not minutes)
#   N=1000000 ORGS=10000        the log (genlog: rounds of a new document
#                               version endorsed by every organisation, with
#                               some withdrawals and rotations)
#   COMMITS=2000 HISTORY_ORGS=50  the verify --history repository (genhistory)
#   SAMPLE=50000                signatures the floor times (scaled to N)
#   ONCE="20000 200000"         organisations of the one-endorsement logs
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$root/build}")
n=${N:-1000000} orgs=${ORGS:-10000} commits=${COMMITS:-2000} history_orgs=${HISTORY_ORGS:-50}
sample=${SAMPLE:-50000} shape=${SHAPE:-all} once=${ONCE:-20000 200000}
endorse=$build/endorse

case $shape in
all | entries | orgs) ;;
*)
	echo "run.sh: SHAPE must be all, entries or orgs, not '$shape'" >&2
	exit 2
	;;
esac

for tool in endorse genlog genhistory floor; do
	if [ ! -x "$build/$tool" ]; then
		echo "run.sh: $build/$tool is missing; build it first (ninja -C $build)" >&2
		exit 2
	fi
done
if [ ! -x /usr/bin/time ]; then
	echo "run.sh: /usr/bin/time (GNU time) is missing: apt-get install time" >&2
	exit 2
fi
if [ $# -ge 2 ]; then
	work=$2
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/endorse-bench.XXXXXX")
fi
work=$(realpath "$work")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/cache" XDG_CONFIG_HOME="$work/config"

rows=() floor="" notes=()
# measure LABEL ENTRIES DIR COMMAND...: runs COMMAND in DIR (it must exit 0),
# standard input from $IN (default /dev/null), and keeps a row of the table,
# with the floor its ratio is to: $FLOOR seconds, - for none, or by default
# the N-entry floor (for rows of at least N entries).
measure() {
	local label=$1 entries=$2 dir=$3 e m
	shift 3
	if ! (cd "$dir" && /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" \
		<"${IN:-/dev/null}" >"$work/cmd.out" 2>"$work/cmd.err"); then
		echo "run.sh: '$*' failed in $dir:" >&2
		cat "$work/cmd.err" >&2
		exit 1
	fi
	read -r e m < <(tail -n 1 "$work/time.out")
	rows+=("$label|$entries|$e|$((m / 1024))|${FLOOR:-main}")
	echo "  $label: $e s, $((m / 1024)) MiB" >&2
}

# The N-entry log: rounds of versions endorsed by every organisation.
entries_shape() {
	echo "== a log of $n entries, $orgs organisations (genlog)" >&2
	measure "genlog (setup)" "$n" "$work" "$build/genlog" log "$n" "$orgs"
	log=$work/log
	cat "$log/log/endorsements.jsonl" >/dev/null  # in the page cache, as after any read
	read -r floor floor_sample floor_us < <("$build/floor" "$log" "$sample")
	echo "  floor: $floor s for $n signatures on one core ($floor_us us each, timed on $floor_sample)" >&2
	rows+=("floor: raw verify, one core|$n|$floor|-|-")

	measure "verify" "$n" "$log" "$endorse" verify
	measure "verify --jobs 1" "$n" "$log" "$endorse" verify --jobs 1
	IN="$log/log/endorsements.jsonl" measure "tree root" "$n" "$log" "$endorse" tree root
	measure "prove $((n / 2)) (first: hashes the log)" "$n" "$log" "$endorse" prove $((n / 2))
	measure "prove $((n / 3)) (leaf hashes kept)" "$n" "$log" "$endorse" prove $((n / 3))
	measure "audit" "$n" "$log" "$endorse" audit
	"$endorse" keygen --unencrypted -s "$work/newcomer.key" -p "$work/newcomer.vkey" \
		newcomer.example.org >/dev/null 2>&1
	measure "sign (files)" "$n" "$log" "$endorse" sign --key "$work/newcomer.key" \
		--name Newcomer --url https://newcomer.example.org/

	echo "== the same log in git, one entry more in the next commit" >&2
	(
		cd "$log"
		git init -q -b main .
		git config user.name "endorse bench"
		git config user.email bench@example.org
	)
	measure "git add + commit of the log (setup)" "$((n + 1))" "$log" \
		bash -c 'git add keys log && git commit -q -m "a large log"' 
	measure "sign (git: commits)" "$((n + 1))" "$log" "$endorse" withdraw --key "$work/newcomer.key" \
		--time "$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)"
	measure "verify --base HEAD~1" "$((n + 2))" "$log" "$endorse" verify --base HEAD~1

	echo "== verify --history: $commits commits of one entry ($history_orgs organisations)" >&2
	(cd "$work" && "$build/genhistory" history "$commits" "$history_orgs" >/dev/null 2>&1)
	measure "verify --history ($commits commits)" "$commits" "$work/history" "$endorse" verify --history
}

# ORGS organisations that endorse one document once each: ORGS + 1 lines.
orgs_shape() {
	local count=$1 dir=$work/once-$1 f f_sample f_us
	echo "== a log of $count organisations, one endorsement each (genlog)" >&2
	FLOOR=- measure "genlog (setup)" "$((count + 1))" "$work" "$build/genlog" "$dir" \
		"$((count + 1))" "$count"
	cat "$dir/log/endorsements.jsonl" >/dev/null
	read -r f f_sample f_us < <("$build/floor" -p "$dir" "$sample")
	echo "  floor: $f s for $((count + 1)) lines on one core ($f_us us each, timed on $f_sample)" >&2
	rows+=("floor: verify + point check, one core|$((count + 1))|$f|-|-")
	notes+=("$count organisations, one endorsement each: floor $f_us us a line")
	FLOOR=$f measure "verify ($count organisations)" "$((count + 1))" "$dir" "$endorse" verify
	FLOOR=$f measure "verify --jobs 1 ($count organisations)" "$((count + 1))" "$dir" \
		"$endorse" verify --jobs 1
	rm -rf "$dir"
}

if [ "$shape" != orgs ]; then
	entries_shape
fi
if [ "$shape" != entries ]; then
	for count in $once; do
		orgs_shape "$count"
	done
fi

echo
[ "$shape" = orgs ] || notes=("$n entries, $orgs organisations: floor $floor_us us a signature" \
	"${notes[@]}")
echo "endorse $("$endorse" --version 2>/dev/null | head -n 1 | awk '{print $NF}'):" \
	"$(nproc) cores ($(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'));" \
	"load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
for note in "${notes[@]}"; do
	echo "$note on one core"
done
printf '%-48s %9s %9s %9s %9s\n' command entries seconds "x floor" "peak MiB"
for row in "${rows[@]}"; do
	IFS='|' read -r label entries seconds rss row_floor <<<"$row"
	ratio=-
	if [ "$row_floor" = main ]; then
		row_floor=-
		[ -z "$floor" ] || [ "$entries" -lt "$n" ] || row_floor=$floor
	fi
	[ "$row_floor" = - ] ||
		ratio=$(awk -v s="$seconds" -v f="$row_floor" 'BEGIN { printf "%.2f", s / f }')
	printf '%-48s %9s %9s %9s %9s\n' "$label" "$entries" "$seconds" "$ratio" "$rss"
done
