# Network servers for end-to-end tests (sourced after lib.sh, not run): on
# loopback only, each on a free port, each stopped when the script exits
# (the EXIT trap below replaces lib.sh's and still removes $T; a script that
# sets its own trap must call net_stop in it). Every server also dies by
# itself after NET_LIFETIME seconds, should the script be killed.
#
#   dns_start [DNSMASQ-OPTIONS...]   dnsmasq on 127.0.0.1, authoritative for
#       test. (NXDOMAIN for every name under test. it does not know, REFUSED
#       elsewhere); the options give the data, e.g.
#       --txt-record=_endorse.example.test,"endorse ..."  (more strings:
#       --txt-record=NAME,one,two: one record of two character-strings)
#       --address=/example.test/8.8.8.8
#       Sets DNS_SERVER=127.0.0.1:PORT; skips (exit 77) without dnsmasq.
#       DNS_LISTEN=::1 dns_start ...: on ::1 instead (DNS_SERVER=[::1]:PORT).
#   dns_start_silent   a DNS server on 127.0.0.1 (UDP and TCP) that reads
#       queries and never answers; sets DNS_SERVER. Skips without python3.
#   dns_start_ad, dns_start_servfail   a DNS server on 127.0.0.1 (UDP) that
#       answers every query with no records, with the AD bit set (as a
#       validating resolver would), or with SERVFAIL.
#   net_unused_port    prints a TCP and UDP port nobody listens on now.

NET_LIFETIME=${NET_LIFETIME:-300}
NET_PIDS=()

net_stop() {
	local pid
	for pid in "${NET_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	NET_PIDS=()
}
trap 'net_stop; rm -rf "$T"' EXIT

# net_listening PORT: something listens on 127.0.0.1:PORT (TCP) or [::1]:PORT.
net_listening() {
	local hex
	hex=$(printf '%04X' "$1")
	grep -q -E "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:0000 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# net_bound_udp PORT: something has UDP port PORT.
net_bound_udp() {
	local hex
	hex=$(printf '%04X' "$1")
	grep -q -E "^ *[0-9]+: [0-9A-F]+:$hex " /proc/net/udp /proc/net/udp6 2>/dev/null
}

net_unused_port() {
	local i port
	for i in $(seq 1 50); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if ! net_listening "$port" && ! net_bound_udp "$port"; then
			echo "$port"
			return 0
		fi
	done
	die "no free port found in 50 tries"
}

# net_wait_listening PID PORT WHAT LOG: up to 10 s for PID to listen on PORT.
net_wait_listening() {
	local pid=$1 port=$2 what=$3 log=$4 i
	for i in $(seq 1 200); do
		net_listening "$port" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	cat "$log" >&2
	die "$what did not listen on port $port within 10 s"
}

dns_start() {
	local dnsmasq port pid try listen=${DNS_LISTEN:-127.0.0.1}
	dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
	[ -x "$dnsmasq" ] || skip "dnsmasq is needed for a DNS server (Debian: dnsmasq-base)"
	command -v timeout >/dev/null || skip "timeout (coreutils) is needed to bound the DNS server"
	# A port taken between the look and dnsmasq's bind makes dnsmasq exit:
	# then another port.
	for try in 1 2 3 4 5; do
		port=$(net_unused_port)
		timeout "$NET_LIFETIME" "$dnsmasq" --keep-in-foreground --log-facility=- \
			--port="$port" --listen-address="$listen" --bind-interfaces \
			--no-resolv --no-hosts --conf-file=/dev/null --pid-file= \
			--local=/test/ "$@" >"$T/dnsmasq.log" 2>&1 &
		pid=$!
		NET_PIDS+=("$pid")
		if net_wait_listening "$pid" "$port" dnsmasq "$T/dnsmasq.log"; then
			case $listen in
			*:*) DNS_SERVER="[$listen]:$port" ;;
			*) DNS_SERVER="$listen:$port" ;;
			esac
			return 0
		fi
		grep -q -i "address.*in use" "$T/dnsmasq.log" ||
			{ cat "$T/dnsmasq.log" >&2; die "dnsmasq did not start"; }
	done
	die "dnsmasq found no free port in 5 tries"
}

# dns_start_python MODE: the test server of dns_start_silent, dns_start_ad
# and dns_start_servfail.
dns_start_python() {
	local pid i
	command -v "$PY" >/dev/null || skip "python3 is needed for this DNS server"
	rm -f "$T/pydns.port"
	timeout "$NET_LIFETIME" "$PY" -c '
import os, selectors, socket, sys
mode, port_file = sys.argv[1], sys.argv[2]

def reply(query):
    # the query header and question, flagged as an answer without records:
    # QR, RD copied, RA, AD for "ad", RCODE 2 for "servfail"
    end = 12
    while end < len(query) and query[end] != 0:
        end += query[end] + 1
    end += 5
    flags3 = 0x80 | (0x20 if mode == "ad" else 0) | (2 if mode == "servfail" else 0)
    return (query[:2] + bytes([0x80 | (query[2] & 1), flags3]) + query[4:6] +
        bytes(6) + query[12:end])

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
port = udp.getsockname()[1]
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.1", port))
tcp.listen(16)
with open(port_file + ".tmp", "w") as f:
    f.write(str(port))
os.rename(port_file + ".tmp", port_file)
sel = selectors.DefaultSelector()
sel.register(udp, selectors.EVENT_READ)
sel.register(tcp, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        s = key.fileobj
        if s is udp:
            data, peer = udp.recvfrom(65536)
            if mode != "silent" and len(data) > 12:
                udp.sendto(reply(data), peer)
        elif s is tcp:
            conn, _ = tcp.accept()
            sel.register(conn, selectors.EVENT_READ)
        elif not s.recv(65536):
            sel.unregister(s)
            s.close()
' "$1" "$T/pydns.port" >"$T/pydns.log" 2>&1 &
	pid=$!
	NET_PIDS+=("$pid")
	for i in $(seq 1 200); do
		[ -s "$T/pydns.port" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$T/pydns.log" >&2; die "the $1 DNS server did not start"; }
		sleep 0.05
	done
	[ -s "$T/pydns.port" ] || die "the $1 DNS server did not start within 10 s"
	DNS_SERVER="127.0.0.1:$(cat "$T/pydns.port")"
}

dns_start_silent() {
	dns_start_python silent
}

dns_start_ad() {
	dns_start_python ad
}

dns_start_servfail() {
	dns_start_python servfail
}
