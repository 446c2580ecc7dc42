#!/usr/bin/env python3
"""An ssh agent that misbehaves, for the refusals no real agent here can show.

usage: fake_ssh_agent.py SOCKET MODE [PUBLIC_KEY_HEX]

MODE:
  sk             holds one FIDO key (sk-ssh-ed25519@openssh.com): a real one
                 needs a security key, which this machine has not
  bad-signature  holds the ssh-ed25519 key PUBLIC_KEY_HEX and answers every
                 signing request with a signature that does not verify
  huge           answers with a message longer than any agent's

It serves one request per connection, as OpenSSH's agent does for endorse,
and stops after 100 connections or when killed. Loopback only: a Unix
socket in the test's own directory."""
import os
import socket
import struct
import sys

path, mode = sys.argv[1], sys.argv[2]
pk = bytes.fromhex(sys.argv[3]) if len(sys.argv) > 3 else bytes(32)


def string(b):
    return struct.pack(">I", len(b)) + b


def message(kind, body):
    return struct.pack(">IB", len(body) + 1, kind) + body


def answer(request):
    kind = request[0]
    if mode == "huge":
        return struct.pack(">I", 16 * 1024 * 1024) + b"\x0c"
    if kind == 11:  # identities
        if mode == "sk":
            blob = string(b"sk-ssh-ed25519@openssh.com") + string(pk) + string(b"ssh:")
        else:
            blob = string(b"ssh-ed25519") + string(pk)
        return message(12, struct.pack(">I", 1) + string(blob) + string(b"fake"))
    if kind == 13 and mode == "bad-signature":
        return message(14, string(string(b"ssh-ed25519") + string(bytes(64))))
    return message(5, b"")


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
os.chmod(path, 0o600)
server.listen(4)
print("ready", flush=True)
for _ in range(100):
    conn, _ = server.accept()
    with conn:
        conn.settimeout(10)
        head = read_exact(conn, 4)
        if head is None:
            continue
        body = read_exact(conn, struct.unpack(">I", head)[0])
        if body:
            conn.sendall(answer(body))
