#!/bin/sh
# SPDX-License-Identifier: MIT
# Worker supervision with the test-only stand-in worker (vmwp-standin, a vmwp whose partition
# backend pretends to boot): start/running with devices, heartbeat and console lines in the
# log; kill -9 noticed at once (crashed, with the signal); the event stream; re-adoption of a
# running worker by a restarted vmms and crashed marking of one that died meanwhile; graceful
# stops, timed-out ones (turned off by default, left running with --no-force) and forced
# ones; the running-children limit; other VMs untouched throughout.
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
WORKER=$STANDIN
start_vmms --max-running 2
C=$T/cfg
for n in a b c; do write_config "$C/$n.json" "$n" ', "disks": [{"path": "disk0.img", "readonly": true}]'; done
for n in a b c; do expect_rc 0 hvctl create "$C/$n.json"; done

# The event stream, captured in the background for the whole test.
hvctl events > "$T/events" 2>&1 &
EXTRA_PIDS=$!
sleep 0.3

expect_rc 0 hvctl start a
expect_in "$OUT" "started a (worker pid " "start a"
[ "$(state_of a)" = running ] || fail "a is $(state_of a)"
expect_rc 0 hvctl start b
expect_rc 5 hvctl start a
[ "$ERR" = "hvctl: cannot start a: it is already running" ] || fail "double start: $ERR"

# The running-children limit.
expect_rc 5 hvctl start c
[ "$ERR" = "hvctl: cannot start c: 2 VMs are running and this host allows at most 2 (vmms --max-running); stop one first" ] || fail "limit: $ERR"
[ "$(state_of c)" = off ] || fail "c is $(state_of c) after a refused start"

# Devices and heartbeat while running; console lines in the log.
sleep 2.2
expect_rc 0 hvctl show a
# The worker's VMBus server really offers the config's disk and the integration services;
# the stand-in's transport reaches no guest, so every channel stays offered.
expect_in "$OUT" "disk         $C/disk0.img (read-only)  [scsi channel offered]" "devices"
expect_in "$OUT" "ic-shutdown  shutdown integration service (graceful stop)  [offered]" "devices"
expect_in "$OUT" "ic-heartbeat heartbeat integration service  [offered]" "devices"
expect_in "$OUT" "com1         console log  [attached]" "devices"
echo "$OUT" | grep -q "^last heard:  20" || fail "no heartbeat: $OUT"
expect_rc 0 hvctl logs a
expect_in "$OUT" "INFO vmwp: memory ready: 64 MiB, 1 VP (backend standin)" "log"
expect_in "$OUT" "INFO vmwp: first VP entry: VM a running" "log"
expect_in "$OUT" "INFO console: standin guest: hello from COM1" "console line"
expect_in "$OUT" "INFO console: standin guest: up" "console line"

# Crash: kill -9 the worker; vmms notices at once and records the signal.
pid_a=$(hvctl show a | sed -n 's/^worker pid: *//p')
[ -n "$pid_a" ] && [ "$pid_a" != - ] || fail "no worker pid for a"
kill -9 "$pid_a"
wait_state a crashed 20
expect_rc 0 hvctl show a
expect_in "$OUT" "reason:      worker was killed by signal 9 (Killed); see hvctl logs a" "crash reason"
[ "$(state_of b)" = running ] || fail "b was disturbed by a's crash: $(state_of b)"
grep -q "ERROR vmms: VM a: running -> crashed: worker was killed by signal 9" "$T/log/vmms.log" \
  || fail "vmms.log lacks the crash"

# Graceful stop; then the crashed VM starts again.
expect_rc 0 hvctl stop b
[ "$OUT" = "stopped b (shut down)" ] || fail "stop b: $OUT"
expect_rc 0 hvctl logs b
expect_in "$OUT" "INFO console: standin guest: shutting down" "shutdown console line"
expect_in "$OUT" "INFO vmwp: VM b stopped: the guest shut down" "stop line"
expect_rc 0 hvctl start a

# Conflicting requests: delete while running, start while running.
expect_rc 5 hvctl delete a
[ "$ERR" = "hvctl: cannot delete a: it is running; stop it first (hvctl stop a)" ] || fail "delete running: $ERR"

