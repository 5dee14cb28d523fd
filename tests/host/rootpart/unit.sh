#!/bin/sh
# SPDX-License-Identifier: MIT
# The systemd unit of vmms: systemd-analyze verify finds nothing wrong (with ExecStart
# pointed at the built vmms), and it keeps what operating vmms needs: workers outlive vmms
# (KillMode=process), restart on failure, folders created by systemd, descriptor limit.
set -eu
UNIT=${1:?usage: $0 UNIT VMMS}
VMMS=${2:?usage: $0 UNIT VMMS}
for key in Restart=on-failure KillMode=process RuntimeDirectory=hv RuntimeDirectoryPreserve=yes \
           StateDirectory=hv LogsDirectory=hv LimitNOFILE=; do
  grep -q "^$key" "$UNIT" || { echo "FAIL: $UNIT lacks $key"; exit 1; }
done
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze"; exit 0; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
sed -e "s|^ExecStart=/usr/bin/vmms|ExecStart=$VMMS|" -e '/^Documentation=/d' "$UNIT" > "$D/vmms.service"
out=$(systemd-analyze verify "$D/vmms.service" 2>&1) || true
if [ -n "$out" ]; then
  case "$out" in
    *"Failed to"*"bus"*|*"System has not been booted with systemd"*) echo "SKIP: systemd-analyze cannot run here: $out"; exit 0 ;;
  esac
  echo "FAIL: systemd-analyze verify:"; echo "$out"; exit 1
fi
echo "PASS mgmt systemd unit"
