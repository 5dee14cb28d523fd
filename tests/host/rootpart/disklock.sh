#!/bin/sh
# SPDX-License-Identifier: MIT
# One disk image, several VMs (issue 17): two configs naming one writable image, and a hard
# link to it. create warns at once; a second start is refused naming the VM that holds the
# image; read-only sharing is allowed; the worker's own lock (an OFD lock, exclusive for a
# writable disk) holds even against a second vmms that knows nothing of the first.
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
WORKER=$STANDIN
C=$T/cfg
ln "$C/disk0.img" "$C/link.img"
truncate -s 1M "$C/shared.img"
start_vmms
write_config "$C/a.json" a ', "disks": [{"path": "disk0.img"}]'
write_config "$C/b.json" b ', "disks": [{"path": "disk0.img"}]'
write_config "$C/c.json" c ', "disks": [{"path": "link.img"}]'
expect_rc 0 hvctl create "$C/a.json"
[ -z "$ERR" ] || fail "create a warned: $ERR"
expect_rc 0 hvctl create "$C/b.json"
[ "$ERR" = "hvctl: warning: disks[0] ($C/disk0.img) is also disks[0] of VM a (one of them writable): the two cannot run at the same time" ] \
  || fail "create b: $ERR"
expect_rc 0 hvctl create "$C/c.json"
expect_in "$ERR" "hvctl: warning: disks[0] ($C/link.img) is also disks[0] of VM a" "create c (hard link)"

expect_rc 0 hvctl start a
expect_rc 5 hvctl start b
[ "$ERR" = "hvctl: cannot start b: disks[0] ($C/disk0.img) is in use by VM a (running, read-write); stop a first, or give b its own image" ] \
  || fail "start b: $ERR"
expect_rc 5 hvctl start c
expect_in "$ERR" "hvctl: cannot start c: disks[0] ($C/link.img) is in use by VM a (running" "start c"
[ "$(state_of b)" = off ] && [ "$(state_of c)" = off ] || fail "b or c changed state"
expect_rc 0 hvctl logs a
expect_in "$OUT" "INFO vmwp: 1 disk image locked (shared if read-only, exclusive if writable)" "lock line"

# The lock itself: an exclusive OFD lock on the image while a runs; gone once it stops.
probe() {
  python3 -c 'import fcntl,struct,sys,os
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi", fcntl.F_RDLCK, 0, 0, 0, 0))
except OSError:
    print("locked"); sys.exit(0)
print("free")' "$1"
}
[ "$(probe "$C/link.img")" = locked ] || fail "disk0.img is not locked while a runs"

# A second vmms (its own state) does not know a; its worker's lock refuses the image.
"$BIN/vmms" --socket "$T/other.sock" --run-dir "$T/run2" --state-dir "$T/state2" \
    --log-dir "$T/log2" --worker-path "$WORKER" >>"$T/vmms.out" 2>&1 &
OTHER=$!
EXTRA_PIDS="$EXTRA_PIDS $OTHER"
i=0
while ! "$BIN/hvctl" --socket "$T/other.sock" list >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 100 ] || fail "second vmms did not start"; sleep 0.05
done
write_config "$C/x.json" x ', "disks": [{"path": "disk0.img", "readonly": true}]'
expect_rc 0 hvctl --socket "$T/other.sock" create "$C/x.json"
expect_rc 1 hvctl --socket "$T/other.sock" start x
expect_in "$ERR" "hvctl: start of x failed: disks[0]: $C/disk0.img is in use (locked for writing by another VM's worker or another program)" "worker lock"
kill "$OTHER"; wait "$OTHER" 2>/dev/null || true

expect_rc 0 hvctl stop a --force
sleep 0.3
[ "$(probe "$C/disk0.img")" = free ] || fail "disk0.img still locked after a stopped"
expect_rc 0 hvctl start b
expect_rc 0 hvctl stop b --force

# Read-only sharing: both run; a writable user is then refused naming one of them.
write_config "$C/r1.json" r1 ', "disks": [{"path": "shared.img", "readonly": true}]'
write_config "$C/r2.json" r2 ', "disks": [{"path": "shared.img", "readonly": true}]'
write_config "$C/w.json" w ', "disks": [{"path": "shared.img"}]'
for n in r1 r2 w; do expect_rc 0 hvctl create "$C/$n.json"; done
expect_rc 0 hvctl start r1
expect_rc 0 hvctl start r2
expect_rc 5 hvctl start w
expect_in "$ERR" "is in use by VM r" "writable user of a shared read-only image"
expect_rc 0 hvctl stop r1 --force
expect_rc 0 hvctl stop r2 --force
finish "mgmt disk locks"
