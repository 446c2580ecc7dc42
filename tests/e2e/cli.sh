#!/usr/bin/env bash
# End-to-end cases of the command line: the happy path from keygen to audit,
# and the safety properties (refusals leave the log as it was, key files are
# protected, exit codes are right).
#
# usage: cli.sh CASE   (ENDORSE = the endorse binary, ENDORSE_SHARED = ../shared)
set -euo pipefail

CASE=${1:?usage: cli.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

# expect_refused CMD...: endorse refuses (exits non-zero; refused-exit-status
# checks the exact code).
expect_refused() {
	run "$@"
	if [ "$RC" -eq 0 ]; then
		cat "$T/out" >&2
		die "endorse $* succeeded; it must be refused"
	fi
}

# snapshot / unchanged: the log and keys/orgs are byte for byte as before.
snapshot() {
	rm -rf "$T/snap"
	mkdir -p "$T/snap"
	cp -a "$R/log" "$R/keys" "$T/snap/"
}

unchanged() {
	diff -r "$T/snap/log" "$R/log" >/dev/null || die "the log directory changed: $*"
	diff -r "$T/snap/keys" "$R/keys" >/dev/null || die "keys/ changed: $*"
	cmp -s "$T/snap/log/endorsements.jsonl" "$LOG" || die "the log changed: $*"
}

lines() {
	wc -l <"$LOG" | tr -d ' '
}

key_id() {
	vkey "$1" | cut -d+ -f2
}

# A small log: document v1, org0 and org1 endorse it.
small_log() {
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	keygen org1 org1.example.org
	ok init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --time 2026-01-01T00:00:00Z
	ok sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:01:00Z
	ok sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--time 2026-01-01T00:02:00Z
	verify_ok
}

# sign_through_link SUB: org2's first endorsement is refused (exit 2) because
# SUB (keys, keys/orgs or log) is a symbolic link.
sign_through_link() {
	need_org2
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	err_has "$1: is a symbolic link; refusing to follow it"
}

# init_through_link SUB OTHER: init refuses a new log whose SUB/ is a
# symbolic link (exit 2), writing nothing there and making no OTHER/.
init_through_link() {
	mkdir "$T/new" "$T/outside2"
	ln -s "$T/outside2" "$T/new/$1"
	expect_rc 2 init -C "$T/new" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E" \
		--url https://example.org/manifesto --time 2026-01-01T00:00:00Z
	err_has "$1: is a symbolic link"
	[ -z "$(ls -A "$T/outside2")" ] || die "init wrote into the directory $1 links to"
	[ ! -e "$T/new/$2" ] || die "a refused init made $2/"
}

need_python() {
	command -v "$PY" >/dev/null || skip "python3 is needed to read JSON output"
}

# The lifecycle log, 15 lines (seq 0..14):
#  0 document v1             5 org0 signs v2           10 log key revokes org1's key
#  1 org0 signs v1           6 org1 signs v2           11 org1 (new key) signs v2
#  2 org1 signs v1           7 org1 withdraws (v2)     12 org2 (new key) re-signs v1
#  3 org2 signs v1           8 org0 rotates            13 org3 signs v2
#  4 document v2             9 org2 revokes its key    14 org0 (new key) withdraws v1
# Current signatories: v1 org1 (seq 2), org2 (seq 12, new key);
#                      v2 org0 (seq 5, old key), org1 (seq 11, new key), org3 (seq 13).
lifecycle_log() {
	make_docs
	keygen log "$ORIGIN"
	local i
	for i in 0 1 2 3; do
		keygen "org$i" "org$i.example.org"
	done
	for i in 0 1 2; do
		keygen "org${i}b" "org$i.example.org"
	done
	step() {
		local before
		before=$(lines 2>/dev/null || echo 0)
		ok "$@"
		[ "$(lines)" -eq $((before + 1)) ] || die "endorse $1 did not append exactly one line"
		verify_ok
	}
	ok init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	[ "$(lines)" -eq 1 ] || die "init did not write one line"
	cmp -s "$R/keys/policy" <(printf 'log %s\nquorum none\n' "$(vkey log)") ||
		die "keys/policy is not 'log VKEY' + 'quorum none'"
	verify_ok
	for i in 0 1 2; do
		step sign -C "$R" --key "$K/org$i.key" --name "Org $i" --url "https://org$i.example.org/" \
			--time "2026-01-01T00:0$((i + 1)):00Z"
	done
	step document -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-02T00:00:00Z
	step sign -C "$R" --key "$K/org0.key" --name "Org 0" --url https://org0.example.org/ \
		--time 2026-01-02T00:01:00Z
	step sign -C "$R" --key "$K/org1.key" --name "Org 1" --url https://org1.example.org/ \
		--time 2026-01-02T00:02:00Z
	step withdraw -C "$R" --key "$K/org1.key" --time 2026-01-03T00:00:00Z
	step rotate -C "$R" --key "$K/org0.key" --new-key "$K/org0b.key" --time 2026-01-03T00:01:00Z
	cmp -s "$K/org0b.vkey" "$R/keys/orgs/org0.example.org.vkey" || die "rotate did not pin the new key"
	step revoke -C "$R" --key "$K/org2.key" --target "$K/org2.vkey" --reason "key retired" \
		--time 2026-01-03T00:02:00Z
	[ ! -e "$R/keys/orgs/org2.example.org.vkey" ] || die "revoke left the revoked key pinned"
	step revoke -C "$R" --key "$K/log.key" --target "$(vkey org1)" --reason "reported compromised" \
		--time 2026-01-03T00:03:00Z
	[ ! -e "$R/keys/orgs/org1.example.org.vkey" ] || die "revoke left the revoked key pinned"
	step sign -C "$R" --key "$K/org1b.key" --name "Org 1" --url https://org1.example.org/ \
		--time 2026-01-04T00:00:00Z
	step sign -C "$R" --key "$K/org2b.key" --name "Org 2" --url https://org2.example.org/ \
		--document "$DOC1" --time 2026-01-04T00:01:00Z
	step sign -C "$R" --key "$K/org3.key" --name "Org 3" --url https://org3.example.org/ \
		--time 2026-01-04T00:02:00Z
	step withdraw -C "$R" --key "$K/org0b.key" --document "$DOC1" --time 2026-01-05T00:00:00Z
	[ "$(lines)" -eq 15 ] || die "the lifecycle log has $(lines) lines, expected 15"
}

case "$CASE" in
lifecycle)
	need_python
	lifecycle_log
	# keys/orgs pins exactly the current keys.
	[ "$(ls "$R/keys/orgs" | sort | tr '\n' ' ')" = \
		"org0.example.org.vkey org1.example.org.vkey org2.example.org.vkey org3.example.org.vkey " ] ||
		die "keys/orgs holds: $(ls "$R/keys/orgs")"
	cmp -s "$K/org0b.vkey" "$R/keys/orgs/org0.example.org.vkey" || die "org0 pin"
	cmp -s "$K/org1b.vkey" "$R/keys/orgs/org1.example.org.vkey" || die "org1 pin"
	cmp -s "$K/org2b.vkey" "$R/keys/orgs/org2.example.org.vkey" || die "org2 pin"
	cmp -s "$K/org3.vkey" "$R/keys/orgs/org3.example.org.vkey" || die "org3 pin"
	verify_ok
	grep -q "15 entries, 2 document versions, 4 organizations" "$T/verify.out" ||
		die "verify's summary: $(cat "$T/verify.out")"
	# audit --format json: exactly the expected signatories, with their keys.
	expect_rc 0 audit -C "$R" --format json
	"$PY" - "$T/out" "$DOC1" "$DOC2" "$(key_id org0)" "$(key_id org1)" "$(key_id org1b)" \
		"$(key_id org2b)" "$(key_id org3)" <<'EOF' || die "audit --format json is not as expected"
