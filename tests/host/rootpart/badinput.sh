#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs badinput.py against a private vmms with one VM, then checks vmms is still the same
# process and that its state files are whole (valid JSON, no temporary files).
. "$(dirname "$0")/lib.sh"
[ -e /dev/vid ] && { echo "SKIP: /dev/vid exists on this host"; exit 0; }
start_vmms
write_config "$T/cfg/victim.json" victim
expect_rc 0 hvctl create "$T/cfg/victim.json"
python3 "$(dirname "$0")/badinput.py" "$HV_VMMS_SOCKET" victim || fail "bad input test failed"
kill -0 "$VMMS_PID" || fail "vmms died"
sleep 0.3
expect_rc 0 hvctl show victim
expect_in "$OUT" "state:       failed" "victim after the race"
ls "$T/state/vms" | grep -q tmp && fail "temporary files left in the state folder"
python3 -c 'import json,sys; [json.load(open(f)) for f in sys.argv[1:]]' "$T"/state/vms/* \
  || fail "a state file is not whole JSON"
grep -q "are not a management request" "$T/log/vmms.log" || fail "garbage not logged"
finish "mgmt bad input (vmms alive, state whole)"
