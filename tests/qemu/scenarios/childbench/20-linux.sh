# SPDX-License-Identifier: MIT
# timeout: 1200
# Benchmark (figures only): an unmodified Linux child. Its kernel's time to /init against the
# root's own (both from their kernels' timestamps of "Run /init", in the same QEMU), the wall
# time from hvctl start to the child's /init, its O_DIRECT sequential read (dd, 1 MiB blocks)
# against the root reading the same bytes the same way (ioread, queue depth 1), and the exits
# per second of the child once idle (its timer, not polling). Lines "childbench: ...".
# The reads run twice: from an image file in the root's memory (tmpfs: the root's reads are
# page-cache copies) and from a disk (the scratch virtio disk, /dev/vda: O_DIRECT on both
# sides, the worker's reads going to the device straight into the child's memory), which also
# runs a child whose disk is a block device. Rounds interleave the root's read and the
# child's (the child runs one dd per "dd-read DEV" line typed at its console); medians.
. /scenarios/lib/vmms.sh
modprobe vid || exit 1
modprobe hvcheck || exit 1
modprobe virtio_pci && modprobe virtio_blk || exit 1
vmms_start || exit 1
linux_vm_files /tmp/lb lbench idle 128 || exit 1
dd if=/dev/urandom of=lbench-disk0.img bs=1M count=128 2>/dev/null
_i=0
while [ ! -b /dev/vda ] && [ $_i -lt 50 ]; do sleep 0.2; _i=$((_i + 1)); done
[ -b /dev/vda ] || { echo "no /dev/vda: the scratch disk (run-qemu.sh --scratch) is missing"; exit 1; }
dd if=lbench-disk0.img of=/dev/vda bs=1M oflag=direct 2>/dev/null || exit 1
# The child's second disk (sdb) is the block device itself.
sed -i 's|"disks": \[ { "path": "lbench-disk0.img", "readonly": false } \]|"disks": [ { "path": "lbench-disk0.img", "readonly": false }, { "path": "/dev/vda", "readonly": true } ]|' lbench.json
grep -q /dev/vda lbench.json || { echo "lbench.json: the second disk was not added"; exit 1; }
hvctl create lbench.json >/dev/null || exit 1
t0=$(date +%s)
hvctl start lbench >/dev/null || exit 1
wait_for() { # regex seconds, with progress every 60 s
  _s=$(date +%s) _l=$_s
  while ! hvctl logs lbench -n 100000 2>/dev/null | grep -Eq "$1"; do
    _n=$(date +%s)
    [ $((_n - _s)) -ge $2 ] && { hvctl logs lbench -n 100000 | tail -n 30; echo "no '$1' after $2 s"; exit 1; }
    if [ $((_n - _l)) -ge 60 ]; then
      _l=$_n; echo "waiting for '$1' ($((_n - _s)) s): $(hvctl show lbench | grep 'vp exits')"
      hvctl logs lbench -n 100000 | tail -n 2
    fi
    sleep 1
  done
}
wait_for 'child: init reached' 900
t1=$(date +%s)
wait_for 'child: up, waiting for shutdown' 600
root_init=$(dmesg | sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' | head -n 1)
child_init=$(hvctl logs lbench -n 100000 | sed -n 's/.*\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' | head -n 1)
echo "childbench: Linux kernel to /init: child ${child_init} s, root ${root_init} s," \
  "child/root $(awk -v a="$child_init" -v b="$root_init" 'BEGIN { printf "%.2f", a / b }');" \
  "hvctl start to the child's /init: $((t1 - t0)) s"
# The hypervisor's live counters (hvcheck), all VPs, the root's included: every world switch
# a request costs counts, the root's RUN_VP and signal hypercalls as well as the child's exits.
reasons="hlt msr_read msr_write intr hypercall cpuid io npf"
counters="total_exits child_exits child_signals child_interrupts"
snap() { # one reading (one hypercall) of them all
  cat /sys/kernel/debug/hvcheck/stats > /tmp/hvstats
  for r in $counters $(printf 'exit.%s ' $reasons); do printf '%s ' "$(sed -n "s/^$r //p" /tmp/hvstats)"; done
}
per_request() { # before after n: the counters' differences over n requests
  awk -v a="$1" -v b="$2" -v n="$3" -v names="$counters $reasons" 'BEGIN { split(a, x, " ")
    split(b, y, " "); k = split(names, m, " "); if (n <= 0) n = 1
    printf "exits %.2f (the child'"'"'s %.2f), child signals %.2f, interrupts into the child %.2f; by reason:",
      (y[1] - x[1]) / n, (y[2] - x[2]) / n, (y[3] - x[3]) / n, (y[4] - x[4]) / n
    for (i = 5; i <= k; i++) if (y[i] > x[i]) printf " %s %.2f", m[i], (y[i] - x[i]) / n }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }
