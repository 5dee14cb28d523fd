# SPDX-License-Identifier: MIT
# A child partition runs (hvcheck's childrun, through the partition calls from the kernel): a
# real-mode child's OUT and IN to COM1 come back to the root as I/O exits (the IN completed by
# the root's value), HLT exits past itself, CPUID is answered inside the hypervisor with the
# child's own view (not the root: EBX 0, its partition id in ECX), a MOV load and store where the
# child has no memory exit as MMIO (the load completed by the root's value, the store carrying
# it, RIP moved past each), another access there exits as an unmapped GPA with the address, a spinning child keeps coming back (host interrupts end its runs),
# and a triple fault ends in a shutdown exit. Deleting the partition returns every page.
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
S=/sys/kernel/debug/hvcheck
cat $S/childrun | tee /tmp/child
want() { grep -q "$1" /tmp/child || { echo "expected: $1"; exit 1; }; }
want "^map status 0 reps 16$"
want "^map_twice status 5$"
want "^create_vp status 0$"
want "^create_vp_again status 14$"
want "^set_regs status 0$"
want "^stats_with_vp partitions 1 vps 1 deposited 8$"
want "^run_out status 0 reason 2 rip 6 port 3f8 size 1 in 0 value 48 "
want "^run_in status 0 reason 2 rip 7 port 3f8 size 1 in 1 "
want "^run_hlt status 0 reason 4 rip a "
want "^child_bl 5a$"
want "^run_cpuid status 0 reason 4 rip 13 "
want "^child_cpuid ebx 0 ecx [1-9]"
want "^run_mmio_load status 0 reason 9 rip 13 port 0 size 1 in 1 value 0 mmio 0 gpa 80000$"
want "^run_mmio_store status 0 reason 9 rip 19 port 0 size 1 in 0 value 0 mmio c3 gpa 80001$"
want "^run_unmapped status 0 reason 3 rip 19 .* gpa 80002$"
grep -q "^spin interrupted_runs [1-9][0-9]* last_reason 1$" /tmp/child ||
  { echo "a spinning child did not keep coming back"; exit 1; }
want "^run_triple status 0 reason 5 "
want "^delete status 0$"
b=$(sed -n 's/^stats_before //p' /tmp/child) a=$(sed -n 's/^stats_after //p' /tmp/child)
[ -n "$b" ] && [ "$a" = "$b" ] || { echo "statistics not back at baseline: '$b' -> '$a'"; exit 1; }
grep -q '^intact 1$' $S/selfcheck || { echo "self-check failed"; exit 1; }
