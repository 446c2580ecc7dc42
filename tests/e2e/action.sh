#!/usr/bin/env bash
# End-to-end cases of the GitHub Action (action.yml) and the workflows that
# use it (issue 18, items 3 and 4).
#
#   static  action.yml, this repository's workflow and the one endorse init
#           writes parse; every action they use is pinned by a full commit
#           (or is the base branch's checkout, ./trusted); no expression is
#           pasted into a script; read-only permissions; pull requests run
#           on pull_request_target with the head checked out as data only
#   run     the action's steps run here (tests/e2e/actionrun.py; the
#           install step skipped), endorse built once from a copy of this
#           source tree standing for the action's pinned revision: pull
#           requests (valid, invalid, one that also changes src/ so that
#           its own endorse would pass anything), pushes (appended, history
#           rewritten), the log key pinned, a pending checkpoint, and the
#           action refusing to run from inside the checkout it verifies
#
# usage: action.sh CASE   (ENDORSE = the endorse binary, ENDORSE_SOURCE = the
# source tree)
set -euo pipefail

CASE=${1:?usage: action.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_plain_git
SRC=${ENDORSE_SOURCE:?ENDORSE_SOURCE must name the source tree}
"$PY" -c 'import yaml' 2>/dev/null || skip "python3-yaml is needed to read the workflows"

case "$CASE" in
static)
	"$ENDORSE" keygen --unencrypted -s "$K/log.key" -p "$K/log.vkey" example.org/charter >/dev/null 2>&1
	git init -q "$R"
	git -C "$R" config user.name Static
	git -C "$R" config user.email static@example.org
	printf 'The charter.\n' >"$R/charter.md"
	"$ENDORSE" init -C "$R" --key "$K/log.key" --document charter.md --title Charter \
		--url https://example.org/charter --no-commit \
		--action acme/endorse@0123456789abcdef0123456789abcdef01234567 >/dev/null ||
		die "init did not write its workflow"
	"$PY" - "$SRC" "$R/.github/workflows/endorse.yml" <<'EOF' || die "a workflow or the action is unsafe"
import re, sys, yaml
src, written = sys.argv[1:3]
pinned = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+@[0-9a-f]{40}")
problems = []
def need(ok, what):
    if not ok:
        problems.append(what)

action = yaml.safe_load(open(f"{src}/action.yml"))
need(action["runs"]["using"] == "composite", "action.yml is a composite action")
ids = [s.get("id") for s in action["runs"]["steps"]]
need(ids == ["guard", "install", "build", "verify", "tiles"], f"the action's steps: {ids}")
for step in action["runs"]["steps"]:
    need("${{" not in step["run"], f"{step['id']}: an expression pasted into its script")
    need(step.get("shell") == "bash", f"{step['id']}: shell bash")
    for k, v in step.get("env", {}).items():
        for expr in re.findall(r"\$\{\{(.*?)\}\}", str(v)):
            need(re.fullmatch(r"\s*(inputs\.[a-z-]+|github(\.[a-z_]+)+|runner\.temp)\s*", expr),
                 f"{step['id']}: {k} evaluates more than a name: {expr}")
build = next(s for s in action["runs"]["steps"] if s["id"] == "build")
need(build["env"]["ACTION_PATH"] == "${{ github.action_path }}" and
     '"$ACTION_PATH"' in build["run"], "endorse is built from the action's own tree")
for name, spec in action["inputs"].items():
    need(spec.get("description"), f"input {name} is documented")
need(set(action["inputs"]) == {"directory", "log-key", "base", "allow-pending", "domain-check",
                               "tiles", "allow-unsafe-pr-checkout"}, f"inputs {sorted(action['inputs'])}")
verify = next(s for s in action["runs"]["steps"] if s["id"] == "verify")["run"]
pr = verify[verify.index("pull_request | pull_request_target)"):verify.index("schedule)")]
need("domain check" in pr and pr.index("domain check") > pr.index("verify -C"),
     "a pull request's domain check runs after the log verified")
need("--allow-pending" in pr, "a pull request allows a pending checkpoint by default")
install = next(s for s in action["runs"]["steps"] if s["id"] == "install")["run"].split()
for lib in ["libsodium-dev", "libjansson-dev", "libgit2-dev", "libcurl4-openssl-dev", "libc-ares-dev",
            "libp11-kit-dev", "libmicrohttpd-dev"]:
    need(lib in install, f"the action installs {lib}")

