#!/usr/bin/env bash
# End-to-end cases of the maintainers' journey (issue 17, items 11 to 15),
# each on a real git repository with the real binary: registering a
# document (a new id needs --new-document; the file is committed with its
# entry; verify warns when the repository's copy no longer matches), a
# checkpoint waiting for its witnesses (PENDING, exit 3, not a broken log),
# the policy commands, and the way back from a hand-edited log.
#
# usage: maint.sh CASE   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=${1:?usage: maint.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_plain_git

F="log/endorsements.jsonl"

g() {
	git -C "$R" "$@"
}

count() {
	g rev-list --count HEAD
}

# changed: the files HEAD's commit changes, on one line.
changed() {
	g show --name-only --format= HEAD | tr '\n' ' '
}

# clean WHAT: git status shows nothing (no untracked file either).
clean() {
	local st
	st=$(g status --porcelain --untracked-files=all)
	[ -z "$st" ] || die "git status is not clean after $1: $st"
}

# base: a git repository whose log holds document v1 (id manifesto) and
# org0's endorsement, each written by endorse as one commit.
base() {
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	git init -q "$R"
	g symbolic-ref HEAD refs/heads/main
	g config user.name "E2E Maintainer"
	g config user.email maint@example.org
	fixture init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	fixture sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:01:00Z
}

# new_repo: an empty git repository $R (branch main) holding the charter
# charter.md, not committed, and the log key $K/log.key; $PIN a commit id.
new_repo() {
	rm -rf "$R"
	mkdir -p "$R"
	[ -e "$K/log.key" ] || keygen log example.org/charter
	printf '# The Charter\n\nWe support it.\n' >"$T/charter.md"
	cp "$T/charter.md" "$R/charter.md"
	git init -q "$R"
	g symbolic-ref HEAD refs/heads/main
	g config user.name "E2E Maintainer"
	g config user.email maint@example.org
	PIN=0123456789abcdef0123456789abcdef01234567
}

# workflow_check FILE ACTION LOGKEY: the workflow parses as YAML, runs on
# push and pull_request_target with read-only permissions, pins every
# action it uses by a 40-hex commit, uses ACTION, and gives it LOGKEY.
workflow_check() {
	"$PY" -c 'import yaml' 2>/dev/null || skip "python3-yaml is needed to parse the workflow"
	"$PY" - "$@" <<'EOF' || die "the workflow written by init is not as it should be"
import re, sys, yaml
path, action, log_key = sys.argv[1:4]
w = yaml.safe_load(open(path))
on = w.get("on", w.get(True))
assert set(on) >= {"push", "pull_request_target"}, on
assert "pull_request" not in on, "pull_request would run the pull request's own workflow"
assert w["permissions"] == {"contents": "read"}, w["permissions"]
uses = [s for job in w["jobs"].values() for s in job["steps"] if "uses" in s]
for step in uses:
    ref = step["uses"]
    assert re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+@[0-9a-f]{40}", ref), ref
mine = [s for s in uses if s["uses"] == action]
assert len(mine) == 1, [s["uses"] for s in uses]
assert mine[0]["with"]["log-key"] == log_key, mine[0]["with"]
print("workflow ok:", path)
EOF
}

# edit_by_hand: changes org0's name in the work tree's log, as a hand would.
edit_by_hand() {
	"$PY" - "$LOG" <<'EOF'
import sys
p = sys.argv[1]
data = open(p, "rb").read().replace(b"Org Zero", b"Org Nero")
open(p, "wb").write(data)
EOF
}

witnesses() {
	keygen w1 witness1.example.org --witness
	keygen w2 witness2.example.org --witness
	keygen w3 witness3.example.org --witness
}

