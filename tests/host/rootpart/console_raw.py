#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""TEST ONLY: hvctl console's protocol and terminal handling where hvctl itself cannot show
them. Modes:
  input-refused SOCKET VM: a watcher's ConsoleInput (and one from a connection not attached)
    is refused by vmms with ERROR_BAD_REQUEST, and the connection stays usable.
  flood SOCKET VM: a watcher that stops reading while a writer floods the (echoing) guest:
    vmms holds a bounded amount for it (hv_vmms_client_memory_bytes under 1 MiB), does not
    disconnect it, and once it reads again it is told how many bytes it lost.
  tty HVCTL VM: hvctl console on a pseudo-terminal: raw mode while attached (no echo of what
    is typed by the terminal), the detach key ends it, and the terminal's settings are the
    same after as before.
Protobuf by hand (tests need no generated Python code); prints FAIL: ... and exits 1."""
import os
import pty
import select
import socket
import struct
import sys
import termios
import time


def v(n):
    o = b""
    while True:
        b = n & 0x7F
        n >>= 7
        o += bytes([b | (0x80 if n else 0)])
        if not n:
            return o


def ld(f, b):
    return v(f << 3 | 2) + v(len(b)) + b


def vi(f, n):
    return v(f << 3) + v(n)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def recv_frame(s):
    def exact(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                fail("vmms closed the connection")
            buf += chunk
        return buf
    return exact(struct.unpack(">I", exact(4))[0])


def send(s, body):
    s.sendall(struct.pack(">I", len(body)) + body)


def input_refused(sock, vm):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sock)
    send(s, vi(1, 7) + ld(21, ld(1, b"x")))  # input without attaching
    r = recv_frame(s)
    if b"not attached" not in r:
        fail("input without attaching: %r" % r)
    send(s, vi(1, 8) + ld(20, ld(1, vm.encode()) + vi(4, 1)))  # watch
    r = recv_frame(s)
    if b"attached to the console" not in r:
        fail("watch attach: %r" % r)
    send(s, vi(1, 9) + ld(21, ld(1, b"sneaky\r")))
    while True:  # console output may come first
        r = recv_frame(s)
        if b"read-only" in r:
            break
        if b"sneaky" in r:
            fail("a watcher's input reached the guest")
    send(s, vi(1, 10) + ld(21, b"\x0a" + v(5000) + b"y" * 5000))  # over 4096 bytes
    while True:
        r = recv_frame(s)
        if b"at most 4096" in r:
            break


def fields(buf):
    """(field number, value) pairs of one protobuf message (varint and LEN fields only)."""
    i = 0
    while i < len(buf):
        key, i = varint_at(buf, i)
        if key & 7 == 0:
            val, i = varint_at(buf, i)
        elif key & 7 == 2:
            n, i = varint_at(buf, i)
            val, i = buf[i:i + n], i + n
        else:
            fail("unexpected wire type in %r" % buf)
        yield key >> 3, val


def varint_at(buf, i):
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def console_lost(reply):
    """lost of a Reply's ConsoleOutput (field 9), or None when it is not one."""
    for f, val in fields(reply):
        if f == 9:
            return dict(fields(val)).get(2, 0)
    return None


def metric(sock, name):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sock)
    send(s, vi(1, 1) + ld(19, b""))
    text = dict(fields(recv_frame(s)))[8].decode()
    s.close()
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    fail("no metric " + name)


def flood(sock, vm):
    w = socket.socket(socket.AF_UNIX)
    w.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    w.settimeout(10)
    w.connect(sock)
    send(w, vi(1, 1) + ld(20, ld(1, vm.encode()) + vi(4, 1)))  # watch, then read nothing
    recv_frame(w)
    x = socket.socket(socket.AF_UNIX)
    x.settimeout(10)
    x.connect(sock)
    send(x, vi(1, 1) + ld(20, ld(1, vm.encode()) + vi(5, 1)))  # writer, taking over
    recv_frame(x)
    x.setblocking(False)
    most = 0
    for i in range(800):
        x.setblocking(True)
        send(x, vi(1, 2) + ld(21, ld(1, b"%06d" % i + b"F" * 4090)))
        x.setblocking(False)
        try:
            while x.recv(1 << 20):
                pass
        except BlockingIOError:
            pass
        if i % 100 == 0:
            most = max(most, metric(sock, "hv_vmms_client_memory_bytes"))
        time.sleep(0.002)
    if most > (1 << 20):
        fail("vmms held %d bytes for clients while a watcher did not read" % most)
    w.settimeout(10)
    deadline = time.time() + 15
    while time.time() < deadline:
        lost = console_lost(recv_frame(w))
        if lost:
            return
    fail("the lagging watcher was never told it lost output")


def tty(hvctl, vm):
    pid, fd = pty.fork()
    if pid == 0:
        before = termios.tcgetattr(0)
        rc = os.spawnv(os.P_WAIT, hvctl, [hvctl, "console", vm, "--replay", "0"])
        after = termios.tcgetattr(0)
        os.write(2, b"\r\nRC=%d SAME=%d\r\n" % (rc, before == after))
        os._exit(0)
    out = b""
    deadline = time.time() + 15

    def read_until(needle):
        nonlocal out
        while needle not in out:
            if time.time() > deadline:
                fail("tty: no %r in %r" % (needle, out))
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    fail("tty: ended early: %r" % out)
    read_until(b"detaches")
    time.sleep(0.3)
    os.write(fd, b"zq-typed\r")
    read_until(b"zq-typed")  # the guest's echo
    # In raw mode the terminal does not echo: the typed bytes come back once, from the guest.
    time.sleep(0.5)
    os.write(fd, b"\x1d")
    read_until(b"SAME=")
    read_until(b"\r\n")
    if out.count(b"zq-typed") != 1:
        fail("tty: typed bytes seen %d times (raw mode echoes nothing): %r"
             % (out.count(b"zq-typed"), out))
    if b"RC=0 SAME=1" not in out:
        fail("tty: exit status or terminal settings not restored: %r" % out)
    os.waitpid(pid, 0)


if sys.argv[1] == "input-refused":
    input_refused(sys.argv[2], sys.argv[3])
elif sys.argv[1] == "flood":
    flood(sys.argv[2], sys.argv[3])
elif sys.argv[1] == "tty":
    tty(sys.argv[2], sys.argv[3])
print("ok")
