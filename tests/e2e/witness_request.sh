#!/usr/bin/env bash
# End-to-end cases of endorse witness request, the C2SP tlog-witness client,
# against scripted witnesses on 127.0.0.1 (fake_witness.py): every answer a
# witness can give (200, 400, 403, 404, 409 with and without its size, 413,
# 422, 500), and what a hostile or broken server can do instead (redirects,
# a body too large, no answer, malformed or foreign signature lines, a bad
# signature by the witness's own key). A valid cosignature is one a real
# `endorse cosign` made on a copy of the log. Each case checks the exit
# status, the message, and whether log/checkpoint and git changed.
#
# usage: witness_request.sh CASE   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=${1:?usage: witness_request.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_plain_git
command -v "$PY" >/dev/null || skip "python3 is needed for the scripted witnesses"

CP="$R/log/checkpoint"
SCHEME=http  # https: w1 over TLS (tls_witness)
PIDS=()
PORT_w1='' PORT_w2=''

# stop_all: the scripted witnesses stopped, the case's directory removed.
stop_all() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap stop_all EXIT

g() {
	git -C "$R" "$@"
}

# start_witness NAME: a scripted witness serving from $T/fw-NAME (its mode
# file says how it answers), over TLS when TLS holds its certificate and
# key; its port in PORT_NAME.
TLS=()
start_witness() {
	local dir="$T/fw-$1"
	mkdir -p "$dir"
	echo ok >"$dir/mode"
	"$PY" "$HERE/fake_witness.py" "$dir" "${TLS[@]}" >"$dir/port" 2>"$dir/log" &
	PIDS+=($!)
	for _ in $(seq 100); do
		[ -s "$dir/port" ] && break
		sleep 0.1
	done
	[ -s "$dir/port" ] || die "the scripted witness $1 did not start: $(cat "$dir/log")"
	printf -v "PORT_$1" '%s' "$(head -n 1 "$dir/port")"
}

# mode NAME MODE...: how witness NAME answers from now on.
mode() {
	local name=$1
	shift
	echo "$*" >"$T/fw-$name/mode"
}

# requests NAME: how many requests witness NAME got.
requests() {
	find "$T/fw-$1" -name 'request.*' | wc -l
}

# real_cosignature KEY: the cosignature line KEY's witness makes of
# log/checkpoint, by a real endorse cosign on a copy of the log.
real_cosignature() {
	rm -rf "$T/copy"
	cp -a "$R" "$T/copy"
	fixture cosign -C "$T/copy" --key "$K/$1.key" --state "$T/state-$1" --no-commit
	grep -F "— $(vkey "$1" | cut -d+ -f1) " "$T/copy/log/checkpoint" ||
		die "cosign made no line for $1"
}

# setup [two] [QUORUM...]: a log of five entries in git with its
# checkpoint; witness w1 (and with two, w2), each served by a scripted
# witness answering with its real cosignature, listed in keys/policy with
# its URL; the quorum (default: w1).
setup() {
	local two=false
	if [ "${1:-}" = two ]; then
		two=true
		shift
	fi
	build_base_git
	keygen w1 witness1.example.org --witness
	start_witness w1
	fixture policy -C "$R" add-witness w1 "$(vkey w1)" "$SCHEME://127.0.0.1:$PORT_w1/w1"
	if $two; then
		keygen w2 witness2.example.org --witness
		start_witness w2
		fixture policy -C "$R" add-witness w2 "$(vkey w2)" "http://127.0.0.1:$PORT_w2/w2/"
	fi
	fixture policy -C "$R" set-quorum "${@:-w1}"
	fixture checkpoint -C "$R" --key "$K/log.key"
	real_cosignature w1 >"$T/fw-w1/answer"
	if $two; then
		real_cosignature w2 >"$T/fw-w2/answer"
	fi
	snapshot
}

build_base_git() {
	git init -q "$R"
	g symbolic-ref HEAD refs/heads/main
	g config user.name "E2E Operator"
	g config user.email operator@example.org
	build_base
}

# snapshot: remembers log/checkpoint and the commit count.
snapshot() {
	cp "$CP" "$T/cp-before"
	COMMITS=$(g rev-list --count HEAD)
}

