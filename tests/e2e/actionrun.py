#!/usr/bin/env python3
"""Runs a composite GitHub Action's steps here, as the runner would.

usage: actionrun.py ACTION_DIR EVENT_JSON [--skip ID]... [--with NAME=VALUE]...

ACTION_DIR holds action.yml. EVENT_JSON is a file with the workflow's
context: {"event_name": ..., "ref": ..., "event": {...}}. Each step's env
values are evaluated (only the expressions action.yml may use: inputs.NAME,
github.PATH, runner.temp; anything else is an error, so that the action
stays simple enough to be checked this way), then its run text is run by
bash --noprofile --norc -eo pipefail, as the runner does for shell: bash,
with GITHUB_ACTION_PATH set. A failing step ends the run with exit 1; the
runner's own RUNNER_TEMP is the environment's. Steps named by --skip (their
id) are not run: the tests skip `install`, which needs the network."""
import json
import os
import re
import subprocess
import sys

import yaml

args = sys.argv[1:]
action_dir, event_file = os.path.realpath(args[0]), args[1]
skip, given = set(), {}
i = 2
while i < len(args):
    if args[i] == "--skip":
        skip.add(args[i + 1])
    elif args[i] == "--with":
        name, _, value = args[i + 1].partition("=")
        given[name] = value
    else:
        sys.exit(f"actionrun: unknown argument {args[i]}")
    i += 2

action = yaml.safe_load(open(os.path.join(action_dir, "action.yml")))
context = json.load(open(event_file))
unknown = set(given) - set(action["inputs"])
if unknown:
    sys.exit(f"actionrun: the action has no input {sorted(unknown)}")
inputs = {name: str(given.get(name, spec.get("default", ""))) for name, spec in action["inputs"].items()}
github = dict(context, action_path=action_dir)
temp = os.environ["RUNNER_TEMP"]


def lookup(expr):
    expr = expr.strip()
    if expr == "runner.temp":
        return temp
    if expr.startswith("inputs.") and expr[7:] in inputs:
        return inputs[expr[7:]]
    if re.fullmatch(r"github(\.[A-Za-z_][A-Za-z0-9_]*)+", expr):
        value = github
        for part in expr.split(".")[1:]:
            value = value.get(part, "") if isinstance(value, dict) else ""
        return "" if value is None else str(value)
    sys.exit(f"actionrun: an expression this runner does not evaluate: {expr}")


def evaluate(text):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: lookup(m.group(1)), str(text))


assert action["runs"]["using"] == "composite"
for step in action["runs"]["steps"]:
    name = step.get("name", step.get("id"))
    if step.get("id") in skip:
        print(f"actionrun: skipped: {name}", flush=True)
        continue
    assert "${{" not in step["run"], f"{name}: an expression pasted into the script"
    env = dict(os.environ, GITHUB_ACTION_PATH=action_dir)
    env.update({k: evaluate(v) for k, v in step.get("env", {}).items()})
    print(f"actionrun: step: {name}", flush=True)
    rc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                        env=env, timeout=900).returncode
    if rc != 0:
        print(f"actionrun: step failed ({rc}): {name}", flush=True)
        sys.exit(1)
print("actionrun: all steps passed", flush=True)
