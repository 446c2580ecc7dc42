#!/usr/bin/env bash
# End-to-end rule cases: build a small valid log with the real command line,
# break exactly one rule of SPEC.md, and check that `endorse verify` exits 1
# and names the file, the line and the rule:
#   log/endorsements.jsonl:LINE: RULE: message
#
# usage: rules.sh CASE   (ENDORSE = the endorse binary, FORGE = tests/tools/forge)
set -euo pipefail

CASE=${1:?usage: rules.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
: "${FORGE:?FORGE must name the forge test tool}"
command -v "$PY" >/dev/null || skip "python3 is needed to edit log lines"

F="log/endorsements.jsonl"

# A mixed-order Ed25519 public key: a valid encoding of a point that is not of
# prime order (ed25519-speccheck case 3; libsodium 1.0.18 verifies some
# signatures under it).
MIXED_ORDER_PK=f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43

# vkey_for NAME TYPE_HEX PK_HEX: a vkey with a correct key ID for any key.
vkey_for() {
	"$PY" - "$1" "$2" "$3" <<'EOF'
import base64, hashlib, sys
name, typ, pk = sys.argv[1].encode(), bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
kid = hashlib.sha256(name + b"\n" + typ + pk).digest()[:4].hex()
print(name.decode() + "+" + kid + "+" + base64.b64encode(typ + pk).decode())
EOF
}

# edit_line N CODE: runs python CODE with `l` bound to line N (1-based, bytes,
# without LF); CODE must change l. The other lines are left as they are.
edit_line() {
	"$PY" - "$LOG" "$1" "$2" <<'EOF'
import base64, re, sys
path, n, code = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(path, "rb").read()
assert data.endswith(b"\n"), "the log must end with LF before an edit"
lines = data[:-1].split(b"\n")
l = lines[n - 1]
env = {"l": l, "re": re, "base64": base64, "lines": lines}
exec(code, env)
assert env["l"] != l, "the edit changed nothing"
lines[n - 1] = env["l"]
open(path, "wb").write(b"\n".join(lines) + b"\n")
EOF
}

edit_last() {
	edit_line "$(wc -l <"$LOG")" "$1"
}

# forge [forge line options]: appends a forged line (seq and prev follow the log).
forge() {
	"$FORGE" line --origin "$ORIGIN" --log "$LOG" "$@" >"$T/forged" || die "forge failed"
	cat "$T/forged" >>"$LOG"
}

# Statements used by the forged lines (time after the base log's).
TIME=2026-01-02T00:00:00Z
endorse_st() { # ORG_N DOCUMENT [TIME] [NAME] [URL]
	local n=$1 doc=$2 time=${3:-$TIME} name=${4-"Org $1"} url=${5-"https://org$1.example.org/"}
	printf '{"type":"endorse","time":"%s","document":"%s","org":{"id":"org%s.example.org","name":"%s","url":"%s"}}' \
		"$time" "$doc" "$n" "$name" "$url"
}

confirm_st() { # ORG_N VKEY [METHOD]
	printf '{"type":"confirm","time":"%s","org":"org%s.example.org","key":"%s","method":"%s"}' \
		"$TIME" "$1" "$2" "${3:-https}"
}

build_base
N=5   # the last line is org0's endorsement of v2

case "$CASE" in
# ---- bytes of a line ----
bom)
	# A byte order mark at the start of the file.
	"$PY" -c 'import sys; p=sys.argv[1]; d=open(p,"rb").read(); open(p,"wb").write(b"\xef\xbb\xbf"+d)' "$LOG"
	expect_invalid "$F:1: bom:"
	;;
cr)
	edit_last 'l = l + b"\r"'
	expect_invalid "$F:$N: cr:"
	expect_problems 1
	;;
final-lf)
	truncate -s -1 "$LOG"
	expect_invalid "$F:$N: final-lf:"
	expect_problems 1
	;;
empty-line)
	printf '\n' >>"$LOG"
	expect_invalid "$F:$((N + 1)): empty-line:"
	expect_problems 1
	;;
empty-line-middle)
	# An empty line between two valid lines: it is line 3, and the line after
	# it no longer chains to the line before (its prev names line 2).
	"$PY" - "$LOG" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p, "rb").read().split(b"\n")
lines.insert(2, b"")
open(p, "wb").write(b"\n".join(lines))
EOF
	expect_invalid "$F:3: empty-line:" "$F:4: prev:"
	;;
nul)
	edit_last 'l = l.replace(b"Org Zero", b"Org\x00Zero")'
	expect_invalid "$F:$N: nul:"
	expect_problems 1
	;;
control-char)
	edit_last 'l = l.replace(b"Org Zero", b"Org\x01Zero")'
	expect_invalid "$F:$N: control-char:"
	expect_problems 1
	;;
control-char-del)
	edit_last 'l = l.replace(b"Org Zero", b"Org\x7fZero")'
	expect_invalid "$F:$N: control-char:"
	expect_problems 1
	;;
control-char-escaped)
	# \u0001 is valid JSON, but no string may hold a control character.
	edit_last 'l = l.replace(b"Org Zero", b"Org\\u0001Zero")'
	expect_invalid "$F:$N: control-char:"
	expect_problems 1
	;;
utf8)
	edit_last 'l = l.replace(b"Org Zero", b"Org\xffZero")'
	expect_invalid "$F:$N: utf8:"
	expect_problems 1
	;;
utf8-overlong)
	# "/" spelled as the overlong two-byte sequence C0 AF.
	edit_last 'l = l.replace(b"Org Zero", b"Org\xc0\xafZero")'
	expect_invalid "$F:$N: utf8:"
	expect_problems 1
	;;
utf8-surrogate)
	# U+D800 encoded in UTF-8 (ED A0 80) is not valid UTF-8.
	edit_last 'l = l.replace(b"Org Zero", b"Org\xed\xa0\x80Zero")'
	expect_invalid "$F:$N: utf8:"
	expect_problems 1
	;;
line-length)
	# 65,536 bytes without the LF: one byte over the limit (SPEC 1.1).
	"$PY" -c 'import sys; open(sys.argv[1],"ab").write(b"{" + b"a"*65534 + b"}\n")' "$LOG"
	expect_invalid "$F:$((N + 1)): line-length:"
	expect_problems 1
	;;
line-length-limit)
	# Exactly 65,535 bytes is not too long: the line is refused for what it
	# holds (not JSON), not for its length.
	"$PY" -c 'import sys; open(sys.argv[1],"ab").write(b"{" + b"a"*65533 + b"}\n")' "$LOG"
	expect_invalid "$F:$((N + 1)): json:"
	expect_problems 1
	;;
line-length-then-valid)
	# An over-long line does not stop the replay: the next line is checked,
	# and it chains to the over-long line.
	"$PY" -c 'import sys; open(sys.argv[1],"ab").write(b"x"*200000 + b"\n")' "$LOG"
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")" --seq 7
	expect_invalid "$F:$((N + 1)): line-length:" "$F:$((N + 2)): seq:"
	expect_problems 2
	;;
# ---- JSON ----
json-syntax)
	edit_last 'l = l[:-1]'
	expect_invalid "$F:$N: json:"
	expect_problems 1
	;;
json-not-object)
	printf '"a string"\n' >>"$LOG"
	expect_invalid "$F:$((N + 1)): json:"
	expect_problems 1
	;;
canonical-order)
	# The same members, prev and seq swapped.
	edit_last 'l = re.sub(rb"^\{(\"prev\":\"[0-9a-f]{64}\"),(\"seq\":[0-9]+),", lambda m: b"{" + m.group(2) + b"," + m.group(1) + b",", l)'
	expect_invalid "$F:$N: canonical:"
	expect_problems 1
	;;
canonical-statement-order)
	# Members of the statement out of order (the signed JCS is unchanged).
	edit_last 'l = re.sub(rb"(\"signer\":\"[^\"]*\"),(\"time\":\"[^\"]*\")", lambda m: m.group(2) + b"," + m.group(1), l)'
	expect_invalid "$F:$N: canonical:"
	expect_problems 1
	;;
