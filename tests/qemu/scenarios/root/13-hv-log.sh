# SPDX-License-Identifier: MIT
# The hypervisor's log ring is readable from the root (HV_CALL_READ_LOG) and tells the story
# of the take-over.
modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
cat /sys/kernel/debug/hvcheck/log > /tmp/hv.log || { echo "reading the log failed"; exit 1; }
n=$(wc -l < /tmp/hv.log)
head -n 5 /tmp/hv.log
grep -q 'hv: hv.efi core (ABI 4)' /tmp/hv.log || { echo "log lacks the core's banner"; exit 1; }
grep -q 'SVM on, resuming the firmware as the root partition' /tmp/hv.log ||
  { echo "log lacks the take-over line"; exit 1; }
if grep -q 'read-log status' /tmp/hv.log; then grep 'read-log status' /tmp/hv.log; exit 1; fi
echo "hypervisor log ring: $n lines"
