#!/bin/sh
# SPDX-License-Identifier: MIT
# hvctl doctor: one verdict and fix per check; exit 1 when one failed. Against a private vmms:
# it answers (ok), it is stopped (FAIL, says so), its state folder is full (FAIL with the fix).
. "$(dirname "$0")/lib.sh"
export HV_STATE_DIR=$T/state HV_LOG_DIR=$T/log
start_vmms
set +e
hvctl doctor >"$T/out" 2>"$T/err"; rc=$?
set -e
OUT=$(cat "$T/out")
[ -s "$T/err" ] && fail "doctor wrote to stderr: $(cat "$T/err")"
expect_in "$OUT" "ok    vmms         answers at $HV_VMMS_SOCKET" "vmms reachable"
echo "$OUT" | grep -Eq "^ok    state space  $T/state: [0-9]+ MiB free$" || fail "state space: $OUT"
echo "$OUT" | grep -Eq "^(ok|warn|FAIL) +hypervisor " || fail "no hypervisor line: $OUT"
if [ ! -e /dev/vid ]; then
  expect_in "$OUT" "FAIL  /dev/vid     missing: load the driver (modprobe vid) once hv.efi runs" "/dev/vid"
  [ "$rc" -eq 1 ] || fail "doctor exit status $rc with a failed check"
fi
[ "$(echo "$OUT" | wc -l)" -eq 7 ] || fail "expected 7 checks: $OUT"
expect_rc "$rc" hvctl doctor --format json
echo "$OUT" | python3 -c 'import json,sys; c=json.load(sys.stdin); assert [x["check"] for x in c][3:5] == ["vmms", "permissions"], c' \
  || fail "doctor --format json: $OUT"

kill -STOP "$VMMS_PID"
set +e; hvctl doctor >"$T/out" 2>&1; set -e
kill -CONT "$VMMS_PID"
expect_in "$(cat "$T/out")" "FAIL  vmms         $HV_VMMS_SOCKET accepts connections but did not answer within 5 s" "stopped vmms"

if small_fs "$T/small" 256; then
  fill "$T/small"
  set +e; HV_STATE_DIR=$T/small hvctl doctor >"$T/out" 2>&1; rc=$?; set -e
  expect_in "$(cat "$T/out")" "FAIL  state space  $T/small has 0 MiB free: state changes and log lines fail below a few; free space there (at least 64 MiB)" "full state folder"
  [ "$rc" -eq 1 ] || fail "doctor exit status $rc with a full state folder"
fi
finish "mgmt doctor"