import json, sys
out, doc1, doc2, k0, k1, k1b, k2b, k3 = sys.argv[1:]
a = json.load(open(out))
assert a["valid"] is True and a["origin"] == "example.org/e2e" and a["entries"] == 15, a
docs = a["documents"]
assert [d["sha256"] for d in docs] == [doc1, doc2], docs
assert [d["seq"] for d in docs] == [0, 4], docs
got = [[(s["org"], s["key_id"], s["seq"]) for s in d["signatories"]] for d in docs]
want = [
    [("org1.example.org", k1, 2), ("org2.example.org", k2b, 12)],
    [("org0.example.org", k0, 5), ("org1.example.org", k1b, 11), ("org3.example.org", k3, 13)],
]
assert got == want, got
# org1's endorsement of v1 was made with the key the log revoked in entry 10;
# org2 re-affirmed its endorsement with a new key after revoking the old one.
revoked = [[s.get("key_revoked_seq") for s in d["signatories"]] for d in docs]
assert revoked == [[10, None], [None, None, None]], revoked
EOF
	# audit (table): the same signatories, document by document.
	expect_rc 0 audit -C "$R"
	"$PY" - "$T/out" <<'EOF' || { cat "$T/out" >&2; die "the audit table is not as expected"; }
import re, sys
text = open(sys.argv[1]).read()
blocks = text.split("Document: ")[1:]
assert len(blocks) == 2, text
want = [["org1.example.org", "org2.example.org"],
        ["org0.example.org", "org1.example.org", "org3.example.org"]]
for block, w in zip(blocks, want):
    m = re.search(r"signatories: (\d+)", block)
    assert m and int(m.group(1)) == len(w), block
    rows = [line.split()[0] for line in block.splitlines()
            if re.match(r"^  org\d\.example\.org ", line)]
    assert rows == w, (rows, w)
EOF
	# audit --org: one organization's whole history.
	expect_rc 0 audit -C "$R" --org org1.example.org --format json
	"$PY" - "$T/out" "$(vkey org1b)" <<'EOF' || die "audit --org org1 --format json is not as expected"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["org"] == "org1.example.org" and a["current_key"] == sys.argv[2], a
h = a["history"]
assert [(e["seq"], e["type"]) for e in h] == [
    (2, "endorse"), (6, "endorse"), (7, "withdraw"), (10, "revoke"), (11, "endorse")], h
assert h[3]["by_log"] is True and h[3]["reason"] == "reported compromised", h[3]
EOF
	expect_rc 0 audit -C "$R" --org org2.example.org --format json
	"$PY" - "$T/out" <<'EOF' || die "audit --org org2 --format json is not as expected"
import json, sys
a = json.load(open(sys.argv[1]))
h = a["history"]
assert [(e["seq"], e["type"]) for e in h] == [(3, "endorse"), (9, "revoke"), (12, "endorse")], h
assert h[1]["by_log"] is False, h[1]
EOF
	expect_rc 0 audit -C "$R" --org org1.example.org
	grep -q "revoked by the log operator: reported compromised" "$T/out" ||
		{ cat "$T/out" >&2; die "audit --org table does not show the revocation"; }
	grep -q "current key: $(vkey org1b)" "$T/out" ||
		{ cat "$T/out" >&2; die "audit --org table does not show the current key"; }
	expect_rc 2 audit -C "$R" --org org9.example.org
	;;
audit-org-revoked)
	# An org whose key is revoked and that has not endorsed since has no key.
	small_log
	ok revoke -C "$R" --key "$K/log.key" --target "$K/org1.vkey" --reason "lost" \
		--time 2026-01-02T00:00:00Z
	expect_rc 0 audit -C "$R" --org org1.example.org
	grep -q "current key: none (revoked)" "$T/out" || { cat "$T/out" >&2; die "current key"; }
	# The endorsement made before the revocation still counts.
	expect_rc 0 audit -C "$R" --format json
	"$PY" - "$T/out" <<'EOF' || die "audit after a revocation"
import json, sys
a = json.load(open(sys.argv[1]))
assert [s["org"] for s in a["documents"][0]["signatories"]] == ["org0.example.org", "org1.example.org"], a
EOF
	;;
audit-hostile-text)
	# Names may hold any printable text, including bidirectional overrides;
	# audit prints them made safe, in the table and in JSON.
	need_python
	small_log
	keygen org2 org2.example.org
	rlo=$(printf '\xe2\x80\xae')
	ok sign -C "$R" --key "$K/org2.key" --name "Org ${rlo}2 gnp.exe" --url "https://org2.example.org/${rlo}x" \
		--time 2026-01-02T00:00:00Z
	verify_ok
	grep -q -F "$rlo" "$LOG" || die "the name was not stored as given"
	expect_rc 0 audit -C "$R"
	! grep -q -F "$rlo" "$T/out" || die "audit printed a raw U+202E in the table"
	grep -q "org2.example.org" "$T/out" || die "audit does not list org2"
	expect_rc 0 audit -C "$R" --format json
	! grep -q -F "$rlo" "$T/out" || die "audit printed a raw U+202E in JSON"
	"$PY" -m json.tool "$T/out" >/dev/null || die "audit --format json is not JSON"
	expect_rc 0 audit -C "$R" --org org2.example.org
	! grep -q -F "$rlo" "$T/out" || die "audit --org printed a raw U+202E"
	;;
audit-two-documents)
	# Versions are numbered per document id.
	need_python
	small_log
	printf 'the charter\n' >"$T/charter.txt"
	ok document -C "$R" --key "$K/log.key" --document "$T/charter.txt" --title "Charter" \
		--url https://example.org/charter --id charter --time 2026-01-02T00:00:00Z --new-document
	ok document -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id e2e-manifesto --time 2026-01-03T00:00:00Z --new-document
	ok sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--document "$(sha256_of "$T/charter.txt")" --time 2026-01-04T00:00:00Z
	verify_ok
	expect_rc 0 audit -C "$R"
	grep -q -F "(id e2e-manifesto, version 1)" "$T/out" || { cat "$T/out" >&2; die "v1"; }
	grep -q -F "(id charter, version 1)" "$T/out" || { cat "$T/out" >&2; die "charter v1"; }
	grep -q -F "(id e2e-manifesto, version 2)" "$T/out" || { cat "$T/out" >&2; die "v2"; }
	expect_rc 0 audit -C "$R" --format json
	"$PY" - "$T/out" <<'EOP' || die "audit --format json of two documents"
import json, sys
a = json.load(open(sys.argv[1]))
got = [(d["id"], [s["org"] for s in d["signatories"]]) for d in a["documents"]]
assert got == [("e2e-manifesto", ["org0.example.org", "org1.example.org"]),
               ("charter", ["org0.example.org"]), ("e2e-manifesto", [])], got
EOP
	;;
stdout-full)
	# Output that cannot be written is an error, never a silent success.
	[ -w /dev/full ] || skip "no /dev/full"
	small_log
	for args in "verify -C $R" "audit -C $R" "audit -C $R --format json" "--version" "--help"; do
		RC=0
		# shellcheck disable=SC2086
		"$ENDORSE" $args >/dev/full 2>"$T/err" </dev/null || RC=$?
		[ "$RC" -eq 2 ] || die "endorse $args with a full stdout exited $RC, expected 2"
	done
	;;
audit-invalid)
	small_log
	sed -i '$ s/Org One/Org Once/' "$LOG"
	expect_rc 1 audit -C "$R"
	[ ! -s "$T/out" ] || die "audit printed data for a log that does not verify: $(cat "$T/out")"
	err_has "WARNING"
	expect_rc 1 audit -C "$R" --format json
	[ ! -s "$T/out" ] || die "audit --format json printed data for an invalid log"
	expect_rc 1 audit -C "$R" --org org0.example.org
	[ ! -s "$T/out" ] || die "audit --org printed data for an invalid log"
	;;
sign-refuses-invalid-log)
	# A writer replays, as verify would (signatures too), the lines that
	# register documents and the lines of its own organization.
	small_log
	sed -i '$ s/Org One/Org Once/' "$LOG"
	snapshot
	expect_rc 1 withdraw -C "$R" --key "$K/org1.key"
	err_has "log/endorsements.jsonl:3: signature:"
	err_has "refusing to append"
	unchanged "withdraw on a log whose entries of the organization do not verify"
	[ -z "$(ls -A "$R/log" | grep -v '^endorsements.jsonl$' || true)" ] ||
		die "a refused append left files in log/: $(ls -A "$R/log")"
	;;
