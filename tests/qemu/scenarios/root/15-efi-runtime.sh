# SPDX-License-Identifier: MIT
# EFI runtime services still work in the root after SetVirtualAddressMap: efivarfs lists, reads,
# and writes variables (GetNextVariableName/GetVariable/SetVariable run in the
# firmware's runtime code, SetVariable down to the flash device).
[ -d /sys/firmware/efi ] || { echo "/sys/firmware/efi missing: not booted through UEFI?"; exit 1; }
modprobe efivarfs 2>/dev/null
mount -t efivarfs none /sys/firmware/efi/efivars || { echo "mounting efivarfs failed"; exit 1; }
n=$(ls /sys/firmware/efi/efivars | wc -l)
[ "$n" -gt 0 ] || { echo "efivarfs is empty"; exit 1; }
v=$(ls /sys/firmware/efi/efivars | grep -m1 '^BootOrder-') || { echo "no BootOrder variable"; exit 1; }
bytes=$(od -An -tx1 /sys/firmware/efi/efivars/$v | wc -w)
[ "$bytes" -gt 4 ] || { echo "$v unreadable ($bytes bytes)"; exit 1; }
# SetVariable too: create a non-volatile variable (attributes NV|BS|RT) and read it back. It
# stays (efivarfs makes it immutable and busybox has no chattr): the harness gives every boot a
# fresh copy of OVMF_VARS.
t=/sys/firmware/efi/efivars/HvTest-5a8e52a4-2c1b-4a7e-9d3c-6f0e8b1d2c3a
printf '\007\000\000\000hv-efi-test' > $t || { echo "creating an EFI variable failed"; exit 1; }
got=$(tail -c +5 $t)
[ "$got" = hv-efi-test ] || { echo "EFI variable reads back '$got'"; exit 1; }
dmesg | grep -iE 'efi.*(fail|error)' | head -n 3
echo "efivarfs: $n variables, $v is $bytes bytes; a new variable was written and read back"
