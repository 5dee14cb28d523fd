# EFI runtime services still work in the root after SetVirtualAddressMap: efivarfs lists and
# reads variables (GetNextVariableName/GetVariable run in the firmware's runtime code).
[ -d /sys/firmware/efi ] || { echo "/sys/firmware/efi missing: not booted through UEFI?"; exit 1; }
modprobe efivarfs 2>/dev/null
mount -t efivarfs none /sys/firmware/efi/efivars || { echo "mounting efivarfs failed"; exit 1; }
n=$(ls /sys/firmware/efi/efivars | wc -l)
[ "$n" -gt 0 ] || { echo "efivarfs is empty"; exit 1; }
v=$(ls /sys/firmware/efi/efivars | grep -m1 '^BootOrder-') || { echo "no BootOrder variable"; exit 1; }
bytes=$(od -An -tx1 /sys/firmware/efi/efivars/$v | wc -w)
[ "$bytes" -gt 4 ] || { echo "$v unreadable ($bytes bytes)"; exit 1; }
dmesg | grep -iE 'efi.*(fail|error)' | head -n 3
echo "efivarfs: $n variables, $v is $bytes bytes"
