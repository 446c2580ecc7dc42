#!/usr/bin/env bash
# End-to-end cases of the C2SP tlog-witness protocol with endorse on both
# sides: `endorse witness serve` processes on 127.0.0.1, asked by
# `endorse witness request`. A log whose policy names two such witnesses
# reaches its quorum through checkpoint + witness request alone, verify
# passes and its tiles read back; the log grows (409, then the consistency
# proof); the witnesses restart in between, cleanly or killed; a rollback
# and two forks (another root for a size, another history after it) are
# refused with nothing stored; clients asking at once advance the state
# once.
#
# usage: witness_http.sh CASE   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=${1:?usage: witness_http.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_plain_git

# Under valgrind (tests/valgrind.sh) a witness answers slower.
SLOW=1
[ -z "${ENDORSE_UNDER_VALGRIND:-}" ] || SLOW=10
declare -A PID=() PORT=()

# The witnesses never outlive the case.
stop_all() {
	local w
	for w in "${!PID[@]}"; do
		kill -KILL "${PID[$w]}" 2>/dev/null || true
		wait "${PID[$w]}" 2>/dev/null || true
		echo "--- witness $w's log:"
		cat "$T/$w.err" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap stop_all EXIT

g() {
	git -C "$R" "$@"
}

# serve W: witness W (key $K/W.key, state $T/state-W) for the log's key,
# on a free port (the one it had before, after a restart).
serve() {
	local w=$1 line re='listening on http://127\.0\.0\.1:([0-9]+)/'
	printf 'logs/v0\n# the case'\''s log\nvkey %s\nqpd 1440\n' "$(vkey log)" >"$T/logs"
	: >"$T/$w.err"
	"$ENDORSE" witness serve --key "$K/$w.key" --listen "127.0.0.1:${PORT[$w]:-0}" \
		--logs "$T/logs" --state "$T/state-$w" </dev/null >/dev/null 2>"$T/$w.err" &
	PID[$w]=$!
	for _ in $(seq $((100 * SLOW))); do
		line=$(head -n 1 "$T/$w.err")
		[[ $line =~ $re ]] && break
		kill -0 "${PID[$w]}" 2>/dev/null || die "witness $w exited: $(cat "$T/$w.err")"
		sleep 0.1
	done
	[[ $line =~ $re ]] || die "witness $w did not say where it listens"
	PORT[$w]=${BASH_REMATCH[1]}
}

# stop W [SIGNAL]: SIGTERM (it exits 0) or SIGKILL.
stop() {
	local w=$1 sig=${2:-TERM} rc=0
	kill "-$sig" "${PID[$w]}"
	wait "${PID[$w]}" || rc=$?
	unset "PID[$w]"
	[ "$sig" = KILL ] || [ "$rc" -eq 0 ] || die "witness $w exited $rc on SIGTERM"
}

# answers W STATUS: how many requests witness W answered with STATUS.
answers() {
	grep -c -E "^[^ ]+ 127\.0\.0\.1 POST /add-checkpoint $2 " "$T/$1.err" || true
}

# state_size W: the size of the checkpoint witness W last cosigned.
state_size() {
	sed -n 2p "$T/state-$1"/*."$(vkey "$1" | cut -d+ -f2)"
}

# setup: the five-entry log in git, witnesses w1 and w2 served and in its
# policy with their URLs, quorum both.
setup() {
	git init -q "$R"
	g symbolic-ref HEAD refs/heads/main
	g config user.name "E2E Operator"
	g config user.email operator@example.org
	build_base
	keygen w1 witness1.example.org --witness
	keygen w2 witness2.example.org --witness
	serve w1
	serve w2
	fixture policy -C "$R" add-witness w1 "$(vkey w1)" "http://127.0.0.1:${PORT[w1]}"
	fixture policy -C "$R" add-witness w2 "$(vkey w2)" "http://127.0.0.1:${PORT[w2]}/"
	fixture policy -C "$R" set-quorum 2 w1 w2
}

# round: a checkpoint, then the witnesses asked: the quorum met, verify 0.
round() {
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	expect_pending
	expect_rc 0 witness request -C "$R" --timeout $((5 * SLOW))
	out_has "witness w1: cosigned"
	out_has "witness w2: cosigned"
	verify_ok
	grep -q -F "cosigned by 2 witnesses of the policy, quorum met" "$T/verify.out" ||
		die "verify does not count both cosignatures"
}

# grow [DIR]: one more entry, org1 endorsing v2.
grow() {
	fixture sign -C "${1:-$R}" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--time "${2:-2026-01-01T00:05:00Z}"
}

# refused_fork W TEXT: the request in $T/fork exits 3 saying TEXT; the
# witnesses' memory unchanged.
refused_fork() {
	cp -a "$T/state-w1" "$T/state-before"
	expect_rc 0 checkpoint -C "$T/fork" --key "$K/log.key"
	expect_rc 3 witness request -C "$T/fork" --timeout $((5 * SLOW))
	err_has "endorse: witness w1: no cosignature: $1"
	diff -r "$T/state-before" "$T/state-w1" >/dev/null || die "witness w1's memory changed"
	grep -q "— witness1.example.org " "$T/fork/log/checkpoint" && die "a cosignature was kept"
	return 0
}

case "$CASE" in
quorum)
	# done when: two endorse witnesses reach the quorum through checkpoint
	# + witness request alone, verify passes, and the tiles read back
	setup
	before=$(g rev-list --count HEAD)
	round
	[ "$(g rev-list --count HEAD)" -eq $((before + 2)) ] || die "not one commit each for checkpoint and request"
	[ "$(g log -1 --format=%s)" = "endorse: 2 witnesses cosign the checkpoint of 5 entries" ] ||
		die "commit message: $(g log -1 --format=%s)"
	[ "$(answers w1 200)" -eq 1 ] && [ "$(answers w2 200)" -eq 1 ] || die "not one 200 from each"
	[ "$(state_size w1)" = 5 ] && [ "$(state_size w2)" = 5 ] || die "the witnesses do not hold size 5"
	expect_rc 0 tiles -C "$R" --out "$T/tiles"
	"$PY" "$HERE/tiles_read.py" "$T/tiles" "$LOG" || die "the tiles do not read back"
	# asked again: both cosigned already, nobody is asked
	expect_rc 0 witness request -C "$R"
	[ "$(answers w1 200)" -eq 1 ] || die "w1 asked again"
	;;
growth)
	# the log grows twice; each witness first answers 409 with its size, then
	# cosigns with the consistency proof; between the rounds one witness
	# stops cleanly and the other is killed, and both come back on their
	# state
	setup
	round
	grow
	stop w1 TERM
	stop w2 KILL
	serve w1
	serve w2
	round
	[ "$(answers w1 409)" -eq 1 ] && [ "$(answers w2 409)" -eq 1 ] || die "no 409 before the proof"
	[ "$(state_size w1)" = 6 ] && [ "$(state_size w2)" = 6 ] || die "the witnesses do not hold size 6"
	need_org2
	fixture sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:06:00Z
	round
	[ "$(state_size w1)" = 7 ] || die "w1 does not hold size 7"
	;;
rollback)
	# a checkpoint of fewer entries than the witnesses cosigned: they answer
	# with their larger size, the request says so, nothing is stored
	setup
	round
	old=$(g rev-parse HEAD)
	grow
	round
	g reset -q --hard "$old"
	g rm -q log/checkpoint && g commit -q -m "no checkpoint"
	cp -a "$T/state-w1" "$T/state-before"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	head=$(g rev-parse HEAD)
	expect_rc 3 witness request -C "$R"
	err_has "endorse: witness w1: no cosignature: it has cosigned a larger tree of this log (6 entries)"
	diff -r "$T/state-before" "$T/state-w1" >/dev/null || die "witness w1's memory changed"
	[ -z "$(g status --porcelain)" ] && [ "$(g rev-parse HEAD)" = "$head" ] || die "something was written"
	;;
fork-same-size)
	# another sixth entry than the one the witnesses cosigned: the same size
	# with another root, refused (409 again from their own size)
	setup
	round
	cp -a "$R" "$T/fork"
	grow
	round
	grow "$T/fork" 2026-01-01T00:05:30Z
	refused_fork "it answered 409 Conflict again from its own size, 6"
	;;
fork-history)
	# another history after size 5 that reaches size 7: the proof from the
	# witnesses' size 6 cannot lead from their root (422)
	setup
	round
	cp -a "$R" "$T/fork"
	grow
	round
	grow "$T/fork" 2026-01-01T00:05:30Z
	need_org2
	fixture sign -C "$T/fork" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:06:00Z
	refused_fork "it says the consistency proof does not verify (422"
	;;
concurrent)
	# ten copies of the log ask at once: each gets both cosignatures, and
	# each witness's memory advanced once, to the one size
	setup
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	for i in $(seq 10); do
		cp -a "$R" "$T/copy-$i"
	done
	pids=()
	for i in $(seq 10); do
		"$ENDORSE" witness request -C "$T/copy-$i" --timeout $((10 * SLOW)) \
			>"$T/copy-$i.out" 2>&1 &
		pids+=($!)
	done
	for i in $(seq 10); do
		wait "${pids[$((i - 1))]}" || die "copy $i: exit $?: $(cat "$T/copy-$i.out")"
		run verify -C "$T/copy-$i"
		[ "$RC" -eq 0 ] || die "copy $i does not verify"
	done
	# one request from size 0 was cosigned; the others were told size 5
	# and cosigned the same checkpoint from it
	for w in w1 w2; do
		[ "$(answers $w 200)" -eq 10 ] || die "$w: $(answers $w 200) cosignatures, expected 10"
		[ "$(answers $w 409)" -eq 9 ] || die "$w: $(answers $w 409) conflicts, expected 9"
		[ "$(state_size $w)" = 5 ] || die "$w does not hold size 5"
	done
	;;
*)
	die "unknown case $CASE"
	;;
esac
echo "ok"