document-refuses-invalid-log)
	small_log
	sed -i '1 s/E2E Manifesto/E2E Manifest0/' "$LOG"
	snapshot
	expect_rc 1 document -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" --title T \
		--url https://example.org/v2
	err_has "log/endorsements.jsonl:1: signature:"
	unchanged "document on a log whose documents do not verify"
	expect_rc 1 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/
	err_has "log/endorsements.jsonl:1: signature:"
	unchanged "sign on a log whose documents do not verify"
	;;
sign-trusts-other-lines)
	# The rest of the log is not verified again at every append (it is
	# verified on every push): a bad line of another organization does not
	# stop a write, and verify still reports it.
	small_log
	keygen org2 org2.example.org
	sed -i '$ s/Org One/Org Once/' "$LOG"
	ok sign -C "$R" --key "$K/org2.key" --name "Org 2" --url https://org2.example.org/
	expect_rc 1 verify -C "$R"
	err_has "log/endorsements.jsonl:3: signature:"
	[ "$(wc -l <"$LOG")" -eq 4 ] || die "the append did not add exactly one line"
	;;
refused-unchanged)
	small_log
	snapshot
	# a duplicate endorsement
	expect_refused sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/
	err_has "duplicate-endorsement"
	unchanged "duplicate endorsement"
	# an unregistered document
	expect_refused sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--document "$(printf x | sha256sum | cut -d' ' -f1)"
	unchanged "endorsement of an unregistered document"
	# a document registered twice
	expect_refused document -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title T --new-document \
		--url https://example.org/v1
	err_has "duplicate-document"
	unchanged "document registered twice"
	# a document signed by an org key
	expect_refused document -C "$R" --key "$K/org0.key" --document "$T/doc-v2.txt" --title T \
		--url https://example.org/v2
	unchanged "document signed by an org key"
	# a url that is not https
	keygen org2 org2.example.org
	expect_refused sign -C "$R" --key "$K/org2.key" --name "Org 2" --url http://org2.example.org/
	unchanged "http url"
	# a name over 200 characters
	expect_refused sign -C "$R" --key "$K/org2.key" --name "$(printf 'n%.0s' $(seq 201))" \
		--url https://org2.example.org/
	unchanged "name too long"
	# nothing to withdraw: the withdraw rule, so exit 1 like every refused entry
	expect_rc 1 withdraw -C "$R" --key "$K/org2.key"
	unchanged "withdraw without an endorsement"
	# rotate to the same key
	expect_refused rotate -C "$R" --key "$K/org0.key" --new-key "$K/org0.key"
	unchanged "rotate to the same key"
	# an invalid --time
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org 2" --url https://org2.example.org/ \
		--time 2026-02-30T00:00:00Z
	unchanged "invalid time"
	# an option of another command
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org 2" --url https://org2.example.org/ \
		--reason x
	unchanged "foreign option"
	# revoke a key twice
	ok revoke -C "$R" --key "$K/log.key" --target "$K/org1.vkey" --reason lost --time 2026-01-02T00:00:00Z
	snapshot
	expect_refused revoke -C "$R" --key "$K/log.key" --target "$K/org1.vkey" --reason lost
	unchanged "revoke twice"
	# the revoked key signs
	expect_refused sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/
	err_has "revoked"
	unchanged "revoked key signs"
	verify_ok
	;;
refused-exit-status)
	# A new entry refused by a rule of the log exits 1 (docs/auditors.md: "1 the log or a
	# signature is invalid, or a new entry was refused by a rule of the log").
	small_log
	keygen org2 org2.example.org
	snapshot
	expect_rc 1 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/
	unchanged "duplicate endorsement"
	expect_rc 1 document -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title T --new-document \
		--url https://example.org/v1
	unchanged "duplicate document"
	expect_rc 1 sign -C "$R" --key "$K/org2.key" --name "Org 2" --url http://org2.example.org/
	unchanged "http url"
	;;
recovery-after-future-time)
	# SECURITY.md's recovery path after a thief signs with an organization's
	# key a statement dated far ahead: writers refuse the date, verify
	# reports it (future-time), and once the log key revokes the stolen key
	# the organization signs again with a new key (the revoked key's times
	# no longer count in its time order).
	small_log
	keygen org1b org1.example.org
	snapshot
	expect_rc 1 withdraw -C "$R" --key "$K/org1.key" --time 9999-12-31T23:59:59Z
	err_has "future-time"
	unchanged "a withdraw dated 9999"
	"$FORGE" line --key "$K/org1.key" --origin "$ORIGIN" --log "$LOG" --statement \
		'{"type":"withdraw","time":"9999-12-31T23:59:59Z","document":"'"$DOC1"'","org":"org1.example.org"}' \
		>>"$LOG" || die "forge failed"
	expect_invalid "log/endorsements.jsonl:4: future-time:"
	ok revoke -C "$R" --key "$K/log.key" --target "$K/org1.vkey" --reason "key stolen"
	ok sign -C "$R" --key "$K/org1b.key" --name "Org One" --url https://org1.example.org/
	cmp -s "$K/org1b.vkey" "$R/keys/orgs/org1.example.org.vkey" || die "the new key is not pinned"
	expect_invalid "log/endorsements.jsonl:4: future-time:"
	expect_problems 1
	;;
recovery-after-near-future-time)
	# The same with a date 8 minutes ahead: more than a writer accepts (5
	# minutes), within verify's skew (10), so the log stays valid; the
	# organization's new key signs at once, and the log verifies.
	small_log
	keygen org1b org1.example.org
	ahead=$(date -u -d '+8 minutes' +%Y-%m-%dT%H:%M:%SZ)
	snapshot
	expect_rc 1 withdraw -C "$R" --key "$K/org1.key" --time "$ahead"
	err_has "future-time"
	unchanged "a withdraw dated 8 minutes ahead"
	"$FORGE" line --key "$K/org1.key" --origin "$ORIGIN" --log "$LOG" --statement \
		'{"type":"withdraw","time":"'"$ahead"'","document":"'"$DOC1"'","org":"org1.example.org"}' \
		>>"$LOG" || die "forge failed"
	verify_ok
	ok revoke -C "$R" --key "$K/log.key" --target "$K/org1.vkey" --reason "key stolen"
	ok sign -C "$R" --key "$K/org1b.key" --name "Org One" --url https://org1.example.org/
	verify_ok
	# and the new key goes on: withdraw and rotate
	keygen org1c org1.example.org
	ok withdraw -C "$R" --key "$K/org1b.key" --time "$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)"
	ok rotate -C "$R" --key "$K/org1b.key" --new-key "$K/org1c.key" \
		--time "$(date -u -d '+2 minutes' +%Y-%m-%dT%H:%M:%SZ)"
	verify_ok
	;;
mentioned-by-another-org)
	# Writers chose the lines to replay by finding the organization's id
	# anywhere in a line: b.example.org, whose name, URL and a revocation's
	# reason mention a.example.org, withdrew and endorsed again, and every
	# later write of a.example.org failed (duplicate-endorsement on b's
	# line). Lines are chosen by their parsed org and signer only.
	make_docs
	keygen log "$ORIGIN"
	for k in a a2 a3; do keygen "$k" a.example.org; done
	for k in b b2; do keygen "$k" b.example.org; done
	fixture init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	mention=(--name "Not a.example.org" --url "https://b.example.org/a.example.org")
	fixture sign -C "$R" --key "$K/b.key" "${mention[@]}" --time 2026-01-01T00:01:00Z
	fixture withdraw -C "$R" --key "$K/b.key" --time 2026-01-01T00:02:00Z
	fixture sign -C "$R" --key "$K/b.key" "${mention[@]}" --time 2026-01-01T00:03:00Z
	fixture rotate -C "$R" --key "$K/b.key" --new-key "$K/b2.key" --time 2026-01-01T00:04:00Z
	fixture revoke -C "$R" --key "$K/b2.key" --target "$K/b.vkey" \
		--reason "retired; a.example.org had nothing to do with it" --time 2026-01-01T00:05:00Z
	ok sign -C "$R" --key "$K/a.key" --name "A" --url https://a.example.org/ --time 2026-01-01T00:06:00Z
	ok withdraw -C "$R" --key "$K/a.key" --time 2026-01-01T00:07:00Z
	ok sign -C "$R" --key "$K/a.key" --name "A" --url https://a.example.org/ --time 2026-01-01T00:08:00Z
	ok rotate -C "$R" --key "$K/a.key" --new-key "$K/a2.key" --time 2026-01-01T00:09:00Z
	ok rotate -C "$R" --key "$K/a2.key" --new-key "$K/a3.key" --time 2026-01-01T00:10:00Z
	ok revoke -C "$R" --key "$K/a3.key" --target "$K/a.vkey" --reason "old key" \
		--time 2026-01-01T00:11:00Z
	# b's writes still see only b's lines, though a's do not mention b
	ok withdraw -C "$R" --key "$K/b2.key" --time 2026-01-01T00:12:00Z
	verify_ok
	cmp -s "$K/a3.vkey" "$R/keys/orgs/a.example.org.vkey" || die "a's newest key is not pinned"
	# prove finds a's endorsement (line 9, seq 8), not b's that mention a
	fixture checkpoint -C "$R" --key "$K/log.key"
	ok prove -C "$R" a.example.org
	grep -q -x "index 8" "$T/ok.out" || { cat "$T/ok.out" >&2; die "prove a.example.org chose another entry"; }
	;;
