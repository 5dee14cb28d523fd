#!/bin/sh
# SPDX-License-Identifier: MIT
# hvctl top's exit, VMBus and storage columns: a worker (ioworker.py) reports totals growing
# at known rates; vmms turns them into rates and top prints them, in batch mode (-b -n N,
# golden header and row shape, every exit reason), on screen (the busiest three) and as JSON;
# hvctl metrics has them as counters, hvctl show the exit counts by reason. A reason name
# that is not a lower-case word is dropped everywhere.
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
[ "$H" = "NAME                 STATE       CPU%  RSS_MIB  EXITS/s SIGNALS/s    IOPS READ_MB/s WRITE_MB/s HEARTBEAT      PID EXITS/s_BY_REASON" ] ||
  fail "top header: '$H'"
echo "$OUT" | grep -Eq '^io +running +[0-9]+\.[0-9] +[0-9]+ +450 +150 +15 +1\.00 +2\.00 +[0-9.]+s +[0-9]+ hlt=300 io=120 cpuid=25 msr_write=5$' ||
  fail "top row of io: $OUT"
echo "$OUT" | grep -Eq '^idle +off +- +- +- +- +- +- +- +- +- -$' || fail "top row of idle: $OUT"
# On screen: the busiest three reasons and how many more.
expect_rc 0 hvctl top -n 1
echo "$OUT" | grep -Eq ' hlt=300 io=120 cpuid=25 \+1$' || fail "top (screen) row of io: $OUT"
expect_rc 0 hvctl top -b -n 1 --format json
expect_in "$OUT" '"vmbus_signals_per_s":150' "top json: signals/s"
expect_in "$OUT" '"storage_iops":15' "top json: IOPS"
expect_in "$OUT" '"read_mb_s":1' "top json: read MB/s"
expect_in "$OUT" '"write_mb_s":2' "top json: write MB/s"
expect_in "$OUT" '"name":"idle","state":"off","cpu_percent":null,"rss_mib":null,"vmbus_signals_per_s":null' "top json: off VM"
expect_in "$OUT" '"exits_per_s":450' "top json: exits/s"
expect_in "$OUT" '"exits_per_s_by_reason":{"cpuid":25.0,"msr_write":5.0,"io":120.0,"hlt":300.0}' \
  "top json: exits/s by reason"
expect_in "$OUT" '"exits_per_s":null,"exits_per_s_by_reason":null' "top json: off VM's exits"
echo "$OUT" | grep -q 'Bad' && fail "top json shows a bad reason name: $OUT"
expect_rc 0 hvctl show io
echo "$OUT" | grep -Eq '^hv exits: +[0-9]+ \(cpuid [0-9]+, msr_write [0-9]+, io [0-9]+, hlt [0-9]+\)$' ||
  fail "show io: exits by reason: $OUT"
expect_rc 0 hvctl show io --format json
expect_in "$OUT" '"hv_exits_by_reason": {' "show json: exits by reason"
expect_in "$OUT" '"hv_interrupts": ' "show json: interrupts"
expect_rc 0 hvctl metrics
expect_in "$OUT" 'hv_vm_vmbus_signals_total{vm="io",direction="in"} ' "metrics: signals"
expect_in "$OUT" 'hv_vm_storage_requests_total{vm="io",op="write"} ' "metrics: requests"
expect_in "$OUT" 'hv_vm_storage_bytes_total{vm="idle",op="read"} 0' "metrics: an off VM's bytes"
for r in cpuid msr_write io hlt; do
  expect_in "$OUT" "hv_vm_exits_total{vm=\"io\",reason=\"$r\"} " "metrics: $r exits"
done
echo "$OUT" | grep -q 'hv_vm_exits_total{vm="idle"' && fail "metrics: exits of a VM that never ran: $OUT"
echo "$OUT" | grep -q 'Bad' && fail "metrics show a bad reason name: $OUT"
expect_in "$OUT" '# TYPE hv_vm_exits_total counter' "metrics: exits type"
expect_in "$OUT" 'hv_vm_interrupts_total{vm="idle"} 0' "metrics: an off VM's interrupts"
if command -v promtool >/dev/null; then
  echo "$OUT" | promtool check metrics || fail "promtool check metrics failed"
fi
expect_rc 0 hvctl stop io --force
finish "mgmt top"
