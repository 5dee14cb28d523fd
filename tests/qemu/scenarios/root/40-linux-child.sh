# SPDX-License-Identifier: MIT
# timeout: 900
# An unmodified Debian Linux as a child partition (issue 16): the root's own kernel and the test
# child image (/guests/linux) boot through hvctl; the boot console is in hvctl logs; the child
# reaches /init and loads its Hyper-V drivers.
. /scenarios/lib/vmms.sh
modprobe vid || { echo "modprobe vid failed"; exit 1; }
vmms_start || exit 1
linux_vm_files /tmp/linux linux1 idle 64 || exit 1
fail() {
  echo "$*"
  echo "-- what the child's kernel found missing:"
  hvctl logs linux1 2>&1 | grep -iE 'unchecked MSR|WARNING|BUG|panic|error|fail' | head -n 40
  echo "-- the end of its log:"
  hvctl logs linux1 2>&1 | tail -n 60
  exit 1
}
hvctl create linux1.json || fail "create failed"
hvctl start linux1 || fail "start failed"
start=$(date +%s) last=0
while ! hvctl logs linux1 2>/dev/null | grep -q 'child: init reached'; do
  now=$(date +%s)
  st=$(hvctl list | awk '$1 == "linux1" { print $2 }')
  case "$st" in crashed*|off*|failed*) fail "linux1 is $st";; esac
  [ $((now - start)) -ge 600 ] && fail "no 'child: init reached' in 600 s"
  if [ $((now - last)) -ge 60 ]; then # progress, for whoever debugs a slow or stuck boot
    last=$now
    echo "after $((now - start)) s: $(hvctl show linux1 | grep 'vp exits'), log:"
    hvctl logs linux1 2>/dev/null | tail -n 3
  fi
  sleep 1
done
i=$(( ($(date +%s) - start) * 10 ))
echo "linux1 reached /init after $((i / 10)) s"
hvctl logs linux1 | tail -n 40