canonical-space)
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\": 4,")'
	expect_invalid "$F:$N: canonical:"
	expect_problems 1
	;;
canonical-trailing-space)
	edit_last 'l = l + b" "'
	expect_invalid "$F:$N: canonical:"
	expect_problems 1
	;;
canonical-escape-slash)
	edit_last 'l = l.replace(b"https://org0", b"https:\\/\\/org0")'
	expect_invalid "$F:$N: canonical:"
	expect_problems 1
	;;
canonical-escape-unicode)
	edit_last 'l = l.replace(b"Org Zero", b"\\u004frg Zero")'
	expect_invalid "$F:$N: canonical:"
	expect_problems 1
	;;
canonical-number)
	# A leading zero is not JSON (RFC 8259); never accepted as seq 4.
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":04,")'
	run_verify
	[ "$VRC" -eq 1 ] || die "verify exited $VRC for seq 04, expected 1"
	cat "$T/verify.err"
	grep -q -E "^$F:$N: (json|canonical):" "$T/verify.err" || {
		cat "$T/verify.err" >&2
		die "seq 04 was not reported as json or canonical"
	}
	;;
duplicate-member)
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":4,\"seq\":4,")'
	expect_invalid "$F:$N: duplicate-member:"
	expect_problems 1
	;;
duplicate-member-statement)
	edit_last 'l = l.replace(b"\"type\":\"endorse\"", b"\"type\":\"endorse\",\"type\":\"endorse\"")'
	expect_invalid "$F:$N: duplicate-member:"
	expect_problems 1
	;;
float)
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":4.0,")'
	expect_invalid "$F:$N: float:"
	expect_problems 1
	;;
float-exponent)
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":4e0,")'
	expect_invalid "$F:$N: float:"
	expect_problems 1
	;;
value-true)
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":true,")'
	expect_invalid "$F:$N: value-type:"
	expect_problems 1
	;;
value-false)
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":false,")'
	expect_invalid "$F:$N: value-type:"
	expect_problems 1
	;;
value-null)
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":null,")'
	expect_invalid "$F:$N: value-type:"
	expect_problems 1
	;;
value-array)
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":[4],")'
	expect_invalid "$F:$N: value-type:"
	expect_problems 1
	;;
integer-negative)
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":-4,")'
	expect_invalid "$F:$N: integer:"
	expect_problems 1
	;;
integer-above-2-53)
	# 2^53 is one more than the largest integer allowed.
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":9007199254740992,")'
	expect_invalid "$F:$N: integer:"
	expect_problems 1
	;;
integer-huge)
	# Larger than any 64-bit integer.
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":99999999999999999999999,")'
	expect_invalid "$F:$N: integer:"
	expect_problems 1
	;;
integer-max-safe)
	# 2^53-1 is an allowed integer: only the seq rule is broken.
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":9007199254740991,")'
	expect_invalid "$F:$N: seq:"
	expect_problems 1
	;;
# ---- members ----
member-entry-unknown)
	# Sorted in place, so that the line stays canonical.
	edit_last 'l = l.replace(b"{\"prev\":", b"{\"comment\":\"x\",\"prev\":", 1)'
	expect_invalid "$F:$N: member:"
	expect_problems 1
	;;
member-entry-missing)
	edit_last 'l = l.replace(b"\"seq\":4,", b"")'
	expect_invalid "$F:$N: member:"
	expect_problems 1
	;;
member-entry-type)
	edit_last 'l = l.replace(b"\"seq\":4,", b"\"seq\":\"4\",")'
	expect_invalid "$F:$N: member:"
	expect_problems 1
	;;
member-statement-unknown)
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"endorse\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"comment\":\"hello\",\"org\":{\"id\":\"org1.example.org\",\"name\":\"Org 1\",\"url\":\"https://org1.example.org/\"}}"
	expect_invalid "$F:$((N + 1)): member:"
	expect_problems 1
	;;
member-org-unknown)
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"endorse\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"org1.example.org\",\"name\":\"Org 1\",\"url\":\"https://org1.example.org/\",\"country\":\"xx\"}}"
	expect_invalid "$F:$((N + 1)): member:"
	expect_problems 1
	;;
member-statement-missing)
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"endorse\",\"document\":\"$DOC2\",\"org\":{\"id\":\"org1.example.org\",\"name\":\"Org 1\",\"url\":\"https://org1.example.org/\"}}"
	expect_invalid "$F:$((N + 1)): member:"
	expect_problems 1
	;;
member-org-missing)
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"endorse\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"org1.example.org\",\"url\":\"https://org1.example.org/\"}}"
	expect_invalid "$F:$((N + 1)): member:"
	expect_problems 1
	;;
member-statement-type)
	# time must be a string
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"endorse\",\"time\":20260102,\"document\":\"$DOC2\",\"org\":{\"id\":\"org1.example.org\",\"name\":\"Org 1\",\"url\":\"https://org1.example.org/\"}}"
	expect_invalid "$F:$((N + 1)): member:"
	expect_problems 1
	;;
member-org-of-withdraw)
	# a withdraw names its org by id (a string), not by an object
	forge --key "$K/org0.key" --statement \
		"{\"type\":\"withdraw\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"org0.example.org\",\"name\":\"Org 0\",\"url\":\"https://org0.example.org/\"}}"
	expect_invalid "$F:$((N + 1)): member:"
	expect_problems 1
	;;
statement-type)
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"endorsement\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"org1.example.org\",\"name\":\"Org 1\",\"url\":\"https://org1.example.org/\"}}"
	expect_invalid "$F:$((N + 1)): statement-type:"
	expect_problems 1
	;;
statement-type-hostile)
	# Text from the log is printed made safe: a right-to-left override in an
	# unknown type reaches the message, but never the terminal as such.
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"endorse\u202e\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"org1.example.org\",\"name\":\"Org 1\",\"url\":\"https://org1.example.org/\"}}"
	grep -q -F "$(printf '\xe2\x80\xae')" "$LOG" || die "the forged line holds no U+202E"
	expect_invalid "$F:$((N + 1)): statement-type:"
	expect_problems 1
	! grep -q -F "$(printf '\xe2\x80\xae')" "$T/verify.err" || die "verify printed a raw U+202E"
	;;
# ---- base64 ----
base64-padding-bits)
	# The last character before "==" carries 4 padding bits; make one non-zero.
	edit_last '
m = re.search(rb"\"sig\":\"([^\"]*)\"", l)
s = m.group(1)
assert s.endswith(b"==")
alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
i = alphabet.index(s[-3:-2])
assert i % 16 == 0
bad = s[:-3] + alphabet[i + 1:i + 2] + b"=="
assert base64.b64decode(bad) == base64.b64decode(s)
l = l.replace(s, bad)'
	expect_invalid "$F:$N: base64:"
	expect_problems 1
	;;
base64-length)
	# The signature cut to 63 bytes.
	edit_last '
m = re.search(rb"\"sig\":\"([^\"]*)\"", l)
l = l.replace(m.group(1), base64.b64encode(base64.b64decode(m.group(1))[:63]))'
	expect_invalid "$F:$N: base64:"
	expect_problems 1
	;;
base64-trailing)
	# The 64 signature bytes followed by more data.
	edit_last '
m = re.search(rb"\"sig\":\"([^\"]*)\"", l)
l = l.replace(m.group(1), base64.b64encode(base64.b64decode(m.group(1)) + b"\0\0\0"))'
	expect_invalid "$F:$N: base64:"
	expect_problems 1
	;;
base64-unpadded)
	edit_last '
m = re.search(rb"\"sig\":\"([^\"]*)\"", l)
l = l.replace(m.group(1), m.group(1).rstrip(b"="))'
	expect_invalid "$F:$N: base64:"
	expect_problems 1
	;;
base64-url-alphabet)
	# Base64url is not the standard alphabet.
	edit_last '
m = re.search(rb"\"sig\":\"([^\"]*)\"", l)
s = m.group(1)
if b"+" not in s and b"/" not in s:
    raw = bytearray(base64.b64decode(s))
    raw[0] = 0xfb  # "+" or "/" in the first character
    s2 = base64.b64encode(bytes(raw))
