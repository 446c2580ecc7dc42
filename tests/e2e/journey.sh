#!/usr/bin/env bash
# End-to-end cases of the newcomer's journey (issue 17): each step as a user
# takes it, with the real binary, from where the user stands.
#
# usage: journey.sh CASE   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=${1:?usage: journey.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

# run_in DIR CMD...: run, started in DIR (no -C).
run_in() {
	local dir=$1
	shift
	pushd "$dir" >/dev/null
	run "$@"
	popd >/dev/null
}

case "$CASE" in
root-from-subdirectory)
	# cd log && endorse verify: the log is found the way git finds its
	# work tree, from the current directory up; relative paths given on
	# the command line keep their meaning.
	build_base
	need_org2
	mkdir -p "$R/docs/deep"
	run_in "$R/log" verify
	[ "$RC" -eq 0 ] || die "verify from log/ exited $RC"
	out_has "valid: 5 entries"
	run_in "$R/docs/deep" audit --format csv
	[ "$RC" -eq 0 ] || die "audit from docs/deep exited $RC"
	out_has "org1.example.org"
	cp "$K/org2.key" "$R/docs/deep/org2.key"
	run_in "$R/docs/deep" sign --key org2.key --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	[ "$RC" -eq 0 ] || die "sign from docs/deep with a relative --key exited $RC"
	rm "$R/docs/deep/org2.key"
	expect_rc 0 verify -C "$R"
	out_has "valid: 6 entries"
	;;
root-none)
	# no log here or above: said, with the way forward
	mkdir -p "$T/empty/sub"
	run_in "$T/empty/sub" verify
	[ "$RC" -eq 2 ] || die "verify outside a log exited $RC, expected 2"
	err_has "not a log repository, nor is a directory above it"
	err_has "endorse init creates a log"
	;;
root-dash-c-wins)
	# -C names the log: a directory below one is not walked up from
	build_base
	expect_rc 2 verify -C "$R/log"
	err_has "keys/policy: not found"
	;;
init-below-log)
	# init creates a log where it is asked to, even below another log
	build_base
	mkdir "$R/other"
	run_in "$R/other" init --key "$K/log.key" --document "$T/doc-v1.txt" --title "Other" \
		--url https://example.org/other --time 2026-01-01T00:00:00Z --no-commit
	[ "$RC" -eq 0 ] || die "init below a log exited $RC"
	[ -f "$R/other/keys/policy" ] || die "init did not create other/keys/policy"
	run_in "$R/other" verify
	out_has "valid: 1 entry"
	;;
required-options)
	# a "required" message names exactly the options that are missing
	build_base
	need_org2
	expect_rc 2 sign -C "$R" --key "$K/org2.key"
	err_has "endorse: --name and --url are required"
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org Two"
	err_has "endorse: --url is required"
	! grep -q -- "--key" "$T/err" || die "the message names --key, which was given"
	expect_rc 2 revoke -C "$R" --key "$K/org0.key" --reason "lost"
	err_has "endorse: --target is required"
	expect_rc 2 document -C "$R" --title "E2E Manifesto"
	err_has "endorse: --key, --document and --url are required"
	;;
org-id-meant)
	# a domain typed with capitals or as a URL is refused, with the id
	for name in CafeLumiere.FR https://cafelumiere.fr https://CafeLumiere.fr/about; do
		expect_rc 2 keygen --unencrypted -s "$T/x.key" -p "$T/x.vkey" "$name"
		err_has "the id would be cafelumiere.fr: endorse keygen cafelumiere.fr"
		[ ! -e "$T/x.key" ] || die "keygen $name wrote a key"
	done
	# a log's origin keeps its path and case
	expect_rc 0 keygen --unencrypted -s "$T/log.key" -p "$T/log.vkey" Example.org/Manifesto
	expect_rc 0 keygen --unencrypted -s "$T/ok.key" -p "$T/ok.vkey" cafelumiere.fr
	;;
same-second)
	# a script's writes with the clock's time (no --time) when the
	# organisation's previous statement already claims this second or a
	# later one: each claims one second after it, says so, and the log
	# verifies. (The first claims two minutes ahead, within the five a
	# writer allows, so that the clock is surely not after it.)
	build_base
	need_org2
	ahead=$(date -u -d '+120 seconds' +%Y-%m-%dT%H:%M:%SZ)
	next=$(date -u -d "${ahead%Z} UTC +1 second" +%Y-%m-%dT%H:%M:%SZ)
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time "$ahead"
	expect_rc 0 withdraw -C "$R" --key "$K/org2.key"
	err_has "so this entry claims $next, one second after it"
	grep -q "\"time\":\"$next\"" "$LOG" || die "the withdrawal does not claim $next"
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/
	err_has "one second after it"
	expect_rc 0 verify -C "$R"
	# an explicit --time that is not after is still refused
	expect_rc 1 withdraw -C "$R" --key "$K/org2.key" --time "$next"
	err_has "rule time-order"
	# another organisation's writes are not moved
	expect_rc 0 withdraw -C "$R" --key "$K/org1.key"
	! grep -q "one second after" "$T/err" || die "org1's withdrawal was moved"
	;;
