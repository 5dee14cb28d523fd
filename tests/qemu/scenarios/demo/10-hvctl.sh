# SPDX-License-Identifier: MIT
# Demo: the management plane in the root partition. vmms runs with its default paths; hvctl
# validates, creates, lists and shows a VM. Starting it needs the child-partition support
# (/dev/vid), so today the start fails with the worker's reason, which the demo shows too.
# timeout: 90
set -u
show() { echo; echo "# $*"; "$@" 2>&1; }

. /scenarios/lib/vmms.sh
vmms_start || exit 1
demo_vm_files /root/demo || exit 1
printf '{"name": "bad!", "memory_mib": 0, "vps": "two", "boot": {"guest": "none.elf"}}' > bad.json
echo "== the management plane: vmms + hvctl =="
show hvctl validate demo.json
show hvctl validate bad.json
show hvctl create demo.json || exit 1
show hvctl list || exit 1
show hvctl start demo
show hvctl show demo || exit 1
show hvctl logs demo -n 5
show hvctl delete demo || exit 1
show hvctl list --json || exit 1
