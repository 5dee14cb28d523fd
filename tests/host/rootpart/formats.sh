#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden output of every verb that prints data, in every format (table, json, yaml, csv, and
# table/csv with --no-headers), against tests/host/rootpart/golden/VERB.FORMAT. Times, the
# test's folder and pids are replaced by @TIME@, @T@ and @PID@ before comparing.
# UPDATE_GOLDEN=1 rewrites the golden files (check the diff before committing it).
. "$(dirname "$0")/lib.sh"
[ -e /dev/vid ] && { echo "SKIP: /dev/vid exists on this host (the failed VM would start)"; exit 0; }
GOLDEN=$(cd "$(dirname "$0")/golden" && pwd)
C=$T/cfg
start_vmms
write_config "$C/demo.json" demo ', "disks": [{"path": "disk0.img", "readonly": true}]'
printf '{"name": "web", "memory_mib": 512, "vps": 2, "boot": {"guest": "guest.elf"}, "console": "none"}\n' > "$C/web.json"
write_config "$C/bad.json" bad
write_config "$C/new.json" new ', "console": "none"'
"$BIN/hvctl" events --format json > "$T/events.json" 2>&1 &
EV_JSON=$!
"$BIN/hvctl" events --format yaml > "$T/events.yaml" 2>&1 &
EV_YAML=$!
"$BIN/hvctl" events --format csv > "$T/events.csv" 2>&1 &
EV_CSV=$!
"$BIN/hvctl" events > "$T/events.table" 2>&1 &
EV_TABLE=$!
EXTRA_PIDS="$EV_JSON $EV_YAML $EV_CSV $EV_TABLE"
sleep 0.3
for n in demo web bad; do expect_rc 0 hvctl create "$C/$n.json"; done
expect_rc 1 hvctl start bad   # no /dev/vid: failed, with its reason
sleep 0.3
kill $EXTRA_PIDS 2>/dev/null || true

normalise() {
  sed -E -e "s|$T|@T@|g" -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z/@TIME@/g' \
      -e 's/pid [0-9]+/pid @PID@/g' -e 's/sha256:[0-9a-f]{64}/sha256:@SHA@/g'
}

failures=0
check() {  # check NAME COMMAND...: stdout of COMMAND against golden/NAME
  name=$1; shift
  "$@" 2>/dev/null | normalise > "$T/got.$name" || true
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    cp "$T/got.$name" "$GOLDEN/$name"
  elif ! diff -u "$GOLDEN/$name" "$T/got.$name" >&2; then
    echo "FAIL: $name differs from golden/$name (above)" >&2
    failures=$((failures + 1))
  fi
}

for f in table json yaml csv; do
  check "list.$f" hvctl list --format "$f"
  check "show.$f" hvctl show demo --format "$f"
  check "validate.$f" hvctl validate "$C/new.json" --format "$f"
  check "logs.$f" hvctl logs bad -n 2 --format "$f"
  check "error.$f" hvctl show nosuch --format "$f"
  check "events.$f" cat "$T/events.$f"
done
check list.table-no-headers hvctl list --no-headers
check list.csv-no-headers hvctl list --format csv --no-headers
# --json is --format json.
check list.json hvctl list --json
[ "$failures" -eq 0 ] || fail "$failures outputs differ from their golden files"
finish "mgmt formats (golden output)"
