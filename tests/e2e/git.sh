#!/usr/bin/env bash
# End-to-end cases of the log kept in git (SPEC.md §6): every write command
# makes exactly one commit holding only the files it changed, `verify
# --history` checks the first-parent history from the object database,
# `verify --base` is the pull-request check, and `rechain` moves a branch's
# entries after another branch's. The repositories are real ones, made with
# the git command line in the case's temporary directory.
#
# usage: git.sh CASE   (ENDORSE = the endorse binary, PYTHON edits log lines)
set -euo pipefail

CASE=${1:?usage: git.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
command -v "$PY" >/dev/null || skip "python3 is needed to edit log lines"

# Only the repositories of the test, configured only by the test: no system
# or global configuration, no author or repository from the environment.
need_plain_git

F="log/endorsements.jsonl"
AUTHOR_NAME="E2E Tester"
AUTHOR_EMAIL="e2e@example.org"
AUTHOR="$AUTHOR_NAME <$AUTHOR_EMAIL>"

# ---- helpers ----

# err_line PREFIX [TEXT [TEXT [TEXT]]]: a line of stderr starts with PREFIX
# and contains every TEXT (fixed strings).
err_line() {
	[ $# -le 4 ] || die "err_line takes at most 3 texts"
	EL_P=$1 EL_1=${2-} EL_2=${3-} EL_3=${4-} awk '
		index($0, ENVIRON["EL_P"]) == 1 && index($0, ENVIRON["EL_1"]) &&
		index($0, ENVIRON["EL_2"]) && index($0, ENVIRON["EL_3"]) { found = 1 }
		END { exit !found }' "$T/err" || die "no line of stderr starts with '$1' and holds: ${*:2}"
}

# problems N: the last verify reported exactly N problems.
problems() {
	local got
	got=$(grep -c -E '^(log|keys)/' "$T/err" || true)
	[ "$got" -eq "$1" ] || die "verify reported $got problems, expected exactly $1"
	grep -q -E "INVALID: $1 problems? found" "$T/err" || die "verify's summary does not count $1 problems"
}

# g ARGS...: git in the log repository.
g() {
	git -C "$R" "$@"
}

# git_init DIR: a new repository on branch main whose author is $AUTHOR.
git_init() {
	git init -q "$1"
	git -C "$1" symbolic-ref HEAD refs/heads/main
	git -C "$1" config user.name "$AUTHOR_NAME"
	git -C "$1" config user.email "$AUTHOR_EMAIL"
}

# git_commit_as NAME EMAIL MESSAGE: commits everything (git add -A) with
# plain git, by another author.
git_commit_as() {
	g add -A
	g -c user.name="$1" -c user.email="$2" commit -q -m "$3"
}

count() {
	g rev-list --count HEAD
}

head12() {
	g rev-parse HEAD | cut -c1-12
}

# clean WHAT [BRANCH]: git status shows nothing at all (no untracked file
# either) and HEAD is on BRANCH (default main).
clean() {
	local st
	st=$(g status --porcelain -b --untracked-files=all)
	[ "$st" = "## ${2:-main}" ] || die "git status is not clean on ${2:-main} after $1: $st"
}

# committed WHAT MESSAGE FILE...: the endorse command that just ran ($T/out)
# made exactly one commit on main on top of $BEFORE (its only parent),
# whose subject is MESSAGE, whose author and committer are $AUTHOR, which
# changes exactly FILE... (in git's order: sorted) and which it named on
# stdout; git status is clean.
committed() {
	local what=$1 msg=$2 hash parents subject who blank files n
	shift 2
	{
		read -r hash && read -r parents && read -r subject && read -r who && read -r blank
		files=$(cat)
	} < <(g log -1 --format='%H%n%P%n%s%n%an <%ae>|%cn <%ce>' --name-only HEAD)
	n=$(g rev-list --count HEAD)
	[ "$n" -eq $((BEFORE_COUNT + 1)) ] || die "$what: $n commits, expected $((BEFORE_COUNT + 1))"
	[ "$parents" = "$BEFORE" ] || die "$what: the commit's parents are '$parents', not the previous HEAD"
	[ "$subject" = "$msg" ] || die "$what: commit message '$subject', expected '$msg'"
	[ "$who" = "$AUTHOR|$AUTHOR" ] || die "$what: author|committer '$who', expected '$AUTHOR'"
	[ "$files" = "$(printf '%s\n' "$@")" ] || die "$what: the commit changes '$files', expected '$*'"
	grep -q -x -F "committed ${hash:0:12} on the current branch" "$T/out" ||
		die "$what: stdout does not name the commit ${hash:0:12}"
	clean "$what"
}

# before: remembers HEAD and the number of commits before a write.
before() {
	BEFORE=$(g rev-parse HEAD)
	BEFORE_COUNT=$(count)
}

# kid BASE: the key ID of a key made by keygen.
kid() {
	vkey "$1" | cut -d+ -f2
}

sign() { # KEY_BASE NAME TIME [more options]
	local key=$1 name=$2 time=$3
	shift 3
	ok sign -C "$R" --key "$K/$key.key" --name "$name" --url "https://$key.example.org/" \
		--time "$time" "$@"
}

# git_base: a repository on main with three commits, each made by endorse:
#   1 init (document v1)   2 org0 endorses v1   3 org1 endorses v1
git_base() {
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	keygen org1 org1.example.org
	git_init "$R"
	fixture init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	fixture sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:01:00Z
	fixture sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--time 2026-01-01T00:02:00Z
	[ "$(count)" -eq 3 ] || die "the base history does not have 3 commits"
	clean "the base history"
}

# edit_log_line N PYTHON: runs PYTHON with `l` bound to line N (bytes) of the
# work tree's log; it must change l.
edit_log_line() {
	"$PY" - "$LOG" "$1" "$2" <<'EOF'
import sys
path, n, code = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path, "rb").read()[:-1].split(b"\n")
l = lines[n - 1]
env = {"l": l}
exec(code, env)
assert env["l"] != l, "the edit changed nothing"
lines[n - 1] = env["l"]
open(path, "wb").write(b"\n".join(lines) + b"\n")
EOF
}

# hist [ARGS...]: endorse verify --history in the log repository.
hist() {
	run verify -C "$R" --history "$@"
}

# signed_writes GOOD: init and sign make commits that git verify-commit
# accepts, saying GOOD (commit.gpgsign is set up by the case).
signed_writes() {
	expect_rc 0 init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	g verify-commit HEAD 2>"$T/vc" || { cat "$T/vc" >&2; die "init's commit is not signed"; }
	before
	expect_rc 0 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:01:00Z
	committed "a signed sign" "endorse: org0.example.org endorses E2E Manifesto (${DOC1:0:8})" \
		keys/orgs/org0.example.org.vkey "$F"
	g verify-commit HEAD 2>"$T/vc" || { cat "$T/vc" >&2; die "sign's commit is not signed"; }
	grep -q -F "$1" "$T/vc" || die "git verify-commit: $(cat "$T/vc")"
}

# pr_setup: a pull request's journey with a bare "origin": R is the
# contributor's clone, whose branch pr (org3's endorsement) was made from
# main and pushed; then another pull request (org2's, signed in the clone
# $T/other) was merged into origin's main, and R fetched it. PR_TIP is pr.
pr_setup() {
	git_base
	keygen org2 org2.example.org
	keygen org3 org3.example.org
	git clone -q --bare "$R" "$T/origin.git"
	g remote add origin "$T/origin.git"
	g fetch -q origin
	g checkout -q -b pr
	fixture sign -C "$R" --key "$K/org3.key" --name "Org Three" --url https://org3.example.org/ \
		--time 2026-01-01T00:04:00Z
	g push -q -u origin pr 2>/dev/null
	git clone -q "$T/origin.git" "$T/other"
	git -C "$T/other" config user.name "Other Maintainer"
	git -C "$T/other" config user.email other@example.org
	fixture sign -C "$T/other" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:03:00Z
	git -C "$T/other" push -q origin main 2>/dev/null
	g fetch -q origin
	PR_TIP=$(g rev-parse HEAD)
}

# no_rechain_advice: the last verify failed without advising rechain.
no_rechain_advice() {
	! grep -q -i rechain "$T/err" "$T/out" || die "verify advised rechain for an edit: $(cat "$T/err")"
}

# pushed_and_merged: the re-chained branch verifies against origin/main,
# as a whole and along its history, a plain push updates the pull request,
# and main's history verifies once it is merged.
pushed_and_merged() {
	expect_rc 0 verify -C "$R" --base origin/main
	out_has "valid and extends origin/main"
	verify_ok
	expect_rc 0 verify -C "$R" --history
	g push -q origin pr 2>/dev/null || die "a plain push of the re-chained branch was refused"
	git -C "$T/other" fetch -q origin
	git -C "$T/other" merge -q --no-ff --no-edit origin/pr || die "the pull request does not merge"
	expect_rc 0 verify -C "$T/other" --history
	out_has "valid in every commit: 5 entries"
}

# both_sides FIRST: GitHub's "Resolve conflicts" button on the pull request:
# origin/main merged into pr, the conflict in the log resolved by deleting
# the markers (both sides' lines; FIRST: whose lines come first, "branch"
# as the button shows them, or "main"), committed as the merge and pushed.
both_sides() {
	! g merge -q --no-edit origin/main >/dev/null 2>&1 || die "merging origin/main did not conflict"
	grep -q '^<<<<<<< ' "$LOG" || die "no conflict markers in the log: $(cat "$LOG")"
	if [ "$1" = branch ]; then
		grep -v -E '^(<<<<<<<|=======|>>>>>>>)( |$)' "$LOG" >"$T/resolved"
	else
		{ g show "origin/main:$F"; g show "$PR_TIP:$F" | tail -n 1; } >"$T/resolved"
	fi
	cp "$T/resolved" "$LOG"
	[ "$(wc -l <"$LOG")" -eq 5 ] || die "the resolved log does not hold both sides' 5 lines"
	g add -A
	g commit -q --no-edit
	g push -q origin pr 2>/dev/null
	MERGE=$(g rev-parse HEAD)
}

case "$CASE" in
clean-history)
	# Every write command makes one commit holding exactly what it changed.
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	keygen org1 org1.example.org
	keygen org1b org1.example.org
	git_init "$R"
	expect_rc 0 init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	[ "$(count)" -eq 1 ] || die "init did not make exactly one commit"
	[ "$(g rev-list --parents -n 1 HEAD | wc -w)" -eq 1 ] || die "the first commit has a parent"
	[ "$(g log -1 --format=%s)" = "endorse: create the log $ORIGIN and register E2E Manifesto (${DOC1:0:8})" ] ||
		die "init's commit message is '$(g log -1 --format=%s)'"
	[ "$(g log -1 --format='%an <%ae>|%cn <%ce>')" = "$AUTHOR|$AUTHOR" ] || die "init's author"
	[ "$(g show --name-only --format= HEAD | sort | tr '\n' ' ')" = ".gitattributes keys/policy $F " ] ||
		die "init's commit holds $(g show --name-only --format= HEAD | tr '\n' ' ')"
	grep -q -x -F "committed $(head12) on the current branch" "$T/out" || die "init does not name its commit"
	clean init
	cmp -s "$LOG" <(g show "HEAD:$F") || die "the committed log differs from the work tree's"

	before
	expect_rc 0 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:01:00Z
	committed "sign org0" "endorse: org0.example.org endorses E2E Manifesto (${DOC1:0:8})" \
		keys/orgs/org0.example.org.vkey "$F"
	[ "$(g show HEAD:keys/orgs/org0.example.org.vkey)" = "$(vkey org0)" ] || die "org0's key is not pinned"

	before
	expect_rc 0 sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--time 2026-01-01T00:02:00Z
	committed "sign org1" "endorse: org1.example.org endorses E2E Manifesto (${DOC1:0:8})" \
		keys/orgs/org1.example.org.vkey "$F"

	before
	expect_rc 0 document -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:03:00Z
	committed "document v2" "endorse: register E2E Manifesto (${DOC2:0:8})" "$F"

	before
	expect_rc 0 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:04:00Z
	# keys/orgs/org0.example.org.vkey is rewritten with the same key: not a change
	committed "sign org0 v2" "endorse: org0.example.org endorses E2E Manifesto (${DOC2:0:8})" "$F"

	before
	expect_rc 0 withdraw -C "$R" --key "$K/org0.key" --time 2026-01-01T00:05:00Z
	committed "withdraw" "endorse: org0.example.org withdraws its endorsement of E2E Manifesto (${DOC2:0:8})" "$F"

	before
	expect_rc 0 rotate -C "$R" --key "$K/org1.key" --new-key "$K/org1b.key" --time 2026-01-01T00:06:00Z
	committed "rotate" "endorse: org1.example.org rotates its key to $(kid org1b)" \
		keys/orgs/org1.example.org.vkey "$F"
	[ "$(g show HEAD:keys/orgs/org1.example.org.vkey)" = "$(vkey org1b)" ] || die "the new key is not pinned"

	before
	expect_rc 0 revoke -C "$R" --key "$K/log.key" --target "$K/org0.vkey" --reason "lost" \
		--time 2026-01-01T00:07:00Z
	committed "revoke" "endorse: key $(kid org0) of org0.example.org revoked" \
		keys/orgs/org0.example.org.vkey "$F"
	! g cat-file -e HEAD:keys/orgs/org0.example.org.vkey 2>/dev/null || die "the revoked key is still pinned"
	[ ! -e "$R/keys/orgs/org0.example.org.vkey" ] || die "the revoked key is still in the work tree"

	[ "$(count)" -eq 8 ] || die "8 writes made $(count) commits"
	g fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck" >&2; die "git fsck --strict failed"; }
	expect_rc 0 verify -C "$R" --history
	out_has "valid in every commit: 8 entries"
	expect_rc 0 verify -C "$R" --history HEAD~3
	out_has "valid in every commit: 5 entries"
	verify_ok
	;;