else:
    s2 = s
l = l.replace(s, s2.replace(b"+", b"-").replace(b"/", b"_"))'
	expect_invalid "$F:$N: base64:"
	expect_problems 1
	;;
# ---- chain ----
seq)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")" --seq 7
	expect_invalid "$F:$((N + 1)): seq:"
	expect_problems 1
	;;
seq-repeated)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")" --seq $((N - 1))
	expect_invalid "$F:$((N + 1)): seq:"
	expect_problems 1
	;;
prev)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")" \
		--prev "$(sha256_of "$T/doc-v1.txt")"
	expect_invalid "$F:$((N + 1)): prev:"
	expect_problems 1
	;;
prev-with-lf)
	# prev computed over the last line with its LF, not without it.
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")" \
		--prev "$(tail -n 1 "$LOG" | sha256sum | cut -d' ' -f1)"
	expect_invalid "$F:$((N + 1)): prev:"
	expect_problems 1
	;;
prev-first-line)
	# The first line's prev must be 64 zeros.
	edit_line 1 'l = l.replace(b"\"prev\":\"" + b"0"*64, b"\"prev\":\"" + b"0"*63 + b"1")'
	"$FORGE" rechain "$LOG"
	expect_invalid "$F:1: prev:"
	expect_problems 1
	;;
prev-format)
	# The right hash, in uppercase hex.
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")" \
		--prev "$(tail -n 1 "$LOG" | tr -d '\n' | sha256sum | cut -d' ' -f1 | tr a-f A-F)"
	expect_invalid "$F:$((N + 1)): prev:"
	expect_problems 1
	;;
prev-short)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")" --prev abcd
	expect_invalid "$F:$((N + 1)): prev:"
	expect_problems 1
	;;
line-removed)
	# Removing a line from the middle breaks the chain where it was.
	sed -i 3d "$LOG"
	expect_invalid "$F:3: seq:" "$F:3: prev:"
	;;
# ---- signatures ----
signature)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")" --corrupt-sig
	expect_invalid "$F:$((N + 1)): signature:"
	expect_problems 1
	;;
signature-other-origin)
	# Valid for another log: a statement cannot be replayed across logs.
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")" --origin example.org/other
	expect_invalid "$F:$((N + 1)): signature:"
	expect_problems 1
	;;
signature-edited-statement)
	# A signed field changed after signing.
	edit_last 'l = l.replace(b"Org Zero", b"Org Nero")'
	expect_invalid "$F:$N: signature:"
	expect_problems 1
	;;
signature-swapped)
	# The signature of another entry.
	edit_last '
other = lines[1]
s1 = re.search(rb"\"sig\":\"([^\"]*)\"", other).group(1)
s2 = re.search(rb"\"sig\":\"([^\"]*)\"", l).group(1)
l = l.replace(s2, s1)'
	expect_invalid "$F:$N: signature:"
	expect_problems 1
	;;
signature-malleable-s)
	# The same signature with S replaced by S + L (the group order): it
	# verifies under a lax check, but Ed25519 (RFC 8032) requires S < L.
	edit_last '
m = re.search(rb"\"sig\":\"([^\"]*)\"", l)
raw = base64.b64decode(m.group(1))
L = 2**252 + 27742317777372353535851937790883648493
S = int.from_bytes(raw[32:], "little") + L
assert S < 2**256
l = l.replace(m.group(1), base64.b64encode(raw[:32] + S.to_bytes(32, "little")))'
	expect_invalid "$F:$N: signature:"
	expect_problems 1
	;;
replay-after-withdraw)
	# org0 withdraws its endorsement of version 1; then org0's original
	# endorse statement (line 2, signature and all) is appended again by
	# someone without org0's key. The log must not let a withdrawal be undone
	# by replaying an old signed statement.
	ok withdraw -C "$R" --key "$K/org0.key" --document "$DOC1" --time 2026-01-01T00:10:00Z
	verify_ok
	sed -n 2p "$LOG" | sed 's/"seq":1,/"seq":6,/' >"$T/replayed"
	cat "$T/replayed" >>"$LOG"
	"$FORGE" rechain "$LOG"
	expect_invalid "$F:7: time-order:"
	expect_problems 1
	;;
replay-withdraw)
	# org0 withdraws version 1, endorses it again; then its old withdraw
	# (line 6) is copied to the end: the re-endorsement must not be undone.
	ok withdraw -C "$R" --key "$K/org0.key" --document "$DOC1" --time 2026-01-01T00:10:00Z
	ok sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--document "$DOC1" --time 2026-01-01T00:11:00Z
	verify_ok
	sed -n 6p "$LOG" | sed 's/"seq":5,/"seq":7,/' >>"$LOG"
	"$FORGE" rechain "$LOG"
	expect_invalid "$F:8: time-order:"
	expect_problems 1
	;;
replay-rotate)
	# org1 rotates A -> B, then B -> A; a copy of the first rotation (signed
	# by A, which is current again) must not switch the key back to B.
	keygen org1b org1.example.org
	ok rotate -C "$R" --key "$K/org1.key" --new-key "$K/org1b.key" --time 2026-01-01T00:10:00Z
	ok rotate -C "$R" --key "$K/org1b.key" --new-key "$K/org1.key" --time 2026-01-01T00:11:00Z
	verify_ok
	sed -n 6p "$LOG" | sed 's/"seq":5,/"seq":7,/' >>"$LOG"
	"$FORGE" rechain "$LOG"
	expect_invalid "$F:8: time-order:"
	expect_problems 1
	;;
time-order-equal)
	# Two statements of one organization claiming the same second.
	forge --key "$K/org0.key" --statement \
		'{"type":"withdraw","time":"2026-01-01T00:04:00Z","document":"'"$DOC2"'","org":"org0.example.org"}'
	expect_invalid "$F:$((N + 1)): time-order:"
	expect_problems 1
	;;
future-time)
	# A statement dated beyond verify's clock plus ENDORSE_STATEMENT_SKEW (10
	# minutes): a stolen key's withdraw dated 9999 would otherwise hold back
	# every later statement of the organization (time-order).
	forge --key "$K/org0.key" --statement \
		'{"type":"withdraw","time":"9999-12-31T23:59:59Z","document":"'"$DOC2"'","org":"org0.example.org"}'
	expect_invalid "$F:$((N + 1)): future-time:"
	expect_problems 1
	;;
future-time-skew)
	# 8 minutes ahead of the clock is within the skew; 12 minutes is not,
	# for the log key's statements too.
	forge --key "$K/org0.key" --statement \
		'{"type":"withdraw","time":"'"$(date -u -d '+8 minutes' +%Y-%m-%dT%H:%M:%SZ)"'","document":"'"$DOC2"'","org":"org0.example.org"}'
	verify_ok
	printf 'v3\n' >"$T/doc-v3.txt"
	forge --key "$K/log.key" --statement \
		'{"type":"document","time":"'"$(date -u -d '+12 minutes' +%Y-%m-%dT%H:%M:%SZ)"'","id":"manifesto","title":"T","url":"https://example.org/v3","sha256":"'"$(sha256_of "$T/doc-v3.txt")"'"}'
	expect_invalid "$F:$((N + 2)): future-time:"
	expect_problems 1
	;;
replay-after-revoke)
	# A revocation takes the times its key claimed out of the time order (so
	# that a stolen key's statement dated ahead cannot lock the organization
	# out), but not those of the keys the organization held before: org1
	# rotates A -> B, the log key revokes B, and A's old endorsement (line 3)
	# copied again must not make A the current key.
	keygen org1b org1.example.org
	ok rotate -C "$R" --key "$K/org1.key" --new-key "$K/org1b.key" --time 2026-01-01T00:10:00Z
	ok revoke -C "$R" --key "$K/log.key" --target "$K/org1b.vkey" --reason "stolen" \
		--time 2026-01-01T00:11:00Z
	verify_ok
	sed -n 3p "$LOG" | sed 's/"seq":2,/"seq":7,/' >>"$LOG"
	"$FORGE" rechain "$LOG"
	vkey org1 >"$R/keys/orgs/org1.example.org.vkey"
	expect_invalid "$F:8: time-order:"
	;;