# unchanged: log/checkpoint and git as the snapshot left them.
unchanged() {
	cmp -s "$CP" "$T/cp-before" || die "log/checkpoint changed"
	[ "$(g rev-list --count HEAD)" -eq "$COMMITS" ] || die "a commit was made"
	[ -z "$(g status --porcelain)" ] || die "the work tree is not clean: $(g status --porcelain)"
}

# one_commit MESSAGE: exactly one commit since the snapshot, of
# log/checkpoint only, with MESSAGE; the work tree clean.
one_commit() {
	[ "$(g rev-list --count HEAD)" -eq $((COMMITS + 1)) ] || die "not exactly one commit"
	[ "$(g log -1 --format=%s)" = "$1" ] || die "commit message: $(g log -1 --format=%s)"
	[ "$(g show --name-only --format= HEAD)" = "log/checkpoint" ] || die "the commit changed more"
	[ -z "$(g status --porcelain)" ] || die "the work tree is not clean"
}

# has_cosignature KEY: log/checkpoint holds KEY's line exactly as the
# scripted witness sent it.
has_cosignature() {
	grep -q -x -F "$(head -n 1 "$T/fw-$1/answer")" "$CP" || die "no cosignature of $1 in log/checkpoint"
}

request() {
	run witness request -C "$R" --timeout 5 "$@"
}

# refused_by W STATUS TEXT: w1 answers STATUS; the request exits 3 saying
# TEXT, and nothing changes.
refused_by() {
	setup
	mode w1 status "$1"
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	err_has "endorse: witness w1: no cosignature: $2"
	err_has "log/checkpoint still waits for its witnesses (policy quorum w1)"
	unchanged
	expect_pending
}

# conflict MODE SIZE REQUESTS TEXT: w1 answers 409 as MODE says (size,
# size-always, size-untyped) with SIZE; the request exits 3 saying TEXT
# after exactly REQUESTS requests, and nothing changes.
conflict() {
	setup
	mode w1 "$1"
	printf '%s\n' "$2" >"$T/fw-w1/size"
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	err_has "$4"
	[ "$(requests w1)" -eq "$3" ] || die "$(requests w1) requests, expected $3"
	unchanged
}

# malformed_answer TEXT FILE: w1 answers 200 with FILE; refused saying TEXT.
malformed_answer() {
	cp "$2" "$T/fw-w1/answer"
	snapshot
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	err_has "endorse: witness w1: no cosignature: $1"
	unchanged
}

# flip FILE: the last base64 character of the signature replaced (not
# canonical breakage: a signature that does not verify).
flip() {
	"$PY" - "$1" <<'EOF'
import base64, sys
line = open(sys.argv[1], encoding="utf-8").read().rstrip("\n")
head, b64 = line.rsplit(" ", 1)
raw = bytearray(base64.b64decode(b64))
raw[-1] ^= 1
open(sys.argv[1], "w", encoding="utf-8").write(head + " " + base64.b64encode(bytes(raw)).decode() + "\n")
EOF
}

# tls_witness: w1 speaks https with a certificate for 127.0.0.1 from a
# CA of the case's own, in $T/ca.pem.
tls_witness() {
	command -v openssl >/dev/null || skip "openssl is needed for the certificate"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout "$T/tls.key" \
		-out "$T/ca.pem" 2>/dev/null || die "openssl cannot make the certificate"
	TLS=("$T/ca.pem" "$T/tls.key")
	SCHEME=https
}

