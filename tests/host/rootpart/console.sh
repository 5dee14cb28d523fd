#!/bin/sh
# SPDX-License-Identifier: MIT
# hvctl console and start --console through vmms and the standin worker (whose "guest" echoes
# console input back as output): errors by class, start --console losing no byte, replay of
# the last N bytes, live output to writers and watchers, input reaching the guest, the detach
# key (Ctrl+] and --escape), --watch sending nothing, the one-writer rule and --force, the
# stream's end when the VM stops, vmms unreachable.
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
WORKER=$STANDIN
C=$T/cfg
N=600 # numbered lines at boot: about 42 KB, within the 64 KiB kept
HV_STANDIN_CONSOLE_LINES=$N start_vmms
write_config "$C/a.json" a
expect_rc 0 hvctl create "$C/a.json"

# What the standin guest prints at boot, byte for byte.
{
  printf 'standin guest: hello from COM1\r\nstandin guest: up\n'
  i=0
  while [ $i -lt $N ]; do
    printf 'standin guest: console line %06d ..........................\n' $i
    i=$((i + 1))
  done
} > "$T/boot.expected"

# Errors by class: no such VM (4), not running (5).
expect_rc 4 hvctl console nosuch
expect_in "$ERR" "no VM named nosuch" "console of a missing VM"
expect_rc 5 hvctl console a
expect_in "$ERR" "a is off" "console of an off VM"
expect_in "$ERR" "start --console a" "console of an off VM: the way out"
expect_rc 2 hvctl console a --escape '^1'
expect_rc 2 hvctl console a --replay 70000
expect_rc 2 hvctl console a --watch --force

# start --console: every byte from the first, then the detach key.
(sleep 1.5; printf '\035') | hvctl start --console a > "$T/start.out" 2> "$T/start.err" ||
  fail "start --console: exit $?: $(cat "$T/start.err")"
cmp "$T/boot.expected" "$T/start.out" || fail "start --console lost or changed bytes: $(head -c 300 "$T/start.out")"
expect_in "$(cat "$T/start.err")" "started a" "start --console: the start's answer on stderr"
expect_in "$(cat "$T/start.err")" "detached from the console of a" "start --console: detached"
[ "$(state_of a)" = running ] || fail "the VM stopped when the console detached"

# Replay: the last 4096 bytes by default, --replay N, --replay 0.
(sleep 0.5; printf '\035') | hvctl console a > "$T/r.out" 2>/dev/null || fail "console: exit $?"
tail -c 4096 "$T/boot.expected" | cmp - "$T/r.out" || fail "default replay is not the last 4096 bytes"
(sleep 0.5; printf '\035') | hvctl console a --replay 100 > "$T/r.out" 2>/dev/null || fail "console --replay 100"
tail -c 100 "$T/boot.expected" | cmp - "$T/r.out" || fail "--replay 100"
(sleep 0.5; printf '\035') | hvctl console a --replay 0 > "$T/r.out" 2>/dev/null || fail "console --replay 0"
[ ! -s "$T/r.out" ] || fail "--replay 0 printed: $(cat "$T/r.out")"

# A watcher for the rest: it sees live output, including what the writer typed.
# It stays until told (not for a fixed time: under load the steps below take longer).
(i=0; while [ ! -e "$T/watch.stop" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
 printf '\035') | hvctl console a --watch --replay 0 > "$T/watch.out" 2> "$T/watch.err" &
WATCHER=$!
EXTRA_PIDS="$EXTRA_PIDS $WATCHER"
sleep 0.5

# Input reaches the guest (the standin echoes it) and comes back live; input after the
# detach key is not sent.
(sleep 0.5; printf 'ping-123\r'; sleep 1; printf '\035after-escape') |
  hvctl console a --replay 0 > "$T/w.out" 2> "$T/w.err" || fail "writer: exit $?: $(cat "$T/w.err")"
expect_in "$(cat "$T/w.out")" "ping-123" "typed input echoed by the guest"
grep -q after-escape "$T/w.out" && fail "bytes after the detach key were sent"

# --watch sends nothing.
(sleep 0.5; printf 'nope-456\r'; sleep 1; printf '\035') |
  hvctl console a --watch --replay 0 > "$T/rw.out" 2> "$T/rw.err" || fail "watch: exit $?"
expect_in "$(cat "$T/rw.err")" "read-only" "watch banner"

# --escape ^a detaches on Ctrl+A instead.
(sleep 0.5; printf 'esc-789\001'; sleep 5) | hvctl console a --escape '^a' --replay 0 > "$T/e.out" 2> "$T/e.err" &
E=$!
i=0
while kill -0 $E 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 40 ] || fail "--escape ^a did not detach"; sleep 0.1
done
wait $E || fail "--escape ^a: exit $?"
expect_in "$(cat "$T/e.err")" "Ctrl+A detaches" "--escape ^a banner"

