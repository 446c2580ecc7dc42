"""An HTTPS server for tests/e2e/domain.sh, on 127.0.0.1 (or ADDR) only.

usage: https_server.py CERT KEY DOCROOT PORTFILE [ADDR [PORT]]

Writes the port it listens on to PORTFILE. For a request with Host H, what it
answers is read at that moment from DOCROOT/H/, so that one server serves
every variant of a case:
    body       status 200 and this body (with Content-Length)
    status     "CODE [LOCATION]": that status (and Location), a short body
    big        status 200 and 70,000 bytes, with Content-Length
    stream     status 200 and 70,000 bytes without Content-Length
    hang       read the request, then answer nothing for 60 seconds
The server stops after 120 seconds whatever happens (the test's trap stops
it first).
"""
import http.server
import os
import socketserver
import ssl
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # a body without Content-Length ends at close

    def log_message(self, *args):
        pass

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        place = os.path.join(DOCROOT, os.path.basename(host))
        try:
            if os.path.exists(os.path.join(place, "hang")):
                time.sleep(60)
                return
            if os.path.exists(os.path.join(place, "big")):
                self.send_response(200)
                self.send_header("Content-Length", "70000")
                self.end_headers()
                self.wfile.write(b"x" * 70000)
                return
            if os.path.exists(os.path.join(place, "stream")):
                self.send_response(200)
                self.end_headers()
                for _ in range(70):
                    self.wfile.write(b"y" * 1000)
                    self.wfile.flush()
                return
            status_file = os.path.join(place, "status")
            if os.path.exists(status_file):
                fields = open(status_file).read().split()
                self.send_response(int(fields[0]))
                if len(fields) > 1:
                    self.send_header("Location", fields[1])
                self.send_header("Content-Length", "3")
                self.end_headers()
                self.wfile.write(b"no\n")
                return
            body = open(os.path.join(place, "body"), "rb").read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, FileNotFoundError):
            pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that refuses the certificate is what some cases test

    def server_bind(self):
        # HTTPServer.server_bind looks the address up in DNS (socket.getfqdn):
        # for 127.x.y.z that is a query to the machine's resolver, and the
        # tests reach nothing but loopback.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def main():
    global DOCROOT
    cert, key, DOCROOT, portfile = sys.argv[1:5]
    addr = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
    port = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server = Server((addr, port), Handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                    do_handshake_on_connect=False)
    threading.Timer(120, lambda: os._exit(0)).start()
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()


if __name__ == "__main__":
    main()
