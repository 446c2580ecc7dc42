#!/usr/bin/env bash
# End-to-end cases of parallel verification: signatures are checked on
# several threads, a batch of lines at a time, while the chain, the Merkle
# tree and the state go in order. Whatever --jobs says, verify must give the
# same exit status and the same report, byte for byte, in the same order,
# also when problems sit across the batches' edges (2,048 lines) and in the
# lines that are too long to keep.
#
# usage: parallel.sh CASE   (ENDORSE, GENLOG = bench/genlog)
set -euo pipefail

CASE=${1:?usage: parallel.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
GENLOG=${GENLOG:-$(dirname "$ENDORSE")/genlog}
[ -x "$GENLOG" ] || skip "no genlog at $GENLOG (bench/genlog.c, built beside endorse)"

# A valid log of 4,500 entries: three batches, with rotations and withdrawals.
make_log() {
	"$GENLOG" -j 2 "$R" 4500 40 || die "genlog failed"
}

# same_for_jobs ARGS...: runs verify ARGS with --jobs 1, 2, 3 and 8 and
# checks that the exit status, standard output and standard error agree;
# leaves the first run's in $T/out.1, $T/err.1 and RC.
# Under valgrind (tests/valgrind.sh), memcheck serialises the threads, so
# that comparing thread counts there tells nothing ThreadSanitizer and the
# plain run (every number, .ci/run) do not: --jobs 3 alone checks the
# memory of the worker threads' code.
jobs_list="1 2 3 8"
[ -z "${ENDORSE_UNDER_VALGRIND:-}" ] || jobs_list="3"
same_for_jobs() {
	local j first="" rc1
	for j in $jobs_list; do
		RC=0
		"$ENDORSE" verify -C "$R" --jobs "$j" "$@" >"$T/out.$j" 2>"$T/err.$j" || RC=$?
		if [ -z "$first" ]; then
			first=$j rc1=$RC
			[ "$j" = 1 ] || { cp "$T/out.$j" "$T/out.1" && cp "$T/err.$j" "$T/err.1"; }
		fi
		[ "$RC" = "$rc1" ] || die "verify $* --jobs $j exited $RC, --jobs $first exited $rc1"
		cmp -s "$T/out.1" "$T/out.$j" || die "verify $* --jobs $j printed another report: $(diff "$T/out.1" "$T/out.$j" | head -5)"
		cmp -s "$T/err.1" "$T/err.$j" || die "verify $* --jobs $j reported otherwise: $(diff "$T/err.1" "$T/err.$j" | head -5)"
	done
	RC=$rc1
}

case "$CASE" in
jobs-valid)
	make_log
	same_for_jobs
	[ "$RC" -eq 0 ] || die "the generated log does not verify: $(head -3 "$T/err.1")"
	grep -q "valid: 4500 entries" "$T/out.1" || die "unexpected report: $(cat "$T/out.1")"
	same_for_jobs --format json
	;;
jobs-same-report)
	make_log
	command -v "$PY" >/dev/null || skip "python3 is needed to damage the log"
	# One problem of each kind, several at the batches' edges (lines 2048,
	# 2049, 4096, 4097): a bad signature, a line too long to keep, a wrong
	# seq, an entry copied again, non-canonical JSON, a broken prev, no
	# final newline.
	"$PY" - "$LOG" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p, "rb").read().split(b"\n")[:-1]
def flip_sig(i):
    k = lines[i].index(b'"sig":"') + 10
    c = lines[i][k:k + 1]
    lines[i] = lines[i][:k] + (b"A" if c != b"A" else b"B") + lines[i][k + 1:]
flip_sig(99)
flip_sig(2047)
lines[2048] = b"x" * 70000
lines[3000] = lines[3000].replace(b'"seq":3000', b'"seq":3001')
lines[4095] = lines[4094]
lines[4096] = lines[4096].replace(b'{"prev"', b'{ "prev"', 1)
lines[4300] = lines[4300].replace(b'"prev":"', b'"prev":"0', 1).replace(b'0","seq"', b'","seq"', 1)
open(p, "wb").write(b"\n".join(lines))
EOF
	same_for_jobs
	[ "$RC" -eq 1 ] || die "a damaged log verified (exit $RC)"
	for want in "endorsements.jsonl:100: signature:" "endorsements.jsonl:2048: signature:" \
		"endorsements.jsonl:2049: line-length:" "endorsements.jsonl:2050: prev:" \
		"endorsements.jsonl:3001: seq:" "endorsements.jsonl:4096: seq:" \
		"endorsements.jsonl:4097: canonical" "endorsements.jsonl:4301: prev:" \
		"endorsements.jsonl:4500: final-lf:"; do
		grep -q "$want" "$T/err.1" || die "no '$want' in the report: $(head -20 "$T/err.1")"
	done
	same_for_jobs --format json
	[ "$RC" -eq 1 ] || die "a damaged log verified with --format json (exit $RC)"
	same_for_jobs --format github
	;;
jobs-many-pins)
	# keys/orgs of 5,000 organisations (one endorsement each) is
	# read on every thread, 4,096 files at a time, and reported in the
	# directory's order: problems in both chunks, leftovers among them.
	"$GENLOG" -j 2 "$R" 5001 5000 || die "genlog failed"
	P=$R/keys/orgs
	cp "$P/org1.example.org.vkey" "$P/org2.example.org.vkey"
	rm "$P/org3.example.org.vkey"
	head -c 5000 /dev/zero >"$P/org4.example.org.vkey"
	rm "$P/org4999.example.org.vkey"
	mkdir "$P/org4999.example.org.vkey"
	for i in 10 2000 4500; do
		printf 'garbage\n' >"$P/org$i.example.org.vkey.tmp-0123456789ab"
	done
	echo notes >"$P/notes.txt"
	same_for_jobs
	[ "$RC" -eq 1 ] || die "damaged pins verified (exit $RC)"
	for want in "org2.example.org.vkey: keys-orgs: does not pin" \
		"org3.example.org.vkey: keys-orgs: missing" \
		"org4.example.org.vkey: keys-orgs: must be a regular file" \
		"org4999.example.org.vkey: keys-orgs: must be a regular file" \
		"org10.example.org.vkey.tmp-0123456789ab: keys-orgs: unexpected file" \
		"org4500.example.org.vkey.tmp-0123456789ab: keys-orgs: unexpected file" \
		"keys/orgs/notes.txt: keys-orgs: unexpected file"; do
		grep -q "$want" "$T/err.1" || die "no '$want' in the report: $(head -20 "$T/err.1")"
	done
	[ "$(grep -c keys-orgs "$T/err.1")" -eq 8 ] || die "not 8 problems: $(cat "$T/err.1")"
	same_for_jobs --format json
	;;
jobs-usage)
	make_log
	for bad in 0 x 257 -1 ""; do
		RC=0
		"$ENDORSE" verify -C "$R" --jobs "$bad" >"$T/out" 2>"$T/err" || RC=$?
		[ "$RC" -eq 2 ] || die "--jobs '$bad' exited $RC, not 2"
		grep -q -- "--jobs takes a number of threads from 1 to 256" "$T/err" ||
			die "--jobs '$bad': $(cat "$T/err")"
	done
	"$ENDORSE" verify -C "$R" -j 256 >/dev/null || die "verify -j 256 failed"
	;;
*)
	die "unknown case"
	;;
esac