def workflow(path, local_ok):
    w = yaml.safe_load(open(path))
    on = w.get("on", w.get(True))
    need("pull_request_target" in on and "push" in on, f"{path}: push and pull_request_target")
    need("pull_request" not in on, f"{path}: pull_request would run the pull request's own workflow")
    need(w["permissions"] == {"contents": "read"}, f"{path}: read-only")
    for name, job in w["jobs"].items():
        for s in job["steps"]:
            u = s.get("uses")
            if u is not None:
                need(pinned.fullmatch(u) or (local_ok and u == "./trusted"), f"{path}: {u} not pinned")
            need("${{" not in s.get("run", ""), f"{path}: an expression pasted into a script")
        need(name == "tiles" or "permissions" not in job, f"{path}: job {name} asks for permissions")
    steps = w["jobs"]["verify"]["steps"]
    checkouts = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    data = [s for s in checkouts if s["with"].get("path") == "log"]
    need(len(data) == 1 and data[0]["with"]["ref"] ==
         "${{ github.event.pull_request.head.sha || github.sha }}" and
         data[0]["with"]["fetch-depth"] == 0 and data[0]["with"]["persist-credentials"] is False,
         f"{path}: the pull request's head checked out as data, whole history, no credentials")
    users = [s for s in steps if s.get("with", {}).get("directory") == "log"]
    need(len(users) == 1 and users[0]["with"].get("log-key"), f"{path}: the action verifies log/ with the log key")
    return steps, users

steps, users = workflow(f"{src}/.github/workflows/verify.yml", True)
# the tiles job: only on a push to the default branch, after verify, the
# only one that writes, and it publishes what the base's action verified
tiles = yaml.safe_load(open(f"{src}/.github/workflows/verify.yml"))["jobs"].get("tiles", {})
need(tiles.get("needs") == "verify" and tiles.get("permissions") == {"contents": "write"} and
     tiles.get("if") == "github.event_name == 'push' && github.ref == "
     "format('refs/heads/{0}', github.event.repository.default_branch)",
     "the tiles job runs after verify, on a push to the default branch, and alone writes")
tile_users = [s for s in tiles.get("steps", []) if s.get("with", {}).get("tiles")]
need(len(tile_users) == 1 and tile_users[0]["uses"] == "./trusted" and
     tile_users[0]["with"]["log-key"].startswith("openoperations.org/manifesto+"),
     "the tiles job writes the tiles with the action, the log key pinned")
trusted = [s for s in steps if s.get("with", {}).get("path") == "trusted"]
need(len(trusted) == 1 and trusted[0]["with"]["ref"] ==
     "${{ github.event.pull_request.base.sha || github.sha }}", "the verifier is the base branch's tree")
need(users and users[0]["uses"] == "./trusted", "this repository's workflow uses the base's action")
need(users and users[0]["with"]["log-key"].startswith("openoperations.org/manifesto+"),
     "this repository's workflow pins the manifesto's log key")
w = yaml.safe_load(open(f"{src}/.github/workflows/verify.yml"))
crons = [s["cron"] for s in w.get("on", w.get(True))["schedule"]]
need(len(crons) == 1 and crons[0].split()[4] != "*", "one weekly schedule")
steps, users = workflow(written, False)
need(users and users[0]["uses"] == "acme/endorse@0123456789abcdef0123456789abcdef01234567",
     "init's workflow uses the action it was given")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
EOF
	;;
