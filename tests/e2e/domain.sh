#!/usr/bin/env bash
# endorse domain publish and check (SPEC.md §7) against real servers on
# loopback: an HTTPS server (https_server.py) with certificates of a CA made
# here by openssl, and dnsmasq (net.sh). Nothing in the client is mocked;
# --connect-to (or, as root, --resolve) points the organisation's name at
# the local server.
#
# usage: domain.sh CASE
set -euo pipefail

CASE=${1:?usage: domain.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"

. "$HERE/net.sh"  # dnsmasq, and NET_PIDS: every server here is stopped on exit

need_https() {
	command -v openssl >/dev/null || skip "openssl is needed to make the test CA"
	"$PY" -c 'import ssl, http.server' 2>/dev/null || skip "python3 with ssl is needed"
}

ORG=org0.example.org
DOCS="$T/www"

# make_certs: a CA, and leaf certificates from it for the organisations
# (good), for another name (other) and expired in 2020 (expired); and a
# self-signed one (self).
make_certs() {
	local c="$T/ca"
	mkdir -p "$c/new"
	: >"$c/index.txt"
	echo 01 >"$c/serial"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=endorse-e2e-ca -keyout "$c/ca.key" -out "$c/ca.pem" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		2>/dev/null || die "openssl cannot make the CA"
	cat >"$c/ca.cnf" <<EOF
[ca]
default_ca = e2e
[e2e]
database = $c/index.txt
new_certs_dir = $c/new
serial = $c/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
EOF
	leaf good "DNS:org0.example.org,DNS:org1.example.org,DNS:org2.example.org" \
		-days 2
	leaf other "DNS:other.example.net" -days 2
	leaf expired "DNS:org0.example.org" -startdate 20200101000000Z -enddate 20200102000000Z
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=$ORG -addext subjectAltName=DNS:$ORG -keyout "$c/self.key" \
		-out "$c/self.pem" 2>/dev/null || die "openssl cannot make the self-signed certificate"
}

# leaf NAME SAN [openssl ca dates...]
leaf() {
	local c="$T/ca" name=$1 san=$2
	shift 2
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
		"$san" >"$c/$name.ext"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-subj "/CN=${san#DNS:}" -keyout "$c/$name.key" -out "$c/$name.csr" 2>/dev/null &&
	openssl ca -batch -notext -config "$c/ca.cnf" -cert "$c/ca.pem" -keyfile "$c/ca.key" \
		-in "$c/$name.csr" -out "$c/$name.pem" -extfile "$c/$name.ext" "$@" 2>"$c/$name.err" ||
		{ cat "$c/$name.err" >&2; die "openssl cannot make the $name certificate"; }
}

# serve CERT [ADDR PORT]: starts an HTTPS server with that certificate and
# sets PORT to where it listens.
serve() {
	local name=$1 pf="$T/port.$1.$RANDOM"
	"$PY" "$HERE/https_server.py" "$T/ca/$name.pem" "$T/ca/$name.key" "$DOCS" "$pf" \
		"${2:-127.0.0.1}" "${3:-0}" 2>"$T/server.$name.err" &
	NET_PIDS+=($!)
	for _ in $(seq 100); do
		[ -s "$pf" ] && break
		kill -0 "$!" 2>/dev/null || { cat "$T/server.$name.err" >&2; die "the $name server did not start"; }
		sleep 0.1
	done
	[ -s "$pf" ] || die "the $name server did not start within 10 s"
	PORT=$(cat "$pf")
}

# place ORG FILE CONTENT: what the server answers for ORG (FILE: body,
# status, big, stream or hang; the others are removed).
place() {
	mkdir -p "$DOCS/$1"
	rm -f "$DOCS/$1"/{body,status,big,stream,hang}
	printf '%s' "$3" >"$DOCS/$1/$2"
}

# expect_check N [ARGS...]: domain check of the log in $R over the server at
# $PORT exits N.
expect_check() {
	local want=$1
	shift
	expect_rc "$want" domain check -C "$R" --method https --cacert "$T/ca/ca.pem" --timeout 5 \
		--connect-to "$ORG:443:127.0.0.1:$PORT" \
		--connect-to "org1.example.org:443:127.0.0.1:$PORT" \
		--connect-to "org2.example.org:443:127.0.0.1:$PORT" "$@"
}

# expect_dns N [ARGS...]: domain check --method dns of the log in $R against
# the DNS server of dns_start exits N.
expect_dns() {
	local want=$1
	shift
	expect_rc "$want" domain check -C "$R" --method dns --timeout 5 --dns-server "$DNS_SERVER" "$@"
}

# dns_example [DNSMASQ-OPTIONS...]: dns_start, authoritative for example.org
# too (the organisations of build_base).
dns_example() {
	dns_start --local=/example.org/ "$@"
}

# A log with org0 and org1, and a server with the CA's certificate.
setup() {
	need_https
	make_certs
	build_base
	serve good
}

# no_raw_bytes FILE: no control character but LF and no invalid UTF-8.
no_raw_bytes() {
	"$PY" - "$1" <<'EOF' || die "$1 holds raw control bytes or invalid UTF-8"
import sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8")
assert not any((ord(c) < 32 and c != "\n") or 0x7f <= ord(c) < 0xa0 for c in text), repr(text[:200])
EOF
}

case "$CASE" in
publish)
	build_base
	expect_rc 0 domain publish -C "$R" $ORG
	cat >"$T/want" <<EOF