edit-old-line)
	# Plain git edits an old line's text (the display name of org0) and
	# fixes nothing else: the history names the commit and its author.
	git_base
	good=$(g rev-parse HEAD)
	edit_log_line 2 'l = l.replace(b"Org Zero", b"Org Nero")'
	git_commit_as "Mallory Editor" mallory@example.org "fix a typo"
	bad=$(head12)
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "$F:2: append-only: line 2 differs" "(commit $bad by Mallory Editor <mallory@example.org>)"
	err_line "$F:2: signature:" "(commit $bad by Mallory Editor <mallory@example.org>)"
	# the commits before the edit are not blamed
	! grep -q -F "commit ${good:0:12}" "$T/err" || die "an earlier commit is blamed"
	expect_rc 0 verify -C "$R" --history "$good"
	expect_rc 1 verify -C "$R" --base "$good"
	err_line "$F:2: append-only:"
	expect_rc 1 verify -C "$R"
	;;
delete-and-rechain-file)
	# A commit deletes org0's endorsement, unpins its key and recomputes seq
	# and prev of every line (python: forge rechain rewrites prev only): the
	# work tree verifies, the history does not.
	git_base
	good=$(g rev-parse HEAD)
	"$PY" - "$LOG" <<'EOF'
import hashlib, re, sys
path = sys.argv[1]
lines = open(path, "rb").read()[:-1].split(b"\n")
del lines[1]
for i in range(len(lines)):
    prev = b"0" * 64 if i == 0 else hashlib.sha256(lines[i - 1]).hexdigest().encode()
    lines[i], n = re.subn(rb'"prev":"[0-9a-f]{64}","seq":[0-9]+,',
        b'"prev":"' + prev + b'","seq":' + str(i).encode() + b",", lines[i], count=1)
    assert n == 1
open(path, "wb").write(b"\n".join(lines) + b"\n")
EOF
	g rm -q keys/orgs/org0.example.org.vkey
	verify_ok
	git_commit_as "Mallory Editor" mallory@example.org "drop org0"
	bad=$(head12)
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "$F:2: append-only:" "(commit $bad by Mallory Editor <mallory@example.org>)"
	expect_rc 1 verify -C "$R" --base "$good"
	err_line "$F:2: append-only:"
	;;
force-push-rewrite)
	# main is rewritten: reset to an older commit and different entries
	# appended. The rewritten branch's own first-parent history is
	# consistent, so `verify --history` of it passes: history checks cannot
	# see a rewrite of the branch they walk. What catches it is comparing
	# with the tip seen before (`verify --base OLD_TIP`, as CI does for a
	# push) and branch protection.
	git_base
	old=$(g rev-parse HEAD)
	keygen org2 org2.example.org
	g reset -q --hard HEAD^
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	expect_rc 1 verify -C "$R" --base "$old"
	err_line "$F:3: append-only:"
	expect_rc 0 verify -C "$R" --history
	expect_rc 0 verify -C "$R" --history "$old"
	;;
merge-commit)
	# A pull-request branch merged with a merge commit: main's first-parent
	# history goes through the merge, whose log extends main's.
	git_base
	keygen org2 org2.example.org
	g checkout -q -b pr
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	g checkout -q main
	printf 'readme\n' >"$R/README"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "add a README"
	g merge -q --no-ff -m "Merge pr" pr
	[ "$(g rev-list --parents -n 1 HEAD | wc -w)" -eq 3 ] || die "no merge commit"
	cmp -s "$LOG" <(g show "pr:$F") || die "the merge did not bring pr's log"
	expect_rc 0 verify -C "$R" --history
	out_has "valid in every commit: 4 entries"
	expect_rc 0 verify -C "$R" --base HEAD^1
	expect_rc 0 verify -C "$R" --history pr
	verify_ok
	;;
racing-prs-rechain)
	# Two pull requests from the same base each sign for one organization.
	# The first is merged (fast-forward); the second no longer extends main
	# until rechain moves its entry after main's.
	git_base
	keygen org2 org2.example.org
	keygen org3 org3.example.org
	g branch a
	g branch b
	g checkout -q a
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	g checkout -q b
	sign org3 "Org Three" 2026-01-01T00:04:00Z
	b_old=$(g rev-parse HEAD)
	g checkout -q main
	g merge -q --ff-only a
	main_old=$(g rev-parse main)
	g checkout -q b
	expect_rc 1 verify -C "$R" --base main
	err_line "$F:4: append-only:"
	expect_rc 0 rechain -C "$R" --onto main
	out_has "re-chained 1 entry onto main; committed $(head12)"
	[ "$(g rev-parse HEAD^1)" = "$main_old" ] || die "the rechain commit's first parent is not main's tip"
	[ "$(g rev-parse HEAD^2)" = "$b_old" ] || die "the rechain commit's second parent is not b's old tip"
	[ "$(g rev-list --parents -n 1 HEAD | wc -w)" -eq 3 ] || die "the rechain commit has not 2 parents"
	[ "$(g symbolic-ref HEAD)" = refs/heads/b ] || die "rechain left branch b"
	[ "$(g log -1 --format=%s)" = "endorse: rechain 1 entry onto ${main_old:0:12}" ] ||
		die "rechain's commit message is '$(g log -1 --format=%s)'"
	[ "$(g log -1 --format='%an <%ae>')" = "$AUTHOR" ] || die "rechain's author"
	clean rechain b
	cmp -s "$LOG" <(g show "HEAD:$F") || die "the work tree's log is not the committed one"
	[ "$(g show "HEAD:$F" | wc -l)" -eq 5 ] || die "the rechained log does not have 5 lines"
	cmp -s <(head -n 4 "$LOG") <(g show "main:$F") || die "the rechained log does not extend main's"
	# the moved line keeps its statement and signature
	g show "$b_old:$F" >"$T/b-old.jsonl"
	"$PY" - "$LOG" "$T/b-old.jsonl" <<'EOF' || die "the moved entry changed"
import json, sys
new = json.loads(open(sys.argv[1], "rb").read().splitlines()[-1])
old = json.loads(open(sys.argv[2], "rb").read().splitlines()[-1])
assert new["seq"] == 4 and old["seq"] == 3, (new["seq"], old["seq"])
assert new["prev"] != old["prev"]
for k in ("sig", "statement"):
    assert new[k] == old[k], k
EOF
	[ -e "$R/keys/orgs/org2.example.org.vkey" ] && [ -e "$R/keys/orgs/org3.example.org.vkey" ] ||
		die "keys/orgs does not pin both organizations"
	verify_ok
	expect_rc 0 verify -C "$R" --base main
	out_has "valid and extends main"
	g checkout -q main
	g merge -q --ff-only b || die "main does not fast-forward to the rechained branch"
	expect_rc 0 verify -C "$R" --history
	out_has "valid in every commit: 5 entries"
	expect_rc 0 audit -C "$R"
	out_has org2.example.org
	out_has org3.example.org
	g fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck" >&2; die "git fsck --strict failed"; }
	clean "the merge"
	;;
rechain-refuses)
	# rechain needs a clean work tree, a branch that changes only the log
	# and keys/orgs, and something to move. A refusal changes nothing.
	git_base
	keygen org2 org2.example.org
	keygen org3 org3.example.org
	printf 'readme\n' >"$R/README"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "add a README"
	base=$(g rev-parse HEAD)
	g branch a
	g branch b
	g checkout -q a
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	g checkout -q main
	g merge -q --ff-only a
	g checkout -q b
	sign org3 "Org Three" 2026-01-01T00:04:00Z
	tip=$(g rev-parse HEAD)
	cp "$LOG" "$T/log.before"
	refused() { # WHAT
		[ "$(g rev-parse HEAD)" = "$tip" ] || die "$1: HEAD moved"
		[ "$(g symbolic-ref HEAD)" = refs/heads/b ] || die "$1: HEAD left branch b"
		cmp -s "$LOG" "$T/log.before" || die "$1: the log changed"
	}
	# a dirty work tree: a tracked file modified
	printf 'edited\n' >>"$R/README"
	expect_rc 2 rechain -C "$R" --onto main
	err_has "uncommitted changes"
	refused "dirty README"
	[ "$(g status --porcelain)" = " M README" ] || die "the dirty README was touched"
	g checkout -q -- README
	# a dirty work tree: the log itself modified
	edit_log_line 2 'l = l.replace(b"Org Zero", b"Org Nero")'
	cp "$LOG" "$T/log.dirty"
	expect_rc 2 rechain -C "$R" --onto main
	err_has "uncommitted changes"
	cmp -s "$LOG" "$T/log.dirty" || die "the dirty log was touched"
	g checkout -q -- "$F"
	refused "dirty log"
	# a staged change
	printf 'staged\n' >>"$R/README"
	g add README
	expect_rc 2 rechain -C "$R" --onto main
	refused "staged README"
	g reset -q --hard "$tip"
	clean "the reset" b
	# an untracked file where the target's tree has one (org2's key, pinned
	# on main): the checkout would overwrite it
	printf 'mine\n' >"$R/keys/orgs/org2.example.org.vkey"
	expect_rc 2 rechain -C "$R" --onto main
	refused "an untracked file in the way"
	[ "$(cat "$R/keys/orgs/org2.example.org.vkey")" = mine ] || die "rechain overwrote an untracked file"
	[ "$(g status --porcelain --untracked-files=all)" = "?? keys/orgs/org2.example.org.vkey" ] ||
		die "a refused rechain left changes: $(g status --porcelain)"
	rm "$R/keys/orgs/org2.example.org.vkey"
	# the branch changes README besides the log
	printf 'changed on b\n' >>"$R/README"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "edit README"
	tip=$(g rev-parse HEAD)
	expect_rc 2 rechain -C "$R" --onto main
	err_has README
	refused "README changed on the branch"
	clean "a refused rechain" b
	# nothing to rechain: the branch adds no entry
	g checkout -q -b c "$base"
	tip=$(g rev-parse HEAD)
	cp "$LOG" "$T/log.before"
	refused() {
		[ "$(g rev-parse HEAD)" = "$tip" ] || die "$1: HEAD moved"
		cmp -s "$LOG" "$T/log.before" || die "$1: the log changed"
	}
	expect_rc 2 rechain -C "$R" --onto main
	err_has "nothing to rechain"
	refused "a branch without entries"
	# nothing to rechain: the target adds no entry (the branch extends it)
	g checkout -q -B d "$(g rev-parse a)"
	sign org3 "Org Three" 2026-01-01T00:04:00Z
	tip=$(g rev-parse HEAD)
	cp "$LOG" "$T/log.before"
	expect_rc 2 rechain -C "$R" --onto main
	err_has "nothing to rechain"
	refused "a branch that already extends the target"
	expect_rc 0 verify -C "$R" --base main
	clean "the refusals" d
	;;
