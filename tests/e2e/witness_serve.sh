#!/usr/bin/env bash
# End-to-end cases of `endorse witness serve` (C2SP tlog-witness): the
# witness started on 127.0.0.1 with a port of its choice, asked by curl as a
# third-party log would ask it. The logs are made by tests/go/witness.go with
# Go's sumdb/note and sumdb/tlog, independently of endorse: their keys,
# checkpoints and consistency proofs; the same program checks each answer
# as such a log would (the cosignature/v1 line appended to the checkpoint,
# opened with Go's note). Every refusal leaves the witness's state as it
# was, byte for byte; a full disk and a kill at each step of a write
# (tests/tools/failio.c, through FAILIO) leave it whole. Skips (exit 77)
# without curl, Go or Go's sumdb.
#
# usage: witness_serve.sh CASE   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=${1:?usage: witness_serve.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

command -v curl >/dev/null || skip "curl is needed to ask the witness (Debian package curl)"
GOPKG=/usr/share/gocode/src/golang.org/x/mod/sumdb
command -v go >/dev/null || skip "Go is not installed (Debian package golang-go)"
[ -d "$GOPKG/note" ] && [ -d "$GOPKG/tlog" ] ||
	skip "$GOPKG is absent (Debian package golang-golang-x-mod-dev)"
GO="$T/witness"
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="${GO_CACHE:-$T/gocache}" GOFLAGS='' \
	go build -o "$GO" "$HERE/../go/witness.go" || die "building tests/go/witness.go failed"

# Under valgrind (tests/valgrind.sh) the witness answers slower: the waits
# are longer, what they wait for is the same.
SLOW=1
[ -z "${ENDORSE_UNDER_VALGRIND:-}" ] || SLOW=10
ST="$T/state"      # the witness's state directory
WNAME=witness.example.net/w1
A="$T/log-a"       # a listed log, origin given in the list
B="$T/log-b"       # a listed log, origin its key's name (no origin line)
SERVER=""          # the witness's process id while it runs
NLOGS=2            # the logs in the list
SERVE_ENV=()       # the witness's environment beyond the case's

# The witness never outlives the case: on any exit it is killed, and its
# stderr shown, before the temporary directory goes.
cleanup() {
	if [ -n "$SERVER" ]; then
		kill -KILL "$SERVER" 2>/dev/null || true
		wait "$SERVER" 2>/dev/null || true
	fi
	if [ -f "$T/serve.err" ]; then
		echo "--- the witness's stderr:"
		cat "$T/serve.err"
	fi
	rm -rf "$T"
}
trap cleanup EXIT

# setup: the witness's key, two Go logs listed (A of 5 leaves, B of 3) in a
# logs/v0 file with comments and the optional lines, and the state directory.
setup() {
	keygen w "$WNAME" --witness
	WVKEY=$(vkey w)
	"$GO" new "$A" example.com/thirdparty/1 && "$GO" grow "$A" 5
	"$GO" new "$B" example.com/thirdparty/2 && "$GO" grow "$B" 3
	# endorse reads the Go log's vkey (C2SP signed-note) and checkpoint
	"$GO" checkpoint "$A" 5 >"$T/a5.note"
	"$ENDORSE" note verify "$("$GO" vkey "$A")" <"$T/a5.note" >/dev/null 2>&1 ||
		die "endorse does not read the Go log's vkey and checkpoint"
	{
		echo "logs/v0"
		echo "# the third-party logs of the test"
		"$GO" logs-entry "$A"
		echo "qpd 24"
		echo "contact ops@example.com"
		echo
		echo "vkey $("$GO" vkey "$B")"
		echo "bastion none"
	} >"$T/logs"
	mkdir -m 700 "$ST"
}

# serve: starts the witness in the background and reads its address from
# the one line it prints on start.
serve() {
	local i line re
	: >"$T/serve.err"
	env "${SERVE_ENV[@]}" "$ENDORSE" witness serve --key "$K/w.key" --listen 127.0.0.1:0 \
		--logs "$T/logs" --state "$ST" </dev/null >"$T/serve.out" 2>>"$T/serve.err" &
	SERVER=$!
	for ((i = 0; i < 100 * SLOW; i++)); do
		[ "$(wc -l <"$T/serve.err")" -ge 1 ] && break
		kill -0 "$SERVER" 2>/dev/null || die "the witness exited before it listened"
		sleep 0.1
	done
	line=$(head -n 1 "$T/serve.err")
	re='^endorse witness serve: listening on http://127\.0\.0\.1:([0-9]+)/ as ([^ ]+), witnessing ([0-9]+) logs$'
	[[ $line =~ $re ]] || die "the witness's first line is not its address: '$line'"
	PORT=${BASH_REMATCH[1]}
	[ "${BASH_REMATCH[2]}" = "$WNAME" ] || die "the witness says it is '${BASH_REMATCH[2]}', not $WNAME"
	[ "${BASH_REMATCH[3]}" = "$NLOGS" ] || die "the witness says ${BASH_REMATCH[3]} logs, not $NLOGS"
	[ "$PORT" -gt 0 ] && [ "$PORT" -lt 65536 ] || die "port $PORT"
	URL="http://127.0.0.1:$PORT"
	echo "the witness listens at $URL (process $SERVER)"
}

