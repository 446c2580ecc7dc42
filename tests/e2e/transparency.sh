#!/usr/bin/env bash
# End-to-end cases of checkpoints, witnesses and proofs (SPEC.md §5, C2SP
# tlog-checkpoint, tlog-cosignature, tlog-proof, tlog-policy): the operator
# signs log/checkpoint, witnesses cosign it, verify enforces every rule and
# the policy's quorum, a witness refuses a rollback or a fork, and a proof
# checks offline. Every rule verify enforces on log/checkpoint has a case
# that breaks exactly that rule and expects exit 1. Checkpoints that break a
# rule are made with the log key itself (endorse note sign), so that only
# the broken rule is wrong.
#
# usage: transparency.sh CASE   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=${1:?usage: transparency.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

CP="$R/log/checkpoint"

# root_of N: the RFC 6962 root of the log's first N lines.
root_of() {
	head -n "$1" "$LOG" | "$ENDORSE" tree root
}

# signed_checkpoint KEY TEXT: writes log/checkpoint as TEXT signed by KEY.
signed_checkpoint() {
	printf '%s\n' "$2" | "$ENDORSE" note sign --key "$K/$1.key" >"$CP" ||
		die "note sign with $1 failed"
}

# policy_with_witnesses QUORUM-LINES...: keys/policy with the log key, the
# witnesses w1 w2 w3 and the given group/quorum lines.
policy_with_witnesses() {
	{
		echo "log $(vkey log)"
		echo "witness w1 $(vkey w1)"
		echo "witness w2 $(vkey w2)"
		echo "witness w3 $(vkey w3)"
		printf '%s\n' "$@"
	} >"$R/keys/policy"
}

witnesses() {
	keygen w1 witness1.example.org --witness
	keygen w2 witness2.example.org --witness
	keygen w3 witness3.example.org --witness
}

cosign() {
	expect_rc 0 cosign -C "$R" --key "$K/$1.key" --state "$T/state-$1" "${@:2}"
}

# state_name ORIGIN KEY: the witness state file of ORIGIN for witness KEY:
# the SHA-256 of the origin and the key ID, in hex.
state_name() {
	printf '%s.%s' "$(printf '%s' "$1" | sha256sum | cut -c1-64)" "$(vkey "$2" | cut -d+ -f2)"
}

# evidence TITLE FILE: saves the lines of the last command's stderr between
# -----BEGIN TITLE----- and -----END TITLE----- (cosign's evidence) to FILE.
evidence() {
	awk -v b="-----BEGIN $1-----" -v e="-----END $1-----" \
		'$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$T/err" >"$2"
	[ -s "$2" ] || die "no evidence '$1' in the output"
}

# note_verifies FILE VKEY...: FILE is a signed note that note verify accepts.
note_verifies() {
	local file=$1
	shift
	"$ENDORSE" note verify "$@" <"$file" >/dev/null 2>"$T/note.err" ||
		die "$file does not pass endorse note verify: $(cat "$T/note.err")"
}

# flip_in FILE TEXT: replaces the last base64 character of the line of FILE
# starting with TEXT by another one (a signature that no longer verifies).
flip_in() {
	"$PY" - "$1" "$2" <<'EOF'
import sys
path, prefix = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8").read().split("\n")
for i, l in enumerate(lines):
    if l.startswith(prefix):
        body = l[:-2] if l.endswith("==") else l[:-1] if l.endswith("=") else l
        c = body[-3]
        lines[i] = body[:-3] + ("A" if c != "A" else "B") + l[len(body) - 2:]
        break
else:
    sys.exit("no line starts with " + prefix)
open(path, "w", encoding="utf-8").write("\n".join(lines))
EOF
}

case "$CASE" in
checkpoint-sign)
	build_base
	verify_ok
	grep -q -F "log/checkpoint: none yet" "$T/verify.out" || die "verify does not say there is no checkpoint"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	out_has "signed the checkpoint of 5 entries, root $(root_of 5)"
	printf '%s\n5\n%s\n' "$ORIGIN" "$(root_of 5)" >"$T/want"
	head -n 3 "$CP" | cmp -s - "$T/want" || die "the checkpoint's text is not origin, size and root"
	[ "$(sed -n 4p "$CP")" = "" ] || die "no blank line after the checkpoint's text"
	[ "$(wc -l <"$CP")" -eq 5 ] || die "the checkpoint has more than the log's signature"
	"$ENDORSE" note verify "$(vkey log)" <"$CP" >"$T/text" || die "the log key does not verify the checkpoint"
	cmp -s "$T/text" "$T/want" || die "note verify does not give the checkpoint's text"
	verify_ok
	grep -q -F "log/checkpoint: valid: 5 of 5 entries, cosigned by 0 witnesses of the policy, quorum met" \
		"$T/verify.out" || die "verify does not describe the checkpoint"
	"$ENDORSE" verify -C "$R" --format json >"$T/json" || die "verify --format json failed"
	grep -q -F '"checkpoint":{"size":5,"witnesses":0,"quorum":true,"pending":false}' "$T/json" ||
		die "verify --format json does not describe the checkpoint"
	# a second checkpoint of the same log: nothing to sign, nothing changed
	cp "$CP" "$T/before"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	out_has "already covers all 5 entries"
	cmp -s "$CP" "$T/before" || die "an unchanged log got a new checkpoint"
	# a new entry: the old checkpoint still verifies (size <= lines) ...
	need_org2
	ok sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	verify_ok
	grep -q -F "log/checkpoint: valid: 5 of 6 entries" "$T/verify.out" || die "the old checkpoint no longer verifies"
	# ... and the next one covers it
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	out_has "checkpoint of 6 entries, root $(root_of 6)"
	verify_ok
	;;