case "$CASE" in
new-document)
	# Item 11: a typo in --title derives an id no document has: refused
	# without --new-document, naming the log's ids and the option, nothing
	# written; the right title registers manifesto@2; --new-document
	# registers a new document, @1.
	base
	n=$(count)
	cp "$LOG" "$T/log.before"
	expect_rc 2 document -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" --title "E2E Manifsto" \
		--url https://example.org/manifesto
	err_has "no document of this log has the id 'e2e-manifsto'"
	err_has "the log's documents are manifesto"
	err_has "give --new-document"
	cmp -s "$LOG" "$T/log.before" || die "a refused document changed the log"
	[ "$(count)" -eq "$n" ] || die "a refused document made a commit"
	clean "a refused document"
	expect_rc 0 document -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto
	out_has "registered manifesto@2 (sha256 $DOC2)"
	printf 'A charter.\n' >"$T/charter.txt"
	expect_rc 0 document -C "$R" --key "$K/log.key" --document "$T/charter.txt" --title "The Charter" \
		--url https://example.org/charter --new-document
	out_has "registered the-charter@1 (sha256 $(sha256_of "$T/charter.txt")), a new document"
	verify_ok
	grep -q "4 entries, 3 document versions" "$T/verify.out" || die "verify: $(cat "$T/verify.out")"
	;;
new-document-terminal)
	# Item 11: on a terminal the refusal asks instead; "n" writes nothing,
	# "y" registers the new document.
	command -v script >/dev/null || skip "script (util-linux) is needed for a terminal"
	base
	n=$(count)
	cmd="'$ENDORSE' document -C '$R' --key '$K/log.key' --document '$T/doc-v2.txt' --title 'Other Text' --url https://example.org/other"
	RC=0
	printf 'n\n' | script -qec "$cmd" /dev/null >"$T/tty.out" 2>&1 || RC=$?
	cat "$T/tty.out"
	[ "$RC" -eq 2 ] || die "answering n exited $RC, expected 2"
	grep -q -F "register a NEW document other-text@1?" "$T/tty.out" || die "no question on the terminal"
	[ "$(count)" -eq "$n" ] || die "answering n made a commit"
	RC=0
	printf 'y\n' | script -qec "$cmd" /dev/null >"$T/tty.out" 2>&1 || RC=$?
	cat "$T/tty.out"
	[ "$RC" -eq 0 ] || die "answering y exited $RC, expected 0"
	grep -q -F "registered other-text@1" "$T/tty.out" || die "the new document was not registered"
	[ "$(count)" -eq $((n + 1)) ] || die "answering y did not make one commit"
	;;
document-commits-file)
	# Item 12: a version written inside the repository and not committed
	# is committed with its entry (and its .gitattributes line), in one
	# commit; one committed already is not touched.
	base
	mkdir -p "$R/docs"
	printf 'The e2e manifesto, version 2.\n' >"$R/docs/manifesto.md"
	n=$(count)
	expect_rc 0 document -C "$R" --key "$K/log.key" --document "$R/docs/manifesto.md" \
		--title "E2E Manifesto" --url https://example.org/docs/manifesto.md --id manifesto
	out_has "committed $R/docs/manifesto.md with its entry"
	[ "$(count)" -eq $((n + 1)) ] || die "document did not make exactly one commit"
	[ "$(changed)" = ".gitattributes docs/manifesto.md $F " ] || die "the commit changes: $(changed)"
	clean "document"
	[ "$(g show HEAD:docs/manifesto.md)" = "The e2e manifesto, version 2." ] ||
		die "the committed file is not the registered one"
	# an edit committed with git, then registered: only the log changes
	printf 'The e2e manifesto, version 3.\n' >"$R/docs/manifesto.md"
	g commit -q -am "version 3"
	expect_rc 0 document -C "$R" --key "$K/log.key" --document "$R/docs/manifesto.md" \
		--title "E2E Manifesto" --url https://example.org/docs/manifesto.md --id manifesto
	[ "$(changed)" = "$F " ] || die "the commit changes: $(changed)"
	! grep -q "with its entry" "$T/out" || die "a committed file was committed again"
	expect_rc 0 verify -C "$R" --history
	;;
