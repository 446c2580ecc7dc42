#!/usr/bin/env bash
# shellcheck disable=SC2154 # FP_<name>: set by ssh_key through printf -v
# End-to-end cases of keys that never touch the disk (issue 19): keys an
# ssh agent holds, with OpenSSH's real ssh-agent on a socket in the case's
# directory. The key file is a reference (no secret); every command that
# signs asks the agent, and every signature is checked before it is used.
#
# usage: agent.sh CASE   (ENDORSE = the endorse binary)
set -euo pipefail

CASE=${1:?usage: agent.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
command -v ssh-agent >/dev/null && command -v ssh-add >/dev/null &&
	command -v ssh-keygen >/dev/null || skip "OpenSSH's ssh-agent, ssh-add and ssh-keygen are needed"
need_plain_git

AGENT_PID=
FAKE_PID=
trap '[ -z "$AGENT_PID" ] || kill "$AGENT_PID" 2>/dev/null; [ -z "$FAKE_PID" ] || kill "$FAKE_PID" 2>/dev/null; rm -rf "$T"' EXIT
unset SSH_AUTH_SOCK SSH_AGENT_PID

# start_agent: a real ssh-agent on $T/agent.sock, for this case only.
start_agent() {
	ssh-agent -a "$T/agent.sock" -s >"$T/agent.env"
	AGENT_PID=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' "$T/agent.env")
	export SSH_AUTH_SOCK="$T/agent.sock"
}

# ssh_key NAME [TYPE]: an OpenSSH key $T/ssh/NAME (ed25519 by default) added
# to the agent; FP_NAME is its fingerprint as ssh-add -l prints it.
ssh_key() {
	mkdir -p "$T/ssh"
	ssh-keygen -q -t "${2:-ed25519}" -N '' -C "$1" -f "$T/ssh/$1"
	ssh-add -q "$T/ssh/$1" 2>/dev/null
	printf -v "FP_$1" '%s' "$(ssh-keygen -l -E sha256 -f "$T/ssh/$1.pub" | cut -d' ' -f2)"
}

# note_sig NOTE KEYNAME OUT: the raw 64-byte signature of KEYNAME in a signed
# note (its base64 after the 4-byte key ID), and the note's text in OUT.msg.
note_sig() {
	"$PY" - "$1" "$2" "$3" <<'EOF'
import base64, sys
note, name, out = sys.argv[1:4]
text, sigs = open(note, "rb").read().split(b"\n\n", 1)
open(out + ".msg", "wb").write(text + b"\n")
for line in sigs.decode().splitlines():
    if line.startswith("\u2014 " + name + " "):
        open(out, "wb").write(base64.b64decode(line.split()[-1])[4:])
        break
else:
    sys.exit("no signature by " + name)
EOF
}

case "$CASE" in
journey)
	# The log key and a witness key in the agent; an organisation starts
	# with a key file and rotates to a key in the agent; every write
	# verifies, and OpenSSL verifies a signature made through the agent.
	start_agent
	ssh_key logkey
	ssh_key orgkey
	ssh_key witness
	make_docs
	expect_rc 0 keygen -s "$K/log.key" -p "$K/log.vkey" "$ORIGIN" --ssh-agent "$FP_logkey"
	err_has "the key stays in an ssh agent"
	grep -q '^endorse-key-reference-v1$' "$K/log.key" || die "log.key is not a reference"
	[ "$(stat -c %a "$K/log.key")" = 600 ] || die "the reference is not mode 0600"
	! grep -qi "seed\|private" "$K/log.key" || die "the reference holds a secret"
	expect_rc 0 key show "$K/log.key"
	out_has "a key an ssh agent holds (ssh-agent, $FP_logkey); the file holds no secret"
	out_has "public key: $(vkey log)"
	git init -q -b main "$R"
	g() { git -C "$R" "$@"; }
	g config user.name "Agent Maintainer"
	g config user.email agent@example.org
	expect_rc 0 init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --no-workflow
	keygen org0 org0.example.org
	expect_rc 0 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/
	# the organisation rotates from its key file to a key in the agent
	expect_rc 0 keygen -s "$K/org0-agent.key" -p "$K/org0-agent.vkey" org0.example.org \
		--ssh-agent "$FP_orgkey"
	expect_rc 0 rotate -C "$R" --key "$K/org0.key" --new-key "$K/org0-agent.key"
	expect_rc 0 withdraw -C "$R" --key "$K/org0-agent.key"
	# a witness cosigns through the agent
	expect_rc 0 keygen --witness -s "$K/w.key" -p "$K/w.vkey" witness.example --ssh-agent "$FP_witness"
	expect_rc 0 policy -C "$R" add-witness witness.example "$K/w.vkey"
	expect_rc 0 policy -C "$R" set-quorum witness.example
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	expect_rc 0 cosign -C "$R" --key "$K/w.key" --state "$T/wstate"
	expect_rc 0 verify -C "$R"
	out_has "valid: 4 entries"
	expect_rc 0 verify -C "$R" --history
	# OpenSSL checks a note signed through the agent, byte for byte
	printf 'hello from the agent\n' >"$T/hello.txt"
	"$ENDORSE" note sign --key "$K/log.key" <"$T/hello.txt" >"$T/hello.note" || die "note sign failed"
	note_sig "$T/hello.note" "$ORIGIN" "$T/hello.sig"
	cmp -s "$T/hello.sig.msg" "$T/hello.txt" || die "the note's text changed"
	openssl_verify "$(vkey log)" "$T/hello.txt" "$T/hello.sig"
	# and the log's checkpoint signature, by the log key in the agent
	note_sig "$R/log/checkpoint" "$ORIGIN" "$T/cp.sig"
	openssl_verify "$(vkey log)" "$T/cp.sig.msg" "$T/cp.sig"
	;;
