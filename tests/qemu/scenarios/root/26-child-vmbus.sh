# SPDX-License-Identifier: MIT
# timeout: 1500
# VMBus into a child (issue 15), through hvctl as an admin would, with the test guest's VMBus
# checks (tests/guest/README.md): the guest writes checksummed blocks to its disk over the
# SCSI channel, flushes and reads them back; the root checks the image file against the cksum
# figures the guest printed; the VM restarts and verifies them, also after a forced stop and
# after kill -9 of the worker (every block was flushed before). hvctl show lists the channels
# open and the heartbeat age; hvctl stop is graceful through the shutdown IC, and a guest that
# ignores it is forced off; time-sync samples arrive. Each hostile VMBus case breaks at most its
# own channel (logged by the worker) while the guest's other channels, a second child and the
# root keep working. Every partition and deposited page comes back.
. /scenarios/lib/vmms.sh
modprobe vid 2>/dev/null; modprobe hvcheck || { echo "modprobe hvcheck failed"; exit 1; }
[ -c /dev/vid ] || { echo "/dev/vid missing"; exit 1; }
S=/sys/kernel/debug/hvcheck
base=$(vidtest stats 2>/dev/null | sed 's/ npt_split.*//')
vmms_start || exit 1
mkdir -p /tmp/vmbus && cd /tmp/vmbus || exit 1

fail() { echo "$*"; exit 1; }
vm() { # name cmdline: a VM with its own 8 MiB disk image <name>.img (kept if it exists)
  [ -f $1.img ] || dd if=/dev/zero of=$1.img bs=1M count=8 2>/dev/null
  cat > $1.json <<JSON
{ "name": "$1", "memory_mib": 32, "vps": 1, "console": "log",
  "boot": { "guest": "/usr/share/hv/testguest.elf", "cmdline": "$2" },
  "disks": [ { "path": "/tmp/vmbus/$1.img" } ] }
JSON
  hvctl create $1.json >/dev/null || fail "hvctl create $1 failed"
}
revm() { hvctl delete $1 >/dev/null; vm "$@"; } # same image, new command line
state() { hvctl list | awk -v n="$1" '$1 == n { sub(":$", "", $2); print $2 }'; }
# Waits are wall-clock: under load each hvctl call takes long, so counting polls would stretch
# a bound several times over.
wait_state() { # name state seconds
  _end=$(($(date +%s) + $3))
  while [ "$(state $1)" != "$2" ] && [ "$(date +%s)" -lt $_end ]; do sleep 0.1; done
  [ "$(state $1)" = "$2" ] || { hvctl list; hvctl show $1; hvctl logs $1 -n 100000 | tail -n 30
    grep -E '^child_|^exit\.' /sys/kernel/debug/hvcheck/stats 2>/dev/null | tr '\n' ' '; echo
    fail "$1 not $2"; }
}
wait_log() { # name regex seconds
  _end=$(($(date +%s) + $3))
  while ! hvctl logs $1 -n 100000 2>/dev/null | grep -Eq "$2" && [ "$(date +%s)" -lt $_end ]; do
    sleep 0.1; done
  hvctl logs $1 -n 100000 | grep -Eq "$2" || { hvctl logs $1 -n 100000 | tail -n 30; fail "$1: no '$2' in its log"; }
}
start() { hvctl start $1 >/dev/null || { hvctl logs $1 -n 100000 | tail -n 20; fail "hvctl start $1 failed"; }; }
passes() { # name check seconds: run to the end, PASS
  start $1; wait_state $1 off $3
  hvctl logs $1 -n 100000 > /tmp/vmbus/$1.log
  grep -q "testguest: PASS $2" /tmp/vmbus/$1.log ||
    { grep -E 'testguest' /tmp/vmbus/$1.log | tail -n 30; fail "$1: no PASS $2"; }
}
# POSIX cksum in busybox awk (busybox has no cksum): what the guest's tg_cksum prints.
cksum_awk='function s(c, x,  b) { c = xor(c, lshift(x, 24)); for (b = 0; b < 8; b++)
  c = and(c, 2147483648) ? and(xor(lshift(c, 1), 79764919), 4294967295) : and(lshift(c, 1), 4294967295)
  return c }
{ for (i = 1; i <= NF; i++) { c = s(c, $i); n++ } }
END { for (l = n; l > 0; l = rshift(l, 8)) c = s(c, and(l, 255)); print xor(c, 4294967295) }'
image_matches() { # name: every "disk sample" block of its log is in its image, byte for byte
  hvctl logs $1 -n 100000 | sed -n 's/.*testguest: disk sample lba \([0-9]*\) cksum \([0-9]*\) size \([0-9]*\).*/\1 \2 \3/p' |
    sort -u > /tmp/vmbus/$1.samples
  [ -s /tmp/vmbus/$1.samples ] || fail "$1: no disk sample lines"
  while read lba sum size; do
    magic=$(dd if=$1.img bs=$size skip=$lba count=1 2>/dev/null | head -c 8)
    [ "$magic" = TGDISK01 ] || fail "$1.img: block $lba holds no pattern block ('$magic')"
    got=$(dd if=$1.img bs=$size skip=$lba count=1 2>/dev/null | od -A n -t u1 -v | awk "$cksum_awk")
    [ "$got" = "$sum" ] || fail "$1.img: block $lba has cksum $got, the guest wrote $sum"
  done < /tmp/vmbus/$1.samples
  echo "$1.img: $(wc -l < /tmp/vmbus/$1.samples) sample blocks match the guest's cksum"
}

