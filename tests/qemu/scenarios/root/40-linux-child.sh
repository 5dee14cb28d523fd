# SPDX-License-Identifier: MIT
# timeout: 900
# An unmodified Debian Linux as a child partition (issue 16): the root's own kernel and the test
# child image (/guests/linux) boot through hvctl; the boot console is in hvctl logs; the child
# reaches /init and loads its Hyper-V drivers.
. /scenarios/lib/vmms.sh
modprobe vid || { echo "modprobe vid failed"; exit 1; }
vmms_start || exit 1
linux_vm_files /tmp/linux linux1 idle 64 || exit 1
fail() { echo "$*"; hvctl logs linux1 2>&1 | tail -n 60; exit 1; }
hvctl create linux1.json || fail "create failed"
hvctl start linux1 || fail "start failed"
i=0
while [ $i -lt 6000 ] && ! hvctl logs linux1 2>/dev/null | grep -q 'child: init reached'; do
  st=$(hvctl list | awk '$1 == "linux1" { print $2 }')
  case "$st" in crashed*|off*|failed*) fail "linux1 is $st";; esac
  sleep 0.1; i=$((i + 1))
done
hvctl logs linux1 | grep -q 'child: init reached' || fail "no 'child: init reached' in 600 s"
echo "linux1 reached /init after $((i / 10)) s"
hvctl logs linux1 | tail -n 40
