#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs a benchmark program and checks that its output is well formed: it exits 0, prints no
# nan/inf, and every EXPECT regex (extended grep) matches at least one line. Never judges timing.
# usage: run-bench.sh PROGRAM [ARGS...] -- REGEX...
set -u
prog=$1; shift
args=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do args="$args $1"; shift; done
[ $# -gt 0 ] && shift
out=$(mktemp); trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2086
"$prog" $args >"$out" 2>&1; rc=$?
cat "$out"
if [ -n "${HV_BENCH_OUT:-}" ]; then mkdir -p "$(dirname "$HV_BENCH_OUT")"; cp "$out" "$HV_BENCH_OUT"; fi
[ $rc -eq 0 ] || { echo "run-bench: $prog exited $rc"; exit 1; }
if grep -Eiq '(^|[^a-z])(nan|inf)([^a-z]|$)' "$out"; then
  echo "run-bench: output contains nan/inf"; exit 1
fi
for re in "$@"; do
  grep -Eq -- "$re" "$out" || { echo "run-bench: no line matches /$re/"; exit 1; }
done
echo "run-bench: output well formed"
