#!/bin/sh
# SPDX-License-Identifier: MIT
# vmms + hvctl end to end, unprivileged paths in a temporary folder: create, validate, list,
# show, delete, start failing with the /dev/vid reason, usage errors and their exit codes,
# persistence across a vmms restart.
. "$(dirname "$0")/lib.sh"

[ -e /dev/vid ] && { echo "SKIP: /dev/vid exists on this host"; exit 0; }
start_vmms
C=$T/cfg

write_config "$C/demo.json" demo ', "disks": [{"path": "disk0.img", "readonly": false}]'
expect_rc 0 hvctl validate "$C/demo.json"
[ "$OUT" = "$C/demo.json: valid (VM demo, 64 MiB, 1 VP, 1 disk)" ] || fail "validate said: $OUT"
expect_rc 0 hvctl create "$C/demo.json"
[ "$OUT" = "created demo" ] || fail "create said: $OUT"
expect_rc 5 hvctl create "$C/demo.json"
[ "$ERR" = "$C/demo.json: name: a VM named demo already exists; choose another name, or delete the old VM first (hvctl delete demo)" ] || fail "duplicate: $ERR"
expect_rc 5 hvctl validate "$C/demo.json"
expect_in "$ERR" "name: a VM named demo already exists" "validate of a duplicate"

# A config with several mistakes: every one reported as FILE: key: problem.
printf '{"name": "x y", "memory_mib": 1, "boot": {"guest": "nope.elf"}, "disk": []}' > "$C/bad.json"
expect_rc 3 hvctl validate "$C/bad.json"
[ "$(echo "$ERR" | wc -l)" -eq 4 ] || fail "expected 4 problems, got: $ERR"
expect_in "$ERR" "$C/bad.json:1:65: disk: unknown key: did you mean \"disks\"?" "bad config"
expect_in "$ERR" "$C/bad.json:1:31: memory_mib: 1 is out of range: give 2 to 262144 (MiB)" "bad config"
expect_in "$ERR" "$C/bad.json:1:52: boot.guest: $C/nope.elf does not exist" "bad config"
# Duplicate keys are refused (json-c alone would keep the last one).
printf '{"name": "dup", "memory_mib": 64, "boot": {"guest": "guest.elf"},\n "disks": [{"path": "disk0.img", "readonly": true, "readonly": false}]}' > "$C/dup.json"
expect_rc 3 hvctl validate "$C/dup.json"
[ "$ERR" = "$C/dup.json:2:52: disks[0].readonly: duplicate key (first given at line 2, column 34): give each key once" ] || fail "duplicate key: $ERR"
expect_rc 3 hvctl create "$C/bad.json"
expect_rc 3 hvctl validate "$C/missing.json"
expect_in "$ERR" "hvctl: cannot read $C/missing.json: No such file or directory" "missing file"

expect_rc 0 hvctl list
expect_in "$OUT" "NAME" "list header"
echo "$OUT" | grep -Eq '^demo +off +1 +64 +- +- +-$' || fail "list row: $OUT"
expect_rc 0 hvctl list --json
expect_in "$OUT" '"name": "demo"' "list --json"
expect_in "$OUT" '"state": "off"' "list --json"

expect_rc 0 hvctl show demo
expect_in "$OUT" "memory:      64 MiB" "show"
expect_in "$OUT" "boot:        guest $C/guest.elf" "show"
expect_in "$OUT" "\"path\": \"$C/disk0.img\"" "show config"
expect_rc 0 hvctl show demo --json
expect_in "$OUT" '"config": {' "show --json"

# Start without a hypervisor: the worker's exact reason, as the start error and in show/list.
expect_rc 1 hvctl start demo
[ "$ERR" = "hvctl: start of demo failed: no hypervisor: /dev/vid missing — is hv.efi loaded?" ] || fail "start: $ERR"
expect_rc 0 hvctl show demo
expect_in "$OUT" "state:       failed" "show after start"
expect_in "$OUT" "reason:      no hypervisor: /dev/vid missing — is hv.efi loaded?" "show after start"
expect_rc 0 hvctl list
expect_in "$OUT" "failed" "list after start"
expect_rc 0 hvctl logs demo
echo "$OUT" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z INFO vmwp: start marker: vmwp [0-9.]+ pid [0-9]+ VM demo config .* \(sha256:[0-9a-f]{64}\)$' \
  || fail "log start marker: $OUT"
