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

dns_start_silent() {
	local pid
	command -v "$PY" >/dev/null || skip "python3 is needed for a DNS server that never answers"
	rm -f "$T/silent.port"
	# Binds UDP and TCP to the same port, then reads and never answers.
	timeout "$NET_LIFETIME" "$PY" -c '
import selectors, socket, sys
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
port = udp.getsockname()[1]
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.1", port))
tcp.listen(16)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(port))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
sel = selectors.DefaultSelector()
sel.register(udp, selectors.EVENT_READ)
sel.register(tcp, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        s = key.fileobj
        if s is udp:
            udp.recvfrom(65536)
        elif s is tcp:
            conn, _ = tcp.accept()
            sel.register(conn, selectors.EVENT_READ)
        elif not s.recv(65536):
            sel.unregister(s)
            s.close()
' "$T/silent.port" >"$T/silent.log" 2>&1 &
	pid=$!
	NET_PIDS+=("$pid")
	local i
	for i in $(seq 1 200); do
		[ -s "$T/silent.port" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$T/silent.log" >&2; die "the silent DNS server did not start"; }
		sleep 0.05
	done
	[ -s "$T/silent.port" ] || die "the silent DNS server did not start within 10 s"
	DNS_SERVER="127.0.0.1:$(cat "$T/silent.port")"
}
