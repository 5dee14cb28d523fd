# SPDX-License-Identifier: MIT
# A root access above what the root's NPT maps (this CPU has 48 physical address bits, the NPT
# without 1 GiB pages covers 40): an unassigned bus address, as on hardware: a read returns all
# ones, a write is dropped, and the hypervisor keeps running (it used to panic with "root
# access to unmapped GPA").
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
S=/sys/kernel/debug/hvcheck
bits=$(sed -n 's/.*address sizes[^0-9]*\([0-9]*\) bits physical.*/\1/p' /proc/cpuinfo | head -n 1)
[ "$bits" -gt 40 ] || { echo "CPU has $bits physical address bits: nothing above the NPT"; exit 1; }
for a in 0x10000000000 0x100000001000 $(printf '0x%x' $(( (1 << bits) - 4096 ))); do
  echo "$a 12345678" > $S/mmio || { echo "mmio $a refused by the kernel"; exit 1; }
  r=$(cat $S/mmio); echo "$r"
  [ "$r" = "addr ${a#0x} before ffffffff after ffffffff" ] ||
    { echo "access above the NPT at $a did not behave as unassigned"; exit 1; }
done
grep 'status 0' $S/stats > /dev/null || { echo "hypervisor not answering"; exit 1; }
grep -q '^intact 1$' $S/selfcheck || { echo "self-check failed"; exit 1; }