document-file-changed)
	# Item 12: verify warns (exit status unchanged) when the file at the
	# path of a document's URL, or one .gitattributes marks as registered,
	# no longer holds what was registered; naming the way back.
	base
	mkdir -p "$R/docs"
	printf 'The e2e manifesto, version 2.\n' >"$R/docs/manifesto.md"
	ok document -C "$R" --key "$K/log.key" --document "$R/docs/manifesto.md" \
		--title "E2E Manifesto" --url https://example.org/docs/manifesto.md --id manifesto
	verify_ok
	[ ! -s "$T/verify.err" ] || die "verify warned about a file as registered: $(cat "$T/verify.err")"
	printf 'The e2e manifesto, version 2, edited.\n' >"$R/docs/manifesto.md"
	g commit -q -am "an edit not registered"
	verify_ok
	verify_err_has "endorse: warning: docs/manifesto.md: the file at the path of manifesto's URL does not hold its newest registered version manifesto@2"
	verify_err_has "endorse: warning: docs/manifesto.md: holds no registered version"
	verify_err_has "git restore docs/manifesto.md"
	# the file back to an older registered version: the URL's file is stale
	cp "$T/doc-v1.txt" "$R/docs/manifesto.md"
	verify_ok
	verify_err_has "holds manifesto@1, not the newest registered version manifesto@2"
	# registering it is the other way out
	printf 'The e2e manifesto, version 3.\n' >"$R/docs/manifesto.md"
	ok document -C "$R" --key "$K/log.key" --document "$R/docs/manifesto.md" \
		--title "E2E Manifesto" --url https://example.org/docs/manifesto.md --id manifesto
	verify_ok
	[ ! -s "$T/verify.err" ] || die "verify still warns: $(cat "$T/verify.err")"
	;;
checkpoint-pending)
	# Item 13: a checkpoint that only waits for its witnesses is PENDING:
	# checkpoint says what it waits for, verify exits 3 (0 with
	# --allow-pending, a warning annotation with --format github, pending
	# in JSON), never a problem; a bad signature is still exit 1.
	base
	witnesses
	ok policy -C "$R" add-witness w1 "$(vkey w1)"
	ok policy -C "$R" add-witness w2 "$K/w2.vkey"
	ok policy -C "$R" add-witness w3 "$(vkey w3)"
	ok policy -C "$R" set-quorum 2 w1 w2 w3
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	out_has "signed; waiting for 2 witnesses (policy quorum endorse-quorum (2 of w1, w2, w3))"
	expect_pending
	verify_err_has "Exit status 3; --allow-pending exits 0"
	grep -q "PENDING (quorum not met yet)" "$T/verify.out" || die "verify's summary: $(cat "$T/verify.out")"
	expect_rc 0 verify -C "$R" --allow-pending
	err_has "log/checkpoint is PENDING"
	expect_rc 0 verify -C "$R" --allow-pending --format github
	out_has "::warning file=log/checkpoint,title=endorse checkpoint pending::"
	! grep -q "::error" "$T/out" || die "a pending checkpoint gave an error annotation"
	expect_rc 3 verify -C "$R" --format json
	out_has '"valid":true'
	out_has '"pending":true}'
	expect_rc 3 verify -C "$R" --history
	# a witness cosigns: still pending; a second: quorum met
	expect_rc 0 cosign -C "$R" --key "$K/w1.key" --state "$T/state"
	expect_pending
	expect_rc 0 cosign -C "$R" --key "$K/w3.key" --state "$T/state"
	verify_ok
	expect_rc 0 verify -C "$R" --history
	# a bad signature is a broken log, not a pending one
	cp "$R/log/checkpoint" "$T/cp"
	"$PY" - "$R/log/checkpoint" <<'EOF'