concurrent-sign)
	make_docs
	keygen log "$ORIGIN"
	ok init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --time 2026-01-01T00:00:00Z
	n=10
	for i in $(seq 1 $n); do
		keygen "org$i" "org$i.example.org"
	done
	pids=()
	for i in $(seq 1 $n); do
		"$ENDORSE" sign -C "$R" --key "$K/org$i.key" --name "Org $i" \
			--url "https://org$i.example.org/" >"$T/sign$i.out" 2>"$T/sign$i.err" </dev/null &
		pids+=($!)
	done
	failed=0
	for i in $(seq 1 $n); do
		wait "${pids[$((i - 1))]}" || { failed=1; cat "$T/sign$i.err" >&2; }
	done
	[ "$failed" -eq 0 ] || die "a concurrent sign failed"
	[ "$(lines)" -eq $((n + 1)) ] || die "the log has $(lines) lines, expected $((n + 1))"
	for i in $(seq 1 $n); do
		c=$(grep -c -F "\"id\":\"org$i.example.org\"" "$LOG" || true)
		[ "$c" -eq 1 ] || die "org$i appears $c times in the log"
		cmp -s "$K/org$i.vkey" "$R/keys/orgs/org$i.example.org.vkey" || die "org$i is not pinned"
	done
	verify_ok
	[ -z "$(ls -A "$R/log" | grep -v '^endorsements.jsonl$' || true)" ] ||
		die "temporary files left in log/: $(ls -A "$R/log")"
	;;
keygen-no-overwrite)
	keygen org0 org0.example.org
	cp "$K/org0.key" "$T/org0.key.before"
	cp "$K/org0.vkey" "$T/org0.vkey.before"
	expect_rc 2 keygen --unencrypted -s "$K/org0.key" -p "$K/org0.vkey" org0.example.org
	err_has "--force"
	cmp -s "$K/org0.key" "$T/org0.key.before" || die "keygen replaced the secret key"
	cmp -s "$K/org0.vkey" "$T/org0.vkey.before" || die "keygen replaced the public key"
	# only the public key exists: still refused, and no secret key is written
	expect_rc 2 keygen --unencrypted -s "$K/new.key" -p "$K/org0.vkey" org0.example.org
	[ ! -e "$K/new.key" ] || die "keygen wrote a secret key next to an existing public key"
	expect_rc 0 keygen --unencrypted --force -s "$K/org0.key" -p "$K/org0.vkey" org0.example.org
	! cmp -s "$K/org0.key" "$T/org0.key.before" || die "--force did not replace the key"
	[ "$(head -n 1 "$T/out")" = "$(vkey org0)" ] || die "keygen printed another vkey than it wrote"
	[ "$(stat -c %a "$K/org0.key")" = 600 ] || die "a replaced key file is not mode 0600"
	;;
keygen-no-terminal)
	command -v setsid >/dev/null || skip "setsid is needed to run without a terminal"
	RC=0
	setsid -w "$ENDORSE" keygen -s "$K/a.key" -p "$K/a.vkey" org0.example.org \
		</dev/null >"$T/out" 2>"$T/err" || RC=$?
	cat "$T/err"
	[ "$RC" -eq 2 ] || die "keygen without a terminal exited $RC, expected 2"
	err_has "--passphrase-file"
	[ ! -e "$K/a.key" ] && [ ! -e "$K/a.vkey" ] || die "keygen wrote a key without a passphrase"
	;;
keygen-default-path)
	# Without -s and -p, keys go to $XDG_CONFIG_HOME/endorse/NAME.key, and a
	# bare name finds them there.
	expect_rc 0 keygen --unencrypted org0.example.org
	[ -f "$XDG_CONFIG_HOME/endorse/org0.example.org.key" ] || die "no key in the default place"
	[ "$(stat -c %a "$XDG_CONFIG_HOME/endorse")" = 700 ] || die "the key directory is not 0700"
	expect_rc 0 keygen --unencrypted example.org/log
	[ -f "$XDG_CONFIG_HOME/endorse/example.org_log.key" ] || die "'/' in the name is not '_'"
	make_docs
	(cd "$T" && "$ENDORSE" init -C "$R" --key example.org/log --document "$T/doc-v1.txt" \
		--title T --url https://example.org/ --time 2026-01-01T00:00:00Z >/dev/null 2>"$T/err") ||
		{ cat "$T/err" >&2; die "init with a default key name failed"; }
	(cd "$T" && "$ENDORSE" sign -C "$R" --key org0.example.org --name "Org 0" \
		--url https://org0.example.org/ >/dev/null 2>"$T/err") ||
		{ cat "$T/err" >&2; die "sign with a default key name failed"; }
	verify_ok
	;;
keygen-bad-name)
	expect_rc 2 keygen --unencrypted -s "$K/a.key" -p "$K/a.vkey" "bad name"
	expect_rc 2 keygen --unencrypted -s "$K/a.key" -p "$K/a.vkey" "bad+name"
	[ ! -e "$K/a.key" ] || die "keygen wrote a key with an invalid name"
	;;
keygen-org-id-limits)
	# SPEC 1.1: a domain that cannot be an organization id (more than 250
	# bytes, an all-digit last label) is refused, and nothing is written.
	long=$("$PY" -c 'print("c" * 63 + "." + "c" * 63 + "." + "c" * 63 + "." + "d" * 59)')
	for name in "$long" 127.0.0.1 10.0.0.255; do
		expect_rc 2 keygen --unencrypted -s "$K/a.key" -p "$K/a.vkey" "$name"
		err_has "is not an organization id"
		err_has "(rule org-id)"
		[ ! -e "$K/a.key" ] && [ ! -e "$K/a.vkey" ] || die "keygen wrote a key named $name"
	done
	err_has "all digits"
	expect_rc 0 keygen --unencrypted -s "$K/b.key" -p "$K/b.vkey" "${long%d}"
	;;
