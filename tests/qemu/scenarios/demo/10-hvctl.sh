# SPDX-License-Identifier: MIT
# Demo: child partitions through the management plane in the root partition. vid.ko gives
# vmms's workers /dev/vid; hvctl validates, creates and starts a VM whose child runs the test
# guest (testguest.elf) under hv.efi; its COM1 output is in hvctl logs; the VM is shown, stopped
# by force (the test guest spins) and deleted; a second VM says hello and powers off by itself.
# Then VMBus into children: a VM writes a checksummed pattern to its disk over the SCSI channel,
# flushes and reads it back; another shows its channels and heartbeat and stops gracefully
# through its shutdown integration service.
# timeout: 420
set -u
show() { echo; echo "# $*"; "$@" 2>&1; }
state() { hvctl list | awk -v n="$1" '$1 == n { sub(":$", "", $2); print $2 }'; }
wait_state() { i=0; while [ "$(state $1)" != "$2" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done; }

. /scenarios/lib/vmms.sh
modprobe vid || exit 1
vmms_start || exit 1
demo_vm_files /root/demo || exit 1
printf '{"name": "bad!", "memory_mib": 0, "vps": "two", "boot": {"guest": "none.elf"}}' > bad.json
sed 's/"demo"/"hello"/; s/check=spin/check=hello/; s/"memory_mib": 64/"memory_mib": 16/' demo.json |
  grep -v disk > hello.json
echo "== child partitions: vmms + hvctl + vmwp + vid.ko + hv.efi =="
show hvctl validate demo.json
show hvctl validate bad.json
show hvctl create demo.json || exit 1
show hvctl list || exit 1
show hvctl start demo || exit 1
wait_state demo running
show hvctl show demo || exit 1
show hvctl logs demo -n 12
show hvctl stop --force demo || exit 1
show hvctl create hello.json || exit 1
show hvctl start hello || exit 1
wait_state hello off
show hvctl logs hello -n 6
show hvctl list || exit 1
show hvctl delete demo || exit 1
show hvctl list --json || exit 1

echo; echo "== VMBus into children: storage and integration services =="
dd if=/dev/zero of=vmbus-disk.img bs=1M count=8 2>/dev/null
sed 's/"demo"/"disk"/; s/check=spin/check=vmbus-disk blocks=64/; s/disk0.img/vmbus-disk.img/' \
  demo.json > disk.json
sed 's/"demo"/"ics"/; s/check=spin/check=vmbus-ic/; s/"memory_mib": 64/"memory_mib": 32/' \
  demo.json > ics.json
show hvctl create disk.json || exit 1
show hvctl start disk || exit 1
wait_state disk off
show hvctl logs disk -n 14
show hvctl create ics.json || exit 1
show hvctl start ics || exit 1
i=0; while ! hvctl show ics | grep -q 'ic-heartbeat.*last heard' && [ $i -lt 300 ]; do
  sleep 0.1; i=$((i + 1)); done
show hvctl show ics
show hvctl stop ics --timeout 30 || exit 1
show hvctl logs ics -n 8
