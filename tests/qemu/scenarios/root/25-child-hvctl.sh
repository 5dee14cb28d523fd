# SPDX-License-Identifier: MIT
# timeout: 400
# Child partitions through hvctl, as an admin would: the test guest (testguest.elf) boots in a
# child run by its own vmwp; its console is in hvctl logs with the boot-phase lines; it powers
# off cleanly (state off); an access to an unmapped GPA and a triple fault are crashes with the
# reason (hvctl list); the guest's memscan, hypercalls and cpuid checks pass inside a child; a
# spinning child is stopped by force; two children at once, and kill -9 of one worker leaves the
# other running. Every partition and deposited page comes back.
. /scenarios/lib/vmms.sh
modprobe vid 2>/dev/null; modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
[ -c /dev/vid ] || { echo "/dev/vid missing"; exit 1; }
S=/sys/kernel/debug/hvcheck
base=$(vidtest stats 2>/dev/null | sed 's/ npt_split.*//')
vmms_start || exit 1
mkdir -p /tmp/kids && cd /tmp/kids || exit 1
vm() { # name cmdline
  cat > $1.json <<JSON
{ "name": "$1", "memory_mib": 16, "vps": 1, "console": "log",
  "boot": { "guest": "/usr/share/hv/testguest.elf", "cmdline": "$2" } }
JSON
  hvctl create $1.json >/dev/null || { echo "hvctl create $1 failed"; exit 1; }
}
state() { hvctl list | awk -v n="$1" '$1 == n { sub(":$", "", $2); print $2 }'; }
wait_state() { # name state seconds
  i=0; while [ "$(state $1)" != "$2" ] && [ $i -lt $(($3 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
  [ "$(state $1)" = "$2" ] || { hvctl list; hvctl logs $1 | tail -n 20; echo "$1 not $2"; exit 1; }
}
vm hello "check=hello"
hvctl start hello || { hvctl logs hello | tail -n 20; echo "hvctl start hello failed"; exit 1; }
wait_state hello off 60
hvctl logs hello > /tmp/hello.log
grep -q 'testguest: hello from partition' /tmp/hello.log &&
  grep -q 'testguest: PASS hello' /tmp/hello.log ||
  { tail -n 20 /tmp/hello.log; echo "no hello from the test guest in hvctl logs"; exit 1; }
for phase in "boot: partition created" "boot: image loaded" "boot: memory mapped" \
             "first VP entry" "the guest powered off"; do
  grep -q "$phase" /tmp/hello.log || { echo "log lacks '$phase'"; exit 1; }
done
grep 'testguest' /tmp/hello.log | head -n 3
# VMBus: the worker registered its connections with the child, or says why there is none.
grep -E 'boot: VMBus connections registered|no VMBus: the hypervisor has no SynIC' /tmp/hello.log ||
  { grep -i vmbus /tmp/hello.log; echo "the log says nothing of VMBus's transport"; exit 1; }
# The guest's own checks from inside a child: its RAM is its own and intact, every hostile
# hypercall gets its error (root-only codes: access denied; CPL 3: #UD), its CPU and MSR view is
# the documented one (tests/guest/check_cpuid.c, docs/partitions.md).
for c in memscan hypercalls cpuid; do
  vm $c "check=$c fresh=1"
  hvctl start $c >/dev/null || { hvctl logs $c | tail -n 20; echo "start $c failed"; exit 1; }
  wait_state $c off 120
  hvctl logs $c > /tmp/$c.log
  grep -q "testguest: PASS $c" /tmp/$c.log ||
    { grep -E 'BAD|FAIL' /tmp/$c.log | head -n 20; echo "the test guest's $c check failed"; exit 1; }
  grep -E "testguest: (hypercalls|memscan): " /tmp/$c.log | tail -n 1
done
vm peek "check=peek gpa=0x40000000"
hvctl start peek >/dev/null; wait_state peek crashed 60
hvctl list | grep '^peek' | grep -q 'unmapped GPA 40000000' ||
  { hvctl list; echo "peek's crash reason is not the unmapped GPA"; exit 1; }
vm tf "check=triplefault"
hvctl start tf >/dev/null; wait_state tf crashed 60
hvctl list | grep '^tf' | grep -q 'triple fault' || { hvctl list; echo "no triple fault reason"; exit 1; }
vm spin1 "check=spin"; vm spin2 "check=spin"
hvctl start spin1 >/dev/null && hvctl start spin2 >/dev/null || { echo "start spin failed"; exit 1; }
wait_state spin1 running 60; wait_state spin2 running 60
t0=$(date +%s); sleep 2; t1=$(date +%s)
echo "the root kept its pace beside two spinning children: 2 s of sleep took $((t1 - t0)) s"
i=0; while ! hvctl show spin2 | grep -q 'vp exits: *[1-9]' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
hvctl show spin2 | grep -q 'vp exits: *[1-9]' || { hvctl show spin2; echo "show does not count spin2's exits"; exit 1; }
# The hypervisor's own count of the VP's exits (VID_GET_VP_STATS): a spinning child's runs end
# with host interrupts, which vid.ko re-enters without the worker seeing them.
i=0; while ! hvctl show spin2 | grep -q 'hv exits: *[1-9][0-9]* (.*intr [1-9]' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
hvctl show spin2 | grep 'hv exits:' || { hvctl show spin2; echo "show has no hypervisor exit counts for spin2"; exit 1; }
hvctl show spin2 | grep -q 'hv exits: *[1-9][0-9]* (.*intr [1-9]' || { echo "spin2's host-interrupt exits are not counted"; exit 1; }
hvctl top -b -n 2 | grep '^spin2' | tail -n 1
pid1=$(hvctl show spin1 | sed -n 's/.*pid[^0-9]*\([0-9][0-9]*\).*/\1/p' | head -n 1)
[ -n "$pid1" ] || pid1=$(pgrep -f 'vmwp --name spin1' | head -n 1)
kill -9 "$pid1" || { echo "no worker pid for spin1"; exit 1; }
wait_state spin1 crashed 30
[ "$(state spin2)" = running ] || { hvctl list; echo "spin2 did not survive spin1's kill"; exit 1; }
hvctl stop --force spin2 >/dev/null; wait_state spin2 off 30
hvctl list
# The events stream tells the same story, from vmms's journal.
hvctl events --since 1h --format json > /tmp/events.json 2>&1 &
ev=$!; sleep 2; kill $ev 2>/dev/null; wait $ev 2>/dev/null
ev_has() { # name pattern... (each must match the same event line)
  _n=$1; shift; _l=$(grep "\"name\":\"$_n\"" /tmp/events.json)
  for _p in "$@"; do _l=$(echo "$_l" | grep -e "$_p"); done
  [ -n "$_l" ] || { cat /tmp/events.json; echo "no $_n event with $*"; exit 1; }
}
ev_has hello '"kind":"started"'
ev_has hello '"to":"off"' '"how":"guest"'
ev_has peek '"kind":"crashed"' 'unmapped GPA 40000000'
ev_has tf '"kind":"crashed"' 'triple fault'
ev_has spin1 '"kind":"crashed"' '"signal":9'
ev_has spin2 '"kind":"stopped"' '"how":"forced"'
echo "events: $(wc -l < /tmp/events.json) lines, the lifecycle of every child in them"
sleep 1
after=$(vidtest stats 2>/dev/null | sed 's/ npt_split.*//')
[ "$after" = "$base" ] || { echo "counters not back at baseline: '$base' -> '$after'"; exit 1; }
grep -q '^intact 1$' $S/selfcheck || { echo "self-check failed"; exit 1; }
