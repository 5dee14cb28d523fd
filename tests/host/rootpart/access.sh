#!/bin/sh
# SPDX-License-Identifier: MIT
# vmms (root) opens only what its caller could open (issue 17): a caller that is not root may
# not attach /etc/shadow or a root-only chmod-000 image as disks, nor a read-only file as a
# writable disk; what they can open is accepted; a VM whose files its creator can no longer
# open does not start. Runs hvctl as uid 65534 (vmms --allow-uid, test mode).
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
WORKER=$STANDIN
C=$T/cfg
chmod 755 "$T" "$C"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/hvctl" "$@"; }
as_nobody --help >/dev/null 2>&1 || { echo "SKIP: user nobody cannot run $BIN/hvctl"; exit 0; }
start_vmms --allow-uid 65534
chmod 644 "$C/guest.elf" "$C/disk0.img"; chown 65534 "$C/disk0.img"
truncate -s 1M "$C/secret.img"; chmod 000 "$C/secret.img"
truncate -s 1M "$C/ro.img"; chmod 444 "$C/ro.img"
write_config "$C/shadow.json" shadow ', "disks": [{"path": "/etc/shadow", "readonly": true}]'
write_config "$C/secret.json" secret ', "disks": [{"path": "secret.img"}]'
write_config "$C/rw.json" rw ', "disks": [{"path": "ro.img"}]'
write_config "$C/ok.json" ok ', "disks": [{"path": "disk0.img"}]'
chmod 644 "$C"/*.json

expect_rc 6 as_nobody create "$C/shadow.json"
[ "$ERR" = "hvctl: $C/shadow.json: disks[0].path: /etc/shadow is not readable by uid 65534 (the caller): Permission denied; vmms opens only what its caller could open (fix the file's permissions, or mark a disk \"readonly\": true)" ] \
  || fail "shadow: $ERR"
expect_rc 6 as_nobody validate "$C/secret.json"
expect_in "$ERR" "disks[0].path: $C/secret.img is not readable and writable by uid 65534 (the caller): Permission denied" "chmod 000 image"
expect_rc 6 as_nobody create "$C/rw.json"
expect_in "$ERR" "disks[0].path: $C/ro.img is not readable and writable by uid 65534" "read-only file as a writable disk"
grep -q "refused config $C/shadow.json from uid 65534" "$T/log/vmms.log" || fail "refusal not logged"
expect_rc 4 hvctl show shadow
# Root may (root can open them anyway).
expect_rc 0 hvctl validate "$C/secret.json"

# What the caller can open is accepted; when they lose access, the VM does not start.
expect_rc 0 as_nobody create "$C/ok.json"
expect_rc 0 hvctl start ok
expect_rc 0 hvctl stop ok --force
chown 0 "$C/disk0.img"
expect_rc 6 hvctl start ok
expect_in "$ERR" "hvctl: cannot start ok: it was created by uid 65534, who can no longer open its files:" "owner lost access"
# The owner survives a vmms restart.
stop_vmms
start_vmms --allow-uid 65534
expect_rc 6 hvctl start ok
chown 65534 "$C/disk0.img"
expect_rc 0 hvctl start ok
expect_rc 0 hvctl stop ok --force
finish "mgmt caller access"