Serve this as https://$ORG/.well-known/endorse-keys (status 200, no redirect; one line per key):
$(vkey org0)
Or add this TXT record to _endorse.$ORG:
endorse-vkey=$(vkey org0)
EOF
	cmp -s "$T/out" "$T/want" || die "publish printed something else"
	expect_rc 0 domain publish --key "$K/org0.vkey"
	cmp -s "$T/out" "$T/want" || die "publish --key FILE printed something else"
	expect_rc 0 domain publish --key "$(vkey org0)"
	cmp -s "$T/out" "$T/want" || die "publish --key VKEY printed something else"
	fixture keygen --unencrypted org5.example.org
	expect_rc 0 domain publish --key org5.example.org
	out_has "endorse-vkey=org5.example.org+"
	;;
publish-refusals)
	build_base
	expect_rc 2 domain publish -C "$R" org9.example.org
	err_has "no current key"
	expect_rc 2 domain publish -C "$R" ../../etc/passwd
	err_has "not an organization id"
	expect_rc 2 domain publish --key "$K/log.vkey"
	err_has "not an organization's key"
	expect_rc 2 domain publish -C "$R"
	expect_rc 2 domain publish -C "$R" $ORG --key "$K/org0.vkey"
	;;
https-published)
	setup
	place $ORG body "$(vkey org0)"$'\n'
	place org1.example.org body "$(vkey org1)"$'\n'
	expect_check 0
	out_has "$ORG: https: published"
	out_has "org1.example.org: https: published"
	out_has "2 of 2 organizations checked"
	expect_check 0 $ORG
	grep -q org1 "$T/out" && die "an organisation not named was checked"
	;;
https-not-published)
	setup
	place $ORG body ""
	place org1.example.org body "$(vkey org1)"$'\n'
	expect_check 1
	out_has "$ORG: https: not published (lists 0 other keys)"
	out_has "org1.example.org: https: published"
	;;
https-other-key)
	setup
	place $ORG body "$(vkey org1)"$'\n'
	expect_check 1 $ORG
	out_has "$ORG: https: not published (lists 1 other key: $(vkey org1))"
	;;
https-two-keys)
	setup
	place $ORG body "$(vkey org1)"$'\n'"$(vkey org0)"$'\n'
	expect_check 0 $ORG
	out_has "$ORG: https: published"
	;;
https-crlf-comments)
	setup
	place $ORG body "# endorse keys"$'\r\n\r\n'"#$(vkey org1)"$'\r\n'"not a key"$'\r\n'"$(vkey org0)"$'\r\n'
	expect_check 0 $ORG
	out_has "$ORG: https: published; 1 line is not a vkey"
	# a CR alone does not end a line; a key with a space after it is no key
	place $ORG body "$(vkey org0) "$'\n'"$(vkey org0)"$'\r\r\n'
	expect_check 1 $ORG
	out_has "not published (lists 0 other keys); 2 lines are not a vkey"
	# the last line needs no LF
	place $ORG body "$(vkey org0)"
	expect_check 0 $ORG
	;;
https-status)
	setup
	place $ORG status 404
	expect_check 1 $ORG
	out_has "$ORG: https: unreachable: status 404"
	place $ORG status 500
	expect_check 1 $ORG
	out_has "$ORG: https: unreachable: status 500"
	;;
https-redirect)
	setup
	place org1.example.org body "$(vkey org0)"$'\n'
	place $ORG status "301 https://org1.example.org/.well-known/endorse-keys"
	expect_check 1 $ORG
	out_has "$ORG: https: unreachable: redirect refused (status 301)"
	place $ORG status "302 https://org1.example.org/.well-known/endorse-keys"
	expect_check 1 $ORG
	out_has "redirect refused (status 302)"
	;;
