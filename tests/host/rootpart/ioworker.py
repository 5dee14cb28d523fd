#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""TEST ONLY: a worker that speaks worker.proto by hand, reports running at once and then,
once a second, VMBus and storage totals growing at fixed rates per second of its reported
clock (heartbeat_ms advances by exactly 1000 a report): 100 signals in and 50 out, 10 reads
and 5 writes, 1e6 bytes read and 2e6 written; and the hypervisor's exits of its VPs: 25 cpuid,
5 msr_write, 120 io and 300 hlt (450 in all), 7 interrupts, and one exit of a reason named
'Bad"reason' that vmms must drop (it would break the metrics' label). So vmms's rates are
exact and hvctl top's row is known: EXITS/s 450 (hlt=300 io=120 cpuid=25 msr_write=5),
SIGNALS/s 150, IOPS 15, READ_MB/s 1.00, WRITE_MB/s 2.00. SIGTERM ends it (exit 0).
Started by vmms as its --worker-path; only --name and fd 3 are used."""
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


def field(num, value):
    return varint(num << 3) + varint(value)


def exit_count(reason, count):
    msg = b"\x0a" + varint(len(reason)) + reason.encode() + field(2, count)
    return varint(23 << 3 | 2) + varint(len(msg)) + msg


def report(phase, k, t0):
    body = b"\x12" + varint(len(name)) + name.encode() + field(3, os.getpid())
    body += field(4, phase) + field(7, t0 + 1000 * k)
    for num, rate in ((16, 100), (17, 50), (18, 10), (19, 5), (20, 10**6), (21, 2 * 10**6)):
        body += field(num, rate * k)
    body += field(22, 450 * k) + field(24, 7 * k)
    # ExitCount messages (field 23), in the hypervisor's order; the bad name's count is fixed.
    for reason, rate in (("cpuid", 25), ("msr_write", 5), ("io", 120), ("hlt", 300)):
        body += exit_count(reason, rate * k)
    body += exit_count('Bad"reason', 1)
    os.write(3, struct.pack(">I", len(body)) + body)


hdr = os.read(3, 4)  # the start command (its contents do not matter here)
if len(hdr) == 4:
    os.read(3, struct.unpack(">I", hdr)[0])
t0 = int(time.time() * 1000)
k = 0
while True:
    report(2, k, t0)  # PHASE_RUNNING
    k += 1
    time.sleep(1)