# Re-adoption: vmms goes away (even by SIGKILL); the worker keeps running; a new vmms takes
# it back. Meanwhile c's worker is killed, so the new vmms must mark it crashed.
expect_rc 0 hvctl start c
pid_a=$(hvctl show a | sed -n 's/^worker pid: *//p')
pid_c=$(hvctl show c | sed -n 's/^worker pid: *//p')
stop_vmms KILL
kill -0 "$pid_a" || fail "worker of a died with vmms"
kill -9 "$pid_c"
sleep 0.2
start_vmms --max-running 2
wait_state c crashed 20
expect_rc 0 hvctl show c
expect_in "$OUT" "worker pid $pid_c was gone when vmms restarted (exit status unknown)" "gone worker"
[ "$(state_of a)" = running ] || fail "a not re-adopted: $(state_of a)"
expect_rc 0 hvctl show a
expect_in "$OUT" "worker pid:  $pid_a" "re-adopted pid"
grep -q "VM a: re-adopted worker pid $pid_a" "$T/log/vmms.log" || fail "no re-adoption line"
# The re-adopted worker is supervised: a kill is noticed through its pidfd.
kill -9 "$pid_a"
wait_state a crashed 20
expect_rc 0 hvctl show a
expect_in "$OUT" "exit status is unknown" "re-adopted crash"

# A graceful stop the guest ignores times out; by default the VM is then turned off (exit 0),
# each step in the VM log in order.
stop_vmms
HV_STANDIN_SHUTDOWN=ignore start_vmms --max-running 2
expect_rc 0 hvctl start b
expect_rc 0 hvctl stop b --timeout 1
[ "$OUT" = "stopped b (forced off: the guest did not shut down within 1 s)" ] || fail "stop after timeout: $OUT"
[ "$(state_of b)" = off ] || fail "b after a stop that timed out: $(state_of b)"
expect_rc 0 hvctl show b
expect_in "$OUT" "reason:      forced off: the guest did not shut down within 1 s" "reason after timeout"
expect_rc 0 hvctl logs b
L=$(echo "$OUT" | sed -n 's/^[^ ]* [A-Z]* vmwp: //p')
WANT='graceful stop requested (timeout 1 s)
shutdown request sent to the guest through the standin backend (the guest has not opened its shutdown integration service)
graceful stop timed out after 1 s: turning the VM off
VM b stopped: forced off: the guest did not shut down within 1 s
worker exiting (status 0)'
[ "$(echo "$L" | tail -n 5)" = "$WANT" ] || fail "log of a stop that timed out: $L"
expect_in "$OUT" "WARN vmwp: graceful stop timed out after 1 s: turning the VM off" "level of the timeout line"
grep -q "VM b: stopping -> off: forced off: the guest did not shut down within 1 s" "$T/log/vmms.log" \
  || fail "vmms.log lacks the forced-off-after-timeout change"

# With --no-force it times out and leaves the VM running (exit 8); --force ends it.
expect_rc 0 hvctl start a
# Follow a's log from here on, in the background.
hvctl logs a -f -n 1 > "$T/follow" 2>&1 &
FOLLOW=$!
EXTRA_PIDS="$EXTRA_PIDS $FOLLOW"
# The follower is attached once it has printed its one line of history: only then may the
# stop below write what it must see (else -n 1 shows only the last of those lines).
i=0
while [ ! -s "$T/follow" ]; do
  i=$((i + 1)); [ $i -lt 200 ] || fail "hvctl logs -f printed nothing within 10 s"; sleep 0.05
