# usage: ruby workflow.rb REPOSITORY
# The workflow (.github/workflows/verify.yml), read as YAML, runs what README
# and issue 15 promise: on a pull request, domain check --base against the
# base branch with annotations, after the log verified; once a week a job
# that checks every organisation and does nothing else; and every job builds
# with the libraries meson.build needs. README's quick start installs them
# too, and .ci/run installs at least what README's line does.
require "yaml"

repo = ARGV.fetch(0)
wf = YAML.safe_load(File.read(File.join(repo, ".github/workflows/verify.yml")))
failures = []
check = ->(ok, what) { failures << what unless ok }

on = wf["on"] || wf[true] # YAML 1.1 reads a bare `on` as true
check.(on.key?("pull_request") && on.key?("push"), "runs on push and pull_request")
crons = (on["schedule"] || []).map { |s| s["cron"] }
check.(crons.size == 1 && crons[0].split.size == 5 && crons[0].split[4] != "*",
       "one weekly schedule (#{crons.inspect})")
check.(wf["permissions"] == { "contents" => "read" }, "read-only permissions")

jobs = wf["jobs"]
verify, domains = jobs["verify"], jobs["domains"]
check.(verify && verify["if"] == "github.event_name != 'schedule'", "verify does not run on schedule")
check.(domains && domains["if"] == "github.event_name == 'schedule'", "domains runs only on schedule")

steps = verify["steps"].map { |s| [s["run"].to_s, s["if"].to_s, s["env"] || {}] }
pr = steps.find { |run, _, _| run.include?("domain check") }
check.(pr && pr[0].include?('endorse domain check --base "origin/$BASE_REF" --format github') &&
       pr[1] == "github.event_name == 'pull_request'" && pr[2]["BASE_REF"] == "${{ github.base_ref }}",
       "the pull request's domain check")
check.(pr && pr[0].start_with?(".ci/stop-commands "), "domain check under stop-commands")
verify_at = steps.index { |run, cond, _| run.include?("verify --format github") && cond.include?("pull_request") }
check.(verify_at && steps.index(pr) > verify_at, "domain check runs after the log verified")

# A pull request does not fail while a checkpoint waits for its witnesses
# (verify --allow-pending); a push still does (exit 3).
pr_verifies = steps.select { |run, cond, _| cond.include?("pull_request") && run.include?("endorse verify ") }
check.(pr_verifies.size == 2 && pr_verifies.all? { |run, _, _| run.include?(" --allow-pending ") },
       "every pull-request verify passes --allow-pending")
check.(steps.none? { |run, cond, _| cond.include?("'push'") && run.include?("--allow-pending") },
       "no push step passes --allow-pending")

weekly = domains["steps"].map { |s| s["run"].to_s }
check.(weekly.any? { |r| r == ".ci/stop-commands ./build/endorse domain check --format github" },
       "the weekly check of every organisation")
check.(weekly.none? { |r| r.include?("gh ") || r.include?("issue") }, "the weekly job opens nothing")

needed = %w[libsodium-dev libjansson-dev libgit2-dev libcurl4-openssl-dev libc-ares-dev]
[verify, domains].each_with_index do |job, i|
  install = job["steps"].map { |s| s["run"].to_s }.find { |r| r.include?("apt-get install") }.to_s
  needed.each { |p| check.(install.split.include?(p), "job #{i} installs #{p}") }
end
readme = File.read(File.join(repo, "README.md"))
quick = readme[/^apt-get update && apt-get install -y ([^&]+)&&/, 1].to_s.split
needed.each { |p| check.(quick.include?(p), "README's quick start installs #{p}") }
ci = File.read(File.join(repo, ".ci/run"))[/packages=\(([^)]*)\)/m, 1].to_s.split
(quick - ci).each { |p| failures << ".ci/run does not install #{p} of README's quick start" }

failures.each { |f| warn "FAIL: workflow: #{f}" }
exit(failures.empty? ? 0 : 1)
