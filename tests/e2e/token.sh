#!/usr/bin/env bash
# End-to-end cases of keys on PKCS#11 tokens (issue 19): a SoftHSM2 token
# made by the case (SOFTHSM2_CONF in its directory), keys made on it by
# OpenSC's pkcs11-tool and by endorse keygen --generate, reached through
# the module itself or p11-kit's proxy (endorse's default: the modules
# p11-kit is configured with, SoftHSM2's among them).
#
# usage: token.sh CASE   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=${1:?usage: token.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_plain_git
SOFTHSM=/usr/lib/softhsm/libsofthsm2.so
[ -r "$SOFTHSM" ] && command -v softhsm2-util >/dev/null || skip "SoftHSM2 (Debian softhsm2) is needed"
command -v pkcs11-tool >/dev/null || skip "OpenSC's pkcs11-tool (Debian opensc) is needed"

# a token of its own, PIN 1234
export SOFTHSM2_CONF="$T/softhsm2.conf"
mkdir -p "$T/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$T/tokens" \
	>"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label endorse-e2e --pin 1234 --so-pin 5678 >/dev/null
printf '1234\n' >"$T/pin"
printf '9999\n' >"$T/wrong-pin"
TOKEN='pkcs11:token=endorse-e2e'
# What the modules keep or start that is not endorse's (token.supp,
# token.lsan say what), for memcheck and LeakSanitizer in this script only.
export VALGRIND_OPTS="--suppressions=$HERE/token.supp"
export LSAN_OPTIONS="suppressions=$HERE/token.lsan${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# tool_key LABEL ID: an Ed25519 key pair made on the token by pkcs11-tool
tool_key() {
	pkcs11-tool --module "$SOFTHSM" --token-label endorse-e2e --login --pin 1234 \
		--keypairgen --key-type EC:edwards25519 --label "$1" --id "$2" >/dev/null 2>&1 ||
		die "pkcs11-tool could not make the key $1"
}

case "$CASE" in
journey)
	# The log key generated on the token by endorse (through p11-kit's
	# proxy), an organisation's key made by pkcs11-tool, reached through
	# SoftHSM2's module; the organisation rotates from a key file to it.
	make_docs
	expect_rc 0 keygen -s "$K/log.key" -p "$K/log.vkey" "$ORIGIN" \
		--pkcs11 "$TOKEN;object=log" --pin-file "$T/pin" --generate
	grep -q '^module /.*p11-kit-proxy.so$' "$K/log.key" || die "the default module is not p11-kit's proxy"
	! grep -q 1234 "$K/log.key" || die "the reference holds the PIN"
	[ "$(stat -c %a "$K/log.key")" = 600 ] || die "the reference is not mode 0600"
	expect_rc 0 key show "$K/log.key"
	out_has "a key a PKCS#11 token holds (pkcs11, $TOKEN;object=log)"
	tool_key org0-token 0a
	expect_rc 0 keygen -s "$K/org0-token.key" -p "$K/org0-token.vkey" org0.example.org \
		--pkcs11 "$TOKEN;object=org0-token" --pkcs11-module "$SOFTHSM" --pin-file "$T/pin"
	git init -q -b main "$R"
	git -C "$R" config user.name "Token Maintainer"
	git -C "$R" config user.email token@example.org
	expect_rc 0 init -C "$R" --key "$K/log.key" --passphrase-file "$T/pin" --document "$T/doc-v1.txt" \
		--title "E2E Manifesto" --url https://example.org/manifesto --id manifesto --no-workflow
	keygen org0 org0.example.org
	expect_rc 0 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/
	# rotate: the new key on the token (its PIN from --new-passphrase-file)
	expect_rc 0 rotate -C "$R" --key "$K/org0.key" --new-key "$K/org0-token.key" \
		--new-passphrase-file "$T/pin"
	expect_rc 0 withdraw -C "$R" --key "$K/org0-token.key" --passphrase-file "$T/pin"
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key" --passphrase-file "$T/pin"
	expect_rc 0 verify -C "$R"
	out_has "valid: 4 entries"
	expect_rc 0 verify -C "$R" --history
	# OpenSSL checks the checkpoint's signature made on the token
	"$PY" - "$R/log/checkpoint" "$ORIGIN" "$T/cp" <<'EOF'
