#!/bin/sh
# SPDX-License-Identifier: MIT
# Nothing hangs, nothing is lost without a word (issue 17): a config that is a FIFO is
# refused before it is opened for reading; a stopped vmms makes hvctl give up with exit 8; a
# worker that never reports fails its start after vmms --start-timeout and is stopped; the
# logs of a VM that never started say so (exit 4); a full log folder is reported by show.
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
C=$T/cfg
# Every hvctl call here is bounded by timeout(1): a hang is a failure (124), not a stuck test.
bounded() { shift; timeout 15 "$BIN/hvctl" "$@"; }  # bounded hvctl ARGS

# A FIFO as the config: refused at once (before: open() blocked forever).
mkfifo "$C/fifo.json"
expect_rc 3 bounded hvctl validate "$C/fifo.json"
[ "$ERR" = "hvctl: cannot read $C/fifo.json: not a regular file; give the path of a VM config file (see docs/vm-config.md)" ] \
  || fail "FIFO config: $ERR"

# A worker that never reports (a program that only sleeps).
printf '#!/bin/sh\nexec sleep 6007\n' > "$T/silent-worker"
chmod +x "$T/silent-worker"
WORKER=$T/silent-worker
start_vmms --start-timeout 2
write_config "$C/quiet.json" quiet
expect_rc 0 hvctl create "$C/quiet.json"
expect_rc 8 bounded hvctl start quiet
expect_in "$ERR" "hvctl: start of quiet timed out: the worker (pid " "silent worker"
expect_in "$ERR" "did not report within 2 s (vmms --start-timeout); it was stopped: see hvctl logs quiet" "silent worker"
wait_state quiet failed 50
sleep 0.5
pid_alive_for "sleep 6007" && fail "the silent worker still runs"

# Logs of a VM that never started: said, exit 4 (before: nothing, exit 0).
write_config "$C/never.json" never
expect_rc 0 hvctl create "$C/never.json"
expect_rc 4 bounded hvctl logs never
expect_in "$ERR" "hvctl: no log for never yet" "logs of a never-started VM"

# A stopped vmms: hvctl gives up after --reply-timeout, exit 8, saying what to check.
kill -STOP "$VMMS_PID"
expect_rc 8 bounded hvctl --reply-timeout 1 list
expect_in "$ERR" "hvctl: vmms at $HV_VMMS_SOCKET did not answer within 1 s; it may be stopped or overloaded" "stopped vmms"
kill -CONT "$VMMS_PID"
stop_vmms

# A full log folder: the VM still starts, and show says its log is losing lines.
WORKER=$STANDIN
if small_fs "$T/log" 256; then
  start_vmms
  write_config "$C/full.json" full
  expect_rc 0 hvctl create "$C/full.json"
  fill "$T/log"
  expect_rc 0 bounded hvctl start full
  sleep 2.5   # the next heartbeat report carries the log's state
  expect_rc 0 hvctl show full
  expect_in "$OUT" "log:         $T/log/full.log (cannot write $T/log/full.log: No space left on device;" "full log folder"
  expect_rc 0 hvctl stop full --force
  grep -q "cannot write the log $T/log/full.log: No space left on device" "$T/vmms.out" \
    || fail "the worker did not say on stderr that its log is full"
  rm -f "$T/log/filler"
else
  echo "SKIP full log folder: cannot mount a tmpfs (not root?)"
fi
finish "mgmt timeouts"
