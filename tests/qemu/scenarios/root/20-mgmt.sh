# SPDX-License-Identifier: MIT
# Management plane inside the root partition, with the default paths (/run/hv, /var/lib/hv,
# /var/log/hv): vmms starts, hvctl create/validate/list/show/logs/delete work, and without
# /dev/vid a start fails with the worker's clear reason. The commands are docs/hvctl.md's.
# timeout: 90
set -u
die() { echo "$*"; [ -n "${vmms_pid:-}" ] && kill "$vmms_pid" 2>/dev/null; exit 1; }
check() { # check WHAT NEEDLE TEXT
  case "$3" in *"$2"*) ;; *) echo "$3"; die "$1: expected '$2'";; esac
}

. /scenarios/lib/vmms.sh
vmms_start || die "vmms did not start"
demo_vm_files /tmp/demo || die "cannot make /tmp/demo"
out=$(hvctl validate demo.json 2>&1) || die "validate: $out"
check validate "/tmp/demo/demo.json: valid (VM demo, 64 MiB, 1 VP, 1 disk)" "$out"
out=$(hvctl create demo.json 2>&1) || die "create: $out"
check create "created demo" "$out"
out=$(hvctl create demo.json 2>&1) && die "second create succeeded"
check duplicate "name: a VM named demo already exists" "$out"
printf '{"name": "bad", "memory_mib": 0, "boot": {"guest": "none.elf"}}' > bad.json
out=$(hvctl validate bad.json 2>&1); rc=$?
[ $rc -eq 3 ] || die "validate bad.json: exit status $rc (want 3: bad config)"
check "bad config" "/tmp/demo/bad.json:1:31: memory_mib: 0 is out of range: give 2 to 262144 (MiB)" "$out"
check "bad config" "/tmp/demo/bad.json:1:52: boot.guest: /tmp/demo/none.elf does not exist" "$out"

out=$(hvctl list 2>&1) || die "list: $out"
echo "$out"
echo "$out" | grep -Eq '^demo +off +1 +64 +- +- +-$' || die "list row for demo missing"
out=$(hvctl show demo 2>&1) || die "show: $out"
check show "memory:      64 MiB" "$out"
check show "log:         /var/log/hv/demo.log" "$out"

if [ -e /dev/vid ]; then
  echo "/dev/vid present: the start-failure check belongs to a root without the hypervisor"
else
  out=$(hvctl start demo 2>&1); rc=$?
  [ $rc -eq 1 ] || die "start without /dev/vid: exit status $rc ($out)"
  check start "hvctl: start of demo failed: no hypervisor: /dev/vid missing — is hv.efi loaded?" "$out"
  out=$(hvctl list 2>&1)
  echo "$out"
  check "list after start" "failed" "$out"
  out=$(hvctl logs demo 2>&1) || die "logs: $out"
  echo "$out"
  check logs "INFO vmwp: start marker: vmwp" "$out"
  check logs "ERROR vmwp: start failed: no hypervisor: /dev/vid missing — is hv.efi loaded?" "$out"
fi

out=$(hvctl delete demo 2>&1) || die "delete: $out"
check delete "deleted demo" "$out"
out=$(hvctl list --json 2>&1) || die "list --json: $out"
[ "$(echo "$out" | tr -d ' \n')" = "[]" ] || die "inventory not empty after delete: $out"
grep -q "INFO vmms: deleted VM demo" /var/log/hv/vmms.log || die "vmms.log lacks the delete"
kill "$vmms_pid"
wait "$vmms_pid" 2>/dev/null
echo "vmms + hvctl work in the root (state in /var/lib/hv, logs in /var/log/hv)"
