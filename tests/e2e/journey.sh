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

# on_terminal [--answer PROMPT TEXT]... -- ARGS...: endorse ARGS on a
# pseudo-terminal (tests/tools/pty_run.py), each PROMPT answered with TEXT
# as a person types it; RC and $T/out (the terminal's text) as run leaves them.
on_terminal() {
	local l opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	RC=0
	"$PY" "$HERE/../tools/pty_run.py" --timeout 120 "${opts[@]}" -- "$ENDORSE" "$@" \
		>"$T/out" 2>&1 || RC=$?
	echo "on a terminal: $* -> exit $RC"
	while IFS= read -r l; do echo "    tty: $l"; done <"$T/out"
}

# git_base: build_base in a git repository (each write one commit).
git_base() {
	need_plain_git
	git init -q "$R"
	git -C "$R" config user.name "E2E Org"
	git -C "$R" config user.email org@example.org
	build_base
}

# an encrypted key pair $K/BASE.key, .vkey; passphrase in $T/pass
encrypted_keygen() {
	printf 'correct horse\n' >"$T/pass"
	"$FIXTURE" keygen --passphrase-file "$T/pass" -s "$K/$1.key" -p "$K/$1.vkey" "$2" \
		>/dev/null 2>&1 || die "keygen $2 failed"
}

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
cheap-checks-first)
	# Item 2: everything that needs no secret is checked before the
	# passphrase is asked: each refusal comes without a prompt.
	need_plain_git
	build_base
	encrypted_keygen org2 org2.example.org
	sign=(sign --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/)
	mkdir -p "$T/nolog"
	refused() { # WHAT RC MESSAGE ARGS...: refused with MESSAGE, never asked
		local what=$1 rc=$2 message=$3
		shift 3
		on_terminal -- "$@"
		[ "$RC" -eq "$rc" ] || die "$what: exit $RC, expected $rc"
		grep -q -F -- "$message" "$T/out" || die "$what: no \"$message\""
		! grep -q "Passphrase" "$T/out" || die "$what: the passphrase was asked first"
	}
	refused "outside a log" 2 "not a log repository" -C "$T/nolog" "${sign[@]}"
	refused "an http url" 1 "url must start with https://" -C "$R" sign --key "$K/org2.key" \
		--name "Org Two" --url http://org2.example.org/
	refused "an empty name" 1 "name must be 1 to 200 characters" -C "$R" sign \
		--key "$K/org2.key" --name "" --url https://org2.example.org/
	refused "a short --document" 2 "no document of this log has the id abc12" -C "$R" \
		"${sign[@]}" --document abc12
	refused "an unknown prefix" 2 "no document version of this log has a SHA-256 starting with 00000000" \
		-C "$R" "${sign[@]}" --document 00000000
	refused "a bad --time" 2 "--time must be a real UTC time" -C "$R" "${sign[@]}" --time yesterday
	refused "a public key" 2 "is a public key" -C "$R" sign --key "$K/org2.vkey" \
		--name "Org Two" --url https://org2.example.org/
	# no git author: HOME without a .gitconfig, a repository without user.*
	git init -q "$R"
	refused "no git author" 2 "no author for the commit" -C "$R" "${sign[@]}"
	rm -rf "$R/.git"
	# and then, with nothing wrong, the passphrase is asked and the write done
	on_terminal --answer "Passphrase for" "correct horse" -- -C "$R" "${sign[@]}"
	[ "$RC" -eq 0 ] || die "the sign that passes every check exited $RC"
	grep -q "appended entry 5" "$T/out" || die "no entry appended"
	;;
document-reference)
	# Item 3: --document takes what the outputs show: a prefix of 8 or more
	# hex digits, latest, an id, ID@VERSION; and says which it was.
	build_base
	need_org2
	v1=$(sha256sum "$T/doc-v1.txt" | cut -c1-64)
	v2=$(sha256sum "$T/doc-v2.txt" | cut -c1-64)
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--document manifesto@1
	out_has "endorse by org2.example.org of manifesto@1 (sha256 ${v1:0:12})"
	expect_rc 0 withdraw -C "$R" --key "$K/org2.key" --document "${v1:0:8}"
	out_has "withdraw by org2.example.org of manifesto@1 (sha256 ${v1:0:12})"
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--document latest
	out_has "of manifesto@2 (sha256 ${v2:0:12})"
	expect_rc 0 withdraw -C "$R" --key "$K/org2.key" --document manifesto
	out_has "of manifesto@2"
	expect_rc 0 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--document "${v1:0:12}"
	out_has "of manifesto@1"
	expect_rc 2 sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--document manifesto@3
	err_has "document manifesto has 2 versions, not a version 3"
	expect_rc 2 sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--document "${v1:0:7}"
	err_has "no document of this log has the id ${v1:0:7}"
	expect_rc 2 sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--document "Manifesto@1"
	err_has "is neither a SHA-256 nor a prefix of one"
	# audit takes the same references
	expect_rc 0 audit -C "$R" --document manifesto@1 --format csv
	out_has "org2.example.org"
	expect_rc 0 verify -C "$R"
	out_has "valid: 10 entries"
	;;
