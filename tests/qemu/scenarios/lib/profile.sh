# SPDX-License-Identifier: MIT
# For tests/qemu/profile.py: prints the root kernel's and vid.ko's text symbols and each vmwp's
# mappings on the console (PROF-KALL, PROF-VID, PROF-MAPS lines), so that a profile report can
# name what it sampled. Source it and call profile_symbols once the workers run; then print the
# marks `profile.py sample --start/--end` wait for. Not used by the suite's own scenarios.
profile_symbols() {
  grep -E ' [tTwW] ' /proc/kallsyms | grep -v '\[' | sed 's/^/PROF-KALL /'
  grep '\[vid\]' /proc/kallsyms | sed 's/^/PROF-VID /'
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = vmwp ] && sed "s|^|PROF-MAPS ${p#/proc/} |" "$p/maps"
  done
}
