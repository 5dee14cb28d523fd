# SPDX-License-Identifier: MIT
# The root's partition calls (hvcheck's partitions file): bad creates refused; a partition
# created; eight pages of the root's RAM deposited (they leave the root: the kernel reads all
# ones there); a page already deposited, the hypervisor's own memory, the local APIC's MMIO, a
# bad id and the root's id refused with nothing deposited; three pages withdrawn; delete returns
# the rest, every page back zeroed; the statistics back at their baseline; the self-check.
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
S=/sys/kernel/debug/hvcheck
cat $S/partitions | tee /tmp/parts
want() { grep -qx "$1" /tmp/parts || { echo "expected line: $1"; exit 1; }; }
want "create_maxvps0 status 5"
want "create_flags status 5"
want "create_maxvps_over status 5"
want "create status 0"
want "deposit status 0 reps 8"
want "deposited_reads ffffffff"
want "deposit_again status 5 reps 0"
want "deposit_hvmem status 5 reps 0"
want "deposit_mmio status 5 reps 0"
want "deposit_badid status 13 reps 0"
want "deposit_root status 13 reps 0"
want "withdraw status 0 reps 3 ours 3"
want "delete status 0"
want "pages_back_zeroed 1"
want "delete_again status 13"
want "delete_root status 13"
b=$(sed -n 's/^stats_before //p' /tmp/parts) a=$(sed -n 's/^stats_after //p' /tmp/parts)
d=$(sed -n 's/^stats_deposited //p' /tmp/parts)
[ -n "$b" ] && [ "$a" = "$b" ] || { echo "statistics not back at baseline: '$b' -> '$a'"; exit 1; }
echo "$d" | grep -q "deposited 8$" || { echo "statistics while deposited: $d"; exit 1; }
grep -q '^intact 1$' $S/selfcheck || { echo "self-check failed"; exit 1; }
grep 'partition' $S/log | tail -n 3