case "$CASE" in
cosigned)
	setup two
	request
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	out_has "witness w1: cosigned"
	out_has "witness w2: cosigned"
	out_has "added 2 cosignatures to the checkpoint of 5 entries of $ORIGIN"
	out_has "log/checkpoint meets the policy's quorum"
	has_cosignature w1
	has_cosignature w2
	one_commit "endorse: 2 witnesses cosign the checkpoint of 5 entries"
	verify_ok
	# policy show gives each witness's URL
	expect_rc 0 policy -C "$R" show
	out_has "witness   w1 $(vkey w1) http://127.0.0.1:$PORT_w1/w1"
	out_has "witness   w2 $(vkey w2) http://127.0.0.1:$PORT_w2/w2/"
	# the request: old 0, no proof, a blank line, then log/checkpoint as it was
	{ printf 'old 0\n\n'; cat "$T/cp-before"; } | cmp -s - "$T/fw-w1/request.1" ||
		die "the request body is not 'old 0', a blank line and the checkpoint"
	# the prefix joined to add-checkpoint with one '/', with or without a final one
	[ "$(cat "$T/fw-w1/path.1")" = "/w1/add-checkpoint" ] || die "w1's path: $(cat "$T/fw-w1/path.1")"
	[ "$(cat "$T/fw-w2/path.1")" = "/w2/add-checkpoint" ] || die "w2's path: $(cat "$T/fw-w2/path.1")"
	;;
already)
	setup two
	request
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	snapshot
	request
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	out_has "witness w1: already cosigned, not asked"
	out_has "witness w2: already cosigned, not asked"
	[ "$(requests w1)" -eq 1 ] && [ "$(requests w2)" -eq 1 ] || die "a witness that cosigned was asked again"
	unchanged
	;;
tls)
	# an https:// witness, its certificate checked against --cacert only
	tls_witness
	setup
	request --cacert "$T/ca.pem"
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	out_has "witness w1: cosigned"
	has_cosignature w1
	one_commit "endorse: 1 witness cosigns the checkpoint of 5 entries"
	;;
tls-untrusted)
	# the same witness without its CA: the system's trust store does not
	# know it, no request reaches it, nothing changes
	tls_witness
	setup
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	err_has "endorse: witness w1: no cosignature: no answer from https://127.0.0.1:$PORT_w1/w1/add-checkpoint:"
	[ "$(requests w1)" -eq 0 ] || die "a request reached the witness"
	unchanged
	;;
quorum-two)
	# two witnesses reach the quorum in one commit; verify then accepts it
	setup two 2 w1 w2
	expect_pending
	request
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	out_has "added 2 cosignatures"
	one_commit "endorse: 2 witnesses cosign the checkpoint of 5 entries"
	verify_ok
	grep -q -F "cosigned by 2 witnesses of the policy, quorum met" "$T/verify.out" ||
		die "verify does not count both cosignatures"
	;;
partial)
	# one of the two the quorum needs answers: its cosignature is kept,
	# the other's failure is said, and the checkpoint still waits
	setup two 2 w1 w2
	mode w2 status 404
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	out_has "witness w1: cosigned"
	err_has "endorse: witness w2: no cosignature: it does not witness this log (404 Not Found)"
	err_has "still waits for its witnesses"
	one_commit "endorse: 1 witness cosigns the checkpoint of 5 entries"
	has_cosignature w1
	expect_pending
	;;
no-url)
	setup
	printf 'log %s\nwitness w1 %s\nquorum w1\n' "$(vkey log)" "$(vkey w1)" >"$R/keys/policy"
	g commit -q -am "policy without URL"
	snapshot
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	out_has "witness w1: not asked, keys/policy gives it no URL"
	[ "$(requests w1)" -eq 0 ] || die "a witness without URL was asked"
	unchanged
	;;
no-commit)
	setup
	request --no-commit
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	has_cosignature w1
	[ "$(g rev-list --count HEAD)" -eq "$COMMITS" ] || die "--no-commit made a commit"
	[ "$(g status --porcelain)" = " M log/checkpoint" ] || die "log/checkpoint is not the one change"
	;;
status-400)
	refused_by 400 "it refused the request as malformed (400 Bad Request)"
	;;
status-403)
	refused_by 403 "it knows this log but no log signature on the checkpoint verifies with the log key it has (403 Forbidden)"
	;;
status-404)
	refused_by 404 "it does not witness this log (404 Not Found): ask its operator to add the origin $ORIGIN"
	;;
status-413)
	refused_by 413 "it refused the request as too large (413 Content Too Large)"
	;;
status-422)
	refused_by 422 "it says the consistency proof does not verify (422 Unprocessable Content)"
	;;
status-500)
	refused_by 500 "it answered with status 500, which C2SP tlog-witness gives no meaning"
	;;
