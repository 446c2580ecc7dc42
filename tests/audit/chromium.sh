#!/usr/bin/env bash
# usage: chromium.sh CASE      CASE: example or hostile
#
# Renders the page of `endorse audit --format html` in a real browser,
# Debian's headless Chromium, and checks it as a visitor would see it:
#
# 1. The page at 1200 px: a screenshot (1200x1400) and the DOM the browser
#    built (--dump-dom). In the DOM (check.py dom): the document's title is
#    the <h1>; the counts of organisations, newest version first; the older
#    versions in closed <details>; every signatory's name is the text of its
#    link to its url, with its domain, "✓ signature verified", and the mark
#    "✓ domain confirmed" (with where and when) exactly when its current key
#    is confirmed (SPEC.md §7), an older key's confirmation and a revoked
#    key's endorsement in words; the sentences that explain the marks; the
#    date of the log's newest entry; a footer "For auditors" with
#    `endorse verify`, the log's facts and every endorsement's entry and
#    key ID; and exactly the kinds of element (tag, attribute names, class)
#    of the example page, so that no hostile name made an element or an
#    attribute.
# 2. The page at 360 px (a phone), measured by probe.js in a copy of the
#    page without its CSP (the page itself runs no script) shown in an
#    iframe 360 px wide (check.py probe-page; a headless window is at least
#    500 px wide): no horizontal scrolling, nothing past the right edge,
#    the older versions folded, and on the example page no word split over
#    two lines (hashes and URLs shown as text may wrap anywhere); a
#    screenshot of it (360x2400).
# 3. (example) The print style applied on the screen in an iframe 800 px
#    wide: every older version unfolded, black text on white, no word
#    split; a screenshot.
#
# Skips (77) when /usr/bin/chromium (or $CHROMIUM) is absent. Set
# AUDIT_SCREENSHOT_DIR to keep the screenshots, pages and DOMs there
# (CASE-1200.png, CASE-360.png, CASE-print.png, ...).
set -euo pipefail
CASE=${1:?usage: chromium.sh example|hostile}
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "no Chromium at $CHROMIUM (apt-get install chromium)"

case "$CASE" in
example) R=$EXAMPLE ;;
hostile) hostile_repo ;;
*)
	echo "chromium.sh: unknown case $CASE" >&2
	exit 2
	;;
esac

audit "$T/page.html" --format html
"$ENDORSE" audit -C "$EXAMPLE" --format html >"$T/example.html"

# render NAME PAGE WIDTH HEIGHT: one Chromium run gives the screenshot
# $T/NAME.png and the DOM $T/NAME-dom.html of PAGE. No network is needed:
# the page loads nothing (its CSP is default-src 'none').
render() {
	local name=$1 page=$2 width=$3 height=$4 rc=0
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --user-data-dir="$T/profile" --window-size="$width,$height" \
		--screenshot="$T/$name.png" --dump-dom "file://$page" \
		>"$T/$name-dom.html" 2>"$T/chromium.err" </dev/null || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 20 "$T/chromium.err" >&2
		die "chromium exited $rc ($name)"
	fi
	[ -f "$T/$name.png" ] || { tail -n 20 "$T/chromium.err" >&2; die "no screenshot ($name)"; }
	[ -s "$T/$name-dom.html" ] || die "chromium printed no DOM ($name)"
	# a PNG of that size, more than a blank page's bytes
	"$PY" - "$T/$name.png" "$width" "$height" <<'EOF' || die "the screenshot $name is not a real rendering"
import struct, sys
png = open(sys.argv[1], "rb").read()
want = (int(sys.argv[2]), int(sys.argv[3]))
assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", png[16:24])
assert (w, h) == want, f"{w}x{h}, expected {want[0]}x{want[1]}"
assert len(png) > 20000, f"only {len(png)} bytes: a blank page?"
EOF
	if [ -n "${AUDIT_SCREENSHOT_DIR:-}" ]; then
		mkdir -p "$AUDIT_SCREENSHOT_DIR"
		cp "$T/$name.png" "$AUDIT_SCREENSHOT_DIR/$CASE-$name.png"
		cp "$T/$name-dom.html" "$AUDIT_SCREENSHOT_DIR/$CASE-$name-dom.html"
		cp "$page" "$AUDIT_SCREENSHOT_DIR/$CASE-$name.html"
	fi
}

# 1. the page itself, at 1200 px
render 1200 "$T/page.html" 1200 1400
check dom "$T/1200-dom.html" --reference "$T/example.html"

# 2. at 360 px, measured
"$PY" "$CHECK" probe-page "$T/page.html" "$T/probe.html" "$HERE/probe.js" --width 360 ||
	die "could not make the probe page"
render 360 "$T/probe.html" 360 2400
words=()
[ "$CASE" = example ] && words=(--words)
check probe "$T/360-dom.html" --width 360 "${words[@]}"

# 3. printed (example): the print style on the screen
if [ "$CASE" = example ]; then
	"$PY" "$CHECK" probe-page "$T/page.html" "$T/print.html" "$HERE/probe.js" --width 800 --print ||
		die "could not make the print probe page"
	render print "$T/print.html" 800 2600
	check probe "$T/print-dom.html" --width 800 --print --words
fi
echo "ok [$CASE]"