org-id-250-bytes-writes)
	# A 250-byte organization id (SPEC 1.1's limit) signs, withdraws, rotates
	# and revokes: keys/orgs/<id>.vkey is 255 bytes, so the temporary file
	# beside it is named by a hash, and a write killed between the log and
	# the pin leaves a record that names the organization inside.
	need_python
	small_log
	long=$("$PY" -c 'print("c" * 63 + "." + "c" * 63 + "." + "c" * 63 + "." + "d" * 58)')
	keygen l1 "$long"
	keygen l2 "$long"
	ok sign -C "$R" --key "$K/l1.key" --name "Long" --url https://example.org/long --time 2026-01-02T00:00:00Z
	ok withdraw -C "$R" --key "$K/l1.key" --time 2026-01-02T00:01:00Z
	ok sign -C "$R" --key "$K/l1.key" --name "Long" --url https://example.org/long --time 2026-01-02T00:02:00Z
	ok rotate -C "$R" --key "$K/l1.key" --new-key "$K/l2.key" --time 2026-01-02T00:03:00Z
	cmp -s "$K/l2.vkey" "$R/keys/orgs/$long.vkey" || die "the rotation did not pin the new key"
	verify_ok
	# a revocation killed after the log was replaced, before the pin went away
	cp "$R/keys/orgs/$long.vkey" "$T/pin"
	ok revoke -C "$R" --key "$K/l2.key" --target "$K/l2.vkey" --reason "retired" \
		--time 2026-01-02T00:04:00Z
	[ ! -e "$R/keys/orgs/$long.vkey" ] || die "the revoked key is still pinned"
	cp "$T/pin" "$R/keys/orgs/$long.vkey"
	record=$("$PY" -c 'import hashlib, sys
print(hashlib.sha256((sys.argv[1] + ".vkey").encode()).hexdigest()[:32] + ".tmp-0123456789ab")' "$long")
	printf '%s\n' "$long" >"$R/keys/orgs/$record"
	expect_rc 1 verify -C "$R"
	ok withdraw -C "$R" --key "$K/org0.key" --time 2026-01-02T00:05:00Z
	[ ! -e "$R/keys/orgs/$long.vkey" ] || die "the next write did not finish the interrupted revocation"
	[ ! -e "$R/keys/orgs/$record" ] || die "the record outlived the next write"
	verify_ok
	;;
sign-org-id-limits)
	# A key whose name keygen now refuses (made before, or imported) cannot
	# sign: refused before anything is written.
	need_python
	small_log
	long=$("$PY" -c 'print("c" * 63 + "." + "c" * 63 + "." + "c" * 63 + "." + "d" * 59)')
	"$FORGE" key "$long" "$K/long.key" >/dev/null || die "forge key failed"
	"$FORGE" key 127.0.0.1 "$K/ip.key" >/dev/null || die "forge key failed"
	snapshot
	expect_rc 2 sign -C "$R" --key "$K/long.key" --name "Org Long" --url https://example.org/long
	err_has "longer than 250 bytes (keys/orgs/ID.vkey must fit a 255-byte file name) (rule org-id)"
	unchanged "sign by a 251-byte organization id"
	expect_rc 2 sign -C "$R" --key "$K/ip.key" --name "Org IP" --url https://127.0.0.1/
	err_has "all digits"
	err_has "(rule org-id)"
	unchanged "sign by 127.0.0.1"
	;;
sign-line-too-long)
	# SPEC 1.1: a line is at most 65,535 bytes. The URL is the one member a
	# writer does not bound: a line one byte too long is refused by the rule
	# (exit 1, as every entry a rule refuses), and nothing is written.
	need_python
	small_log
	keygen org2 org2.example.org
	snapshot
	base=$("$PY" -c 'print("https://org2.example.org/")')
	expect_rc 0 sign -C "$R" --no-commit --key "$K/org2.key" --name "Org 2" --url "$base" \
		--time 2026-01-01T00:03:00Z
	len=$(tail -n 1 "$LOG" | wc -c)
	cp -a "$T/snap/log/." "$R/log/" && rm -f "$R/keys/orgs/org2.example.org.vkey"
	url=$base$("$PY" -c 'import sys; print("a" * (65536 - int(sys.argv[1]) + 1))' "$len")
	expect_rc 1 sign -C "$R" --key "$K/org2.key" --name "Org 2" --url "$url" \
		--time 2026-01-01T00:03:00Z
	err_has "line-length"
	err_has "65535"
	unchanged "a line of 65,536 bytes"
	url=${url%a}
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --name "Org 2" --url "$url" \
		--time 2026-01-01T00:03:00Z
	[ "$(tail -n 1 "$LOG" | wc -c)" -eq 65536 ] || die "the longest line is not 65,535 bytes and LF"
	verify_ok
	;;
key-file-mode)
	keygen org0 org0.example.org
	[ "$(stat -c %a "$K/org0.key")" = 600 ] || die "secret key mode is $(stat -c %a "$K/org0.key")"
	[ "$(stat -c %a "$K/org0.vkey")" = 644 ] || die "public key mode is $(stat -c %a "$K/org0.vkey")"
	grep -q '^name org0.example.org$' "$K/org0.key" || die "the key file does not record its name"
	;;
key-file-readable-refused)
	small_log
	keygen org2 org2.example.org
	snapshot
	for mode in 644 640 604; do
		chmod "$mode" "$K/org2.key"
		expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org 2" --url https://org2.example.org/
		err_has "chmod 600"
		unchanged "key file mode $mode"
	done
	chmod 600 "$K/org2.key"
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --name "Org 2" --url https://org2.example.org/
	;;
key-file-symlink-refused)
	small_log
	keygen org2 org2.example.org
	ln -s "$K/org2.key" "$T/link.key"
	snapshot
	expect_rc 2 sign -C "$R" --key "$T/link.key" --name "Org 2" --url https://org2.example.org/
	unchanged "symlinked key"
	expect_rc 2 key export-go "$T/link.key"
	[ ! -s "$T/out" ] || die "export-go printed a key read through a symbolic link"
	;;
verify-leftover-pin)
	# What a write killed between the log and the pin leaves in keys/orgs
	# (the new pin beside the old one, or an empty file when the pin goes
	# away) breaks no rule, but verify says what it is; the next write
	# finishes it. Anything else named so is a problem (rules.sh orgs-temp-*).
	build_base
	cp "$R/keys/orgs/org1.example.org.vkey" "$R/keys/orgs/org1.example.org.vkey.tmp-0123456789ab"
	: >"$R/keys/orgs/org0.example.org.vkey.tmp-abcdef012345"
	verify_ok
	has_line_starting "$T/verify.err" "keys/orgs/org1.example.org.vkey.tmp-0123456789ab: note: left by an interrupted write" ||
		die "verify does not note the new pin left behind"
	has_line_starting "$T/verify.err" "keys/orgs/org0.example.org.vkey.tmp-abcdef012345: note: left by an interrupted write" ||
		die "verify does not note the empty file left behind"
	verify_err_has "the next write finishes it"
	# the record of a pin that goes away ("ID" LF), and a name too long to
	# carry the id: the first 16 bytes of SHA-256("ID.vkey") in hex
	printf 'org0.example.org\n' >"$R/keys/orgs/org0.example.org.vkey.tmp-bcdef0123456"
	hashed=$(printf '%s' org1.example.org.vkey | sha256sum | cut -c 1-32)
	cp "$R/keys/orgs/org1.example.org.vkey" "$R/keys/orgs/$hashed.tmp-cdef01234567"
	verify_ok
	has_line_starting "$T/verify.err" "keys/orgs/org0.example.org.vkey.tmp-bcdef0123456: note: left by an interrupted write" ||
		die "verify does not note the record of a pin that goes away"
	has_line_starting "$T/verify.err" "keys/orgs/$hashed.tmp-cdef01234567: note: left by an interrupted write: the pin of org1.example.org" ||
		die "verify does not note a leftover named by the hash of its name"
	"$ENDORSE" verify -C "$R" --format json >"$T/json" 2>"$T/json.err" || die "verify --format json failed"
	grep -q ': note: left by an interrupted write' "$T/json.err" || die "verify --format json does not note it"
	need_org2
	ok sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	! ls "$R/keys/orgs" | grep -q '\.tmp-' || die "the next write left the files"
	verify_ok
	! grep -q ': note: ' "$T/verify.err" || die "a note remains after the next write"
	;;
write-keys-orgs-symlink)
	# keys/orgs is a link to a directory outside the repository, holding a
	# file named like a leftover of an interrupted write: a write touches
	# nothing there (no pin recovery, no new pin), exit 2.
	build_base
	mv "$R/keys/orgs" "$T/outside"
	ln -s "$T/outside" "$R/keys/orgs"
	echo precious >"$T/outside/org1.example.org.vkey.tmp-0123456789ab"
	cp -a "$T/outside" "$T/outside.before"
	sign_through_link keys/orgs
	expect_rc 2 withdraw -C "$R" --key "$K/org1.key" --time 2026-01-01T00:05:00Z
	diff -r "$T/outside.before" "$T/outside" || die "a refused write changed the directory keys/orgs links to"
	[ "$(wc -l <"$LOG")" -eq 5 ] || die "a refused write changed the log"
	run_verify
	[ "$VRC" -eq 1 ] || die "verify exited $VRC with a symlinked keys/orgs, expected 1"
	;;
write-keys-symlink)
	build_base
	mv "$R/keys" "$T/outside"
	ln -s "$T/outside" "$R/keys"
	cp -a "$T/outside" "$T/outside.before"
	sign_through_link keys
	diff -r "$T/outside.before" "$T/outside" || die "a refused write changed the directory keys links to"
	[ "$(wc -l <"$LOG")" -eq 5 ] || die "a refused write changed the log"
	init_through_link keys log
	;;
