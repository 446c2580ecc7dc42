#!/usr/bin/env bash
# The cross-check against an independent implementation: Go's
# golang.org/x/mod/sumdb/note and sumdb/tlog (Debian's golang-go and
# golang-golang-x-mod-dev, used offline in GOPATH mode) read what endorse
# writes, and endorse reads what they write: signed notes, RFC 6962 roots,
# inclusion and consistency proofs, checkpoints and tlog-proofs. Skips
# (exit 77) when Go or the package is absent.
#
# usage: crosscheck.sh CASE   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=${1:?usage: crosscheck.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../e2e/lib.sh
. "$HERE/../e2e/lib.sh"

GOPKG=/usr/share/gocode/src/golang.org/x/mod/sumdb
command -v go >/dev/null || skip "Go is not installed (Debian package golang-go)"
[ -d "$GOPKG/note" ] && [ -d "$GOPKG/tlog" ] ||
	skip "$GOPKG is absent (Debian package golang-golang-x-mod-dev)"
GO="$T/crosscheck"
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="${GO_CACHE:-$T/gocache}" GOFLAGS= \
	go build -o "$GO" "$HERE/crosscheck.go" || die "building the Go cross-check failed"

# lines N FILE: N distinct lines, some long, some with JSON-like bytes.
lines() {
	"$PY" - "$1" >"$2" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    print(("line %d " % i) + ("x" * (i % 97)) + ('{"seq":%d}' % i if i % 5 == 0 else ""))
PY
}

# Under valgrind (tests/valgrind.sh) every endorse runs under memcheck: the
# two sizes whose trees have another shape are kept (past a power of two),
# the run of every size up to 70 is not (the plain and sanitizer runs
# still check each).
VG=${ENDORSE_UNDER_VALGRIND:-}

same() { # WHAT A B
	[ "$2" = "$3" ] || die "$1: endorse says '$2', Go says '$3'"
}

case "$CASE" in
tree-roots)
	sizes="$(seq 1 70) 127 128 129 255 256 257 1000 $((RANDOM % 3000 + 1))"
	[ -z "$VG" ] || sizes="1 2 3 4 5 7 8 9 16 17 63 64 65 257"
	for n in $sizes; do
		lines "$n" "$T/lines"
		same "root of $n lines" "$("$ENDORSE" tree root <"$T/lines")" "$("$GO" tree-root <"$T/lines")"
	done
	# The one difference: for no lines RFC 6962 §2.1 says SHA-256 of nothing,
	# which endorse gives; Go's tlog returns 32 zero bytes by convention.
	same "root of no lines" "$("$ENDORSE" tree root </dev/null)" "$(printf '' | sha256sum | cut -c1-64 |
		"$PY" -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.stdin.read().strip())).decode())')"
	same "Go's root of no lines" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" "$("$GO" tree-root </dev/null)"
	;;
inclusion-proofs)
	sizes="1 2 3 5 8 13 64 65 100 257"
	[ -z "$VG" ] || sizes="3 65"
	for n in $sizes; do
		lines "$n" "$T/lines"
		root=$("$ENDORSE" tree root <"$T/lines")
		for i in 0 1 $((n / 2)) $((n - 2)) $((n - 1)); do
			[ "$i" -ge 0 ] && [ "$i" -lt "$n" ] || continue
			sed -n "$((i + 1))p" "$T/lines" >"$T/leaf"
			"$ENDORSE" tree prove-inclusion "$i" <"$T/lines" >"$T/e.proof"
			"$GO" prove-inclusion "$i" <"$T/lines" >"$T/g.proof"
			cmp -s "$T/e.proof" "$T/g.proof" || die "inclusion proof of $i in $n differs from Go's"
			"$GO" check-inclusion "$i" "$n" "$root" "$T/leaf" <"$T/e.proof" ||
				die "Go refuses endorse's inclusion proof of $i in $n"
			"$ENDORSE" tree verify-inclusion --index "$i" --size "$n" --root "$root" --leaf "$T/leaf" \
				<"$T/g.proof" >/dev/null || die "endorse refuses Go's inclusion proof of $i in $n"
			# a mutated proof: the first hash replaced by the root
			if [ -s "$T/e.proof" ]; then
				{ echo "$root"; tail -n +2 "$T/e.proof"; } >"$T/bad"
				! "$GO" check-inclusion "$i" "$n" "$root" "$T/leaf" <"$T/bad" 2>/dev/null ||
					die "Go accepts a mutated proof"
				RC=0
				"$ENDORSE" tree verify-inclusion --index "$i" --size "$n" --root "$root" \
					--leaf "$T/leaf" <"$T/bad" >/dev/null 2>&1 || RC=$?
				[ "$RC" -eq 1 ] || die "endorse accepts a mutated proof ($RC)"
			fi
		done
	done
	;;
consistency-proofs)
	sizes="1 2 3 7 8 9 64 100 257"
	[ -z "$VG" ] || sizes="9 100"
	for n in $sizes; do
		lines "$n" "$T/lines"
		root=$("$ENDORSE" tree root <"$T/lines")
		for m in 1 2 $((n / 2)) $((n - 1)) "$n"; do
			[ "$m" -ge 1 ] && [ "$m" -le "$n" ] || continue
			old=$(head -n "$m" "$T/lines" | "$ENDORSE" tree root)
			"$ENDORSE" tree prove-consistency "$m" <"$T/lines" >"$T/e.proof"
			"$GO" prove-consistency "$m" <"$T/lines" >"$T/g.proof"
			cmp -s "$T/e.proof" "$T/g.proof" || die "consistency proof $m -> $n differs from Go's"
			"$GO" check-consistency "$m" "$old" "$n" "$root" <"$T/e.proof" ||
				die "Go refuses endorse's consistency proof $m -> $n"
			"$ENDORSE" tree verify-consistency --old-size "$m" --old-root "$old" --size "$n" \
				--root "$root" <"$T/g.proof" >/dev/null || die "endorse refuses Go's proof $m -> $n"
		done
	done
	;;