dirty-work-tree)
	# A write refuses when a file it would change has uncommitted changes,
	# and ignores every other file.
	git_base
	keygen org2 org2.example.org
	printf 'readme\n' >"$R/README"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "add a README"
	n=$(count)
	# the log modified in the work tree
	edit_log_line 3 'l = l.replace(b"Org One", b"Org Uno")'
	cp "$LOG" "$T/log.dirty"
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:03:00Z
	err_has "log/endorsements.jsonl was edited by hand"
	cmp -s "$LOG" "$T/log.dirty" || die "a refused sign changed the log"
	[ ! -e "$R/keys/orgs/org2.example.org.vkey" ] || die "a refused sign pinned a key"
	[ "$(count)" -eq "$n" ] || die "a refused sign made a commit"
	# verify --history reads the object database, not the edited work tree
	expect_rc 0 verify -C "$R" --history
	expect_rc 1 verify -C "$R"
	g checkout -q -- "$F"
	# the log modified and staged
	edit_log_line 3 'l = l.replace(b"Org One", b"Org Uno")'
	g add "$F"
	cp "$LOG" "$T/log.dirty"
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:03:00Z
	err_has "restore it with: git restore --staged --worktree $F"
	cmp -s "$LOG" "$T/log.dirty" || die "a refused sign changed the staged log"
	[ "$(count)" -eq "$n" ] || die "a refused sign made a commit"
	g reset -q --hard HEAD
	clean "the reset"
	# an untracked key file of the organization that signs
	cp "$K/org2.vkey" "$R/keys/orgs/org2.example.org.vkey"
	cp "$LOG" "$T/log.before"
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:03:00Z
	err_has "is not in HEAD: endorse writes it itself"
	cmp -s "$LOG" "$T/log.before" || die "a refused sign changed the log"
	cmp -s "$K/org2.vkey" "$R/keys/orgs/org2.example.org.vkey" || die "the untracked key file changed"
	[ "$(count)" -eq "$n" ] || die "a refused sign made a commit"
	rm "$R/keys/orgs/org2.example.org.vkey"
	clean "removing the untracked key"
	# a modified unrelated file: the write goes ahead without it
	printf 'local edit\n' >>"$R/README"
	cp "$R/README" "$T/readme.dirty"
	before
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	n=$(count)
	[ "$n" -eq $((BEFORE_COUNT + 1)) ] || die "sign made $((n - BEFORE_COUNT)) commits"
	[ "$(g show --name-only --format= HEAD | sort | tr '\n' ' ')" = "keys/orgs/org2.example.org.vkey $F " ] ||
		die "the commit holds $(g show --name-only --format= HEAD | tr '\n' ' ')"
	[ "$(g status --porcelain --untracked-files=all)" = " M README" ] ||
		die "git status after sign: $(g status --porcelain)"
	cmp -s "$R/README" "$T/readme.dirty" || die "sign touched the dirty README"
	[ "$(g show HEAD:README)" = readme ] || die "the commit holds the dirty README"
	expect_rc 0 verify -C "$R" --history
	;;
staged-unrelated)
	# Changes staged for another commit stay staged and out of the
	# endorse commit.
	git_base
	keygen org2 org2.example.org
	printf 'readme\n' >"$R/README"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "add a README"
	printf 'readme, staged edit\n' >"$R/README"
	printf 'notes\n' >"$R/NOTES"
	g add README NOTES
	before
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	[ "$(count)" -eq $((BEFORE_COUNT + 1)) ] || die "sign did not make one commit"
	[ "$(g show --name-only --format= HEAD | sort | tr '\n' ' ')" = "keys/orgs/org2.example.org.vkey $F " ] ||
		die "the commit holds $(g show --name-only --format= HEAD | tr '\n' ' ')"
	[ "$(g show HEAD:README)" = readme ] || die "the staged README went into the commit"
	! g cat-file -e HEAD:NOTES 2>/dev/null || die "the staged NOTES went into the commit"
	[ "$(g status --porcelain --untracked-files=all | sort | tr '\n' '|')" = "A  NOTES|M  README|" ] ||
		die "git status after sign: $(g status --porcelain | tr '\n' '|')"
	[ "$(g show :README)" = "readme, staged edit" ] || die "the staged README changed in the index"
	expect_rc 0 verify -C "$R" --history
	# the first commit of a repository (unborn HEAD) with a file staged
	git_init "$T/r2"
	printf 'readme\n' >"$T/r2/README"
	git -C "$T/r2" add README
	expect_rc 0 init -C "$T/r2" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --time 2026-01-01T00:00:00Z
	[ "$(git -C "$T/r2" rev-list --count HEAD)" -eq 1 ] || die "init did not make one commit"
	[ "$(git -C "$T/r2" show --name-only --format= HEAD | tr '\n' ' ')" = ".gitattributes keys/policy $F " ] ||
		die "init's first commit holds $(git -C "$T/r2" show --name-only --format= HEAD | tr '\n' ' ')"
	[ "$(git -C "$T/r2" status --porcelain --untracked-files=all)" = "A  README" ] ||
		die "git status after init: $(git -C "$T/r2" status --porcelain)"
	;;
shallow-clone)
	# A shallow clone has no history to check: refused with a hint.
	git_base
	git clone -q --depth 1 "file://$R" "$T/shallow" 2>"$T/clone.err" || { cat "$T/clone.err" >&2; die "git clone --depth 1 failed"; }
	[ -f "$T/shallow/.git/shallow" ] || die "the clone is not shallow"
	expect_rc 2 verify -C "$T/shallow" --history
	err_has "shallow"
	err_has "fetch"
	err_has "unshallow"
	expect_rc 0 verify -C "$T/shallow"
	# fetching the full history makes it checkable
	git -C "$T/shallow" fetch -q --unshallow
	expect_rc 0 verify -C "$T/shallow" --history
	;;
log-symlink)
	# A commit replaces the log by a symbolic link to a copy of it.
	git_base
	mv "$LOG" "$R/log/copy.jsonl"
	ln -s copy.jsonl "$LOG"
	git_commit_as "Mallory Editor" mallory@example.org "log as a link"
	[ "$(g ls-tree HEAD "$F" | cut -c1-6)" = 120000 ] || die "the commit does not hold a symbolic link"
	bad=$(head12)
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "$F: file:" "symbolic link" "(commit $bad by Mallory Editor <mallory@example.org>)"
	;;
no-commit)
	# --no-commit writes the files and leaves them for the user to commit.
	git_base
	keygen org2 org2.example.org
	before
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:03:00Z --no-commit
	! grep -q committed "$T/out" || die "sign --no-commit says it committed"
	[ "$(count)" -eq "$BEFORE_COUNT" ] || die "sign --no-commit made a commit"
	[ "$(g rev-parse HEAD)" = "$BEFORE" ] || die "sign --no-commit moved HEAD"
	[ "$(g status --porcelain --untracked-files=all | sort | tr '\n' '|')" = " M $F|?? keys/orgs/org2.example.org.vkey|" ] ||
		die "git status after --no-commit: $(g status --porcelain | tr '\n' '|')"
	[ "$(wc -l <"$LOG")" -eq 4 ] || die "sign --no-commit did not append"
	verify_ok
	# init --no-commit in a new repository: files, no commit
	git_init "$T/r2"
	expect_rc 0 init -C "$T/r2" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --time 2026-01-01T00:00:00Z --no-commit
	! grep -q committed "$T/out" || die "init --no-commit says it committed"
	! git -C "$T/r2" rev-parse -q --verify HEAD >/dev/null || die "init --no-commit made a commit"
	[ "$(git -C "$T/r2" status --porcelain --untracked-files=all | sort | tr '\n' ' ')" = "?? .gitattributes ?? keys/policy ?? $F " ] ||
		die "git status after init --no-commit: $(git -C "$T/r2" status --porcelain | tr '\n' ' ')"
	;;
no-author)
	# No user.name or user.email anywhere: a write that would commit is
	# refused before anything is written.
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	export HOME="$T/empty-home" XDG_CONFIG_HOME="$T/empty-home/.config"
	mkdir -p "$HOME"
	git init -q "$R"
	git -C "$R" symbolic-ref HEAD refs/heads/main
	! git -C "$R" config user.name >/dev/null || die "user.name is set"
	! git -C "$R" config user.email >/dev/null || die "user.email is set"
	expect_rc 2 init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --time 2026-01-01T00:00:00Z
	err_has user.name
	[ ! -e "$R/keys/policy" ] && [ ! -e "$LOG" ] || die "a refused init wrote files"
	expect_rc 0 init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --time 2026-01-01T00:00:00Z --no-commit
	git -C "$R" add -A
	git -C "$R" -c user.name=Someone -c user.email=someone@example.org commit -q -m "the log"
	cp "$LOG" "$T/log.before"
	expect_rc 2 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:01:00Z
	err_has user.name
	cmp -s "$LOG" "$T/log.before" || die "a refused sign changed the log"
	[ ! -e "$R/keys/orgs/org0.example.org.vkey" ] || die "a refused sign pinned a key"
	[ "$(git -C "$R" rev-list --count HEAD)" -eq 1 ] || die "a refused sign made a commit"
	[ -z "$(git -C "$R" status --porcelain --untracked-files=all)" ] || die "a refused sign left changes"
	;;
github-format)
	# --format github: one workflow command per problem on stdout; text
	# from the repository (an organization's name, a commit's author, a
	# file name in keys/orgs) cannot end the command or add properties.
	git_base
	keygen org2 org2.example.org
	hostile='50% %0A::error file=x,line=1::pwned, a:b'
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --name "Org $hostile" --url https://org2.example.org/ \
		--time 2026-01-01T00:03:00Z
	expect_rc 0 verify -C "$R" --history --format github
	! grep -q '^::' "$T/out" || die "a valid history printed a workflow command"
	# an old line edited
	edit_log_line 2 'l = l.replace(b"Org Zero", b"Org Nero")'
	git_commit_as "Eve $hostile" eve@example.org "edit"
	bad=$(head12)
	expect_rc 1 verify -C "$R" --history --format github
	grep -q -F "::error file=$F,line=2,title=endorse append-only::line 2 differs" "$T/out" ||
		die "no append-only annotation for line 2"
	grep -q -F "(commit $bad by Eve 50%25 %250A::error file=x,line=1::pwned, a:b <eve@example.org>)" "$T/out" ||
		die "the annotation does not name the commit and its author, encoded"
	[ "$(grep -c -v '^::error file=' "$T/out")" -eq 0 ] || die "stdout holds a line that is not an annotation"
	# an extra file in keys/orgs whose name holds , : and %
	g reset -q --hard HEAD^
	evil='evil,line=9,title=x::y%0Az.vkey'
	printf 'nothing\n' >"$R/keys/orgs/$evil"
	git_commit_as "Eve $hostile" eve@example.org "add a file"
	bad=$(head12)
	expect_rc 1 verify -C "$R" --history --format github
	want="::error file=keys/orgs/evil%2Cline=9%2Ctitle=x%3A%3Ay%250Az.vkey,title=endorse keys-orgs::"
	want+="no organization of this id in the log (commit $bad by Eve 50%25 %250A::error file=x,line=1::pwned, a:b <eve@example.org>)"
	[ "$(grep -c '^::' "$T/out")" -eq 1 ] || die "expected exactly one workflow command"
	grep -q -x -F -- "$want" "$T/out" || die "the annotation is not exactly: $want"
	;;
not-git)
	# Outside a git repository the writes just write files, and the git
	# checks cannot run.
	git -C "$T" rev-parse --git-dir >/dev/null 2>&1 && skip "the temporary directory is inside a git repository"
	build_base
	! grep -q committed "$T/ok.out" || die "a write outside git says it committed"
	[ ! -e "$R/.git" ] || die "a write made a git repository"
	expect_rc 2 verify -C "$R" --history
	err_has "not in a git repository"
	expect_rc 2 verify -C "$R" --base HEAD
	expect_rc 2 rechain -C "$R" --onto main
	expect_rc 0 verify -C "$R"
	;;
