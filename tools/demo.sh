#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's demo command: installs what is missing, builds the tree and boots the stack in
# QEMU (hypervisor + root partition), runs the demo scenarios inside the root and, when run from
# a terminal, leaves you at the root's shell ('poweroff -f' ends it).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/tools/setup.sh"
cmake -S "$here" -B "$here/build" -G Ninja >/dev/null
cmake --build "$here/build" -j"$(nproc)"
boot=$(sed -n 's/^HV_QEMU_BOOT:STRING=//p' "$here/build/CMakeCache.txt")
exec "$here/tests/qemu/run-qemu.sh" --build "$here/build" --name demo --set demo \
     --boot "${boot:-direct}" --interactive --timeout 1800