https-too-large)
	setup
	place $ORG big ""
	expect_check 1 $ORG
	out_has "$ORG: https: unreachable: too large: the body is over 65536 bytes"
	place $ORG stream ""
	expect_check 1 $ORG
	out_has "$ORG: https: unreachable: too large: the body is over 65536 bytes"
	# exactly 65,536 bytes is allowed
	"$PY" -c 'import sys; k = sys.argv[1] + "\n"; sys.stdout.write(k + "#" * (65536 - len(k) - 1) + "\n")' \
		"$(vkey org0)" >"$T/full"
	place $ORG body "$(cat "$T/full")"$'\n'
	[ "$(wc -c <"$DOCS/$ORG/body")" -eq 65536 ] || die "the full body is not 65536 bytes"
	expect_check 0 $ORG
	;;
https-timeout)
	setup
	place $ORG hang ""
	start=$(date +%s)
	run domain check -C "$R" $ORG --method https --cacert "$T/ca/ca.pem" --timeout 2 \
		--connect-to "$ORG:443:127.0.0.1:$PORT"
	[ "$RC" -eq 1 ] || die "a server that never answers: exit $RC"
	out_has "$ORG: https: unreachable: timeout"
	[ $(($(date +%s) - start)) -le 6 ] || die "--timeout 2 took over 6 s"
	# a server that accepts the connection and never speaks TLS
	"$PY" -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1]); time.sleep(60)' "$T/silent.port" &
	NET_PIDS+=($!)
	for _ in $(seq 100); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
	run domain check -C "$R" $ORG --method https --cacert "$T/ca/ca.pem" --timeout 2 \
		--connect-to "$ORG:443:127.0.0.1:$(cat "$T/silent.port")"
	[ "$RC" -eq 1 ] || die "a server that never speaks TLS: exit $RC"
	out_has "$ORG: https: unreachable: timeout"
	;;
https-tls)
	setup
	place $ORG body "$(vkey org0)"$'\n'
	serve other
	expect_check 1 $ORG
	out_has "$ORG: https: unreachable: TLS error"
	serve expired
	expect_check 1 $ORG
	out_has "$ORG: https: unreachable: TLS error"
	grep -q -i "expired" "$T/out" || die "the expired certificate is not called expired"
	serve self
	run domain check -C "$R" $ORG --method https --timeout 5 \
		--connect-to "$ORG:443:127.0.0.1:$PORT"
	[ "$RC" -eq 1 ] || die "a self-signed certificate without --cacert: exit $RC"
	out_has "$ORG: https: unreachable: TLS error"
	# the same server passes with its certificate as --cacert (curl's meaning)
	run domain check -C "$R" $ORG --method https --timeout 5 --cacert "$T/ca/self.pem" \
		--connect-to "$ORG:443:127.0.0.1:$PORT"
	[ "$RC" -eq 0 ] || die "a self-signed certificate given with --cacert: exit $RC"
	;;
https-no-proxy)
	# https_proxy in the environment is not used: the check still reaches the server
	setup
	place $ORG body "$(vkey org0)"$'\n'
	https_proxy=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9 \
		expect_check 0 $ORG
	;;
https-resolve)
	# --resolve with a server on 127.x.y.z:443: needs root for port 443
	[ "$(id -u)" -eq 0 ] || skip "--resolve to port 443 needs root"
	need_https
	make_certs
	build_base
	place $ORG body "$(vkey org0)"$'\n'
	addr="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 2))"
	"$PY" "$HERE/https_server.py" "$T/ca/good.pem" "$T/ca/good.key" "$DOCS" "$T/r.port" \
		"$addr" 443 2>"$T/r.err" &
	NET_PIDS+=($!)
	for _ in $(seq 100); do [ -s "$T/r.port" ] && break; kill -0 "$!" 2>/dev/null || break; sleep 0.1; done
	[ -s "$T/r.port" ] || skip "cannot listen on $addr:443: $(cat "$T/r.err")"
	expect_rc 0 domain check -C "$R" $ORG --method https --cacert "$T/ca/ca.pem" --timeout 5 \
		--resolve "$ORG:443:$addr"
	out_has "$ORG: https: published"
	;;
https-hostile)
	# what a stranger's server answers stays text in every format
	setup
	"$PY" - "$T/hostile" <<'EOF'
import sys
lines = [b"\x1b[31mred\x1b[0m", b"::error::injected", b"##[error]x", b"\xff\xfe\x00binary",
         b"\xe2\x80\xaeevil", b"%0A::warning::x"] + [b"x" * 4] * 9994
