#!/bin/sh
# SPDX-License-Identifier: MIT
# Log rotation end to end: a stand-in guest prints 16000 console lines (about 1.4 MiB) at boot,
# so the worker rotates demo.log at 1 MiB into demo.log.1; `hvctl logs -f -n 0`, started before
# the VM, must deliver every line exactly once and in order across the rotation.
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
WORKER=$STANDIN
N=16000
HV_STANDIN_CONSOLE_LINES=$N start_vmms
write_config "$T/cfg/demo.json" demo
expect_rc 0 hvctl create "$T/cfg/demo.json"
hvctl logs demo -f -n 0 > "$T/follow" 2>&1 &
EXTRA_PIDS=$!
sleep 0.4
expect_rc 0 hvctl start demo
i=0
while [ "$(grep -c 'INFO console: standin guest: console line' "$T/follow")" -lt $N ]; do
  i=$((i + 1)); [ $i -lt 150 ] || fail "logs -f delivered $(grep -c 'console line' "$T/follow") of $N lines"
  sleep 0.1
done
sleep 0.5
[ -f "$T/log/demo.log.1" ] || fail "no rotation: $(ls -l "$T/log")"
[ ! -f "$T/log/demo.log.2" ] || fail "more rotations than expected: $(ls -l "$T/log")"
size1=$(wc -c < "$T/log/demo.log.1")
[ "$size1" -le 1048576 ] || fail "demo.log.1 is $size1 bytes, over the 1 MiB limit"
seq 0 $((N - 1)) | awk '{ printf "%06d\n", $1 }' > "$T/want"
sed -n 's/.*INFO console: standin guest: console line \([0-9]*\) .*/\1/p' "$T/follow" > "$T/got"
cmp -s "$T/want" "$T/got" || fail "lines lost, repeated or out of order across the rotation: $(diff "$T/want" "$T/got" | head -n 5)"
head -n 1 "$T/follow" | grep -q "INFO vmwp: start marker: vmwp" || fail "first followed line: $(head -n 1 "$T/follow")"
# Every line in both files has the log line format.
bad=$(cat "$T/log/demo.log.1" "$T/log/demo.log" | grep -Evc '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z (DEBUG|INFO|WARN|ERROR) [a-z]+: ' || true)
[ "$bad" -eq 0 ] || fail "$bad malformed log lines"
expect_rc 0 hvctl logs demo -n 3
[ "$(echo "$OUT" | wc -l)" -eq 3 ] || fail "logs -n 3: $OUT"
expect_rc 0 hvctl stop demo --force
kill "$EXTRA_PIDS" 2>/dev/null || true; EXTRA_PIDS=

# Second run: the follower now holds the existing demo.log open when the worker rotates it
# under it; it must read that file (now demo.log.1) to its end, then the new demo.log.
hvctl logs demo -f -n 0 > "$T/follow2" 2>&1 &
EXTRA_PIDS=$!
sleep 0.4
expect_rc 0 hvctl start demo
i=0
while [ "$(grep -c 'INFO console: standin guest: console line' "$T/follow2")" -lt $N ]; do
  i=$((i + 1)); [ $i -lt 150 ] || fail "second follow delivered $(grep -c 'console line' "$T/follow2") of $N lines"
  sleep 0.1
done
sleep 0.5
[ -f "$T/log/demo.log.2" ] || fail "no second rotation: $(ls -l "$T/log")"
sed -n 's/.*INFO console: standin guest: console line \([0-9]*\) .*/\1/p' "$T/follow2" > "$T/got2"
cmp -s "$T/want" "$T/got2" || fail "second follow: lines lost, repeated or out of order: $(diff "$T/want" "$T/got2" | head -n 5)"
grep -q "INFO vmwp: VM demo stopped: forced off" "$T/follow2" && fail "second follow repeated lines from before it started"
expect_rc 0 hvctl stop demo --force
kill "$EXTRA_PIDS" 2>/dev/null || true; EXTRA_PIDS=
finish "mgmt log rotation"
