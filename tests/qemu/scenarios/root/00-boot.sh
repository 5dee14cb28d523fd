# SPDX-License-Identifier: MIT
# The root partition reached its init: the kernel is Debian's, /proc and /sys are mounted and
# the command line is the harness's.
set -e
echo "kernel: $(uname -r), hypervisor signature: $(hvprobe signature 2>/dev/null || echo '?')"
grep -q 'hvtest.set=root' /proc/cmdline || { echo "kernel command line lacks hvtest.set=root"; exit 1; }
[ -d /sys/kernel ] || { echo "/sys is not mounted"; exit 1; }
if dmesg | grep -qiE 'Kernel panic|BUG:|Oops'; then
  dmesg | grep -iE 'Kernel panic|BUG:|Oops' | head -n 3
  echo "kernel log shows a panic/BUG/Oops"; exit 1
fi
echo "root is up after $(cut -d' ' -f1 /proc/uptime)s"