open(sys.argv[1], "wb").write(b"\n".join(lines) + b"\n")
EOF
	mkdir -p "$DOCS/$ORG"
	cp "$T/hostile" "$DOCS/$ORG/body"
	expect_check 1 $ORG
	# 10,000 lines, of which the one starting "##[" is a comment (SPEC: '#')
	out_has "$ORG: https: not published (lists 0 other keys); 9999 lines are not a vkey"
	no_raw_bytes "$T/out"
	expect_check 1 $ORG --format json
	no_raw_bytes "$T/out"
	"$PY" - "$T/out" <<'EOF' || die "json of a hostile body"
import json, sys
d = json.load(open(sys.argv[1]))
p = d["organizations"][0]["places"][0]
assert p["status"] == "not-published" and p["invalid_count"] == 9999, p
assert d["ok"] is False and d["failed"] == 1
EOF
	expect_check 1 $ORG --format github
	no_raw_bytes "$T/out"
	[ "$(grep -c '^::' "$T/out")" -eq 1 ] || die "github: not exactly one workflow command"
	# many valid keys: at most 5 shown, all counted
	for i in 1 2 3 4 5 6 7; do keygen many$i org$i.example.com; vkey many$i; done >"$DOCS/$ORG/body"
	expect_check 1 $ORG
	out_has "lists 7 other keys: $(vkey many1), "
	out_has " and 2 more)"
	grep -q -F "$(vkey many6)" "$T/out" && die "more than 5 listed keys were shown"
	expect_check 1 $ORG --format json
	"$PY" -c 'import json, sys; p = json.load(open(sys.argv[1]))["organizations"][0]["places"][0]
assert len(p["listed"]) == 5 and p["listed_count"] == 7, p' "$T/out" || die "json caps the listed keys"
	;;
formats)
	setup
	place $ORG body "$(vkey org1)"$'\n'"junk"$'\n'
	place org1.example.org body "$(vkey org1)"$'\n'
	expect_check 1 --format json
	"$PY" - "$T/out" "$(vkey org0)" "$(vkey org1)" <<'EOF' || die "json shape"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "endorse-domain-check/1" and d["ok"] is False, d
assert d["checked"] == 2 and d["failed"] == 1, d
o0, o1 = d["organizations"]
assert o0["id"] == "org0.example.org" and o0["key"] == sys.argv[2] and o0["published"] is False
assert o0["places"] == [{"method": "https", "status": "not-published", "listed": [sys.argv[3]],
    "listed_count": 1, "invalid_count": 1, "reason": None, "dnssec": False}], o0
assert o1["published"] is True and o1["places"][0]["status"] == "published"
EOF
	expect_check 1 --format github
	grep -q -F "::error file=keys/orgs/org0.example.org.vkey,title=endorse domain check org0.example.org::org0.example.org does not publish its current key. Put the line $(vkey org0) in https://org0.example.org/.well-known/endorse-keys or add the TXT record endorse-vkey=$(vkey org0) to _endorse.org0.example.org" "$T/out" ||
		die "github annotation"
	[ "$(grep -c '^::error' "$T/out")" -eq 1 ] || die "github: one annotation per failing organisation"
	out_has "org1.example.org: https: published"
	# as the workflow runs it: the annotation before ::stop-commands::, the rest inside
	"${ENDORSE_SOURCE:?}/.ci/stop-commands" "$ENDORSE" domain check -C "$R" --method https \
		--cacert "$T/ca/ca.pem" --timeout 5 --connect-to "$ORG:443:127.0.0.1:$PORT" \
		--connect-to "org1.example.org:443:127.0.0.1:$PORT" --format github >"$T/ci" 2>&1 &&
		die "stop-commands hid the exit status"
	head -n 1 "$T/ci" | grep -q '^::error file=keys/orgs/org0.example.org.vkey,title=' ||
		die "the annotation is not shown outside the stop-commands markers: $(head -n 2 "$T/ci")"
	sed -n 2p "$T/ci" | grep -q '^::stop-commands::' || die "no stop-commands marker after the annotation"
	place $ORG status 404
	expect_check 1 --format json
	"$PY" -c 'import json, sys; p = json.load(open(sys.argv[1]))["organizations"][0]["places"][0]
assert p["status"] == "unreachable" and p["reason"] == "status 404", p' "$T/out" || die "json reason"
	;;
usage)
	build_base
	expect_rc 2 domain check -C "$R" --method ftp
	err_has "unknown method"
	expect_rc 2 domain check -C "$R" --format xml
	expect_rc 2 domain check -C "$R" --timeout 0
	expect_rc 2 domain check -C "$R" 127.0.0.1
	err_has "not an organization id"
	expect_rc 2 domain check -C "$R" org9.example.org --method https
	err_has "has no current key"
	expect_rc 2 domain check -C "$R" --cacert "$T/missing.pem"
	expect_rc 2 domain
	expect_rc 0 domain check --help
	out_has "--connect-to"
	# an invalid log is not checked
	sed -i '2 s/Org Zero/Org Zer0/' "$LOG"
	expect_rc 2 domain check -C "$R" --method https
	err_has "the log does not verify"
	;;