redirect)
	for code in 301 302 307 308; do
		rm -rf "$T/fw-w1" "$R" "$K" && mkdir -p "$R" "$K"
		setup
		mode w1 redirect "$code"
		request
		[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
		err_has "it answered with a redirect (status $code), which is not followed"
		[ "$(requests w1)" -eq 1 ] || die "the redirect to the same server was followed"
		unchanged
	done
	;;
size-retry)
	# the witness cosigned 3 entries before: 409 with size 3; the request
	# then sends the consistency proof 3 -> 5, which the scripted witness
	# checks by RFC 9162 before it cosigns
	setup
	mode w1 size
	printf '3\n' >"$T/fw-w1/size"
	head -n 3 "$LOG" | "$ENDORSE" tree root >"$T/fw-w1/oldroot"
	request
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	out_has "witness w1: cosigned"
	[ "$(requests w1)" -eq 2 ] || die "not exactly two requests"
	head -n 1 "$T/fw-w1/request.2" | grep -q -x "old 3" || die "the retry is not from size 3"
	head -n 5 "$LOG" | "$ENDORSE" tree prove-consistency 3 >"$T/proof"
	{ printf 'old 3\n'; cat "$T/proof"; printf '\n'; cat "$T/cp-before"; } | cmp -s - "$T/fw-w1/request.2" ||
		die "the retry is not old 3, the proof, a blank line and the checkpoint"
	one_commit "endorse: 1 witness cosigns the checkpoint of 5 entries"
	;;
size-same)
	# the witness cosigned this very tree: the retry is from size 5, no proof
	setup
	mode w1 size
	printf '5\n' >"$T/fw-w1/size"
	head -n 5 "$LOG" | "$ENDORSE" tree root >"$T/fw-w1/oldroot"
	request
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	{ printf 'old 5\n\n'; cat "$T/cp-before"; } | cmp -s - "$T/fw-w1/request.2" ||
		die "the retry is not old 5, no proof, a blank line and the checkpoint"
	has_cosignature w1
	;;
size-fork)
	# the witness remembers another root for 3 entries: the proof does not
	# lead there, it answers 422
	setup
	mode w1 size
	printf '3\n' >"$T/fw-w1/size"
	head -n 2 "$LOG" | "$ENDORSE" tree root >"$T/fw-w1/oldroot"
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	err_has "the consistency proof does not verify (422 Unprocessable Content)"
	[ "$(requests w1)" -eq 2 ] || die "not exactly two requests"
	unchanged
	;;
size-larger)
	# asked no more after a larger size
	conflict size-always 9 1 "it has cosigned a larger tree of this log (9 entries) than log/checkpoint's (5)"
	;;
size-again)
	conflict size-always 3 2 "it answered 409 Conflict again: it cosigned another checkpoint meanwhile"
	;;
size-same-fork)
	# the witness cosigned another root for 5 entries: 409 with 5 to the
	# retry from 5 as well
	conflict size-always 5 2 "it answered 409 Conflict again from its own size, 5: it cosigned another root for a tree of that size (a fork: a split view)"
	;;
size-untyped)
	# no retry without a size
	conflict size-untyped 3 1 "it answered 409 Conflict without its size (no text/x.tlog.size body)"
	;;
size-malformed)
	setup
	mode w1 size-always
	for size in '03\n' '3' '3\r\n' '-1\n' ' 3\n' '+3\n' '3 \n' '\n' '3\n\n' '18446744073709551616\n' 'x\n'; do
		# shellcheck disable=SC2059 # the sizes are printf formats
		printf -- "$size" >"$T/fw-w1/size"
		request
		[ "$RC" -eq 3 ] || die "size '$size': exit $RC, expected 3"
		err_has "it answered 409 Conflict with a malformed size"
	done
	unchanged
	;;
size-zero)
	conflict size-always 0 1 "it answered 409 Conflict naming size 0, the size asked from"
	;;
too-large)
	setup
	mode w1 big
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	err_has "too large: the body is over 65536 bytes"
	unchanged
	;;