checkpoint-wrong-key)
	build_base
	expect_rc 2 checkpoint -C "$R" --key "$K/org0.key"
	err_has "is not this log's key"
	[ ! -e "$CP" ] || die "a checkpoint was written with the wrong key"
	keygen w1 witness1.example.org --witness
	expect_rc 2 checkpoint -C "$R" --key "$K/w1.key"
	[ ! -e "$CP" ] || die "a checkpoint was written with a witness key"
	;;
checkpoint-refuses-invalid-log)
	build_base
	"$PY" - "$LOG" <<'EOF'
import sys
p = sys.argv[1]
data = open(p, "rb").read().replace(b"Org One", b"Org 0ne", 1)
open(p, "wb").write(data)
EOF
	expect_rc 1 checkpoint -C "$R" --key "$K/log.key"
	err_has "the log does not verify"
	[ ! -e "$CP" ] || die "a checkpoint of an invalid log was written"
	;;
checkpoint-smaller)
	build_base
	signed_checkpoint log "$(printf '%s\n3\n%s\n' "$ORIGIN" "$(root_of 3)")"
	verify_ok
	grep -q -F "log/checkpoint: valid: 3 of 5 entries" "$T/verify.out" || die "a smaller checkpoint is refused"
	signed_checkpoint log "$(printf '%s\n0\n%s\n' "$ORIGIN" "$(root_of 0)")"
	verify_ok
	;;
checkpoint-size)
	build_base
	signed_checkpoint log "$(printf '%s\n6\n%s\n' "$ORIGIN" "$( (cat "$LOG"; echo '{}') | "$ENDORSE" tree root)")"
	expect_invalid "log/checkpoint: checkpoint-size:"
	expect_problems 1
	;;
checkpoint-root)
	build_base
	signed_checkpoint log "$(printf '%s\n5\n%s\n' "$ORIGIN" "$(root_of 4)")"
	expect_invalid "log/checkpoint: checkpoint-root:"
	expect_problems 1
	;;
checkpoint-origin)
	build_base
	signed_checkpoint log "$(printf 'example.org/other\n5\n%s\n' "$(root_of 5)")"
	expect_invalid "log/checkpoint: checkpoint-origin:"
	expect_problems 1
	;;
checkpoint-signature)
	build_base
	# the same name as the log key, another key: an unknown signature,
	# ignored, so the checkpoint has no signature by the log key
	keygen impostor "$ORIGIN"
	signed_checkpoint impostor "$(printf '%s\n5\n%s\n' "$ORIGIN" "$(root_of 5)")"
	expect_invalid "log/checkpoint: checkpoint-signature:"
	expect_problems 1
	;;
checkpoint-signature-bad)
	build_base
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	flip_in "$CP" "— $ORIGIN "
	expect_invalid "log/checkpoint: checkpoint-signature:"
	expect_problems 1
	;;
checkpoint-signature-twice)
	build_base
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	tail -n 1 "$CP" >>"$CP"
	expect_invalid "log/checkpoint: checkpoint-signature:"
	verify_err_has "twice"
	;;
checkpoint-malformed)
	build_base
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cp "$CP" "$T/good"
	# an extension line, signed by the log key: endorse accepts none
	signed_checkpoint log "$(printf '%s\n5\n%s\nextension\n' "$ORIGIN" "$(root_of 5)")"
	expect_invalid "log/checkpoint: checkpoint:"
	# not a note: no blank line before the signatures
	grep -v '^$' "$T/good" >"$CP"
	expect_invalid "log/checkpoint: checkpoint:"
	# a carriage return
	sed 's/$/\r/' "$T/good" >"$CP"
	expect_invalid "log/checkpoint: checkpoint:"
	# a leading zero in the size
	signed_checkpoint log "$(printf '%s\n05\n%s\n' "$ORIGIN" "$(root_of 5)")"
	expect_invalid "log/checkpoint: checkpoint:"
	# a symbolic link
	mv "$T/good" "$R/log/real-checkpoint"
	rm -f "$CP"
	ln -s real-checkpoint "$CP"
	expect_invalid "log/checkpoint: checkpoint:"
	expect_problems 1
	;;