# stop_server: SIGTERM; the witness exits 0 within 10 seconds.
stop_server() {
	local i rc=0
	kill -TERM "$SERVER" || die "the witness is not running"
	for ((i = 0; i < 100 * SLOW; i++)); do
		kill -0 "$SERVER" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$SERVER" 2>/dev/null && die "the witness did not stop within 10 s of SIGTERM"
	wait "$SERVER" || rc=$?
	SERVER=""
	[ "$rc" -eq 0 ] || die "the witness exited $rc on SIGTERM, expected 0"
}

# kill_server: SIGKILL, as a crash or a power cut would stop it (if it
# did not kill itself already).
kill_server() {
	kill -KILL "$SERVER" 2>/dev/null || true
	wait "$SERVER" 2>/dev/null || true
	SERVER=""
}

# ask METHOD PATH [BODY-FILE [curl options]]: one request; CODE, CTYPE and
# the answer in $T/answer. CURL_MAY_FAIL set: curl may fail after the
# answer's status (a server that closes a connection whose body it refused).
ask() {
	local method=$1 path=$2 body=${3:-} out
	local args=(-sS --noproxy '*' --max-time $((15 * SLOW)) -o "$T/answer" -w '%{http_code} %{content_type}'
		-X "$method")
	[ -z "$body" ] || args+=(--data-binary "@$body" -H 'Content-Type:')
	out=$(curl "${args[@]}" "${@:4}" "$URL$path") || [ -n "${CURL_MAY_FAIL:-}" ] ||
		die "curl $method $path failed"
	CODE=${out%% *}
	CTYPE=${out#* }
	echo "$method $path${body:+ ($(wc -c <"$body") bytes)} -> $CODE $CTYPE"
}

# post BODY-FILE: an add-checkpoint request.
post() {
	ask POST /add-checkpoint "$@"
}

# request NAME DIR OLD N [other|broken]: the Go log's add-checkpoint body in
# $T/NAME (tests/go/witness.go).
request() {
	"$GO" request "$2" "$3" "$4" "${5:-}" >"$T/$1" || die "the Go log made no request $3 -> $4"
}

code_is() {
	[ "$CODE" = "$1" ] || {
		cat "$T/answer" >&2
		die "${2:-the witness} answered $CODE, expected $1"
	}
}

# cosigned DIR N: the answer is a 200 whose cosignature the Go log accepts
# for its checkpoint of N, made between T0 and now.
cosigned() {
	local t now
	code_is 200 "the checkpoint of $2"
	t=$("$GO" cosigned "$WVKEY" "$1" "$2" "$T/answer") || die "the Go log refuses the cosignature of $2"
	now=$(date +%s)
	[ "$t" -ge "$T0" ] && [ "$t" -le "$now" ] || die "the cosignature's time $t is not within $T0..$now"
}

# size_is M: a 409 whose text/x.tlog.size body says M.
size_is() {
	code_is 409
	[ "$CTYPE" = "text/x.tlog.size" ] || die "the 409's Content-Type is '$CTYPE', not text/x.tlog.size"
	printf '%s\n' "$1" | cmp -s - "$T/answer" || die "the 409's body is '$(cat "$T/answer")', not '$1\n'"
}

origin_hash() {
	printf '%s' "$1" | sha256sum | cut -c1-64
}

# state_file DIR: the witness's state of the Go log's origin
# (<hex SHA-256 of the origin>.<key ID>, as endorse cosign keeps it).
state_file() {
	echo "$ST/$(origin_hash "$(cat "$1/origin")").$(echo "$WVKEY" | cut -d+ -f2)"
}

# state_has DIR N: the state holds the checkpoint of N, the log's signature
# and the witness's cosignature (checked by the Go log).
state_has() {
	[ -f "$(state_file "$1")" ] || die "no state file $(state_file "$1")"
	"$GO" monitor "$WVKEY" "$1" "$2" "$(state_file "$1")" ||
		die "the state of $(cat "$1/origin") is not the cosigned checkpoint of $2"
}

# served DIR N: GET <hex origin>/checkpoint is the cosigned checkpoint of N.
served() {
	ask GET "/$(origin_hash "$(cat "$1/origin")")/checkpoint"
	code_is 200 "GET of the checkpoint of $2"
	[ "$CTYPE" = "text/plain; charset=utf-8" ] || die "the checkpoint's Content-Type is '$CTYPE'"
	"$GO" monitor "$WVKEY" "$1" "$2" "$T/answer" || die "GET does not give the cosigned checkpoint of $2"
}

# first DIR N: the witness cosigns the Go log's first checkpoint, of N
# (the request in $T/<DIR's name>-first.req).
first() {
	local req
	req="$(basename "$1")-first.req"
	request "$req" "$1" 0 "$2"
	T0=$(date +%s)
	post "$T/$req"
	cosigned "$1" "$2"
}

# the witness's state, every file's name and bytes (the lock file aside)
state_sum() {
	(cd "$ST" && find . -type f ! -name .lock -print0 | sort -z | xargs -0r sha256sum)
}

# refused CODE BODY-FILE [WHAT]: the witness refuses the request with CODE,
# its state left as it was.
refused() {
	local before
	before=$(state_sum)
	post "$2"
	code_is "$1" "${3:-the request}"
	[ "$(state_sum)" = "$before" ] || die "the state changed after a refused request (${3:-$2})"
}

# burst DIR BODY-FILE...: 50 requests at once, the i-th (0 to 49) with the
# body i modulo the number of bodies; status and answer in DIR/i.code and
# DIR/i.answer (curl's error there if it failed).
burst() {
	local dir=$1 i pids=()
	shift
	local bodies=("$@")
	mkdir -p "$dir"
	for ((i = 0; i < 50; i++)); do
		curl -sS --noproxy '*' --max-time $((15 * SLOW)) -o "$dir/$i.answer" -w '%{http_code}' \
			--data-binary "@${bodies[i % ${#bodies[@]}]}" -H 'Content-Type:' "$URL/add-checkpoint" \
			>"$dir/$i.code" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}" || true
}