log-key)
	# --log-key VKEY|FILE, the trust anchor a repository cannot supply for
	# itself: anyone can make a key named after the origin and build a copy
	# of the log (leaving withdrawals out) that verifies on its own. With the
	# real log key it fails under rule log-key (exit 1) in every mode of
	# verify and in audit; a VKEY that is not one is a usage error (exit 2).
	git_base
	good=$(vkey log)
	for mode in "" --history "--base HEAD^"; do
		# shellcheck disable=SC2086  # mode is zero, one or two words
		expect_rc 0 verify -C "$R" $mode --log-key "$good"
		# shellcheck disable=SC2086
		expect_rc 2 verify -C "$R" $mode --log-key "${good%?}"
		err_has "--log-key"
	done
	expect_rc 0 verify -C "$R" --log-key "$K/log.vkey"
	expect_rc 2 verify -C "$R" --log-key "$T/doc-v1.txt"
	expect_rc 0 audit -C "$R" --log-key "$good"
	out_has "Org One"
	expect_rc 2 audit -C "$R" --log-key not-a-vkey
	[ ! -s "$T/out" ] || die "audit with a malformed --log-key printed an audit"
	# the copy: the same origin, another key
	keygen log2 "$ORIGIN"
	C="$T/copy"
	git_init "$C"
	fixture init -C "$C" --key "$K/log2.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	fixture sign -C "$C" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:01:00Z
	expect_rc 0 verify -C "$C"
	for mode in "" --history "--base HEAD^"; do
		# shellcheck disable=SC2086
		expect_rc 1 verify -C "$C" $mode --log-key "$good"
		err_line "keys/policy:1: log-key:" "$(kid log2)" "$(kid log)"
		problems 1
	done
	expect_rc 1 verify -C "$C" --history --log-key "$good"
	err_line "keys/policy:1: log-key:" "(commit $(git -C "$C" rev-list --max-parents=0 HEAD | cut -c1-12)"
	expect_rc 1 verify -C "$C" --log-key "$good" --format json
	"$PY" - "$T/out" <<'EOP' || die "verify --format json does not report rule log-key"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["valid"] is False and [p["rule"] for p in a["problems"]] == ["log-key"], a
EOP
	expect_rc 1 verify -C "$C" --history --log-key "$good" --format github
	out_has "title=endorse log-key::"
	expect_rc 1 audit -C "$C" --log-key "$K/log.vkey"
	err_line "keys/policy:1: log-key:"
	[ ! -s "$T/out" ] || die "audit showed a log whose key is not the one given"
	expect_rc 1 audit -C "$C" --log-key "$good" --format json
	[ ! -s "$T/out" ] || die "audit --format json showed a log whose key is not the one given"
	# --history checks every version: here the head names the given key,
	# the versions before it another
	printf 'log %s\nquorum none\n' "$(vkey log2)" >"$R/keys/policy"
	git_commit_as "Mallory Editor" mallory@example.org "new log key"
	hist --log-key "$(vkey log2)"
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	first=$(g rev-list --max-parents=0 HEAD | cut -c1-12)
	err_line "keys/policy:1: log-key:" "(commit $first by"
	err_line "keys/policy: policy:" "log key changed"
	# --base checks the head: the base's key is not the question
	expect_rc 1 verify -C "$R" --base HEAD^ --log-key "$good"
	err_line "keys/policy:1: log-key:"
	;;
key-policy-change)
	# A commit replaces the log key in keys/policy (same origin name).
	git_base
	keygen log2 "$ORIGIN"
	printf 'log %s\nquorum none\n' "$(vkey log2)" >"$R/keys/policy"
	git_commit_as "Mallory Editor" mallory@example.org "new log key"
	bad=$(head12)
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "keys/policy: policy:" "log key changed" "(commit $bad by Mallory Editor <mallory@example.org>)"
	problems 1
	expect_rc 1 verify -C "$R" --base HEAD^
	err_line "keys/policy: policy:"
	;;
keys-orgs-history)
	# A commit re-pins org1 to another key (of the same name) by plain git.
	git_base
	keygen org1b org1.example.org
	vkey org1b >"$R/keys/orgs/org1.example.org.vkey"
	git_commit_as "Mallory Editor" mallory@example.org "re-pin org1"
	bad=$(head12)
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "keys/orgs/org1.example.org.vkey: keys-orgs:" "(commit $bad by Mallory Editor <mallory@example.org>)"
	problems 1
	expect_rc 1 verify -C "$R" --base HEAD^
	err_line "keys/orgs/org1.example.org.vkey: keys-orgs:"
	expect_rc 0 verify -C "$R" --history HEAD^
	;;
line-removed)
	# A commit removes the last line (and unpins the key it pinned).
	git_base
	"$PY" -c 'import sys; p = sys.argv[1]; d = open(p, "rb").read().splitlines(True); open(p, "wb").write(b"".join(d[:-1]))' "$LOG"
	g rm -q keys/orgs/org1.example.org.vkey
	verify_ok
	git_commit_as "Mallory Editor" mallory@example.org "drop the last line"
	bad=$(head12)
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "$F:3: append-only: lines from 3 on were removed" "(commit $bad by Mallory Editor <mallory@example.org>)"
	problems 1
	expect_rc 1 verify -C "$R" --base HEAD^
	err_line "$F:3: append-only:"
	;;
json-format)
	# --format json: each problem of the history names its commit (in
	# full) and its author.
	git_base
	edit_log_line 2 'l = l.replace(b"Org Zero", b"Org Nero")'
	git_commit_as "Mallory Editor" mallory@example.org "fix a typo"
	expect_rc 1 verify -C "$R" --history --format json
	"$PY" - "$T/out" "$(g rev-parse HEAD)" <<'EOF' || die "the JSON report is not as expected"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["valid"] is False
p = [p for p in report["problems"] if p["rule"] == "append-only"]
assert len(p) == 1, report["problems"]
p = p[0]
assert p["file"] == "log/endorsements.jsonl" and p["line"] == 2, p
assert p["commit"] == sys.argv[2], p
assert p["author"] == "Mallory Editor <mallory@example.org>", p
assert all(q["commit"] == sys.argv[2] for q in report["problems"]), report["problems"]
EOF
	;;
bad-revision)
	# Revisions that do not exist, and histories without a log, cannot be
	# checked: exit 2, never "valid".
	git_base
	expect_rc 2 verify -C "$R" --history no-such-branch
	expect_rc 2 verify -C "$R" --base no-such-branch
	expect_rc 2 rechain -C "$R" --onto no-such-branch
	expect_rc 2 verify -C "$R" --history HEAD --base HEAD^
	# an empty repository (unborn HEAD)
	git_init "$T/empty"
	expect_rc 2 verify -C "$T/empty" --history
	# a history in which no commit holds the log
	git_init "$T/nolog"
	printf 'readme\n' >"$T/nolog/README"
	git -C "$T/nolog" add README
	git -C "$T/nolog" commit -q -m readme
	expect_rc 2 verify -C "$T/nolog" --history
	;;
linked-worktree)
	# A write in a linked work tree (git worktree add) commits on that
	# work tree's branch only.
	git_base
	keygen org2 org2.example.org
	main_tip=$(g rev-parse main)
	g worktree add -q "$T/wt" -b feature
	expect_rc 0 sign -C "$T/wt" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:03:00Z
	[ "$(g rev-parse main)" = "$main_tip" ] || die "a write in the linked work tree moved main"
	[ "$(g rev-parse feature^)" = "$main_tip" ] || die "the commit is not on feature"
	grep -q -x -F "committed $(g rev-parse feature | cut -c1-12) on the current branch" "$T/out" ||
		die "stdout does not name feature's commit"
	[ "$(git -C "$T/wt" status --porcelain -b --untracked-files=all)" = "## feature" ] ||
		die "the linked work tree is not clean: $(git -C "$T/wt" status --porcelain)"
	clean "a write in another work tree"
	expect_rc 0 verify -C "$T/wt" --history
	out_has "valid in every commit: 4 entries"
	expect_rc 0 verify -C "$R" --base main
	;;
index-locked-write)
	# Another git process holds the index (.git/index.lock). git commit
	# refuses outright; endorse must too, before anything changes: a
	# write that could not be committed is refused while nothing has
	# changed (src/lib/store.c, prepare_commit).
	git_base
	keygen org2 org2.example.org
	tip=$(g rev-parse HEAD)
	cp "$LOG" "$T/log.before"
	: >"$R/.git/index.lock"
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:03:00Z
	rm "$R/.git/index.lock"
	[ "$(g rev-parse HEAD)" = "$tip" ] ||
		die "a refused write moved the branch to $(head12) ($(g log -1 --format=%s))"
	cmp -s "$LOG" "$T/log.before" || die "a refused write changed the log"
	[ ! -e "$R/keys/orgs/org2.example.org.vkey" ] || die "a refused write pinned a key"
	clean "a refused write"
	grep -q -i lock "$T/err" || die "the error does not say that the index is locked"
	[ "$(grep -o 'not committed' "$T/err" | wc -l)" -le 1 ] || die "the error message repeats itself"
	;;
index-locked-rechain)
	# rechain with the index held by another git process: refused, and
	# the branch, the index and the work tree are left as they were.
	git_base
	keygen org2 org2.example.org
	keygen org3 org3.example.org
	g branch a
	g branch b
	g checkout -q a
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	g checkout -q main
	g merge -q --ff-only a
	g checkout -q b
	sign org3 "Org Three" 2026-01-01T00:04:00Z
	tip=$(g rev-parse HEAD)
	cp "$LOG" "$T/log.before"
	: >"$R/.git/index.lock"
	expect_rc 2 rechain -C "$R" --onto main
	rm "$R/.git/index.lock"
	[ "$(g rev-parse HEAD)" = "$tip" ] || die "a refused rechain moved the branch"
	cmp -s "$LOG" "$T/log.before" || die "a refused rechain changed the work tree's log"
	clean "a refused rechain" b
	grep -q -i lock "$T/err" || die "the error does not say that the index is locked"
	;;
ref-locked)
	# The branch is locked by another git process (refs/heads/main.lock):
	# the write is refused before anything changes, naming the lock, once.
	git_base
	keygen org2 org2.example.org
	tip=$(g rev-parse HEAD)
	cp "$LOG" "$T/log.before"
	: >"$R/.git/refs/heads/main.lock"
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:03:00Z
	rm "$R/.git/refs/heads/main.lock"
	[ "$(g rev-parse HEAD)" = "$tip" ] || die "the branch moved although it was locked"
	cmp -s "$LOG" "$T/log.before" || die "a refused write changed the log"
	[ ! -e "$R/keys/orgs/org2.example.org.vkey" ] || die "a refused write pinned a key"
	clean "a write refused for a locked branch"
	grep -q -F main.lock "$T/err" || die "the error does not name the lock"
	[ "$(grep -o 'nothing was written' "$T/err" | wc -l)" -eq 1 ] ||
		die "the error must say exactly once that nothing was written"
	;;
rechain-twice)
	# main moves again after a rechain: rechaining once more moves the
	# branch's entry after the newest log, and main still fast-forwards.
	git_base
	keygen org2 org2.example.org
	keygen org3 org3.example.org
	keygen org4 org4.example.org
	g branch a
	g branch b
	g branch c
	g checkout -q a
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	g checkout -q c
	sign org4 "Org Four" 2026-01-01T00:05:00Z
	g checkout -q b
	sign org3 "Org Three" 2026-01-01T00:04:00Z
	g checkout -q main
	g merge -q --ff-only a
	g checkout -q b
	expect_rc 0 rechain -C "$R" --onto main
	# meanwhile c is rechained and merged first
	g checkout -q c
	expect_rc 0 rechain -C "$R" --onto main
	g checkout -q main
	g merge -q --ff-only c
	g checkout -q b
	expect_rc 1 verify -C "$R" --base main
	expect_rc 0 rechain -C "$R" --onto main
	out_has "re-chained 1 entry onto main"
	[ "$(g rev-parse HEAD^1)" = "$(g rev-parse main)" ] || die "the second rechain does not continue main"
	clean "the second rechain" b
	expect_rc 0 verify -C "$R" --base main
	g checkout -q main
	g merge -q --ff-only b
	expect_rc 0 verify -C "$R" --history
	out_has "valid in every commit: 6 entries"
	verify_ok
	;;