import sys, base64
p = sys.argv[1]
lines = open(p).read().split("\n")
for i, l in enumerate(lines):
    if l.startswith("\u2014 witness1"):
        name, sig = l.rsplit(" ", 1)
        b = bytearray(base64.b64decode(sig)); b[-1] ^= 1
        lines[i] = name + " " + base64.b64encode(bytes(b)).decode()
open(p, "w").write("\n".join(lines))
EOF
	expect_invalid "log/checkpoint: cosignature:"
	expect_rc 1 verify -C "$R" --allow-pending
	;;
policy-commands)
	# Item 14: add-witness and set-quorum, one commit each, whose policy
	# verify accepts along the history; show prints it.
	base
	witnesses
	n=$(count)
	expect_rc 0 policy -C "$R" add-witness w1 "$(vkey w1)" https://witness1.example.org/
	out_has "committed"
	[ "$(count)" -eq $((n + 1)) ] || die "add-witness did not make one commit"
	[ "$(changed)" = "keys/policy " ] || die "add-witness's commit changes: $(changed)"
	[ "$(g log -1 --format=%s)" = "endorse: policy: add witness w1 (witness1.example.org, key $(vkey w1 | cut -d+ -f2))" ] ||
		die "commit message: $(g log -1 --format=%s)"
	clean "add-witness"
	expect_rc 0 policy -C "$R" add-witness w2 "$(vkey w2)"
	expect_rc 0 policy -C "$R" set-quorum w1
	[ "$(tail -n 1 "$R/keys/policy")" = "quorum w1" ] || die "set-quorum w1: $(cat "$R/keys/policy")"
	expect_rc 0 policy -C "$R" set-quorum any w1 w2
	expect_rc 0 policy -C "$R" add-witness w3 "$(vkey w3)"
	[ "$(sed -n 4p "$R/keys/policy")" = "witness w3 $(vkey w3)" ] ||
		die "the new witness is not after the last one: $(cat "$R/keys/policy")"
	expect_rc 0 policy -C "$R" set-quorum all w1 w2 w3
	[ "$(grep -c '^group endorse-quorum' "$R/keys/policy")" -eq 1 ] ||
		die "set-quorum left two groups: $(cat "$R/keys/policy")"
	printf 'log %s\nwitness w1 %s https://witness1.example.org/\nwitness w2 %s\nwitness w3 %s\ngroup endorse-quorum all w1 w2 w3\nquorum endorse-quorum\n' \
		"$(vkey log)" "$(vkey w1)" "$(vkey w2)" "$(vkey w3)" | cmp -s - "$R/keys/policy" ||
		die "the policy: $(cat "$R/keys/policy")"
	expect_rc 0 policy -C "$R" show
	out_has "witness   w3 $(vkey w3)"
	out_has "quorum    endorse-quorum (3 of w1, w2, w3): a new checkpoint waits for 3 witnesses"
	[ "$(count)" -eq $((n + 6)) ] || die "six changes did not make six commits"
	expect_rc 0 policy -C "$R" set-quorum none
	verify_ok
	expect_rc 0 verify -C "$R" --history --log-key "$(vkey log)"
	clean "the policy commands"
	;;
