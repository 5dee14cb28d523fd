#!/bin/sh
# SPDX-License-Identifier: MIT
# Events with what happened (kind, how, signal) from the bounded journal: replay with --since,
# one VM with --vm, crashed{signal}, stop-failed{timeout} (--no-force),
# stopped{forced-after-timeout|timeout|forced}, heartbeat-lost; and hvctl wait NAME --state STATE --timeout S.
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
WORKER=$STANDIN
C=$T/cfg
export HV_STANDIN_SHUTDOWN=ignore   # graceful stops time out
start_vmms
for n in a b; do write_config "$C/$n.json" "$n"; expect_rc 0 hvctl create "$C/$n.json"; done

# wait: at once when already there; exit 8 with where it is instead; 4 for no such VM.
expect_rc 0 hvctl wait a --state off --timeout 5
[ "$OUT" = "a is off" ] || fail "wait off: $OUT"
hvctl start a >/dev/null &
expect_rc 0 hvctl wait a --state running --timeout 10
expect_rc 8 hvctl wait a --state off --timeout 1
[ "$ERR" = "hvctl: a did not become off within 1 s: it is running: started; wait longer with --timeout S" ] || fail "wait timeout: $ERR"
expect_rc 4 hvctl wait nosuch --state running --timeout 1
expect_rc 2 hvctl wait a

# stop-failed{timeout} (--no-force), then a late shutdown: stopped{timeout}.
expect_rc 8 hvctl stop a --timeout 1 --no-force
pid=$(hvctl show a | sed -n 's/^worker pid: *//p')
kill -TERM "$pid"
expect_rc 0 hvctl wait a --state off --timeout 10
# The default: turned off when the time runs out, stopped{forced-after-timeout}.
expect_rc 0 hvctl start a
expect_rc 0 hvctl stop a --timeout 1
# crashed{signal 9}
expect_rc 0 hvctl start a
pid=$(hvctl show a | sed -n 's/^worker pid: *//p')
kill -9 "$pid"
expect_rc 0 hvctl wait a --state crashed --timeout 10
# heartbeat-lost: a worker that stops reporting (SIGSTOP) for more than three reports.
expect_rc 0 hvctl start b
pid=$(hvctl show b | sed -n 's/^worker pid: *//p')
kill -STOP "$pid"
sleep 8
kill -CONT "$pid"
# stopped{forced}
expect_rc 0 hvctl stop b --force
expect_rc 0 hvctl delete b
expect_rc 0 hvctl wait b --state gone --timeout 5

# The journal, replayed.
"$BIN/hvctl" events --since 5m --format json > "$T/all" 2>&1 &
P1=$!
"$BIN/hvctl" events --vm a --since 5m --format json > "$T/a" 2>&1 &
P2=$!
EXTRA_PIDS="$P1 $P2"
sleep 1
kill $P1 $P2 2>/dev/null || true
# Subscribers that went away are gone from vmms too (only this metrics request is left).
sleep 0.3
expect_rc 0 hvctl metrics
expect_in "$OUT" "hv_vmms_clients 1" "connections after the subscribers left"
ALL=$(cat "$T/all")
expect_in "$ALL" '"name":"a","from":"stopping","to":"running","reason":"cannot stop a: the guest did not shut down within 1 s; it is still running: use --force","kind":"stop-failed","how":"timeout"' "stop-failed{timeout}"
expect_in "$ALL" '"name":"a","from":"running","to":"off","reason":"shut down after the stop timed out' "late shutdown"
expect_in "$ALL" '"kind":"stopped","how":"timeout"' "stopped{timeout}"
expect_in "$ALL" '"name":"a","from":"stopping","to":"off","reason":"forced off: the guest did not shut down within 1 s","kind":"stopped","how":"forced-after-timeout"' "stopped{forced-after-timeout}"
expect_in "$ALL" '"name":"a","from":"running","to":"crashed","reason":"worker was killed by signal 9 (Killed); see hvctl logs a","kind":"crashed","how":null,"signal":9' "crashed{9}"
expect_in "$ALL" '"name":"b","from":"running","to":"running","reason":"no report from worker pid' "heartbeat lost"
expect_in "$ALL" '"kind":"heartbeat-lost"' "heartbeat lost"
expect_in "$ALL" '"name":"b","from":"stopping","to":"off","reason":"forced off","kind":"stopped","how":"forced"' "stopped{forced}"
expect_in "$ALL" '"name":"b","from":"off","to":"none","reason":"deleted","kind":"deleted"' "deleted"
grep -q '"name":"b"' "$T/a" && fail "events --vm a printed b's events: $(cat "$T/a")"
grep -q '"name":"a"' "$T/a" || fail "events --vm a printed nothing of a"
grep -q "WARN vmms: VM b: heartbeat lost" "$T/log/vmms.log" || fail "heartbeat loss not in vmms.log"
# logs --since: every line from T on (here: all of a's, then none).
expect_rc 0 hvctl logs a --since 1h
[ "$(echo "$OUT" | grep -c 'start marker')" -eq 3 ] || fail "logs --since 1h: $OUT"
expect_rc 0 hvctl logs a --since 2099-01-01T00:00:00Z
[ -z "$OUT" ] || fail "logs --since the future printed: $OUT"
expect_rc 2 hvctl logs a --since yesterday
finish "mgmt events and wait"
