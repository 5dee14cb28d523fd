# SPDX-License-Identifier: MIT
# Every program the tree installs into the root runs there (its shared libraries were found):
# each must answer --help with exit status 0 and some output.
n=0
for p in $(cat /etc/hvtest/programs); do
  out=$("$p" --help 2>&1); rc=$?
  if [ $rc -ne 0 ] || [ -z "$out" ]; then
    echo "$p --help: exit status $rc, output: $(echo "$out" | head -n 2)"; exit 1
  fi
  n=$((n + 1))
done
[ $n -gt 0 ] || { echo "no project programs in /etc/hvtest/programs"; exit 1; }
echo "$n programs run: $(tr '\n' ' ' < /etc/hvtest/programs)"