merge-swapped-parents)
	# A merge commit whose first parent is a rewritten history (the old
	# main only its second parent) fast-forwards main. Along the first
	# parents every version extends the one before, but the merge drops
	# line 3 of its second parent (org1's endorsement): `verify --history`
	# names the merge and that parent, and `verify --base OLD_TIP` (the
	# check CI runs on every push) catches it too.
	git_base
	old=$(g rev-parse HEAD)
	keygen org2 org2.example.org
	g checkout -q -b rewrite HEAD^
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	g merge -q -s ours -m "merge main, keeping the rewrite" main
	[ "$(g rev-parse HEAD^2)" = "$old" ] || die "the merge does not have the old main as second parent"
	merge=$(head12)
	g checkout -q main
	g merge -q --ff-only rewrite
	expect_rc 1 verify -C "$R" --base "$old"
	err_line "$F:3: append-only:"
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "$F:3: append-only: line 3 of the log of the merge's parent 2 (commit ${old:0:12})" \
		"(commit $merge by $AUTHOR)"
	problems 1
	;;
merge-rewrite)
	# Finding 1 of issue 14: a maintainer makes a merge whose first parent
	# is an older commit B and whose second parent is the tip C, which
	# holds a withdrawal and a checkpoint (git commit-tree B^{tree} -p B -p
	# C). Pushing it is a fast-forward. Before, --history walked the first
	# parents only, saw B's shorter log as the continuation and passed,
	# and audit showed the withdrawn organisation again.
	git_base
	b=$(g rev-parse HEAD)
	ok withdraw -C "$R" --key "$K/org0.key" --time 2026-01-01T00:05:00Z
	ok checkpoint -C "$R" --key "$K/log.key"
	c=$(g rev-parse HEAD)
	expect_rc 0 verify -C "$R" --history
	m=$(g -c user.name=Mallory -c user.email=mallory@example.org commit-tree "$b^{tree}" \
		-p "$b" -p "$c" -m "merge")
	g merge -q --ff-only "$m"
	[ "$(g rev-parse HEAD)" = "$m" ] || die "main is not at the merge"
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "$F:4: append-only: line 4 of the log of the merge's parent 2 (commit ${c:0:12})" \
		"(commit ${m:0:12} by Mallory <mallory@example.org>)"
	err_line "log/checkpoint: checkpoint-consistency: the merge has no log/checkpoint, but its parent 2 (commit ${c:0:12}) has one of 4 entries" \
		"(commit ${m:0:12} by Mallory"
	problems 2
	expect_rc 1 verify -C "$R" --base "$c"
	# a merge that keeps every line of both parents passes: the same with
	# C's tree
	g reset -q --hard "$c"
	m=$(g commit-tree "$c^{tree}" -p "$b" -p "$c" -m "merge")
	g merge -q --ff-only "$m"
	expect_rc 0 verify -C "$R" --history
	out_has "valid in every commit: 4 entries"
	# and one whose checkpoint is smaller than the second parent's
	printf '%s\n3\n%s\n' "$ORIGIN" "$(head -n 3 "$LOG" | "$ENDORSE" tree root)" |
		"$ENDORSE" note sign --key "$K/log.key" >"$T/cp3"
	g reset -q --hard "$b"
	cp "$T/cp3" "$R/log/checkpoint"
	g add log/checkpoint
	g commit -q -m "checkpoint of 3"
	g show "$c:$F" >"$LOG"
	g add "$F"
	tree=$(g write-tree)
	m=$(g commit-tree "$tree" -p HEAD -p "$c" -m "merge")
	g reset -q --hard "$m"
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "log/checkpoint: checkpoint-consistency: the merge's checkpoint of 3 entries is smaller than the one of its parent 2 (commit ${c:0:12}) (4 entries)" \
		"(commit ${m:0:12}"
	problems 1
	# a merge may re-chain a parent's lines (as rechain does), but not the
	# ones that parent's checkpoint signs: here C's withdrawal (line 4,
	# signed) moves to line 5 after org2's endorsement, under a checkpoint
	# of 5 entries
	g reset -q --hard "$b"
	keygen org2 org2.example.org
	sign org2 "Org Two" 2026-01-01T00:06:00Z
	g show "$c:$F" | sed -n 4p | sed 's/"seq":3,/"seq":4,/' >>"$LOG"
	"$FORGE" rechain "$LOG" || die "forge rechain failed"
	printf '%s\n5\n%s\n' "$ORIGIN" "$("$ENDORSE" tree root <"$LOG")" |
		"$ENDORSE" note sign --key "$K/log.key" >"$R/log/checkpoint"
	g add -A
	tree=$(g write-tree)
	m=$(g commit-tree "$tree" -p HEAD -p "$c" -m "merge, moving a signed line")
	g reset -q --hard "$m"
	verify_ok
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "log/checkpoint: checkpoint-consistency: the checkpoint of the merge's parent 2 (commit ${c:0:12}) signs 4 entries, but the merge keeps only 3 of them in place" \
		"(commit ${m:0:12}"
	problems 1
	# the same line re-chained from the commit before C's checkpoint is kept
	m=$(g commit-tree "$tree" -p HEAD^1 -p "$c^" -m "merge, re-chaining an unsigned line")
	g reset -q --hard "$m"
	expect_rc 0 verify -C "$R" --history
	out_has "valid in every commit: 5 entries"
	;;
merge-octopus)
	# An octopus merge of three parents: every parent's lines must be kept,
	# not only the first two. X is a side commit that changes only a README.
	git_base
	b=$(g rev-parse HEAD)
	ok withdraw -C "$R" --key "$K/org0.key" --time 2026-01-01T00:05:00Z
	c=$(g rev-parse HEAD)
	g checkout -q -b side "$b"
	printf 'readme\n' >"$R/README"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "add a README"
	x=$(g rev-parse HEAD)
	g checkout -q main
	# the tree of B (or of X) drops C's withdrawal: parent 3 loses a line
	m=$(g commit-tree "$x^{tree}" -p "$b" -p "$x" -p "$c" -m "octopus")
	g merge -q --ff-only "$m"
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "$F:4: append-only: line 4 of the log of the merge's parent 3 (commit ${c:0:12})" \
		"(commit ${m:0:12} by $AUTHOR)"
	problems 1
	# the tree of C with the README keeps every parent's lines: it passes
	g reset -q --hard "$c"
	printf 'readme\n' >"$R/README"
	g add README
	tree=$(g write-tree)
	g reset -q --hard "$c"
	m=$(g commit-tree "$tree" -p "$c" -p "$x" -p "$b" -m "octopus")
	g merge -q --ff-only "$m"
	[ "$(g rev-list --parents -n 1 HEAD | wc -w)" -eq 4 ] || die "not an octopus"
	expect_rc 0 verify -C "$R" --history
	out_has "valid in every commit: 4 entries"
	verify_ok
	;;
base-org-mentioned)
	# Finding 2 of issue 14: verify --base picked the base lines to replay
	# by finding the org id anywhere in a line. bee.example.org mentions
	# a.example.org in its name, its URL and a revocation's reason; a
	# pull request of a.example.org replayed bee's lines that mention it
	# and not the others (a rotation, a withdrawal): it accepted a stale pin
	# of bee, and after bee withdrew and endorsed again it failed
	# (duplicate-endorsement). Lines are now picked by their parsed org.
	make_docs
	keygen log "$ORIGIN"
	keygen a a.example.org
	for k in bee bee2 bee3; do keygen "$k" bee.example.org; done
	git_init "$R"
	fixture init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	fixture sign -C "$R" --key "$K/a.key" --name "Org A" --url https://a.example.org/ \
		--time 2026-01-01T00:01:00Z
	bee_sign() { # KEY TIME
		fixture sign -C "$R" --key "$K/$1.key" --name "Friends of a.example.org" \
			--url https://bee.example.org/a.example.org/ --time "$2"
	}
	bee_sign bee 2026-01-01T00:02:00Z
	fixture rotate -C "$R" --key "$K/bee.key" --new-key "$K/bee2.key" --time 2026-01-01T00:03:00Z
	# a_withdraws BRANCH: a branch of main where a.example.org withdraws
	# (a line made by forge and committed with git, as a writer would)
	a_withdraws() {
		g checkout -q -b "$1" main
		"$FORGE" line --key "$K/a.key" --origin "$ORIGIN" --log "$LOG" --statement \
			"{\"type\":\"withdraw\",\"time\":\"2026-01-01T00:09:00Z\",\"document\":\"$DOC1\",\"org\":\"a.example.org\"}" \
			>"$T/forged" || die "forge failed"
		cat "$T/forged" >>"$LOG"
		git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "a.example.org withdraws"
	}
	# a pull request of a.example.org that also puts bee's old key back
	a_withdraws stale
	cp "$K/bee.vkey" "$R/keys/orgs/bee.example.org.vkey"
	git_commit_as "Mallory" mallory@example.org "bee's old key"
	expect_rc 1 verify -C "$R" --base main
	err_line "keys/orgs/bee.example.org.vkey: keys-orgs: changed, but no new entry concerns this organization"
	problems 1
	g checkout -q main
	# bee withdraws, endorses again, its key is revoked (the reason names
	# a.example.org) and it endorses with a new key
	fixture withdraw -C "$R" --key "$K/bee2.key" --time 2026-01-01T00:04:00Z
	bee_sign bee2 2026-01-01T00:05:00Z
	fixture revoke -C "$R" --key "$K/log.key" --target "$K/bee2.vkey" \
		--reason "reported lost to a.example.org" --time 2026-01-01T00:06:00Z
	bee_sign bee3 2026-01-01T00:07:00Z
	expect_rc 0 verify -C "$R" --history
	a_withdraws pr
	expect_rc 0 verify -C "$R" --base main
	out_has "valid and extends main: 9 entries, the new ones verified"
	expect_rc 0 verify -C "$R" --history
	verify_ok
	;;
audit-since-rewritten)
	# Finding 6 of issue 14: audit --since REV took the number of lines of
	# REV's log without checking that it is a prefix of the current log:
	# after a rewrite it reported no changes. It now checks the prefix (as
	# verify --base does) and exits 1 when it is not one.
	git_base
	rev=$(g rev-parse HEAD)
	keygen org2 org2.example.org
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	expect_rc 0 audit -C "$R" --since "$rev"
	out_has "org2.example.org"
	# main rewritten: org1's line replaced by org2's, as many lines as at REV
	g reset -q --hard "$rev^"
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	verify_ok
	expect_rc 1 audit -C "$R" --since "$rev"
	err_has "the log at $rev is not a prefix of the current log (they differ from line 3)"
	[ ! -s "$T/out" ] || die "audit printed an audit of a rewritten log"
	# a revision whose log the work tree only extends is accepted, and one
	# that is longer than the current log is not a prefix either
	expect_rc 0 audit -C "$R" --since HEAD^
	expect_rc 1 audit -C "$R" --since "$rev" --format json
	g reset -q --hard "$rev^"
	expect_rc 1 audit -C "$R" --since "$rev"
	err_has "not a prefix of the current log"
	;;
pin-executable)
	# Finding 16 of issue 14: a pin with the executable bit passed plain
	# verify, failed --history and --base with a wrong reason ("must be a
	# regular file"). One rule in every mode: the log and the pins are not
	# executable (mode 100644 in git), rule file-mode.
	git_base
	good=$(g rev-parse HEAD)
	pin=keys/orgs/org0.example.org.vkey
	chmod +x "$R/$pin"
	expect_rc 1 verify -C "$R"
	err_line "$pin: file-mode: executable"
	problems 1
	git_commit_as "Mallory" mallory@example.org "chmod +x a pin"
	[ "$(g ls-tree HEAD "$pin" | cut -c1-6)" = 100755 ] || die "git did not record the mode"
	bad=$(head12)
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "$pin: file-mode: executable in git (mode 100755)" "(commit $bad by Mallory"
	problems 1
	expect_rc 1 verify -C "$R" --base "$good"
	err_line "$pin: file-mode: executable in git (mode 100755)"
	problems 1
	# the log likewise: a commit that only changes its mode is checked
	chmod -x "$R/$pin"
	chmod +x "$LOG"
	expect_rc 1 verify -C "$R"
	err_line "$F: file-mode: executable"
	problems 1
	git_commit_as "Mallory" mallory@example.org "chmod +x the log"
	bad=$(head12)
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "$F: file-mode: executable in git (mode 100755)" "(commit $bad by Mallory"
	expect_rc 1 verify -C "$R" --base "$good"
	err_line "$F: file-mode: executable in git (mode 100755)"
	problems 1
	# mode 100644 again: the work tree and a pull request pass
	chmod -x "$LOG"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "chmod -x"
	verify_ok
	expect_rc 0 verify -C "$R" --base "$good"
	;;