# refused_or_cosigned BODY-FILE N: A's checkpoint of N (from the size
# $held) refused with 400 or 403, the state as it was; or cosigned, the
# state and GET the checkpoint of N as a Go monitor accepts it (held = N).
refused_or_cosigned() {
	local before
	before=$(state_sum)
	T0=$(date +%s)
	post "$1"
	if [ "$CODE" = 200 ]; then
		cosigned "$A" "$2"
		state_has "$A" "$2"
		served "$A" "$2"
		held=$2
	else
		[ "$CODE" = 400 ] || [ "$CODE" = 403 ] || die "$(basename "$1"): $CODE, expected 200, 400 or 403"
		[ "$(state_sum)" = "$before" ] || die "the state changed after a refused $(basename "$1")"
	fi
}

# edited NAME FROM SED-SCRIPT: $T/NAME is $T/FROM edited by sed.
edited() {
	sed "$3" "$T/$2" >"$T/$1"
	! cmp -s "$T/$1" "$T/$2" || die "the edit of $2 into $1 changed nothing"
}

# the base of the refusal cases: A's checkpoint of 5 cosigned, A grown to 9
# (its valid request 5 -> 9 in $T/a9.req)
cosigned_a5() {
	setup
	serve
	first "$A" 5
	"$GO" grow "$A" 4
	request a9.req "$A" 5 9
	[ "$(sed -n '2,/^$/p' "$T/a9.req" | grep -c .)" -ge 1 ] || die "no proof lines in the request 5 -> 9"
}

case "$CASE" in
thirdparty-first)
	setup
	serve
	first "$A" 5
	state_has "$A" 5
	served "$A" 5
	# B, listed without an origin line: its key's name
	first "$B" 3
	state_has "$B" 3
	served "$B" 3
	# the same checkpoint again, from its own size: cosigned again
	request again.req "$A" 5 5
	T0=$(date +%s)
	post "$T/again.req"
	cosigned "$A" 5
	state_has "$A" 5
	# and from 0 it is a 409 that says 5
	refused 409 "$T/log-a-first.req"
	size_is 5
	stop_server
	;;
thirdparty-growth)
	setup
	serve
	first "$A" 5
	prev=5
	# past 8, past 256 (a deeper tree), then by one leaf
	for n in 13 300 301 1024; do
		"$GO" grow "$A" $((n - prev))
		request grow.req "$A" "$prev" "$n"
		lines=$(sed -n '2,/^$/p' "$T/grow.req" | grep -c .) || true
		[ "$lines" -ge 1 ] || die "the Go log gave no proof $prev -> $n"
		T0=$(date +%s)
		post "$T/grow.req"
		cosigned "$A" "$n"
		state_has "$A" "$n"
		served "$A" "$n"
		prev=$n
	done
	stop_server
	;;
unknown-origin)
	cosigned_a5
	"$GO" new "$T/log-c" example.com/thirdparty/unlisted
	"$GO" grow "$T/log-c" 4
	request c.req "$T/log-c" 0 4
	refused 404 "$T/c.req" "a log not in the list"
	[ ! -e "$(state_file "$T/log-c")" ] || die "a state file for an unknown origin"
	# a listed log's key, another origin: still an origin not in the list
	cp -r "$T/log-c" "$T/log-c2"
	cp "$A/skey" "$T/log-c2/skey"
	request c2.req "$T/log-c2" 0 4
	refused 404 "$T/c2.req" "an unlisted origin signed by a listed key"
	# A's origin in capitals, signed by A's key: origins are compared exactly
	cp -r "$A" "$T/log-a-caps"
	tr a-z A-Z <"$A/origin" >"$T/log-a-caps/origin"
	request caps.req "$T/log-a-caps" 5 9
	refused 404 "$T/caps.req" "A's origin in capitals"
	stop_server
	;;
other-key)
	cosigned_a5
	# A's checkpoint signed by another key of the same name
	request other.req "$A" 5 9 other
	refused 403 "$T/other.req" "a checkpoint signed by another key"
	# signed by B's key, which the witness knows for another origin
	cp -r "$A" "$T/log-ab"
	cp "$B/skey" "$T/log-ab/other.skey"
	request ab.req "$T/log-ab" 5 9 other
	refused 403 "$T/ab.req" "a checkpoint signed by the key of another listed log"
	# the log's signature with one byte changed
	request flipped.req "$A" 5 9 broken
	refused 403 "$T/flipped.req" "a checkpoint whose log signature is broken"
	# no signature line at all
	"$PY" - "$T/a9.req" "$T/unsigned.req" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(text[: text.rindex("\n— ") + 1])
PY
	before=$(state_sum)
	post "$T/unsigned.req"
	[ "$CODE" = 400 ] || [ "$CODE" = 403 ] || die "a checkpoint without signatures: $CODE, expected 400 or 403"
	[ "$(state_sum)" = "$before" ] || die "the state changed after a checkpoint without signatures"
	state_has "$A" 5
	stop_server
	;;
