"""A scripted C2SP tlog-witness for tests/e2e/witness_request.sh, on
127.0.0.1 only: it answers POST PREFIX/add-checkpoint as DIR says, so that
every answer a real witness (or a hostile server) can give is tested. It
holds no key: a valid cosignature is one a real `endorse cosign` made, put
in DIR/answer by the test.

usage: fake_witness.py DIR

Prints the port it listens on (one line), then serves until killed (or 300
seconds). Each request is saved as DIR/request.N (N from 1) and its path in
DIR/path.N. What it answers is read at that moment from DIR/mode:
    ok              200, the body DIR/answer
    status CODE     that status, a short text body
    redirect CODE   that status, Location: the same server's /elsewhere
    size            409, Content-Type text/x.tlog.size, the body DIR/size;
                    a request whose old size is DIR/size's number, with a
                    consistency proof from the root DIR/oldroot (base64) to
                    the checkpoint's root that verifies (checked here, by
                    RFC 9162 2.1.4.2), gets 200 and DIR/answer; one that
                    does not verify gets 422
    size-always     409 with DIR/size, whatever is asked
    size-untyped    409 with DIR/size as text/plain
    big             200 and 70,000 bytes
    hang            no answer for 60 seconds
    wait            waits (at most 90 s) until DIR/go exists, then as ok
"""
import base64
import hashlib
import http.server
import os
import socketserver
import ssl
import sys
import threading
import time

DIR = sys.argv[1]
LOCK = threading.Lock()
COUNT = [0]


def read(name, default=b""):
    try:
        with open(os.path.join(DIR, name), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return default


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def consistent(old_size, size, old_root, root, proof):
    """RFC 9162 2.1.4.2: the proof leads from old_root to root."""
    if old_size == size:
        return not proof and old_root == root
    if old_size == 0 or old_size > size or not proof:
        return False
    if old_size & (old_size - 1) == 0:  # a power of two: old_root is the first node
        proof = [old_root] + proof
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == root


def proof_ok(body):
    """Whether body's old size, proof and checkpoint prove DIR/oldroot."""
    head, _, note = body.partition(b"\n\n")
    lines = head.split(b"\n")
    old = int(lines[0].split(b" ")[1])
    proof = [base64.b64decode(x) for x in lines[1:]]
    text = note.split(b"\n")
    size, root = int(text[1]), base64.b64decode(text[2])
    old_root = base64.b64decode(read("oldroot").strip())
    return consistent(old, size, old_root, root, proof)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def answer(self, status, body, ctype="text/plain; charset=utf-8", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with LOCK:
            COUNT[0] += 1
            n = COUNT[0]
        with open(os.path.join(DIR, f"request.{n}"), "wb") as f:
            f.write(body)
        with open(os.path.join(DIR, f"path.{n}"), "w") as f:
            f.write(self.path + "\n")
        mode = read("mode").decode().split()
        try:
            self.reply(mode, body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def reply(self, mode, body):
        size = read("size")
        if mode[0] == "ok":
            self.answer(200, read("answer"))
        elif mode[0] == "status":
            self.answer(int(mode[1]), b"refused\n")
        elif mode[0] == "redirect":
            port = self.server.server_address[1]
            self.answer(int(mode[1]), b"moved\n",
                        extra={"Location": f"http://127.0.0.1:{port}/elsewhere/add-checkpoint"})
        elif mode[0] == "size":
            old = body.split(b"\n", 1)[0]
            if old == b"old " + size.strip():
                if proof_ok(body):
                    self.answer(200, read("answer"))
                else:
                    self.answer(422, b"the proof does not verify\n")
            else:
                self.answer(409, size, "text/x.tlog.size")
        elif mode[0] == "size-always":
            self.answer(409, size, "text/x.tlog.size")
        elif mode[0] == "size-untyped":
            self.answer(409, size)
        elif mode[0] == "big":
            self.answer(200, b"x" * 70000)
        elif mode[0] == "hang":
            time.sleep(60)
        elif mode[0] == "wait":
            for _ in range(900):
                if os.path.exists(os.path.join(DIR, "go")):
                    break
                time.sleep(0.1)
            self.answer(200, read("answer"))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)  # no DNS lookup of 127.0.0.1
        self.server_name, self.server_port = self.server_address[:2]


def main():
    server = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) == 4:  # CERT KEY: over TLS
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    timer = threading.Timer(300, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever()


if __name__ == "__main__":
    main()
