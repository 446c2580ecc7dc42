# Shared helpers of the end-to-end scripts (sourced, not run).
#
# Every case runs in its own temporary directory, removed on exit, with HOME
# pointing inside it so that no key is ever written to the real home.

: "${ENDORSE:?ENDORSE must name the endorse binary}"
# FIXTURE builds a case's starting point (keygen, fixture, build_base);
# tests/valgrind.sh sets it to the binary itself while ENDORSE runs under
# memcheck, so that memcheck's time goes to the commands a case checks.
FIXTURE=${ENDORSE_FIXTURE:-$ENDORSE}
# PYTHON (set by meson: the interpreter that runs meson) edits bytes and reads
# JSON; a bare python3 may be a slow version-manager shim.
PY=${PYTHON:-python3}

T=$(mktemp -d "${TMPDIR:-/tmp}/endorse-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
mkdir -p "$HOME"
unset ENDORSE_PASSPHRASE 2>/dev/null || true

K="$T/keys"   # secret and public keys of the test (never in the repository)
R="$T/repo"   # the log repository
LOG="$R/log/endorsements.jsonl"
ORIGIN="example.org/e2e"
mkdir -p "$K" "$R"  # -C DIR changes into DIR (as git -C), so it must exist

die() {
	echo "FAIL [$CASE]: $*" >&2
	exit 1
}

skip() {
	echo "SKIP [$CASE]: $*"
	exit 77
}

# keygen BASE NAME [extra keygen options]: an unencrypted key pair in
# $K/BASE.key and $K/BASE.vkey.
keygen() {
	local base=$1 name=$2
	shift 2
	"$FIXTURE" keygen --unencrypted -s "$K/$base.key" -p "$K/$base.vkey" "$@" "$name" \
		>"$T/keygen.out" 2>"$T/keygen.err" || {
		cat "$T/keygen.err" >&2
		die "keygen $name failed"
	}
}

# run CMD...: runs endorse, leaving the exit status in RC and the output in
# $T/out and $T/err (both shown in the test's log).
run() {
	local l
	RC=0
	"$ENDORSE" "$@" >"$T/out" 2>"$T/err" </dev/null || RC=$?
	echo "endorse $* -> exit $RC"
	while IFS= read -r l; do echo "    stdout: $l"; done <"$T/out"
	while IFS= read -r l; do echo "    stderr: $l"; done <"$T/err"
}

# expect_rc N CMD...: endorse exits N.
expect_rc() {
	local want=$1
	shift
	run "$@"
	[ "$RC" -eq "$want" ] || die "endorse $* exited $RC, expected $want"
}

err_has() {
	grep -q -F -- "$1" "$T/err" || die "stderr does not contain '$1'"
}

out_has() {
	grep -q -F -- "$1" "$T/out" || die "stdout does not contain '$1'"
}

# vkey BASE: the vkey text of a key made by keygen.
vkey() {
	head -n 1 "$K/$1.vkey"
}

# must BINARY CMD...: runs an endorse command that must succeed (its output
# in $T/ok.out and $T/ok.err).
must() {
	local bin=$1 rc=0
	shift
	"$bin" "$@" >"$T/ok.out" 2>"$T/ok.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		cat "$T/ok.err" >&2
		die "endorse $1 exited $rc, expected 0"
	fi
}

# ok CMD...: a command of the case, which must succeed.
ok() {
	must "$ENDORSE" "$@"
}

# fixture CMD...: the same for a step that only builds a case's starting point.
fixture() {
	must "$FIXTURE" "$@"
}

sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

# run_verify [DIR]: runs verify, leaving its exit status in VRC and its
# output in $T/verify.out and $T/verify.err.
run_verify() {
	VRC=0
	"$ENDORSE" verify -C "${1:-$R}" >"$T/verify.out" 2>"$T/verify.err" || VRC=$?
}

verify_ok() {
	run_verify "$@"
	if [ "$VRC" -ne 0 ]; then
		cat "$T/verify.err" >&2
		die "verify exited $VRC, expected 0 (valid)"
	fi
}

# has_line_starting FILE PREFIX: a line of FILE starts with PREFIX (fixed text).
has_line_starting() {
	awk -v p="$2" 'index($0, p) == 1 { found = 1 } END { exit !found }' "$1"
}

# expect_invalid PREFIX...: verify exits 1 and stderr has a line starting
# with each PREFIX, e.g. "log/endorsements.jsonl:6: signature:".
expect_invalid() {
	run_verify
	if [ "$VRC" -ne 1 ]; then
		cat "$T/verify.err" >&2
		die "verify exited $VRC, expected 1 (invalid)"
	fi
	echo "--- verify reported:"
	cat "$T/verify.err"
	local p
	for p in "$@"; do
		if ! has_line_starting "$T/verify.err" "$p"; then
			echo "--- verify stderr:" >&2
			cat "$T/verify.err" >&2
			die "verify did not report '$p'"
		fi
	done
}

# expect_problems N: the last verify reported exactly N problems.
expect_problems() {
	local want=$1 got
	got=$(grep -c -E '^(log|keys)/' "$T/verify.err" || true)
	if [ "$got" -ne "$want" ]; then
		echo "--- verify stderr:" >&2
		cat "$T/verify.err" >&2
		die "verify reported $got problems, expected exactly $want"
	fi
	if [ "$want" -gt 0 ] && ! grep -q -E "INVALID: $want problems? found" "$T/verify.err"; then
		cat "$T/verify.err" >&2
		die "verify's summary does not count $want problems"
	fi
}

# stderr_has TEXT: the last verify's stderr contains TEXT (fixed text).
verify_err_has() {
	if ! grep -q -F -- "$1" "$T/verify.err"; then
		cat "$T/verify.err" >&2
		die "verify's stderr does not contain '$1'"
	fi
}

# make_docs: two document versions and their SHA-256 (fixed texts, so the
# hashes are constants; saves processes in every case).
make_docs() {
	printf 'The e2e manifesto, version 1.\n' >"$T/doc-v1.txt"
	printf 'The e2e manifesto, version 2.\n' >"$T/doc-v2.txt"
	DOC1=83cb63f7c9da264e98cbe56994f66b6c4649d8706f36a982a724428c4b8e03ba
	DOC2=0a87b8d33cceba86513c36bbdd492d1ec32bf2bf4f98d854bb323ac1aab377cc
}

# build_base: the valid log of five lines the rule cases start from.
#   1 document v1 (log key)      2 org0 endorses v1     3 org1 endorses v1
#   4 document v2 (log key)      5 org0 endorses v2
# Keys: log (the origin), org0, org1; need_org2 adds org2, which signs nothing.
build_base() {
	make_docs
	keygen log "$ORIGIN"
	keygen org0 org0.example.org
	keygen org1 org1.example.org
	fixture init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:00:00Z
	fixture sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:01:00Z
	fixture sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--time 2026-01-01T00:02:00Z
	fixture document -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --time 2026-01-01T00:03:00Z
	fixture sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/ \
		--time 2026-01-01T00:04:00Z
	fixture verify -C "$R"
	grep -q -F "valid: 5 entries" "$T/ok.out" || die "the base log does not have 5 entries"
}

need_org2() {
	keygen org2 org2.example.org
}

# expect_pending: verify exits 3 (the log is valid, log/checkpoint waits for
# its witnesses' cosignatures) and says PENDING, reporting no problem.
expect_pending() {
	run_verify
	if [ "$VRC" -ne 3 ]; then
		cat "$T/verify.err" >&2
		die "verify exited $VRC, expected 3 (pending)"
	fi
	grep -q -F "log/checkpoint is PENDING" "$T/verify.err" || die "verify does not say PENDING"
	! grep -q -E '^(log|keys)/' "$T/verify.err" || die "a pending checkpoint was reported as a problem"
}

# need_plain_git: skips without git; git as the cases run it, untouched by
# the caller's environment (author, config, another repository).
need_plain_git() {
	command -v git >/dev/null || skip "git is needed"
	unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
		GIT_CEILING_DIRECTORIES GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE \
		GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE EMAIL GIT_CONFIG \
		GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT GIT_NAMESPACE 2>/dev/null || true
	export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
	# no automatic gc: git detaches it, and it could outlive the case and its cleanup
	export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.auto GIT_CONFIG_VALUE_0=0
}

# openssl_verify VKEY MSGFILE SIGFILE: OpenSSL verifies the raw Ed25519
# signature with the vkey's public key, independently of endorse (keys
# held by agents and tokens: agent.sh, token.sh).
openssl_verify() {
	command -v openssl >/dev/null || { echo "openssl absent: its check skipped"; return 0; }
	"$PY" - "$1" "$T/pub.pem" <<'EOF'
import base64, sys
raw = base64.b64decode(sys.argv[1].split("+", 2)[2])[1:]
der = bytes.fromhex("302a300506032b6570032100") + raw
pem = "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n"
open(sys.argv[2], "w").write(pem)
EOF
	openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -rawin -in "$2" -sigfile "$3" >/dev/null ||
		die "openssl does not verify the signature made by $1"
}