old-above-size)
	cosigned_a5
	# old 5 is the witness's size, the checkpoint is of 3
	request a3.req "$A" 5 3
	refused 400 "$T/a3.req" "old 5 with a checkpoint of 3"
	state_has "$A" 5
	stop_server
	;;
malformed)
	cosigned_a5
	# no blank line between the proof and the checkpoint
	awk 'NR > 1 && $0 == "" && !done { done = 1; next } { print }' "$T/a9.req" >"$T/noblank.req"
	refused 400 "$T/noblank.req" "no blank line after the proof"
	# a proof line that is not base64, one that is base64 of 31 bytes
	edited badb64.req a9.req '2s/^.\{4\}/*%*%/'
	refused 400 "$T/badb64.req" "a proof line not base64"
	edited short.req a9.req "2s|.*|$(head -c 31 /dev/zero | base64)|"
	refused 400 "$T/short.req" "a proof line of 31 bytes"
	# 64 proof lines (the protocol allows 63)
	{
		echo "old 5"
		for _ in $(seq 64); do sed -n 2p "$T/a9.req"; done
		sed -n '/^$/,$p' "$T/a9.req"
	} >"$T/lines64.req"
	refused 400 "$T/lines64.req" "64 proof lines"
	# the old size line: a leading zero, not decimal, signed, spaced, missing
	for old in "old 05" "old five" "old 0x5" "old -5" "old +5" "old 5 " "old  5" "Old 5" "old" "5"; do
		edited old.req a9.req "1s/.*/$old/"
		refused 400 "$T/old.req" "the line '$old'"
	done
	# old 0 with a proof: the protocol says its proof is empty
	edited zero.req a9.req "1s/.*/old 0/"
	before=$(state_sum)
	post "$T/zero.req"
	[ "$CODE" = 400 ] || [ "$CODE" = 409 ] || die "old 0 with proof lines answered $CODE, expected 400 or 409"
	[ "$(state_sum)" = "$before" ] || die "the state changed after old 0 with proof lines"
	# CRLF lines, an empty body, a body without its checkpoint
	sed 's/$/\r/' "$T/a9.req" >"$T/crlf.req"
	refused 400 "$T/crlf.req" "CRLF lines"
	: >"$T/empty.req"
	refused 400 "$T/empty.req" "an empty body"
	sed -n '1,/^$/p' "$T/a9.req" >"$T/nocheckpoint.req"
	refused 400 "$T/nocheckpoint.req" "no checkpoint"
	state_has "$A" 5
	# and the valid request is still cosigned
	T0=$(date +%s)
	post "$T/a9.req"
	cosigned "$A" 9
	stop_server
	;;
too-large)
	cosigned_a5
	# the valid request with the signature lines of other cosigners, of the
	# size of ML-DSA-44 cosignatures (4 + 8 + 2,420 bytes), up to 65,537
	# bytes: 413; up to 65,536 bytes: cosigned, the other lines dropped
	for size in 65537 65536; do
		"$PY" - "$T/a9.req" "$T/big.req" "$size" <<'PY'
import base64, os, sys
body = open(sys.argv[1], "rb").read()
size = int(sys.argv[3])
sig = base64.b64encode(os.urandom(4 + 8 + 2420))
line = lambda name: "— ".encode() + name + b" " + sig + b"\n"
while size - len(body) > 2 * len(line(b"mldsa.example/w")):
    body += line(b"mldsa.example/w")
rest = size - len(body) - len(line(b""))
body += line(b"w" * rest)
assert len(body) == size, len(body)
open(sys.argv[2], "wb").write(body)
PY
		if [ "$size" = 65537 ]; then
			refused 413 "$T/big.req" "a body of 65,537 bytes"
		else
			T0=$(date +%s)
			post "$T/big.req"
			cosigned "$A" 9
			state_has "$A" 9
		fi
	done
	# a body of 1 MiB, its length given
	before=$(state_sum)
	head -c 1048576 /dev/zero | tr '\0' 'A' >"$T/huge.req"
	CURL_MAY_FAIL=1 post "$T/huge.req"
	code_is 413 "a body of 1 MiB"
	[ "$(state_sum)" = "$before" ] || die "the state changed after a body of 1 MiB"
	stop_server
	;;
too-large-chunked)
	cosigned_a5
	# chunked (no Content-Length): the request of 65,537 bytes and a body
	# of 1 MiB are 413 too, the state as it was; the witness still answers
	"$PY" - "$T/a9.req" "$T/big.req" <<'PY'
