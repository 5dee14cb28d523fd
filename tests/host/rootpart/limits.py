#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What one client can make vmms hold (issue 17): connections per uid and in all, idle and
half-sent requests, memory for half-sent frames and for answers never read (measured as vmms's
resident memory), and a half-closed client that still gets its answer. Each refusal is an
answer saying why, and vmms keeps serving root. usage: limits.py SOCKET VMMS_PID VMMS_LOG VM
(vmms runs with --allow-uid 65534 --max-clients-per-uid 4 --max-clients 70 --idle-timeout 2
--request-timeout 2; VM is off and starts with the stand-in worker)"""
import os
import socket
import struct
import sys
import time

SOCK, PID, LOG, VM = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
# Under ASan the allocator keeps freed memory in quarantine: resident memory says nothing
# about what vmms holds, so only the disconnections are checked there.
SANITIZED = len(sys.argv) > 5 and sys.argv[5] == "sanitized"
LIST, START, STOP = 15, 12, 13


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


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


def frame(body):
    return struct.pack(">I", len(body)) + body


def conn(rcvbuf=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(10)
    s.connect(SOCK)
    return s


def recv_frame(s):
    buf = b""
    while len(buf) < 4:
        c = s.recv(4 - len(buf))
        if not c:
            return None
        buf += c
    n = struct.unpack(">I", buf)[0]
    body = b""
    while len(body) < n:
        c = s.recv(n - len(body))
        if not c:
            return None
        body += c
    return body


def ask_list(s):
    s.sendall(frame(req(9, LIST)))
    return recv_frame(s)


def rss_kib():
    with open("/proc/%d/status" % PID) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    fail("no VmRSS for vmms")


def log_has(text):
    with open(LOG) as f:
        return text in f.read()


def root_still_served(what):
    s = conn()
    r = ask_list(s)
    s.close()
    if r is None or VM.encode() not in r:
        fail("root is not served after " + what + ": %r" % r)


# 1. Per-uid cap: uid 65534 gets 4 connections, the 5th is refused with the reason; root is
#    still served meanwhile. Done in a child process that drops to uid 65534.
pid = os.fork()
if pid == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
    held = [conn() for _ in range(4)]
    if ask_list(held[3]) is None:
        print("FAIL: 4th connection of uid 65534 not served")
        os._exit(1)
    extra = conn()
    r = recv_frame(extra)
    if r is None or b"uid 65534 already has 4 connections to vmms" not in r:
        print("FAIL: 5th connection of uid 65534: %r" % r)
        os._exit(1)
    os.write(1, b"held\n")
    time.sleep(1.0)
    os._exit(0)
time.sleep(0.5)
root_still_served("uid 65534 reached its cap")
_, status = os.waitpid(pid, 0)
if status != 0:
    fail("per-uid cap (child status %d)" % status)
if not log_has("refused client pid") or not log_has("uid 65534: uid 65534 already has 4"):
    fail("the per-uid refusal is not in vmms.log")

# 2. Total cap (70): root's 71st connection is refused, said so and logged.
time.sleep(0.3)
many = [conn() for _ in range(70)]
time.sleep(0.3)
extra = conn()
r = recv_frame(extra)
if r is None or b"vmms is serving 70 connections, its limit" not in r:
    fail("71st connection: %r" % r)
for s in many + [extra]:
    s.close()
time.sleep(0.3)
root_still_served("the total cap")

# 3. Idle and half-sent clients are told why and closed after 2 s.
idle = conn()
half = conn()
half.sendall(struct.pack(">I", 100) + b"0123456789")
time.sleep(3.5)
r = recv_frame(idle)
if r is None or b"idle for 2 s: connection closed" not in r or recv_frame(idle) is not None:
    fail("idle client: %r" % r)
r = recv_frame(half)
if r is None or b"request not complete after 2 s" not in r:
    fail("half-sent request: %r" % r)
if not log_has("request not complete after 2 s; disconnecting it"):
    fail("the half-sent request is not in vmms.log")

# 4. Half-sent 1 MiB frames: what vmms holds for them is bounded (32 MiB in all), whatever the
#    number of clients; memory goes back when they close.
base = rss_kib()
held = []
for i in range(60):
    s = conn()
    try:
        s.sendall(struct.pack(">I", 1 << 20) + b"x" * ((1 << 20) - 64))
    except OSError:
        pass
    held.append(s)
time.sleep(0.5)
grown = rss_kib() - base
for s in held:
    s.close()
time.sleep(1.5)
after = rss_kib() - base
print("half-sent frames: vmms grew %d KiB, %d KiB after they closed" % (grown, after))
if not log_has("disconnected: it made vmms hold more than"):
    fail("no half-sent client was disconnected for holding too much (60 MiB sent, 32 MiB bound)")
if SANITIZED:
    pass
elif grown > 36 * 1024:
    fail("60 half-sent 1 MiB frames made vmms grow by %d KiB (bound: 32 MiB)" % grown)
elif after > 8 * 1024:
    fail("vmms kept %d KiB after the half-sent clients closed" % after)
root_still_served("half-sent frames")

# 5. Answers never read: a client that sends 60000 requests and reads nothing is cut off once
#    its unsent answers hold 4 MiB, counted as allocated; the memory goes back.
base = rss_kib()
s = conn(rcvbuf=4096)
s.settimeout(30)
batch = frame(req(9, LIST)) * 1000
try:
    for _ in range(60):
        s.sendall(batch)
except OSError:
    pass
time.sleep(1.0)
grown = rss_kib() - base
# vmms has cut it off: what it held is freed while the client is still connected.
time.sleep(1.5)
after = rss_kib() - base
s.close()
print("unread answers: vmms grew %d KiB, %d KiB after cutting the client off" % (grown, after))
if SANITIZED:
    pass
elif grown > 10 * 1024:
    fail("a client reading nothing made vmms grow by %d KiB (bound: 4 MiB of answers)" % grown)
elif after > 2 * 1024:
    fail("vmms kept %d KiB after cutting off the client that read nothing" % after)
if not log_has("disconnected: it made vmms hold more than"):
    fail("the disconnection of a client that reads nothing is not in vmms.log")
root_still_served("a client that reads nothing")

# 6. A half-closed client (request, then shutdown of its sending side) still gets the answer
#    to what vmms carried out.
s = conn()
s.settimeout(20)
s.sendall(frame(req(11, START, field_bytes(1, VM.encode()))))
s.shutdown(socket.SHUT_WR)
r = recv_frame(s)
if r is None or b"started " + VM.encode() not in r:
    fail("half-closed client: %r" % r)
s.close()
print("PASS limits.py")
