# SPDX-License-Identifier: MIT
# The statistics hypercall (HV_CALL_GET_STATS through Linux's hypercall page) answers, and
# its counters grow between two calls; bad or unknown calls get error statuses.
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
s=/sys/kernel/debug/hvcheck/stats
get() { echo "$1" | sed -n "s/^$2 //p"; }
a=$(cat $s) || { echo "reading $s failed"; exit 1; }
hvprobe cpuid 0 >/dev/null; hvprobe cpuid 0x40000000 >/dev/null   # at least two more exits
b=$(cat $s)
[ "$(get "$a" status)" = 0 ] && [ "$(get "$b" status)" = 0 ] || { echo "stats call failed: $a"; exit 1; }
for k in total_exits hypercalls uptime_ns exit.cpuid exit.hypercall; do
  x=$(get "$a" $k) y=$(get "$b" $k)
  [ -n "$x" ] && [ -n "$y" ] && [ "$y" -gt "$x" ] || { echo "$k did not grow: $x -> $y"; exit 1; }
done
[ "$(get "$b" abi_version)" = 4 ] || { echo "abi_version $(get "$b" abi_version)"; exit 1; }
[ "$(get "$b" cpus)" = 1 ] || { echo "cpus $(get "$b" cpus)"; exit 1; }
[ "$(get "$b" mem_size)" -gt 0 ] || { echo "mem_size 0"; exit 1; }
echo "$b" | tr '\n' ' '; echo
c=$(cat /sys/kernel/debug/hvcheck/calls)
echo "$c" | tr '\n' ' '; echo
for code in 0x0000 0x0001 0x8103 0x80ff 0xffff; do
  echo "$c" | grep -qx "code $code status 2" || { echo "call $code: not HV_STATUS_INVALID_HYPERCALL_CODE"; exit 1; }
done
echo "$c" | grep -qx "stats_fast status 3" || { echo "fast stats call not refused with 3"; exit 1; }
echo "$c" | grep -qx "stats_unaligned status 4" || { echo "unaligned output not refused with 4"; exit 1; }
echo "$c" | grep -qx "stats_rep status 3" || { echo "rep stats call not refused with 3"; exit 1; }
echo "$c" | grep -qx "stats_varhdr status 3" || { echo "stats call with a variable header size not refused with 3"; exit 1; }
echo "$c" | grep -qx "stats_rsvd status 3" || { echo "stats call with a reserved control bit not refused with 3"; exit 1; }
for k in stats_hvmem log_hvmem stats_mmio; do
  echo "$c" | grep -qx "$k status 5" || { echo "$k: a page outside the root's RAM not refused with 5"; exit 1; }
done
cat $s >/dev/null || { echo "hypervisor gone after bad calls"; exit 1; }
echo "stats grow between calls (exits $(get "$a" total_exits) -> $(get "$b" total_exits)); bad calls refused"
