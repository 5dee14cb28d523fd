#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs limits.py against a private vmms with small client limits and one stand-in VM.
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
WORKER=$STANDIN
chmod 755 "$T"   # uid 65534 reaches the socket (0666 with --allow-uid)
start_vmms --allow-uid 65534 --max-clients-per-uid 4 --max-clients 70 --idle-timeout 2 \
    --request-timeout 2
write_config "$T/cfg/lim.json" lim
expect_rc 0 hvctl create "$T/cfg/lim.json"
SAN=plain
ldd "$BIN/vmms" 2>/dev/null | grep -q libasan && SAN=sanitized
python3 "$(dirname "$0")/limits.py" "$HV_VMMS_SOCKET" "$VMMS_PID" "$T/log/vmms.log" lim "$SAN" \
  || fail "limits test failed"
kill -0 "$VMMS_PID" || fail "vmms died"
grep -q "descriptor limit" "$T/log/vmms.log" || fail "the descriptor limit is not logged"
expect_rc 0 hvctl stop lim --force
finish "mgmt limits"