checkpoint-history)
	# The operator's checkpoint and a witness's cosignature are commits of
	# their own; along the history each checkpoint must extend the one
	# before, and the newest must meet the quorum.
	git_base
	keygen w1 witness1.example.org --witness
	printf 'log %s\nwitness w1 %s\nquorum w1\n' "$(vkey log)" "$(vkey w1)" >"$R/keys/policy"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "policy: witness w1"
	before
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	committed "checkpoint" "endorse: checkpoint of 3 entries (root $(head -n 3 "$LOG" | "$ENDORSE" tree root | cut -c1-12)...)" \
		log/checkpoint
	# witnesses cosign after the operator: only the newest checkpoint must
	# meet the quorum
	expect_rc 3 verify -C "$R" --history
	err_line "endorse: log/checkpoint is PENDING" "waiting for"
	before
	expect_rc 0 cosign -C "$R" --key "$K/w1.key" --state "$T/w1"
	committed "cosign" "endorse: witness1.example.org cosigns the checkpoint of 3 entries" log/checkpoint
	expect_rc 0 verify -C "$R" --history
	out_has "log/checkpoint: valid: 3 of 3 entries, cosigned by 1 witness of the policy, quorum met"
	cp "$R/log/checkpoint" "$T/cp3"
	keygen org2 org2.example.org
	sign org2 "Org Two" 2026-01-01T00:05:00Z
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	expect_rc 0 cosign -C "$R" --key "$K/w1.key" --state "$T/w1"
	expect_rc 0 verify -C "$R" --history
	good=$(g rev-parse HEAD)
	# a checkpoint that goes back is refused along the history, naming the
	# commit, though it verifies on its own
	cp "$T/cp3" "$R/log/checkpoint"
	git_commit_as "Mallory" "mallory@example.org" "older checkpoint"
	verify_ok
	expect_rc 1 verify -C "$R" --history
	err_line "log/checkpoint: checkpoint-consistency:" "Mallory"
	# so is one that disappears
	g reset -q --hard "$good"
	g rm -q log/checkpoint
	git_commit_as "Mallory" "mallory@example.org" "no checkpoint"
	expect_rc 1 verify -C "$R" --history
	err_line "log/checkpoint: checkpoint-consistency:" "removed"
	;;
checkpoint-base)
	# A pull request that changes log/checkpoint: the new one is verified
	# against the head's whole log and must extend the base's.
	git_base
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	g branch -q pr
	g checkout -q pr
	keygen org2 org2.example.org
	sign org2 "Org Two" 2026-01-01T00:05:00Z
	expect_rc 0 verify -C "$R" --base main
	out_has "log/checkpoint: valid: 3 of 4 entries"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	expect_rc 0 verify -C "$R" --base main
	out_has "log/checkpoint: valid: 4 of 4 entries"
	# a checkpoint whose root is not the log's
	printf '%s\n4\n%s\n' "$ORIGIN" "$(head -n 3 "$LOG" | "$ENDORSE" tree root)" |
		"$ENDORSE" note sign --key "$K/log.key" >"$R/log/checkpoint"
	git_commit_as "Mallory" "mallory@example.org" "bad checkpoint"
	expect_rc 1 verify -C "$R" --base main
	err_line "log/checkpoint: checkpoint-root:"
	# one smaller than the base's
	printf '%s\n2\n%s\n' "$ORIGIN" "$(head -n 2 "$LOG" | "$ENDORSE" tree root)" |
		"$ENDORSE" note sign --key "$K/log.key" >"$R/log/checkpoint"
	git_commit_as "Mallory" "mallory@example.org" "smaller checkpoint"
	expect_rc 1 verify -C "$R" --base main
	err_line "log/checkpoint: checkpoint-consistency:"
	;;
log-deleted)
	# A commit deletes the log.
	git_base
	g rm -q "$F"
	git_commit_as "Mallory Editor" mallory@example.org "delete the log"
	bad=$(head12)
	hist
	[ "$RC" -eq 1 ] || die "verify --history exited $RC, expected 1"
	err_line "$F: append-only:" "deleted" "(commit $bad by Mallory Editor <mallory@example.org>)"
	;;
subdirectory)
	# The log in a subdirectory of the work tree: commits hold its paths
	# under the subdirectory, and the history is read there.
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	keygen org2 org2.example.org
	W="$T/work"
	git_init "$W"
	printf 'readme\n' >"$W/README"
	git -C "$W" add README
	git -C "$W" commit -q -m "a README"
	R="$W/endorsements"
	LOG="$R/$F"
	mkdir -p "$R"
	before
	expect_rc 0 init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	committed init "endorse: create the log $ORIGIN and register E2E Manifesto (${DOC1:0:8})" \
		endorsements/.gitattributes endorsements/keys/policy "endorsements/$F"
	[ "$(git -C "$W" check-attr text -- "endorsements/$F" "$F" | tr '\n' ' ')" = "endorsements/$F: text: unset $F: text: unspecified " ] ||
		die "the subdirectory's .gitattributes: $(git -C "$W" check-attr text -- "endorsements/$F" "$F")"
	before
	expect_rc 0 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:01:00Z
	committed "sign org0" "endorse: org0.example.org endorses E2E Manifesto (${DOC1:0:8})" \
		endorsements/keys/orgs/org0.example.org.vkey "endorsements/$F"
	expect_rc 0 verify -C "$R" --history
	out_has "valid in every commit: 2 entries"
	# a racing branch, rechained in the subdirectory
	g branch pr HEAD
	keygen org1 org1.example.org
	sign org1 "Org One" 2026-01-01T00:02:00Z
	g checkout -q pr
	sign org2 "Org Two" 2026-01-01T00:03:00Z
	expect_rc 0 rechain -C "$R" --onto main
	clean rechain pr
	expect_rc 0 verify -C "$R" --base main
	g checkout -q main
	g merge -q --ff-only pr
	expect_rc 0 verify -C "$R" --history
	out_has "valid in every commit: 4 entries"
	;;
pending-record-malformed)
	# .git/endorse-pending is read back as untrusted: a record endorse did
	# not write is refused, and nothing is written.
	git_base
	before
	printf 'endorse pending write\nref refs/heads/main\nold none\nnew ../../etc\npath log/x\n' \
		>"$R/.git/endorse-pending"
	cp "$LOG" "$T/log.before"
	expect_rc 2 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:05:00Z
	err_has ".git/endorse-pending is not a record of a pending endorse write; remove it"
	cmp -s "$LOG" "$T/log.before" || die "the refused write changed the log"
	[ "$(g rev-parse HEAD)" = "$BEFORE" ] || die "the refused write moved the branch"
	;;
pending-record-stale)
	# A record whose branch has moved on by other hands (here: a commit made
	# with git) is stale: the next write drops it and writes as usual.
	git_base
	printf 'endorse pending write\nref refs/heads/main\nold %s\nnew %s\npath %s\n' \
		"$(g rev-parse HEAD~2)" "$(g rev-parse HEAD~1)" "$F" >"$R/.git/endorse-pending"
	before
	expect_rc 0 withdraw -C "$R" --key "$K/org1.key" --time 2026-01-01T00:05:00Z
	! grep -q "is now committed" "$T/err" || die "a stale record was taken for a write to complete"
	[ ! -e "$R/.git/endorse-pending" ] || die "the stale record was not removed"
	[ "$(count)" -eq $((BEFORE_COUNT + 1)) ] || die "not exactly one new commit"
	clean "the write after a stale record"
	;;
pending-record-neither)
	# A record of a write whose log is now neither the branch's nor the
	# write's (edited by hand since): refused, with what to do.
	git_base
	printf 'endorse pending write\nref refs/heads/main\nold %s\nnew %s\npath %s\n' \
		"$(g rev-parse HEAD)" "$(g rev-parse HEAD~1)" "$F" >"$R/.git/endorse-pending"
	printf '{}\n' >>"$LOG"
	before
	expect_rc 2 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:05:00Z
	err_has "is now neither what the branch holds nor what the write was writing"
	err_has "git checkout HEAD -- $F"
	[ "$(g rev-parse HEAD)" = "$BEFORE" ] || die "the refused write moved the branch"
	[ -e "$R/.git/endorse-pending" ] || die "the record was dropped though nothing was resolved"
	;;
pending-record-other-branch)
	# A record of a write on another branch: the write refuses and says to
	# switch back, rather than apply it to this branch.
	git_base
	printf 'endorse pending write\nref refs/heads/elsewhere\nold %s\nnew %s\npath %s\n' \
		"$(g rev-parse HEAD)" "$(g rev-parse HEAD~1)" "$F" >"$R/.git/endorse-pending"
	expect_rc 2 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:05:00Z
	err_has "an endorse write on refs/heads/elsewhere was interrupted"
	err_has "switch back to refs/heads/elsewhere"
	;;
gitattributes)
	# init marks keys/, log/ and the registered document (when inside the
	# repository) -text in .gitattributes, in the log's first commit;
	# document adds what is missing in its own commit, nothing else.
	make_docs
	keygen log "$ORIGIN"
	git_init "$R"
	mkdir -p "$R/docs"
	cp "$T/doc-v1.txt" "$R/docs/manifesto.txt"
	printf '*.png binary' >"$R/.gitattributes"   # the user's, without a final LF
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "the manifesto and attributes"
	before
	expect_rc 0 init -C "$R" --key "$K/log.key" --document "$R/docs/manifesto.txt" \
		--title "E2E Manifesto" --url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	[ "$(g show --name-only --format= HEAD | tr '\n' ' ')" = ".gitattributes keys/policy $F " ] ||
		die "init's commit holds $(g show --name-only --format= HEAD | tr '\n' ' ')"
	[ "$(g show HEAD:.gitattributes)" = "$(printf '*.png binary\n/keys/** -text\n/log/** -text\n/docs/manifesto.txt -text')" ] ||
		die "init's .gitattributes: $(g show HEAD:.gitattributes)"
	[ "$(g check-attr text -- keys/policy "$F" docs/manifesto.txt log/checkpoint x.png | tr '\n' ' ')" = \
		"keys/policy: text: unset $F: text: unset docs/manifesto.txt: text: unset log/checkpoint: text: unset x.png: text: unset " ] ||
		die "git check-attr: $(g check-attr text -- keys/policy "$F" docs/manifesto.txt log/checkpoint x.png)"
	clean init
	# a version outside the repository: nothing to add
	before
	expect_rc 0 document -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:01:00Z
	committed "document outside" "endorse: register E2E Manifesto (${DOC2:0:8})" "$F"
	# register_version N TIME FILE...: version N, committed with git in
	# docs/, registered in one commit that changes FILE...
	register_version() {
		local v="$R/docs/manifesto-v$1.txt" time=$2
		shift 2
		printf 'The e2e manifesto, version %s.\n' "${v//[^0-9]/}" >"$v"
		git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "a version"
		before
		expect_rc 0 document -C "$R" --key "$K/log.key" --document "$v" --title "E2E Manifesto" \
			--url https://example.org/manifesto --id manifesto --time "$time"
		committed "document $v" "endorse: register E2E Manifesto ($(sha256_of "$v" | cut -c1-8))" "$@"
		[ ! -s "$T/err" ] || die "a document git holds as it is drew a warning: $(cat "$T/err")"
	}
	# a version inside: its line is added, in the same commit
	register_version 3 2026-01-01T00:02:00Z .gitattributes "$F"
	[ "$(tail -n 1 "$R/.gitattributes")" = "/docs/manifesto-v3.txt -text" ] || die "document's line: $(tail -n 1 "$R/.gitattributes")"
	# a line already there: nothing is added
	printf '/docs/manifesto-v4.txt -text\n' >>"$R/.gitattributes"
	register_version 4 2026-01-01T00:03:00Z "$F"
	# a repository made before .gitattributes: document adds all three lines
	g rm -q .gitattributes
	g commit -q -m "no attributes"
	register_version 5 2026-01-01T00:04:00Z .gitattributes "$F"
	[ "$(cat "$R/.gitattributes")" = "$(printf '/keys/** -text\n/log/** -text\n/docs/manifesto-v5.txt -text')" ] ||
		die "the new .gitattributes: $(cat "$R/.gitattributes")"
	# a .gitattributes with uncommitted changes is refused, nothing written
	g rm -q .gitattributes
	g commit -q -m "no attributes again"
	printf '# mine\n' >"$R/.gitattributes"
	before
	cp "$LOG" "$T/log.before"
	printf 'The e2e manifesto, version 6.\n' >"$T/doc-v6.txt"
	expect_rc 2 document -C "$R" --key "$K/log.key" --document "$T/doc-v6.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:05:00Z
	err_has ".gitattributes has uncommitted changes"
	cmp -s "$LOG" "$T/log.before" || die "a refused write changed the log"
	[ "$(g rev-parse HEAD)" = "$BEFORE" ] || die "a refused write moved the branch"
	[ "$(cat "$R/.gitattributes")" = "# mine" ] || die "a refused write changed .gitattributes"
	rm "$R/.gitattributes"
	expect_rc 0 verify -C "$R" --history
	;;
