#!/bin/sh
# SPDX-License-Identifier: MIT
# The manual page is clean for mandoc -Tlint (mandoc: tools/setup.sh), has the sections
# operators look for, and lists every exit status hvctl --help lists.
set -eu
PAGE=${1:?usage: $0 MANPAGE HVCTL}
HVCTL=${2:?usage: $0 MANPAGE HVCTL}
command -v mandoc >/dev/null || { echo "SKIP: mandoc is not installed (tools/setup.sh)"; exit 0; }
out=$(mandoc -Tlint -W style "$PAGE" 2>&1) || { echo "FAIL: mandoc -Tlint:"; echo "$out"; exit 1; }
[ -z "$out" ] || { echo "FAIL: mandoc -Tlint:"; echo "$out"; exit 1; }
for s in "EXIT STATUS" FILES EXAMPLES ENVIRONMENT; do
  grep -q "^\.SH $s" "$PAGE" || { echo "FAIL: no $s section"; exit 1; }
done
for code in 0 1 2 3 4 5 6 7 8; do
  grep -q "^\.B $code\$" "$PAGE" || { echo "FAIL: exit status $code not in the page"; exit 1; }
  "$HVCTL" --help | grep -q "$code " || { echo "FAIL: exit status $code not in hvctl --help"; exit 1; }
done
echo "PASS mgmt manual page"