quorum)
	build_base
	witnesses
	policy_with_witnesses "group two-of-three 2 w1 w2 w3" "quorum two-of-three"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	out_has "waiting for 2 witnesses (policy quorum two-of-three (2 of w1, w2, w3))"
	expect_pending
	verify_err_has 'cosigned by 0 witnesses so far'
	# writers go on while the witnesses have not cosigned yet
	need_org2
	ok sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	cosign w1
	out_has "cosigned the checkpoint of 5 entries of $ORIGIN"
	expect_pending
	cosign w3
	verify_ok
	grep -q -F "cosigned by 2 witnesses of the policy, quorum met" "$T/verify.out" ||
		die "verify does not count the two cosignatures"
	# the same witness twice counts once (and a duplicate line is refused)
	policy_with_witnesses "group all-three all w1 w2 w3" "quorum all-three"
	expect_pending
	grep "witness1" "$CP" >"$T/w1-line"
	cat "$T/w1-line" >>"$CP"
	expect_invalid "log/checkpoint: cosignature:"
	;;
quorum-nested)
	build_base
	witnesses
	policy_with_witnesses "group a any w1 w2" "group b all w3" "group both all a b" "quorum both"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	cosign w2
	expect_pending
	cosign w3
	verify_ok
	;;
cosignature-bad)
	build_base
	witnesses
	policy_with_witnesses "quorum w1"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	verify_ok
	flip_in "$CP" "— witness1.example.org "
	expect_invalid "log/checkpoint: cosignature:"
	expect_problems 1
	;;
cosignature-unknown)
	build_base
	witnesses
	policy_with_witnesses "quorum none"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	# a witness the policy does not name: ignored, whatever it signs
	keygen stranger stranger.example.org --witness
	cosign stranger
	err_has "not listed in keys/policy"
	flip_in "$CP" "— stranger.example.org "
	verify_ok
	grep -q -F "cosigned by 0 witnesses" "$T/verify.out" || die "an unknown witness was counted"
	;;
cosignature-future)
	build_base
	witnesses
	policy_with_witnesses "quorum w1"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1 --time $(($(date +%s) + 3600))
	expect_invalid "log/checkpoint: cosignature-time:"
	expect_problems 1
	# while the checkpoint is invalid, nothing is written
	expect_rc 1 cosign -C "$R" --key "$K/w2.key" --state "$T/state-w2"
	# within the allowed clock skew (ENDORSE_COSIGNATURE_SKEW, 600 s): valid
	sed -i '/witness1/d' "$CP"
	policy_with_witnesses "quorum w2"
	cosign w2 --time $(($(date +%s) + 60))
	verify_ok
	;;
cosign-not-witness-key)
	build_base
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	expect_rc 2 cosign -C "$R" --key "$K/org0.key" --state "$T/state"
	err_has "not a witness key"
	;;
cosign-no-checkpoint)
	build_base
	keygen w1 witness1.example.org --witness
	expect_rc 2 cosign -C "$R" --key "$K/w1.key" --state "$T/state"
	err_has "endorse checkpoint"
	;;
cosign-consistent)
	build_base
	witnesses
	policy_with_witnesses "quorum w1"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	cosign w1
	out_has "already cosigned"
	state=$(find "$T/state-w1" -type f ! -name .lock)
	[ "$(echo "$state" | wc -l)" -eq 1 ] || die "expected one state file"
	[ "$state" = "$T/state-w1/$(state_name "$ORIGIN" w1)" ] ||
		die "state file $state is not named by the origin's hash and the key ID"
	[ "$(stat -c %a "$T/state-w1")" = 700 ] || die "the state directory is not private"
	cmp -s "$CP" "$state" || die "the state does not hold the cosigned checkpoint's note"
	need_org2
	ok sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	! grep -q witness1 "$CP" || die "the new checkpoint kept the old cosignature"
	cosign w1
	out_has "cosigned the checkpoint of 6 entries"
	cmp -s "$CP" "$state" || die "the state did not move to the new checkpoint"
	verify_ok
	;;