autocrlf-clone)
	# Git for Windows' default, core.autocrlf=true: a clone of a repository
	# init set up verifies, signs and registers the same hashes as a plain
	# clone (.gitattributes keeps keys/, log/ and the documents byte for
	# byte).
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	keygen org1 org1.example.org
	git_init "$R"
	mkdir -p "$R/docs"
	printf 'The manifesto.\nLine two.\n' >"$R/docs/manifesto.txt"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "the manifesto"
	fixture init -C "$R" --key "$K/log.key" --document "$R/docs/manifesto.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	fixture sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:01:00Z
	git clone -q --bare "$R" "$T/origin.git"
	W="$T/windows" L="$T/linux"
	git -c core.autocrlf=true clone -q "$T/origin.git" "$W"
	git clone -q "$T/origin.git" "$L"
	for c in "$W" "$L"; do
		git -C "$c" config user.name "$AUTHOR_NAME"
		git -C "$c" config user.email "$AUTHOR_EMAIL"
	done
	git -C "$W" config core.autocrlf true
	git -C "$W" config core.safecrlf true
	for f in keys/policy keys/orgs/org0.example.org.vkey "$F" docs/manifesto.txt; do
		cmp -s "$W/$f" "$L/$f" || die "the autocrlf clone's $f differs from the plain clone's"
	done
	expect_rc 0 verify -C "$W"
	expect_rc 0 verify -C "$W" --history
	# sign, and register a new version written on Windows (CRLF) and one
	# written with LF, then commit them with git and push
	expect_rc 0 sign -C "$W" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--time 2026-01-01T00:02:00Z
	printf 'The manifesto, version 2.\r\nLine two.\r\n' >"$W/docs/manifesto-v2.txt"
	expect_rc 0 document -C "$W" --key "$K/log.key" --document "$W/docs/manifesto-v2.txt" \
		--title "E2E Manifesto" --url https://example.org/manifesto --id manifesto --time 2026-01-01T00:03:00Z
	[ ! -s "$T/err" ] || die "document warned: $(cat "$T/err")"
	printf 'The manifesto, version 3.\nLine two.\n' >"$W/docs/manifesto-v3.txt"
	expect_rc 0 document -C "$W" --key "$K/log.key" --document "$W/docs/manifesto-v3.txt" \
		--title "E2E Manifesto" --url https://example.org/manifesto --id manifesto --time 2026-01-01T00:04:00Z
	# document committed each version with its entry
	[ -z "$(git -C "$W" status --porcelain docs)" ] || die "document left its file uncommitted"
	expect_rc 0 withdraw -C "$W" --key "$K/org1.key" --time 2026-01-01T00:05:00Z
	[ -z "$(git -C "$W" status --porcelain --untracked-files=all)" ] ||
		die "the autocrlf clone is not clean: $(git -C "$W" status --porcelain)"
	git -C "$W" push -q origin main
	git -C "$L" pull -q --ff-only origin main
	for f in keys/policy keys/orgs/org0.example.org.vkey keys/orgs/org1.example.org.vkey "$F" \
		docs/manifesto.txt docs/manifesto-v2.txt docs/manifesto-v3.txt .gitattributes; do
		cmp -s "$W/$f" "$L/$f" || die "after the push, the clones' $f differ"
	done
	# the hashes registered are the plain clone's files'
	for v in manifesto manifesto-v2 manifesto-v3; do
		grep -q -F "\"sha256\":\"$(sha256_of "$L/docs/$v.txt")\"" "$L/$F" ||
			die "the plain clone's docs/$v.txt is not the version registered"
	done
	expect_rc 0 verify -C "$L"
	expect_rc 0 verify -C "$L" --history
	out_has "valid in every commit: 6 entries"
	# and a fresh autocrlf clone of the result still verifies
	git -c core.autocrlf=true clone -q "$T/origin.git" "$T/windows2"
	expect_rc 0 verify -C "$T/windows2"
	cmp -s "$T/windows2/docs/manifesto-v2.txt" "$L/docs/manifesto-v2.txt" || die "a new autocrlf clone converts v2"
	;;
autocrlf-staging)
	# A repository made before .gitattributes, with core.autocrlf=true:
	# git's filters must not decide the index. With core.safecrlf=true
	# they refused to stage the log (the commit was made, exit 2, the
	# index held the old log); without it they stage what the commit holds.
	git_base
	g rm -q --ignore-unmatch .gitattributes
	g commit -q --allow-empty -m "an older repository: no .gitattributes"
	keygen org2 org2.example.org
	g config core.autocrlf true
	for safe in true unset; do
		if [ "$safe" = true ]; then g config core.safecrlf true; else g config --unset core.safecrlf; fi
		before
		expect_rc 0 withdraw -C "$R" --key "$K/org0.key" --time "2026-01-01T00:0$((BEFORE_COUNT + 1)):00Z"
		committed "withdraw (safecrlf $safe)" "endorse: org0.example.org withdraws its endorsement of E2E Manifesto (${DOC1:0:8})" "$F"
		g diff --cached --quiet HEAD || die "safecrlf $safe: the index differs from the commit"
		[ "$(g ls-files -s "$F" | cut -d' ' -f2)" = "$(g rev-parse "HEAD:$F")" ] || die "safecrlf $safe: the index's log is not the commit's"
		expect_rc 0 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
			--time "2026-01-01T00:0$((BEFORE_COUNT + 2)):00Z"
		g diff --cached --quiet HEAD || die "safecrlf $safe: the index differs from the commit after sign"
		clean "sign (safecrlf $safe)"
	done
	# rechain's checkout writes the blobs' bytes, not CRLF
	g branch pr HEAD~1
	g -c core.autocrlf=false checkout -q pr
	sign org2 "Org Two" 2026-01-01T00:09:00Z
	expect_rc 0 rechain -C "$R" --onto main
	cmp -s "$LOG" <(g show "HEAD:$F") || die "rechain's work tree log is not the committed one"
	g diff --cached --quiet HEAD || die "the index differs from rechain's commit"
	clean rechain pr
	expect_rc 0 verify -C "$R"
	expect_rc 0 verify -C "$R" --history
	;;
document-git-bytes)
	# A document git holds with other bytes than the work tree's (a clone
	# converted its line endings): document registers the file's bytes and
	# warns that other clones compute another sha256, naming it.
	make_docs
	keygen log "$ORIGIN"
	git_init "$R"
	fixture init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	mkdir -p "$R/docs"
	printf 'Version 2.\nLine two.\n' >"$R/docs/v2.txt"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "version 2, added with git (not marked -text)"
	lf=$(sha256_of "$R/docs/v2.txt")
	git -c core.autocrlf=true clone -q "$R" "$T/w"
	git -C "$T/w" config core.autocrlf true
	git -C "$T/w" config user.name "$AUTHOR_NAME"
	git -C "$T/w" config user.email "$AUTHOR_EMAIL"
	crlf=$(sha256_of "$T/w/docs/v2.txt")
	[ "$crlf" != "$lf" ] || die "the autocrlf clone did not convert docs/v2.txt"
	expect_rc 0 document -C "$T/w" --key "$K/log.key" --document "$T/w/docs/v2.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:01:00Z
	out_has "(sha256 $crlf)"
	err_line "endorse: warning: $T/w/docs/v2.txt differs from the bytes git holds of it (its blob in HEAD)" \
		"sha256 $crlf was registered" "a clone gets sha256 $lf"
	# untracked, not marked (a space in its name), and git add would
	# convert it: the blob git add would make
	printf 'Version 5.\r\n' >"$T/w/docs/v 5.txt"
	expect_rc 0 document -C "$T/w" --key "$K/log.key" --document "$T/w/docs/v 5.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:01:30Z
	err_line "endorse: warning: $T/w/docs/v 5.txt differs from the bytes git holds of it (the blob git add would make)" \
		"a clone gets sha256 $(printf 'Version 5.\n' | sha256sum | cut -d' ' -f1)"
	! grep -q -F "v 5.txt" "$T/w/.gitattributes" || die "a path with a space was written to .gitattributes"
	# an uncommitted change is the same case
	printf 'Version 3.\n' >"$R/docs/v3.txt"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "version 3"
	printf 'Version 3, edited.\n' >"$R/docs/v3.txt"
	expect_rc 0 document -C "$R" --key "$K/log.key" --document "$R/docs/v3.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:02:00Z --no-commit
	err_line "endorse: warning: $R/docs/v3.txt differs from the bytes git holds of it (its blob in HEAD)" \
		"a clone gets sha256 $(printf 'Version 3.\n' | sha256sum | cut -d' ' -f1)"
	# git holds it as it is: no warning
	printf 'Version 4.\r\n' >"$R/docs/v4.txt"
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "version 4"
	git -C "$R" checkout -q -- .
	expect_rc 0 document -C "$R" --key "$K/log.key" --document "$R/docs/v4.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:03:00Z --no-commit
	[ ! -s "$T/err" ] || die "a document git holds as it is drew a warning: $(cat "$T/err")"
	;;