notes)
	keygen signer example.org/cross
	"$ENDORSE" key export-go "$K/signer.key" >"$T/go.key" 2>/dev/null ||
		die "endorse key export-go failed"
	printf 'A text signed twice.\n\nWith an empty line.\n' >"$T/text"
	# endorse signs, Go verifies
	"$ENDORSE" note sign --key "$K/signer.key" <"$T/text" >"$T/e.note"
	"$GO" note-verify "$(vkey signer)" <"$T/e.note" >"$T/out" || die "Go refuses endorse's note"
	cmp -s "$T/out" "$T/text" || die "Go reads another text from endorse's note"
	# Go signs, endorse verifies; Ed25519 is deterministic: the same bytes
	"$GO" note-sign "$(cat "$T/go.key")" <"$T/text" >"$T/g.note"
	cmp -s "$T/g.note" "$T/e.note" || die "Go and endorse sign the same text differently"
	"$ENDORSE" note verify "$(vkey signer)" <"$T/g.note" >"$T/out" 2>/dev/null ||
		die "endorse refuses Go's note"
	cmp -s "$T/out" "$T/text" || die "endorse reads another text from Go's note"
	# a flipped signature is refused by both
	"$PY" - "$T/g.note" "$T/bad.note" <<'PY'
import base64, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
prefix, b64 = lines[-2].rsplit(" ", 1)
raw = bytearray(base64.b64decode(b64))
raw[10] ^= 1
lines[-2] = prefix + " " + base64.b64encode(bytes(raw)).decode()
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
PY
	! "$GO" note-verify "$(vkey signer)" <"$T/bad.note" >/dev/null 2>&1 || die "Go accepts a bad signature"
	RC=0
	"$ENDORSE" note verify "$(vkey signer)" <"$T/bad.note" >/dev/null 2>&1 || RC=$?
	[ "$RC" -eq 1 ] || die "endorse accepts a bad signature ($RC)"
	# the independent implementation's vector
	if [ -d "${ENDORSE_SHARED:-}/vectors/note" ]; then
		v=$(cat "$ENDORSE_SHARED/vectors/note/signer.vkey")
		same "the vector note" "$("$ENDORSE" note verify "$v" <"$ENDORSE_SHARED/vectors/note/signed.note" 2>/dev/null)" \
			"$("$GO" note-verify "$v" <"$ENDORSE_SHARED/vectors/note/signed.note")"
	fi
	;;
checkpoint-and-proof)
	build_base
	ok checkpoint -C "$R" --key "$K/log.key"
	log_vkey=$(sed -n 's/^log //p' "$R/keys/policy")
	same "log/checkpoint" "$("$GO" checkpoint "$log_vkey" <"$R/log/checkpoint")" \
		"$ORIGIN 5 $("$ENDORSE" tree root <"$LOG")"
	same "the log's root" "$("$ENDORSE" tree root <"$LOG")" "$("$GO" tree-root <"$LOG")"
	for seq in 0 2 4; do
		"$ENDORSE" prove -C "$R" "$seq" >"$T/proof" 2>/dev/null || die "prove $seq failed"
		sed -n "$((seq + 1))p" "$LOG" >"$T/entry"
		"$GO" tlog-proof "$log_vkey" "$T/entry" <"$T/proof" >/dev/null ||
			die "Go refuses endorse's proof of entry $seq"
		sed -n "$((seq % 4 + 2))p" "$LOG" >"$T/other"
		! "$GO" tlog-proof "$log_vkey" "$T/other" <"$T/proof" >/dev/null 2>&1 ||
			die "Go accepts the proof of entry $seq for another line"
	done
	# the vectors' checkpoint: Go and endorse read the same tree head
	if [ -f "${ENDORSE_SHARED:-}/vectors/valid-log/log/checkpoint" ]; then
		v=${ENDORSE_SHARED}/vectors/valid-log
		same "the vectors' checkpoint" "$("$GO" checkpoint "$(sed -n 's/^log //p' "$v/keys/policy")" \
			<"$v/log/checkpoint")" "example.org/vectors 4 $("$ENDORSE" tree root <"$v/log/endorsements.jsonl")"
	fi
	;;
tiles)
	# endorse tiles read by Go's tlog: every entry proved from the tiles by
	# TileHashReader, which checks each tile against the checkpoint's root;
	# a tile with one byte changed is refused
	GENLOG=${GENLOG:-$(dirname "$FIXTURE")/genlog}
	[ -x "$GENLOG" ] || skip "no genlog at $GENLOG (bench/genlog.c, built beside endorse)"
	sizes="1 255 256 257 1000 $((RANDOM % 3000 + 258))"
	[ -z "$VG" ] || sizes="257"
	for n in $sizes; do
		rm -rf "$R" "$T/tiles"
		"$GENLOG" "$R" "$n" 40 >/dev/null || die "genlog $n failed"
		ok tiles -C "$R" --out "$T/tiles"
		same "entries of $n proved by Go" "$("$GO" tiles "$(sed -n 's/^log //p' "$R/keys/policy")" "$T/tiles")" \
			"$n entries proved from the tiles"
	done
	printf 'x' | dd of="$T/tiles/tile/0/000" bs=1 seek=100 conv=notrunc status=none
	! "$GO" tiles "$(sed -n 's/^log //p' "$R/keys/policy")" "$T/tiles" >/dev/null 2>&1 ||
		die "Go accepts a tile with a byte changed"
	;;
*)
	die "unknown case $CASE"
	;;
esac
echo "ok [$CASE]"
