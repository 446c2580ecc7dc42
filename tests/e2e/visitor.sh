#!/usr/bin/env bash
# End-to-end cases of the website visitor's journey (issue 17, item 16): the
# page `endorse audit --format html --output` makes for the document's site,
# from a real git repository and the real binary, read as a visitor reads
# it (tests/e2e/visitor.py: the title, the count, the newest version open,
# the older ones folded, each organisation's link, date and marks, a
# revoked key's endorsement in words, the date of the log's newest entry,
# the footer for auditors). tests/audit/ checks the page's escaping and its
# layout in Chromium.
#
# usage: visitor.sh CASE   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=${1:?usage: visitor.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

# page EXPECTATIONS...: the page of the log as the site build makes it,
# checked by visitor.py against EXPECTATIONS (see there).
page() {
	expect_rc 0 audit -C "$R" --format html --output "$T/site/index.html"
	"$PY" "$HERE/visitor.py" "$T/site/index.html" "$LOG" "$@" || die "the page: see above"
}

case "$CASE" in
page)
	# base: org0 endorses v1 and v2, org1 v1; the page shows v2 open and v1
	# folded
	need_plain_git
	build_base
	mkdir "$T/site"
	page h1="E2E Manifesto" counts="1 organisation|2 organisations" \
		names="Org Zero|Org Zero,Org One" notes="|,"
	# a website page is the same whenever it is made again from the same log
	cp "$T/site/index.html" "$T/first.html"
	page h1="E2E Manifesto"
	cmp -s "$T/first.html" "$T/site/index.html" || die "the same log made another page"
	# the log operator revokes org0's key: its endorsements still count,
	# said in words; the page's date follows the newest entry
	ok revoke -C "$R" --key "$K/log.key" --target "$K/org0.vkey" --reason "key lost" \
		--time 2026-01-03T10:30:00Z
	page counts="1 organisation|2 organisations" names="Org Zero|Org Zero,Org One" \
		notes="revoked|revoked," asof="2026-01-03T10:30:00Z"
	# org0 re-affirms v2 with its new key: the page shows that newest
	# endorsement, without a note; v1's stays signed with the replaced key
	keygen org0b org0.example.org
	ok sign -C "$R" --key "$K/org0b.key" --name "Org Zero" --url https://org0.example.org/ \
		--document "$DOC2" --time 2026-01-04T09:00:00Z
	page counts="1 organisation|2 organisations" names="Org Zero|Org Zero,Org One" \
		notes="|replaced," asof="2026-01-04T09:00:00Z" since="4 January 2026"
	# org1 endorses v2 too
	ok sign -C "$R" --key "$K/org1.key" --name "Org One" --url https://org1.example.org/ \
		--time 2026-01-05T12:00:00Z
	page counts="2 organisations|2 organisations" names="Org Zero,Org One|Org Zero,Org One"
	[ "$(git -C "$R" status --porcelain)" = "" ] || die "the log's repository is not clean"
	;;
page-one-version)
	# --document latest: one version, open, nothing folded
	build_base
	mkdir "$T/site"
	expect_rc 0 audit -C "$R" --format html --document latest --output "$T/site/index.html"
	"$PY" "$HERE/visitor.py" "$T/site/index.html" "$LOG" counts="1 organisation" \
		names="Org Zero" || die "the page: see above"
	;;
page-older-version)
	# --document of an older version: it says that a newer one exists
	build_base
	mkdir "$T/site"
	expect_rc 0 audit -C "$R" --format html --document "$DOC1" --output "$T/site/index.html"
	"$PY" "$HERE/visitor.py" "$T/site/index.html" "$LOG" counts="2 organisations" \
		names="Org Zero,Org One" older=1 || die "the page: see above"
	;;
*)
	die "unknown case $CASE"
	;;
esac
echo "ok [$CASE]"
