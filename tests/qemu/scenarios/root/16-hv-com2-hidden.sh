# The hypervisor's UART (COM2, I/O 0x2f8) is not the root's: the root sees a quiet UART whose
# scratch register does not hold what is written (a real 16550 echoes it), and Linux found
# no UART there.
[ -c /dev/port ] || { echo "/dev/port missing"; exit 1; }
printf '\132' | dd of=/dev/port bs=1 seek=$((0x2ff)) count=1 2>/dev/null
scr=$(dd if=/dev/port bs=1 skip=$((0x2ff)) count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
lsr=$(dd if=/dev/port bs=1 skip=$((0x2fd)) count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
[ "$scr" != 90 ] || { echo "COM2 scratch register echoed 0x5a: the root reaches the real UART"; exit 1; }
[ "$lsr" = 96 ] || { echo "COM2 LSR reads $lsr, expected the quiet value 96 (0x60)"; exit 1; }
t=$(grep '^1:' /proc/tty/driver/serial 2>/dev/null)
echo "ttyS1: ${t:-?}"
echo "$t" | grep -q 'uart:unknown' || { echo "Linux found a UART at COM2: $t"; exit 1; }
echo "COM2: scratch reads $scr after writing 90, LSR $lsr; Linux sees no UART there"
