# SPDX-License-Identifier: MIT
# timeout: 1500
# A Linux child's disk over VMBus (issue 16): its own hv_storvsc makes an ext4 filesystem on
# /dev/sda, writes files with checksums and syncs; hvctl show lists its channels open and the
# heartbeat; hvctl stop is graceful through its hv_utils (Linux runs its power-off path); the
# root checks the image (e2fsck -n); the child restarts and reads the files back intact.
. /scenarios/lib/vmms.sh
modprobe vid || { echo "modprobe vid failed"; exit 1; }
vmms_start || exit 1
fail() {
  echo "$*"
  echo "-- what the child's kernel found missing or wrong:"
  hvctl logs linux2 -n 100000 2>&1 | grep -iE 'unchecked MSR|WARNING|BUG|panic|error|fail' | head -n 40
  echo "-- the end of its log:"
  hvctl logs linux2 -n 100000 2>&1 | tail -n 40
  exit 1
}
# wait_log REGEX SECONDS: a line of the child's log, with progress every 60 s.
wait_log() {
  _start=$(date +%s) _last=$_start
  while ! hvctl logs linux2 -n 100000 2>/dev/null | grep -Eq "$1"; do
    _now=$(date +%s)
    case "$(hvctl list | awk '$1 == "linux2" { print $2 }')" in
      crashed*|off*|failed*) fail "linux2 stopped while waiting for '$1'";;
    esac
    [ $((_now - _start)) -ge "$2" ] && fail "no '$1' in linux2's log after $2 s"
    if [ $((_now - _last)) -ge 60 ]; then
      _last=$_now; echo "waiting for '$1' ($((_now - _start)) s):"; hvctl logs linux2 -n 100000 | tail -n 2
    fi
    sleep 1
  done
  echo "linux2: '$1' after $(($(date +%s) - _start)) s"
}
linux_vm_files /tmp/linux linux2 disk-write 64 || exit 1
hvctl create linux2.json >/dev/null || fail "create failed"
hvctl start linux2 || fail "start failed"
wait_log 'child: /dev/sda present' 600
wait_log 'child: disk-write done [0-9]+ files' 600
# COM1 is found as a 16550A (its FIFO: 16 bytes per transmit interrupt) and interrupts through the
# worker's I/O APIC (GSI 4 from the DSDT, an edge-triggered entry).
uart=$(hvctl logs linux2 -n 100000 | grep -o 'ttyS0 at I/O 0x3f8 .*' | tail -n 1)
echo "child's COM1: $uart"
echo "$uart" | grep -q 'is a 16550A' || fail "the child's 8250 driver did not find a 16550A: '$uart'"
hvctl logs linux2 -n 100000 | grep -q 'child: tty line sent by the 8250 interrupt handler' ||
  fail "the line written through /dev/ttyS0 never reached the console"
irq=$(hvctl logs linux2 -n 100000 | sed -n 's/.*child: serial irq //p' | head -n 1)
echo "serial irq: $irq"
echo "$irq" | grep -Eq '^ ?[0-9]+: [1-9][0-9]* (IR-)?IO-APIC 4-edge ttyS0' ||
  fail "COM1 does not interrupt through the I/O APIC: '$irq'"
sums=$(hvctl logs linux2 -n 100000 | sed -n 's/.*child: disk-write sums \([0-9a-f]*\).*/\1/p' | tail -n 1)
[ -n "$sums" ] || fail "no checksum of the written files"
hvctl logs linux2 -n 100000 | grep -E 'child: (insmod|modules|/dev/sda|mkfs|mounted|disk-write)' | sed 's/.*child:/child:/'
i=0; while [ $i -lt 100 ]; do
  hvctl show linux2 > show.txt
  grep -q 'ic-heartbeat.*last heard' show.txt && grep -q 'disk .*open' show.txt && break
  sleep 0.2; i=$((i + 1))
done
grep -E 'disk|ic-' show.txt
grep -q 'disk .*open' show.txt || fail "hvctl show: the SCSI channel is not open"
grep -q 'ic-heartbeat.*last heard' show.txt || fail "hvctl show: no heartbeat age"
grep -q 'ic-shutdown.*running' show.txt || fail "hvctl show: the shutdown IC is not running"
hvctl stop linux2 --timeout 120 || fail "graceful stop failed"
hvctl list | grep '^linux2'
hvctl logs linux2 -n 100000 | grep -E 'child: poweroff|reboot: Power down|shutdown' | sed 's/.*\(child:\|console:\)//' | tail -n 5
# (The child's console interleaves its kernel's lines with /init's, so the kernel's own lines.)
hvctl logs linux2 -n 100000 | grep -q 'hv_utils: Shutdown request received' ||
  fail "hv_utils did not receive the shutdown request"
hvctl logs linux2 -n 100000 | grep -q 'reboot: Power down' || fail "the child did not run its power-off path"
hvctl show linux2 | grep -E '^reason' | grep -q 'shut down' || fail "not shut down: $(hvctl show linux2 | grep '^reason')"
e2fsck -n linux2-disk0.img || fail "e2fsck -n found problems in the child's filesystem"
# Restart the same disk with the verifying action (each step said, each bounded).
echo "restarting linux2 to verify"
timeout 60 hvctl delete linux2 || fail "delete failed"
sed -i 's/child.run=disk-write/child.run=disk-verify/' linux2.json
timeout 60 hvctl create linux2.json || fail "create (verify) failed"
timeout 200 hvctl start linux2 || fail "restart failed"
wait_log 'child: disk-verify (ok|FAILED)' 600
hvctl logs linux2 -n 100000 | grep -q "child: disk-verify ok" || fail "the files did not read back intact"
hvctl logs linux2 -n 100000 | grep -q "child: disk-verify sums $sums" || fail "SHA256SUMS changed"
hvctl stop linux2 --timeout 120 || fail "second graceful stop failed"
hvctl delete linux2 >/dev/null
echo "linux2: ext4 written, shut down gracefully, checked by the root, read back intact"