dd_rounds() { # label child-device root-path: 5 interleaved rounds, then the medians
  _cm= _rm= _r=0
  while [ $_r -lt 5 ]; do
    _r=$((_r + 1))
    _root=$(ioread "$3" 1 2 1048576 sequential | sed -n 's/.* IOPS, \([0-9]*\) MB\/s.*/\1/p')
    # The wait for the round's end polls only the log's tail, twice a second: with one CPU,
    # whatever the root runs meanwhile is taken from the child (its dd times itself).
    _tag="$2-$_r" _end="($2, round 1 of 1, $2-$_r)"
    _x0=$(snap)
    printf 'dd-read %s %s\n\035' "$2" "$_tag" | timeout 30 hvctl console lbench --replay 0 >/dev/null 2>&1
    _i=0
    while ! hvctl logs lbench -n 20 | grep -qF "$_end"; do
      _i=$((_i + 1)); [ $_i -ge 240 ] && { echo "the child's dd round $_r on $2 did not end"; exit 1; }
      sleep 0.5
    done
    _x1=$(snap)
    _line=$(hvctl logs lbench -n 20 | grep -F "$_end" | tail -n 1)
    _child=$(echo "$_line" | sed -n 's/.*child: dd-read [0-9]* bytes in [0-9]* us, \([0-9]*\) MB\/s.*/\1/p')
    _bytes=$(echo "$_line" | sed -n 's/.*child: dd-read \([0-9]*\) bytes in.*/\1/p')
    _cm="$_cm $_child" _rm="$_rm $_root"
  done
  _c=$(echo $_cm | tr ' ' '\n' | median) _o=$(echo $_rm | tr ' ' '\n' | median)
  echo "childbench: Linux dd O_DIRECT 1 MiB sequential read, $1: child $_c MB/s, root $_o MB/s," \
    "child/root $(awk -v a="$_c" -v b="$_o" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')" \
    "(medians of 5 interleaved rounds; child:$_cm; root:$_rm)"
  echo "childbench: Linux dd on $2, per 1 MiB request (last round, its shell commands" \
    "included), all VPs: $(per_request "$_x0" "$_x1" $((${_bytes:-0} / 1048576)))"
}
dd_rounds "image in the root's memory (tmpfs)" sda lbench-disk0.img
dd_rounds "disk (virtio, /dev/vda as the child's sdb)" sdb /dev/vda
hvctl logs lbench -n 100000 | sed -n 's/.*child: dd-read queue: /childbench: Linux dd request limits: /p' | tail -n 1
# Idle: the child's console is COM1, which takes interrupts through the worker's I/O APIC (the
# 8250 driver polled it from a timer while it had no interrupt line: ~530 exits/s); what is left
# is the child's own timer; the reasons say so.
idle_window() { # label: 10 s of an idle child; by reason, the counts of every VP (the root,
  # idle too, adds its RUN_VP calls to "hypercall" and little else)
  _s=10 _a=$(snap)
  sleep $_s
  echo "childbench: idle Linux child, $1: $(awk -v a="$_a" -v b="$(snap)" -v s=$_s \
    -v names="$counters $reasons" 'BEGIN { split(a, x, " "); split(b, y, " "); k = split(names, m, " ")
    printf "%d exits/s, %d interrupts/s; per second by reason (all VPs):", (y[2] - x[2]) / s, (y[4] - x[4]) / s
    for (i = 5; i <= k; i++) printf " %s %d", m[i], (y[i] - x[i]) / s }')"
}
# The child's own exits, from the hypervisor's counters for its VP (hvctl show: "hv exits: N
# (reason count, ...)", as the worker last reported them): per second over a window, by reason.
hv_exits() { hvctl show lbench | sed -n 's/^hv exits: *//p'; }
own_window() {
  _a=$(hv_exits) _s=10
  sleep $_s
  _b=$(hv_exits)
  echo "childbench: idle Linux child, its own VP: $(awk -v a="$_a" -v b="$_b" -v s=$_s '
    function parse(t, m,   n, i, kv, p) { n = split(t, p, /[(),]/); m["total"] = p[1] + 0
      for (i = 2; i <= n; i++) if (split(p[i], kv, " ") == 2) m[kv[1]] = kv[2] }
    BEGIN { parse(a, x); parse(b, y); printf "%d exits/s; by reason:", (y["total"] - x["total"]) / s
      for (r in y) if (r != "total" && y[r] - x[r] > 0) printf " %s %.1f", r, (y[r] - x[r]) / s }')"
}
sleep 5 # settled: nothing runs in the child but its idle loop
idle_window "console on COM1"
own_window
hvctl stop lbench --timeout 60 >/dev/null
hvctl delete lbench >/dev/null