signer-not-org)
	# org2's key signs an endorsement in org1's name.
	need_org2
	forge --key "$K/org2.key" --statement "$(endorse_st 1 "$DOC2")"
	expect_invalid "$F:$((N + 1)): signer:"
	expect_problems 1
	;;
signer-new-org-other-name)
	# An org's first endorsement must come from a key named after it.
	need_org2
	forge --key "$K/org2.key" --statement "$(endorse_st 3 "$DOC2")"
	expect_invalid "$F:$((N + 1)): signer:"
	expect_problems 1
	;;
signer-withdraw-other-org)
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"withdraw\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":\"org0.example.org\"}"
	expect_invalid "$F:$((N + 1)): signer:"
	expect_problems 1
	;;
current-key)
	# After a rotation the old key signs.
	keygen org1b org1.example.org
	ok rotate -C "$R" --key "$K/org1.key" --new-key "$K/org1b.key" --time 2026-01-01T00:10:00Z
	verify_ok
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")"
	expect_invalid "$F:$((N + 2)): current-key:"
	expect_problems 1
	;;
current-key-withdraw)
	# A key named after the org that the org never used cannot withdraw.
	keygen org0x org0.example.org
	forge --key "$K/org0x.key" --statement \
		"{\"type\":\"withdraw\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":\"org0.example.org\"}"
	expect_invalid "$F:$((N + 1)): current-key:"
	expect_problems 1
	;;
# ---- documents and endorsements ----
document-unregistered)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$(printf nothing | sha256sum | cut -d' ' -f1)")"
	expect_invalid "$F:$((N + 1)): document:"
	expect_problems 1
	;;
document-withdraw-unregistered)
	forge --key "$K/org0.key" --statement \
		"{\"type\":\"withdraw\",\"time\":\"$TIME\",\"document\":\"$(printf nothing | sha256sum | cut -d' ' -f1)\",\"org\":\"org0.example.org\"}"
	expect_invalid "$F:$((N + 1)): document:"
	expect_problems 1
	;;
duplicate-document)
	forge --key "$K/log.key" --statement \
		"{\"type\":\"document\",\"time\":\"$TIME\",\"id\":\"manifesto\",\"title\":\"Again\",\"url\":\"https://example.org/again\",\"sha256\":\"$DOC1\"}"
	expect_invalid "$F:$((N + 1)): duplicate-document:"
	expect_problems 1
	;;
document-signer)
	# A document signed by an organization's key, not the log key.
	printf 'version 3\n' >"$T/doc-v3.txt"
	forge --key "$K/org0.key" --statement \
		"{\"type\":\"document\",\"time\":\"$TIME\",\"id\":\"manifesto\",\"title\":\"V3\",\"url\":\"https://example.org/v3\",\"sha256\":\"$(sha256_of "$T/doc-v3.txt")\"}"
	expect_invalid "$F:$((N + 1)): signer:"
	expect_problems 1
	;;
document-signer-origin-name)
	# A key named like the origin is not the log key unless it is in keys/policy.
	keygen fakelog "$ORIGIN"
	printf 'version 3\n' >"$T/doc-v3.txt"
	forge --key "$K/fakelog.key" --statement \
		"{\"type\":\"document\",\"time\":\"$TIME\",\"id\":\"manifesto\",\"title\":\"V3\",\"url\":\"https://example.org/v3\",\"sha256\":\"$(sha256_of "$T/doc-v3.txt")\"}"
	expect_invalid "$F:$((N + 1)): signer:"
	expect_problems 1
	;;
document-id)
	printf 'version 3\n' >"$T/doc-v3.txt"
	forge --key "$K/log.key" --statement \
		"{\"type\":\"document\",\"time\":\"$TIME\",\"id\":\"Manifesto\",\"title\":\"V3\",\"url\":\"https://example.org/v3\",\"sha256\":\"$(sha256_of "$T/doc-v3.txt")\"}"
	expect_invalid "$F:$((N + 1)): field:"
	expect_problems 1
	;;
document-sha256-uppercase)
	forge --key "$K/log.key" --statement \
		"{\"type\":\"document\",\"time\":\"$TIME\",\"id\":\"manifesto\",\"title\":\"V3\",\"url\":\"https://example.org/v3\",\"sha256\":\"$(printf v3 | sha256sum | cut -d' ' -f1 | tr a-f A-F)\"}"
	expect_invalid "$F:$((N + 1)): field:"
	expect_problems 1
	;;
first-entry)
	# A fresh log whose first line is an endorsement.
	rm -rf "$R"
	mkdir -p "$R/keys" "$R/log"
	printf 'log %s\nquorum none\n' "$(vkey log)" >"$R/keys/policy"
	: >"$LOG"
	forge --key "$K/org0.key" --statement "$(endorse_st 0 "$DOC1")"
	expect_invalid "$F:1: first-entry:"
	expect_problems 1
	;;
empty-log)
	: >"$LOG"
	rm -rf "$R/keys/orgs"
	expect_invalid "$F: first-entry:"
	expect_problems 1
	;;
duplicate-endorsement)
	forge --key "$K/org0.key" --statement "$(endorse_st 0 "$DOC2")"
	expect_invalid "$F:$((N + 1)): duplicate-endorsement:"
	expect_problems 1
	;;
withdraw)
	# org1 never endorsed version 2.
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"withdraw\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":\"org1.example.org\"}"
	expect_invalid "$F:$((N + 1)): withdraw:"
	expect_problems 1
	;;
withdraw-twice)
	ok withdraw -C "$R" --key "$K/org1.key" --document "$DOC1" --time 2026-01-01T00:10:00Z
	verify_ok
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"withdraw\",\"time\":\"$TIME\",\"document\":\"$DOC1\",\"org\":\"org1.example.org\"}"
	expect_invalid "$F:$((N + 2)): withdraw:"
	expect_problems 1
	;;
# ---- keys: rotate and revoke ----
revoked)
	# The org revokes its own key; the revoked key signs afterwards.
	ok revoke -C "$R" --key "$K/org1.key" --target "$K/org1.vkey" --reason "key lost" \
		--time 2026-01-01T00:10:00Z
	verify_ok
	[ ! -e "$R/keys/orgs/org1.example.org.vkey" ] || die "the revoked key is still pinned"
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2")"
	expect_invalid "$F:$((N + 2)): revoked:"
	expect_problems 1
	;;
revoked-by-log)
	# The log operator revokes org1's key; the revoked key then withdraws.
	ok revoke -C "$R" --key "$K/log.key" --target "$(vkey org1)" --reason "compromised" \
		--time 2026-01-01T00:10:00Z
	verify_ok
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"withdraw\",\"time\":\"$TIME\",\"document\":\"$DOC1\",\"org\":\"org1.example.org\"}"
	expect_invalid "$F:$((N + 2)): revoked:"
	expect_problems 1
	;;
revoke-by-other-org)
	forge --key "$K/org0.key" --statement \
		"{\"type\":\"revoke\",\"time\":\"$TIME\",\"org\":\"org1.example.org\",\"key\":\"$(vkey org1)\",\"reason\":\"spite\"}"
	run_verify
	[ "$VRC" -eq 1 ] || die "verify exited $VRC, expected 1"
	grep -q -E "^$F:$((N + 1)): (signer|revoke|current-key):" "$T/verify.err" || {
		cat "$T/verify.err" >&2
		die "a revocation signed by another org was not refused"
	}
	expect_problems 1
	;;
revoke-foreign-key)
	# org1 revokes a key it never held (a fresh key named org1.example.org).
	keygen org1x org1.example.org
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"revoke\",\"time\":\"$TIME\",\"org\":\"org1.example.org\",\"key\":\"$(vkey org1x)\",\"reason\":\"not ours\"}"
	expect_invalid "$F:$((N + 1)): revoke:"
	expect_problems 1
	;;