key)
	# --key checks an organisation before its first signature, without a log
	need_https
	make_certs
	serve good
	keygen new org2.example.org
	place org2.example.org body "$(vkey new)"$'\n'
	expect_rc 0 domain check --key "$K/new.vkey" --method https --cacert "$T/ca/ca.pem" \
		--connect-to "org2.example.org:443:127.0.0.1:$PORT"
	out_has "org2.example.org: https: published"
	keygen org0 org0.example.org
	place org0.example.org body ""
	expect_rc 1 domain check --key "$K/org0.vkey" --method https --cacert "$T/ca/ca.pem" \
		--timeout 5 --connect-to "org0.example.org:443:127.0.0.1:$PORT"
	expect_rc 2 domain check --key "$K/new.vkey" org3.example.org
	;;
base)
	command -v git >/dev/null || skip "git is needed"
	setup
	export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=E2E GIT_AUTHOR_EMAIL=e2e@example.org \
		GIT_COMMITTER_NAME=E2E GIT_COMMITTER_EMAIL=e2e@example.org
	git -C "$R" init -q
	git -C "$R" config user.name E2E
	git -C "$R" config user.email e2e@example.org
	git -C "$R" add -A
	git -C "$R" commit -q -m base
	keygen org2 org2.example.org
	fixture sign -C "$R" --key "$K/org2.key" --name "Org Two" --url https://org2.example.org/ \
		--time 2026-01-01T00:05:00Z
	place $ORG body ""
	place org2.example.org body "$(vkey org2)"$'\n'
	expect_check 0 --base HEAD~1
	out_has "org2.example.org: https: published"
	grep -q "$ORG" "$T/out" && die "--base checked an organisation whose key is not new"
	out_has "1 of 1 organization checked"
	expect_check 1
	expect_check 0 --base HEAD
	out_has "no organization to check"
	;;
dns-published)
	build_base
	dns_example --txt-record="_endorse.$ORG,endorse-vkey=$(vkey org0)"
	expect_dns 0 $ORG
	out_has "$ORG: dns: published"
	;;
dns-absent)
	# the name exists (an address) but has no TXT record
	build_base
	dns_example --host-record="_endorse.$ORG,192.0.2.1"
	expect_dns 1 $ORG
	out_has "$ORG: dns: not published (lists 0 other keys)"
	;;
dns-several)
	build_base
	dns_example --txt-record="_endorse.$ORG,v=spf1 -all" \
		--txt-record="_endorse.$ORG,endorse-vkey=$(vkey org1)" \
		--txt-record="_endorse.$ORG,endorse-vkey=$(vkey org0)" \
		--txt-record="_endorse.$ORG,endorse-vkey=junk" \
		--txt-record="_endorse.org1.example.org,endorse-vkey=$(vkey org0)"
	expect_dns 0 $ORG
	out_has "$ORG: dns: published; 1 endorse-vkey record is not a vkey"
	expect_dns 1 org1.example.org
	out_has "org1.example.org: dns: not published (lists 1 other key: $(vkey org0))"
	;;
dns-split)
	# one record of several character-strings: concatenated (SPEC §7)
	build_base
	v=$(vkey org0)
	dns_example --txt-record="_endorse.$ORG,endorse-vkey=${v:0:20},${v:20:30},${v:50}"
	expect_dns 0 $ORG
	out_has "$ORG: dns: published"
	;;
dns-nxdomain)
	build_base
	dns_example --txt-record="_endorse.org1.example.org,endorse-vkey=$(vkey org1)"
	expect_dns 1
	out_has "$ORG: dns: not published (lists 0 other keys)"
	out_has "org1.example.org: dns: published"
	;;
