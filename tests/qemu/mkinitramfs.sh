#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the root partition's test initramfs: busybox-static, the harness's /init, the scenario
# scripts, the project's programs with the shared libraries they need, Debian kernel modules
# (with their dependencies) and the project's own modules.
# usage: mkinitramfs.sh --out F --kernel-env F --init F --scenarios DIR [--modules-dir DIR]
#                       [--kmods "a b"] [--programs "p1 p2"] [--sysprogs "p1 p2"]
#                       [--files "src=dst ..."]
# --programs: the tree's own (listed in /etc/hvtest/programs: scenario 01 runs each --help);
# --sysprogs: the build host's tools a scenario needs (e2fsck), installed the same way, unlisted.
set -euo pipefail

out= kenv= init= scen= moddir= kmods= programs= sysprogs= files=
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2;; --kernel-env) kenv=$2;; --init) init=$2;; --scenarios) scen=$2;;
    --modules-dir) moddir=$2;; --kmods) kmods=$2;; --programs) programs=$2;; --sysprogs) sysprogs=$2;; --files) files=$2;;
    *) echo "mkinitramfs: unknown option $1" >&2; exit 2;;
  esac
  shift 2
done
[ -n "$out" ] && [ -f "$kenv" ] && [ -f "$init" ] && [ -d "$scen" ] ||
  { echo "mkinitramfs: --out, --kernel-env, --init and --scenarios are required" >&2; exit 2; }
# shellcheck disable=SC1090
. "$kenv"
busybox=/bin/busybox
[ -x "$busybox" ] ||
  { echo "mkinitramfs: $busybox missing: install busybox-static (tools/setup.sh)" >&2; exit 1; }

root=$(mktemp -d "${out}.root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc/hvtest,proc,sys,dev,tmp,run,var,root}
cp "$busybox" "$root/bin/busybox"
for a in $("$busybox" --list); do
  [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
install -m 0755 "$init" "$root/init"
cp -r "$scen" "$root/scenarios"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

# Programs and every shared object they load (ldd's view of the build host, which is the
# same Debian release as the root's userland).
copy_with_libs() {
  local f=$1
  ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[[:space:]]*\/[^ ]+ \(/{print $1}' |
  while read -r lib; do
    [ -e "$root$lib" ] || cp -L --parents "$lib" "$root/"
  done
}
: > "$root/etc/hvtest/programs"
for p in $programs; do
  install -m 0755 "$p" "$root/usr/bin/"
  copy_with_libs "$p"
  basename "$p" >> "$root/etc/hvtest/programs"
done
for p in $sysprogs; do
  install -m 0755 "$p" "$root/usr/bin/"
  copy_with_libs "$p"
done

# Kernel modules: Debian's, resolved with their dependencies against the unpacked kernel tree.
base=${MODROOT%/lib/modules/*}
mkdir -p "$root/lib/modules/$RELEASE"
for m in $kmods; do
  modprobe -d "$base" -S "$RELEASE" --show-depends "$m" | awk '$1=="insmod"{print $2}' |
  while read -r ko; do
    rel=${ko#"$base"/}
    mkdir -p "$root/$(dirname "$rel")"
    cp "$ko" "$root/$rel"
  done
done
cp "$MODROOT"/modules.builtin* "$MODROOT"/modules.order "$root/lib/modules/$RELEASE/" 2>/dev/null || true
if [ -n "$moddir" ] && [ -d "$moddir" ]; then
  mkdir -p "$root/lib/modules/$RELEASE/extra"
  find "$moddir" -maxdepth 1 -name '*.ko' -exec cp {} "$root/lib/modules/$RELEASE/extra/" \;
fi
depmod -b "$root" "$RELEASE"

for f in $files; do
  src=${f%%=*} dst=${f#*=}
  mkdir -p "$root/$(dirname "$dst")"
  cp -r "$src" "$root/$dst"
done

(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out ($(du -h "$out" | cut -f1)), kernel $RELEASE"
