#!/bin/sh
# SPDX-License-Identifier: MIT
# Workers drop root once they hold /dev/vid and their disks: their own uid and gid, the
# workers' group only, no capabilities, no way back (no_new_privs); two VMs get two uids; the
# VM's log still works and a restarted vmms still re-adopts the worker. --worker-uid-base 0
# keeps them root.
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
WORKER=$STANDIN
C=$T/cfg
chmod 755 "$C"; chmod 644 "$C/guest.elf" "$C/disk0.img"
BASE=1879048192
start_vmms
for n in a b; do write_config "$C/$n.json" "$n" ', "disks": [{"path": "disk0.img", "readonly": true}]'; expect_rc 0 hvctl create "$C/$n.json"; done
expect_rc 0 hvctl start a
expect_rc 0 hvctl start b
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }
pid_a=$(hvctl show a | sed -n 's/^worker pid: *//p')
pid_b=$(hvctl show b | sed -n 's/^worker pid: *//p')
uid_a=$(status_of "$pid_a" Uid | awk '{print $1}')
uid_b=$(status_of "$pid_b" Uid | awk '{print $1}')
[ "$uid_a" -gt "$BASE" ] && [ "$uid_b" -gt "$BASE" ] && [ "$uid_a" != "$uid_b" ] || fail "worker uids: $uid_a $uid_b"
[ "$(status_of "$pid_a" Uid)" = "$uid_a	$uid_a	$uid_a	$uid_a" ] || fail "Uid: $(status_of "$pid_a" Uid)"
[ "$(status_of "$pid_a" Gid | awk '{print $1}')" = "$uid_a" ] || fail "Gid: $(status_of "$pid_a" Gid)"
[ "$(status_of "$pid_a" Groups | tr -d ' ')" = "$BASE" ] || fail "Groups: $(status_of "$pid_a" Groups)"
[ "$(status_of "$pid_a" CapEff)" = 0000000000000000 ] || fail "CapEff: $(status_of "$pid_a" CapEff)"
[ "$(status_of "$pid_a" CapPrm)" = 0000000000000000 ] || fail "CapPrm: $(status_of "$pid_a" CapPrm)"
[ "$(status_of "$pid_a" NoNewPrivs)" = 1 ] || fail "NoNewPrivs: $(status_of "$pid_a" NoNewPrivs)"
expect_rc 0 hvctl logs a
expect_in "$OUT" "INFO vmwp: privileges dropped: uid $uid_a, gid $uid_a, group $BASE, no capabilities" "log"
sleep 2.2   # a heartbeat: the worker still reports
expect_rc 0 hvctl show a
echo "$OUT" | grep -q "^last heard:  20" || fail "no heartbeat after the drop: $OUT"
# Re-adopted by a restarted vmms.
stop_vmms KILL
start_vmms
wait_state a running 30
expect_rc 0 hvctl stop a --force
expect_rc 0 hvctl stop b --force
stop_vmms
# --worker-uid-base 0: workers keep root.
start_vmms --worker-uid-base 0
expect_rc 0 hvctl start a
pid_a=$(hvctl show a | sed -n 's/^worker pid: *//p')
[ "$(status_of "$pid_a" Uid | awk '{print $1}')" = 0 ] || fail "with base 0: $(status_of "$pid_a" Uid)"
expect_rc 0 hvctl stop a --force
finish "mgmt worker privilege drop"
