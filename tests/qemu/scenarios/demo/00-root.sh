# SPDX-License-Identifier: MIT
# Demo: what the root partition sees of the machine it runs on.
echo "== the root partition =="
echo "kernel:      $(uname -r)"
echo "hypervisor:  $(hvprobe signature)"
echo "cpu flags:   $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'hypervisor|svm|npt' | tr '\n' ' ')"
echo "memory:      $(grep MemTotal /proc/meminfo | tr -s ' ')"
dmesg | grep -iE 'hypervisor detected|Hyper-V' | head -n 5
if modprobe hvcheck 2>/dev/null && [ -r /sys/kernel/debug/hvcheck/stats ]; then
  echo
  echo "== the hypervisor, asked from the root (statistics hypercall, test module hvcheck) =="
  grep -E '^(abi_version|cpus|uptime_ns|total_exits|mem_size|exit\.[a-z_]+) ' /sys/kernel/debug/hvcheck/stats
  echo
  echo "== the hypervisor's log ring (last lines) =="
  tail -n 6 /sys/kernel/debug/hvcheck/log
fi
true
