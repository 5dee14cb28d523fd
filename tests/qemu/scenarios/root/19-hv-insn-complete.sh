# SPDX-License-Identifier: MIT
# Instructions the hypervisor carries out for the root complete as on bare hardware: single-
# stepping over CPUID (plain and prefixed) and an IN from the hypervisor's UART traps once,
# right after each (hvstep); a 32-bit IN clears RAX's upper half; a word IN that starts at the
# UART's last port (0x2ff) reads the quiet UART's byte there and the machine's byte at 0x300
# (nothing decodes 0x300 on q35: 0xff), where the hypervisor used to drop the upper byte.
hvstep 0x2f8 || { echo "stepping over emulated instructions went wrong"; exit 1; }
w=$(hvio inw 0x2ff) || { echo "hvio inw 0x2ff failed"; exit 1; }
echo "inw 0x2ff = $w"
[ $(( (w >> 8) & 0xff )) -eq $(( 0xff )) ] ||
  { echo "inw 0x2ff reads $w: the byte at 0x300 did not come from the machine"; exit 1; }
# The same from the kernel, with prefixes the CPU ignores: RDMSR, WRMSR, CPUID and INVD each
# resume right after themselves (hvcheck's marker), INVD is carried out as WBINVD (counted).
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
invd0=$(sed -n 's/^exit.invd //p' /sys/kernel/debug/hvcheck/stats)
cat /sys/kernel/debug/hvcheck/prefixed | tee /tmp/prefixed
[ "$(grep -c ' ok$' /tmp/prefixed)" = 4 ] || { echo "a prefixed instruction resumed in the wrong place"; exit 1; }
invd1=$(sed -n 's/^exit.invd //p' /sys/kernel/debug/hvcheck/stats)
[ "$invd1" -gt "${invd0:-0}" ] || { echo "INVD did not exit to the hypervisor ($invd0 -> $invd1)"; exit 1; }
grep -q '^intact 1$' /sys/kernel/debug/hvcheck/selfcheck || { echo "self-check failed"; exit 1; }