cosign-rollback)
	build_base
	witnesses
	policy_with_witnesses "quorum w1"
	signed_checkpoint log "$(printf '%s\n4\n%s\n' "$ORIGIN" "$(root_of 4)")"
	cp "$CP" "$T/old"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	state=$(find "$T/state-w1" -type f ! -name .lock)
	cp "$state" "$T/state-before"
	# the operator shows the older, smaller checkpoint again
	cp "$T/old" "$CP"
	expect_rc 1 cosign -C "$R" --key "$K/w1.key" --state "$T/state-w1"
	err_has "rollback"
	err_has "the checkpoint this witness cosigned before"
	err_has "the checkpoint the log shows now"
	grep -q -F "$(root_of 5)" "$T/err" || die "the evidence lacks the checkpoint cosigned before"
	grep -q -F "$(root_of 4)" "$T/err" || die "the evidence lacks the checkpoint offered now"
	# each checkpoint exactly as signed: the one before with the operator's
	# signature and this witness's own cosignature (its state), the one now
	# as log/checkpoint holds it
	evidence "CHECKPOINT COSIGNED BEFORE" "$T/ev-before"
	evidence "CHECKPOINT SHOWN NOW" "$T/ev-now"
	note_verifies "$T/ev-before" "$(vkey log)"
	note_verifies "$T/ev-before" "$(vkey w1)"
	note_verifies "$T/ev-now" "$(vkey log)"
	cmp -s "$T/ev-before" "$T/state-before" || die "the evidence is not the witness's state"
	cmp -s "$T/ev-now" "$T/old" || die "the evidence is not the checkpoint the log shows"
	err_has "from its own state (--state): signed by the log operator and cosigned by this witness"
	! grep -q -- '::stop-commands::' "$T/err" || die "evidence without workflow commands was wrapped"
	cmp -s "$T/old" "$CP" || die "a refused cosign changed log/checkpoint"
	cmp -s "$state" "$T/state-before" || die "a refused cosign changed the witness state"
	;;
cosign-fork)
	build_base
	witnesses
	policy_with_witnesses "quorum w1"
	cp -r "$R" "$T/fork"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	# the same log key shows another history of the same size to the witness
	sed -i '$d' "$T/fork/log/endorsements.jsonl"
	ok sign -C "$T/fork" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:04:30Z
	expect_rc 0 checkpoint -C "$T/fork" --key "$K/log.key"
	expect_rc 1 cosign -C "$T/fork" --key "$K/w1.key" --state "$T/state-w1"
	err_has "fork"
	evidence "CHECKPOINT COSIGNED BEFORE" "$T/ev-before"
	evidence "CHECKPOINT SHOWN NOW" "$T/ev-now"
	note_verifies "$T/ev-before" "$(vkey log)" "$(vkey w1)"
	grep -q "^— witness1.example.org " "$T/ev-before" || die "the old checkpoint lacks the witness's cosignature"
	cmp -s "$T/ev-before" "$CP" || die "the evidence is not the checkpoint the witness cosigned"
	note_verifies "$T/ev-now" "$(vkey log)"
	cmp -s "$T/ev-now" "$T/fork/log/checkpoint" || die "the evidence is not the fork's checkpoint"
	# and a longer history that does not extend the cosigned one
	need_org2
	ok sign -C "$T/fork" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:06:00Z
	expect_rc 0 checkpoint -C "$T/fork" --key "$K/log.key"
	expect_rc 1 cosign -C "$T/fork" --key "$K/w1.key" --state "$T/state-w1"
	err_has "not consistent with the checkpoint this witness cosigned before"
	! grep -q witness1 "$T/fork/log/checkpoint" || die "the witness cosigned a fork"
	;;
cosign-damaged-state)
	build_base
	keygen w1 witness1.example.org --witness
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	state=$(find "$T/state-w1" -type f ! -name .lock)
	echo garbage >"$state"
	expect_rc 2 cosign -C "$R" --key "$K/w1.key" --state "$T/state-w1"
	err_has "damaged"
	# a checkpoint note without this witness's own cosignature is no memory of it
	printf '%s\n5\n%s\n' "$ORIGIN" "$(root_of 5)" | "$ENDORSE" note sign --key "$K/log.key" >"$state"
	expect_rc 2 cosign -C "$R" --key "$K/w1.key" --state "$T/state-w1"
	err_has "damaged"
	;;
cosign-state-old-form)
	# A state of the old form (named by the %-encoded origin, the checkpoint's
	# text only) is read: a rollback against it is refused with that text as
	# evidence; a cosign replaces it by the state of the new form.
	build_base
	keygen w1 witness1.example.org --witness
	mkdir -m 700 "$T/state-w1"
	old="$T/state-w1/example.org%2Fe2e.$(vkey w1 | cut -d+ -f2)"
	printf '%s\n5\n%s\n' "$ORIGIN" "$(root_of 5)" >"$old"
	signed_checkpoint log "$(printf '%s\n4\n%s\n' "$ORIGIN" "$(root_of 4)")"
	expect_rc 1 cosign -C "$R" --key "$K/w1.key" --state "$T/state-w1"
	err_has "rollback"
	err_has "of the old form, which kept the checkpoint's text only"
	evidence "CHECKPOINT COSIGNED BEFORE" "$T/ev-before"
	cmp -s "$T/ev-before" "$old" || die "the evidence is not the old state's text"
	evidence "CHECKPOINT SHOWN NOW" "$T/ev-now"
	note_verifies "$T/ev-now" "$(vkey log)"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	[ ! -e "$old" ] || die "the state of the old form was not replaced"
	cmp -s "$CP" "$T/state-w1/$(state_name "$ORIGIN" w1)" || die "the new state is not the cosigned note"
	;;