key-lookup)
	# Item 4: --key finds a key by its name or file name in the key
	# directory, says where it looked and which keys there are, and
	# recognises a public key.
	build_base
	expect_rc 0 keygen --unencrypted riverbank-coop.org
	dir="$XDG_CONFIG_HOME/endorse"
	expect_rc 2 sign -C "$R" --key riverbank.org --name Riverbank --url https://riverbank-coop.org/
	err_has "no secret key riverbank.org: looked for riverbank.org, $dir/riverbank.org and $dir/riverbank.org.key"
	err_has "the secret keys in $dir:"
	err_has "  riverbank-coop.org.key"
	expect_rc 2 sign -C "$R" --key "$dir/riverbank-coop.org.vkey" --name Riverbank \
		--url https://riverbank-coop.org/
	id=$(cut -d+ -f2 "$dir/riverbank-coop.org.vkey")
	err_has "$dir/riverbank-coop.org.vkey is a public key (of riverbank-coop.org, key ID $id)"
	err_has "give its secret key to --key: $dir/riverbank-coop.org.key"
	! grep -q chmod "$T/err" || die "a public key got chmod advice"
	expect_rc 0 sign -C "$R" --key riverbank-coop.org.key --name Riverbank \
		--url https://riverbank-coop.org/
	out_has "endorse by riverbank-coop.org"
	expect_rc 0 withdraw -C "$R" --key riverbank-coop.org
	# an empty key directory says how to make a key
	rm -f "$dir"/*.key
	expect_rc 2 sign -C "$R" --key riverbank-coop.org --name Riverbank --url https://riverbank-coop.org/
	err_has "$dir holds no secret key: make one with endorse keygen DOMAIN"
	;;
passphrase-tries)
	# Item 10: on a terminal, three tries at a new passphrase (an empty one
	# refused at once, naming --unencrypted) and at a wrong one.
	build_base
	on_terminal --answer "Passphrase for the new key" "" --answer "Passphrase for the new key" one \
		--answer "Repeat" two --answer "Passphrase for the new key" "correct horse" \
		--answer "Repeat" "correct horse" -- keygen -s "$K/org2.key" -p "$K/org2.vkey" org2.example.org
	[ "$RC" -eq 0 ] || die "keygen with a third good try exited $RC"
	out_has "the passphrase is empty: type one, or run the command again with --unencrypted"
	out_has "the passphrases do not match; try again"
	[ "$(grep -c "Repeat the passphrase" "$T/out")" -eq 2 ] || die "an empty passphrase was asked to be repeated"
	[ -f "$K/org2.key" ] || die "no key written"
	sign=(sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/)
	on_terminal --answer "Passphrase for" wrong --answer "Passphrase for" "still wrong" \
		--answer "Passphrase for" "correct horse" -- "${sign[@]}"
	[ "$RC" -eq 0 ] || die "sign with a third good try exited $RC"
	[ "$(grep -c "wrong passphrase for $K/org2.key; try again" "$T/out")" -eq 2 ] ||
		die "two wrong tries not said"
	out_has "endorse by org2.example.org"
	cp "$LOG" "$T/log.before"
	on_terminal --answer "Passphrase for" a --answer "Passphrase for" b --answer "Passphrase for" c \
		-- withdraw -C "$R" --key "$K/org2.key"
	[ "$RC" -eq 2 ] || die "three wrong passphrases: exit $RC, expected 2"
	out_has "wrong passphrase, or the key file was altered"
	cmp -s "$LOG" "$T/log.before" || die "the log changed after three wrong passphrases"
	# a new key with three failed tries: nothing written
	on_terminal --answer "Passphrase for the new key" "" --answer "Passphrase for the new key" "" \
		--answer "Passphrase for the new key" "" -- keygen -s "$K/org3.key" -p "$K/org3.vkey" org3.example.org
	[ "$RC" -eq 2 ] || die "three empty passphrases: exit $RC, expected 2"
	out_has "; nothing was written"
	[ ! -e "$K/org3.key" ] && [ ! -e "$K/org3.vkey" ] || die "a key was written"
	# a passphrase file gets one try
	printf 'wrong\n' >"$T/wrong"
	expect_rc 2 withdraw -C "$R" --key "$K/org2.key" --passphrase-file "$T/wrong"
	err_has "wrong passphrase"
	! grep -q "try again" "$T/err" || die "a passphrase file was offered another try"
	;;
reaffirm)
	# Item 6: an endorsement signed with a key later revoked still counts
	# and says so; sign with the current key says how to re-affirm it, and
	# sign --reaffirm does, in one commit.
	git_base
	v2=$(sha256sum "$T/doc-v2.txt" | cut -c1-64)
	keygen org0new org0.example.org
	expect_rc 0 rotate -C "$R" --key "$K/org0.key" --new-key "$K/org0new.key"
	old=$(cut -d+ -f2 "$K/org0.vkey")
	expect_rc 0 revoke -C "$R" --key "$K/org0new.key" --target "$old" --reason "laptop lost"
	expect_rc 0 audit -C "$R" --document latest
	out_has "valid; key revoked later (entry 6); not re-affirmed"
	expect_rc 1 sign -C "$R" --key "$K/org0new.key" --name "Org Zero" --url https://org0.example.org/
	err_has "already endorses"
	err_has "to sign it again with the current key, add --reaffirm"
	n=$(git -C "$R" rev-list --count HEAD)
	expect_rc 0 sign -C "$R" --key "$K/org0new.key" --name "Org Zero" --url https://org0.example.org/ \
		--reaffirm
	out_has "appended entry 7 to log/endorsements.jsonl: withdraw by org0.example.org"
	out_has "appended entry 8 to log/endorsements.jsonl: endorse by org0.example.org of manifesto@2"
	[ "$(git -C "$R" rev-list --count HEAD)" -eq $((n + 1)) ] || die "--reaffirm made more than one commit"
	git -C "$R" log -1 --format=%s | grep -q "org0.example.org re-affirms with its current key" ||
		die "the commit does not say re-affirms"
	expect_rc 0 verify -C "$R" --history
	new=$(cut -d+ -f2 "$K/org0new.vkey")
	expect_rc 0 audit -C "$R" --document latest --format csv
	grep -q "\"org0.example.org\",.*,\"$new\"," "$T/out" || die "the re-affirmed endorsement is not under the new key"
	expect_rc 0 audit -C "$R" --document latest
	! grep -q "not re-affirmed" "$T/out" || die "a re-affirmed endorsement still shows the old note"
	# nothing to re-affirm: an endorsement with the current key, or none
	expect_rc 2 sign -C "$R" --key "$K/org0new.key" --name "Org Zero" --url https://org0.example.org/ \
		--reaffirm
	err_has "org0.example.org already endorses document ${v2:0:12} with its current key"
	need_org2
	expect_rc 2 sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--reaffirm
	err_has "org2.example.org does not endorse document"
	err_has "sign it without --reaffirm"
	# after a revocation of the current key, the next endorsement re-affirms
	# (SPEC.md §4): --reaffirm says so, and a plain sign does it
	expect_rc 0 revoke -C "$R" --key "$K/log.key" --target "$(cut -d+ -f2 "$K/org1.vkey")" \
		--reason "reported lost"
	keygen org1new org1.example.org
	expect_rc 2 sign -C "$R" --key "$K/org1new.key" --name "Org One" --url https://org1.example.org/ \
		--document manifesto@1 --reaffirm
	err_has "org1.example.org has no current key (it was revoked): sign without --reaffirm"
	expect_rc 0 sign -C "$R" --key "$K/org1new.key" --name "Org One" --url https://org1.example.org/ \
		--document manifesto@1
	expect_rc 0 verify -C "$R" --history
	;;
revoke-by-key-id)
	# Item 7: audit --org lists every key an organization held, whole;
	# revoke --target takes the key ID that every output shows.
	build_base
	keygen org0new org0.example.org
	expect_rc 0 rotate -C "$R" --key "$K/org0.key" --new-key "$K/org0new.key"
	old=$(cut -d+ -f2 "$K/org0.vkey")
	expect_rc 0 audit -C "$R" --org org0.example.org
	out_has "$old  rotated away  $(cat "$K/org0.vkey")"
	out_has "$(cut -d+ -f2 "$K/org0new.vkey")  current       $(cat "$K/org0new.vkey")"
	expect_rc 2 revoke -C "$R" --key "$K/org0new.key" --target 0badc0de --reason "lost"
	err_has "no organization of the log has held a key with the ID 0badc0de"
	expect_rc 0 revoke -C "$R" --key "$K/org0new.key" --target "$old" --reason "lost"
	expect_rc 0 audit -C "$R" --org org0.example.org --format json
	"$PY" - "$T/out" "$old" "$(cat "$K/org0.vkey")" <<'PY' || die "audit --org json keys"
import json, sys
keys = json.load(open(sys.argv[1]))["keys"]
assert keys[0] == {"key_id": sys.argv[2], "status": "revoked", "vkey": sys.argv[3]}, keys
assert keys[1]["status"] == "current", keys
PY
	expect_rc 0 verify -C "$R"
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
