# SPDX-License-Identifier: MIT
# The missing-feature boot (CPU without NPT, on_failure=boot): hv.efi refused, and the loader
# started Linux without it and marked the command line.
grep -qw 'hvloader.hv=off' /proc/cmdline || { echo "no hvloader.hv=off on the command line: $(cat /proc/cmdline)"; exit 1; }
ident=$(hvprobe cpuid 0x40000100)
case "$ident" in
  *"66457648 63694d69 76486f72"*) echo "hv.efi identity leaf present ($ident): the hypervisor runs"; exit 1;;
esac
if dmesg | grep -q 'Hypervisor detected: Microsoft Hyper-V'; then
  echo "kernel detected Microsoft Hyper-V, but hv.efi should not be running"; exit 1
fi
grep -qw svm /proc/cpuinfo || { echo "svm flag missing: the CPU was not left as found"; exit 1; }
echo "Linux runs without hv.efi, as hv.cfg asked (on_failure = boot); CPUID 0x40000100 = $ident"
