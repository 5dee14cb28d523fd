# SPDX-License-Identifier: MIT
# timeout: 1200
# Density and start cost of child partitions (a benchmark: prints figures, asserts only that
# the machinery works). In a 4 GiB root: idle 16 MiB test-guest children are started one by one
# until 64 run (the hypervisor's limit) or a start fails; figures: children running at once,
# CPU ms of vmms + the worker to start one child (the last ten starts, from /proc), root-side
# memory per child beyond its RAM (worker RSS minus its 16 MiB, plus the hypervisor pages
# deposited for it), and a child's port-I/O round trip to its worker next to a root CPUID
# exit, both in TSC cycles, measured in the same boot by vidtest.
. /scenarios/lib/vmms.sh
modprobe vid && modprobe hvcheck || { echo "modules missing"; exit 1; }
vmms_start || exit 1
mkdir -p /tmp/d && cd /tmp/d || exit 1
ticks=$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu_ticks() { awk '{ print $14 + $15 }' /proc/$1/stat 2>/dev/null || echo 0; }
# vmms_pid: set by vmms_start
n=0 fail="" cpu_sum=0 cpu_n=0
while [ $n -lt 64 ]; do
  name=d$n
  cat > $name.json <<JSON
{ "name": "$name", "memory_mib": 16, "vps": 1, "console": "log",
  "boot": { "guest": "/usr/share/hv/testguest.elf", "cmdline": "check=idle" } }
JSON
  hvctl create $name.json >/dev/null || { fail="create $name failed"; break; }
  v0=$(cpu_ticks $vmms_pid)
  out=$(hvctl start $name 2>&1) || { fail="start $name: $out"; break; }
  pid=$(echo "$out" | sed -n 's/.*worker pid \([0-9]*\).*/\1/p')
  v1=$(cpu_ticks $vmms_pid) w=$(cpu_ticks $pid)
  if [ $n -ge 54 ]; then cpu_sum=$((cpu_sum + v1 - v0 + w)); cpu_n=$((cpu_n + 1)); fi
  n=$((n + 1))
done
running=$(hvctl list | awk '$2 == "running"' | wc -l)
echo "density: children running at once: $running of $n started (goal >= 64)${fail:+; stopped by: $fail}"
[ $running -ge 1 ] || { hvctl list; echo "no child running"; exit 1; }
[ $cpu_n -gt 0 ] && echo "density: start cost: $((cpu_sum * 1000 / ticks / cpu_n)) ms CPU of vmms + vmwp per child (mean of the last $cpu_n starts, tick resolution $((1000 / ticks)) ms; goal <= 5 ms)"
rss=0 k=0
for p in $(pidof vmwp); do
  r=$(awk '/^VmRSS/ { print $2 }' /proc/$p/status 2>/dev/null) && rss=$((rss + r)) && k=$((k + 1))
done
dep=$(vidtest stats | sed -n 's/.* deposited \([0-9]*\) .*/\1/p')
if [ $k -gt 0 ]; then
  per=$(( (rss - k * 16384) / k + ${dep:-0} * 4 / k ))
  echo "density: root memory per child beyond its RAM: $per KiB (worker RSS $((rss / k)) KiB incl. the 16 MiB of guest RAM, deposit $(( ${dep:-0} * 4 / k )) KiB; goal <= 2048 KiB)"
fi
for i in $(seq 0 $((n - 1))); do hvctl stop --force d$i >/dev/null 2>&1; done
sleep 1
echo "density: after stopping all: $(vidtest stats | sed 's/ npt_split.*//')"
vidtest iocost 2>&1 | sed 's/^/density: /' # with the partitions free again
