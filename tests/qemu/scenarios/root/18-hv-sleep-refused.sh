# SPDX-License-Identifier: MIT
# timeout: 100
# The root cannot put the machine to sleep behind the hypervisor (after S3 the firmware would
# resume it outside): a suspend-to-RAM request returns at once, as an immediate wake, the
# hypervisor logs the refusal and the root is still its guest.
# Without hv.efi the machine would really suspend and nothing would wake it: check first.
set -- $(hvprobe cpuid 0x40000100)
[ "$2 $3 $4" = "66457648 63694d69 76486f72" ] || { echo "not running under hv.efi: not suspending"; exit 1; }
grep -qw mem /sys/power/state || { echo "no suspend-to-RAM offered: /sys/power/state = '$(cat /sys/power/state)'"; exit 1; }
grep -q deep /sys/power/mem_sleep && echo deep > /sys/power/mem_sleep
echo "mem_sleep: $(cat /sys/power/mem_sleep)"
before=$(cut -d' ' -f1 /proc/uptime)
echo mem > /sys/power/state || { echo "suspend request failed: $(dmesg | grep -iE 'PM:|ACPI' | tail -n 2)"; exit 1; }
echo "back after $(awk -v a="$before" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN{printf "%.1f", b-a}') s"
dmesg | grep -E 'PM: suspend (entry|exit)|Low-level resume' | sed 's/^\[[^]]*\] //' | tail -n 3
set -- $(hvprobe cpuid 0x40000100)
[ "$2 $3 $4" = "66457648 63694d69 76486f72" ] || { echo "hv.efi identity gone after the suspend attempt"; exit 1; }
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
grep -q 'root requested sleep (PM1a SLP_TYP' /sys/kernel/debug/hvcheck/log ||
  { echo "the hypervisor did not see the sleep request"; exit 1; }
grep 'root requested sleep' /sys/kernel/debug/hvcheck/log | tail -n 1 | sed 's/^\[[^]]*\] //'
echo "suspend-to-RAM refused by hv.efi; the root carried on under it"