write-log-symlink)
	build_base
	mv "$R/log" "$T/outside"
	ln -s "$T/outside" "$R/log"
	echo precious >"$T/outside/endorsements.jsonl.tmp-0123456789ab"
	cp -a "$T/outside" "$T/outside.before"
	sign_through_link log
	expect_rc 2 checkpoint -C "$R" --key "$K/log.key"
	diff -r "$T/outside.before" "$T/outside" || die "a refused write changed the directory log links to"
	init_through_link log keys
	;;
keygen-dir-symlink)
	# The key directory (default or given) is not followed when it is a link.
	mkdir -p "$T/outside" "$XDG_CONFIG_HOME"
	ln -s "$T/outside" "$XDG_CONFIG_HOME/endorse"
	expect_rc 2 keygen --unencrypted org9.example.org
	err_has "endorse: is a symbolic link; refusing to follow it"
	ln -s "$T/outside" "$T/link"
	expect_rc 2 keygen --unencrypted -s "$T/link/x.key" -p "$K/x.vkey" x.example.org
	err_has "link: is a symbolic link"
	expect_rc 2 keygen --unencrypted -s "$K/x.key" -p "$T/link/x.vkey" x.example.org
	[ ! -e "$K/x.key" ] || die "keygen wrote the secret key, then refused the public key's directory"
	[ -z "$(ls -A "$T/outside")" ] || die "keygen wrote into a linked key directory: $(ls -A "$T/outside")"
	# "." and ".." are directories reached through their parents: paths
	# that a user types (./x.key, ../x.vkey) are not refused
	mkdir -p "$T/work/sub"
	(cd "$T/work/sub" && "$ENDORSE" keygen --unencrypted -s ./y.key -p ../y.vkey y.example.org) \
		>"$T/dot.out" 2>"$T/dot.err" || die "keygen -s ./y.key -p ../y.vkey failed: $(cat "$T/dot.err")"
	[ -f "$T/work/sub/y.key" ] && [ -f "$T/work/y.vkey" ] || die "keygen did not write ./y.key and ../y.vkey"
	;;
cosign-state-symlink)
	build_base
	keygen w1 witness1.example.org --witness
	fixture checkpoint -C "$R" --key "$K/log.key"
	cp "$R/log/checkpoint" "$T/checkpoint.before"
	mkdir "$T/outside"
	ln -s "$T/outside" "$T/state"
	expect_rc 2 cosign -C "$R" --key "$K/w1.key" --state "$T/state"
	err_has "state: is a symbolic link; refusing to follow it"
	[ -z "$(ls -A "$T/outside")" ] || die "cosign wrote into a linked state directory"
	cmp -s "$T/checkpoint.before" "$R/log/checkpoint" || die "a refused cosign changed log/checkpoint"
	;;
prove-cache-symlink)
	build_base
	fixture checkpoint -C "$R" --key "$K/log.key"
	export XDG_CACHE_HOME="$T/cache"
	mkdir -p "$T/outside" "$XDG_CACHE_HOME"
	ln -s "$T/outside" "$XDG_CACHE_HOME/endorse"
	expect_rc 2 prove -C "$R" 1
	err_has "endorse: is a symbolic link; refusing to follow it"
	[ -z "$(ls -A "$T/outside")" ] || die "prove wrote into a linked cache directory"
	rm "$XDG_CACHE_HOME/endorse"
	expect_rc 0 prove -C "$R" 1
	;;
no-core-dumps)
	# While endorse waits for a passphrase (blocked opening a FIFO), its core
	# dump limit is already 0: nothing it holds can reach a core file.
	[ -z "${ENDORSE_UNDER_VALGRIND:-}" ] || skip "valgrind emulates setrlimit"
	[ "$(ulimit -H -c)" != 0 ] || skip "the hard core limit is already 0: nothing to show"
	ulimit -S -c "$(ulimit -H -c)"  # endorse starts allowed to dump core
	mkfifo "$T/pass.fifo"
	"$ENDORSE" keygen --passphrase-file "$T/pass.fifo" -s "$K/x.key" -p "$K/x.vkey" \
		x.example.org >"$T/out" 2>"$T/err" &
	pid=$!
	core=
	for _ in $(seq 100); do
		core=$(awk '/^Max core file size/ { print $5 " " $6 }' "/proc/$pid/limits" 2>/dev/null)
		[ "$core" = "0 0" ] && break
		sleep 0.1
	done
	[ "$core" = "0 0" ] || die "core dump limit of a waiting endorse is '$core', not '0 0'"
	! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'fifo test' || die "passphrase in argv"
	printf 'fifo test passphrase\n' >"$T/pass.fifo"
	wait "$pid" || die "keygen failed: $(cat "$T/err")"
	! grep -q 'fifo test' "$T/out" "$T/err" "$K/x.key" "$K/x.vkey" ||
		die "the passphrase appears in the output or a key file"
	;;
encrypted-key-passphrase)
	small_log
	printf 'correct horse battery staple\n' >"$T/pass"
	printf 'wrong horse battery staple\n' >"$T/wrong"
	expect_rc 0 keygen --passphrase-file "$T/pass" -s "$K/org2.key" -p "$K/org2.vkey" org2.example.org
	grep -q '^kdf argon2id13 ' "$K/org2.key" || die "the key file is not encrypted"
	! grep -q '^kdf none' "$K/org2.key" || die "the key file holds the seed in the clear"
	snapshot
	# wrong passphrase: exit 2, nothing written
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --passphrase-file "$T/wrong" --name "Org 2" \
		--url https://org2.example.org/
	unchanged "wrong passphrase"
	# no passphrase and no terminal: exit 2 with a hint
	if command -v setsid >/dev/null; then
		RC=0
		setsid -w "$ENDORSE" sign -C "$R" --key "$K/org2.key" --name "Org 2" \
			--url https://org2.example.org/ </dev/null >"$T/out" 2>"$T/err" || RC=$?
		[ "$RC" -eq 2 ] || die "sign with an encrypted key and no terminal exited $RC"
		err_has "--passphrase-file"
		unchanged "no passphrase"
	fi
	# the right passphrase (from a file, then from standard input)
	# (explicit times: both writes may fall within one second)
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --passphrase-file "$T/pass" --name "Org 2" \
		--url https://org2.example.org/ --time 2026-06-01T00:00:00Z
	verify_ok
	cmp -s "$K/org2.vkey" "$R/keys/orgs/org2.example.org.vkey" || die "org2 is not pinned"
	RC=0
	"$ENDORSE" withdraw -C "$R" --key "$K/org2.key" --passphrase-file - <"$T/pass" \
		--time 2026-06-01T00:01:00Z >"$T/out" 2>"$T/err" || RC=$?
	[ "$RC" -eq 0 ] || { cat "$T/err" >&2; die "--passphrase-file - failed ($RC)"; }
	verify_ok
	;;
encrypted-key-corrupt)
	small_log
	printf 'correct horse battery staple\n' >"$T/pass"
	expect_rc 0 keygen --passphrase-file "$T/pass" -s "$K/org2.key" -p "$K/org2.vkey" org2.example.org
	cp -p "$K/org2.key" "$T/good.key"
	snapshot
	sign_org2() {
		expect_rc 2 sign -C "$R" --key "$K/org2.key" --passphrase-file "$T/pass" --name "Org 2" \
			--url https://org2.example.org/
		unchanged "$1"
	}
	# a flipped byte in the sealed seed
	"$PY" - "$K/org2.key" <<'EOF'
import sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
i = d.index(b"\nseed ") + 10
d[i] = ord("B") if d[i] != ord("B") else ord("C")
open(p, "wb").write(bytes(d))
EOF
	sign_org2 "flipped byte in the seed"
	# another name in the authenticated header
	cp -p "$T/good.key" "$K/org2.key"
	sed -i 's/^name org2.example.org$/name org3.example.org/' "$K/org2.key"
	grep -q '^name org3.example.org$' "$K/org2.key" || die "the name edit failed"
	sign_org2 "name changed in the header"
	# cheaper cost parameters in the header
	cp -p "$T/good.key" "$K/org2.key"
	sed -i -E 's/^(kdf argon2id13) [0-9]+ /\1 2 /' "$K/org2.key"
	cmp -s "$K/org2.key" "$T/good.key" && die "the kdf edit failed"
	sign_org2 "kdf parameters changed"
	# a truncated file
	cp -p "$T/good.key" "$K/org2.key"
	truncate -s $(($(stat -c %s "$T/good.key") - 20)) "$K/org2.key"
	sign_org2 "truncated key file"
	: >"$K/org2.key"
	sign_org2 "empty key file"
	# the intact file still works
	cp -p "$T/good.key" "$K/org2.key"
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --passphrase-file "$T/pass" --name "Org 2" \
		--url https://org2.example.org/
	verify_ok
	;;
