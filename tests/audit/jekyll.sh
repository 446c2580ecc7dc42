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
#   logos-liquid           the example log, each organization given one logo
#                          value from _data/logos.yml's point of view (good
#                          paths and https urls, and hostile values that must
#                          fall back to the name), one render per value;
#                          jekyll_site.py lists them and checks every page
#   logos-hostile-names    the hostile log, every organization given a good
#                          logo: the alt text is the name, escaped
#   site-build             a real `jekyll build --safe` (offline, no plugin)
#                          of a small site: the example log's data file made
#                          by `endorse audit --format jekyll --output`, the
#                          include, a _data/logos.yml with a logo path, an
#                          https logo, an organization without a logo and
#                          hostile values; jekyll_site.py checks _site's page;
#                          and docs/jekyll/logos-from-organizations.rb on a
#                          hand-edited _data/organizations.yml
#
# Skips (77) without ruby and its liquid library (Debian: ruby ruby-liquid),
# site-build without jekyll (Debian: jekyll).
set -euo pipefail
CASE=${1:?usage: jekyll.sh CASE}
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

TEMPLATE="$HERE/../../docs/jekyll/supporters.html"
SITE_CHECK="$HERE/jekyll_site.py"

# migrate_logos DATA: docs/jekyll/logos-from-organizations.rb on a hand-edited
# list (a match by name, one by host, one not in the log, one without a logo).
migrate_logos() {
	cat >"$T/organizations.yml" <<'EOY'
founding:
  - name: Founder
    logo: images/logos/founder.png
    url: https://founder.example/
supporting:
  - name: Alpha Operations GmbH
    logo: images/logos/alpha.svg
    url: https://alpha.example.org
  - name: Beta and Partners
    logo: /images/logos/beta.png
    url: https://www.beta.example.org/
  - name: Omega Ltd
    logo: images/logos/omega.png
    url: https://omega.example/
  - name: Gamma Genossenschaft eG
    url: https://gamma.example.org/
EOY
	ruby "$HERE/../../docs/jekyll/logos-from-organizations.rb" "$T/organizations.yml" "$1" \
		>"$T/migrated.yml" 2>"$T/migrated.err" || die "logos-from-organizations.rb failed"
	printf '%s\n' "alpha.example.org: images/logos/alpha.svg" "beta.example.org: \"/images/logos/beta.png\"" \
		>"$T/migrated.want"
	grep -v '^#' "$T/migrated.yml" | diff -u "$T/migrated.want" - >&2 ||
		die "logos-from-organizations.rb: unexpected logos.yml"
	[ "$(cat "$T/migrated.err")" = "not in the log: Omega Ltd (https://omega.example/)" ] ||
		die "logos-from-organizations.rb: stderr $(cat "$T/migrated.err")"
}

# site_build: the site in $T/site, built by jekyll into $T/site/_site.
site_build() {
	local S="$T/site"
	mkdir -p "$S/_includes" "$S/_data"
	cp "$TEMPLATE" "$S/_includes/supporters.html"
	printf 'title: Manifesto\nbaseurl: "/manifesto"\n' >"$S/_config.yml"
	printf -- '---\ntitle: Supporters\n---\n{%% include supporters.html %%}\n' \
		>"$S/index.html"
	audit /dev/null --format jekyll --output "$S/_data/endorsements.yml"
	migrate_logos "$S/_data/endorsements.yml"
	"$PY" "$SITE_CHECK" site-logos "$S/_data/logos.yml"
	# no Gemfile, no plugin, no theme: nothing to fetch
	(cd "$S" && JEKYLL_NO_BUNDLER_REQUIRE=1 jekyll build --safe --quiet --disable-disk-cache \
		-s "$S" -d "$S/_site") >"$T/jekyll.out" 2>&1 || {
		cat "$T/jekyll.out" >&2
		die "jekyll build failed"
	}
	[ -f "$S/_site/index.html" ] || die "jekyll build made no _site/index.html"
	"$PY" "$SITE_CHECK" site "$R" "$S/_site/index.html" || die "the built page: see above"
	echo "ok [$CASE]"
	exit 0
}

if [ "$CASE" = site-build ]; then
	command -v jekyll >/dev/null || skip "no jekyll (apt-get install jekyll)"
else
	command -v ruby >/dev/null || skip "no ruby (apt-get install ruby ruby-liquid)"
	ruby -e 'require "liquid"; require "yaml"; require "json"' 2>/dev/null ||
		skip "no Liquid for ruby (apt-get install ruby-liquid)"
fi

case "$CASE" in
site-build)
	R=$EXAMPLE
	site_build
	;;
logos-liquid) R=$EXAMPLE ;;
logos-hostile-names) hostile_repo ;;
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
if [ "$CASE" = logos-liquid ] || [ "$CASE" = logos-hostile-names ]; then
	mkdir -p "$T/pages"
	hostile=()
	[ "$CASE" = logos-liquid ] || hostile=(hostile-names)
	"$PY" "$SITE_CHECK" variants "$T/variants.json" ${hostile:+good}
	ruby - "$TEMPLATE" "$T/endorsements.yml" "$T/variants.json" "$T/pages" <<'EOR' ||
require "json"
require "liquid"
require "yaml"
template, data_file, variants_file, pages = ARGV
data = YAML.safe_load(File.read(data_file, encoding: "UTF-8"))
tpl = Liquid::Template.parse(File.read(template, encoding: "UTF-8"), error_mode: :strict)
JSON.parse(File.read(variants_file, encoding: "UTF-8")).each_with_index do |v, i|
  logos = data.to_h { |org| [org["org"], v["logo"]] }
  site = { "baseurl" => v["baseurl"], "data" => { "endorsements" => data, "logos" => logos } }
  File.write(File.join(pages, "#{i}.html"), tpl.render!({ "site" => site }, strict_filters: true))
end
EOR
		die "rendering $TEMPLATE with the logos failed"
	"$PY" "$SITE_CHECK" liquid "$R" "$T/variants.json" "$T/pages" "${hostile[@]}" ||
		die "the rendered logos: see above"
	echo "ok [$CASE]"
	exit 0
fi
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
