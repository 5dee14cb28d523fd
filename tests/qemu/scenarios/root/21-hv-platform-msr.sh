# SPDX-License-Identifier: MIT
# The root's platform MSRs cannot move or re-type the hypervisor's memory: each write that
# would (APIC base onto the resident block, a write-combining MTRR or an IORR over it, TOP_MEM/2,
# SYSCFG, SMM_BASE) is refused and the MSR keeps its value; HWCR keeps INVD-to-WBINVD; a TSC
# write moves only the root's TSC (the hypervisor's uptime is untouched); harmless writes (the
# same APIC base, an MTRR away from the block) still work. The self-check passes afterwards,
# and a refused MSR hammered 200 times costs one log line.
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
modprobe msr || { echo "modprobe msr failed"; exit 1; }
S=/sys/kernel/debug/hvcheck
base=$(sed -n 's/^mem_base //p' $S/stats)
fail() { echo "$*"; exit 1; }
refused() { # msr value what
  before=$(hvmsr read $1) || { echo "MSR $1 ($3) absent on this CPU: skipped"; return 0; }
  if hvmsr write $1 $2; then fail "$3: write $2 accepted"; fi
  [ "$(hvmsr read $1)" = "$before" ] || fail "$3: value changed after a refused write"
  echo "$3: refused, still $before"
}
apic=$(hvmsr read 0x1b) || fail "rdmsr APIC_BASE failed"
refused 0x1b $(( (base & ~0xfff) | (apic & 0xfff) )) "APIC_BASE onto the resident block"
hvmsr write 0x1b $apic || fail "rewriting the same APIC base was refused"
cap=$(hvmsr read 0xfe) || fail "rdmsr MTRRcap failed"
n=$(( cap & 0xff )) free=-1 i=0
while [ $i -lt $n ]; do
  m=$(hvmsr read $(( 0x201 + 2 * i ))); [ $(( m & 0x800 )) -eq 0 ] && { free=$i; break; }
  i=$((i + 1))
done
# Masks may not reach past the CPU's physical address width (the CPU would #GP).
bits=$(sed -n 's/.*address sizes[^0-9]*\([0-9]*\) bits physical.*/\1/p' /proc/cpuinfo | head -n 1)
pmask=$(( ((1 << ${bits:-36}) - 1) & ~0xfff ))
if [ $free -ge 0 ]; then
  mb=$(( 0x200 + 2 * free )) mm=$(( 0x201 + 2 * free ))
  hvmsr write $mb $(( (base & ~0xfff) | 1 )) || fail "MTRR base write refused"  # type 1 = WC
  refused $mm $(( (pmask & ~0xffffff) | 0x800 )) "write-combining variable MTRR over the resident block"
  # The same 16 MiB write-combining range, moved away from the block first: accepted.
  away=$(( ((base + 0x40000000) & ~0xffffff) | 1 ))
  hvmsr write $mb $away && hvmsr write $mm $(( (pmask & ~0xffffff) | 0x800 )) ||
    fail "MTRR away from the block refused"
  hvmsr write $mm 0 && hvmsr write $mb 0 || fail "clearing the spare MTRR refused"
  echo "MTRR $free: WC over the block refused, elsewhere accepted"
else
  echo "no spare variable MTRR: skipped"
fi
# Linux turns the MTRRs off and on around every update (all memory UC meanwhile): allowed.
def=$(hvmsr read 0x2ff) || fail "rdmsr MTRRdefType failed"
hvmsr write 0x2ff $(( def & ~0xcff )) && hvmsr write 0x2ff $def || fail "MTRRs off/on refused"
refused 0x2ff $(( (def & ~0xff) | 1 )) "write-combining default memory type"
refused 0xc001001a 0x1000000 "TOP_MEM"
refused 0xc001001d 0x1000000 "TOP_MEM2"
refused 0xc0010111 0x30000 "SMM_BASE"
# IORR0: a base over the block is harmless while its mask is not valid; making it valid is not.
if ib=$(hvmsr read 0xc0010016) && [ $(( $(hvmsr read 0xc0010017) & 0x800 )) -eq 0 ]; then
  ibase=$(( (base & ~0xffffff) | 0x18 ))
  hvmsr write 0xc0010016 $ibase || fail "IORR base write refused"
  if [ $(( $(hvmsr read 0xc0010016) )) -ne $ibase ]; then
    echo "IORR0 ignores writes on this CPU (QEMU TCG does): skipped"
  else
    refused 0xc0010017 $(( (pmask & ~0xffffff) | 0x800 )) "IORR0 made valid over the block"
  fi
  hvmsr write 0xc0010016 $ib || fail "IORR base restore refused"
else
  echo "IORR0 absent or in use: skipped"
fi
if sys=$(hvmsr read 0xc0010010); then
  refused 0xc0010010 $(( sys ^ (1 << 23) )) "SYSCFG"
fi
if hwcr=$(hvmsr read 0xc0010015) && [ $(( hwcr & 0x10 )) -eq 0 ]; then
  echo "HWCR reads $hwcr without INVD-to-WBINVD: not implemented by this CPU (QEMU TCG): skipped"
elif [ -n "$hwcr" ]; then
  hvmsr write 0xc0010015 $(( hwcr & ~0x10 )) || fail "HWCR write refused"
  [ $(( $(hvmsr read 0xc0010015) & 0x10 )) -ne 0 ] || fail "HWCR lost INVD-to-WBINVD"
  echo "HWCR: INVD-to-WBINVD kept"
fi
u0=$(sed -n 's/^uptime_ns //p' $S/stats)
hvmsr write 0x10 0 || fail "TSC write refused"
tsc=$(hvmsr read 0x10)
u1=$(sed -n 's/^uptime_ns //p' $S/stats)
[ $(( tsc )) -lt $(( 1 << 40 )) ] || fail "the root's TSC did not move ($tsc)"
[ "$u1" -gt "$u0" ] && [ $(( u1 - u0 )) -lt 60000000000 ] ||
  fail "hypervisor uptime disturbed by the root's TSC write ($u0 -> $u1)"
echo "TSC: root's reads $tsc after writing 0; hypervisor uptime $u0 -> $u1"
i=0; while [ $i -lt 200 ]; do hvmsr write 0xc001001a 0x1000000 2>/dev/null; i=$((i + 1)); done
c=$(grep -c 'wrmsr c001001a' $S/log)
[ "$c" = 1 ] || fail "200 refused TOP_MEM writes left $c log lines (want 1)"
grep -q '^intact 1$' $S/selfcheck || fail "self-check failed after the MSR attacks"
echo "self-check intact"
