# SPDX-License-Identifier: MIT
# Demo: an unmodified Debian Linux (the root's own kernel) as a child partition, on its in-tree
# Hyper-V drivers: its boot console in hvctl logs, its disk over VMBus (ext4 made and written by
# hv_storvsc), its channels in hvctl show, and a graceful stop through hv_utils.
# timeout: 900
set -u
show() { echo; echo "# $*"; "$@" 2>&1; }
. /scenarios/lib/vmms.sh
[ -S /run/hv/vmms.sock ] || { modprobe vid && vmms_start; } || exit 1
linux_vm_files /root/linux linux disk-write 64 || exit 1
echo; echo "== an unmodified Linux child: hv_vmbus, hv_storvsc, hv_utils against this VMBus =="
show hvctl create linux.json || exit 1
show hvctl start linux || exit 1
echo "(booting Linux in a child partition under QEMU's emulation takes a few minutes)"
i=0; while ! hvctl logs linux -n 100000 2>/dev/null | grep -q 'child: disk-write done' && [ $i -lt 800 ]; do
  sleep 1; i=$((i + 1)); done
echo; echo "# hvctl logs linux -n 100000   (boot console, excerpts)"
hvctl logs linux -n 100000 | grep -E 'Linux version|Hyper-V|hv_vmbus|x2apic|clocksource: Switched|Run /init|sd 0:0:0:0|EXT4-fs' | head -n 14
hvctl logs linux -n 100000 | grep -E 'child: ' | sed 's/.*child:/child:/' | head -n 30
show hvctl show linux
show hvctl stop linux --timeout 120
show hvctl logs linux -n 4