import sys
body = open(sys.argv[1], "rb").read()
pad = "— pad.example/x AQIDBA==\n".encode()
body += pad * ((65537 - len(body)) // len(pad))
body += b"x" * (65537 - len(body) - 1) + b"\n"
assert len(body) == 65537
open(sys.argv[2], "wb").write(body)
PY
	before=$(state_sum)
	CURL_MAY_FAIL=1 post "$T/big.req" -H 'Transfer-Encoding: chunked'
	code_is 413 "a chunked request of 65,537 bytes"
	head -c 1048576 /dev/zero | tr '\0' 'A' >"$T/huge.req"
	CURL_MAY_FAIL=1 post "$T/huge.req" -H 'Transfer-Encoding: chunked'
	code_is 413 "a chunked body of 1 MiB"
	[ "$(state_sum)" = "$before" ] || die "the state changed after a chunked body too large"
	T0=$(date +%s)
	post "$T/a9.req" -H 'Transfer-Encoding: chunked'
	cosigned "$A" 9
	stop_server
	;;
unknown-signatures)
	cosigned_a5
	# the checkpoint also signed by keys the witness does not know, before
	# and after the log's line: another key of the log's name, another
	# witness, a line of an ML-DSA-44 cosignature's size; cosigned, and the
	# witness keeps and serves the log's signature and its own alone
	"$GO" checkpoint "$A" 9 other | tail -n 1 >"$T/sig.other"
	printf '— witness2.example.net %s\n' "$(head -c 76 /dev/urandom | base64 -w0)" >"$T/sig.w2"
	printf '— mldsa.example.net %s\n' "$(head -c 2432 /dev/urandom | base64 -w0)" >"$T/sig.mldsa"
	{
		head -n -1 "$T/a9.req"
		cat "$T/sig.other" "$T/sig.w2"
		tail -n 1 "$T/a9.req"
		cat "$T/sig.mldsa"
	} >"$T/unknown.req"
	T0=$(date +%s)
	post "$T/unknown.req"
	cosigned "$A" 9
	state_has "$A" 9
	served "$A" 9
	stop_server
	;;
log-signature-twice)
	cosigned_a5
	# a broken signature of the log's key before its valid one: refused
	# (the state as it was), or cosigned with the broken line dropped (a
	# monitor using Go's note would refuse the note that kept it)
	"$GO" request "$A" 5 9 broken | tail -n 1 >"$T/sig.broken"
	{ head -n -1 "$T/a9.req"; cat "$T/sig.broken"; tail -n 1 "$T/a9.req"; } >"$T/broken-first.req"
	held=5
	refused_or_cosigned "$T/broken-first.req" 9
	# the log's valid line twice
	"$GO" grow "$A" 3
	request a12.req "$A" "$held" 12
	{ cat "$T/a12.req"; tail -n 1 "$T/a12.req"; } >"$T/twice.req"
	refused_or_cosigned "$T/twice.req" 12
	stop_server
	;;
extension-lines)
	setup
	# C2SP tlog-checkpoint's extension lines after the root: signed by the
	# log, cosigned with the rest of the text
	printf 'Timestamp: 1700000000\nextension.example/note 42\n' >"$A/extensions"
	serve
	first "$A" 5
	state_has "$A" 5
	served "$A" 5
	"$GO" grow "$A" 4
	request a9.req "$A" 5 9
	T0=$(date +%s)
	post "$T/a9.req"
	cosigned "$A" 9
	state_has "$A" 9
	served "$A" 9
	stop_server
	;;
shared-state)
	# one memory per witness key, however it is asked: endorse cosign
	# and the server, on the same state directory
	setup
	build_base
	{ echo "log $(vkey log)"; echo "witness w $(vkey w)"; echo "quorum w"; } >"$R/keys/policy"
	ok checkpoint -C "$R" --key "$K/log.key"
	ok cosign -C "$R" --key "$K/w.key" --state "$ST"
	{ echo; echo "vkey $(vkey log)"; echo "origin $ORIGIN"; } >>"$T/logs"
	NLOGS=3
	serve
	# what cosign remembers, the server knows: old 0 is a 409 that says 5
	{ printf 'old 0\n\n'; cat "$R/log/checkpoint"; } >"$T/e0.req"
	refused 409 "$T/e0.req" "old 0 after endorse cosign cosigned 5"
	size_is 5
	# the log grows; the server cosigns 6 with endorse's own proof, and
	# verify accepts its cosignature for the policy's quorum
	need_org2
	ok sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	ok checkpoint -C "$R" --key "$K/log.key"
	{
		echo "old 5"
		"$ENDORSE" tree prove-consistency 5 <"$LOG" || die "tree prove-consistency failed"
		echo
		cat "$R/log/checkpoint"
	} >"$T/e6.req"
	post "$T/e6.req"
	code_is 200 "the endorse log's checkpoint of 6"
	cat "$T/answer" >>"$R/log/checkpoint"
	verify_ok
	ask GET "/$(origin_hash "$ORIGIN")/checkpoint"
	code_is 200 "GET of the endorse log's checkpoint"
	cmp -s "$T/answer" "$R/log/checkpoint" || die "GET does not give the checkpoint the server cosigned"
	# and what the server remembers, cosign knows: 6 is already cosigned
	ok cosign -C "$R" --key "$K/w.key" --state "$ST"
	grep -q -F "already cosigned" "$T/ok.out" || die "cosign does not know the server cosigned 6"
	stop_server
	;;
full-disk)
	[ -z "${ENDORSE_UNDER_VALGRIND:-}" ] || skip "the full disk's shim would stand between valgrind and the witness"
	[ -n "${FAILIO:-}" ] || skip "FAILIO (tests/tools/failio.c, built by meson) is not set"
	cosigned_a5
	stop_server
	# every write to a file fails, as on a full disk: a 5xx answer without
	# a cosignature, the state as it was, and no temporary file left
	SERVE_ENV=("ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0" FAILIO_AFTER=0 "LD_PRELOAD=$FAILIO")
	serve
	before=$(state_sum)
	post "$T/a9.req"
	[[ $CODE =~ ^5[0-9][0-9]$ ]] || die "a checkpoint the witness could not remember: $CODE, expected 5xx"
	! grep -q -F '—' "$T/answer" || die "the witness answered a cosignature it could not remember"
	[ "$(state_sum)" = "$before" ] || die "the state changed on a full disk"
	served "$A" 5
	# the shim also breaks the HTTP library's signalling between its
	# threads, which its stop needs: SIGKILL, then the disk has room again
	kill_server
	SERVE_ENV=()
	serve
	refused 409 "$T/log-a-first.req" "old 0 after the full disk"
	size_is 5
	T0=$(date +%s)
	post "$T/a9.req"
	cosigned "$A" 9
	state_has "$A" 9
	stop_server
	;;
