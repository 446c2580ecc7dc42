#!/usr/bin/env bash
# A complete session with endorse in a throw-away directory: a log operator
# creates a log, two organizations endorse, one rotates its key and withdraws,
# the log operator revokes the other's lost key, that organization endorses
# again with a new key, and an auditor verifies and audits.
# The first examples of docs/*.md were printed by this script. Keys are unencrypted
# and times are fixed (--time) only to keep the demonstration short and
# repeatable; real keys should have a passphrase. Key IDs differ on every run.
#
#   bash docs/demo.sh [path/to/endorse]      (default: build/endorse)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
endorse=$(realpath "${1:-$here/build/endorse}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" # keys go to $work/config/endorse/
keys="$XDG_CONFIG_HOME/endorse"
cp "$here/MANIFESTO.md" "$work/manifesto-v1.md"
sed 's/half a decade/half a century/' "$work/manifesto-v1.md" > "$work/manifesto-v2.md"
mkdir "$work/log" && cd "$work/log"

# Prints the command (arguments with spaces in double quotes), then runs it.
run() {
	local shown="\$ endorse" a
	for a in "$@"; do
		case $a in *" "*) shown+=" \"$a\"" ;; *) shown+=" $a" ;; esac
	done
	echo "${shown//$work\//}"
	"$endorse" "$@" 2>&1 | sed "s|$work/||g"
}
try() { run "$@" || echo "(exit status $?)"; }

echo "## the log operator"
run keygen --unencrypted openoperations.org/manifesto
run init --key "$keys/openoperations.org_manifesto.key" --document ../manifesto-v1.md \
	--title "Open Operations Manifesto" --url https://openoperations.org/ --time 2025-01-15T10:00:00Z

echo "## organizations"
run keygen --unencrypted example.org
run sign --key example.org --name "Example Org" --url https://example.org/ --time 2025-02-01T09:00:00Z
run keygen --unencrypted example.net
run sign --key example.net --name "Example Net GmbH" --url https://example.net/ --time 2025-02-02T09:00:00Z
try sign --key example.net --name "Example Net GmbH" --url https://example.net/ --time 2025-02-02T09:05:00Z

echo "## a new version"
run document --key "$keys/openoperations.org_manifesto.key" --document ../manifesto-v2.md \
	--title "Open Operations Manifesto" --url https://openoperations.org/ --time 2025-03-01T12:00:00Z
run sign --key example.org --name "Example Org" --url https://example.org/ --time 2025-03-02T09:00:00Z

echo "## a key rotation, then a withdrawal signed with the new key"
run keygen --unencrypted -s ../new/example.net.key -p ../new/example.net.vkey example.net
run rotate --key example.net --new-key ../new/example.net.key --time 2025-04-01T08:00:00Z
run withdraw --key ../new/example.net.key --time 2025-04-02T08:00:00Z

echo "## a lost key, revoked by the log operator; the organization re-endorses with a new key"
run revoke --key "$keys/openoperations.org_manifesto.key" --target keys/orgs/example.org.vkey \
	--reason "key lost, reported by the organization" --time 2025-05-01T10:00:00Z
run keygen --unencrypted -s ../new/example.org.key -p ../new/example.org.vkey example.org
run sign --key ../new/example.org.key --name "Example Org" --url https://example.org/ \
	--time 2025-05-02T10:00:00Z

echo "## auditors"
run verify
run verify --format json
run audit
run audit --org example.org
run audit --format json

echo "## a tampered copy"
cp -r "$work/log" "$work/tampered" && cd "$work/tampered"
sed -i '2s/Example Org/Example 0rg/' log/endorsements.jsonl
try verify
try audit
