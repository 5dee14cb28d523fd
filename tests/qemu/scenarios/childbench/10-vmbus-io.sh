# SPDX-License-Identifier: MIT
# timeout: 900
# Benchmark (figures only, nothing asserted on time): a child's storage over VMBus against the
# root reading the same image the same way. The test guest's vmbus-bench runs 4 KiB random
# reads and 64 KiB sequential reads at queue depth 1 and 32 (5 s each) and counts, on its side,
# the exits a VMBus I/O costs it (HvSignalEvent calls, interrupts taken, HvPostMessage calls);
# the hypervisor's statistics give the same from its side for the whole run. The root then
# reads the image with ioread, same sizes, same queue depths. Lines "childbench: ...".
. /scenarios/lib/vmms.sh
modprobe vid || exit 1
modprobe hvcheck || exit 1
vmms_start || exit 1
mkdir -p /tmp/cb && cd /tmp/cb || exit 1
dd if=/dev/urandom of=bench.img bs=1M count=64 2>/dev/null
stat() { sed -n "s/^$1 //p" /sys/kernel/debug/hvcheck/stats; }
cat > bench.json <<'JSON'
{ "name": "bench", "memory_mib": 32, "vps": 1, "console": "log",
  "boot": { "guest": "/usr/share/hv/testguest.elf", "cmdline": "check=vmbus-bench seconds=5" },
  "disks": [ { "path": "/tmp/cb/bench.img", "readonly": true } ] }
JSON
e0=$(stat child_exits) p0=$(stat child_posts) s0=$(stat child_signals) i0=$(stat child_interrupts)
hvctl create bench.json >/dev/null || exit 1
hvctl start bench >/dev/null || exit 1
i=0; while [ "$(hvctl list | awk '$1 == "bench" { print $2 }')" != off ] && [ $i -lt 1200 ]; do
  sleep 0.5; i=$((i + 1)); done
hvctl logs bench -n 100000 > bench.log
grep -q 'testguest: PASS vmbus-bench' bench.log || { tail -n 20 bench.log; exit 1; }
echo "childbench: hypervisor, whole run: $(($(stat child_exits) - e0)) child exits," \
  "$(($(stat child_posts) - p0)) posts, $(($(stat child_signals) - s0)) signals," \
  "$(($(stat child_interrupts) - i0)) interrupts"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
for qd in 1 32; do
  for kind in random sequential; do
    if [ $kind = random ]; then bs=4096 what="4 KiB random reads"; else bs=65536 what="64 KiB sequential reads"; fi
    line=$(grep "testguest: bench qd $qd: .*$what" bench.log | tail -n 1)
    exits=$(grep "testguest: bench qd $qd: exits per io" bench.log | sed -n "$([ $kind = random ] && echo 1 || echo 2)p")
    child_iops=$(echo "$line" | sed -n 's/.*(\([0-9]*\) IOPS.*/\1/p')
    child_mbs=$(echo "$line" | sed -n 's/.* IOPS, \([0-9.]*\) MB\/s.*/\1/p')
    root=$(ioread bench.img $qd 5 $bs $kind)
    root_iops=$(echo "$root" | sed -n 's/.*(\([0-9]*\) IOPS.*/\1/p')
    root_mbs=$(echo "$root" | sed -n 's/.* IOPS, \([0-9]*\) MB\/s.*/\1/p')
    echo "childbench: $what, qd $qd: child $child_iops IOPS ($child_mbs MB/s), root $root_iops IOPS ($root_mbs MB/s), child/root $(ratio $child_iops $root_iops); ${exits#*bench qd $qd: }"
  done
done
hvctl delete bench >/dev/null
