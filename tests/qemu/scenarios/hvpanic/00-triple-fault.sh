# SPDX-License-Identifier: MIT
# Panic-path boot (suite hv.cmake, test hv-panic): triple-fault the root on purpose; the
# hypervisor must log PANIC with the exit and registers and reset the machine. Reaching the
# end of this script means the fault did not happen.
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
echo 1 > /sys/kernel/debug/hvcheck/triple_fault
echo "the root survived its own triple fault"
exit 1
