#!/usr/bin/env ruby
# usage: ruby logos-from-organizations.rb [ORGANIZATIONS_YML [ENDORSEMENTS_YML]] > _data/logos.yml
#
# Once, when a Jekyll site moves from its hand-edited supporters list to the
# endorsement log: prints a _data/logos.yml for docs/jekyll/supporters.html
# with the logos of the hand-edited list (`supporting:` entries with name,
# logo and url in _data/organizations.yml), each under the organization id
# of the log's data file (_data/endorsements.yml, made by
# `endorse audit --format jekyll`). An entry is matched by its exact name or,
# failing that, by its url's host (without "www."). Entries that match no
# organization in the log are named on standard error: they have not signed
# (yet), so the log does not list them; their logo can be added by hand
# under their id once they have.
#
# Read the result before committing it: a match by host trusts the
# hand-edited list's url.
require "uri"
require "yaml"

orgs_file = ARGV[0] || "_data/organizations.yml"
data_file = ARGV[1] || "_data/endorsements.yml"

host = lambda do |url|
  URI(url.to_s).host.to_s.downcase.sub(/\Awww\./, "")
rescue URI::Error
  ""
end

signed = YAML.safe_load(File.read(data_file, encoding: "UTF-8")) || []
listed = (YAML.safe_load(File.read(orgs_file, encoding: "UTF-8")) || {})["supporting"] || []
logos = {}
listed.each do |o|
  e = signed.find { |s| s["name"] == o["name"] } ||
      signed.find { |s| host.call(o["url"]) != "" && host.call(s["url"]) == host.call(o["url"]) }
  if e.nil?
    warn "not in the log: #{o["name"]} (#{o["url"]})"
  elsif o["logo"]
    logos[e["org"]] = o["logo"].to_s
  end
end
puts "# Logos of the supporters, by organization id: the site's presentation,"
puts "# not part of the signed endorsements. Made from _data/organizations.yml."
print logos.to_yaml.sub(/\A---\n/, "")