# One writer: a second is refused (exit 5) with the two ways out; --force takes over, and the
# first is told and exits 1.
(sleep 8; printf '\035') | hvctl console a --replay 0 > /dev/null 2> "$T/first.err" &
FIRST=$!
sleep 0.5
expect_rc 5 hvctl console a --replay 0 < /dev/null
expect_in "$ERR" "already has a writer" "second writer"
expect_in "$ERR" "--watch" "second writer: watch instead"
expect_in "$ERR" "--force" "second writer: take over"
(sleep 0.5; printf 'forced-1\r'; sleep 1; printf '\035') | hvctl console a --force --replay 0 > "$T/f.out" 2>/dev/null ||
  fail "console --force: exit $?"
expect_in "$(cat "$T/f.out")" "forced-1" "input of the writer that took over"
set +e; wait $FIRST; rc=$?; set -e
[ $rc -eq 1 ] || fail "the writer taken over from exited $rc, expected 1: $(cat "$T/first.err")"
expect_in "$(cat "$T/first.err")" "taken over" "the writer taken over from is told"

# The watcher saw the live echoes of the writers, not the watcher's nor the escaped bytes.
i=0; while ! grep -q forced-1 "$T/watch.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
touch "$T/watch.stop"
wait $WATCHER || fail "watcher: exit $?: $(cat "$T/watch.err")"
W=$(cat "$T/watch.out")
expect_in "$W" "ping-123" "watcher: live output"
expect_in "$W" "esc-789" "watcher: live output (2)"
case "$W" in *nope-456*) fail "--watch input reached the guest" ;; esac
case "$W" in *after-escape*) fail "bytes after the detach key reached the guest" ;; esac

# vmms refuses input from a watcher and from a connection not attached, and oversized input.
if command -v python3 >/dev/null; then
  python3 "$(dirname "$0")/console_raw.py" input-refused "$HV_VMMS_SOCKET" a || fail "raw input refusal"
  # On a terminal: raw mode (no local echo), the detach key, the settings restored.
  PATH="$BIN:$PATH" python3 "$(dirname "$0")/console_raw.py" tty "$BIN/hvctl" a || fail "console on a terminal"
  # A watcher that does not read costs vmms a bounded amount and is not disconnected.
  python3 "$(dirname "$0")/console_raw.py" flood "$HV_VMMS_SOCKET" a || fail "console flood"
  grep -q "disconnected: it made vmms hold" "$T/log/vmms.log" && fail "a lagging console client was disconnected"
else
  echo "SKIP raw protocol and terminal parts: no python3"
fi

# Not root, not in hvadmin: 6.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
   setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/hvctl" --help >/dev/null 2>&1; then
  chmod 755 "$T"; chmod 666 "$HV_VMMS_SOCKET"
  expect_rc 6 setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/hvctl" console a
else
  echo "SKIP permission part: needs root and setpriv"
fi

# The stream ends (exit 0) when the VM stops, with its last output.
hvctl console a --watch --replay 0 < /dev/null > "$T/end.out" 2> "$T/end.err" &
ENDW=$!
sleep 0.5
expect_rc 0 hvctl stop a
i=0
while kill -0 $ENDW 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 50 ] || fail "console did not end when the VM stopped"; sleep 0.1
done
wait $ENDW || fail "console at the VM's stop: exit $?"
expect_in "$(cat "$T/end.out")" "shutting down" "the last output before the end"
expect_in "$(cat "$T/end.err")" "console closed: a is off" "the end's reason"

# vmms unreachable: 7.
stop_vmms
expect_rc 7 hvctl console a
finish "mgmt console"