import base64, sys
note, name, out = sys.argv[1:4]
text, sigs = open(note, "rb").read().split(b"\n\n", 1)
open(out + ".msg", "wb").write(text + b"\n")
line, = [l for l in sigs.decode().splitlines() if l.startswith("\u2014 " + name + " ")]
open(out + ".sig", "wb").write(base64.b64decode(line.split()[-1])[4:])
EOF
	openssl_verify "$(vkey log)" "$T/cp.msg" "$T/cp.sig"
	;;
refusals)
	# Each refusal says why, and nothing is written.
	trust=$(find /usr/lib -name p11-kit-trust.so -path '*pkcs11*' 2>/dev/null | head -n 1)
	[ -n "$trust" ] || skip "p11-kit's trust module (Debian p11-kit-modules), a token without CKM_EDDSA, is needed"
	make_docs
	tool_key org 01
	nothing() { [ ! -e "$K/x.key" ] && [ ! -e "$K/x.vkey" ] || die "keygen wrote a key: $1"; }
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --pkcs11 'pkcs11:token=no-such-token;object=org' \
		--pkcs11-module "$SOFTHSM" --pin-file "$T/pin"
	err_has "no token matches pkcs11:token=no-such-token;object=org"
	nothing "token absent"
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --pkcs11 "$TOKEN;object=org" \
		--pkcs11-module "$SOFTHSM" --pin-file "$T/wrong-pin"
	err_has "wrong PIN for the token (not tried again"
	nothing "wrong PIN"
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --pkcs11 "$TOKEN;object=nothing" \
		--pkcs11-module "$SOFTHSM" --pin-file "$T/pin"
	err_has "the token holds no Ed25519 private key matching $TOKEN;object=nothing (--generate makes one)"
	nothing "object not found"
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --pkcs11 "$TOKEN;id=%ff" \
		--pkcs11-module "$SOFTHSM" --pin-file "$T/pin" --generate
	err_has "--generate needs the key's label in the URI (object=...)"
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --pkcs11 "not-a-uri" --pin-file "$T/pin"
	err_has "a PKCS#11 URI starts with pkcs11:"
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --pin-file "$T/pin"
	err_has "--pkcs11-module, --pin-file and --generate go with --pkcs11"
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --pkcs11 "$TOKEN;object=org" --unencrypted
	err_has "--pkcs11 takes neither --ssh-agent, --unencrypted nor --passphrase-file"
	# a token without CKM_EDDSA: p11-kit's trust module
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --pkcs11 'pkcs11:token=System%20Trust' \
		--pkcs11-module "$trust"
	err_has "does not sign with Ed25519 (no CKM_EDDSA)"
	nothing "no CKM_EDDSA"
	# a log whose key is on the token; a wrong PIN at a write, one try
	expect_rc 0 keygen -s "$K/log.key" -p "$K/log.vkey" "$ORIGIN" --pkcs11 "$TOKEN;object=org" \
		--pkcs11-module "$SOFTHSM" --pin-file "$T/pin"
	expect_rc 0 init -C "$R" --key "$K/log.key" --passphrase-file "$T/pin" --document "$T/doc-v1.txt" \
		--title "E2E Manifesto" --url https://example.org/manifesto --id manifesto --no-workflow
	cp "$LOG" "$T/log.before"
	expect_rc 2 document -C "$R" --key "$K/log.key" --passphrase-file "$T/wrong-pin" \
		--document "$T/doc-v2.txt" --title "E2E Manifesto" --url https://example.org/manifesto --id manifesto
	err_has "wrong PIN for the token"
	cmp -s "$LOG" "$T/log.before" || die "the log changed after a wrong PIN"
	# a reference edited by hand: another key's vkey
	keygen other "$ORIGIN"
	sed -i "s|^vkey .*|vkey $(vkey other)|" "$K/log.key"
	expect_rc 2 document -C "$R" --key "$K/log.key" --passphrase-file "$T/pin" \
		--document "$T/doc-v2.txt" --title "E2E Manifesto" --url https://example.org/manifesto --id manifesto
	err_has "is not the reference's"
	cmp -s "$LOG" "$T/log.before" || die "the log changed with an edited reference"
	;;
*)
	die "unknown case"
	;;
esac
echo "PASS [$CASE]"