timeout)
	setup two
	mode w1 hang
	start=$(date +%s)
	run witness request -C "$R" --timeout 1
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	[ $(($(date +%s) - start)) -lt 20 ] || die "the timeout was not kept"
	err_has "no answer from http://127.0.0.1:$PORT_w1/w1/add-checkpoint: timeout"
	out_has "witness w2: cosigned"
	one_commit "endorse: 1 witness cosigns the checkpoint of 5 entries"
	;;
no-connection)
	setup
	kill "${PIDS[0]}"
	wait "${PIDS[0]}" 2>/dev/null || true
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	err_has "endorse: witness w1: no cosignature: no answer from http://127.0.0.1:$PORT_w1/w1/add-checkpoint"
	;;
malformed-answer)
	setup
	line=$(cat "$T/fw-w1/answer")
	printf '%s' "$line" >"$T/a"
	malformed_answer "its answer is not signature lines each ending in a newline" "$T/a"
	: >"$T/a"
	malformed_answer "its answer is not signature lines each ending in a newline" "$T/a"
	printf '%s\n\n' "$line" >"$T/a"
	malformed_answer "its answer holds a line that is not a note signature line" "$T/a"
	printf 'witness1.example.org 1234\n%s\n' "$line" >"$T/a"
	malformed_answer "its answer holds a line that is not a note signature line" "$T/a"
	printf '%s\n— w AAAA=\n' "$line" >"$T/a"
	malformed_answer "its answer is not well-formed signature lines" "$T/a"
	printf '%s\r\n' "$line" >"$T/a"
	malformed_answer "its answer is not well-formed signature lines" "$T/a"
	for _ in $(seq 101); do printf '%s\n' "$line"; done >"$T/a"
	malformed_answer "its answer is not signature lines each ending in a newline (at most 100)" "$T/a"
	printf '%s\n%s\n' "$line" "$line" >"$T/a"
	malformed_answer "its cosignature does not verify with its key in keys/policy" "$T/a"
	;;
bad-signature)
	# a signature in the witness's name that does not verify: refused
	setup
	flip "$T/fw-w1/answer"
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	err_has "endorse: witness w1: no cosignature: its cosignature does not verify with its key in keys/policy"
	unchanged
	;;
unknown-key)
	# a cosignature by a witness the policy does not name, beside the
	# right one: ignored and counted
	setup
	keygen stranger stranger.example.org --witness
	real_cosignature stranger >>"$T/fw-w1/answer"
	request
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	out_has "witness w1: cosigned (1 signature line of other keys in its answer ignored)"
	! grep -q -F "stranger.example.org" "$CP" || die "a stranger's cosignature was kept"
	one_commit "endorse: 1 witness cosigns the checkpoint of 5 entries"
	verify_ok
	;;
unknown-type)
	# a signature line of a key type endorse does not know (as an ML-DSA
	# cosignature would be), in the witness's own name: ignored and counted
	setup
	"$PY" -c 'import base64, os; print("\u2014 witness1.example.org " + base64.b64encode(bytes([0x7e, 1, 2, 3]) + os.urandom(2420)).decode())' \
		>>"$T/fw-w1/answer"
	request
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	out_has "witness w1: cosigned (1 signature line of other keys in its answer ignored)"
	[ "$(grep -c witness1.example.org "$CP")" -eq 1 ] || die "the unknown line was kept"
	verify_ok
	;;
no-cosignature)
	setup
	keygen stranger stranger.example.org --witness
	real_cosignature stranger >"$T/fw-w1/answer"
	request
	[ "$RC" -eq 3 ] || die "exit $RC, expected 3"
	err_has "its answer holds no cosignature by its key in keys/policy (witness1.example.org) (1 signature line of other keys in its answer ignored)"
	unchanged
	;;
