#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian 12 package the build, the tests and the demo need, and fetches
# Debian's packaged kernel (image + headers) into a private root without installing it.
# Idempotent: packages already present are skipped; `apt-get update` runs at most once.
# Works as root or through sudo.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)

PACKAGES=(
  build-essential cmake ninja-build pkg-config git python3
  gcc-12 clang lld llvm libclang-rt-14-dev
  gnu-efi
  libuv1-dev libprotobuf-c-dev protobuf-c-compiler libjson-c-dev libcmocka-dev libck-dev libssl-dev
  # the ring bench's anchors (the build works without them; the bench then says so)
  libdpdk-dev
  qemu-system-x86 qemu-utils ovmf busybox-static cpio kmod xz-utils
  mtools dosfstools e2fsprogs
  mandoc prometheus
  frama-c-base
  acpica-tools
)

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  updated=1
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

# Debian's kernel for the QEMU suite: downloaded and unpacked, never installed on the build
# machine (its package scripts would touch the host's /boot). See docs/testing.md.
"$here/tools/fetch-kernel.sh" ${updated:+--updated}