rotate-to-revoked)
	keygen org1b org1.example.org
	ok rotate -C "$R" --key "$K/org1.key" --new-key "$K/org1b.key" --time 2026-01-01T00:10:00Z
	ok revoke -C "$R" --key "$K/org1b.key" --target "$K/org1.vkey" --reason "old key leaked" \
		--time 2026-01-01T00:11:00Z
	verify_ok
	forge --key "$K/org1b.key" --new-key "$K/org1.key" --statement \
		"{\"type\":\"rotate\",\"time\":\"$TIME\",\"org\":\"org1.example.org\"}"
	expect_invalid "$F:$((N + 3)): revoked:"
	expect_problems 1
	;;
rotate-same-key)
	forge --key "$K/org1.key" --new-key "$K/org1.key" --statement \
		"{\"type\":\"rotate\",\"time\":\"$TIME\",\"org\":\"org1.example.org\"}"
	expect_invalid "$F:$((N + 1)): rotate:"
	expect_problems 1
	;;
rotate-other-name)
	# The new key must be named after the org.
	need_org2
	forge --key "$K/org1.key" --new-key "$K/org2.key" --statement \
		"{\"type\":\"rotate\",\"time\":\"$TIME\",\"org\":\"org1.example.org\"}"
	expect_invalid "$F:$((N + 1)): signer:"
	expect_problems 1
	;;
new-sig-missing)
	keygen org1b org1.example.org
	forge --key "$K/org1.key" --new-key "$K/org1b.key" --no-new-sig --statement \
		"{\"type\":\"rotate\",\"time\":\"$TIME\",\"org\":\"org1.example.org\"}"
	expect_invalid "$F:$((N + 1)): member:"
	expect_problems 1
	;;
new-sig-bad)
	keygen org1b org1.example.org
	forge --key "$K/org1.key" --new-key "$K/org1b.key" --corrupt-new-sig --statement \
		"{\"type\":\"rotate\",\"time\":\"$TIME\",\"org\":\"org1.example.org\"}"
	expect_invalid "$F:$((N + 1)): signature:"
	verify_err_has "new_sig"
	expect_problems 1
	;;
new-sig-by-old-key)
	# new_sig made by the old key instead of the new one.
	keygen org1b org1.example.org
	new_signer=$(vkey org1b)
	forge --key "$K/org1.key" --new-sig-always --statement \
		"{\"type\":\"rotate\",\"time\":\"$TIME\",\"org\":\"org1.example.org\",\"new_signer\":\"$new_signer\"}"
	expect_invalid "$F:$((N + 1)): signature:"
	expect_problems 1
	;;
new-sig-not-rotate)
	forge --key "$K/org1.key" --new-sig-always --statement "$(endorse_st 1 "$DOC2")"
	expect_invalid "$F:$((N + 1)): member:"
	expect_problems 1
	;;
new-sig-base64)
	keygen org1b org1.example.org
	forge --key "$K/org1.key" --new-key "$K/org1b.key" --statement \
		"{\"type\":\"rotate\",\"time\":\"$TIME\",\"org\":\"org1.example.org\"}"
	edit_last '
m = re.search(rb"\"new_sig\":\"([^\"]*)\"", l)
l = l.replace(m.group(1), base64.b64encode(base64.b64decode(m.group(1))[:63]))'
	expect_invalid "$F:$((N + 1)): base64:"
	expect_problems 1
	;;
# ---- vkeys ----
vkey-mixed-order)
	# A vkey whose key ID is right and whose base64 is canonical, but whose
	# public key is a point of mixed order: only the point check refuses it.
	mixed=$(vkey_for org1.example.org 01 "$MIXED_ORDER_PK")
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"endorse\",\"signer\":\"$mixed\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"org1.example.org\",\"name\":\"Org 1\",\"url\":\"https://org1.example.org/\"}}"
	expect_invalid "$F:$((N + 1)): vkey:"
	verify_err_has "prime order"
	expect_problems 1
	;;
vkey-key-id)
	# The real org1 key with a wrong key ID.
	bad=$(vkey org1 | "$PY" -c 'import sys; n,i,k=sys.stdin.read().strip().split("+",2); print(n+"+"+("%08x" % (int(i,16)^1))+"+"+k)')
	forge --key "$K/org1.key" --statement \
		"{\"type\":\"endorse\",\"signer\":\"$bad\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"org1.example.org\",\"name\":\"Org 1\",\"url\":\"https://org1.example.org/\"}}"
	expect_invalid "$F:$((N + 1)): vkey:"
	expect_problems 1
	;;
vkey-witness-type)
	# A cosignature (type 0x04) key cannot sign statements.
	keygen w1 org1.example.org --witness
	forge --key "$K/w1.key" --statement "$(endorse_st 1 "$DOC2")"
	expect_invalid "$F:$((N + 1)): vkey:"
	expect_problems 1
	;;
vkey-new-signer-mixed-order)
	mixed=$(vkey_for org1.example.org 01 "$MIXED_ORDER_PK")
	forge --key "$K/org1.key" --new-sig-always --statement \
		"{\"type\":\"rotate\",\"time\":\"$TIME\",\"org\":\"org1.example.org\",\"new_signer\":\"$mixed\"}"
	expect_invalid "$F:$((N + 1)): vkey:"
	verify_err_has "prime order"
	expect_problems 1
	;;
# ---- field values ----
time-invalid-date)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2" 2026-02-30T00:00:00Z)"
	expect_invalid "$F:$((N + 1)): time:"
	expect_problems 1
	;;
time-format)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2" 2026-01-02T00:00:00+00:00)"
	expect_invalid "$F:$((N + 1)): time:"
	expect_problems 1
	;;
time-hour)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2" 2026-01-02T24:00:00Z)"
	expect_invalid "$F:$((N + 1)): time:"
	expect_problems 1
	;;
time-leap-day)
	# 2024-02-29 exists, 2100-02-29 does not (org2 is new: its times need
	# not follow the base log's; a date in the future would be future-time).
	need_org2
	forge --key "$K/org2.key" --statement "$(endorse_st 2 "$DOC2" 2024-02-29T12:00:00Z)"
	vkey org2 >"$R/keys/orgs/org2.example.org.vkey"
	verify_ok
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2" 2100-02-29T12:00:00Z)"
	expect_invalid "$F:$((N + 2)): time:"
	expect_problems 1
	;;
org-id-uppercase)
	# keygen refuses a name with capitals (it means org1.example.org): the
	# key is made lowercase and renamed in its Go note form, whose key ID
	# (SHA-256 of name, LF, type and public key) is recomputed
	keygen orgU org1.example.org
	"$FIXTURE" key export-go "$K/orgU.key" >"$T/orgU.go" || die "export-go failed"
	"$PY" - "$T/orgU.go" "$K/orgU.vkey" >"$T/orgU.upper" <<'EOF' || die "cannot rename the key"
import base64, hashlib, sys
parts = open(sys.argv[1]).read().strip().split("+")
pub = base64.b64decode(open(sys.argv[2]).read().strip().split("+", 2)[2])
name = "Org1.example.org"
key_id = hashlib.sha256(name.encode() + b"\n" + pub).digest()[:4].hex()
print("+".join(parts[:2] + [name, key_id] + parts[4:]))
EOF
	"$FIXTURE" key import-go --unencrypted --force -s "$K/orgU.key" -p "$K/orgU.vkey" \
		<"$T/orgU.upper" >/dev/null 2>&1 || die "import-go of Org1.example.org failed"
	forge --key "$K/orgU.key" --statement \
		"{\"type\":\"endorse\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"Org1.example.org\",\"name\":\"Org 1\",\"url\":\"https://org1.example.org/\"}}"
	expect_invalid "$F:$((N + 1)): org-id:"
	expect_problems 1
	;;