key-go-roundtrip)
	keygen org0 org0.example.org
	expect_rc 0 key export-go "$K/org0.key"
	go=$(head -n 1 "$T/out")
	case "$go" in
	"PRIVATE+KEY+org0.example.org+$(key_id org0)+"*) ;;
	*) die "export-go printed '${go:0:40}...'" ;;
	esac
	RC=0
	printf '%s\n' "$go" | "$ENDORSE" key import-go --unencrypted -s "$K/imp.key" -p "$K/imp.vkey" \
		>"$T/out" 2>"$T/err" || RC=$?
	[ "$RC" -eq 0 ] || { cat "$T/err" >&2; die "import-go exited $RC"; }
	[ "$(head -n 1 "$T/out")" = "$(vkey org0)" ] || die "import-go printed another vkey"
	cmp -s "$K/imp.vkey" "$K/org0.vkey" || die "the imported vkey differs"
	[ "$(stat -c %a "$K/imp.key")" = 600 ] || die "the imported key is not mode 0600"
	# the imported key signs as the original: export again gives the same text
	expect_rc 0 key export-go "$K/imp.key"
	[ "$(head -n 1 "$T/out")" = "$go" ] || die "export of the imported key differs"
	# a wrong key ID is refused
	bad=$(printf '%s' "$go" | sed -E 's/\+([0-9a-f]{8})\+/+00000000+/')
	RC=0
	printf '%s\n' "$bad" | "$ENDORSE" key import-go --unencrypted -s "$K/bad.key" -p "$K/bad.vkey" \
		>"$T/out" 2>"$T/err" || RC=$?
	[ "$RC" -eq 2 ] || die "import-go of a wrong key ID exited $RC, expected 2"
	[ ! -e "$K/bad.key" ] || die "import-go wrote a key with a wrong key ID"
	;;
help)
	# every command endorse --help lists, which must be all of them
	"$ENDORSE" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' >"$T/commands"
	[ "$(tr '\n' ' ' <"$T/commands")" = "keygen key init document sign withdraw rotate revoke rechain verify audit domain confirm policy checkpoint cosign witness prove verify-proof tiles note tree " ] ||
		die "endorse --help lists: $(tr '\n' ' ' <"$T/commands")"
	while read -r cmd; do
		expect_rc 0 "$cmd" --help
		grep -q "usage: endorse $cmd" "$T/out" || die "$cmd --help does not print its usage"
	done <"$T/commands"
	for arg in --help -h help; do
		expect_rc 0 "$arg"
		grep -q "^usage: endorse .*COMMAND" "$T/out" || die "endorse $arg"
	done
	;;
version)
	expect_rc 0 --version
	grep -q -E '^endorse [0-9]+\.[0-9]+\.[0-9]+$' "$T/out" || die "--version printed: $(cat "$T/out")"
	;;
usage-errors)
	expect_rc 2 frobnicate
	err_has "unknown command"
	expect_rc 2
	expect_rc 2 verify --no-such-option
	expect_rc 2 verify extra-argument
	expect_rc 2 sign --key x
	expect_rc 2 key
	expect_rc 2 key frobnicate
	expect_rc 2 audit --format xml
	expect_rc 2 verify --format xml
	;;
verify-no-policy)
	mkdir -p "$T/empty"
	expect_rc 2 verify -C "$T/empty"
	err_has "keys/policy"
	expect_rc 2 audit -C "$T/empty"
	expect_rc 2 verify -C "$T/does-not-exist"
	;;
verify-no-log)
	small_log
	rm "$LOG"
	expect_rc 2 verify -C "$R"
	;;
verify-json)
	need_python
	small_log
	expect_rc 0 verify -C "$R" --format json
	"$PY" -m json.tool "$T/out" >/dev/null || die "verify --format json is not JSON"
	"$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["valid"] is True and r["problems"] == [] and r["entries"] == 3, r' \
		"$T/out" || die "verify --format json of a valid log"
	sed -i '$ s/Org One/Org Once/' "$LOG"
	expect_rc 1 verify -C "$R" --format json
	"$PY" -m json.tool "$T/out" >/dev/null || die "verify --format json is not JSON"
	"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["valid"] is False, r
# org1 signed only line 3, so its pinned key is now one too many (a whole-file problem: line 0)
assert [(p["file"], p["line"], p["rule"]) for p in r["problems"]] == [
    ("log/endorsements.jsonl", 3, "signature"), ("keys/orgs/org1.example.org.vkey", 0, "keys-orgs")], r' \
		"$T/out" || die "verify --format json of an invalid log"
	;;
verify-workflow-commands)
	# GitHub Actions runs "##[command]" anywhere in a line of a step's output
	# and "::command::" at a line's start: verify (every format, its messages
	# quoting the log) and audit (every format) write neither (docs/auditors.md, "Output
	# in CI"); JSON still decodes to the exact text.
	need_python
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	fixture init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" \
		--title '::error::title ##[add-mask]t' --url 'https://example.org/##[add-mask]u' \
		--time 2026-01-01T00:00:00Z
	fixture sign -C "$R" --key "$K/org0.key" --name ' ::error file=x::name ##[add-mask]n' \
		--url 'https://org0.example.org/##[add-mask]u' --time 2026-01-01T00:01:00Z
	no_commands() {
		"$PY" - "$1" "$T/out" "$T/err" <<'EOP' || die "a workflow command in: $*"
import re, sys
space = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + \
    "\u2028\u2029\u202f\u205f\u3000"
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8").read().splitlines():
        assert "##[" not in line, f"{path}: {line!r}"
        own = sys.argv[1] == "github" and path.endswith("out") and \
            re.match(r"::error file=[^:]*::", line)
        assert own or not line.lstrip(space).startswith("::"), f"{path}: {line!r}"
EOP
	}
	for f in text json github; do
		expect_rc 0 verify -C "$R" --format "$f"
		no_commands "$f"
	done
	for f in table json csv markdown html jekyll; do
		expect_rc 0 audit -C "$R" --format "$f"
		no_commands "$f"
	done
	expect_rc 0 audit -C "$R" --org org0.example.org
	no_commands table
	out_has "$(printf '#\xe2\x80\x8b#[add-mask]n')"
	# a line that breaks a rule, quoted in verify's and audit's messages
	"$PY" - "$LOG" <<'EOP'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
e = json.loads(lines[1])
e["seq"], e["statement"]["type"] = 2, "##[add-mask]t"
lines.append(json.dumps(e, separators=(",", ":"), sort_keys=True))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
EOP
	for f in text json github; do
		expect_rc 1 verify -C "$R" --format "$f"
		no_commands "$f"
	done
	grep -q -F "statement-type" "$T/out" || die "verify --format github did not report the line"
	expect_rc 1 verify -C "$R" --format json
	"$PY" - "$T/out" <<'EOP' || die "verify --format json does not decode to the log's text"
import json, sys
a = json.load(open(sys.argv[1]))
assert any("##[add-mask]t" in p["message"] for p in a["problems"]), a["problems"]
EOP
	expect_rc 1 audit -C "$R"
	no_commands table
	;;
