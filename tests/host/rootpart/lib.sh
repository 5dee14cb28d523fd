# SPDX-License-Identifier: MIT
# Shared helpers of the management plane's host tests: a private vmms in a temporary folder
# (socket, run, state and log folders all under it), hvctl pointed at it, and checks that
# print what differed. Sourced by the test scripts; BIN is the folder with vmms/vmwp/hvctl.
set -eu

BIN=${1:?usage: $0 BIN_DIR [STANDIN_WORKER]}
STANDIN=${2:-}
T=$(mktemp -d /tmp/hv-mgmt-test.XXXXXX)
# Workers drop root (vmms --worker-uid-base): they must reach their log folder under $T, as
# under /var/log.
chmod 711 "$T"
export HV_VMMS_SOCKET=$T/vmms.sock
VMMS_PID=
WORKER=$BIN/vmwp

cleanup() {
  [ -n "$VMMS_PID" ] && kill "$VMMS_PID" 2>/dev/null || true
  # Workers started by this test only: their pids are in this test's state folder.
  for f in "$T"/state/vms/*.state; do
    [ -f "$f" ] || continue
    pid=$(sed -n 's/.*"worker_pid": *\([0-9]*\).*/\1/p' "$f")
    [ -n "$pid" ] && [ "$pid" != 0 ] && kill -9 "$pid" 2>/dev/null || true
  done
  for p in $EXTRA_PIDS; do kill "$p" 2>/dev/null || true; done
  for m in $MOUNTS; do umount "$m" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] && echo "kept $T" >&2 || rm -rf "$T"
}
EXTRA_PIDS=
MOUNTS=
trap cleanup EXIT

# small_fs DIR KIB: a tmpfs of KIB KiB at DIR, to fill up (needs root; false when it cannot).
small_fs() {
  mkdir -p "$1"
  mount -t tmpfs -o size="$2"k hvtest "$1" 2>/dev/null || return 1
  MOUNTS="$1 $MOUNTS"
}

# fill DIR: writes zeros into DIR until its file system is full.
fill() { dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null || true; }

# pid_alive_for NEEDLE: true when a process whose command line contains NEEDLE runs.
pid_alive_for() {
  for c in /proc/[0-9]*/cmdline; do
    tr '\0' ' ' < "$c" 2>/dev/null | grep -qF -- "$1" && return 0
  done
  return 1
}

fail() { echo "FAIL: $*" >&2; [ -f "$T/log/vmms.log" ] && tail -n 20 "$T/log/vmms.log" >&2; exit 1; }

start_vmms() {
  "$BIN/vmms" --socket "$HV_VMMS_SOCKET" --run-dir "$T/run" --state-dir "$T/state" \
      --log-dir "$T/log" --worker-path "$WORKER" "$@" >>"$T/vmms.out" 2>&1 &
  VMMS_PID=$!
  i=0
  # The socket file exists from bind(), before listen(): wait until a client gets through.
  while [ ! -S "$HV_VMMS_SOCKET" ] ||
        "$BIN/hvctl" --socket "$HV_VMMS_SOCKET" list 2>&1 >/dev/null | grep -q "cannot reach vmms"; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "vmms did not open its socket: $(cat "$T/vmms.out")"
    sleep 0.05
  done
}

stop_vmms() {
  kill -"${1:-TERM}" "$VMMS_PID"; wait "$VMMS_PID" 2>/dev/null || true; VMMS_PID=
  rm -f "$HV_VMMS_SOCKET"
}

hvctl() { "$BIN/hvctl" "$@"; }

# expect_rc RC CMD...: runs CMD, keeps stdout in $OUT and stderr in $ERR, checks the status.
expect_rc() {
  want=$1; shift
  set +e
  "$@" >"$T/out" 2>"$T/err"; rc=$?
  set -e
  OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
  [ "$rc" -eq "$want" ] || fail "$*: exit status $rc, expected $want; stdout: $OUT; stderr: $ERR"
}

# expect_in TEXT NEEDLE WHAT
expect_in() {
  case "$1" in *"$2"*) ;; *) fail "$3: expected to contain '$2', got: $1" ;; esac
}

state_of() { hvctl show "$1" | sed -n 's/^state: *\([a-z]*\).*/\1/p'; }

wait_state() {
  i=0
  while [ "$(state_of "$1")" != "$2" ]; do
    i=$((i + 1)); [ $i -lt "${3:-100}" ] || fail "$1 did not reach $2 (now $(state_of "$1"))"
    sleep 0.1
  done
}

write_config() {  # write_config FILE NAME [extra json]
  printf '{"name": "%s", "memory_mib": 64, "vps": 1, "boot": {"guest": "guest.elf"}%s}\n' \
    "$2" "${3:-}" > "$1"
}

mkdir -p "$T/cfg"
echo guest > "$T/cfg/guest.elf"
truncate -s 1M "$T/cfg/disk0.img"

# finish MESSAGE: stops vmms (so that LeakSanitizer reports at its exit in the sanitizer
# build) and fails if vmms or any worker (their stderr is vmms's) reported a sanitizer error.
finish() {
  [ -n "$VMMS_PID" ] && stop_vmms
  sleep 0.2
  if grep -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$T/vmms.out" >/dev/null 2>&1; then
    cat "$T/vmms.out" >&2
    fail "sanitizer report from vmms or a worker (above)"
  fi
  echo "PASS $1"
}