cosign-long-origin)
	# The longest origin SPEC.md allows (255 bytes), with slashes.
	ORIGIN=$("$PY" -c 'o = "example.org/" + "/".join(["segment"] * 30); print(o + "x" * (255 - len(o)))')
	[ "${#ORIGIN}" -eq 255 ] || die "the origin has ${#ORIGIN} bytes"
	build_base
	keygen w1 witness1.example.org --witness
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	state="$T/state-w1/$(state_name "$ORIGIN" w1)"
	cmp -s "$CP" "$state" || die "the state does not hold the cosigned checkpoint"
	[ "$(head -n 1 "$state")" = "$ORIGIN" ] || die "the state does not name its origin"
	need_org2
	ok sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	out_has "cosigned the checkpoint of 6 entries"
	;;
cosign-evidence-workflow-command)
	# Evidence whose signed text holds GitHub Actions workflow commands
	# ("::" at a line's start, "##[" anywhere) stays byte for byte, between
	# ::stop-commands::TOKEN and ::TOKEN:: lines that stop the runner from
	# parsing it.
	ORIGIN='::error::e2e/##[add-mask]x'
	build_base
	keygen w1 witness1.example.org --witness
	signed_checkpoint log "$(printf '%s\n4\n%s\n' "$ORIGIN" "$(root_of 4)")"
	cp "$CP" "$T/old"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	cp "$T/old" "$CP"
	expect_rc 1 cosign -C "$R" --key "$K/w1.key" --state "$T/state-w1"
	evidence "CHECKPOINT COSIGNED BEFORE" "$T/ev-before"
	evidence "CHECKPOINT SHOWN NOW" "$T/ev-now"
	note_verifies "$T/ev-before" "$(vkey log)" "$(vkey w1)"
	cmp -s "$T/ev-now" "$T/old" || die "the evidence is not the checkpoint the log shows"
	"$PY" - "$T/err" <<'PYEOF' || die "a workflow command in the evidence is outside ::stop-commands::"
import re, sys
token = None
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if token is None:
        m = re.fullmatch(r"::stop-commands::([0-9a-f]{32})", line)
        if m:
            token = m.group(1)
        elif "##[" in line or line.lstrip(" \t").startswith("::"):
            sys.exit("unwrapped: " + line)
    elif line == "::" + token + "::":
        token = None
sys.exit(1 if token is not None else 0)
PYEOF
	[ "$(grep -c -- '^::stop-commands::' "$T/err")" -eq 2 ] || die "expected both notes wrapped"
	;;
