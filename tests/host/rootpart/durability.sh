#!/bin/sh
# SPDX-License-Identifier: MIT
# A state change is on disk before anyone hears of it (issue 17): with the state folder full,
# a start fails, says why, and leaves no worker running; a live worker that the state file
# does not know is adopted by a restarted vmms; a worker that exits 0 after its partition
# stopped is a shutdown even when the graceful stop had timed out before (not a crash); a
# running report that cannot be recorded fails the start and stops the worker; a worker that
# does not turn its VM off after a graceful stop's timeout is turned off by vmms.
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
WORKER=$STANDIN
C=$T/cfg
small_fs "$T/state" 512 || { echo "SKIP mgmt durability: cannot mount a tmpfs (not root?)"; exit 0; }
export HV_STANDIN_SHUTDOWN=ignore   # graceful stops time out: the guest ignores them
start_vmms
for n in a b c; do write_config "$C/$n.json" "$n"; expect_rc 0 hvctl create "$C/$n.json"; done

# 1. State folder full: the start fails (exit 1, the cause and the fix), b stays off on disk
#    and in vmms, and its worker is gone.
fill "$T/state"
expect_rc 1 hvctl start b
expect_in "$ERR" "hvctl: cannot start b: cannot record the VM's state under $T/state/vms: No space left on device" "start with a full state folder"
[ "$(state_of b)" = off ] || fail "b is $(state_of b) after a start that could not be recorded"
grep -q '"state": *"off"' "$T/state/vms/b.state" || fail "b.state: $(cat "$T/state/vms/b.state")"
sleep 1
pid_alive_for "$T/state/vms/b.json" && fail "b's worker still runs after its start failed"
rm -f "$T/state/filler"
expect_rc 0 hvctl start b
expect_in "$OUT" "started b" "start after space was freed"

# 2. A live worker the state file does not know (vmms died between spawning and recording):
#    the next vmms adopts it instead of leaving it running unsupervised.
pid_b=$(hvctl show b | sed -n 's/^worker pid: *//p')
stop_vmms KILL
printf '{"state": "off", "reason": "created", "since_ms": 0, "worker_pid": 0}\n' > "$T/state/vms/b.state"
start_vmms
wait_state b running 30
expect_rc 0 hvctl show b
expect_in "$OUT" "worker pid:  $pid_b" "adopted unknown worker"
grep -q "VM b: worker pid $pid_b found running after a vmms restart although the state file said off; adopted" \
  "$T/log/vmms.log" || fail "vmms.log lacks the adoption"
# ... and a second start cannot run a second worker on the same disk.
expect_rc 5 hvctl start b

# 3. A graceful stop that timed out and was asked to leave the VM up (--no-force, exit 8),
#    then the guest shuts down after all and the worker exits 0: off, not crashed.
expect_rc 0 hvctl start c
expect_rc 8 hvctl stop c --timeout 1 --no-force
expect_in "$ERR" "the guest did not shut down within 1 s" "timed-out stop"
[ "$(state_of c)" = running ] || fail "c after a timed-out stop: $(state_of c)"
pid_c=$(hvctl show c | sed -n 's/^worker pid: *//p')
kill -TERM "$pid_c"
wait_state c off 30
expect_rc 0 hvctl show c
expect_in "$OUT" "reason:      shut down after the stop timed out" "late shutdown reason"
expect_rc 0 hvctl stop b --force

# 4. The running report cannot be recorded (the state folder filled up after the spawn): the
#    start fails with the cause, and the worker is stopped, not left running unknown.
stop_vmms
WORKER=$(dirname "$0")/fakeworker.py
export FAKE_GO=$T/go
start_vmms
write_config "$C/d.json" d
expect_rc 0 hvctl create "$C/d.json"
"$BIN/hvctl" start d > "$T/start-d.out" 2>&1 &
STARTER=$!
wait_state d starting 50
fill "$T/state"
touch "$FAKE_GO"
set +e; wait "$STARTER"; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "start of d with the running report unrecordable: exit $rc: $(cat "$T/start-d.out")"
expect_in "$(cat "$T/start-d.out")" "hvctl: start of d failed: cannot record the VM's state under $T/state/vms: No space left on device" "running not recorded"
wait_state d failed 50
sleep 0.5
pid_alive_for "$T/state/vms/d.json" && fail "d's worker still runs after its running state could not be recorded"
rm -f "$T/state/filler"

# 5. Nothing half-done: a worker that does not turn the VM off when its graceful stop times
#    out (one older than StopCommand.no_force, or stuck; this one ignores every command) is
#    turned off by vmms, as a forced stop (SIGKILL once that is ignored too).
expect_rc 0 hvctl start d
expect_rc 0 hvctl stop d --timeout 1
[ "$OUT" = "stopped d (forced off: the guest did not shut down within 1 s)" ] || fail "stop of a worker that ignores it: $OUT"
grep -q "WARN vmms: VM d: the worker did not finish the graceful stop in time; turning it off" "$T/log/vmms.log" \
  || fail "vmms.log lacks why vmms turned d off"
pid_alive_for "$T/state/vms/d.json" && fail "d's worker still runs after it was turned off"
finish "mgmt durability"
