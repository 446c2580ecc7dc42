#!/usr/bin/env bash
# End-to-end cases of the library's DNS lookups (src/lib/dns.c) against a
# real DNS server on 127.0.0.1 (dnsmasq, started by net.sh), through
# tests/tools/dnsq, which prints what a lookup returned as one JSON line.
#
# usage: dns.sh CASE   (ENDORSE, DNSQ = tests/tools/dnsq)
set -euo pipefail

CASE=${1:?usage: dns.sh CASE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=net.sh
. "$HERE/net.sh"
: "${DNSQ:?DNSQ must name tests/tools/dnsq}"

# q ARGS...: dnsq through $DNS_SERVER, output in $T/q.
q() {
	"$DNSQ" --server "$DNS_SERVER" --timeout "${TIMEOUT_MS:-5000}" "$@" >"$T/q" 2>"$T/q.err" ||
		{ cat "$T/q.err" >&2; die "dnsq $* failed"; }
	echo "dnsq $*: $(head -c 2000 "$T/q")"
}

has() {
	grep -q -F -- "$1" "$T/q" || die "dnsq's answer does not contain '$1'"
}

hasnt() {
	if grep -q -F -- "$1" "$T/q"; then die "dnsq's answer contains '$1'"; fi
}

VKEY='endorse1 example.test ed25519 AAAA'

# no_answer_within_1s KIND NAME: against a server that never answers, a
# lookup with a 1 s deadline gives up after about 1 s and says so.
no_answer_within_1s() {
	local start elapsed_ms most=3000
	# memcheck's own start takes about a second more
	[ -n "${ENDORSE_UNDER_VALGRIND:-}" ] && most=10000
	dns_start_silent
	start=$(date +%s%N)
	TIMEOUT_MS=1000 q "$1" "$2"
	elapsed_ms=$((($(date +%s%N) - start) / 1000000))
	has '"rc":"io"'
	has "no answer from $DNS_SERVER within 1 s"
	[ "$elapsed_ms" -lt "$most" ] || die "a 1 s lookup took $elapsed_ms ms"
	[ "$elapsed_ms" -ge 900 ] || die "a 1 s lookup gave up after $elapsed_ms ms"
}

case "$CASE" in
txt-published)
	dns_start --txt-record=_endorse.example.test,"$VKEY"
	q txt _endorse.example.test
	has '"rc":"ok"'
	has "\"records\":[{\"hex\":\"$(printf '%s' "$VKEY" | od -An -tx1 | tr -d ' \n')\",\"length\":${#VKEY},\"text\":\"$VKEY\"}]"
	# dnsmasq does not validate: no AD bit
	has '"authenticated":false'
	;;
txt-absent)
	# the name exists (it has an address) but has no TXT record: NODATA
	dns_start --host-record=_endorse.example.test,127.0.0.1
	q txt _endorse.example.test
	has '"rc":"ok"'
	has '"records":[]'
	;;
txt-several)
	dns_start --txt-record=_endorse.example.test,one --txt-record=_endorse.example.test,two \
		--txt-record=_endorse.example.test,three
	q txt _endorse.example.test
	has '"rc":"ok"'
	has '"text":"one"'
	has '"text":"two"'
	has '"text":"three"'
	[ "$(grep -o '"length"' "$T/q" | wc -l)" -eq 3 ] || die "not three records"
	;;
txt-split)
	# one record of three character-strings: one record, concatenated
	dns_start --txt-record=_endorse.example.test,"endorse1 exa","mple.test ed25519 ","AAAA"
	q txt _endorse.example.test
	has '"rc":"ok"'
	has "\"length\":${#VKEY},\"text\":\"$VKEY\"}]"
	[ "$(grep -o '"length"' "$T/q" | wc -l)" -eq 1 ] || die "not one record"
	;;
txt-nxdomain)
	dns_start --txt-record=_endorse.other.test,x
	q txt _endorse.example.test
	has '"rc":"notfound"'
	has 'NXDOMAIN'
	has '"records":[]'
	;;
