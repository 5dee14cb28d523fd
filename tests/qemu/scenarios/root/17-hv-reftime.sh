# SPDX-License-Identifier: MIT
# The root keeps time with hv.efi's reference TSC page (no exit per clock read), and the
# reference counter MSR (TIME_REF_COUNT, 100 ns units) agrees with it: the MSR's interval must
# lie between the inner and outer uptime intervals bracketing the two reads (robust against
# scheduling delays; 20 ms slack for /proc/uptime's 10 ms resolution).
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
[ "$cs" = hyperv_clocksource_tsc_page ] || { echo "root clocksource is '$cs', not hyperv_clocksource_tsc_page"; exit 1; }
modprobe msr || { echo "modprobe msr failed"; exit 1; }
up() { cut -d' ' -f1 /proc/uptime; }
ua=$(up); r0=$(hvmsr read 0x40000020) || { echo "rdmsr TIME_REF_COUNT refused"; exit 1; }; ub=$(up)
sleep 2
uc=$(up); r1=$(hvmsr read 0x40000020); ud=$(up)
ref_ms=$(( (r1 - r0) / 10000 ))
inner=$(awk -v a="$ub" -v b="$uc" 'BEGIN { printf "%d", (b - a) * 1000 - 20 }')
outer=$(awk -v a="$ua" -v b="$ud" 'BEGIN { printf "%d", (b - a) * 1000 + 20 }')
echo "reference counter advanced ${ref_ms} ms; uptime brackets [${inner}, ${outer}] ms"
[ "$ref_ms" -ge "$inner" ] && [ "$ref_ms" -le "$outer" ] ||
  { echo "reference counter (${ref_ms} ms) outside the uptime bracket [${inner}, ${outer}] ms"; exit 1; }
echo "clocksource $cs; TIME_REF_COUNT agrees with the clock"