run)
	[ -z "${ENDORSE_UNDER_VALGRIND:-}" ] || skip "the action builds its own endorse: nothing to check under valgrind"
	command -v meson >/dev/null && command -v ninja >/dev/null || skip "meson and ninja are needed"
	# the action's pinned revision: a copy of this source tree
	A="$T/action"
	mkdir -p "$A"
	(cd "$SRC" && git ls-files -z 2>/dev/null | xargs -0 cp --parents -t "$A") ||
		(cd "$SRC" && tar --exclude=./build --exclude='./build-*' -cf - . | tar -C "$A" -xf -)
	[ -f "$A/action.yml" ] || die "no action.yml in the copy of the source"
	export RUNNER_TEMP="$T/runner"
	mkdir -p "$RUNNER_TEMP"
	# event NAME REF BEFORE BASE: the workflow context in $T/event.json
	event() {
		"$PY" - "$@" >"$T/event.json" <<'EOF'
import json, sys
name, ref, before, base = sys.argv[1:5]
event = {"repository": {"default_branch": "main"}}
if before:
    event["before"] = before
if base:
    event["pull_request"] = {"base": {"sha": base}}
print(json.dumps({"event_name": name, "ref": ref, "event": event}))
EOF
	}
	# action ARGS...: the action's steps (install skipped); RC, output in $T/action.out
	action() {
		RC=0
		"$PY" "$HERE/actionrun.py" "$A" "$T/event.json" --skip install "$@" >"$T/action.out" 2>&1 || RC=$?
		echo "action $* -> exit $RC"
		sed 's/^/    /' "$T/action.out"
	}
	action_has() { grep -q -F -- "$1" "$T/action.out" || die "the action's output lacks: $1"; }
	# the log: a repository holding a copy of endorse's sources too (as
	# this one does), with a log of its own
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	keygen org1 org1.example.org
	keygen other example.org/other
	cp -a "$A" "$R.src"
	rm -rf "$R" && mv "$R.src" "$R"
	rm -rf "$R/keys" "$R/log" "$R/action.yml"
	git init -q -b main "$R"
	g() { git -C "$R" "$@"; }
	g config user.name "Action Maintainer"
	g config user.email maint@example.org
	g add -A && g commit -q -m "the sources"
	fixture init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --no-workflow
	fixture sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/
	base=$(g rev-parse HEAD)
	# a pull request: a clone of the head, as the workflow's data checkout
	pr_clone() {
		rm -rf "$T/pr"
		git clone -q "$R" "$T/pr" --branch "$1"
		git -C "$T/pr" config user.name "Org One"
		git -C "$T/pr" config user.email org1@example.org
	}
	g branch org1
	pr_clone org1
	fixture sign -C "$T/pr" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/
	event pull_request_target refs/heads/main "" "$base"
	action --with directory="$T/pr" --with log-key="$(vkey log)" --with domain-check=false
	[ "$RC" -eq 0 ] || die "a valid pull request failed"
	action_has "valid and extends $base"
	action_has "::stop-commands::"
	# the build was the action's tree, not the data's
	"$PY" -c 'import json,os,sys; d=json.load(open(sys.argv[1]))["directories"]["source"]; sys.exit(os.path.realpath(d) != os.path.realpath(sys.argv[2]))' \
		"$RUNNER_TEMP/endorse-action-build/meson-info/meson-info.json" "$A" ||
		die "the action did not build endorse from its own tree"
	# the same pull request, checked against another log key
	action --with directory="$T/pr" --with log-key="$(vkey other)" --with domain-check=false
	[ "$RC" -eq 1 ] || die "a log key other than the policy's passed"
	action_has "log-key"
	# a pull request that also changes src/ so that its own endorse would
	# pass anything, with a line that breaks the log: the base's endorse
	# (the action's) is the one that runs, and the check fails
	pr_clone org1
	printf 'int main(void) { return 0; }\n' >"$T/pr/src/cli/main.c"
	printf '{"not":"an entry"}\n' >>"$T/pr/log/endorsements.jsonl"
	git -C "$T/pr" commit -q -am "make verify pass anything, and add a line"
	action --with directory="$T/pr" --with log-key="$(vkey log)" --with domain-check=false
	[ "$RC" -eq 1 ] || die "a pull request that changes src/ passed its own check"
	action_has "::error file=log/endorsements.jsonl,line=3"
	# a push to main that appends, then one that rewrote the history
	before=$(g rev-parse HEAD)
	fixture sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/
	event push refs/heads/main "$before" ""
	action --with directory="$R" --with log-key="$(vkey log)"
	[ "$RC" -eq 0 ] || die "a push that appends failed"
	action_has "valid in every commit"
	action_has "org1.example.org"
	tip=$(g rev-parse HEAD)
	g reset -q --hard "$before"
	fixture withdraw -C "$R" --key "$K/org0.key"
	event push refs/heads/main "$tip" ""
	action --with directory="$R" --with log-key="$(vkey log)"
	[ "$RC" -eq 1 ] || die "a push that rewrote the log passed"
	action_has "endorse append-only"
	# a checkpoint waiting for its witness: a warning on a pull request,
	# a failure on a push unless allow-pending
	keygen w witness.example --witness
	fixture policy -C "$R" add-witness witness.example "$K/w.vkey"
	fixture policy -C "$R" set-quorum witness.example
	fixture checkpoint -C "$R" --key "$K/log.key"
	before=$(g rev-parse HEAD~3)
	event push refs/heads/other "" ""
	action --with directory="$R" --with log-key="$(vkey log)"
	[ "$RC" -eq 1 ] || die "a push with a pending checkpoint passed"
	action_has "PENDING"
	action --with directory="$R" --with log-key="$(vkey log)" --with allow-pending=true
	[ "$RC" -eq 0 ] || die "allow-pending did not let a pending checkpoint pass"
	[ ! -e "$T/pages" ] || die "tiles written without the tiles input"
	# the tiles input: the log written as tiles once the checks passed, and
	# read back by the independent reader
	action --with directory="$R" --with log-key="$(vkey log)" --with allow-pending=true \
		--with tiles="$T/pages/log"
	[ "$RC" -eq 0 ] || die "the action with tiles failed"
	action_has "wrote the tiles of the checkpoint's 3 entries"
	"$PY" "$HERE/tiles_read.py" "$T/pages/log" "$R/log/endorsements.jsonl" || die "the action's tiles do not read back"
	event pull_request_target refs/heads/main "" "$before"
	action --with directory="$R" --with log-key="$(vkey log)" --with domain-check=false
	[ "$RC" -eq 0 ] || die "a pull request with a pending checkpoint failed"
	action_has "::warning"
	# the action run from inside the checkout it verifies (uses: ./ on the
	# pull request's own tree): refused unless allow-unsafe-pr-checkout
	action --with directory="$A" --skip build --skip verify
	[ "$RC" -eq 1 ] || die "the action ran from inside the checkout it verifies"
	action_has "a pull request could change its own verifier"
	action --with directory="$A" --with allow-unsafe-pr-checkout=true --skip build --skip verify
	[ "$RC" -eq 0 ] || die "allow-unsafe-pr-checkout did not let the guard pass"
	;;
*)
	die "unknown case"
	;;
esac
echo "PASS [$CASE]"