txt-refused)
	# dnsmasq refuses names outside its zone (it has no upstream server)
	dns_start
	q txt _endorse.example.org
	has '"rc":"io"'
	has "REFUSED by $DNS_SERVER"
	;;
txt-timeout)
	no_answer_within_1s txt _endorse.example.test
	;;
txt-servfail)
	dns_start_servfail
	q txt _endorse.example.test
	has '"rc":"io"'
	has "SERVFAIL from $DNS_SERVER"
	;;
txt-authenticated)
	# the resolver's AD bit is reported as it is
	dns_start_ad
	q txt _endorse.example.test
	has '"rc":"ok"'
	has '"authenticated":true'
	has '"records":[]'
	;;
txt-connection-refused)
	DNS_SERVER="127.0.0.1:$(net_unused_port)"
	q txt _endorse.example.test
	has '"rc":"io"'
	has "connection refused by $DNS_SERVER"
	;;
txt-large)
	# 4,000 bytes in 16 character-strings: more than a UDP answer without
	# EDNS holds (512 bytes), so it comes over TCP after truncation
	part=$(printf 'x%.0s' $(seq 1 249))
	strings=$(for i in $(seq 10 25); do printf ',%s%s' "$i" "${part%?}"; done)
	dns_start "--txt-record=_endorse.example.test$strings"
	q txt _endorse.example.test
	has '"rc":"ok"'
	has '"length":4000,'
	[ "$(grep -o '"length"' "$T/q" | wc -l)" -eq 1 ] || die "not one record"
	;;
txt-bytes)
	# a record with control characters and bytes that are not UTF-8, kept
	# whole (dnsmasq reads \e and raw bytes from a file, not from its command
	# line; a NUL it cannot serve)
	printf 'txt-record=_endorse.example.test,"a\\eb\\tc\377\300"\n' >"$T/zone.conf"
	dns_start --conf-file="$T/zone.conf"
	q txt _endorse.example.test
	has '"rc":"ok"'
	has '"hex":"611b620963ffc0","length":7}'
	hasnt '"text"'
	;;
server-usage)
	for s in '' 'example.test' '127.0.0.1:0' '127.0.0.1:65536' '127.0.0.1:x' '[::1' '[::1]x' \
		'1.2.3.4.5' '[127.0.0.1]:53'; do
		DNS_SERVER=$s q txt _endorse.example.test
		has '"rc":"usage"'
	done
	;;
server-ipv6)
	grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null || skip "no ::1 on this machine"
	DNS_LISTEN=::1 dns_start --txt-record=_endorse.example.test,"$VKEY"
	[ "${DNS_SERVER%%]*}" = "[::1" ] || die "not on ::1: $DNS_SERVER"
	q txt _endorse.example.test
	has "\"text\":\"$VKEY\""
	;;
addresses-loopback)
	dns_start --address=/example.test/127.0.0.1 --address=/example.test/::1
	q addresses example.test
	has '"rc":"ok"'
	has '{"address":"127.0.0.1","public":false}'
	has '{"address":"::1","public":false}'
	;;
addresses-public)
	# no traffic goes to these: the fake zone only names them
	dns_start --address=/example.test/8.8.8.8 --address=/example.test/2001:4860:4860::8888 \
		--address=/doc.test/192.0.2.1
	q addresses example.test
	has '"rc":"ok"'
	has '{"address":"8.8.8.8","public":true}'
	has '{"address":"2001:4860:4860::8888","public":true}'
	q addresses doc.test
	has '{"address":"192.0.2.1","public":false}'
	;;
addresses-nxdomain)
	dns_start --address=/other.test/8.8.8.8
	q addresses example.test
	has '"rc":"notfound"'
	has '"addresses":[]'
	;;
addresses-refused)
	dns_start
	q addresses example.org
	has '"rc":"io"'
	has "REFUSED"
	;;
addresses-timeout)
	no_answer_within_1s addresses example.test
	;;
*)
	die "unknown case"
	;;
esac