commit-gpgsign-ssh)
	# commit.gpgsign=true with gpg.format ssh: every write's commit is
	# signed as git signs it (ssh-keygen -Y sign -n git), and git verifies
	# it; a signing that fails, or one endorse cannot do, writes nothing.
	command -v ssh-keygen >/dev/null || skip "ssh-keygen is needed"
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	keygen org1 org1.example.org
	git_init "$R"
	ssh-keygen -q -t ed25519 -N '' -C "$AUTHOR_EMAIL" -f "$T/ssh-signer"
	printf '%s %s\n' "$AUTHOR_EMAIL" "$(cat "$T/ssh-signer.pub")" >"$T/allowed-signers"
	g config gpg.ssh.allowedSignersFile "$T/allowed-signers"
	g config commit.gpgsign true
	g config gpg.format ssh
	g config user.signingkey "$T/ssh-signer"
	signed_writes "Good \"git\" signature for $AUTHOR_EMAIL"
	# a key path relative to the work tree's top, as git reads it
	cp "$T/ssh-signer" "$R/.git/signer"
	g config user.signingkey .git/signer
	expect_rc 0 withdraw -C "$R" --key "$K/org0.key" --time 2026-01-01T00:02:00Z
	g verify-commit HEAD 2>/dev/null || die "the commit signed with a relative key path does not verify"
	rm "$R/.git/signer"
	expect_rc 0 verify -C "$R" --history
	# refused before anything is written: a key that does not sign, no
	# key, a format endorse does not sign with
	cp "$LOG" "$T/log.before"
	for setting in "user.signingkey $T/no-such-key" "user.signingkey" "gpg.format x509"; do
		set -- $setting
		if [ $# -eq 1 ]; then g config --unset "$1"; else g config "$1" "$2"; fi
		before
		expect_rc 2 sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
			--time 2026-01-01T00:03:00Z
		err_has "nothing was written"
		err_has "commit.gpgsign"
		[ "$(g rev-parse HEAD)" = "$BEFORE" ] || die "$setting: a refused write moved the branch"
		cmp -s "$LOG" "$T/log.before" || die "$setting: a refused write changed the log"
		[ ! -e "$R/keys/orgs/org1.example.org.vkey" ] || die "$setting: a refused write pinned a key"
		clean "a refused write ($setting)"
		[ -z "$(find "$R/.git" -maxdepth 1 -name 'endorse-*')" ] || die "$setting: files left in .git: $(ls "$R/.git")"
	done
	grep -q -F "gpg.format x509" "$T/err" || die "the x509 refusal does not name the format"
	g config gpg.format ssh
	g config user.signingkey "$T/ssh-signer"
	# commit.gpgsign=false: not signed
	g config commit.gpgsign false
	expect_rc 0 sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--time 2026-01-01T00:03:00Z
	[ -z "$(g cat-file commit HEAD | grep '^gpgsig')" ] || die "commit.gpgsign=false signed the commit"
	;;
commit-gpgsign-openpgp)
	# commit.gpgsign=true with gpg (the default format): signed as git
	# signs it (gpg --status-fd=2 -bsau KEY), verified by git.
	command -v gpg >/dev/null && command -v gpgconf >/dev/null || skip "gpg is needed"
	export GNUPGHOME="$T/gnupg"
	mkdir -m 700 "$GNUPGHOME"
	# the agent this case starts (found by its socket in GNUPGHOME) stops with it
	trap 'gpgconf --kill gpg-agent 2>/dev/null || true; rm -rf "$T"' EXIT
	gpg --batch --quiet --passphrase '' --quick-gen-key "$AUTHOR" ed25519 sign never 2>/dev/null ||
		skip "gpg cannot generate a key here"
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	git_init "$R"
	g config commit.gpgsign true
	# no user.signingkey: the committer's "Name <email>" names the key
	signed_writes "Good signature from \"$AUTHOR\""
	[ "$(g log -1 --format=%G?)" = G ] || die "git log %G? is $(g log -1 --format=%G?)"
	# user.signingkey names the key (here its e-mail address)
	g config user.signingkey "$AUTHOR_EMAIL"
	keygen org1 org1.example.org
	expect_rc 0 sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--time 2026-01-01T00:01:30Z
	g verify-commit HEAD 2>/dev/null || die "the commit signed with user.signingkey does not verify"
	# a key gpg does not have: refused, nothing written
	g config user.signingkey nobody@example.net
	before
	expect_rc 2 withdraw -C "$R" --key "$K/org0.key" --time 2026-01-01T00:02:00Z
	err_has "nothing was written: commit.gpgsign: gpg could not sign the commit"
	err_has "nobody@example.net"
	[ "$(g rev-parse HEAD)" = "$BEFORE" ] || die "a refused write moved the branch"
	clean "a refused write"
	expect_rc 0 verify -C "$R" --history
	;;
git-dir-env)
	# GIT_DIR and GIT_WORK_TREE are honoured as git honours them: the write
	# commits in that repository (not none, silently), verify --history
	# reads it, and a GIT_DIR that is no repository is an error.
	git_base
	keygen org2 org2.example.org
	mv "$R/.git" "$T/gitdir"
	git --git-dir="$T/gitdir" config core.bare false
	G() { git --git-dir="$T/gitdir" --work-tree="$R" "$@"; }
	tip=$(G rev-parse HEAD)
	# from elsewhere, with both
	(cd "$T" && GIT_DIR="$T/gitdir" GIT_WORK_TREE="$R" "$ENDORSE" sign -C "$R" --key "$K/org2.key" \
		--name "Org Two" --url https://org2.example.org/ --time 2026-01-01T00:03:00Z) >"$T/out" 2>"$T/err" ||
		{ cat "$T/err" >&2; die "the write with GIT_DIR and GIT_WORK_TREE failed"; }
	[ "$(G rev-parse HEAD~1)" = "$tip" ] || die "the write made no commit in GIT_DIR"
	grep -q -x -F "committed $(G rev-parse HEAD | cut -c1-12) on the current branch" "$T/out" || die "stdout does not name the commit"
	[ -z "$(G status --porcelain --untracked-files=all)" ] || die "not clean: $(G status --porcelain)"
	# GIT_DIR alone: the current directory is the work tree's top
	(cd "$R" && GIT_DIR="$T/gitdir" "$ENDORSE" withdraw --key "$K/org2.key" --time 2026-01-01T00:04:00Z) \
		>"$T/out" 2>"$T/err" || { cat "$T/err" >&2; die "the write with GIT_DIR failed"; }
	[ "$(G rev-list --count HEAD)" -eq 5 ] || die "the write with GIT_DIR alone made no commit"
	[ -z "$(G status --porcelain --untracked-files=all)" ] || die "not clean: $(G status --porcelain)"
	(cd "$R" && GIT_DIR="$T/gitdir" "$ENDORSE" verify --history) >"$T/out" 2>"$T/err" ||
		{ cat "$T/err" >&2; die "verify --history with GIT_DIR failed"; }
	out_has "valid in every commit: 5 entries"
	# a GIT_DIR that is no repository: an error, nothing written
	cp "$LOG" "$T/log.before"
	RC=0
	(cd "$R" && GIT_DIR="$T/nowhere" "$ENDORSE" sign --key "$K/org2.key" --name "Org Two" \
		--url https://org2.example.org/ --time 2026-01-01T00:05:00Z) >"$T/out" 2>"$T/err" || RC=$?
	[ "$RC" -eq 2 ] || die "a write with GIT_DIR naming no repository exited $RC, expected 2"
	cmp -s "$LOG" "$T/log.before" || die "a write with a wrong GIT_DIR changed the log"
	;;
own-repository-autocrlf)
	# This repository's own .gitattributes: a clone with core.autocrlf=true
	# (Git for Windows' default) verifies its log, and MANIFESTO.md there
	# has the hash the log registers.
	[ -n "${ENDORSE_SOURCE:-}" ] && git -C "$ENDORSE_SOURCE" rev-parse --verify -q HEAD >/dev/null ||
		skip "the source is not a git checkout"
	git -c core.autocrlf=true clone -q "$ENDORSE_SOURCE" "$T/self"
	expect_rc 0 verify -C "$T/self"
	grep -q -F "\"sha256\":\"$(sha256_of "$T/self/MANIFESTO.md")\"" "$T/self/$F" ||
		die "the autocrlf clone's MANIFESTO.md is not the version the log registers"
	[ "$(git -C "$T/self" check-attr text -- keys/policy "$F" MANIFESTO.md | tr '\n' ' ')" = \
		"keys/policy: text: unset $F: text: unset MANIFESTO.md: text: unset " ] ||
		die "the repository's .gitattributes: $(git -C "$T/self" check-attr text -- keys/policy "$F" MANIFESTO.md)"
	;;
base-confirm)
	# A pull request that appends a confirm (made by forge, committed with
	# git, as a writer would): verify --base and --history accept the log
	# key's; one signed by the organisation's own key fails --base (rule
	# signer). The organisation's next write replays the confirm (its
	# line names the organisation).
	git_base
	confirm_branch() { # BRANCH KEY
		g checkout -q -b "$1" main
		"$FORGE" line --key "$K/$2.key" --origin "$ORIGIN" --log "$LOG" --statement \
			"{\"type\":\"confirm\",\"time\":\"2026-01-01T00:05:00Z\",\"org\":\"org1.example.org\",\"key\":\"$(vkey org1)\",\"method\":\"dns\"}" \
			>"$T/forged" || die "forge failed"
		cat "$T/forged" >>"$LOG"
		git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "confirm"
	}
	confirm_branch good log
	ok verify -C "$R" --base main
	hist
	[ "$RC" -eq 0 ] || die "verify --history refused a confirm"
	ok withdraw -C "$R" --key "$K/org1.key" --time 2026-01-01T00:07:00Z
	ok verify -C "$R" --history
	confirm_branch bad org1
	run verify -C "$R" --base main
	[ "$RC" -eq 1 ] || die "verify --base accepted a confirm signed by the organisation"
	grep -q "^$F:4: signer: a confirm must be signed by the log key" "$T/err" ||
		die "verify --base did not name the rule"
	;;
behind-main-rechain)
	# issue 17.5: a pull request merely behind main is not tampering; verify
	# says what happened and what to run, still exiting 1.
	pr_setup
	expect_rc 1 verify -C "$R" --base origin/main
	err_line "$F:4: append-only:"
	err_line "endorse: this branch's new entries sit on an older version of the log: origin/main has gained entries since the branch was made"
	err_line "  endorse rechain --onto origin/main"
	err_line "and push again (a plain git push)"
	expect_rc 1 verify -C "$R" --base origin/main --format github
	grep -q "^::error file=$F,title=endorse rechain::this branch's new entries sit on an older version of the log: origin/main has" "$T/out" ||
		die "no rechain annotation"
	out_has "%0A  endorse rechain --onto origin/main (or, in a clone of a fork, the main repository's branch: git fetch upstream, then --onto upstream/main)%0Aand push again"
	# the advice, followed
	expect_rc 0 rechain -C "$R" --onto origin/main
	out_has "re-chained 1 entry onto origin/main"
	[ "$(g rev-parse HEAD^2)" = "$PR_TIP" ] || die "the rechain commit's second parent is not the branch's old tip"
	pushed_and_merged
	;;
both-sides-merge-rechain)
	# issue 17.5: GitHub's "Resolve conflicts" button leaves both sides'
	# lines in the log; verify recognises it and advises rechain, which
	# repairs it so that a plain push passes every check.
	pr_setup
	both_sides branch
	expect_rc 1 verify -C "$R" --base origin/main
	err_line "endorse: $F holds both sides' new lines (those of origin/main and this branch's), as a merge by hand or GitHub's \"Resolve conflicts\" button leaves them"
	err_line "  endorse rechain --onto origin/main"
	expect_rc 1 verify -C "$R"
	expect_rc 0 rechain -C "$R" --onto origin/main
	out_has "re-chained 1 entry onto origin/main"
	# a merge keeps its second parent's lines in order: that parent is a
	# bridge commit on the button's merge, holding the new log
	[ "$(g rev-parse HEAD^2^)" = "$MERGE" ] || die "the bridge commit is not on the button's merge"
	cmp -s <(g show "HEAD^2:$F") <(g show "HEAD:$F") || die "the bridge commit holds another log"
	cmp -s <(head -n 4 "$LOG") <(g show "origin/main:$F") || die "the re-chained log does not extend main's"
	pushed_and_merged
	;;
both-sides-main-first)
	# the same with main's lines first (a merge by hand): the branch's line
	# follows main's log with its old seq and prev
	pr_setup
	both_sides main
	expect_rc 1 verify -C "$R" --base origin/main
	err_has "$F:5: "
	err_line "endorse: $F holds both sides' new lines"
	expect_rc 0 rechain -C "$R" --onto origin/main
	[ "$(g rev-parse HEAD^2)" = "$MERGE" ] || die "the rechain commit's second parent is not the merge"
	pushed_and_merged
	;;
edit-no-rechain-advice)
	# a changed old line is tampering, behind main or not, and so is a
	# forged entry of the branch: verify fails without advising rechain
	pr_setup
	edit_log_line 2 'l = l.replace(b"Org Zero", b"Org Nero")'
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "edit line 2"
	expect_rc 1 verify -C "$R" --base origin/main
	err_line "$F:2: append-only:"
	no_rechain_advice
	expect_rc 1 rechain -C "$R" --onto origin/main
	err_has "line 2 of the common ancestor's log"
	g checkout -q -b up-to-date origin/main
	edit_log_line 2 'l = l.replace(b"Org Zero", b"Org Nero")'
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "edit line 2"
	expect_rc 1 verify -C "$R" --base origin/main
	err_line "$F:2: append-only:"
	no_rechain_advice
	g checkout -q -b forged "$PR_TIP"
	edit_log_line 4 'l = l.replace(b"Org Three", b"Org Tree")'
	git_commit_as "$AUTHOR_NAME" "$AUTHOR_EMAIL" "forge line 4"
	expect_rc 1 verify -C "$R" --base origin/main --format github
	no_rechain_advice
	;;
*)
	die "unknown case"
	;;
esac
echo "PASS [$CASE]"