# 1. Disk round trip: write, flush, read back; the root checks the image; a restart verifies.
vm disk1 "check=vmbus-disk blocks=64 seed=4242"
passes disk1 vmbus-disk 300
grep -E 'testguest: (vmbus|storvsc|disk (lun|wrote|flushed|verified))' /tmp/vmbus/disk1.log
image_matches disk1
revm disk1 "check=vmbus-disk blocks=64 seed=4242 mode=verify"
passes disk1 vmbus-disk 300
grep -q 'testguest: disk verified 64 blocks' /tmp/vmbus/disk1.log || fail "disk1: restart did not verify 64 blocks"
# a block of another run is named as such
revm disk1 "check=vmbus-disk blocks=64 seed=4243 mode=verify"
start disk1; wait_state disk1 off 300
hvctl logs disk1 -n 100000 | grep -q 'FAIL vmbus-disk: LBA 0 .*another run' || fail "disk1: a wrong seed was not caught"

# 2. Forced stop while the guest holds the channel open, then kill -9 of the worker: every
# flushed block survives both. hvctl show lists the SCSI channel open meanwhile.
vm disk2 "check=vmbus-disk blocks=32 seed=77 mode=write hold=1"
start disk2; wait_log disk2 'testguest: disk done; holding' 300
hvctl show disk2 | tee /tmp/vmbus/disk2.show | grep -E 'disk .*open' ||
  { cat /tmp/vmbus/disk2.show; fail "hvctl show disk2 does not list the SCSI channel open"; }
hvctl stop --force disk2 >/dev/null; wait_state disk2 off 60
image_matches disk2
revm disk2 "check=vmbus-disk blocks=32 seed=77 mode=verify"
passes disk2 vmbus-disk 300
vm disk3 "check=vmbus-disk blocks=32 seed=78 mode=write hold=1"
start disk3; wait_log disk3 'testguest: disk done; holding' 300
pid=$(hvctl show disk3 | sed -n 's/.*pid[^0-9]*\([0-9][0-9]*\).*/\1/p' | head -n 1)
[ -n "$pid" ] || pid=$(pgrep -f 'vmwp --name disk3' | head -n 1)
kill -9 "$pid" || fail "no worker pid for disk3"
wait_state disk3 crashed 60
image_matches disk3
revm disk3 "check=vmbus-disk blocks=32 seed=78 mode=verify"
passes disk3 vmbus-disk 300