org-id-250-bytes)
	# SPEC 1.1: an organization id is at most 250 bytes, so that
	# keys/orgs/<id>.vkey fits a 255-byte file name; 250 bytes sign and
	# verify (251 to 253 failed in the middle of a write: "File name too long").
	long=$("$PY" -c 'print("c" * 63 + "." + "c" * 63 + "." + "c" * 63 + "." + "d" * 58)')
	keygen orgLong "$long"
	ok sign -C "$R" --key "$K/orgLong.key" --name "Org Long" --url https://example.org/long \
		--time "$TIME"
	[ -f "$R/keys/orgs/$long.vkey" ] || die "the 250-byte organization is not pinned"
	verify_ok
	;;
org-id-too-long)
	long=$("$PY" -c 'print("c" * 63 + "." + "c" * 63 + "." + "c" * 63 + "." + "d" * 59)')
	"$FORGE" key "$long" "$K/orgLong.key" >/dev/null || die "forge key failed"
	forge --key "$K/orgLong.key" --statement \
		"{\"type\":\"endorse\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"$long\",\"name\":\"Org Long\",\"url\":\"https://example.org/long\"}}"
	expect_invalid "$F:$((N + 1)): org-id:"
	verify_err_has "longer than 250 bytes"
	expect_problems 1
	;;
org-id-numeric)
	# SPEC 1.1: the last label is not all digits (no IPv4 addresses: issue
	# "domain identity" makes endorse fetch https://<id>/).
	"$FORGE" key 127.0.0.1 "$K/orgIP.key" >/dev/null || die "forge key failed"
	forge --key "$K/orgIP.key" --statement \
		"{\"type\":\"endorse\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"127.0.0.1\",\"name\":\"Org IP\",\"url\":\"https://127.0.0.1/\"}}"
	expect_invalid "$F:$((N + 1)): org-id:"
	verify_err_has "all digits"
	expect_problems 1
	;;
org-id-single-label)
	keygen orgL localhost
	forge --key "$K/orgL.key" --statement \
		"{\"type\":\"endorse\",\"time\":\"$TIME\",\"document\":\"$DOC2\",\"org\":{\"id\":\"localhost\",\"name\":\"Org L\",\"url\":\"https://localhost/\"}}"
	expect_invalid "$F:$((N + 1)): org-id:"
	expect_problems 1
	;;
title-too-long)
	# 200 characters (two bytes each) are allowed; 201 are not.
	t200=$("$PY" -c 'print("é" * 200)')
	t201=$("$PY" -c 'print("é" * 201)')
	printf 'version 3\n' >"$T/doc-v3.txt"
	printf 'version 4\n' >"$T/doc-v4.txt"
	forge --key "$K/log.key" --statement \
		"{\"type\":\"document\",\"time\":\"$TIME\",\"id\":\"manifesto\",\"title\":\"$t200\",\"url\":\"https://example.org/v3\",\"sha256\":\"$(sha256_of "$T/doc-v3.txt")\"}"
	verify_ok
	forge --key "$K/log.key" --statement \
		"{\"type\":\"document\",\"time\":\"$TIME\",\"id\":\"manifesto\",\"title\":\"$t201\",\"url\":\"https://example.org/v4\",\"sha256\":\"$(sha256_of "$T/doc-v4.txt")\"}"
	expect_invalid "$F:$((N + 2)): field:"
	expect_problems 1
	;;
name-empty)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2" "$TIME" "")"
	expect_invalid "$F:$((N + 1)): field:"
	expect_problems 1
	;;
url-not-https)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2" "$TIME" "Org 1" "http://org1.example.org/")"
	expect_invalid "$F:$((N + 1)): field:"
	expect_problems 1
	;;
url-https-only)
	forge --key "$K/org1.key" --statement "$(endorse_st 1 "$DOC2" "$TIME" "Org 1" "https://")"
	expect_invalid "$F:$((N + 1)): field:"
	expect_problems 1
	;;
document-url-not-https)
	forge --key "$K/log.key" --statement \
		"{\"type\":\"document\",\"time\":\"$TIME\",\"id\":\"manifesto\",\"title\":\"V3\",\"url\":\"ftp://example.org/v3\",\"sha256\":\"$(printf v3 | sha256sum | cut -d' ' -f1)\"}"
	expect_invalid "$F:$((N + 1)): field:"
	expect_problems 1
	;;
# ---- the log file ----
log-symlink)
	mv "$LOG" "$T/real.jsonl"
	ln -s "$T/real.jsonl" "$LOG"
	expect_invalid "$F: file:"
	;;
log-directory)
	mv "$LOG" "$T/real.jsonl"
	mkdir "$LOG"
	run_verify
	[ "$VRC" -eq 1 ] || [ "$VRC" -eq 2 ] || die "verify exited $VRC for a log that is a directory"
	[ "$VRC" -eq 1 ] && expect_invalid "$F: file:"
	true
	;;
log-fifo)
	# A FIFO in place of the log is refused at once, not waited on.
	rm "$LOG"
	mkfifo "$LOG"
	VRC=0
	timeout 5 "$ENDORSE" verify -C "$R" >"$T/verify.out" 2>"$T/verify.err" || VRC=$?
	[ "$VRC" -ne 124 ] || die "verify blocked on a FIFO log (killed after 5 s)"
	[ "$VRC" -eq 1 ] || { cat "$T/verify.err" >&2; die "verify exited $VRC for a FIFO log, expected 1"; }
	has_line_starting "$T/verify.err" "$F: file:" || { cat "$T/verify.err" >&2; die "no file problem"; }
	;;
# ---- keys/orgs ----
orgs-missing)
	rm "$R/keys/orgs/org1.example.org.vkey"
	expect_invalid "keys/orgs/org1.example.org.vkey: keys-orgs:"
	expect_problems 1
	;;
orgs-wrong-key)
	need_org2
	cp "$K/org2.vkey" "$R/keys/orgs/org1.example.org.vkey"
	expect_invalid "keys/orgs/org1.example.org.vkey: keys-orgs:"
	expect_problems 1
	;;
orgs-wrong-key-same-name)
	keygen org1x org1.example.org
	cp "$K/org1x.vkey" "$R/keys/orgs/org1.example.org.vkey"
	expect_invalid "keys/orgs/org1.example.org.vkey: keys-orgs:"
	expect_problems 1
	;;
orgs-no-final-lf)
	printf '%s' "$(vkey org1)" >"$R/keys/orgs/org1.example.org.vkey"
	expect_invalid "keys/orgs/org1.example.org.vkey: keys-orgs:"
	expect_problems 1
	;;
orgs-old-key-after-rotate)
	keygen org1b org1.example.org
	ok rotate -C "$R" --key "$K/org1.key" --new-key "$K/org1b.key" --time 2026-01-01T00:10:00Z
	cmp -s "$K/org1b.vkey" "$R/keys/orgs/org1.example.org.vkey" || die "rotate did not pin the new key"
	verify_ok
	cp "$K/org1.vkey" "$R/keys/orgs/org1.example.org.vkey"
	expect_invalid "keys/orgs/org1.example.org.vkey: keys-orgs:"
	expect_problems 1
	;;
orgs-extra-vkey)
	# A pinned key for an org that is not in the log.
	keygen org9 org9.example.org
	cp "$K/org9.vkey" "$R/keys/orgs/org9.example.org.vkey"
	expect_invalid "keys/orgs/org9.example.org.vkey: keys-orgs:"
	expect_problems 1
	;;
orgs-extra-file)
	# A file that is not a vkey: the report names that file.
	echo "notes" >"$R/keys/orgs/notes.txt"
	expect_invalid "keys/orgs/notes.txt: keys-orgs:"
	expect_problems 1
	;;
orgs-revoked-still-pinned)
	# After a revocation the org has no current key: nothing may be pinned.
	ok revoke -C "$R" --key "$K/log.key" --target "$K/org1.vkey" --reason "compromised" \
		--time 2026-01-01T00:10:00Z
	verify_ok
	cp "$K/org1.vkey" "$R/keys/orgs/org1.example.org.vkey"
	expect_invalid "keys/orgs/org1.example.org.vkey: keys-orgs:"
	expect_problems 1
	;;
