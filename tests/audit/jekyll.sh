#!/usr/bin/env bash
# usage: jekyll.sh CASE
#
# The Jekyll data file (endorse audit --format jekyll) as the website would
# use it: loaded by Psych, the libyaml binding Jekyll reads _data/ with, and
# rendered by Liquid through the example include docs/jekyll/supporters.html.
# check.py then asserts that the data round-trips and that the page shows
# every name and url as text, in the include's own markup only.
#
#   include-example        the example log
#   include-hostile        the hostile log of hostile.sh
#   psych-noncharacter     names with U+FFFE / U+FFFF: Psych must load the file
#   psych-line-separator   names with U+2028 / U+2029 then "--- " / "... ":
#                          Psych must load the file and get the names back
#
# Skips (77) without ruby and its liquid library (Debian: ruby ruby-liquid).
set -euo pipefail
CASE=${1:?usage: jekyll.sh CASE}
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

TEMPLATE="$HERE/../../docs/jekyll/supporters.html"
command -v ruby >/dev/null || skip "no ruby (apt-get install ruby ruby-liquid)"
ruby -e 'require "liquid"; require "yaml"; require "json"' 2>/dev/null ||
	skip "no Liquid for ruby (apt-get install ruby-liquid)"

case "$CASE" in
include-example) R=$EXAMPLE ;;
include-hostile) hostile_repo ;;
psych-noncharacter)
	small_log example.org/small "Non"$'\xef\xbf\xbe'"character"$'\xef\xbf\xbf' "Org Two"
	;;
psych-line-separator)
	small_log example.org/small "Line"$'\xe2\x80\xa8'"--- separator" \
		"Para"$'\xe2\x80\xa9'"... graph" "Org Three"
	;;
*)
	echo "jekyll.sh: unknown case $CASE" >&2
	exit 2
	;;
esac

audit "$T/endorsements.yml" --format jekyll
ruby - "$TEMPLATE" "$T/endorsements.yml" "$T/data.json" "$T/page.html" <<'EOR' ||
require "json"
require "liquid"
require "yaml"
template, data_file, json_out, page_out = ARGV
begin
  data = YAML.safe_load(File.read(data_file, encoding: "UTF-8"))
rescue Psych::Exception => e
  warn "Psych (Jekyll's YAML parser) does not load the data file: #{e.message}"
  exit 1
end
File.write(json_out, JSON.generate(data || []))
tpl = Liquid::Template.parse(File.read(template, encoding: "UTF-8"), error_mode: :strict)
page = tpl.render!({ "site" => { "data" => { "endorsements" => data } } }, strict_filters: true)
File.write(page_out, page)
EOR
	die "rendering $TEMPLATE over the data file failed"
"$PY" "$CHECK" include "$R" "$T/page.html" "$T/data.json" || die "the rendered include: see above"
echo "ok [$CASE]"