refusals)
	# Each refusal says why, and nothing is written.
	make_docs
	# no agent at all
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --ssh-agent
	err_has "no ssh agent: SSH_AUTH_SOCK is not set"
	[ ! -e "$K/x.key" ] && [ ! -e "$K/x.vkey" ] || die "keygen wrote a key without an agent"
	start_agent
	# an agent holding no ssh-ed25519 key, then only an ecdsa one
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --ssh-agent
	err_has "holds no ssh-ed25519 key"
	ssh_key ec ecdsa
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --ssh-agent
	err_has "holds no ssh-ed25519 key, only keys of other types"
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --ssh-agent "$FP_ec"
	err_has "is a key of type ecdsa-sha2-nistp256: endorse signs with Ed25519 keys (ssh-ed25519) only"
	# two ed25519 keys: the fingerprint must say which
	ssh_key one
	ssh_key two
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --ssh-agent
	err_has "holds 2 ssh-ed25519 keys ($FP_one, $FP_two)"
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --ssh-agent SHA256:nosuchkey
	err_has "holds no key SHA256:nosuchkey"
	expect_rc 2 keygen -s "$K/x.key" -p "$K/x.vkey" example.org --ssh-agent --unencrypted
	err_has "--ssh-agent takes neither --unencrypted nor --passphrase-file"
	[ ! -e "$K/x.key" ] && [ ! -e "$K/x.vkey" ] || die "a refused keygen wrote a key"
	# a log whose key is in the agent
	expect_rc 0 keygen -s "$K/log.key" -p "$K/log.vkey" "$ORIGIN" --ssh-agent "$FP_one"
	expect_rc 0 init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --no-workflow
	cp "$LOG" "$T/log.before"
	# the key no longer in the agent
	ssh-add -q -d "$T/ssh/one.pub" 2>/dev/null
	expect_rc 2 document -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" \
		--title "E2E Manifesto" --url https://example.org/manifesto --id manifesto
	err_has "no longer holds the key $FP_one ($ORIGIN): add it again with ssh-add"
	cmp -s "$LOG" "$T/log.before" || die "the log changed although the agent lacks the key"
	# the agent gone
	kill "$AGENT_PID"
	AGENT_PID=
	for _ in $(seq 50); do [ -e "$T/agent.sock" ] || break; sleep 0.1; done
	expect_rc 2 document -C "$R" --key "$K/log.key" --document "$T/doc-v2.txt" \
		--title "E2E Manifesto" --url https://example.org/manifesto --id manifesto
	err_has "cannot reach the ssh agent at $T/agent.sock (SSH_AUTH_SOCK)"
	cmp -s "$LOG" "$T/log.before" || die "the log changed without an agent"
	# a reference edited by hand: another fingerprint, another kind, or
	# mode 0644
	cp -p "$K/log.key" "$T/loose.key"
	# (another first character: X, or Y where it was X)
	sed -i 's/^fingerprint SHA256:X/fingerprint SHA256:Y/; t; s/^fingerprint SHA256:./fingerprint SHA256:X/' "$K/log.key"
	expect_rc 1 key show "$K/log.key"
	err_has "the key reference was edited"
	expect_rc 0 keygen -s "$K/other.key" -p "$K/other.vkey" other.example --unencrypted
	"$PY" - "$K/log.key" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
lines[1] = "kind pkcs99"
open(p, "w").write("\n".join(lines))
EOF
	expect_rc 1 key show "$K/log.key"
	err_has "a key held by 'pkcs99', which this endorse does not know"
	chmod 644 "$T/loose.key"
	expect_rc 1 key show "$T/loose.key"
	err_has "group or others"
	;;
