#!/usr/bin/env bash
# usage: make-example-log.sh [OUTDIR]
#
# Regenerates the example log of the audit tests (default OUTDIR: the
# example-log directory next to this script) with fresh throwaway keys and
# fixed --time values. Only public files are written to OUTDIR:
#
#   keys/policy   keys/orgs/*.vkey   log/endorsements.jsonl
#
# The secret keys live in a temporary directory that is deleted on exit; the
# log can therefore never be extended, which is what an example wants. Each
# run makes new keys, so the signatures, key IDs and Merkle root change:
# after regenerating, update the goldens (UPDATE_GOLDEN=1, see golden.sh)
# and the examples quoted in docs/audit-formats.md.
#
# The log (seq: what happens):
#    0  document "Example Manifesto" version 1 (log key)
#    1  alpha.example.org   endorses v1
#    2  beta.example.org    endorses v1
#    3  gamma.example.org   endorses v1
#    4  document "Example Manifesto" version 2 (log key)
#    5  alpha.example.org   endorses v2
#    6  gamma.example.org   endorses v2
#    7  beta.example.org    rotates its key
#    8  beta.example.org    endorses v2 (with the new key)
#    9  the log key revokes gamma.example.org's key
#   10  gamma.example.org   re-endorses v1 with a new key (its v2 endorsement
#                           stays, shown with "key revoked in entry 9")
#   11  delta.example.org   endorses v2
#   12  epsilon.example.org endorses v2
#   13  alpha.example.org   withdraws its endorsement of v1
#   14  epsilon.example.org withdraws its endorsement of v2
#   15  zeta.example.org    endorses v2
#   16  the log key confirms alpha.example.org's key (https)
#   17  the log key confirms delta.example.org's key (dns)
#   18  the log key confirms zeta.example.org's key (https)
#   19  zeta.example.org    rotates its key: only an older key is confirmed
#
# So the audit shows all three states of SPEC.md §7: alpha and delta
# confirmed (https, dns), zeta confirmed for an older key only, beta and
# gamma not confirmed. The confirm lines are written by tests/tools/forge
# (FORGE: build/tests/e2e/forge), signed by the log key, as `endorse
# confirm` would after a live check, which an example cannot make.
set -euo pipefail

: "${ENDORSE:?ENDORSE must name the endorse binary}"
: "${FORGE:?FORGE must name the forge test tool (build/tests/e2e/forge)}"
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/example-log}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/endorse-example.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
mkdir -p "$HOME" "$tmp/keys" "$tmp/repo"
K=$tmp/keys R=$tmp/repo

e() {
	"$ENDORSE" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
}
keygen() {
	e keygen --unencrypted -s "$K/$1.key" -p "$K/$1.vkey" "$2"
}

printf 'The Example Manifesto.\n\nWe publish how we operate.\n' >"$tmp/v1.txt"
printf 'The Example Manifesto.\n\nWe publish how we operate, and our incidents.\n' >"$tmp/v2.txt"
v1=$(sha256sum "$tmp/v1.txt" | cut -d' ' -f1)

keygen log example.org/manifesto
keygen alpha alpha.example.org
keygen beta beta.example.org
keygen beta2 beta.example.org
keygen gamma gamma.example.org
keygen gamma2 gamma.example.org
keygen delta delta.example.org
keygen epsilon epsilon.example.org
keygen zeta zeta.example.org
keygen zeta2 zeta.example.org

e init -C "$R" --no-commit --key "$K/log.key" --document "$tmp/v1.txt" \
	--title "Example Manifesto" --url https://example.org/manifesto/v1 --id manifesto \
	--time 2026-01-05T09:00:00Z
e sign -C "$R" --no-commit --key "$K/alpha.key" --name "Alpha Operations GmbH" \
	--url https://alpha.example.org/ --time 2026-01-05T10:15:00Z
