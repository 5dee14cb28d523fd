# Demo: what the root partition sees of the machine it runs on.
echo "== the root partition =="
echo "kernel:      $(uname -r)"
echo "hypervisor:  $(hvprobe signature)"
echo "cpu flags:   $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'hypervisor|svm|npt' | tr '\n' ' ')"
echo "memory:      $(grep MemTotal /proc/meminfo | tr -s ' ')"
dmesg | grep -iE 'hypervisor detected|Hyper-V' | head -n 5
true