cosigned-meanwhile)
	# w1 cosigns log/checkpoint by itself (endorse cosign, another time)
	# while its answer is awaited: its line from the answer replaces that
	# one, so that w1 still signs once
	setup two
	mode w1 wait
	"$ENDORSE" witness request -C "$R" --timeout 30 >"$T/out" 2>"$T/err" &
	bg=$!
	for _ in $(seq 600); do # at most a minute (valgrind is slow)
		[ -e "$T/fw-w1/request.1" ] && break
		sleep 0.1
	done
	[ -e "$T/fw-w1/request.1" ] || die "the request never reached w1"
	fixture cosign -C "$R" --key "$K/w1.key" --state "$T/state-w1" --time 1700000000
	touch "$T/fw-w1/go"
	RC=0
	wait "$bg" || RC=$?
	cat "$T/out" "$T/err"
	[ "$RC" -eq 0 ] || die "exit $RC, expected 0"
	[ "$(grep -c witness1.example.org "$CP")" -eq 1 ] || die "w1 signs log/checkpoint twice"
	has_cosignature w1
	has_cosignature w2
	verify_ok
	;;
changed-meanwhile)
	# log/checkpoint is signed again while the witnesses are asked: nothing
	# is written over it
	setup
	mode w1 wait
	need_org2
	"$ENDORSE" witness request -C "$R" --timeout 30 >"$T/out" 2>"$T/err" &
	bg=$!
	for _ in $(seq 600); do # at most a minute (valgrind is slow)
		[ -e "$T/fw-w1/request.1" ] && break
		sleep 0.1
	done
	[ -e "$T/fw-w1/request.1" ] || die "the request never reached w1"
	fixture sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	fixture checkpoint -C "$R" --key "$K/log.key"
	cp "$CP" "$T/cp-new"
	touch "$T/fw-w1/go"
	RC=0
	wait "$bg" || RC=$?
	cat "$T/err"
	[ "$RC" -eq 2 ] || die "exit $RC, expected 2"
	err_has "log/checkpoint changed while the witnesses were asked (it is now a checkpoint of 6 entries); nothing was written"
	cmp -s "$CP" "$T/cp-new" || die "the new checkpoint was written over"
	;;
no-checkpoint)
	build_base_git
	keygen w1 witness1.example.org --witness
	fixture policy -C "$R" add-witness w1 "$(vkey w1)" "http://127.0.0.1:9/w1"
	request
	[ "$RC" -eq 2 ] || die "exit $RC, expected 2"
	err_has "the log has no checkpoint yet; the log operator signs one with 'endorse checkpoint'"
	[ ! -e "$CP" ] || die "a checkpoint appeared"
	;;
invalid-checkpoint)
	setup
	sed -i '2s/5/4/' "$CP"
	g commit -q -am "a checkpoint edited"
	snapshot
	request
	[ "$RC" -eq 1 ] || die "exit $RC, expected 1"
	err_has "log/checkpoint"
	[ "$(requests w1)" -eq 0 ] || die "a checkpoint that does not verify was sent"
	unchanged
	;;
policy-url)
	build_base_git
	keygen w1 witness1.example.org --witness
	for url in ftp://w.example https:// https:///x 'https://w.example/?x' 'https://w.example/#x'; do
		run policy -C "$R" add-witness w1 "$(vkey w1)" "$url"
		[ "$RC" -eq 2 ] || die "add-witness with $url: exit $RC, expected 2"
		err_has "a witness URL is https://HOST/..."
	done
	printf 'log %s\nwitness w1 %s gopher://w.example\nquorum none\n' "$(vkey log)" "$(vkey w1)" >"$R/keys/policy"
	run_verify
	[ "$VRC" -ne 0 ] || die "verify accepted a witness URL of gopher://"
	grep -q -F 'the URL of witness "w1" is not http:// or https://' "$T/verify.err" ||
		die "verify does not say what is wrong with the URL"
	;;
usage)
	setup
	for args in "witness" "witness frobnicate" "witness request extra" \
		"witness request --timeout 0" "witness request --timeout 601" "witness request --timeout x"; do
		# shellcheck disable=SC2086 # the words of each command line
		run -C "$R" $args
		[ "$RC" -eq 2 ] || die "endorse $args: exit $RC, expected 2"
	done
	expect_rc 0 witness --help
	out_has "endorse witness request [-C DIR] [--timeout SECONDS] [--cacert FILE] [--no-commit]"
	expect_rc 0 witness request --help
	[ "$(requests w1)" -eq 0 ] || die "a usage error asked a witness"
	unchanged
	;;
esac
echo "ok [$CASE]"
