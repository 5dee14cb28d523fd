#!/bin/sh
# SPDX-License-Identifier: MIT
# SO_PEERCRED: a client running as another uid (nobody) is refused with the cause and the fix;
# the same uid is let in only when vmms is told so by --allow-uid. Needs root to switch uid.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
  echo "SKIP: needs root and setpriv to run hvctl as another user"; exit 0
fi
chmod 755 "$T"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/hvctl" "$@"; }
as_nobody --help >/dev/null 2>&1 || { echo "SKIP: user nobody cannot run $BIN/hvctl"; exit 0; }
start_vmms
# The socket is 0660 root:hvadmin: make it reachable so that the credential check is what
# refuses (the file mode alone would too).
chmod 666 "$HV_VMMS_SOCKET"
expect_rc 6 as_nobody list
if getent group hvadmin >/dev/null; then
  expect_in "$ERR" "hvctl: permission denied: uid 65534 is neither root nor in group hvadmin" "refusal"
else
  [ "$ERR" = "hvctl: permission denied: uid 65534 is not root and group hvadmin does not exist; run as root or create the group (groupadd hvadmin) and add the user to it" ] || fail "refusal: $ERR"
fi
grep -q "WARN vmms: refused client pid [0-9]* uid 65534" "$T/log/vmms.log" || fail "refusal not logged"
stop_vmms
start_vmms --allow-uid 65534
expect_rc 0 as_nobody list
expect_in "$OUT" "NAME" "allowed uid"
finish "mgmt peercred"
