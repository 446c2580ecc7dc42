#!/usr/bin/env bash
# usage: hostile.sh CASE
#
# Hostile text through every output format of endorse audit. The log is
# built at test time with generated keys (lib.sh: build_hostile_log): the
# names and urls of its organisations hold HTML and attribute breakers,
# entities, Markdown table and emphasis characters and links, CSV formula
# starts (= + - @), Liquid tags, YAML breakers, C1 controls (U+009B CSI,
# U+009D OSC, U+0085 NEL, U+0090 DCS) and bidirectional controls; so do the
# document titles and a revocation's reason. check.py replays the log itself
# and asserts, per format, that every string is shown as text, exactly (after
# the terminal sanitiser's '?' for controls), and that none became markup,
# a formula, a Liquid tag, a YAML structure or a terminal escape.
#
# Each case prints every assertion that failed; a failure names the format.
set -euo pipefail
CASE=${1:?usage: hostile.sh CASE}
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

case "$CASE" in
table)
	hostile_repo
	audit "$T/out" --format table
	check table "$T/out"
	;;
json)
	hostile_repo
	audit "$T/out" --format json
	check json "$T/out"
	;;
csv)
	hostile_repo
	audit "$T/out" --format csv
	check csv "$T/out"
	;;
markdown)
	hostile_repo
	audit "$T/out" --format markdown
	check markdown "$T/out"
	;;
html)
	hostile_repo
	audit "$T/out" --format html
	"$ENDORSE" audit -C "$EXAMPLE" --format html >"$T/example.html"
	check html "$T/out" --reference "$T/example.html" --exact
	;;
jekyll)
	hostile_repo
	audit "$T/out" --format jekyll
	check jekyll "$T/out"
	;;
table-terminal)
	# On a terminal the table has colours and a width: endorse's own escapes
	# (bold, green, reset) are the only ones.
	command -v script >/dev/null || skip "no script(1) to run endorse on a terminal"
	hostile_repo
	script -qec "stty cols 100 rows 50 2>/dev/null; \"$ENDORSE\" audit -C \"$R\"" /dev/null \
		>"$T/out" </dev/null || die "endorse audit on a terminal failed: $(cat "$T/out")"
	"$PY" - "$T/out" <<'EOF' || die "the table on a terminal"
import re, sys
raw = open(sys.argv[1], "rb").read()
own = re.compile(rb"\x1b\[(1|32|0)m")
assert raw.count(b"\x1b") == len(own.findall(raw)) > 0, "escapes other than bold, green and reset"
text = own.sub(b"", raw).decode("utf-8")
bad = {hex(ord(c)) for c in text if c not in "\r\n" and (ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0
       or 0x200e <= ord(c) <= 0x200f or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069)}
assert not bad, f"unsafe characters on the terminal: {sorted(bad)}"
assert "bidi.example.org" in text and "csi.example.org" in text
EOF
	;;
org-table)
	hostile_repo
	"$PY" "$CHECK" org-table "$R" || die "endorse audit --org ID: see above"
	;;
org-json)
	hostile_repo
	"$PY" "$CHECK" org-json "$R" || die "endorse audit --org ID --format json: see above"
	;;
since-table | since-json | since-csv | since-markdown)
	hostile_repo
	format=${CASE#since-}
	audit "$T/out" --format "$format" --since "$SINCE"
	check "$format" "$T/out" --since "$SINCE"
	;;
origin-table | origin-json | origin-markdown | origin-html | origin-jekyll)
	origin_repo
	format=${CASE#origin-}
	audit "$T/out" --format "$format"
	if [ "$format" = html ]; then
		"$ENDORSE" audit -C "$EXAMPLE" --format html >"$T/example.html"
		check html "$T/out" --reference "$T/example.html"
	else
		check "$format" "$T/out"
	fi
	;;
jekyll-noncharacter)
	# U+FFFE and U+FFFF are valid UTF-8 and allowed by the log, but YAML
	# does not allow them in a stream: libyaml (Jekyll's Psych) and PyYAML
	# refuse the whole file. They must be escaped (\uFFFE) or replaced.
	small_log example.org/small "Non"$'\xef\xbf\xbe'"character"$'\xef\xbf\xbf' "Org Two"
	audit "$T/out" --format jekyll
	check jekyll "$T/out"
	;;
jekyll-line-separator)
	# U+2028 and U+2029 are line breaks to YAML 1.1 (and U+0085, which the
	# sanitiser already replaces): inside a quoted scalar they split it, and
	# a following '--- ' or '... ' ends the document. They must be escaped
	# (\L, \P) or replaced.
	small_log example.org/small "Line"$'\xe2\x80\xa8'"--- separator" \
		"Para"$'\xe2\x80\xa9'"... graph" "Org Three"
	audit "$T/out" --format jekyll
	check jekyll "$T/out"
	;;
*)
	echo "hostile.sh: unknown case $CASE" >&2
	exit 2
	;;
esac
echo "ok [$CASE]"