kill-steps)
	[ -z "${ENDORSE_UNDER_VALGRIND:-}" ] || skip "kill timing means nothing under valgrind"
	[ -n "${FAILIO:-}" ] || skip "FAILIO (tests/tools/failio.c, built by meson) is not set"
	cosigned_a5
	stop_server
	cp -a "$ST" "$T/state-5"
	# the witness killed at each step that changes a file while it records
	# 5 -> 9 (n = 0, 1, ... until it answers): restarted, it holds 5 or 9,
	# a whole cosigned checkpoint; 9 if it had answered
	done=""
	for ((n = 0; n < 40; n++)); do
		rm -rf "$ST" && cp -a "$T/state-5" "$ST"
		SERVE_ENV=("ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0" "FAILIO_KILL_AT=$n" "LD_PRELOAD=$FAILIO")
		serve
		T0=$(date +%s)
		CURL_MAY_FAIL=1 post "$T/a9.req"
		[ "$CODE" = 200 ] && { cosigned "$A" 9; done=$n; }
		[ "$CODE" = 200 ] || [ "$CODE" = 000 ] || die "step $n: the witness answered $CODE"
		kill_server
		SERVE_ENV=()
		serve
		refused 409 "$T/log-a-first.req" "old 0 after the witness was killed at step $n"
		held=$(cat "$T/answer")
		[ "$held" = 9 ] || { [ "$held" = 5 ] && [ -z "$done" ]; } ||
			die "step $n: the witness holds '$held' after it was killed (it answered $CODE)"
		state_has "$A" "$held"
		served "$A" "$held"
		stop_server
		[ -z "$done" ] || break
	done
	[ -n "$done" ] || die "the witness never answered in 40 steps"
	echo "killed at each of the $done steps of a write"
	;;
keep-alive)
	cosigned_a5
	# three requests on one connection (tlog-witness: witnesses SHOULD
	# support keep-alive), each answered as if it came alone
	o=(-sS --noproxy '*' --max-time $((15 * SLOW)) -w '%{http_code} %{num_connects}\n')
	T0=$(date +%s)
	curl "${o[@]}" -o "$T/k1" --data-binary "@$T/a9.req" -H 'Content-Type:' "$URL/add-checkpoint" \
		--next "${o[@]}" -o "$T/k2" --data-binary "@$T/log-a-first.req" -H 'Content-Type:' \
		"$URL/add-checkpoint" --next "${o[@]}" -o "$T/k3" "$URL/$(origin_hash "$(cat "$A/origin")")/checkpoint" \
		>"$T/k.codes" || die "curl failed on one connection"
	cat "$T/k.codes"
	[ "$(cat "$T/k.codes")" = "$(printf '200 1\n409 0\n200 0')" ] ||
		die "three requests on one connection: '$(tr '\n' ' ' <"$T/k.codes")', expected 200, 409, 200 on one connection"
	cp "$T/k1" "$T/answer"
	CODE=200
	cosigned "$A" 9
	printf '9\n' | cmp -s - "$T/k2" || die "the 409 on a kept connection says '$(cat "$T/k2")'"
	"$GO" monitor "$WVKEY" "$A" 9 "$T/k3" || die "GET on a kept connection is not the checkpoint of 9"
	stop_server
	;;
origin-not-key-name)
	setup
	# D: an origin line other than its key's name; E: origin none (its
	# key's name)
	"$GO" new "$T/log-d" example.com/thirdparty/d example.com/d-key
	"$GO" grow "$T/log-d" 4
	"$GO" new "$T/log-e" example.com/thirdparty/e
	"$GO" grow "$T/log-e" 2
	{
		echo
		"$GO" logs-entry "$T/log-d"
		echo "vkey $("$GO" vkey "$T/log-e")"
		echo "origin none"
	} >>"$T/logs"
	NLOGS=4
	serve
	first "$T/log-d" 4
	state_has "$T/log-d" 4
	served "$T/log-d" 4
	first "$T/log-e" 2
	state_has "$T/log-e" 2
	# D's key signing a checkpoint whose origin is the key's name: not a
	# listed origin
	cp -r "$T/log-d" "$T/log-d-name"
	echo example.com/d-key >"$T/log-d-name/origin"
	request dname.req "$T/log-d-name" 0 4
	refused 404 "$T/dname.req" "D's key's name as the origin"
	stop_server
	;;
wrong-old)
	cosigned_a5
	# the proof 3 -> 9 is valid, the witness's size is 5
	request a3to9.req "$A" 3 9
	refused 409 "$T/a3to9.req" "old 3 when the witness has 5"
	size_is 5
	request a0to9.req "$A" 0 9
	refused 409 "$T/a0to9.req" "old 0 when the witness has 5"
	size_is 5
	request a7to9.req "$A" 7 9
	refused 409 "$T/a7to9.req" "old 7 when the witness has 5"
	size_is 5
	state_has "$A" 5
	stop_server
	;;