cosign-origin-case)
	# Two origins that differ only in case: two states, named so that no
	# file system can take one for the other (lowercase hex).
	build_base
	keygen w1 witness1.example.org --witness
	keygen log2 "EXAMPLE.org/E2E"
	R2="$T/repo2"
	mkdir "$R2"
	fixture init -C "$R2" --key "$K/log2.key" --document "$T/doc-v1.txt" --title "E2E" \
		--url https://example.org/manifesto --time 2026-01-01T00:00:00Z
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	expect_rc 0 checkpoint -C "$R2" --key "$K/log2.key"
	cosign w1
	expect_rc 0 cosign -C "$R2" --key "$K/w1.key" --state "$T/state-w1"
	out_has "cosigned the checkpoint of 1 entries of EXAMPLE.org/E2E"
	[ "$(find "$T/state-w1" -type f ! -name .lock | wc -l)" -eq 2 ] || die "expected two state files"
	for f in "$T/state-w1"/*; do
		[[ "$(basename "$f")" =~ ^[0-9a-f]{64}\.[0-9a-f]{8}$ ]] || die "state file $f is not named in lowercase hex"
	done
	cmp -s "$CP" "$T/state-w1/$(state_name "$ORIGIN" w1)" || die "the first origin's state"
	cmp -s "$R2/log/checkpoint" "$T/state-w1/$(state_name "EXAMPLE.org/E2E" w1)" ||
		die "the second origin's state"
	cosign w1
	out_has "already cosigned"
	;;
prove)
	build_base
	witnesses
	policy_with_witnesses "quorum w2"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w2
	cp "$R/keys/policy" "$T/policy"
	for seq in 0 1 2 3 4; do
		"$ENDORSE" prove -C "$R" "$seq" >"$T/proof-$seq" 2>/dev/null || die "prove $seq failed"
		sed -n "$((seq + 1))p" "$LOG" >"$T/entry-$seq"
		expect_rc 0 verify-proof "$T/proof-$seq" --policy "$T/policy" --entry "$T/entry-$seq"
		out_has "valid: entry $seq is in the log $ORIGIN (checkpoint of 5 entries)"
		out_has "witnessed by 1 of 3 witnesses, quorum \"w2\" met: w2"
	done
	head -n 2 "$T/proof-1" | cmp -s - <(printf 'c2sp.org/tlog-proof@v1\nindex 1\n') ||
		die "the proof does not start with the tlog-proof header and index"
	tail -n 6 "$T/proof-1" | cmp -s - "$CP" || die "the proof does not end with the checkpoint"
	# by organization: its newest endorsement still in effect (line 5)
	"$ENDORSE" prove -C "$R" org0.example.org >"$T/proof-org0" 2>/dev/null || die "prove org0 failed"
	cmp -s "$T/proof-org0" "$T/proof-4" || die "prove org0.example.org is not the proof of entry 4"
	"$ENDORSE" verify-proof - --policy "$T/policy" --entry "$T/entry-4" <"$T/proof-4" \
		>"$T/out" 2>"$T/err" || die "verify-proof does not read the proof from standard input"
	out_has "statement: endorse by org0.example.org (Org Zero) of document sha256 $DOC2"
	# without the final newline, the entry is the same line
	printf '%s' "$(cat "$T/entry-2")" >"$T/entry-2-nolf"
	expect_rc 0 verify-proof "$T/proof-2" --policy "$T/policy" --entry "$T/entry-2-nolf"
	# an entry after the checkpoint has no proof yet
	need_org2
	ok sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	expect_rc 2 prove -C "$R" 5
	err_has "is not in the checkpoint (5 entries)"
	expect_rc 2 prove -C "$R" 9
	expect_rc 2 prove -C "$R" nobody.example.org
	expect_rc 2 prove -C "$R" 01
	;;
prove-no-checkpoint)
	build_base
	expect_rc 2 prove -C "$R" 1
	err_has "no checkpoint"
	;;
verify-proof-invalid)
	build_base
	witnesses
	policy_with_witnesses "quorum w2"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w2
	cp "$R/keys/policy" "$T/policy"
	"$ENDORSE" prove -C "$R" 2 >"$T/proof" 2>/dev/null || die "prove failed"
	sed -n 3p "$LOG" >"$T/entry"
	sed -n 2p "$LOG" >"$T/other-entry"
	vp() { expect_rc 1 verify-proof "$1" --policy "${3:-$T/policy}" --entry "${2:-$T/entry}"; }
	# another entry than the one proved
	vp "$T/proof" "$T/other-entry"
	err_has "invalid proof (entry)"
	# the right seq, another line: a re-signed copy with seq 2 does not exist,
	# so change the index instead: the inclusion proof no longer leads home
	sed 's/^index 2$/index 1/' "$T/proof" >"$T/p"
	vp "$T/p" "$T/other-entry"
	err_has "invalid proof (inclusion)"
	# one bit of one hash of the proof
	"$PY" - "$T/proof" "$T/p" <<'EOF'
import base64, sys
lines = open(sys.argv[1]).read().split("\n")
h = bytearray(base64.b64decode(lines[2]))
h[0] ^= 1
lines[2] = base64.b64encode(bytes(h)).decode()
open(sys.argv[2], "w").write("\n".join(lines))
EOF
	vp "$T/p"
	err_has "invalid proof (inclusion)"
	# a hash removed
	sed '3d' "$T/proof" >"$T/p"
	vp "$T/p"
	err_has "invalid proof (inclusion)"
	# the checkpoint's signature
	cp "$T/proof" "$T/p"
	flip_in "$T/p" "— $ORIGIN "
	vp "$T/p"
	err_has "invalid proof (checkpoint-signature)"
	# the witness's cosignature, and its absence (quorum w2)
	cp "$T/proof" "$T/p"
	flip_in "$T/p" "— witness2.example.org "
	vp "$T/p"
	err_has "invalid proof (cosignature)"
	grep -v "witness2" "$T/proof" >"$T/p"
	vp "$T/p"
	err_has "invalid proof (quorum)"
	# a policy of another log
	keygen other example.org/other
	printf 'log %s\nquorum none\n' "$(vkey other)" >"$T/other-policy"
	vp "$T/proof" "$T/entry" "$T/other-policy"
	err_has "invalid proof (checkpoint-origin)"
	# a policy that requires another witness
	sed 's/^quorum w2$/quorum w1/' "$T/policy" >"$T/p-policy"
	vp "$T/proof" "$T/entry" "$T/p-policy"
	err_has "invalid proof (quorum)"
	# malformed proofs
	sed '1s/.*/c2sp.org\/tlog-proof@v2/' "$T/proof" >"$T/p"
	vp "$T/p"
	err_has "invalid proof (proof)"
	sed 's/^index 2$/index 02/' "$T/proof" >"$T/p"
	vp "$T/p"
	err_has "invalid proof (proof)"
	# an entry whose signature is not the organization's
	"$PY" - "$T/entry" "$T/p-entry" <<'EOF'
import sys
line = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(line.replace("Org One", "Org 0ne", 1))
EOF
	vp "$T/proof" "$T/p-entry"
	err_has "invalid proof (signature)"
	# an extra line (opaque data) is allowed
	sed '1a extra aGVsbG8=' "$T/proof" >"$T/p"
	expect_rc 0 verify-proof "$T/p" --policy "$T/policy" --entry "$T/entry"
	;;
