#!/bin/sh
# SPDX-License-Identifier: MIT
# Metrics in the Prometheus text format for every VM in every state: hvctl metrics, and the
# file vmms --metrics-file rewrites atomically for node_exporter's textfile collector; both
# pass promtool check metrics (Debian prometheus, tools/setup.sh) when it is installed.
# hvctl top -b -n N: frames of per-VM worker costs. The standin's exit counts (synthetic, by a
# fixed rule) in the metrics and in show.
. "$(dirname "$0")/lib.sh"
[ -n "$STANDIN" ] || fail "usage: $0 BIN_DIR STANDIN_WORKER"
WORKER=$STANDIN
C=$T/cfg
start_vmms --metrics-file "$T/hv.prom"
for n in a b; do write_config "$C/$n.json" "$n"; expect_rc 0 hvctl create "$C/$n.json"; done
expect_rc 0 hvctl start b
expect_rc 0 hvctl metrics
M=$OUT
for s in off starting running stopping failed crashed; do
  expect_in "$M" "hv_vm_state{vm=\"a\",state=\"$s\"} $([ $s = off ] && echo 1 || echo 0)" "a $s"
  expect_in "$M" "hv_vm_state{vm=\"b\",state=\"$s\"} $([ $s = running ] && echo 1 || echo 0)" "b $s"
done
expect_in "$M" 'hv_vm_memory_bytes{vm="a"} 67108864' "memory"
expect_in "$M" 'hv_vm_heartbeat_age_seconds{vm="b"} ' "heartbeat age of a running VM"
echo "$M" | grep -q 'hv_vm_heartbeat_age_seconds{vm="a"}' && fail "heartbeat age of an off VM"
expect_in "$M" 'hv_vmms_running_vms 1' "running VMs"
# The standin's VP costs (partition_standin.c): 16 CPUID and 6 MSR-write exits at boot, one
# port I/O exit per byte of its 50-byte greeting on COM1, nothing else.
for r in 'cpuid"} 16' 'msr_write"} 6' 'io"} 50'; do
  expect_in "$M" "hv_vm_exits_total{vm=\"b\",reason=\"$r" "b's exits ($r)"
done
[ "$(echo "$M" | grep -c '^hv_vm_exits_total{vm="b"')" -eq 3 ] || fail "b's exit reasons: $M"
echo "$M" | grep -q '^hv_vm_exits_total{vm="a"' && fail "exits of a VM that never ran: $M"
expect_in "$M" 'hv_vm_interrupts_total{vm="b"} 0' "b's interrupts"
expect_rc 0 hvctl show b
expect_in "$OUT" "hv exits:    72 (cpuid 16, msr_write 6, io 50)" "show: b's exits by reason"
expect_rc 0 hvctl show a
echo "$OUT" | grep -q '^hv exits' && fail "show: exits of a VM without a worker: $OUT"
# Rewritten every 5 s: b's start shows up within that.
i=0
until grep -q 'hv_vm_state{vm="b",state="running"} 1' "$T/hv.prom" 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 80 ] || fail "metrics file not rewritten: $(cat "$T/hv.prom")"; sleep 0.1
done
ls "$T" | grep -q 'hv.prom.tmp' && fail "temporary metrics file left"
if command -v promtool >/dev/null; then
  echo "$M" | promtool check metrics || fail "promtool check metrics (hvctl metrics) failed"
  promtool check metrics < "$T/hv.prom" || fail "promtool check metrics (the file) failed"
else
  echo "SKIP promtool part: promtool not installed (Debian prometheus)"
fi
# top: two frames in batch mode; b's worker sampled (CPU %, RSS), a has none.
expect_rc 0 hvctl top -b -n 2
[ "$(echo "$OUT" | grep -c '^NAME ')" -eq 2 ] || fail "top frames: $OUT"
echo "$OUT" | grep -Eq '^b +running +[0-9]+\.[0-9] +[0-9]+ +0 +[0-9]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+s +[0-9]+ -$' || fail "top row of b: $OUT"
echo "$OUT" | grep -Eq '^a +off +- +- +- +- +- +- +- +- +- -$' || fail "top row of a: $OUT"
expect_rc 0 hvctl top -b -n 1 --format json
expect_in "$OUT" '"name":"b","state":"running","cpu_percent":' "top json"
expect_rc 0 hvctl stop b --force
finish "mgmt metrics and top"