same-size-other-root)
	cosigned_a5
	# a fork: the same key, another 5 leaves
	"$GO" fork "$A" "$T/fork"
	"$GO" grow "$T/fork" 5
	request fork.req "$T/fork" 5 5
	refused 409 "$T/fork.req" "a checkpoint of 5 with another root"
	size_is 5
	state_has "$A" 5
	served "$A" 5
	stop_server
	;;
bad-proof)
	cosigned_a5
	root=$(sed -n '/^$/,$p' "$T/a9.req" | sed -n 4p)
	# a proof line replaced by the new root, a line removed, a line added,
	# two lines swapped
	edited wrong.req a9.req "2s|.*|$root|"
	refused 422 "$T/wrong.req" "a proof with a wrong hash"
	edited fewer.req a9.req '2d'
	refused 422 "$T/fewer.req" "a proof without its first line"
	edited more.req a9.req "2s|^|$root\n|"
	refused 422 "$T/more.req" "a proof with a line added"
	if [ "$(sed -n '2,/^$/p' "$T/a9.req" | grep -c .)" -ge 2 ]; then
		edited swapped.req a9.req '2{h;d};3G'
		refused 422 "$T/swapped.req" "a proof with two lines swapped"
	fi
	# the proof 5 -> 9 of the fork, under A's checkpoint of 9
	"$GO" fork "$A" "$T/fork"
	"$GO" grow "$T/fork" 9
	request fork.req "$T/fork" 5 9
	{ sed -n '1,/^$/p' "$T/fork.req"; sed -n '/^$/,$p' "$T/a9.req" | tail -n +2; } >"$T/forkproof.req"
	refused 422 "$T/forkproof.req" "another tree's proof"
	state_has "$A" 5
	stop_server
	;;
get-unknown)
	cosigned_a5
	before=$(state_sum)
	# an origin not listed, a listed one never cosigned, not a hash
	for path in "/$(origin_hash example.com/unlisted)/checkpoint" "/$(origin_hash "$(cat "$B/origin")")/checkpoint" \
		"/not-a-hash/checkpoint" "/$(origin_hash "$(cat "$A/origin")")/checkpoint/" \
		"/$(origin_hash "$(cat "$A/origin")")" \
		"/$(origin_hash "$(cat "$A/origin")")/../$(origin_hash "$(cat "$A/origin")")/checkpoint"; do
		ask GET "$path" "" --path-as-is
		code_is 404 "GET $path"
	done
	[ "$(state_sum)" = "$before" ] || die "the state changed after a GET"
	served "$A" 5
	stop_server
	;;
method)
	cosigned_a5
	before=$(state_sum)
	for m in GET PUT DELETE; do
		ask "$m" /add-checkpoint
		code_is 405 "$m /add-checkpoint"
	done
	ask PUT /add-checkpoint "$T/a9.req"
	code_is 405 "PUT /add-checkpoint with a valid body"
	for m in POST PUT DELETE; do
		ask "$m" "/$(origin_hash "$(cat "$A/origin")")/checkpoint"
		code_is 405 "$m of the checkpoint"
	done
	[ "$(state_sum)" = "$before" ] || die "the state changed after a wrong method"
	state_has "$A" 5
	stop_server
	;;
restart-sigterm)
	cosigned_a5
	stop_server
	serve
	refused 409 "$T/log-a-first.req" "old 0 after a restart"
	size_is 5
	served "$A" 5
	T0=$(date +%s)
	post "$T/a9.req"
	cosigned "$A" 9
	stop_server
	serve
	served "$A" 9
	stop_server
	;;
restart-kill)
	cosigned_a5
	# killed right after the answer: the state was written before it
	kill_server
	serve
	refused 409 "$T/log-a-first.req" "old 0 after the witness was killed"
	size_is 5
	served "$A" 5
	T0=$(date +%s)
	post "$T/a9.req"
	cosigned "$A" 9
	kill_server
	serve
	request again.req "$A" 5 9
	refused 409 "$T/again.req" "old 5 after the witness cosigned 9 and was killed"
	size_is 9
	state_has "$A" 9
	stop_server
	;;
concurrent-same)
	setup
	"$GO" grow "$A" 95
	"$GO" grow "$B" 47
	serve
	# 50 requests at once, all old 0 -> N: the first cosigned, the others
	# find the size N stored; for A, then for B
	request a100.req "$A" 0 100
	request b50.req "$B" 0 50
	for run in "$A 100 a100.req" "$B 50 b50.req"; do
		read -r log n body <<<"$run"
		T0=$(date +%s)
		burst "$T/c-$n" "$T/$body"
		ok_count=0 conflict_count=0
		for ((i = 0; i < 50; i++)); do
			case "$(cat "$T/c-$n/$i.code")" in
			200)
				ok_count=$((ok_count + 1))
				cp "$T/c-$n/$i.answer" "$T/answer"
				CODE=200
				cosigned "$log" "$n"
				;;
			409)
				conflict_count=$((conflict_count + 1))
				printf '%s\n' "$n" | cmp -s - "$T/c-$n/$i.answer" ||
					die "request $i: 409 '$(cat "$T/c-$n/$i.answer")'"
				;;
			*) die "request $i answered '$(cat "$T/c-$n/$i.code")'" ;;
			esac
		done
		echo "$(cat "$log/origin"): $ok_count cosigned, $conflict_count 409"
		[ "$ok_count" -eq 1 ] && [ "$conflict_count" -eq 49 ] ||
			die "$ok_count answers 200 and $conflict_count 409, expected 1 and 49"
		state_has "$log" "$n"
		served "$log" "$n"
	done
	stop_server
	;;