prove-stale-cache)
	# The leaf hashes cached by prove are never trusted: after the log
	# changed under the same path, the proof is made from the log again.
	build_base
	cp -r "$R" "$T/copy"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	"$ENDORSE" prove -C "$R" 4 >"$T/proof-a" 2>/dev/null || die "prove failed"
	ls "$HOME/.cache/endorse/"leaves-* >/dev/null 2>&1 || die "prove kept no leaf hashes"
	# another history of the same size at the same path
	rm -rf "$R"
	mv "$T/copy" "$R"
	sed -i '$d' "$LOG"
	ok sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:04:30Z
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	"$ENDORSE" prove -C "$R" 4 >"$T/proof-b" 2>/dev/null || die "prove with a stale cache failed"
	sed -n 5p "$LOG" >"$T/entry"
	expect_rc 0 verify-proof "$T/proof-b" --policy "$R/keys/policy" --entry "$T/entry"
	# a damaged cache is replaced too
	for f in "$HOME/.cache/endorse/"leaves-*; do printf 'garbage' >"$f"; done
	"$ENDORSE" prove -C "$R" 4 >"$T/proof-c" 2>/dev/null || die "prove with a damaged cache failed"
	cmp -s "$T/proof-b" "$T/proof-c" || die "the proof differs after the cache was damaged"
	;;
note-plumbing)
	keygen signer example.org/notes
	keygen other example.org/other
	keygen w1 witness1.example.org --witness
	printf 'Hello, world.\n\nA second paragraph.\n' >"$T/text"
	"$ENDORSE" note sign --key "$K/signer.key" <"$T/text" >"$T/note" || die "note sign failed"
	"$ENDORSE" note verify "$(vkey signer)" <"$T/note" >"$T/out" 2>"$T/err" || die "note verify failed"
	cmp -s "$T/out" "$T/text" || die "note verify does not print the signed text"
	# a second signer, and a witness's cosignature, on the same note
	"$ENDORSE" note sign --key "$K/w1.key" --time 1700000000 <"$T/text" | tail -n 1 >>"$T/note"
	"$ENDORSE" note verify "$(vkey signer)" "$(vkey w1)" <"$T/note" >"$T/out" 2>"$T/err" ||
		die "note verify of a cosigned note failed"
	grep -q -F "1700000000" "$T/err" || die "note verify does not show the cosignature's time"
	# only other keys: no known signature
	RC=0
	"$ENDORSE" note verify "$(vkey other)" <"$T/note" >"$T/out" 2>"$T/err" || RC=$?
	[ "$RC" -eq 1 ] || die "a note without a known signature gave exit $RC"
	[ ! -s "$T/out" ] || die "an unverified note's text was printed"
	# a bad signature by a known key
	cp "$T/note" "$T/bad"
	flip_in "$T/bad" "— example.org/notes "
	RC=0
	"$ENDORSE" note verify "$(vkey signer)" <"$T/bad" >"$T/out" 2>"$T/err" || RC=$?
	[ "$RC" -eq 1 ] || die "a bad signature gave exit $RC"
	# a text without a final newline cannot be signed
	RC=0
	printf 'no newline' | "$ENDORSE" note sign --key "$K/signer.key" >"$T/out" 2>"$T/err" || RC=$?
	[ "$RC" -eq 2 ] || die "note sign of a text without newline gave exit $RC"
	# the independent implementation's note
	[ -d "${ENDORSE_SHARED:-}/vectors/note" ] || skip "../shared/vectors/note is absent"
	"$ENDORSE" note verify "$(cat "$ENDORSE_SHARED/vectors/note/signer.vkey")" \
		<"$ENDORSE_SHARED/vectors/note/signed.note" >"$T/out" 2>"$T/err" || die "the vector note does not verify"
	printf 'A note signed by an independent implementation.\nSecond line.\n' | cmp -s - "$T/out" ||
		die "the vector note's text differs"
	;;
