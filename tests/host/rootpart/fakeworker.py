#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""TEST ONLY: a worker that speaks worker.proto by hand and reports running only when the file
named by $FAKE_GO exists, so a test can change the world (fill the state folder) between the
worker's spawn and its running report. SIGTERM ends it with exit status 0. Started by vmms
as its --worker-path with vmwp's arguments; only --name and fd 3 are used."""
import os
import signal
import struct
import sys
import time

name = sys.argv[sys.argv.index("--name") + 1]
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def report(phase):
    body = b"\x12" + varint(len(name)) + name.encode() + b"\x18" + varint(os.getpid())
    body += b"\x20" + varint(phase)
    os.write(3, struct.pack(">I", len(body)) + body)


hdr = os.read(3, 4)  # the start command (its contents do not matter here)
if len(hdr) == 4:
    os.read(3, struct.unpack(">I", hdr)[0])
while not os.path.exists(os.environ.get("FAKE_GO", "/nonexistent")):
    time.sleep(0.05)
report(2)  # PHASE_RUNNING
while True:
    time.sleep(1)
