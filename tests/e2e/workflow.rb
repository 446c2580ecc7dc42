# usage: ruby workflow.rb REPOSITORY
# What the CI promises beyond the checks of tests/e2e/action.sh static (the
# workflow and the action, read as YAML there): the action (action.yml) runs
# the domain checks on pull requests with annotations and alone on a
# schedule, opens nothing, lets only pull requests pass a pending checkpoint
# by default, and installs the libraries meson.build needs; README's quick
# start installs them too, and .ci/run installs at least what README's line
# does.
require "yaml"

repo = ARGV.fetch(0)
action = YAML.safe_load(File.read(File.join(repo, "action.yml")))
failures = []
check = ->(ok, what) { failures << what unless ok }

steps = action["runs"]["steps"]
verify = steps.find { |s| s["id"] == "verify" }["run"]
pr = verify[/pull_request \| pull_request_target\)(.*?);;/m, 1].to_s
scheduled = verify[/schedule\)(.*?);;/m, 1].to_s
pushed = verify[/\*\)(.*?);;/m, 1].to_s
check.(pr.include?('run domain check -C "$DATA" --base "$base" --format github'),
       "a pull request's domain check against its base, with annotations")
check.(pr.index("run domain check").to_i > pr.index("run verify").to_i, "domain check after the log verified")
check.(pr.scan("run verify").size == 2 && pr.scan('"${pending[@]}"').size == 2 &&
       pr.include?("pending=(--allow-pending)"), "both pull-request verifies allow a pending checkpoint")
check.(pushed.include?('pending=(); [ "$ALLOW_PENDING" != true ]'), "a push fails on a pending checkpoint by default")
check.(scheduled.include?('run domain check -C "$DATA" --format github') && !scheduled.include?("verify"),
       "the weekly run checks every organisation's domain and nothing else")
check.(steps.none? { |s| s["run"].to_s =~ /\bgh |issue/ }, "the action opens nothing")

needed = %w[libsodium-dev libjansson-dev libgit2-dev libcurl4-openssl-dev libc-ares-dev libp11-kit-dev libmicrohttpd-dev]
install = steps.find { |s| s["id"] == "install" }["run"].split
needed.each { |p| check.(install.include?(p), "the action installs #{p}") }
readme = File.read(File.join(repo, "README.md"))
quick = readme[/^apt-get update && apt-get install -y ([^&]+)&&/, 1].to_s.split
needed.each { |p| check.(quick.include?(p), "README's quick start installs #{p}") }
ci = File.read(File.join(repo, ".ci/run"))[/packages=\(([^)]*)\)/m, 1].to_s.split
(quick - ci).each { |p| failures << ".ci/run does not install #{p} of README's quick start" }

failures.each { |f| warn "FAIL: workflow: #{f}" }
exit(failures.empty? ? 0 : 1)