ci-stop-commands)
	# .ci/stop-commands, which the workflow runs verify and audit under:
	# their output between ::stop-commands::TOKEN and ::TOKEN:: (TOKEN new
	# each run), but for the annotations of --format github before it; the
	# exit status is the command's.
	S="${ENDORSE_SOURCE:?}/.ci/stop-commands"
	rc=0
	"$S" bash -c 'echo "##[add-mask]x"; echo "::error file=a,line=1::m"; echo "::warning::w" >&2;
		echo last; exit 3' >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 3 ] || die "stop-commands exited $rc, expected the command's 3"
	cat "$T/out"
	mapfile -t l <"$T/out"
	[ "${#l[@]}" -eq 6 ] || die "${#l[@]} lines, expected 6"
	[ "${l[0]}" = "::error file=a,line=1::m" ] || die "the annotation is not first: ${l[0]}"
	[[ ${l[1]} =~ ^::stop-commands::([0-9a-f-]{32,})$ ]] || die "no stop-commands line: ${l[1]}"
	token=${BASH_REMATCH[1]}
	[ "${l[2]}|${l[3]}|${l[4]}" = "##[add-mask]x|last|::warning::w" ] || die "the output: ${l[*]}"
	[ "${l[5]}" = "::$token::" ] || die "the commands are not resumed with the token: ${l[5]}"
	"$S" true >"$T/out2" || die "stop-commands true failed"
	! grep -q -F "$token" "$T/out2" || die "the token is the same in two runs"
	;;
verify-json-hostile-text)
	# Text from the log (here a control character in a line) stays valid JSON.
	need_python
	small_log
	printf '{"a":"\x1b[31m\xff"}\n' >>"$LOG"
	expect_rc 1 verify -C "$R" --format json
	"$PY" -m json.tool "$T/out" >/dev/null || die "verify --format json is not JSON"
	;;
init-refuses-existing)
	small_log
	snapshot
	expect_rc 2 init -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" --title T \
		--url https://example.org/v2
	unchanged "init on an existing log"
	# only keys/policy exists
	mkdir -p "$T/r2/keys"
	cp "$R/keys/policy" "$T/r2/keys/policy"
	expect_rc 2 init -C "$T/r2" --key "$K/log.key" --document "$T/doc-v2.txt" --title T \
		--url https://example.org/v2
	[ ! -e "$T/r2/log/endorsements.jsonl" ] || die "init wrote a log next to an existing policy"
	;;
init-refuses-bad-document)
	make_docs
	keygen log "$ORIGIN"
	keygen wit witness.example.org --witness
	expect_refused init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title T \
		--url http://example.org/
	[ ! -e "$R/keys/policy" ] && [ ! -e "$LOG" ] || die "init left files after refusing"
	expect_rc 2 init -C "$R" --key "$K/wit.key" --document "$T/doc-v1.txt" --title T \
		--url https://example.org/
	[ ! -e "$R/keys/policy" ] && [ ! -e "$LOG" ] || die "init with a witness key left files"
	expect_rc 2 init -C "$R" --key "$K/log.key" --document "$T/no-such-file" --title T \
		--url https://example.org/
	;;
vectors-valid-log)
	[ -d "${ENDORSE_SHARED:-}/vectors/valid-log" ] || skip "no shared vectors (ENDORSE_SHARED=${ENDORSE_SHARED:-unset})"
	verify_ok "$ENDORSE_SHARED/vectors/valid-log"
	grep -q "4 entries, 1 document version, 3 organizations" "$T/verify.out" ||
		die "verify's summary: $(cat "$T/verify.out")"
	# the independent implementation's checkpoint is checked, and verifies
	grep -q -F "log/checkpoint: valid: 4 of 4 entries" "$T/verify.out" ||
		die "the vectors' checkpoint: $(cat "$T/verify.out")"
	expect_rc 0 audit -C "$ENDORSE_SHARED/vectors/valid-log" --format json
	need_python
	"$PY" - "$T/out" <<'EOF' || die "audit of valid-log"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["origin"] == "example.org/vectors", a
orgs = [s["org"] for s in a["documents"][0]["signatories"]]
assert orgs == ["org0.example.org", "org1.example.org", "org2.example.org"], orgs
EOF
	;;
vectors-valid-log-rich)
	[ -d "${ENDORSE_SHARED:-}/vectors/valid-log-rich" ] || skip "no shared vectors (ENDORSE_SHARED=${ENDORSE_SHARED:-unset})"
	need_python
	verify_ok "$ENDORSE_SHARED/vectors/valid-log-rich"
	grep -q -F "log/checkpoint: valid: 13 of 13 entries" "$T/verify.out" ||
		die "the vectors' checkpoint: $(cat "$T/verify.out")"
	expect_rc 0 audit -C "$ENDORSE_SHARED/vectors/valid-log-rich" --format json
	"$PY" - "$T/out" <<'EOF' || die "audit of valid-log-rich: wrong signatories"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["origin"] == "example.org/vectors-rich", a
docs = a["documents"]
assert len(docs) == 2, docs
v1 = sorted(s["org"] for s in docs[0]["signatories"])
v2 = sorted(s["org"] for s in docs[1]["signatories"])
assert v1 == ["org0.example.org", "org2.example.org", "org3.example.org", "org4.example.org"], v1
assert v2 == ["org0.example.org", "org3.example.org"], v2
EOF
	expect_rc 0 audit -C "$ENDORSE_SHARED/vectors/valid-log-rich"
	"$PY" - "$T/out" <<'EOF' || { cat "$T/out" >&2; die "audit table of valid-log-rich"; }
import re, sys
blocks = open(sys.argv[1]).read().split("Document: ")[1:]
rows = [sorted(l.split()[0] for l in b.splitlines() if re.match(r"^  org\d\.example\.org ", l))
        for b in blocks]
assert rows == [["org0.example.org", "org2.example.org", "org3.example.org", "org4.example.org"],
                ["org0.example.org", "org3.example.org"]], rows
EOF
	;;
vectors-valid-log-confirm)
	# SPEC 1.1's confirm entries, by an independent implementation: org0's
	# current key confirmed by https, org1's by dns, org2's not at all.
	[ -d "${ENDORSE_SHARED:-}/vectors/valid-log-confirm" ] || skip "no shared vectors (ENDORSE_SHARED=${ENDORSE_SHARED:-unset})"
	need_python
	verify_ok "$ENDORSE_SHARED/vectors/valid-log-confirm"
	expect_rc 0 audit -C "$ENDORSE_SHARED/vectors/valid-log-confirm" --org org1.example.org
	grep -q "^  domain: confirmed: the log operator found key 3783c953 published in the domain's DNS (dns) on 2026-01-01T00:00:14Z (entry 5)$" "$T/out" ||
		{ cat "$T/out" >&2; die "org1's confirmation"; }
	grep -q "^  5 .* confirm   key 3783c953 found published in the domain's DNS (dns)" "$T/out" ||
		{ cat "$T/out" >&2; die "org1's confirm entry in its history"; }
	expect_rc 0 audit -C "$ENDORSE_SHARED/vectors/valid-log-confirm" --org org2.example.org
	grep -q "^  domain: not confirmed$" "$T/out" || { cat "$T/out" >&2; die "org2 is not confirmed"; }
	expect_rc 0 audit -C "$ENDORSE_SHARED/vectors/valid-log-confirm" --org org0.example.org --format json
	"$PY" - "$T/out" <<'EOF' || { cat "$T/out" >&2; die "org0's history in json"; }
import json, sys
a = json.load(open(sys.argv[1]))
c = [e for e in a["history"] if e["type"] == "confirm"]
assert len(c) == 1 and c[0]["seq"] == 4 and c[0]["method"] == "https", c
assert c[0]["confirmed_key_id"] == "c8474b17" and c[0]["time"] == "2026-01-01T00:00:13Z", c
EOF
	;;
vectors-copy-tampered)
	# A copy of valid-log-rich with one byte changed no longer verifies.
	[ -d "${ENDORSE_SHARED:-}/vectors/valid-log-rich" ] || skip "no shared vectors (ENDORSE_SHARED=${ENDORSE_SHARED:-unset})"
	mkdir -p "$R"
	cp -r "$ENDORSE_SHARED/vectors/valid-log-rich/keys" "$ENDORSE_SHARED/vectors/valid-log-rich/log" "$R/"
	chmod -R u+w "$R"
	verify_ok
	sed -i '2 s/Test/Tost/' "$LOG"
	run_verify
	[ "$VRC" -eq 1 ] || die "a tampered copy of valid-log-rich verified ($VRC)"
	has_line_starting "$T/verify.err" "log/endorsements.jsonl:2: signature:" ||
		{ cat "$T/verify.err" >&2; die "the tampered line was not reported"; }
	;;
*)
	die "unknown case '$CASE'"
	;;
esac
echo "ok [$CASE]"