audit-output)
	# audit --output FILE: all or nothing; an old page stays in place when
	# the log no longer verifies, and nothing goes to standard output
	build_base
	mkdir "$T/site"
	expect_rc 0 audit -C "$R" --format html --output "$T/site/page.html"
	[ ! -s "$T/out" ] || die "audit --output wrote to standard output"
	grep -q "Org Zero" "$T/site/page.html" || die "the page lacks Org Zero"
	[ "$(stat -c %a "$T/site/page.html")" = "$(printf '%o' $((0666 & ~$(umask))))" ] ||
		die "the page's mode is $(stat -c %a "$T/site/page.html")"
	cp "$T/site/page.html" "$T/page.before"
	sed -i 's/Org Zero/Org Nero/' "$LOG"
	expect_rc 1 audit -C "$R" --format html --output "$T/site/page.html"
	[ ! -s "$T/out" ] || die "a refused audit wrote to standard output"
	cmp -s "$T/site/page.html" "$T/page.before" || die "a refused audit changed the page"
	[ "$(ls "$T/site")" = "page.html" ] || die "temporary files left: $(ls "$T/site")"
	# a directory that cannot take the file: said, exit 2
	sed -i 's/Org Nero/Org Zero/' "$LOG"
	expect_rc 2 audit -C "$R" --output "$T/no-such-dir/page.txt"
	err_has "cannot create a file beside $T/no-such-dir/page.txt"
	;;
table-display-width)
	# the table pads by display width: CJK and emoji take two columns,
	# combining marks none, so the URL column starts at one place on every
	# row (measured with Python's unicodedata, an independent model)
	build_base
	need_org2
	keygen org3 org3.example.org
	keygen org4 org4.example.org
	fixture sign -C "$R" --key "$K/org2.key" --name "東京珈琲 Tokyo" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	fixture sign -C "$R" --key "$K/org3.key" --name "Rocket 🚀 Co" --url https://org3.example.org/ \
		--time 2026-01-01T00:06:00Z
	fixture sign -C "$R" --key "$K/org4.key" --name $'École cafe\u0301' --url https://org4.example.org/ \
		--time 2026-01-01T00:07:00Z
	expect_rc 0 audit -C "$R" --document latest
	"$PY" - "$T/out" <<'EOF' || die "the table's columns do not line up: $(cat "$T/out")"
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) or c == "\u200b" else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
starts = set()
for line in open(sys.argv[1], encoding="utf-8"):
    i = line.find("https://org")
    if i >= 0:
        starts.add(width(line[:i]))
print("URL column starts at", starts)
sys.exit(0 if len(starts) == 1 else 1)
EOF
	grep -q "東京珈琲 Tokyo" "$T/out" || die "the CJK name is not shown whole"
	;;
keygen-keeps-old-key)
	# keygen --force never destroys a secret key: the old one is kept as
	# NAME.key.old-<key ID> (0600), and a kept file is never overwritten
	expect_rc 0 keygen --unencrypted -s "$T/k/org.key" -p "$T/k/org.vkey" org9.example.org
	old_id=$(cut -d+ -f2 "$T/k/org.vkey")
	cp "$T/k/org.key" "$T/first.key"
	expect_rc 2 keygen --unencrypted -s "$T/k/org.key" -p "$T/k/org.vkey" org9.example.org
	err_has "--force writes the new key there and keeps the old secret key as $T/k/org.key.old-<key ID>"
	expect_rc 0 keygen --unencrypted --force -s "$T/k/org.key" -p "$T/k/org.vkey" org9.example.org
	err_has "the old secret key is kept as $T/k/org.key.old-$old_id"
	cmp -s "$T/k/org.key.old-$old_id" "$T/first.key" || die "the kept key is not the old one"
	[ "$(stat -c %a "$T/k/org.key.old-$old_id")" = 600 ] || die "the kept key is not 0600"
	! cmp -s "$T/k/org.key" "$T/first.key" || die "no new key was written"
	# the kept key is the old key, whole
	expect_rc 0 key export-go "$T/k/org.key.old-$old_id"
	out_has "+$old_id+"
	# a file already at the kept name: refused, nothing written
	new_id=$(cut -d+ -f2 "$T/k/org.vkey")
	cp "$T/k/org.key" "$T/second.key"
	echo "mine" >"$T/k/org.key.old-$new_id"
	expect_rc 2 keygen --unencrypted --force -s "$T/k/org.key" -p "$T/k/org.vkey" org9.example.org
	err_has "a file of that name exists"
	cmp -s "$T/k/org.key" "$T/second.key" || die "a refused keygen replaced the key"
	[ "$(cat "$T/k/org.key.old-$new_id")" = mine ] || die "a refused keygen overwrote a kept file"
	;;
version)
	for arg in --version -V version; do
		expect_rc 0 "$arg"
		grep -qE '^endorse [0-9]+\.[0-9]+\.[0-9]+$' "$T/out" || die "endorse $arg: $(cat "$T/out")"
	done
	;;
*)
	die "unknown case"
	;;
esac
echo "PASS [$CASE]"
