# SPDX-License-Identifier: MIT
# The root cannot see or change the hypervisor's memory: every page of the resident block
# (base and size from the statistics call) reads as the same scratch page through /dev/mem,
# none of the core's or the log's bytes shows, a write lands in the scratch page (visible at
# the other end of the block, i.e. aliased) and the hypervisor keeps running.
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
s=$(cat /sys/kernel/debug/hvcheck/stats)
base=$(echo "$s" | sed -n 's/^mem_base //p') size=$(echo "$s" | sed -n 's/^mem_size //p')
[ -n "$base" ] && [ "$size" -gt 0 ] || { echo "no hypervisor memory range in stats"; exit 1; }
grep -i "$(printf '%08x' $base | sed 's/^0*//')" /proc/iomem | head -n 2
# Needles: the core image's header magic, and log lines the hypervisor certainly holds.
line=$(grep -m1 'resuming the firmware' /sys/kernel/debug/hvcheck/log | sed 's/^\[[^]]*\] //')
hvmemscan scan $base $size unHVCORE "$line" "hv.efi core (ABI" > /tmp/scan
rc=$?; cat /tmp/scan
[ $rc -eq 0 ] || { echo "hypervisor bytes visible from the root (hvmemscan rc $rc)"; exit 1; }
grep -q '1 distinct page content' /tmp/scan || { echo "pages differ: not all backed by the scratch page"; exit 1; }
hvmemscan poke $base $size > /tmp/poke; rc=$?; cat /tmp/poke
[ $rc -eq 0 ] && grep -q 'aliased yes' /tmp/poke || { echo "write did not land in the scratch page"; exit 1; }
hvmemscan scan $base $size unHVCORE > /tmp/scan2 || { cat /tmp/scan2; echo "needle after write"; exit 1; }
# Nor can the root make the hypervisor write there for it: the hypercall page and the
# reference TSC page refuse a GPA inside the block (#GP) and keep their values.
modprobe msr || { echo "modprobe msr failed"; exit 1; }
for m in 0x40000001 0x40000021; do
  v=$(hvmsr read $m) || { echo "rdmsr $m failed"; exit 1; }
  if hvmsr write $m $(( base | 1 )); then echo "MSR $m accepted a page in hypervisor memory"; exit 1; fi
  [ "$(hvmsr read $m)" = "$v" ] || { echo "MSR $m changed after a refused write"; exit 1; }
done
after=$(cat /sys/kernel/debug/hvcheck/stats | sed -n 's/^status //p')
[ "$after" = 0 ] || { echo "hypervisor not answering after the write (status '$after')"; exit 1; }
grep -q 'resuming the firmware' /sys/kernel/debug/hvcheck/log || { echo "log damaged after the write"; exit 1; }
# hv.efi's own image stays mapped as EFI runtime memory (readable through /dev/mem): the copy
# of the core it carried must have been wiped. Needles: strings only the core has (the stub's
# code holds the header magic as an immediate, so that one would match the stub itself).
n=0
for r in /sys/firmware/efi/runtime-map/*; do
  [ -f "$r/phys_addr" ] || continue
  a=$(cat $r/phys_addr) p=$(cat $r/num_pages)
  hvmemscan scan $a $((p * 4096)) "hv.efi core (ABI" "resuming the firmware as the root" > /tmp/rt 2>&1
  rc=$?
  [ $rc -eq 3 ] && { cat /tmp/rt; echo "core bytes left in EFI runtime memory at $a"; exit 1; }
  [ $rc -eq 0 ] && n=$((n + 1))
done
[ $n -gt 0 ] || { echo "no EFI runtime region could be scanned"; exit 1; }
echo "hypervisor memory $base+$size: hidden (one scratch page), writes harmless, hypervisor up; $n EFI runtime regions hold no core bytes"
