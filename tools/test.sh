#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's test command: installs what is missing, builds the three flavours of the tree
# and runs the whole suite through ctest in each:
#   build/       gcc: unit, host, bench and qemu tests
#   build-asan/  gcc + ASan/UBSan: unit and host tests
#   build-fuzz/  clang + libFuzzer: fuzz smoke runs
# Extra arguments go to every ctest run (e.g. -L unit, -R vmbus). Ends with "N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

"$here/tools/setup.sh" || { echo "test: setup failed"; exit 1; }
jobs=$(nproc)
passed=0 failed=0 broken=()

flavour() { # dir, cmake args...
  local dir=$1; shift
  echo "== configure and build $dir"
  if ! cmake -S "$here" -B "$here/$dir" -G Ninja "$@" >"$here/$dir.configure.log" 2>&1; then
    cat "$here/$dir.configure.log"; broken+=("$dir: configure"); return 1
  fi
  if ! cmake --build "$here/$dir" -j"$jobs"; then broken+=("$dir: build"); return 1; fi
  echo "== ctest in $dir"
  local log="$here/$dir/ctest.log"
  ctest --test-dir "$here/$dir" --output-on-failure -j"$jobs" "${CTEST_ARGS[@]}" 2>&1 | tee "$log"
  local line p f t
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    grep -q 'No tests were found' "$log" && return 0
    broken+=("$dir: ctest printed no summary"); return 1
  fi
  f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  t=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  p=$((t - f))
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" -eq 0 ] || broken+=("$dir: $f failed")
}

CTEST_ARGS=("$@")
rm -rf "$here/build/bench-results"
flavour build
for f in "$here"/build/bench-results/*.txt; do
  [ -f "$f" ] || continue
  echo "== figures from bench $(basename "$f" .txt)"; cat "$f"
done
flavour build-asan -DHV_SANITIZE=ON
flavour build-fuzz -DHV_FUZZ=ON -DCMAKE_C_COMPILER=clang

echo
for b in "${broken[@]}"; do echo "test: $b"; done
echo "ctest: $passed passed, $failed failed"
[ ${#broken[@]} -eq 0 ]
