# SPDX-License-Identifier: MIT
# The root cannot move address decoding onto the hypervisor through PCI configuration space
# (raw 0xCF8/0xCFC, as a driver bypassing Linux would): the chipset's decode registers (ICH9
# RCBA and PMBASE, the MCH's PCIEXBAR and PAM) keep their values, a device BAR cannot be
# placed over the resident block while the device decodes memory, and decoding cannot be
# turned on while one is there; BAR sizing (all ones, then the old value) still works. No
# hypervisor byte shows through /dev/mem meanwhile and the self-check passes.
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
S=/sys/kernel/debug/hvcheck
base=$(sed -n 's/^mem_base //p' $S/stats) size=$(sed -n 's/^mem_size //p' $S/stats)
fail() { echo "$*"; exit 1; }
held() { # bdf reg size value what
  before=$(hvpcicfg read $1 $2 $3) || fail "config read $1 $2 failed"
  hvpcicfg write $1 $2 $3 $4 || fail "config write $1 $2 failed"
  after=$(hvpcicfg read $1 $2 $3)
  [ "$after" = "$before" ] || fail "$5 moved from $before to $after"
  echo "$5: write $(printf 0x%x $4) dropped, still $before"
}
# Linux's own enumeration and driver set-up went through the filter untouched, and its devices
# work: no write was dropped before this scenario, and the disk (AHCI) reads.
n=$(grep -c 'PCI config write' $S/log)
[ "$n" = 0 ] || { grep 'PCI config write' $S/log; fail "the filter dropped $n of Linux's own writes"; }
echo "PCI devices: $(ls /sys/bus/pci/devices | wc -l), none of Linux's writes dropped"
for b in /sys/block/sd? /sys/block/vd?; do
  [ -e "$b" ] || continue
  dd if=/dev/${b##*/} of=/dev/null bs=64k count=16 2>/dev/null || fail "reading ${b##*/} failed"
  echo "${b##*/} reads"
done
lpc=00:1f.0 mch=00:00.0 vga=00:01.0
[ "$(hvpcicfg read $lpc 0 4)" = 0x29188086 ] || fail "no ICH9 LPC bridge at $lpc"
[ "$(hvpcicfg read $mch 0 4)" = 0x29c08086 ] || fail "no Q35 MCH at $mch"
held $lpc 0xf0 4 $(( (base & ~0x3fff) | 1 )) "RCBA"
held $lpc 0x40 4 $(( 0x6001 )) "PMBASE"
held $mch 0x60 4 $(( ($(hvpcicfg read $mch 0x60 4) ^ 0x10000000) | 1 )) "PCIEXBAR"
held $mch 0x90 1 $(( $(hvpcicfg read $mch 0x90 1) ^ 0x30 )) "PAM0"
hvmemscan scan $base $size unHVCORE "hv.efi core (ABI" > /tmp/scan ||
  { cat /tmp/scan; fail "hypervisor bytes visible after the chipset writes"; }
grep -q 'dropped: RCBA' $S/log || fail "no log line for the dropped RCBA write"
# A device BAR (the VGA's MMIO BAR2, 4 KiB) while the device decodes memory.
[ "$(hvpcicfg read $vga 0 4)" = 0x11111234 ] || fail "no standard VGA at $vga"
bar=$(hvpcicfg read $vga 0x18 4) cmd0=$(hvpcicfg read $vga 4 2)
# No driver enabled it (no display): turn memory decoding on where the firmware put the BARs.
cmd=$(( cmd0 | 2 ))
hvpcicfg write $vga 4 2 $cmd
[ $(( $(hvpcicfg read $vga 4 2) & 2 )) -ne 0 ] || fail "VGA memory decoding refused at its own BARs"
held $vga 0x18 4 $(( base & ~0xfff )) "VGA BAR2 (decoding on)"
hvpcicfg write $vga 0x18 4 0xffffffff
mask=$(hvpcicfg read $vga 0x18 4)
hvpcicfg write $vga 0x18 4 $bar
[ "$mask" != "$bar" ] && [ "$(hvpcicfg read $vga 0x18 4)" = "$bar" ] ||
  fail "BAR sizing broken: mask $mask, restored $(hvpcicfg read $vga 0x18 4), was $bar"
echo "VGA BAR2 sizing: mask $mask, restored $bar"
hvpcicfg write $vga 4 2 $(( cmd & ~2 ))
hvpcicfg write $vga 0x18 4 $(( base & ~0xfff ))
[ "$(( $(hvpcicfg read $vga 0x18 4) ))" = "$(( base & ~0xfff ))" ] ||
  fail "a BAR write with decoding off was refused"
hvpcicfg write $vga 4 2 $cmd
[ $(( $(hvpcicfg read $vga 4 2) & 2 )) -eq 0 ] || fail "decoding turned on over the resident block"
hvpcicfg write $vga 0x18 4 $bar
hvpcicfg write $vga 4 2 $cmd
[ $(( $(hvpcicfg read $vga 4 2) )) = $cmd ] && [ "$(hvpcicfg read $vga 0x18 4)" = "$bar" ] ||
  fail "VGA not restored"
hvpcicfg write $vga 4 2 $cmd0
echo "VGA: decoding could not be turned on with BAR2 over the block; restored"
grep -q '^intact 1$' $S/selfcheck || fail "self-check failed after the PCI attacks"
echo "self-check intact; PCI filter log:"
grep 'PCI config write' $S/log
# The same through the ECAM window (read-only for the root; writes exit to the same filter):
# RCBA held, a harmless write (the VGA's command register) carried out.
ecam=$(grep -m1 'PCI ECAM window' $S/log | sed 's/.*window \([0-9a-f]*\)-.*/\1/')
[ -n "$ecam" ] || fail "the hypervisor found no ECAM window"
rcba=$(hvpcicfg read $lpc 0xf0 4)
echo "$(printf '%x %x' $(( 0x$ecam + (0x1f << 15) + 0xf0 )) $(( (base & ~0x3fff) | 1 )))" > $S/mmio
cat $S/mmio
[ "$(hvpcicfg read $lpc 0xf0 4)" = "$rcba" ] || fail "RCBA moved through ECAM"
echo "$(printf '%x %x' $(( 0x$ecam + (1 << 15) + 4 )) $(( cmd0 | 2 )))" > $S/mmio
cat $S/mmio
[ $(( $(hvpcicfg read $vga 4 2) & 2 )) -ne 0 ] || fail "an ECAM write to the VGA's command register was lost"
hvpcicfg write $vga 4 2 $cmd0
grep -q '^intact 1$' $S/selfcheck || fail "self-check failed after the ECAM writes"
echo "ECAM at $ecam: RCBA held, VGA command written"
