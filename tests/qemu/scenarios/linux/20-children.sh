# SPDX-License-Identifier: MIT
# timeout: 1500
# Two Linux children and a test-guest child at once (issue 16): one Linux child syncs its clock
# through hv_utils' time sync (within 1 s of the root's), the other idles, the test guest answers
# its integration services; kill -9 of one Linux child's worker crashes that VM only — the other
# two keep running and answering — and every partition and deposited page comes back.
. /scenarios/lib/vmms.sh
modprobe vid || exit 1
vmms_start || exit 1
base=$(vidtest stats 2>/dev/null | sed 's/ npt_split.*//')
fail() { echo "$*"; for v in lclock lidle tg; do echo "-- $v:"; hvctl logs $v -n 100000 2>&1 | tail -n 15; done; exit 1; }
state() { hvctl list | awk -v n="$1" '$1 == n { sub(":$", "", $2); print $2 }'; }
wait_log() { # vm regex seconds, with progress every 60 s
  _s=$(date +%s) _l=$(date +%s)
  while ! hvctl logs $1 -n 100000 2>/dev/null | grep -Eq "$2"; do
    _n=$(date +%s)
    [ $((_n - _s)) -ge $3 ] && fail "$1: no '$2' after $3 s"
    case "$(state $1)" in crashed|off|failed) fail "$1 is $(state $1) waiting for '$2'";; esac
    hvctl logs $1 -n 100000 2>/dev/null | grep -q 'child: .*FAILED' &&
      fail "$1: $(hvctl logs $1 -n 100000 | grep 'child: .*FAILED' | head -n 1)"
    if [ $((_n - _l)) -ge 60 ]; then
      _l=$_n; echo "waiting for $1: '$2' ($((_n - _s)) s):"; hvctl logs $1 -n 100000 | tail -n 2
    fi
    sleep 1
  done
  echo "$1: '$2' after $(($(date +%s) - _s)) s"
}
linux_vm_files /tmp/lc lclock clock 16 "child.clock_every=2" || exit 1
linux_vm_files /tmp/lc lidle idle 16 || exit 1
cat > tg.json <<'JSON'
{ "name": "tg", "memory_mib": 32, "vps": 1, "console": "log",
  "boot": { "guest": "/usr/share/hv/testguest.elf", "cmdline": "check=vmbus-ic" } }
JSON
for v in lclock lidle tg; do hvctl create $v.json >/dev/null || fail "create $v"; done
for v in lclock lidle tg; do hvctl start $v >/dev/null || fail "start $v"; done
wait_log tg 'testguest: heartbeat answered seq' 300
wait_log lidle 'child: up, waiting for shutdown' 900
wait_log lclock 'child: clock synced after' 900
# The CMOS clock sets the time at boot to the second; hv_utils' time-sync service must be what
# runs the clock from then on: its channel negotiated and its PTP clock registered.
hvctl logs lclock -n 100000 | grep -q 'hv_utils: TimeSync IC version' ||
  fail "lclock: hv_utils' time sync never negotiated"
hvctl logs lclock -n 100000 | grep -q 'child: ptp ptp[0-9]* hyperv' ||
  fail "lclock: no Hyper-V PTP clock (hv_utils' time sync)"
sleep 5
# The child's realtime against the root's: each "clock S.U" line carries the root's time of its
# arrival in the log line's timestamp (milliseconds; the line is printed, then read at once).
hvctl logs lclock -n 100000 | grep 'child: clock [0-9]' | tail -n 3 > clock.txt
cat clock.txt
awk '{ split($1, t, /[-T:Z]/); sub(/.*child: clock /, "");
       # t: year month day hour minute second.ms (UTC)
       cmd = "date -u -d \"" t[1] "-" t[2] "-" t[3] " " t[4] ":" t[5] ":" int(t[6]) "\" +%s";
       cmd | getline root; close(cmd); root += t[6] - int(t[6]);
       d = $0 - root; if (d < 0) d = -d; if (d > worst) worst = d }
     END { printf "child clock vs root: worst %.3f s\n", worst; exit worst >= 1 }' clock.txt ||
  fail "lclock's clock is not within 1 s of the root's"
# hvctl console into a Linux child: a typed line reaches its tty through COM1's receiver and
# the I/O APIC (the child's /init echoes what it reads into its log); the output streams back.
printf 'ping-from-root\n' | timeout 15 hvctl console lidle --replay 0 > console.out 2>&1
wait_log lidle 'child: console got: ping-from-root' 60
grep -q 'ping-from-root' console.out || fail "hvctl console showed nothing of the child's echo: $(head -c 300 console.out)"
# kill -9 of lidle's worker: only lidle goes down.
pid=$(hvctl show lidle | sed -n 's/^worker pid: *\([0-9]*\).*/\1/p')
[ -n "$pid" ] || fail "no worker pid for lidle"
kill -9 "$pid"
i=0; while [ "$(state lidle)" != crashed ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i + 1)); done
[ "$(state lidle)" = crashed ] || fail "lidle not crashed after kill -9 of its worker: $(state lidle)"
n0=$(hvctl logs lclock -n 100000 | grep -c 'child: clock [0-9]') h0=$(hvctl logs tg -n 100000 | grep -c 'heartbeat answered')
sleep 12
n1=$(hvctl logs lclock -n 100000 | grep -c 'child: clock [0-9]') h1=$(hvctl logs tg -n 100000 | grep -c 'heartbeat answered')
[ "$(state lclock)" = running ] && [ "$n1" -gt "$n0" ] || fail "lclock stopped after lidle's worker was killed"
[ "$(state tg)" = running ] || fail "tg stopped after lidle's worker was killed"
echo "after kill -9 of lidle's worker: lidle $(state lidle), lclock $(state lclock) (+$((n1 - n0)) clock lines), tg $(state tg) (+$((h1 - h0)) heartbeat lines)"
hvctl stop lclock --timeout 120 >/dev/null || fail "graceful stop of lclock"
hvctl stop tg --timeout 60 >/dev/null || fail "graceful stop of tg"
for v in lclock lidle tg; do hvctl delete $v >/dev/null; done
sleep 1
after=$(vidtest stats 2>/dev/null | sed 's/ npt_split.*//')
[ "$after" = "$base" ] || fail "counters not back at baseline: '$base' -> '$after'"
echo "two Linux children and a test guest ran side by side; kill -9 of one worker hurt only its VM"
