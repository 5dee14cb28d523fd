#!/bin/sh
# SPDX-License-Identifier: MIT
# hvctl top's VMBus and storage columns: a worker (ioworker.py) reports totals growing at
# known rates; vmms turns them into rates and top prints them, in batch mode (-b -n N, golden
# header and row shape) and as JSON; hvctl metrics has them as counters.
. "$(dirname "$0")/lib.sh"
WORKER=$(dirname "$0")/ioworker.py
C=$T/cfg
start_vmms
for n in io idle; do write_config "$C/$n.json" "$n"; expect_rc 0 hvctl create "$C/$n.json"; done
expect_rc 0 hvctl start io
sleep 2.5 # three reports: rates from two of them at least 1 s apart
expect_rc 0 hvctl top -b -n 2
[ "$(echo "$OUT" | grep -c '^NAME ')" -eq 2 ] || fail "top frames: $OUT"
H=$(echo "$OUT" | head -n 1)
[ "$H" = "NAME                 STATE       CPU%  RSS_MIB SIGNALS/s    IOPS READ_MB/s WRITE_MB/s HEARTBEAT      PID" ] ||
  fail "top header: '$H'"
echo "$OUT" | grep -Eq '^io +running +[0-9]+\.[0-9] +[0-9]+ +150 +15 +1\.00 +2\.00 +[0-9.]+s +[0-9]+$' ||
  fail "top row of io: $OUT"
echo "$OUT" | grep -Eq '^idle +off +- +- +- +- +- +- +- +-$' || fail "top row of idle: $OUT"
expect_rc 0 hvctl top -b -n 1 --format json
expect_in "$OUT" '"vmbus_signals_per_s":150' "top json: signals/s"
expect_in "$OUT" '"storage_iops":15' "top json: IOPS"
expect_in "$OUT" '"read_mb_s":1' "top json: read MB/s"
expect_in "$OUT" '"write_mb_s":2' "top json: write MB/s"
expect_in "$OUT" '"name":"idle","state":"off","cpu_percent":null,"rss_mib":null,"vmbus_signals_per_s":null' "top json: off VM"
expect_rc 0 hvctl metrics
expect_in "$OUT" 'hv_vm_vmbus_signals_total{vm="io",direction="in"} ' "metrics: signals"
expect_in "$OUT" 'hv_vm_storage_requests_total{vm="io",op="write"} ' "metrics: requests"
expect_in "$OUT" 'hv_vm_storage_bytes_total{vm="idle",op="read"} 0' "metrics: an off VM's bytes"
if command -v promtool >/dev/null; then
  echo "$OUT" | promtool check metrics || fail "promtool check metrics failed"
fi
expect_rc 0 hvctl stop io --force
finish "mgmt top"