dns-long-name)
	# An id of 247 bytes is valid (SPEC 1.1: at most 250), but _endorse.ID
	# passes DNS's 253: that place is reported, and the other place and the
	# other organisations are still checked.
	need_https
	long="$(printf 'a%.0s' $(seq 63)).$(printf 'b%.0s' $(seq 63)).$(printf 'c%.0s' $(seq 63)).$(printf 'd%.0s' $(seq 55))"
	[ ${#long} -eq 247 ] || die "the long id has ${#long} bytes"
	"$FIXTURE" keygen --unencrypted -s "$K/long.key" -p "$K/long.vkey" "$long" >/dev/null 2>&1 ||
		die "keygen of a 247-byte id"
	dns_start --local=/example.org/
	expect_rc 1 domain check --key "$K/long.vkey" --method any --timeout 2 --dns-server "$DNS_SERVER"
	out_has "$long: dns: unreachable: _endorse.$long is longer than a DNS name may be (253 bytes)"
	out_has "$long: https: unreachable: "
	;;
dns-timeout)
	# a resolver that never answers
	build_base
	dns_start_silent
	start=$(date +%s)
	expect_rc 1 domain check -C "$R" $ORG --method dns --timeout 2 --dns-server "$DNS_SERVER"
	out_has "$ORG: dns: unreachable: DNS failure"
	[ $(($(date +%s) - start)) -le 6 ] || die "--timeout 2 took over 6 s"
	;;
dns-hostile)
	# a 4,000-byte record in 16 strings, and escapes: text in every format
	build_base
	big=$("$PY" -c 'print(",".join(["endorse-vkey=" + "A" * 237] + ["B" * 250] * 15))')
	dns_example --txt-record="_endorse.$ORG,$big" \
		--txt-record="_endorse.$ORG,endorse-vkey=::error::x" \
		--txt-record="_endorse.$ORG,endorse-vkey=\\027[31m"
	for f in text json github; do
		expect_dns 1 $ORG --format $f
		no_raw_bytes "$T/out"
	done
	[ "$(grep -c '^::' "$T/out")" -eq 1 ] || die "github: not exactly one workflow command"
	expect_dns 1 $ORG
	out_has "$ORG: dns: not published (lists 0 other keys); 3 endorse-vkey records are not a vkey"
	;;
https-non-public)
	# a name that resolves to loopback, private or link-local is refused
	# without a --resolve or --connect-to for it
	need_https
	make_certs
	build_base
	serve good
	place $ORG body "$(vkey org0)"$'\n'
	dns_example --host-record="$ORG,127.0.0.1" --host-record="org1.example.org,10.1.2.3" \
		--host-record="org1.example.org,93.184.215.14" \
		--host-record="org2.example.org,169.254.169.254"
	expect_rc 1 domain check -C "$R" --method https --cacert "$T/ca/ca.pem" --timeout 5 \
		--dns-server "$DNS_SERVER"
	out_has "$ORG: https: unreachable: non-public address 127.0.0.1 of $ORG refused"
	out_has "org1.example.org: https: unreachable: non-public address 10.1.2.3 of org1.example.org refused"
	# the same name mapped explicitly is checked there
	expect_rc 0 domain check -C "$R" $ORG --method https --cacert "$T/ca/ca.pem" --timeout 5 \
		--dns-server "$DNS_SERVER" --connect-to "$ORG:443:127.0.0.1:$PORT"
	# entries that map nothing (curl would look the name up itself,
	# unchecked) do not turn the check off: --connect-to with an empty
	# HOST2, curl's syntax of --resolve only (+, -) given to --connect-to,
	# --resolve "-HOST" (forget)
	for e in "--connect-to=$ORG:443::$PORT" "--connect-to=+$ORG:443:127.0.0.1:$PORT" \
		"--connect-to=-$ORG:443:127.0.0.1:$PORT" "--resolve=-$ORG:443"; do
		expect_rc 1 domain check -C "$R" $ORG --method https --cacert "$T/ca/ca.pem" \
			--timeout 5 --dns-server "$DNS_SERVER" "$e"
		out_has "$ORG: https: unreachable: non-public address 127.0.0.1 of $ORG refused"
	done
	# a name that does not exist
	keygen org3 org3.example.org
	expect_rc 1 domain check --key "$K/org3.vkey" --method https --timeout 5 \
		--dns-server "$DNS_SERVER"
	out_has "org3.example.org: https: unreachable: DNS failure: org3.example.org does not exist (NXDOMAIN)"
	;;
method-any)
	# either place is enough; both are reported
	need_https
	make_certs
	build_base
	serve good
	place $ORG status 404
	dns_example --txt-record="_endorse.$ORG,endorse-vkey=$(vkey org0)"
	expect_rc 0 domain check -C "$R" $ORG --cacert "$T/ca/ca.pem" --timeout 5 \
		--dns-server "$DNS_SERVER" --connect-to "$ORG:443:127.0.0.1:$PORT"
	out_has "$ORG: https: unreachable: status 404"
	out_has "$ORG: dns: published"
	;;