orgs-fifo)
	rm "$R/keys/orgs/org1.example.org.vkey"
	mkfifo "$R/keys/orgs/org1.example.org.vkey"
	VRC=0
	timeout 5 "$ENDORSE" verify -C "$R" >"$T/verify.out" 2>"$T/verify.err" || VRC=$?
	[ "$VRC" -ne 124 ] || die "verify blocked on a FIFO in keys/orgs (killed after 5 s)"
	[ "$VRC" -eq 1 ] || { cat "$T/verify.err" >&2; die "verify exited $VRC, expected 1"; }
	has_line_starting "$T/verify.err" "keys/orgs/org1.example.org.vkey: keys-orgs:" ||
		{ cat "$T/verify.err" >&2; die "the FIFO was not reported"; }
	;;
orgs-symlink-file)
	# A pinned key must be a regular file, not a link to one.
	mv "$R/keys/orgs/org1.example.org.vkey" "$T/org1.vkey"
	ln -s "$T/org1.vkey" "$R/keys/orgs/org1.example.org.vkey"
	expect_invalid "keys/orgs/org1.example.org.vkey: keys-orgs:"
	expect_problems 1
	;;
orgs-dir-symlink)
	mv "$R/keys/orgs" "$T/orgs"
	ln -s "$T/orgs" "$R/keys/orgs"
	expect_invalid "keys/orgs: keys-orgs:"
	;;
orgs-temp-garbage)
	# Named like a leftover, but not what a write leaves: an error.
	printf 'garbage\n' >"$R/keys/orgs/org1.example.org.vkey.tmp-0123456789ab"
	expect_invalid "keys/orgs/org1.example.org.vkey.tmp-0123456789ab: keys-orgs: unexpected file"
	expect_problems 1
	;;
orgs-temp-nul)
	# What follows a NUL is not what a write leaves: the whole content counts.
	printf 'org1.example.org\0junk\n' >"$R/keys/orgs/org1.example.org.vkey.tmp-0123456789ab"
	expect_invalid "keys/orgs/org1.example.org.vkey.tmp-0123456789ab: keys-orgs: unexpected file"
	expect_problems 1
	;;
orgs-temp-other-org)
	# A leftover's name and content name the same organisation.
	cp "$R/keys/orgs/org0.example.org.vkey" "$R/keys/orgs/org1.example.org.vkey.tmp-0123456789ab"
	expect_invalid "keys/orgs/org1.example.org.vkey.tmp-0123456789ab: keys-orgs: unexpected file"
	expect_problems 1
	;;
orgs-temp-hash-mismatch)
	# A hashed name (an id too long to name the file) must be the hash of
	# the id its content names.
	printf 'org1.example.org\n' >"$R/keys/orgs/0123456789abcdef0123456789abcdef.tmp-0123456789ab"
	expect_invalid "keys/orgs/0123456789abcdef0123456789abcdef.tmp-0123456789ab: keys-orgs: unexpected file"
	expect_problems 1
	;;
orgs-temp-directory)
	mkdir "$R/keys/orgs/org1.example.org.vkey.tmp-0123456789ab"
	mkdir "$R/keys/orgs/notes.tmp-0123456789ab"
	expect_invalid "keys/orgs/org1.example.org.vkey.tmp-0123456789ab: keys-orgs: unexpected file" \
		"keys/orgs/notes.tmp-0123456789ab: keys-orgs: unexpected file"
	expect_problems 2
	;;
keys-dir-symlink)
	# keys/ itself is read without following a link (so are keys/orgs and log/).
	mv "$R/keys" "$T/keys-elsewhere"
	ln -s "$T/keys-elsewhere" "$R/keys"
	expect_invalid "keys/policy: policy:"
	verify_err_has "keys: is a symbolic link"
	;;
log-dir-symlink)
	mv "$R/log" "$T/log-elsewhere"
	ln -s "$T/log-elsewhere" "$R/log"
	expect_invalid "$F: file:"
	verify_err_has "log: is a symbolic link"
	;;
orgs-dir-missing)
	rm -r "$R/keys/orgs"
	expect_invalid "keys/orgs/org0.example.org.vkey: keys-orgs:" \
		"keys/orgs/org1.example.org.vkey: keys-orgs:"
	expect_problems 2
	;;
# ---- keys/policy ----
policy-full-valid)
	# A complete C2SP tlog-policy (comments, blank lines, a log URL, witnesses,
	# groups and a quorum) is accepted: only what is broken is refused.
	keygen w1 witness1.example.org --witness
	keygen w2 witness2.example.org --witness
	keygen w3 witness3.example.org --witness
	cat >"$R/keys/policy" <<EOP
# trust policy of the e2e log

log $(vkey log) https://example.org/log
witness w1 $(vkey w1) https://witness1.example.org/
witness w2 $(vkey w2)
witness w3	$(vkey w3)
group eu 2 w1 w2
group all-of-them all eu w3
quorum all-of-them
EOP
	verify_ok
	;;
policy-no-log)
	printf 'quorum none\n' >"$R/keys/policy"
	expect_invalid "keys/policy: policy:"
	expect_problems 1
	;;
policy-two-logs)
	printf 'log %s\nlog %s\nquorum none\n' "$(vkey log)" "$(vkey log)" >"$R/keys/policy"
	expect_invalid "keys/policy:2: policy:"
	expect_problems 1
	;;
policy-two-logs-different)
	keygen log2 example.org/other
	printf 'log %s\nlog %s\nquorum none\n' "$(vkey log)" "$(vkey log2)" >"$R/keys/policy"
	expect_invalid "keys/policy:2: policy:"
	expect_problems 1
	;;
policy-unknown-keyword)
	printf 'log %s\nfrobnicate yes\nquorum none\n' "$(vkey log)" >"$R/keys/policy"
	expect_invalid "keys/policy:2: policy:"
	expect_problems 1
	;;
policy-bad-vkey)
	bad=$(vkey log | "$PY" -c 'import sys; n,i,k=sys.stdin.read().strip().split("+",2); print(n+"+"+("%08x" % (int(i,16)^1))+"+"+k)')
	printf 'log %s\nquorum none\n' "$bad" >"$R/keys/policy"
	expect_invalid "keys/policy:1: policy:"
	expect_problems 1
	;;
policy-mixed-order)
	printf 'log %s\nquorum none\n' "$(vkey_for "$ORIGIN" 01 "$MIXED_ORDER_PK")" >"$R/keys/policy"
	expect_invalid "keys/policy:1: policy:"
	verify_err_has "prime order"
	expect_problems 1
	;;
policy-witness-key-as-log)
	keygen wlog "$ORIGIN" --witness
	printf 'log %s\nquorum none\n' "$(vkey wlog)" >"$R/keys/policy"
	expect_invalid "keys/policy:1: policy:"
	expect_problems 1
	;;
policy-group-undefined)
	keygen w1 witness1.example.org --witness
	printf 'log %s\nwitness w1 %s\ngroup g any w1 w2\nquorum g\n' "$(vkey log)" "$(vkey w1)" >"$R/keys/policy"
	expect_invalid "keys/policy:3: policy:"
	expect_problems 1
	;;
policy-quorum-undefined)
	printf 'log %s\nquorum nobody\n' "$(vkey log)" >"$R/keys/policy"
	expect_invalid "keys/policy:2: policy:"
	expect_problems 1
	;;
policy-no-quorum)
	printf 'log %s\n' "$(vkey log)" >"$R/keys/policy"
	expect_invalid "keys/policy: policy:"
	expect_problems 1
	;;
policy-crlf)
	printf 'log %s\r\nquorum none\r\n' "$(vkey log)" >"$R/keys/policy"
	run_verify
	[ "$VRC" -eq 1 ] || die "verify exited $VRC for a CRLF policy, expected 1"
	cat "$T/verify.err"
	grep -q -E '^keys/policy:1: policy:' "$T/verify.err" || {
		cat "$T/verify.err" >&2
		die "a CRLF policy was not reported as keys/policy:1: policy:"
	}
	expect_problems 1
	;;
policy-no-final-lf)
	printf 'log %s\nquorum none' "$(vkey log)" >"$R/keys/policy"
	expect_invalid "keys/policy: policy:"
	expect_problems 1
	;;