policy-refusals)
	# Item 14: duplicates, a vkey that is not a witness's, a quorum naming
	# an unknown witness, a bad URL: refused, exit 2, nothing written.
	base
	witnesses
	ok policy -C "$R" add-witness w1 "$(vkey w1)"
	cp "$R/keys/policy" "$T/policy.before"
	n=$(count)
	expect_rc 2 policy -C "$R" add-witness w1 "$(vkey w2)"
	err_has "already has a witness or group named 'w1'"
	expect_rc 2 policy -C "$R" add-witness other "$(vkey w1)"
	err_has "already lists this key, as witness 'w1'"
	expect_rc 2 policy -C "$R" add-witness org0 "$(vkey org0)"
	err_has "is not a witness key (type 0x04"
	expect_rc 2 policy -C "$R" add-witness w2 "not-a-vkey"
	expect_rc 2 policy -C "$R" add-witness w2 "$(vkey w2)" ftp://witness2.example.org/
	err_has "https://"
	expect_rc 2 policy -C "$R" add-witness "bad name" "$(vkey w2)"
	expect_rc 2 policy -C "$R" set-quorum w9
	err_has "'w9' is not a witness or group of keys/policy (it has: w1)"
	expect_rc 2 policy -C "$R" set-quorum 2 w1 w9
	err_has "'w9' is not a witness or group"
	expect_rc 2 policy -C "$R" set-quorum 2 w1
	err_has "the new keys/policy would not parse"
	expect_rc 2 policy -C "$R" frobnicate
	cmp -s "$R/keys/policy" "$T/policy.before" || die "a refused change wrote keys/policy"
	[ "$(count)" -eq "$n" ] || die "a refused change made a commit"
	clean "the refusals"
	# a policy edited by hand and not committed: refused, with the way back
	printf '# mine\n' >>"$R/keys/policy"
	expect_rc 2 policy -C "$R" add-witness w2 "$(vkey w2)"
	err_has "keys/policy was edited by hand"
	err_has "git restore --staged --worktree keys/policy"
	;;
hand-edited-log)
	# Item 15: a log edited by hand in the work tree: verify lists the
	# problems and the way back; following it gives a valid log.
	base
	edit_by_hand
	expect_invalid "log/endorsements.jsonl:2: signature:"
	verify_err_has "endorse: log/endorsements.jsonl was edited by hand (it differs from HEAD, whose history verifies); restore it with: git restore log/endorsements.jsonl"
	# from a subdirectory the log is found above, and the path to restore
	# is given from where the user stands
	pushd "$R/log" >/dev/null
	run verify
	popd >/dev/null
	[ "$RC" -eq 1 ] || die "verify from log/ exited $RC"
	err_has "restore it with: git restore ../log/endorsements.jsonl"
	(cd "$R" && git restore log/endorsements.jsonl)
	verify_ok
	# staged: the advice names the form that also unstages
	edit_by_hand
	g add "$F"
	expect_invalid "log/endorsements.jsonl:2: signature:"
	verify_err_has "git restore --staged --worktree log/endorsements.jsonl"
	(cd "$R" && git restore --staged --worktree log/endorsements.jsonl)
	verify_ok
	# HEAD's own log broken: no advice to restore it
	edit_by_hand
	g commit -q -am "a hand edit, committed"
	expect_invalid "log/endorsements.jsonl:2: signature:"
	! grep -q "git restore" "$T/verify.err" || die "verify advised restoring a broken HEAD"
	;;
hand-edited-write)
	# Item 15: a write refused on a hand-edited log advises git restore,
	# not a commit; following the advice, the write goes through.
	base
	keygen org1 org1.example.org
	printf 'x' >>"$LOG"
	expect_rc 2 sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/
	err_has "log/endorsements.jsonl was edited by hand (it differs from HEAD)"
	err_has "do not commit the edit: restore it with: git restore --staged --worktree log/endorsements.jsonl"
	! grep -q "commit or stash" "$T/err" || die "the refusal still advises committing"
	(cd "$R" && git restore --staged --worktree log/endorsements.jsonl)
	expect_rc 0 sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/
	;;
init-workflow)
	# Issue 18 item 4: init in a charter's repository commits, in one
	# commit, the log, keys/policy, .gitattributes, the registered document
	# and the CI workflow pinning endorse's action by commit; the workflow
	# parses, every action it uses is pinned, and it names the log key.
	new_repo
	expect_rc 0 init -C "$R" --key "$K/log.key" --document charter.md --title "The Charter" \
		--url https://example.org/charter --action "acme/endorse@$PIN"
	out_has "wrote the CI workflow .github/workflows/endorse.yml"
	out_has "committed charter.md with its entry"
	[ "$(count)" -eq 1 ] || die "init made $(count) commits, expected 1"
	[ "$(changed)" = ".gitattributes .github/workflows/endorse.yml charter.md keys/policy log/endorsements.jsonl " ] ||
		die "init's commit changes: $(changed)"
	clean "init"
	workflow_check "$R/.github/workflows/endorse.yml" "acme/endorse@$PIN" "$(vkey log)"
	expect_rc 0 verify -C "$R"
	# without git, the same files, no commit
	rm -rf "$R" && mkdir "$R" && cp "$T/charter.md" "$R/"
	expect_rc 0 init -C "$R" --key "$K/log.key" --document charter.md --title "The Charter" \
		--url https://example.org/charter --action "acme/endorse@$PIN"
	workflow_check "$R/.github/workflows/endorse.yml" "acme/endorse@$PIN" "$(vkey log)"
	;;