confirm)
	# The operator's record (SPEC §4, §7): only after a live check passes,
	# one line signed by the log key, one commit; nothing twice; nothing when
	# the domain does not publish the key.
	setup
	git init -q "$R" && git -C "$R" add -A &&
		git -C "$R" -c user.name=e2e -c user.email=e2e@example.org commit -q -m base ||
		die "git init"
	git -C "$R" config user.name e2e && git -C "$R" config user.email e2e@example.org
	place $ORG body "# org0's keys"$'\n'"$(vkey org0)"$'\n'
	place org1.example.org body "$(vkey org0)"$'\n'
	NET=(--method https --cacert "$T/ca/ca.pem" --timeout 5 --connect-to "$ORG:443:127.0.0.1:$PORT"
		--connect-to "org1.example.org:443:127.0.0.1:$PORT")
	cp "$LOG" "$T/log.before"
	expect_rc 1 confirm -C "$R" org1.example.org --key "$K/log.key" "${NET[@]}"
	out_has "org1.example.org: https: not published (lists 1 other key: $(vkey org0))"
	out_has "not confirmed: org1.example.org does not publish its current key; nothing was written"
	cmp -s "$LOG" "$T/log.before" || die "a failed confirm changed the log"
	expect_rc 0 confirm -C "$R" $ORG --key "$K/log.key" "${NET[@]}"
	out_has "$ORG: https: published"
	out_has "appended entry 5 to log/endorsements.jsonl: confirm of $ORG's key $(vkey org0 | cut -d+ -f2), published on the domain's website (https)"
	out_has "committed "
	[ "$(git -C "$R" rev-list --count HEAD)" = 2 ] || die "confirm is not one commit"
	git -C "$R" log -1 --format=%s | grep -q "^endorse: $ORG publishes its key .* (https), confirmed by the log$" ||
		die "confirm's commit message: $(git -C "$R" log -1 --format=%s)"
	[ -z "$(git -C "$R" status --porcelain)" ] || die "confirm left the work tree dirty"
	[ "$(git -C "$R" show --format= --name-only HEAD)" = log/endorsements.jsonl ] ||
		die "confirm's commit changes more than the log: $(git -C "$R" show --format= --name-only HEAD)"
	"$PY" - "$LOG" "$(vkey org0)" "$(vkey log)" <<'EOF' || die "the confirm line"
import json, sys
line = json.loads(open(sys.argv[1]).read().splitlines()[5])
st = line["statement"]
assert st["type"] == "confirm" and st["org"] == "org0.example.org", st
assert st["key"] == sys.argv[2] and st["method"] == "https" and st["signer"] == sys.argv[3], st
assert set(st) == {"type", "org", "key", "method", "signer", "time"}, st
EOF
	verify_ok
	ok verify -C "$R" --history
	expect_rc 0 audit -C "$R" --org $ORG
	out_has "  domain: confirmed: the log operator found key $(vkey org0 | cut -d+ -f2) published on the domain's website (https)"
	# already confirmed: nothing to do, no network, no key
	cp "$LOG" "$T/log.before"
	expect_rc 0 confirm -C "$R" $ORG --key "$T/no-such.key" --connect-to "$ORG:443:127.0.0.1:1"
	out_has "nothing to do: $ORG's current key $(vkey org0 | cut -d+ -f2) was confirmed by the log operator"
	cmp -s "$LOG" "$T/log.before" || die "a second confirm changed the log"
	# an organisation's own key cannot sign a confirm: the write is refused
	place org1.example.org body "$(vkey org1)"$'\n'
	expect_rc 1 confirm -C "$R" org1.example.org --key "$K/org1.key" "${NET[@]}"
	err_has "a confirm must be signed by the log key"
	cmp -s "$LOG" "$T/log.before" || die "a confirm by an org key changed the log"
	[ -z "$(git -C "$R" status --porcelain)" ] || die "a refused confirm left the work tree dirty"
	;;
confirm-dns)
	# By DNS (method dns recorded), and after a rotation the older key's
	# confirm stays in history while the new key is not confirmed.
	need_https
	build_base
	keygen org1b org1.example.org
	dns_example "--txt-record=_endorse.org1.example.org,endorse-vkey=$(vkey org1)"
	expect_rc 0 confirm -C "$R" org1.example.org --key "$K/log.key" --method dns --timeout 5 \
		--dns-server "$DNS_SERVER"
	out_has "org1.example.org: dns: published"
	out_has "published in the domain's DNS (dns)"
	verify_ok
	ok rotate -C "$R" --key "$K/org1.key" --new-key "$K/org1b.key"
	verify_ok
	expect_rc 0 audit -C "$R" --org org1.example.org
	out_has "  domain: not confirmed for the current key (an older key, $(vkey org1 | cut -d+ -f2), was: published in the domain's DNS (dns)"
	# the new key is not published yet: nothing written
	cp "$LOG" "$T/log.before"
	expect_rc 1 confirm -C "$R" org1.example.org --key "$K/log.key" --method dns --timeout 5 \
		--dns-server "$DNS_SERVER"
	out_has "org1.example.org: dns: not published (lists 1 other key: $(vkey org1))"
	cmp -s "$LOG" "$T/log.before" || die "a failed confirm changed the log"
	;;
