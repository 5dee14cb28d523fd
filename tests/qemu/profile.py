#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A sampling profile of the whole emulated machine (hypervisor, root kernel, vid.ko, the
worker, the child) taken through a QEMU boot's HMP monitor socket: `info registers` every few
milliseconds, each RIP then named from the symbols it falls in.

usage:
  profile.py sample ARTIFACTS OUT [--start MARK] [--end MARK] [--seconds S]
      samples the boot whose run-qemu.sh artifacts are in ARTIFACTS (monitor.sock,
      serial-root.log) into OUT, one "rip cpl cr3 halted" line per sample: from the first line of
      the root's console containing MARK (default: at once) until one containing the end mark
      or S seconds (default 15)
  profile.py report ARTIFACTS SAMPLES [--build DIR] [--top N]
      shares by region (hv, kernel, vid, each mapped file of the worker, the test guest, halted)
      and by symbol

Symbols: the hypervisor's and the test guest's from the build (hvcore.elf, testguest.elf); the
root kernel's, vid.ko's and the worker's mappings only if the scenario printed them on the
root's console, as lines "PROF-KALL <kallsyms line>" (text symbols of /proc/kallsyms), "PROF-VID
<kallsyms line>" (vid.ko's) and "PROF-MAPS <pid> <maps line>" (/proc/PID/maps of vmwp).
Samples in a VMRUN or an exit are charged to the instruction QEMU was at: svm_vmrun_loop for
the hypervisor's entries, the VMMCALL of the hypercall page (a vmalloc address in the root) for
the root's calls. Monitor commands stop the CPU for a moment: the profile costs some speed.
"""
import bisect
import collections
import os
import re
import socket
import subprocess
import sys
import time


def console(artifacts):
    try:
        with open(os.path.join(artifacts, "serial-root.log"), errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def sample(artifacts, out, start, end, seconds):
    deadline = time.time() + 1800
    while start and start not in console(artifacts):
        if time.time() > deadline:
            sys.exit(f"profile: no '{start}' on the root's console")
        time.sleep(0.2)
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(os.path.join(artifacts, "monitor.sock"))

    def reply():
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = s.recv(65536)
            if not chunk:
                raise EOFError
            buf += chunk
        return buf.decode(errors="replace")

    reply()
    n, stop_at = 0, time.time() + seconds
    with open(out, "w") as f:
        try:
            while time.time() < stop_at:
                s.sendall(b"info registers\n")
                r = reply()
                rip = re.search(r"RIP=([0-9a-f]+)", r)
                cpl = re.search(r"CPL=(\d)", r)
                cr3 = re.search(r"CR3=([0-9a-f]+)", r)
                hlt = re.search(r"HLT=(\d)", r)
                if rip:
                    f.write(f"{rip.group(1)} {cpl.group(1) if cpl else '?'} "
                            f"{cr3.group(1) if cr3 else '?'} {hlt.group(1) if hlt else '0'}\n")
                    n += 1
                if end and n % 50 == 0 and end in console(artifacts):
                    break
                time.sleep(0.005)
        except (EOFError, OSError):
            pass  # QEMU went away: keep what was sampled
    print(f"profile: {n} samples in {out}")


def nm(path, base=0, dynamic=False):
    try:
        out = subprocess.run(["nm", "-n"] + (["-D"] if dynamic else []) + [path],
                             capture_output=True, text=True).stdout
    except OSError:
        return []
    return sorted((int(p[0], 16) + base, p[2]) for p in (l.split() for l in out.splitlines())
                  if len(p) >= 3 and p[1] in "tTwW")


def kallsyms(log, tag):
    return sorted((int(a, 16), n) for a, t, n in
                  re.findall(rf"{tag} ([0-9a-f]+) (\w) (\S+)", log) if t in "tTwW")


def report(artifacts, samples_path, build, top):
    log = console(artifacts)
    regions = []  # (lo, hi, name, symbols)

    def add(name, syms, hi=None):
        if syms:
            regions.append((syms[0][0], hi or syms[-1][0] + 0x10000, name, syms))

    add("hv", nm(os.path.join(build, "hypervisor/hvcore.elf")))
    add("guest", nm(os.path.join(build, "guest/testguest.elf")))
    add("kernel", kallsyms(log, "PROF-KALL"))
    add("vid", kallsyms(log, "PROF-VID"))
    for m in re.finditer(r"PROF-MAPS \d+ ([0-9a-f]+)-([0-9a-f]+) r-xp ([0-9a-f]+) \S+ \d+\s+(\S+)",
                         log):
        lo, hi, off, path = int(m[1], 16), int(m[2], 16), int(m[3], 16), m[4]
        local = os.path.join(build, "bin/vmwp") if path.endswith("/vmwp") else path
        syms = nm(local, lo - off, dynamic=".so" in path) or [(lo, "?")]
        regions.append((lo, hi, os.path.basename(path), syms))
    regions.sort()

    def name(a):
        for lo, hi, reg, syms in regions:
            if lo <= a < hi:
                i = bisect.bisect_right(syms, (a, "\uffff")) - 1
                return reg, syms[i][1] if i >= 0 else "?"
        return ("user" if a < 1 << 47 else "other"), hex(a & ~0xFFF)

    by_region, by_symbol = collections.Counter(), collections.Counter()
    lines = [l.split() for l in open(samples_path) if l.strip()]
    for rip, _cpl, _cr3, halted in lines:
        if halted == "1":
            by_region["(halted)"] += 1
            continue
        reg, sym = name(int(rip, 16))
        by_region[reg] += 1
        by_symbol[f"{reg}:{sym}"] += 1
    n = max(len(lines), 1)
    print(f"{len(lines)} samples")
    for k, v in by_region.most_common():
        print(f"{100 * v / n:5.1f}%  {k}")
    print()
    for k, v in by_symbol.most_common(top):
        print(f"{100 * v / n:5.1f}%  {k}")


def main(argv):
    if len(argv) < 4 or argv[1] not in ("sample", "report"):
        print(__doc__)
        return 2
    opts = dict(zip(argv[4::2], argv[5::2]))
    if argv[1] == "sample":
        sample(argv[2], argv[3], opts.get("--start"), opts.get("--end"),
               float(opts.get("--seconds", 15)))
    else:
        report(argv[2], argv[3], opts.get("--build", "build"), int(opts.get("--top", 40)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
