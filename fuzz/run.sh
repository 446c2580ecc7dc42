#!/bin/sh
# run.sh SECONDS [TARGET...]: builds the fuzz targets, makes their seeds,
# and runs each target (default: all) for SECONDS, one after the other, so
# that one core stays free (FUZZ_JOBS: that many at once). Prints one line per
# target and exits 1 if any target found a crash, a leak, a timeout or ran
# out of memory.
#
# Environment:
#   FUZZ_BUILD      build directory (default: build-fuzz in the source tree);
#                   configured with clang, ASan and UBSan if it does not exist
#   FUZZ_ARTIFACTS  where crashing inputs go (default: $FUZZ_BUILD/fuzz-artifacts)
#   FUZZ_FLAGS      more libFuzzer flags, e.g. "-use_value_profile=1"
#   FUZZ_JOBS       targets run at once (default 1; CI, alone on its
#                   machine, runs 2)
set -eu

usage() {
	echo "usage: $0 SECONDS [entry|replay|note|checkpoint|proof|policy|vkey|key|domain|add_checkpoint|logs_list ...]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
secs=$1
shift
case $secs in '' | *[!0-9]*) usage ;; esac
all="entry replay note checkpoint proof policy vkey key domain add_checkpoint logs_list"
targets=${*:-$all}
for t in $targets; do
	case " $all " in *" $t "*) ;; *) echo "$0: unknown target $t" >&2; usage ;; esac
done

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${FUZZ_BUILD:-$src/build-fuzz}
artifacts=${FUZZ_ARTIFACTS:-$build/fuzz-artifacts}

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$src" -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false >"$build.setup.log" 2>&1 ||
		{ cat "$build.setup.log" >&2; exit 2; }
	rm -f "$build.setup.log"
fi
# only what fuzzing needs: the tests are not built here
ninja -C "$build" $(for t in $targets; do printf 'fuzz/fuzz_%s ' "$t"; done) fuzz/mkseeds \
	>"$build/fuzz-build.log" 2>&1 || { cat "$build/fuzz-build.log" >&2; exit 2; }
"$here/seeds.sh" "$build/fuzz-seeds" "$build/fuzz/mkseeds" >/dev/null

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
# run_target T: runs one target; its line goes to fuzz-logs/T.result, and
# the file fuzz-logs/T.failed exists if it failed.
run_target() {
	t=$1
	corpus=$build/fuzz-corpus/$t
	log=$build/fuzz-logs/$t.log
	mkdir -p "$corpus" "$artifacts/$t"
	rm -f "$build/fuzz-logs/$t.failed"
	dict=
	[ -f "$here/$t.dict" ] && dict=-dict=$here/$t.dict
	rc=0
	# new inputs go to the corpus (kept between runs); seeds are read only
	# shellcheck disable=SC2086
	"$build/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/$t/" $dict ${FUZZ_FLAGS:-} \
		"$corpus" "$build/fuzz-seeds/$t" >"$log" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $t: ${runs:-0} runs, ok (${rate:-0} runs/s)"
	else
		: >"$build/fuzz-logs/$t.failed"
		what=$(grep -m 1 -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: |.*runtime error)' "$log" || true)
		input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		echo "fuzz $t: FAILED after ${runs:-?} runs (exit $rc): ${what:-see the log}"
		echo "    input: ${input:-none written}; log: $log"
	fi >"$build/fuzz-logs/$t.result"
}

jobs=${FUZZ_JOBS:-1}
case $jobs in '' | *[!0-9]* | 0) echo "$0: FUZZ_JOBS must be a positive number" >&2; exit 2 ;; esac
mkdir -p "$build/fuzz-logs"
running=0
for t in $targets; do
	run_target "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
status=0
for t in $targets; do
	cat "$build/fuzz-logs/$t.result"
	[ ! -e "$build/fuzz-logs/$t.failed" ] || status=1
done
exit $status