confirm-refusals)
	build_base
	expect_rc 2 confirm -C "$R" org2.example.org --key "$K/log.key" --timeout 1
	err_has "org2.example.org has never endorsed anything in this log"
	expect_rc 2 confirm -C "$R" 10.0.0.1 --key "$K/log.key"
	err_has "not an organization id"
	expect_rc 2 confirm -C "$R" $ORG
	expect_rc 2 confirm -C "$R" $ORG --key "$K/log.key" --method ftp
	err_has "unknown method 'ftp'"
	ok revoke -C "$R" --key "$K/log.key" --target "$K/org1.vkey" --reason "lost"
	expect_rc 2 confirm -C "$R" org1.example.org --key "$K/log.key" --timeout 1
	err_has "org1.example.org has no current key (its key was revoked)"
	printf 'x\n' >>"$LOG"
	expect_rc 1 confirm -C "$R" $ORG --key "$K/log.key" --timeout 1
	err_has "the log does not verify"
	;;
journey)
	# README's path, as a newcomer follows it: the organisation makes its key,
	# publishes what 'domain publish' prints on its (test) web server, checks
	# it, signs on a branch; the maintainer's 'domain check --base' passes,
	# the branch is merged, 'confirm' records the check, and the HTML page
	# shows the organisation as confirmed.
	need_https
	make_certs
	serve good
	make_docs
	keygen log "$ORIGIN"
	git init -q "$R" && git -C "$R" symbolic-ref HEAD refs/heads/main
	git -C "$R" config user.name maintainer && git -C "$R" config user.email m@example.org
	fixture init -C "$R" --key "$K/log.key" --document "$T/doc-v1.txt" --title "E2E Manifesto" \
		--url https://example.org/manifesto --id manifesto
	printf 'organisation passphrase\n' >"$T/pass"
	ok keygen org0.example.org --passphrase-file "$T/pass"
	expect_rc 0 domain publish --key org0.example.org
	sed -n 2p "$T/out" >"$T/body"
	[ "$(cat "$T/body")" = "$(cat "$HOME/.config/endorse/org0.example.org.vkey")" ] ||
		die "publish's body is not the key"
	mkdir -p "$DOCS/$ORG" && cp "$T/body" "$DOCS/$ORG/body"
	NET=(--method https --cacert "$T/ca/ca.pem" --timeout 5 --connect-to "$ORG:443:127.0.0.1:$PORT")
	expect_rc 0 domain check --key org0.example.org "${NET[@]}"
	out_has "$ORG: https: published"
	git -C "$R" switch -q -c endorse-org0
	ok sign -C "$R" --key org0.example.org --passphrase-file "$T/pass" --name "Org Zero" \
		--url https://org0.example.org/
	ok verify -C "$R" --base main
	expect_rc 0 domain check -C "$R" --base main "${NET[@]}" --format github
	out_has "$ORG: https: published"
	grep -q '^::error' "$T/out" && die "an annotation for a published key"
	git -C "$R" switch -q main && git -C "$R" merge -q --ff-only endorse-org0
	expect_rc 0 audit -C "$R" --format html
	grep -q '<dd>The keeper of the record found this organisation' "$T/out" || die "the page does not explain the mark"
	grep -q '<span class="mark"><span class="confirmed">' "$T/out" && die "the page marks an organisation not confirmed yet"
	expect_rc 0 confirm -C "$R" $ORG --key "$K/log.key" "${NET[@]}"
	out_has "published on the domain's website (https)"
	ok verify -C "$R" --history
	expect_rc 0 audit -C "$R" --format html
	grep -q '<span class="mark"><span class="confirmed">✓ domain confirmed</span> <small>(key found on its website, <time' "$T/out" ||
		die "the page does not mark org0 as confirmed"
	expect_rc 0 audit -C "$R" --format json
	"$PY" - "$T/out" <<'EOF' || die "audit json: org0 is not confirmed"
import json, sys
a = json.load(open(sys.argv[1]))
s = a["documents"][0]["signatories"]
assert len(s) == 1 and s[0]["org"] == "org0.example.org", s
c = s[0]["confirmed"]
assert c["status"] == "current" and c["method"] == "https" and c["seq"] == 2, c
EOF
	;;
*)
	die "unknown case '$CASE'"
	;;
esac
echo "ok [$CASE]"