concurrent-sizes)
	setup
	serve
	first "$A" 5
	"$GO" grow "$A" 5
	# each step 5+k-1 -> 5+k (k = 1..5) sent 10 times, all 50 at once: a
	# step is cosigned only once its old size is the witness's, so each
	# size at most once, in order; 5 -> 6 exactly once
	for k in 1 2 3 4 5; do
		request "step$k.req" "$A" $((4 + k)) $((5 + k))
	done
	T0=$(date +%s)
	burst "$T/c" "$T"/step{1,2,3,4,5}.req
	declare -A won=()
	top=5
	for i in $(seq 0 49); do
		k=$((i % 5 + 1))
		case "$(cat "$T/c/$i.code")" in
		200)
			[ -z "${won[$k]:-}" ] || die "the size $((5 + k)) was cosigned twice (requests ${won[$k]} and $i)"
			won[$k]=$i
			cp "$T/c/$i.answer" "$T/answer"
			CODE=200
			cosigned "$A" $((5 + k))
			[ $((5 + k)) -le "$top" ] || top=$((5 + k))
			;;
		409)
			m=$(cat "$T/c/$i.answer")
			[[ $m =~ ^[0-9]+$ ]] && [ "$m" -ge 5 ] && [ "$m" -le 10 ] && [ "$m" -ne $((4 + k)) ] ||
				die "request $i ($((4 + k)) -> $((5 + k))): 409 '$m'"
			;;
		*) die "request $i answered '$(cat "$T/c/$i.code")'" ;;
		esac
	done
	echo "sizes cosigned: ${!won[*]} (steps k), the last $top"
	[ -n "${won[1]:-}" ] || die "5 -> 6 was never cosigned"
	for k in 2 3 4 5; do
		[ -z "${won[$k]:-}" ] || [ -n "${won[$((k - 1))]:-}" ] ||
			die "$((4 + k)) -> $((5 + k)) cosigned though $((4 + k)) never was"
	done
	state_has "$A" "$top"
	# the rest, one by one, from where the witness is
	for ((n = top + 1; n <= 10; n++)); do
		T0=$(date +%s)
		post "$T/step$((n - 5)).req"
		cosigned "$A" "$n"
	done
	state_has "$A" 10
	served "$A" 10
	stop_server
	;;
sigterm)
	setup
	serve
	# one line per request, then SIGTERM: exit 0
	request a5.req "$A" 0 5
	"$GO" new "$T/log-c" example.com/thirdparty/unlisted
	"$GO" grow "$T/log-c" 2
	request c.req "$T/log-c" 0 2
	n=1
	for r in "POST a5.req 200" "POST c.req 404" "GET checkpoint 200" "GET add-checkpoint 405"; do
		read -r m what want <<<"$r"
		case "$what" in
		checkpoint) ask GET "/$(origin_hash "$(cat "$A/origin")")/checkpoint" ;;
		add-checkpoint) ask GET /add-checkpoint ;;
		*) post "$T/$what" ;;
		esac
		code_is "$want" "$m $what"
		n=$((n + 1))
		for ((i = 0; i < 50 * SLOW; i++)); do
			[ "$(wc -l <"$T/serve.err")" -ge "$n" ] && break
			sleep 0.1
		done
		[ "$(wc -l <"$T/serve.err")" -ge "$n" ] || die "no log line for the request $m $what"
		sed -n "${n}p" "$T/serve.err" | grep -q -w "$want" || die "the log line of $m $what does not say $want"
	done
	sleep 0.3
	[ "$(wc -l <"$T/serve.err")" -eq "$n" ] || die "$(($(wc -l <"$T/serve.err") - 1)) log lines for 4 requests"
	stop_server
	# the port is closed
	! curl -sS --noproxy '*' --max-time 5 -o /dev/null "$URL/" 2>/dev/null || die "the port still answers"
	;;
sigint)
	setup
	# started with SIGINT's default action (a shell's background job
	# ignores it), then SIGINT: exit 0
	: >"$T/serve.err"
	env --default-signal=INT "$ENDORSE" witness serve --key "$K/w.key" --listen 127.0.0.1:0 \
		--logs "$T/logs" --state "$ST" </dev/null >/dev/null 2>>"$T/serve.err" &
	SERVER=$!
	for ((i = 0; i < 100 * SLOW; i++)); do
		grep -q 'listening on' "$T/serve.err" && break
		sleep 0.1
	done
	grep -q 'listening on' "$T/serve.err" || die "the witness did not start"
	kill -INT "$SERVER"
	for ((i = 0; i < 100 * SLOW; i++)); do
		kill -0 "$SERVER" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$SERVER" 2>/dev/null && die "the witness did not stop within 10 s of SIGINT"
	rc=0
	wait "$SERVER" || rc=$?
	SERVER=""
	[ "$rc" -eq 0 ] || die "the witness exited $rc on SIGINT, expected 0"
	;;
*)
	die "unknown case $CASE"
	;;
esac
echo "ok [$CASE]"
