#!/usr/bin/env bash
# The journey of a log for another charter, in a repository that is not
# endorse's source (issue 18, item 4): endorse installed (meson install
# --destdir from this build, or the binary under test when it is already
# an installed one), `endorse init` in a new repository, a bare repository
# as "GitHub", two organisations each with a fork, their pull requests
# racing, one rechained, both merged; each pull request and each push to
# main checked with the workflow init wrote, run here: its checkout as a
# clone, its action's steps by tests/e2e/actionrun.py from a copy of this
# source tree standing for the pinned commit (and, under valgrind, where
# that build is not the point, the same checks by the installed endorse).
#
# usage: charter.sh BUILD PREFIX BINDIR   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=new-log
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_plain_git
BUILD=${1:?usage: charter.sh BUILD PREFIX BINDIR}
PREFIX=$2
BINDIR=$3
"$PY" -c 'import yaml' 2>/dev/null || skip "python3-yaml is needed to read the workflow"

# The endorse a maintainer has: an installed one.
case "$ENDORSE" in
"$BUILD"/*)
	meson install -C "$BUILD" --destdir "$T/inst" --no-rebuild --quiet >"$T/install.log" 2>&1 || {
		cat "$T/install.log" >&2
		die "meson install --destdir failed"
	}
	ENDORSE="$T/inst$PREFIX/$BINDIR/endorse"
	;;
esac
[ -x "$ENDORSE" ] || die "no installed endorse at $ENDORSE"
# shellcheck disable=SC2034 # lib.sh's keygen and fixture run it
FIXTURE=$ENDORSE
echo "endorse under test: $ENDORSE"

PIN=0123456789abcdef0123456789abcdef01234567
HUB="$T/hub"          # "GitHub": bare repositories
mkdir -p "$HUB"

# The action the workflow pins: a copy of this source tree standing for
# that commit (not under valgrind: the action builds its own endorse).
ACTION=
if [ -z "${ENDORSE_UNDER_VALGRIND:-}" ] && [ -n "${ENDORSE_SOURCE:-}" ] &&
   command -v meson >/dev/null && command -v ninja >/dev/null; then
	ACTION="$T/action"
	mkdir -p "$ACTION"
	(cd "$ENDORSE_SOURCE" && git ls-files -z | xargs -0 cp --parents -t "$ACTION") ||
		die "cannot copy the source tree for the action"
	export RUNNER_TEMP="$T/runner"
	mkdir -p "$RUNNER_TEMP"
fi

# workflow EVENT REPO REF BASE BEFORE WANT: the workflow init wrote, as
# the maintainer's main holds it, run here as GitHub would for EVENT: its
# checkout step is a clone of REPO at REF (the pull request's head or the
# pushed commit, whole history) into the workspace's log/, and its action
# step runs the action's steps (tests/e2e/actionrun.py; the install step
# skipped) with the inputs the workflow gives, but domain-check off (the
# organisations' domains are not on loopback; tests/e2e/domain.sh checks
# domains). It must exit WANT.
workflow() {
	local event=$1 repo=$2 ref=$3 base=$4 before=$5 want=$6 ws="$T/ws" rc=0 with=()
	[ -n "$ACTION" ] || return 0
	rm -rf "$ws"
	mkdir -p "$ws"
	git clone -q "$repo" "$ws/log"
	git -C "$ws/log" checkout -q "$ref"
	"$PY" -c '
import json, sys
event, base, before = sys.argv[1:4]
e = {"repository": {"default_branch": "main"}, "before": before}
if base:
    e["pull_request"] = {"base": {"sha": base}}
print(json.dumps({"event_name": event, "ref": "refs/heads/main", "event": e}))' \
		"$event" "$base" "$before" >"$ws/event.json"
	mapfile -t with < <(git -C "$M" show main:.github/workflows/endorse.yml | "$PY" -c '
import sys, yaml
w = yaml.safe_load(sys.stdin)
step, = [s for j in w["jobs"].values() for s in j["steps"] if s.get("uses") == sys.argv[1]]
for k, v in step["with"].items():
    print("--with")
    print(f"{k}={v}")' "acme/endorse@$PIN")
	(cd "$ws" && "$PY" "$HERE/actionrun.py" "$ACTION" event.json --skip install "${with[@]}" \
		--with domain-check=false) >"$T/workflow.out" 2>&1 || rc=$?
	echo "the workflow on $event of $ref -> exit $rc"
	sed 's/^/    /' "$T/workflow.out"
	[ "$rc" -eq "$want" ] || die "the workflow on $event exited $rc, expected $want"
}

# ci DIR BASE: the pull request check of the workflow init wrote, in a
# clone DIR of the pull request's head: its log extends BASE's and
# verifies, under the pinned log key; then the head's log verifies.
ci() {
	local dir=$1 base=$2
	expect_rc 0 verify -C "$dir" --base "$base" --log-key "$LOG_KEY" --format github
	expect_rc 0 verify -C "$dir" --log-key "$LOG_KEY"
	workflow pull_request_target "$dir" HEAD "$(git -C "$dir" rev-parse "$base")" "" 0
}

# ci_refuses DIR BASE: the same check fails, advising rechain.
ci_refuses() {
	expect_rc 1 verify -C "$1" --base "$2" --log-key "$LOG_KEY" --format github
	grep -q "rechain --onto" "$T/out" "$T/err" || die "the failing check does not advise rechain"
	workflow pull_request_target "$1" HEAD "$(git -C "$1" rev-parse "$2")" "" 1
	[ -z "$ACTION" ] || grep -q "rechain --onto" "$T/workflow.out" ||
		die "the workflow's failing check does not advise rechain"
}

# ci_push DIR BEFORE: the push check: the whole first-parent history,
# and the new tip extends the one the push replaced.
ci_push() {
	expect_rc 0 verify -C "$1" --history --log-key "$LOG_KEY"
	expect_rc 0 verify -C "$1" --base "$2" --log-key "$LOG_KEY"
	expect_rc 0 audit -C "$1"
	workflow push "$1" HEAD "" "$2" 0
}

# --- the maintainer creates the repository and its log
keygen log rivers.example/charter
LOG_KEY=$(vkey log)
M="$T/maintainer"
git init -q -b main "$M"
git -C "$M" config user.name "Rivers Maintainer"
git -C "$M" config user.email maintainer@rivers.example
printf '# The Tidy Rivers Charter\n\nWe keep our rivers clean.\n' >"$M/charter.md"
expect_rc 0 init -C "$M" --key "$K/log.key" --document charter.md --title "Tidy Rivers Charter" \
	--url https://rivers.example/charter --action "acme/endorse@$PIN" --time 2026-03-01T00:00:00Z
[ "$(git -C "$M" rev-list --count HEAD)" -eq 1 ] || die "init did not make one commit"
[ -z "$(git -C "$M" status --porcelain --untracked-files=all)" ] || die "init left files outside its commit"
"$PY" - "$M/.github/workflows/endorse.yml" "$LOG_KEY" <<'EOF' || die "the workflow is not valid"
import re, sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
uses = [s["uses"] for j in w["jobs"].values() for s in j["steps"] if "uses" in s]
assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
assert any(s.get("with", {}).get("log-key") == sys.argv[2]
           for j in w["jobs"].values() for s in j["steps"]), "no step is given the log key"
EOF
git init -q --bare -b main "$HUB/charter.git"
git -C "$M" push -q "$HUB/charter.git" main
git -C "$M" remote add origin "$HUB/charter.git"
ci_push "$M" "$(git -C "$M" rev-parse HEAD)"

# --- two organisations fork it, and each signs in its fork
fork() { # fork ORG: $T/ORG is a clone of its fork, upstream = the charter
	git clone -q --bare "$HUB/charter.git" "$HUB/$1.git"
	git clone -q "$HUB/$1.git" "$T/$1"
	git -C "$T/$1" remote add upstream "$HUB/charter.git"
	git -C "$T/$1" config user.name "$1"
	git -C "$T/$1" config user.email "people@$1"
}
fork otters.example
fork herons.example
keygen otters otters.example
keygen herons herons.example
for org in otters herons; do
	git -C "$T/$org.example" checkout -q -b endorse
	expect_rc 0 sign -C "$T/$org.example" --key "$K/$org.key" --name "The ${org^}" \
		--url "https://$org.example/"
	git -C "$T/$org.example" push -q origin endorse
done

# --- both pull requests are open against main; each passes its check
pr_head() { # pr_head ORG: a clone of the pull request's head, base fetched
	rm -rf "$T/pr"
	git clone -q "$HUB/$1.git" "$T/pr" --branch endorse
	git -C "$T/pr" fetch -q "$HUB/charter.git" main:base
}
# merge ORG: the maintainer merges ORG's pull request (as GitHub's merge
# button would) and pushes; the push is checked.
merge() {
	local before
	before=$(git -C "$M" rev-parse HEAD)
	git -C "$M" fetch -q "$HUB/$1.git" "endorse:$1"
	git -C "$M" merge -q --no-ff "$1" -m "Merge the endorsement of $1"
	git -C "$M" push -q origin main
	ci_push "$M" "$before"
}
pr_head otters.example
ci "$T/pr" base
pr_head herons.example
ci "$T/pr" base

# --- the otters' is merged first
merge otters.example

# --- the herons' no longer extends main: its check fails and says rechain
pr_head herons.example
ci_refuses "$T/pr" base
# the herons rechain onto upstream's main and push again
H="$T/herons.example"
git -C "$H" fetch -q upstream
expect_rc 0 rechain -C "$H" --onto upstream/main
git -C "$H" push -q origin endorse   # a plain push, as the advice says
pr_head herons.example
ci "$T/pr" base

# --- merged; main holds both, its whole history verifies
merge herons.example
expect_rc 0 audit -C "$M" --format json
for org in otters herons; do
	grep -q "\"$org.example\"" "$T/out" || die "audit does not list $org.example"
done
# a clone of "GitHub" verifies as CI's checkout would
git clone -q "$HUB/charter.git" "$T/clone"
ci_push "$T/clone" "$(git -C "$T/clone" rev-list --max-parents=0 HEAD)"
echo "PASS [$CASE]"
