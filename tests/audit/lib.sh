# Shared helpers of the audit tests (sourced, not run).
#
# Every case works in its own temporary directory, removed on exit, with HOME
# inside it, so that no key is ever written to the real home and cases can run
# in parallel. Keys are made at test time and never leave $T.

: "${ENDORSE:?ENDORSE must name the endorse binary}"
# PYTHON (set by meson: the interpreter that runs meson); a bare python3 may
# be a slow version-manager shim.
PY=${PYTHON:-python3}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # used by the scripts that source this file
EXAMPLE="$HERE/example-log"
CHECK="$HERE/check.py"

T=$(mktemp -d "${TMPDIR:-/tmp}/endorse-audit.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
mkdir -p "$HOME"
unset ENDORSE_PASSPHRASE NO_COLOR 2>/dev/null || true
export LC_ALL=C.UTF-8 PYTHONDONTWRITEBYTECODE=1

K="$T/keys"   # secret and public keys of the test
R="$T/repo"   # the log repository
mkdir -p "$K" "$R"

die() {
	echo "FAIL [$CASE]: $*" >&2
	exit 1
}

skip() {
	echo "SKIP [$CASE]: $*"
	exit 77
}

# e CMD...: an endorse command that builds a case's log and must succeed
# (its output in $T/e.out). Under tests/valgrind.sh it runs the binary
# itself (ENDORSE_FIXTURE); the audit under test runs under memcheck.
e() {
	local rc=0
	"${ENDORSE_FIXTURE:-$ENDORSE}" "$@" >"$T/e.out" 2>"$T/e.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		cat "$T/e.err" >&2
		die "endorse $1 exited $rc, expected 0"
	fi
}

# keygen BASE NAME: an unencrypted key pair in $K/BASE.key and $K/BASE.vkey.
keygen() {
	e keygen --unencrypted -s "$K/$1.key" -p "$K/$1.vkey" "$2"
}

# audit OUT ARGS...: endorse audit on $R into OUT; must exit 0 and write
# nothing to stderr. Standard output is a file, never a terminal.
audit() {
	local out=$1 rc=0
	shift
	"$ENDORSE" audit -C "$R" "$@" >"$out" 2>"$T/audit.err" </dev/null || rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$T/audit.err" ]; then
		cat "$T/audit.err" >&2
		die "endorse audit $* exited $rc (expected 0 and an empty stderr)"
	fi
}

# check FORMAT OUT [ARGS...]: check.py's assertions on one output of $R.
check() {
	"$PY" "$CHECK" "$1" "$R" "$2" "${@:3}" || die "endorse audit --format $1 ${*:3}: see above"
}

# The hostile texts. Bytes are written in hex so that the file means the
# same in every locale. The log forbids U+0000..U+001F and U+007F, so the
# terminal's escapes can only come as C1 controls (U+0080..U+009F, e.g.
# U+009B CSI, U+009D OSC, U+0085 NEL) and bidirectional controls.
CSI=$'\xc2\x9b' OSC=$'\xc2\x9d' ST=$'\xc2\x9c' NEL=$'\xc2\x85' DCS=$'\xc2\x90'
RLO=$'\xe2\x80\xae' LRE=$'\xe2\x80\xaa' RLE=$'\xe2\x80\xab' PDF=$'\xe2\x80\xac'
LRO=$'\xe2\x80\xad' LRI=$'\xe2\x81\xa6' RLI=$'\xe2\x81\xa7' FSI=$'\xe2\x81\xa8'
PDI=$'\xe2\x81\xa9' LRM=$'\xe2\x80\x8e' RLM=$'\xe2\x80\x8f' ALM=$'\xd8\x9c'
# GitHub Actions' workflow commands: "##[" anywhere in a line, "::" at its
# start after white space (also U+00A0, U+3000; a reader might break lines at
# U+2028). U+200B is what endorse puts inside them, so the text's own is '?'.
NBSP=$'\xc2\xa0' IDSP=$'\xe3\x80\x80' LS=$'\xe2\x80\xa8' ZWSP=$'\xe2\x80\x8b'

# The organisations of the hostile log (hostile_orgs fills these): id, and
# the name and url of each id.
HOSTILE_IDS=()
declare -A HOSTILE_NAME HOSTILE_URL

hostile_org() {
	HOSTILE_IDS+=("$1")
	HOSTILE_NAME[$1]=$2
	HOSTILE_URL[$1]=$3
}

hostile_orgs() {
	local long="" i
	for ((i = 0; i < 200 / 8; i++)); do long+='<&>"'"'"'|*_'; done
	hostile_org plain.example.org "Plain Organisation GmbH" https://plain.example.org/
	hostile_org script.example.org '<script>alert(1)</script>' \
		'https://script.example.org/<script>alert(1)</script>'
	hostile_org img.example.org '"><img src=x onerror=alert(1)>' \
		'https://img.example.org/"><img/src=x/onerror=alert(1)>'
	hostile_org attr.example.org "' onmouseover='alert(1)' x='<svg onload=alert(1)>" \
		"https://attr.example.org/'onmouseover='alert(1)'"
	hostile_org amp.example.org '&amp; &lt;b&gt; &#x3C;script&#x3E; &quot;' \
		'https://amp.example.org/?a=1&amp;b=2&lt;&#34;'
	# shellcheck disable=SC2016  # the $ and backticks are meant literally
	hostile_org md.example.org 'Pipe | star * under _ [x](javascript:alert(1)) `tick` ``two`` \back ~strike~ $x$ !img #h {b} (p) <b>' \
		'https://md.example.org/|*_[x](javascript:alert(1))`tick`'
	hostile_org mdlink.example.org '![x](https://evil.example/x.png) <https://evil.example/> **bold** __u__' \
		'https://mdlink.example.org/**bold**__u__~~s~~'
	hostile_org eq.example.org "=cmd|' /C calc'!A0" "https://eq.example.org/=cmd|'/C'"
	hostile_org plus.example.org '+1' https://plus.example.org/+1
	hostile_org minus.example.org '-1' https://minus.example.org/-1
	hostile_org at.example.org '@SUM(1)' 'https://at.example.org/@SUM(1)'
	hostile_org comma.example.org 'a,"b",c;d' https://comma.example.org/a,%22b%22
	hostile_org liquid.example.org '{{ site.github }}' 'https://liquid.example.org/{{site.github}}'
	hostile_org liquid2.example.org '{% include x %} {%- raw -%} %}' \
		'https://liquid2.example.org/{%include%}%}'
	hostile_org yaml.example.org '"quoted" \back\slash\" key: value - dash # hash' \
		'https://yaml.example.org/"q"\b:#'
	hostile_org yaml2.example.org '- item: &anchor *alias !!python/object:os.system [x] {y: z} | > %' \
		'https://yaml2.example.org/-:&a*b!!x[y]{z}|>%'
	hostile_org yaml3.example.org "'single' --- ... ? key" "https://yaml3.example.org/'s'---..."
	hostile_org csi.example.org "${CSI}31mred${CSI}0m ${OSC}8;;https://evil.example/${ST}link${OSC}8;;${ST} ${NEL}nel ${DCS}dcs" \
		"https://csi.example.org/${CSI}2J${OSC}0;title${ST}"
	hostile_org bidi.example.org "${RLO}exe.gnp${PDF} ${LRI}iso${PDI} ${RLI}r${PDI} ${FSI}f${PDI} ${LRM}lrm${RLM}rlm ${LRE}${RLE}${LRO}x${PDF} ${ALM}alm" \
		"https://bidi.example.org/${RLO}gnp.exe"
	hostile_org long.example.org "${long}" https://long.example.org/
	hostile_org wfc.example.org "##[add-mask]secret X ##[group]g ###[error]e #${ZWSP}#[add-mask]z ##" \
		'https://wfc.example.org/##[add-mask]x'
	hostile_org colon.example.org '::error file=x,line=1::injected ::stop-commands::t' \
		'https://colon.example.org/::error::x'
	hostile_org space.example.org "${NBSP}${IDSP} ::warning::spaced${LS}::notice::separated" \
		https://space.example.org/
}

DOC1_TITLE='Manifesto <script>alert(1)</script> | *one* _two_ {{ page.title }} {% raw %} & "q"'
DOC1_URL='https://example.org/manifesto?a="><img/src=x/onerror=alert(1)>{{x}}&amp;'
DOC2_TITLE="::error::Manifesto ${RLO}2v${PDF} ${CSI}1m \`v2\` # [x](javascript:alert(1)) ##[add-mask]t"
DOC2_URL='https://example.org/manifesto/v2/<b>|*'
REVOKE_REASON="::warning::##[add-mask]r <script>alert(1)</script> ${CSI}31m ${RLO}desrever {{ x }} | *y* \"q\" - # :"

# next_time: TS becomes the next of a series of increasing times.
next_time() {
	TICK=$((TICK + 1))
	printf -v TS '2026-03-01T%02d:%02d:00Z' $((TICK / 60)) $((TICK % 60))
}

# build_hostile_log: the hostile log in $R (origin example.org/hostile).
#    0  document v1 (hostile title and url)
#    1..N  every hostile organisation endorses v1
#    N+1  document v2 (hostile title)
#    then script, img, md, bidi, csi, eq and yaml endorse v2; plain withdraws
#    v1; the log key revokes img's key (hostile reason); liquid endorses v2;
#    the log key confirms script (https), bidi (dns) and md (https), and md
#    rotates its key: every state of the domain confirmation (SPEC.md §7).
# Every organisation but plain thus stays a signatory, so that every hostile
# name reaches every format (checked at the end).
# SINCE is the entry number just after document v2: the changes since then
# are plain's withdrawal and every endorsement of v2.
build_hostile_log() {
	local id
	TICK=0
	hostile_orgs
	printf 'The hostile manifesto, version 1.\n' >"$T/v1.txt"
	printf 'The hostile manifesto, version 2.\n' >"$T/v2.txt"
	keygen log example.org/hostile
	for id in "${HOSTILE_IDS[@]}"; do
		keygen "$id" "$id"
	done
	e init -C "$R" --no-commit --key "$K/log.key" --document "$T/v1.txt" --title "$DOC1_TITLE" \
		--url "$DOC1_URL" --id manifesto --time 2026-03-01T00:00:00Z
	for id in "${HOSTILE_IDS[@]}"; do
		next_time
		e sign -C "$R" --no-commit --key "$K/$id.key" --name "${HOSTILE_NAME[$id]}" \
			--url "${HOSTILE_URL[$id]}" --time "$TS"
	done
	next_time
	e document -C "$R" --no-commit --key "$K/log.key" --document "$T/v2.txt" --title "$DOC2_TITLE" \
		--url "$DOC2_URL" --id manifesto --time "$TS"
	SINCE=$(wc -l <"$R/log/endorsements.jsonl")
	for id in script.example.org img.example.org md.example.org bidi.example.org csi.example.org \
		eq.example.org yaml.example.org wfc.example.org colon.example.org; do
		next_time
		e sign -C "$R" --no-commit --key "$K/$id.key" --name "${HOSTILE_NAME[$id]}" \
			--url "${HOSTILE_URL[$id]}" --time "$TS"
	done
	next_time
	e withdraw -C "$R" --no-commit --key "$K/plain.example.org.key" \
		--document "$(sha256sum "$T/v1.txt" | cut -d' ' -f1)" --time "$TS"
	next_time
	e revoke -C "$R" --no-commit --key "$K/log.key" --target "$K/img.example.org.vkey" \
		--reason "$REVOKE_REASON" --time "$TS"
	next_time
	e sign -C "$R" --no-commit --key "$K/liquid.example.org.key" \
		--name "${HOSTILE_NAME[liquid.example.org]}" --url "${HOSTILE_URL[liquid.example.org]}" \
		--time "$TS"
	confirm script.example.org https
	confirm bidi.example.org dns
	confirm md.example.org https
	keygen md2 md.example.org
	next_time
	e rotate -C "$R" --no-commit --key "$K/md.example.org.key" --new-key "$K/md2.key" --time "$TS"
	e verify -C "$R"
	grep -q -F "${RLO}" "$R/log/endorsements.jsonl" || die "the log did not keep U+202E as given"
	grep -q -F "${CSI}" "$R/log/endorsements.jsonl" || die "the log did not keep U+009B as given"
	"$PY" - "$HERE" "$R" "${HOSTILE_IDS[@]}" <<'EOP' || die "the hostile log is not as designed"
import sys
sys.path.insert(0, sys.argv[1])
import check
log = check.Log(sys.argv[2])
current = {r["org"] for d in range(len(log.docs)) for r in log.rows(d)}
missing = set(sys.argv[3:]) - current - {"plain.example.org"}
assert not missing, f"not current signatories: {sorted(missing)}"
EOP
}

# confirm ORG METHOD: appends the log key's confirm of ORG's key $K/ORG.vkey
# (tests/tools/forge signs it; `endorse confirm` needs a live server).
confirm() {
	local vkey origin
	[ -n "${FORGE:-}" ] || die "FORGE must name the forge test tool"
	vkey=$(cat "$K/$1.vkey")
	origin=$(cat "$K/log.vkey")
	next_time
	"$FORGE" line --key "$K/log.key" --origin "${origin%%+*}" --log "$R/log/endorsements.jsonl" \
		--statement "{\"type\":\"confirm\",\"org\":\"$1\",\"key\":\"$vkey\",\"method\":\"$2\",\"time\":\"$TS\"}" \
		>"$T/confirm.line" || die "forge failed"
	cat "$T/confirm.line" >>"$R/log/endorsements.jsonl"
}

# small_log ORIGIN NAME...: a log in $R with origin ORIGIN, one document
# and one organisation per NAME (n1.example.org, n2.example.org, ...).
small_log() {
	local origin=$1 i=0 name
	shift
	printf 'A small manifesto.\n' >"$T/doc.txt"
	keygen log "$origin"
	e init -C "$R" --no-commit --key "$K/log.key" --document "$T/doc.txt" --title "Small" \
		--url https://example.org/small --id small --time 2026-03-01T00:00:00Z
	for name in "$@"; do
		i=$((i + 1))
		keygen "n$i" "n$i.example.org"
		e sign -C "$R" --no-commit --key "$K/n$i.key" --name "$name" \
			--url "https://n$i.example.org/${name// /}" --time "2026-03-01T00:00:0${i}Z"
	done
	e verify -C "$R"
}

# cached_repo NAME BUILDER: R becomes the log that BUILDER makes in $R (and
# SINCE what it sets). Under meson, AUDIT_CACHE names a directory of the build
# tree: there the first case to get the lock builds the log and the others
# reuse it, as the hostile log takes some fifty endorse runs. The copy holds
# public files only (the keys stay in the builder's $T, removed on exit); it
# is keyed by the endorse binary and this file, so a rebuilt binary or a
# changed log gets a new one. Cases only read it.
cached_repo() {
	local name=$1 builder=$2 cache=${AUDIT_CACHE:-} key dir
	if [ -z "$cache" ] || ! command -v flock >/dev/null; then
		"$builder"
		return
	fi
	key=$(cat "${ENDORSE_FIXTURE:-$ENDORSE}" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)
	dir="$cache/$name-$key"
	mkdir -p "$cache"
	exec 9>"$cache/lock"
	flock 9
	if [ ! -f "$dir/since" ]; then
		SINCE=0
		"$builder"
		rm -rf "$cache/$name"-*
		mkdir -p "$dir.tmp"
		cp -R "$R" "$dir.tmp/repo"
		echo "$SINCE" >"$dir.tmp/since"
		mv "$dir.tmp" "$dir"
	fi
	exec 9>&-
	R="$dir/repo"
	SINCE=$(cat "$dir/since")
}

hostile_repo() {
	cached_repo hostile build_hostile_log
}

# origin_repo: a small log whose origin (the log key's name: printable ASCII
# without space or '+') is hostile too.
HOSTILE_ORIGIN='example.org/##[add-mask]o"><script>alert(1)</script>{{site.github}}{%include%}|*_[x](javascript:alert(1))`&amp;#'
build_origin_log() {
	small_log "$HOSTILE_ORIGIN" "Org One" "<b>Org</b> Two"
}
origin_repo() {
	cached_repo origin build_origin_log
}
