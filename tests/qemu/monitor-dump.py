#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Dump what a hung QEMU's CPUs were doing through its HMP monitor socket.

usage: monitor-dump.py SOCKET
Prints `info registers` (twice, a second apart: a CPU spinning in a loop shows a moving RIP,
a halted one the same), `info lapic` and the interrupt counters, each under a heading.
"""
import socket
import sys
import time

CMDS = ["info registers -a", "info lapic", "info registers -a", "info irq", "info pic"]


def read_until_prompt(s, deadline):
    buf = b""
    while time.time() < deadline and not buf.endswith(b"(qemu) "):
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors="replace")


def main():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(1.0)
    try:
        s.connect(sys.argv[1])
    except OSError as e:
        print(f"monitor-dump: cannot connect to {sys.argv[1]}: {e}")
        return 1
    read_until_prompt(s, time.time() + 5)
    for cmd in CMDS:
        s.sendall(cmd.encode() + b"\n")
        out = read_until_prompt(s, time.time() + 10)
        print(f"== {cmd}")
        # drop the monitor's echo of the typed command (drawn with terminal escapes)
        print("\n".join(l for l in out.splitlines()
                        if not l.startswith("(qemu)") and "\x1b" not in l).strip())
        time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