expect_in "$OUT" "INFO vmwp: worker started" "log"
expect_in "$OUT" "ERROR vmwp: start failed: no hypervisor: /dev/vid missing — is hv.efi loaded?" "log"
expect_rc 0 hvctl logs demo -n 1
[ "$(echo "$OUT" | wc -l)" -eq 1 ] || fail "logs -n 1 printed: $OUT"
expect_in "$OUT" "worker exiting (status 1)" "last log line"

# Impossible transitions and unknown names.
# stop of a VM that is not running succeeds (idempotent, for scripts and cluster agents).
expect_rc 0 hvctl stop demo
[ "$OUT" = "demo is failed already" ] || fail "stop: $OUT"
expect_rc 4 hvctl show nosuch
[ "$ERR" = "hvctl: no VM named nosuch: see hvctl list, or create it (hvctl create FILE)" ] || fail "show nosuch: $ERR"

# Usage errors: exit status 2, one line saying what to do.
expect_rc 2 hvctl
expect_rc 2 hvctl frobnicate
[ "$ERR" = "hvctl: unknown verb 'frobnicate'; see hvctl --help" ] || fail "unknown verb: $ERR"
expect_rc 2 hvctl start
expect_in "$ERR" "usage: hvctl start NAME" "missing arg"
expect_rc 2 hvctl start a b
expect_rc 2 hvctl start ../etc
expect_rc 2 hvctl stop demo --timeout x
expect_rc 2 hvctl list --force
[ "$ERR" = "hvctl: unknown option --force; usage: hvctl list (hvctl list --help)" ] || fail "bad option: $ERR"
for p in hvctl vmms vmwp; do
  expect_rc 0 "$BIN/$p" --version
  [ "$OUT" = "$p 0.1.0" ] || fail "$p --version: $OUT"
done
expect_rc 0 hvctl --help
expect_in "$OUT" "logs NAME [-f] [-n N]" "help"
expect_rc 0 hvctl stop --help
expect_in "$OUT" "usage: hvctl [--socket PATH] [--format F] stop NAME [--force] [--timeout S] [--no-force]" "verb help"

# Persistence: a restarted vmms has the same inventory and states.
write_config "$C/second.json" second
expect_rc 0 hvctl create "$C/second.json"
stop_vmms
expect_rc 7 hvctl list
expect_in "$ERR" "hvctl: cannot reach vmms at $HV_VMMS_SOCKET" "no vmms"
expect_in "$ERR" "is vmms running?" "no vmms"
start_vmms
expect_rc 0 hvctl list
echo "$OUT" | grep -Eq '^demo +failed' || fail "after restart: $OUT"
echo "$OUT" | grep -Eq '^second +off' || fail "after restart: $OUT"
ls "$T/state/vms" | grep -q tmp && fail "temporary files left in the state folder"
# A state file with fields of the wrong type (JSON null) is read back without trusting them:
# vmms starts, the VM is off with no reason.
stop_vmms
printf '{"state": null, "reason": null, "since_ms": 0, "worker_pid": 0}\n' > "$T/state/vms/second.state"
start_vmms
expect_rc 0 hvctl list
echo "$OUT" | grep -Eq '^second +off' || fail "after a null state: $OUT"

expect_rc 0 hvctl delete demo
[ "$OUT" = "deleted demo" ] || fail "delete: $OUT"
# delete of a VM that is gone succeeds (idempotent).
expect_rc 0 hvctl delete demo
[ "$OUT" = "no VM named demo: nothing to delete" ] || fail "second delete: $OUT"
expect_rc 0 hvctl --json delete second
[ "$OUT" = '{"ok":true,"message":"deleted second"}' ] || fail "delete --json: $OUT"
expect_rc 0 hvctl list --json
[ "$(echo "$OUT" | tr -d ' \n')" = "[]" ] || fail "list after delete: $OUT"
[ -z "$(ls "$T/state/vms")" ] || fail "state files left: $(ls "$T/state/vms")"
grep -q "INFO vmms: deleted VM demo" "$T/log/vmms.log" || fail "vmms.log lacks the delete"
# A missing worker program is a start failure with the fix in it.
stop_vmms
WORKER=$T/no-such-vmwp
start_vmms
write_config "$C/third.json" third
expect_rc 0 hvctl create "$C/third.json"
expect_rc 1 hvctl start third
[ "$ERR" = "hvctl: cannot start third: cannot run the worker $T/no-such-vmwp: no such file or directory; install vmwp beside vmms or pass vmms --worker-path" ] || fail "no worker: $ERR"
[ "$(state_of third)" = failed ] || fail "third is $(state_of third)"
finish "mgmt e2e"