# 3. Integration services: channels and heartbeat age in hvctl show, time-sync samples, a
# graceful stop through the shutdown IC.
vm ic1 "check=vmbus-ic"
start ic1; wait_log ic1 'testguest: heartbeat answered seq' 120
wait_log ic1 'testguest: timesync sample' 60
# The worker reports its devices every 2 s: wait for a report taken after the guest negotiated.
i=0; while [ $i -lt 100 ]; do
  hvctl show ic1 > /tmp/vmbus/ic1.show
  grep -Eq 'ic-heartbeat.*(running|open).*last heard' /tmp/vmbus/ic1.show && break
  sleep 0.1; i=$((i + 1))
done
cat /tmp/vmbus/ic1.show
grep -Eq 'ic-heartbeat.*(running|open).*last heard' /tmp/vmbus/ic1.show || fail "ic1: no heartbeat age in hvctl show"
grep -Eq 'ic-shutdown.*(running|open)' /tmp/vmbus/ic1.show || fail "ic1: shutdown IC not running in hvctl show"
grep -Eq 'disk .*open' /tmp/vmbus/ic1.show || fail "ic1: SCSI channel not open in hvctl show"
hvctl stop ic1 --timeout 60 || fail "graceful stop of ic1 failed"
wait_state ic1 off 30
hvctl logs ic1 -n 100000 > /tmp/vmbus/ic1.log
grep -q 'testguest: shutdown requested (flags' /tmp/vmbus/ic1.log && grep -q 'testguest: PASS vmbus-ic' /tmp/vmbus/ic1.log ||
  { tail -n 20 /tmp/vmbus/ic1.log; fail "ic1 did not shut down through the shutdown IC"; }
grep -E 'testguest: (heartbeat|timesync|shutdown)' /tmp/vmbus/ic1.log | tail -n 4
# A guest that ignores the request: the graceful stop times out, the VM is forced off.
vm ic2 "check=vmbus-ic ignore-shutdown=1"
start ic2; wait_log ic2 'testguest: ic: answering' 120
hvctl stop ic2 --timeout 5; rc=$?
wait_log ic2 'shutdown requested, ignored' 30
[ "$(state ic2)" = off ] || { [ $rc = 8 ] || fail "stop of ic2 ignoring shutdown: exit $rc"; hvctl stop --force ic2 >/dev/null; }
wait_state ic2 off 60
echo "ic2 ignored the shutdown request: graceful stop exit $rc, then off ($(hvctl list | grep '^ic2'))"

# 4. Hostile VMBus, each case in its own child while a second child (vmbus-ic) keeps running.
vm bystander "check=vmbus-ic"
start bystander; wait_log bystander 'testguest: heartbeat answered seq' 120
# the cases that must break their channel (packet-oversize is well framed: dropped or broken)
breaks="ring-write-index ring-misaligned ring-read-index packet-offset packet-length packet-short"
for c in gpadl-outside-ram gpadl-huge gpadl-body-only $breaks packet-oversize msg-oversize \
         msg-malformed signal-unknown msg-flood "ring-write-index victim=heartbeat"; do
  n=hostile$(echo "$c" | tr -c 'a-z0-9\n' '-' | sed 's/-*$//')
  vm $n "check=vmbus-hostile case=$c"
  passes $n vmbus-hostile 300
  grep -E 'testguest: hostile: ' /tmp/vmbus/$n.log | grep -v proof | head -n 6
  case " $breaks " in *" ${c%% *} "*)
    grep -qi 'broken' /tmp/vmbus/$n.log || fail "$n: the worker did not log the broken channel";;
  esac
  [ "$(state bystander)" = running ] || { hvctl logs bystander -n 100000 | tail; fail "bystander died during $c"; }
  hvctl delete $n >/dev/null
done
hvctl stop bystander --timeout 60 || fail "graceful stop of the bystander failed after the hostile cases"
wait_state bystander off 30
hvctl logs bystander -n 100000 | grep -q 'testguest: PASS vmbus-ic' || fail "bystander did not shut down cleanly"

for v in disk1 disk2 disk3 ic1 ic2 bystander; do hvctl delete $v >/dev/null; done
sleep 1
after=$(vidtest stats 2>/dev/null | sed 's/ npt_split.*//')
[ "$after" = "$base" ] || fail "counters not back at baseline: '$base' -> '$after'"
grep -q '^intact 1$' $S/selfcheck || fail "self-check failed"
