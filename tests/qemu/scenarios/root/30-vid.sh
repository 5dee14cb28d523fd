# SPDX-License-Identifier: MIT
# timeout: 400
# vid.ko (/dev/vid) in the root under hv.efi, through vidtest and libvid: the module loads and
# makes /dev/vid (0600); every bad ioctl argument is refused with its errno; 50 partitions
# with 4 MiB of anonymous memory mapped are created and closed, the counters (the hypervisor's
# partitions and deposited pages, vid.ko's pinned pages) back at their baseline after each; a
# tiny guest runs (IO out, IN completed, HLT, a spin that a signal ends with EINTR; STI; HLT
# sleeps in the kernel); a child uses its SynIC through vid.ko (posts queued in order and
# refused past the queue, signals coalesced into the eventfd, a post waking it from HLT into
# its SINT handler); kill -9 of a process holding a partition (and, once the calls exist,
# blocked in VID_RUN) releases it;
# 10,000 random ioctls leave no oops, an intact hypervisor and the baseline. Calls the
# hypervisor does not implement yet are reported as skipped (vidtest's "skipped" lines).
oopses() { dmesg | grep -c 'BUG\|Oops\|WARNING'; }
taints() { echo $(($(cat /proc/sys/kernel/tainted) & (128 | 512 | 16384))); } # D, W, L
oops0=$(oopses) taint0=$(taints)
# vid.ko's rate-limited warnings about refused arguments stay in dmesg, off the serial console.
printk=$(cat /proc/sys/kernel/printk)
echo 4 > /proc/sys/kernel/printk
modprobe vid || { echo "modprobe vid failed: $(dmesg | grep 'vid:' | tail -n 1)"; exit 1; }
dmesg | grep -q 'vid: /dev/vid ready' || { echo "no 'vid: /dev/vid ready' in the kernel log"; exit 1; }
dmesg | grep 'vid: /dev/vid ready' | sed 's/^\[[^]]*\] //'
[ -c /dev/vid ] || { echo "/dev/vid missing after modprobe vid"; exit 1; }
mode=$(ls -l /dev/vid | cut -c1-10)
[ "$mode" = crw------- ] || { echo "/dev/vid mode $mode, not crw-------"; exit 1; }
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
S=/sys/kernel/debug/hvcheck

# The counters every step must come back to: the hypervisor's partitions and deposited pages,
# vid.ko's partitions, deposited, pinned and leaked pages (npt_split may grow, never shrinks).
base=$(vidtest stats | sed 's/ npt_split.*//') || { echo "vidtest stats failed"; exit 1; }
echo "baseline: $base"
at_base() {
  now=$(vidtest stats | sed 's/ npt_split.*//')
  [ "$now" = "$base" ] || { echo "$1: counters not at baseline: '$now' (baseline '$base')"; exit 1; }
}
step() { # step NAME vidtest-args...: runs it, shows its output, fails on its failure
  name=$1; shift
  vidtest "$@" > /tmp/vid.$name 2>&1; rc=$?
  grep -v '^FAIL' /tmp/vid.$name | tail -n 8
  grep '^FAIL' /tmp/vid.$name | head -n 5
  [ $rc -eq 0 ] || { echo "vidtest $*: failed (status $rc)"; exit 1; }
  at_base "after vidtest $1"
}

step checks checks
step cycle cycle 50 4
step guest guest
step synic synic

# kill -9 of a process holding a partition fd (with memory and VP 0; blocked in VID_RUN once
# the hypervisor runs VPs): the partition goes, its pages come back.
rm -f /tmp/vid.hold
vidtest hold 4 /tmp/vid.hold > /tmp/vid.holdout 2>&1 &
pid=$!
i=0
while [ ! -s /tmp/vid.hold ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s /tmp/vid.hold ] || { echo "vidtest hold did not get ready: $(cat /tmp/vid.holdout)"; exit 1; }
sleep 1
held=$(vidtest stats)
echo "held by pid $pid: $held"
echo "$held" | grep -q "^partitions $(($(echo "$base" | cut -d' ' -f2) + 1)) " ||
  { echo "the held partition is not counted: $held"; exit 1; }
kill -9 $pid
wait $pid 2>/dev/null
cat /tmp/vid.holdout
at_base "after kill -9 of the holder"
echo "kill -9 of a partition's holder: partition deleted, pages back"

step fuzz fuzz 1 10000

echo "$printk" > /proc/sys/kernel/printk
echo "vid.ko's last warnings: $(dmesg | grep -c 'vid: ') lines in dmesg, the last ones:"
dmesg | grep 'vid: ' | tail -n 3 | sed 's/^\[[^]]*\] /  /'
# The taint flags are sticky (dmesg's ring may have rolled over): oops D, warning W, lockup L.
[ "$(taints)" = "$taint0" ] && [ "$(oopses)" -le "$oops0" ] ||
  { dmesg | grep 'BUG\|Oops\|WARNING' | tail -n 3; echo "kernel oops/warning during the vid tests (taint $(cat /proc/sys/kernel/tainted))"; exit 1; }
grep -q '^intact 1$' $S/selfcheck || { echo "hypervisor self-check failed"; exit 1; }
# An independent reading of the hypervisor's counters: hvcheck's own (scenario 23's) baseline.
hv=$(sed -n 's/^stats_before //p' $S/partitions | sed 's/ vps [0-9]*//')
echo "$base" | grep -q "^$hv " || { echo "hvcheck reads '$hv', vidtest's baseline '$base'"; exit 1; }
rmmod vid || { echo "rmmod vid failed: a partition or VP fd still holds it"; exit 1; }
modprobe vid || { echo "modprobe vid (again) failed"; exit 1; }
echo "vid.ko: no oops, hypervisor intact, counters at baseline ($hv), unloads and reloads"
