#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile clients against a running vmms: garbage, oversized and truncated frames, clients that
vanish mid-request or before their answer, and two clients racing to start one VM. vmms must
answer each with a clear error (or serialise the race) and keep serving. The protobuf bytes
are written by hand from management.proto's field numbers, so this test also pins the wire
format. usage: badinput.py SOCKET VM_NAME"""
import socket
import struct
import sys

SOCK, VM = sys.argv[1], sys.argv[2]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(SOCK)
    return s


def frame(body):
    return struct.pack(">I", len(body)) + body


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def recv_frame(s):
    hdr = recv_exact(s, 4)
    if hdr is None:
        return None
    return recv_exact(s, struct.unpack(">I", hdr)[0])


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def field_bytes(num, payload):
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def req(rid, num, payload=b""):
    return varint(1 << 3) + varint(rid) + field_bytes(num, payload)


LIST = 15
START = 12


def name_req(name):
    return field_bytes(1, name.encode())


def expect_alive(what):
    s = conn()
    s.sendall(frame(req(9, LIST)))
    r = recv_frame(s)
    s.close()
    if r is None or VM.encode() not in r:
        fail("vmms does not answer a list after " + what)


# 1. Garbage that frames correctly but is not a Request: an error, and the connection lives on.
s = conn()
s.sendall(frame(b"\xff\xff\xff\xff garbage \x00\x01"))
r = recv_frame(s)
if r is None or b"malformed request" not in r:
    fail("garbage: %r" % r)
s.sendall(frame(req(2, LIST)))
r = recv_frame(s)
if r is None or VM.encode() not in r:
    fail("no list answer after garbage on the same connection: %r" % r)
s.close()

# 2. A request naming no operation.
s = conn()
s.sendall(frame(varint(8) + varint(3)))
r = recv_frame(s)
if r is None or b"request names no operation" not in r:
    fail("empty request: %r" % r)
s.close()

# 3. Oversized frame: refused from its header alone, then the connection is closed.
s = conn()
s.sendall(struct.pack(">I", 0x7FFFFFFF) + b"xxxx")
r = recv_frame(s)
if r is None or b"message of 2147483647 bytes refused: the limit is 1048576 bytes" not in r:
    fail("oversized: %r" % r)
if recv_frame(s) is not None:
    fail("connection still open after an oversized frame")
s.close()
expect_alive("an oversized frame")

# 4. Clients that vanish: mid-header, mid-body, right after a request.
for junk in (b"\x00\x00", struct.pack(">I", 100) + b"0123456789", frame(req(4, LIST))):
    s = conn()
    s.sendall(junk)
    s.close()
expect_alive("clients that disconnected mid-request")

# 5. A bad VM name inside an otherwise valid request.
s = conn()
s.sendall(frame(req(5, START, name_req("../../etc"))))
r = recv_frame(s)
if r is None or b"invalid VM name" not in r:
    fail("bad name: %r" % r)
s.close()

# 6. Two clients race to start the same VM: exactly one start runs; the other is refused.
a, b = conn(), conn()
a.sendall(frame(req(6, START, name_req(VM))))
b.sendall(frame(req(7, START, name_req(VM))))
ra, rb = recv_frame(a), recv_frame(b)
answers = [ra or b"", rb or b""]
refused = [x for x in answers if b"it is already starting" in x or b"it is already failed" in x]
ran = [x for x in answers if b"no hypervisor: /dev/vid missing" in x]
if len(ran) != 1 or len(refused) != 1:
    fail("racing starts: %r" % answers)
a.close()
b.close()

# 7. A client that asks for a start and leaves before the answer.
s = conn()
s.sendall(frame(req(8, START, name_req(VM))))
s.close()
expect_alive("a start whose client left")

# 8. Many connections at once, then all dropped.
socks = [conn() for _ in range(50)]
for x in socks:
    x.close()
expect_alive("50 dropped connections")
print("PASS mgmt bad input")