policy-other-log-key)
	# A valid policy naming another log key: every document line is then
	# signed by a key that is not the log key.
	keygen log2 "$ORIGIN"
	printf 'log %s\nquorum none\n' "$(vkey log2)" >"$R/keys/policy"
	expect_invalid "$F:1: signer:" "$F:4: signer:"
	;;
policy-fifo)
	rm "$R/keys/policy"
	mkfifo "$R/keys/policy"
	VRC=0
	timeout 5 "$ENDORSE" verify -C "$R" >"$T/verify.out" 2>"$T/verify.err" || VRC=$?
	[ "$VRC" -ne 124 ] || die "verify blocked on a FIFO keys/policy (killed after 5 s)"
	[ "$VRC" -eq 1 ] || { cat "$T/verify.err" >&2; die "verify exited $VRC, expected 1"; }
	has_line_starting "$T/verify.err" "keys/policy: policy:" ||
		{ cat "$T/verify.err" >&2; die "the FIFO policy was not reported"; }
	;;
policy-symlink)
	mv "$R/keys/policy" "$T/policy"
	ln -s "$T/policy" "$R/keys/policy"
	expect_invalid "keys/policy: policy:"
	;;
# ---- several problems in one run ----
several-problems)
	# Line 2 gets a bad signature and line 4 a wrong seq; the chain is then
	# repaired, so exactly these two problems remain.
	edit_line 2 '
m = re.search(rb"\"sig\":\"([^\"]*)\"", l)
raw = bytearray(base64.b64decode(m.group(1)))
raw[5] ^= 1
l = l.replace(m.group(1), base64.b64encode(bytes(raw)))'
	edit_line 4 'l = l.replace(b"\"seq\":3,", b"\"seq\":9,")'
	"$FORGE" rechain "$LOG"
	expect_invalid "$F:2: signature:" "$F:4: seq:"
	expect_problems 2
	# The JSON report lists the same two problems.
	VRC=0
	"$ENDORSE" verify -C "$R" --format json >"$T/v.json" 2>"$T/v.err" || VRC=$?
	[ "$VRC" -eq 1 ] || die "verify --format json exited $VRC, expected 1"
	"$PY" - "$T/v.json" <<'EOF' || die "the JSON report does not list the two problems"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["valid"] is False, r
got = sorted((p["file"], p["line"], p["rule"]) for p in r["problems"])
want = [("log/endorsements.jsonl", 2, "signature"), ("log/endorsements.jsonl", 4, "seq")]
assert got == want, got
EOF
	;;
several-problems-everywhere)
	# Problems in the log and in keys/orgs are all reported in one run.
	edit_last 'l = l + b" "'
	rm "$R/keys/orgs/org1.example.org.vkey"
	echo x >"$R/keys/orgs/org9.example.org.vkey"
	expect_invalid "$F:$N: canonical:" "keys/orgs/org1.example.org.vkey: keys-orgs:" \
		"keys/orgs/org9.example.org.vkey: keys-orgs:"
	expect_problems 3
	;;
# ---- confirm (SPEC 1.1 §4, §7): the operator's record of a domain check ----
confirm-valid)
	# A confirm of org1's current key by the log key, then a rotation: both
	# verify, and the confirm stays valid in history.
	forge --key "$K/log.key" --statement "$(confirm_st 1 "$(vkey org1)")"
	verify_ok
	keygen org1b org1.example.org
	ok rotate -C "$R" --key "$K/org1.key" --new-key "$K/org1b.key" --time 2026-01-03T00:00:00Z
	verify_ok
	;;
confirm-signer-org)
	# The organisation confirms itself: only the log key may.
	forge --key "$K/org1.key" --statement "$(confirm_st 1 "$(vkey org1)")"
	expect_invalid "$F:$((N + 1)): signer:"
	expect_problems 1
	;;
confirm-signer-other-org)
	forge --key "$K/org0.key" --statement "$(confirm_st 1 "$(vkey org1)")"
	expect_invalid "$F:$((N + 1)): signer:"
	expect_problems 1
	;;
confirm-rotated-away)
	# A confirm of org1's key after it rotated to another.
	keygen org1b org1.example.org
	ok rotate -C "$R" --key "$K/org1.key" --new-key "$K/org1b.key" --time 2026-01-01T00:10:00Z
	verify_ok
	forge --key "$K/log.key" --statement "$(confirm_st 1 "$(vkey org1)")"
	expect_invalid "$F:$((N + 2)): confirm:"
	verify_err_has "the key confirmed is not the current key of org1.example.org"
	expect_problems 1
	;;
confirm-revoked)
	# A confirm of a key revoked (the org has no current key).
	ok revoke -C "$R" --key "$K/log.key" --target "$K/org1.vkey" --reason "lost" \
		--time 2026-01-01T00:10:00Z
	verify_ok
	forge --key "$K/log.key" --statement "$(confirm_st 1 "$(vkey org1)")"
	expect_invalid "$F:$((N + 2)): confirm:"
	verify_err_has "org1.example.org has no current key"
	expect_problems 1
	;;
confirm-other-key)
	# A key named after org1 that org1 never used.
	keygen org1x org1.example.org
	forge --key "$K/log.key" --statement "$(confirm_st 1 "$(vkey org1x)")"
	expect_invalid "$F:$((N + 1)): confirm:"
	expect_problems 1
	;;
confirm-unknown-org)
	need_org2
	forge --key "$K/log.key" --statement "$(confirm_st 2 "$(vkey org2)")"
	expect_invalid "$F:$((N + 1)): confirm:"
	verify_err_has "org2.example.org has never endorsed anything"
	expect_problems 1
	;;
confirm-key-of-other-org)
	# org1's confirm names org0's key.
	forge --key "$K/log.key" --statement "$(confirm_st 1 "$(vkey org0)")"
	expect_invalid "$F:$((N + 1)): confirm:"
	verify_err_has "key org0.example.org is not a key of org1.example.org"
	expect_problems 1
	;;
confirm-method)
	forge --key "$K/log.key" --statement "$(confirm_st 1 "$(vkey org1)" ftp)"
	forge --key "$K/log.key" --statement "$(confirm_st 1 "$(vkey org1)" HTTPS)"
	expect_invalid "$F:$((N + 1)): field:"
	has_line_starting "$T/verify.err" "$F:$((N + 2)): field:" || die "method HTTPS was accepted"
	verify_err_has 'method must be "https" or "dns"'
	expect_problems 2
	;;
confirm-members)
	# A missing member, an unknown one.
	forge --key "$K/log.key" --statement \
		"{\"type\":\"confirm\",\"time\":\"$TIME\",\"org\":\"org1.example.org\",\"key\":\"$(vkey org1)\"}"
	forge --key "$K/log.key" --statement \
		"{\"type\":\"confirm\",\"time\":\"$TIME\",\"org\":\"org1.example.org\",\"key\":\"$(vkey org1)\",\"method\":\"dns\",\"reason\":\"x\"}"
	expect_invalid "$F:$((N + 1)): member:"
	has_line_starting "$T/verify.err" "$F:$((N + 2)): member:" || die "an unknown member was accepted"
	expect_problems 2
	;;
confirm-bad-key)
	# key is not a vkey; key is a witness (type 0x04) key.
	forge --key "$K/log.key" --statement "$(confirm_st 1 "org1.example.org+00000000+AAAA")"
	pk=$("$PY" -c 'import base64, sys; print(base64.b64decode(sys.argv[1].split("+", 2)[2])[1:].hex())' "$(vkey org1)")
	forge --key "$K/log.key" --statement "$(confirm_st 1 "$(vkey_for org1.example.org 04 "$pk")")"
	expect_invalid "$F:$((N + 1)): vkey:"
	has_line_starting "$T/verify.err" "$F:$((N + 2)): vkey:" || die "a type 0x04 key was accepted"
	expect_problems 2
	;;
*)
	die "unknown case '$CASE'"
	;;
esac
echo "ok [$CASE]"