done
# Conflicting requests while a graceful stop is in progress: refused, state intact.
hvctl stop a --timeout 2 --no-force > "$T/stop-out" 2>&1 &
STOPPER=$!
wait_state a stopping 20
expect_rc 5 hvctl start a
[ "$ERR" = "hvctl: cannot start a: it is stopping; wait until it is off (hvctl events or hvctl show a), then start it" ] || fail "start while stopping: $ERR"
expect_rc 5 hvctl delete a
[ "$ERR" = "hvctl: cannot delete a: it is stopping; wait until it is off, or turn it off (hvctl stop a --force), then delete it" ] || fail "delete while stopping: $ERR"
expect_rc 5 hvctl stop a
[ "$ERR" = "hvctl: cannot stop a gracefully: it is stopping; wait, or use hvctl stop a --force" ] || fail "stop while stopping: $ERR"
rc=0; wait "$STOPPER" || rc=$?
[ "$rc" = 8 ] || fail "stop --no-force that timed out: exit $rc: $(cat "$T/stop-out")"
expect_in "$(cat "$T/stop-out")" "the guest did not shut down within 2 s" "first stop"
expect_rc 8 hvctl stop a --timeout 1 --no-force
[ "$ERR" = "hvctl: cannot stop a: the guest did not shut down within 1 s; it is still running: use --force" ] || fail "timeout: $ERR"
[ "$(state_of a)" = running ] || fail "a after timed-out stop: $(state_of a)"
expect_rc 2 hvctl stop a --force --no-force
expect_in "$ERR" "hvctl: --force and --no-force contradict each other" "--force --no-force"
expect_rc 0 hvctl stop a --force
[ "$OUT" = "stopped a (forced off)" ] || fail "force: $OUT"
# logs -f delivered what the worker wrote after it was started.
sleep 0.5
kill "$FOLLOW" 2>/dev/null || true
F=$(cat "$T/follow")
expect_in "$F" "INFO vmwp: graceful stop requested (timeout 2 s; --no-force: the VM keeps running if the guest does not shut down)" "logs -f"
expect_in "$F" "WARN vmwp: graceful stop timed out: the guest did not shut down within 2 s" "logs -f"
expect_in "$F" "INFO vmwp: VM a stopped: forced off" "logs -f"
expect_in "$F" "INFO vmwp: worker exiting (status 0)" "logs -f"

# Re-adoption of a worker that never got its start command (the previous vmms died between
# spawning it and telling it to start): the new vmms tells it, and the VM comes up.
stop_vmms
"$WORKER" --name c --config "$T/state/vms/c.json" --log-dir "$T/log" \
    --control-socket "$T/run/workers/c.sock" >/dev/null 2>>"$T/vmms.out" &
orphan=$!
EXTRA_PIDS="$EXTRA_PIDS $orphan"
printf '{"state": "starting", "reason": "start requested", "since_ms": 0, "worker_pid": %d}\n' \
    "$orphan" > "$T/state/vms/c.state"
i=0
while [ ! -S "$T/run/workers/c.sock" ]; do
  i=$((i + 1)); [ $i -lt 100 ] || fail "hand-started worker did not open its socket"; sleep 0.05
done
start_vmms --max-running 2
wait_state c running 30
expect_rc 0 hvctl show c
expect_in "$OUT" "worker pid:  $orphan" "adopted never-started worker"
expect_rc 0 hvctl stop c --force
wait "$orphan" || fail "hand-started worker exited with status $?"

# A disk the storage VSP cannot serve (not a whole number of 512-byte sectors) fails the
# start with the device's reason; the worker tears down what it built and nothing runs.
truncate -s 1000 "$C/odd.img"
write_config "$C/d.json" d ', "disks": [{"path": "odd.img", "readonly": false}]'
expect_rc 0 hvctl create "$C/d.json"
expect_rc 1 hvctl start d
expect_in "$ERR" "hvctl: start of d failed: devices: " "odd disk"
expect_in "$ERR" "odd.img: size 1000 is not a non-zero multiple of 512" "odd disk"
[ "$(state_of d)" = failed ] || fail "d after a refused disk: $(state_of d)"
expect_rc 0 hvctl logs d
expect_in "$OUT" "ERROR vmwp: start failed: devices: " "odd disk log"
expect_rc 0 hvctl start a
expect_rc 0 hvctl logs a
expect_in "$OUT" "INFO vmwp: VMBus server up: 1 disk on the SCSI controller" "vmbus up"
expect_rc 0 hvctl stop a --force

# The event stream saw the whole story (it was connected to the first vmms only).
kill "$EXTRA_PIDS" 2>/dev/null || true; EXTRA_PIDS=
grep -Eq ' a off -> starting: start requested$' "$T/events" || fail "events: $(cat "$T/events")"
grep -Eq ' a starting -> running: started$' "$T/events" || fail "events: $(cat "$T/events")"
grep -Eq ' a running -> crashed: worker was killed by signal 9' "$T/events" || fail "events: $(cat "$T/events")"
grep -Eq ' b running -> stopping: stop requested$' "$T/events" || fail "events: $(cat "$T/events")"
grep -Eq ' b stopping -> off: shut down$' "$T/events" || fail "events: $(cat "$T/events")"
finish "mgmt supervision"
