# SPDX-License-Identifier: MIT
# The root runs under hv.efi: its identity leaf answers, Linux detected Hyper-V, the CPU
# flags show `hypervisor` and no `svm`. (qemu64 under TCG sets CPUID.1:ECX[31] by itself, so
# the flag alone proves nothing: the identity leaf and the kernel log do.)
ident=$(hvprobe cpuid 0x40000100) || { echo "hvprobe failed"; exit 1; }
set -- $ident
[ "$2 $3 $4" = "66457648 63694d69 76486f72" ] || {
  echo "CPUID 0x40000100 is '$ident', not hv.efi's HvEfiMicroHv identity"
  # hvloader passes the image path first, as the UEFI shell does; a direct boot does not
  grep -q '^\\' /proc/cmdline ||
    echo "not booted through hvloader.efi: a build dir configured before HV_QEMU_BOOT defaulted to hvloader keeps 'direct' in its cache (reconfigure with -DHV_QEMU_BOOT=hvloader)"
  exit 1; }
sig=$(hvprobe signature)
[ "$sig" = "Microsoft Hv" ] || { echo "CPUID 0x40000000 signature '$sig', expected 'Microsoft Hv'"; exit 1; }
dmesg | grep -q 'Hypervisor detected: Microsoft Hyper-V' ||
  { echo "kernel log lacks 'Hypervisor detected: Microsoft Hyper-V'"; exit 1; }
flags=$(grep -m1 '^flags' /proc/cpuinfo)
echo "$flags" | grep -qw hypervisor || { echo "/proc/cpuinfo lacks the hypervisor flag"; exit 1; }
if echo "$flags" | grep -qw svm; then echo "/proc/cpuinfo shows svm: SVM is not hidden"; exit 1; fi
set -- $(hvprobe cpuid 0x8000000a)
[ "$1 $2 $3 $4" = "00000000 00000000 00000000 00000000" ] || { echo "SVM leaf 0x8000000a not empty: $*"; exit 1; }
if grep -qw 'hvloader.hv=off' /proc/cmdline; then echo "loader says it booted without hv.efi"; exit 1; fi
echo "hv.efi identity '$ident', $(dmesg | grep -m1 'Hypervisor detected' | sed 's/^\[[^]]*\] //')"