gpg-agent)
	# gpg-agent with enable-ssh-support (and so an OpenPGP card) speaks the
	# same protocol: its ed25519 authentication key, listed in sshcontrol,
	# holds the log key.
	command -v gpg >/dev/null && command -v gpgconf >/dev/null || skip "gpg and gpgconf are needed"
	export GNUPGHOME="$T/gnupg"
	mkdir -m 700 "$GNUPGHOME"
	echo enable-ssh-support >"$GNUPGHOME/gpg-agent.conf"
	trap 'gpgconf --kill gpg-agent 2>/dev/null || true; rm -rf "$T"' EXIT
	gpg --batch --quiet --passphrase '' --quick-gen-key 'Agent Test <agent@example.org>' \
		ed25519 auth never 2>/dev/null || die "gpg could not make an ed25519 key"
	gpg --with-colons --with-keygrip -K | awk -F: '$1 == "grp" { print $10; exit }' \
		>"$GNUPGHOME/sshcontrol"
	gpgconf --launch gpg-agent
	SSH_AUTH_SOCK=$(gpgconf --list-dirs agent-ssh-socket)
	export SSH_AUTH_SOCK
	fp=$(ssh-add -l | awk '{ print $2; exit }')
	case "$fp" in SHA256:*) ;; *) die "gpg-agent lists no ssh key: $(ssh-add -l)" ;; esac
	make_docs
	expect_rc 0 keygen -s "$K/log.key" -p "$K/log.vkey" "$ORIGIN" --ssh-agent
	expect_rc 0 key show "$K/log.key"
	out_has "$fp"
	out_has "holds it now"
	expect_rc 0 init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto --no-workflow
	keygen org0 org0.example.org
	expect_rc 0 sign -C "$R" --key "$K/org0.key" --name "Org Zero" --url https://org0.example.org/
	expect_rc 0 checkpoint -C "$R" --key "$K/log.key"
	expect_rc 0 verify -C "$R"
	out_has "valid: 2 entries"
	note_sig "$R/log/checkpoint" "$ORIGIN" "$T/cp.sig"
	openssl_verify "$(vkey log)" "$T/cp.sig.msg" "$T/cp.sig"
	;;
fake-agent)
	# What no real agent here does: a FIDO key (a security key is needed to
	# make one), a signature that does not verify, a message too long.
	make_docs
	keygen log "$ORIGIN"
	pk=$("$PY" -c 'import base64,sys; print(base64.b64decode(sys.argv[1].split("+", 2)[2])[1:].hex())' "$(vkey log)")
	fake() { # fake MODE: a fake agent on $T/fake-MODE.sock
		"$PY" "$HERE/../tools/fake_ssh_agent.py" "$T/fake-$1.sock" "$1" "$pk" >"$T/fake-$1.out" &
		FAKE_PID=$!
		for _ in $(seq 100); do grep -q ready "$T/fake-$1.out" 2>/dev/null && break; sleep 0.05; done
		export SSH_AUTH_SOCK="$T/fake-$1.sock"
	}
	fake sk
	# the fingerprint of the FIDO key the fake agent holds (its blob: type,
	# public key, application)
	fp=$("$PY" -c '
import base64, hashlib, struct, sys
s = lambda b: struct.pack(">I", len(b)) + b
blob = s(b"sk-ssh-ed25519@openssh.com") + s(bytes.fromhex(sys.argv[1])) + s(b"ssh:")
print("SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("="))' "$pk")
	expect_rc 2 keygen -s "$K/sk.key" -p "$K/sk.vkey" example.org --ssh-agent "$fp"
	err_has "is a FIDO security key (sk-ssh-ed25519@openssh.com): it signs a structure wrapping the message"
	[ ! -e "$K/sk.key" ] || die "keygen wrote a reference to a FIDO key"
	kill "$FAKE_PID"
	# a signature that does not verify never reaches the log
	fake bad-signature
	expect_rc 0 keygen -s "$K/bad.key" -p "$K/bad.vkey" "$ORIGIN" --ssh-agent
	expect_rc 1 init -C "$R" --key "$K/bad.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --no-workflow
	err_has "does not verify with the key's public key: nothing was signed"
	[ ! -e "$R/keys/policy" ] && [ ! -e "$LOG" ] || die "init wrote a log with a bad signature"
	kill "$FAKE_PID"
	# an answer longer than any agent's
	fake huge
	expect_rc 2 keygen -s "$K/h.key" -p "$K/h.vkey" example.org --ssh-agent
	err_has "sent a message of 16777216 bytes"
	kill "$FAKE_PID"
	FAKE_PID=
	;;
*)
	die "unknown case"
	;;
esac
echo "PASS [$CASE]"