e sign -C "$R" --no-commit --key "$K/beta.key" --name "Beta & Partners" \
	--url https://beta.example.org/about --time 2026-01-06T08:30:00Z
e sign -C "$R" --no-commit --key "$K/gamma.key" --name "Gamma Genossenschaft eG" \
	--url https://gamma.example.org/ --time 2026-01-07T14:00:00Z
e document -C "$R" --no-commit --key "$K/log.key" --document "$tmp/v2.txt" \
	--title "Example Manifesto" --url https://example.org/manifesto/v2 --id manifesto \
	--time 2026-02-01T09:00:00Z
e sign -C "$R" --no-commit --key "$K/alpha.key" --name "Alpha Operations GmbH" \
	--url https://alpha.example.org/ --time 2026-02-01T11:00:00Z
e sign -C "$R" --no-commit --key "$K/gamma.key" --name "Gamma Genossenschaft eG" \
	--url https://gamma.example.org/ --time 2026-02-01T15:20:00Z
e rotate -C "$R" --no-commit --key "$K/beta.key" --new-key "$K/beta2.key" \
	--time 2026-02-02T08:00:00Z
e sign -C "$R" --no-commit --key "$K/beta2.key" --name "Beta & Partners" \
	--url https://beta.example.org/about --time 2026-02-02T08:05:00Z
e revoke -C "$R" --no-commit --key "$K/log.key" --target "$K/gamma.vkey" \
	--reason "key reported lost by the organization" --time 2026-02-03T12:00:00Z
e sign -C "$R" --no-commit --key "$K/gamma2.key" --name "Gamma Genossenschaft eG" \
	--url https://gamma.example.org/ --document "$v1" --time 2026-02-04T09:30:00Z
e sign -C "$R" --no-commit --key "$K/delta.key" --name "Délta Coopérative SCOP" \
	--url https://delta.example.org/fr/ --time 2026-02-05T16:45:00Z
e sign -C "$R" --no-commit --key "$K/epsilon.key" --name "Epsilon Cloud AG" \
	--url https://epsilon.example.org/ --time 2026-02-06T10:00:00Z
e withdraw -C "$R" --no-commit --key "$K/alpha.key" --document "$v1" \
	--time 2026-02-07T10:00:00Z
e withdraw -C "$R" --no-commit --key "$K/epsilon.key" --time 2026-02-08T10:00:00Z
e sign -C "$R" --no-commit --key "$K/zeta.key" --name "Zeta Hosting e.V." \
	--url https://zeta.example.org/ --time 2026-02-09T10:00:00Z
confirm() {  # ORG KEYNAME METHOD TIME
	local vkey origin
	vkey=$(cat "$K/$2.vkey")
	origin=$(cat "$K/log.vkey")
	origin=${origin%%+*}
	"$FORGE" line --key "$K/log.key" --origin "$origin" --log "$R/log/endorsements.jsonl" \
		--statement "{\"type\":\"confirm\",\"org\":\"$1\",\"key\":\"$vkey\",\"method\":\"$3\",\"time\":\"$4\"}" \
		>"$tmp/line" || exit 1
	cat "$tmp/line" >>"$R/log/endorsements.jsonl"
}
confirm alpha.example.org alpha https 2026-02-10T09:00:00Z
confirm delta.example.org delta dns 2026-02-10T09:05:00Z
confirm zeta.example.org zeta https 2026-02-10T09:10:00Z
e rotate -C "$R" --no-commit --key "$K/zeta.key" --new-key "$K/zeta2.key" \
	--time 2026-02-11T08:00:00Z
"$ENDORSE" verify -C "$R" >/dev/null

rm -rf "$out/keys" "$out/log"
mkdir -p "$out/keys/orgs" "$out/log"
cp "$R/keys/policy" "$out/keys/policy"
cp "$R"/keys/orgs/*.vkey "$out/keys/orgs/"
cp "$R/log/endorsements.jsonl" "$out/log/endorsements.jsonl"
"$ENDORSE" verify -C "$out"
