#!/usr/bin/env bash
# usage: chromium.sh CASE      CASE: example or hostile
#
# Renders the page of `endorse audit --format html` in a real browser,
# Debian's headless Chromium, once: it writes a screenshot (1200x900) and
# the DOM the browser built (--dump-dom). Checks: the PNG exists and is not
# trivial; in the DOM, every signatory's name is the text of its cell and
# every link goes to the endorser's url; the DOM holds exactly the kinds of
# element (tag, attribute names, class) that the example page's own markup
# has, so no hostile name created an element or an attribute; the domain
# cell of each row holds the mark "✓ domain confirmed" (with the method and
# date) exactly when the organisation's current key is confirmed (SPEC.md §7;
# both logs hold confirmed, older-key-only and unconfirmed signatories), and
# the page has the sentence that explains the mark (check.py, check_page).
#
# Skips (77) when /usr/bin/chromium (or $CHROMIUM) is absent. Set
# AUDIT_SCREENSHOT_DIR to keep the screenshot and the DOM there.
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

# One run gives both the screenshot and the DOM. No network is needed:
# the page loads nothing (its CSP is default-src 'none').
rc=0
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$T/profile" --window-size=1200,900 \
	--screenshot="$T/screenshot.png" --dump-dom "file://$T/page.html" \
	>"$T/dom.html" 2>"$T/chromium.err" </dev/null || rc=$?
if [ "$rc" -ne 0 ]; then
	tail -n 20 "$T/chromium.err" >&2
	die "chromium exited $rc"
fi
if [ -n "${AUDIT_SCREENSHOT_DIR:-}" ]; then
	mkdir -p "$AUDIT_SCREENSHOT_DIR"
	cp "$T/screenshot.png" "$AUDIT_SCREENSHOT_DIR/$CASE.png"
	cp "$T/dom.html" "$AUDIT_SCREENSHOT_DIR/$CASE-dom.html"
	cp "$T/page.html" "$AUDIT_SCREENSHOT_DIR/$CASE.html"
fi

# The screenshot: a PNG of 1200x900 pixels, more than a blank page's bytes.
[ -f "$T/screenshot.png" ] || { tail -n 20 "$T/chromium.err" >&2; die "no screenshot"; }
"$PY" - "$T/screenshot.png" <<'EOF' || die "the screenshot is not a real rendering"
import struct, sys
png = open(sys.argv[1], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", png[16:24])
assert (w, h) == (1200, 900), f"{w}x{h}, expected 1200x900"
assert len(png) > 20000, f"only {len(png)} bytes: a blank page?"
EOF

[ -s "$T/dom.html" ] || die "chromium printed no DOM"
check dom "$T/dom.html" --reference "$T/example.html"
echo "ok [$CASE]"