tree-plumbing)
	for i in $(seq 1 300); do echo "line $i"; done >"$T/lines"
	root=$("$ENDORSE" tree root <"$T/lines")
	[ "$root" = "$(head -n 300 "$T/lines" | "$ENDORSE" tree root)" ] || die "tree root is not stable"
	[ "$("$ENDORSE" tree root </dev/null)" = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" ] ||
		die "the root of no lines is not SHA-256 of nothing"
	for idx in 0 1 127 128 255 299; do
		"$ENDORSE" tree prove-inclusion "$idx" <"$T/lines" >"$T/proof" || die "prove-inclusion $idx failed"
		sed -n "$((idx + 1))p" "$T/lines" >"$T/leaf"
		"$ENDORSE" tree verify-inclusion --index "$idx" --size 300 --root "$root" --leaf "$T/leaf" \
			<"$T/proof" >/dev/null || die "inclusion proof of $idx rejected"
		RC=0
		"$ENDORSE" tree verify-inclusion --index "$(((idx + 1) % 300))" --size 300 --root "$root" \
			--leaf "$T/leaf" <"$T/proof" >/dev/null 2>&1 || RC=$?
		[ "$RC" -eq 1 ] || die "inclusion proof of $idx accepted for another index ($RC)"
	done
	# from the empty tree a proof proves nothing: refused (transparency-dev)
	"$ENDORSE" tree prove-consistency 0 <"$T/lines" >"$T/proof" || die "prove-consistency 0 failed"
	[ ! -s "$T/proof" ] || die "a consistency proof from size 0 is not empty"
	RC=0
	"$ENDORSE" tree verify-consistency --old-size 0 --old-root "$("$ENDORSE" tree root </dev/null)" \
		--size 300 --root "$root" <"$T/proof" >/dev/null 2>&1 || RC=$?
	[ "$RC" -eq 1 ] || die "a consistency proof from size 0 was accepted ($RC)"
	for old in 1 2 64 100 299 300; do
		old_root=$(head -n "$old" "$T/lines" | "$ENDORSE" tree root)
		"$ENDORSE" tree prove-consistency "$old" <"$T/lines" >"$T/proof" || die "prove-consistency $old failed"
		"$ENDORSE" tree verify-consistency --old-size "$old" --old-root "$old_root" --size 300 \
			--root "$root" <"$T/proof" >/dev/null || die "consistency proof from $old rejected"
	done
	# a consistency proof between two different histories does not exist
	sed '50s/.*/line fifty, rewritten/' "$T/lines" >"$T/fork"
	fork_root=$(head -n 100 "$T/fork" | "$ENDORSE" tree root)
	"$ENDORSE" tree prove-consistency 100 <"$T/lines" >"$T/proof"
	RC=0
	"$ENDORSE" tree verify-consistency --old-size 100 --old-root "$fork_root" --size 300 \
		--root "$root" <"$T/proof" >/dev/null 2>&1 || RC=$?
	[ "$RC" -eq 1 ] || die "a consistency proof was accepted for a forked history ($RC)"
	RC=0
	printf 'no newline' | "$ENDORSE" tree root >/dev/null 2>&1 || RC=$?
	[ "$RC" -eq 2 ] || die "tree root of a last line without newline gave exit $RC"
	for bad in 300 01 -1 x ""; do
		RC=0
		"$ENDORSE" tree prove-inclusion "$bad" <"$T/lines" >/dev/null 2>&1 || RC=$?
		[ "$RC" -eq 2 ] || die "prove-inclusion '$bad' gave exit $RC, expected 2"
	done
	RC=0
	"$ENDORSE" tree prove-consistency 301 <"$T/lines" >/dev/null 2>&1 || RC=$?
	[ "$RC" -eq 2 ] || die "prove-consistency beyond the lines gave exit $RC, expected 2"
	# a malformed proof is an invalid one
	RC=0
	echo "not base64" | "$ENDORSE" tree verify-consistency --old-size 1 --old-root "$root" \
		--size 300 --root "$root" >/dev/null 2>&1 || RC=$?
	[ "$RC" -eq 1 ] || die "a malformed proof gave exit $RC, expected 1"
	# the independent implementation's roots of leaf-1 .. leaf-N
	[ -f "${ENDORSE_SHARED:-}/vectors/tree/roots.txt" ] || skip "../shared/vectors/tree is absent"
	while read -r n want; do
		got=$(for i in $(seq 1 "$n"); do echo "leaf-$i"; done | "$ENDORSE" tree root)
		[ "$got" = "$want" ] || die "root of $n leaves: $got, expected $want"
	done <"$ENDORSE_SHARED/vectors/tree/roots.txt"
	;;
audit-checkpoint)
	# audit shows the verified checkpoint in every format that has a header
	build_base
	witnesses
	policy_with_witnesses "quorum w1"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	cosign w1
	need_org2
	ok sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	expect_rc 0 audit -C "$R"
	out_has "checkpoint:  5 of 6 entries, cosigned by 1 witness, quorum met"
	expect_rc 0 audit -C "$R" --format json
	out_has "\"checkpoint\":{\"size\":5,\"root\":\"$(root_of 5)\",\"witnesses\":1,\"quorum\":true}"
	expect_rc 0 audit -C "$R" --format markdown
	out_has "; checkpoint: 5 of 6 entries, cosigned by 1 witness, quorum met."
	expect_rc 0 audit -C "$R" --format html
	out_has "<dt>Checkpoint</dt><dd>signed for the first 5 of the 6 entries, cosigned by 1 witness; the policy's quorum of witnesses is met</dd>"
	# a checkpoint that breaks a rule: no audit at all
	signed_checkpoint log "$(printf '%s\n5\n%s\n' "$ORIGIN" "$(root_of 4)")"
	expect_rc 1 audit -C "$R"
	;;
*)
	die "unknown case $CASE"
	;;
esac
echo "ok [$CASE]"
