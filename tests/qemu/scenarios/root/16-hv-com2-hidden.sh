# SPDX-License-Identifier: MIT
# The hypervisor's UART (COM2, I/O 0x2f8) is not the root's: the root sees a quiet UART whose
# scratch register does not hold what is written (a real 16550 echoes it), and Linux found
# no UART there.
[ -c /dev/port ] || { echo "/dev/port missing"; exit 1; }
printf '\132' | dd of=/dev/port bs=1 seek=$((0x2ff)) count=1 2>/dev/null
scr=$(dd if=/dev/port bs=1 skip=$((0x2ff)) count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
lsr=$(dd if=/dev/port bs=1 skip=$((0x2fd)) count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
[ "$scr" != 90 ] || { echo "COM2 scratch register echoed 0x5a: the root reaches the real UART"; exit 1; }
[ "$lsr" = 96 ] || { echo "COM2 LSR reads $lsr, expected the quiet value 96 (0x60)"; exit 1; }
# A word access that starts below the UART reaches into it (the IOPM intercepts it as a whole):
# the byte at 0x2f8 is the quiet UART's receive register (0), the one below is the machine's,
# and the hypervisor carries on (it used to halt on "I/O exit for port 2f7").
w=$(hvio inw 0x2f7) || { echo "hvio inw 0x2f7 failed"; exit 1; }
[ $(( w >> 8 )) -eq 0 ] || { echo "inw 0x2f7 reads $w: byte 0x2f8 is not the quiet UART's 0"; exit 1; }
hvio outl 0x2f5 0x5a5a5a5a || { echo "hvio outl 0x2f5 failed"; exit 1; }
lsr2=$(dd if=/dev/port bs=1 skip=$((0x2fd)) count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
[ "$lsr2" = 96 ] || { echo "COM2 LSR reads $lsr2 after the straddling accesses"; exit 1; }
t=$(grep '^1:' /proc/tty/driver/serial 2>/dev/null)
echo "ttyS1: ${t:-?}"
echo "$t" | grep -q 'uart:unknown' || { echo "Linux found a UART at COM2: $t"; exit 1; }
echo "COM2: scratch reads $scr after writing 90, LSR $lsr; Linux sees no UART there; inw 0x2f7 = $w"