init-workflow-unpinned)
	# a build without -Daction and no --action: the log is made, no
	# workflow, and a warning says how to get one; --no-workflow is quiet
	new_repo
	expect_rc 0 init -C "$R" --key "$K/log.key" --document charter.md --title "The Charter" \
		--url https://example.org/charter
	err_has "warning: no CI workflow written: this endorse was built without the action to pin"
	err_has "run init with --action"
	[ ! -e "$R/.github" ] || die "init wrote .github without a pinned action"
	[ "$(changed)" = ".gitattributes charter.md keys/policy log/endorsements.jsonl " ] ||
		die "init's commit changes: $(changed)"
	new_repo
	expect_rc 0 init -C "$R" --key "$K/log.key" --document charter.md --title "The Charter" \
		--url https://example.org/charter --no-workflow
	[ ! -s "$T/err" ] || die "--no-workflow still warned"
	[ ! -e "$R/.github" ] || die "--no-workflow wrote .github"
	;;
init-workflow-refusals)
	# an action not pinned by a full commit, both options, or a workflow
	# already there: refused, nothing written
	new_repo
	for bad in "acme/endorse@v1" "acme/endorse@main" "acme/endorse@${PIN:0:39}" \
		"acme/endorse@${PIN}0" "acme/endorse@$(printf %s "$PIN" | tr a-f A-F)" \
		"endorse@$PIN" "/endorse@$PIN" "acme/@$PIN" "ac me/endorse@$PIN" \
		"acme/endorse/sub@$PIN" "acme/endorse@$PIN;x"; do
		expect_rc 2 init -C "$R" --key "$K/log.key" --document charter.md --title "The Charter" \
			--url https://example.org/charter --action "$bad"
		err_has "--action must read OWNER/REPO@COMMIT"
		[ ! -e "$R/keys" ] && [ ! -e "$R/.github" ] || die "init wrote files for --action $bad"
	done
	expect_rc 2 init -C "$R" --key "$K/log.key" --document charter.md --title "The Charter" \
		--url https://example.org/charter --action "acme/endorse@$PIN" --no-workflow
	err_has "--action and --no-workflow exclude each other"
	[ ! -e "$R/keys" ] || die "init wrote keys/ with both options"
	# the repository's own workflow of that name is never replaced
	mkdir -p "$R/.github/workflows"
	printf 'name: mine\n' >"$R/.github/workflows/endorse.yml"
	g add .github && g commit -q -m "own workflow"
	expect_rc 2 init -C "$R" --key "$K/log.key" --document charter.md --title "The Charter" \
		--url https://example.org/charter --action "acme/endorse@$PIN"
	err_has ".github/workflows/endorse.yml exists: a new log never replaces it"
	[ "$(cat "$R/.github/workflows/endorse.yml")" = "name: mine" ] || die "the workflow was changed"
	[ ! -e "$R/keys/policy" ] && [ ! -e "$LOG" ] && [ "$(count)" -eq 1 ] ||
		die "init wrote the log although it refused"
	[ "$(g status --porcelain)" = "?? charter.md" ] || die "a refused init left: $(g status --porcelain)"
	;;
*)
	die "unknown case"
	;;
esac
echo "PASS [$CASE]"
