# SPDX-License-Identifier: MIT
# Kernel modules from Debian's package load in the root (the path vid.ko and test modules use):
# the msr module gives /dev/cpu/0/msr.
modprobe msr || { echo "modprobe msr failed"; exit 1; }
[ -c /dev/cpu/0/msr ] || { echo "/dev/cpu/0/msr missing after modprobe msr"; exit 1; }
echo "msr module loaded: $(grep -c '^msr ' /proc/modules) entry in /proc/modules"
