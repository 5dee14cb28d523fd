#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Downloads Debian's current linux-image-amd64 kernel and the matching headers with
# `apt-get download` and unpacks them with dpkg-deb into a private root (never installed).
# Writes <root>/kernel.env with RELEASE, VMLINUZ, MODROOT, KDIR, KCOMMON for the build.
# The release is looked up at run time from the metapackages: never hard-coded.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${HV_KERNEL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hv/kernel}
mkdir -p "$cache" "$here/.cache"
# The build finds the kernel through this link in the (git-ignored) .cache/ of the checkout.
link_env() { ln -sfn "$1/kernel.env" "$here/.cache/kernel.env"; }

dep_of() { # first concrete package a metapackage depends on, matching a pattern
  apt-cache depends "$1" 2>/dev/null | awk -v pat="$2" '$1=="Depends:" && $2 ~ pat {print $2; exit}'
}

image_pkg=$(dep_of linux-image-amd64 '^linux-image-[0-9]')
if [ -z "$image_pkg" ] && [ "${1:-}" != --updated ]; then
  if [ "$(id -u)" -eq 0 ]; then apt-get update -q; else sudo apt-get update -q; fi
  image_pkg=$(dep_of linux-image-amd64 '^linux-image-[0-9]')
fi
[ -n "$image_pkg" ] || { echo "fetch-kernel: cannot resolve linux-image-amd64 (apt lists missing?)" >&2; exit 1; }
release=${image_pkg#linux-image-}
headers_pkg=linux-headers-$release
common_pkg=$(dep_of "$headers_pkg" '^linux-headers-.*-common')
kbuild_pkg=$(dep_of "$headers_pkg" '^linux-kbuild-')

root=$cache/$release
if [ -f "$root/kernel.env" ]; then
  echo "fetch-kernel: $release already unpacked in $root"
  link_env "$root"
  exit 0
fi

echo "fetch-kernel: downloading $image_pkg $headers_pkg $common_pkg $kbuild_pkg"
tmp=$(mktemp -d "$cache/dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download "$image_pkg" "$headers_pkg" "$common_pkg" "$kbuild_pkg")
mkdir -p "$tmp/root"
for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
depmod -b "$tmp/root" "$release"

abi=${common_pkg#linux-headers-}; abi=${abi%-common}
cat > "$tmp/root/kernel.env" <<ENV
RELEASE=$release
VMLINUZ=$root/boot/vmlinuz-$release
MODROOT=$root/lib/modules/$release
KDIR=$root/usr/src/linux-headers-$release
KCOMMON=$root/usr/src/linux-headers-$abi-common
ENV
rm -rf "$root"
mv "$tmp/root" "$root"
link_env "$root"
echo "fetch-kernel: $release unpacked in $root"
