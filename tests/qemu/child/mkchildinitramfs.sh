#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Linux test child's initramfs (a gzip'd newc cpio): busybox-static with its applets,
# the child's /init, Debian's own modules of the kernel in kernel.env with their dependencies
# (resolved by modprobe --show-depends, as mkinitramfs.sh does) and their load order in
# /etc/child/modules, e2fsprogs' mkfs.ext4 and e2fsck with the shared libraries they load, and
# /sbin/poweroff (hv_utils' orderly power-off runs it; the child has no init system).
# usage: mkchildinitramfs.sh --out F --kernel-env F --init F --kmods "a b" [--programs "p1 p2"]
set -euo pipefail

out='' kenv='' init='' kmods='' programs=''
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2;; --kernel-env) kenv=$2;; --init) init=$2;; --kmods) kmods=$2;;
    --programs) programs=$2;;
    *) echo "mkchildinitramfs: unknown option $1" >&2; exit 2;;
  esac
  shift 2
done
[ -n "$out" ] && [ -f "$kenv" ] && [ -f "$init" ] && [ -n "$kmods" ] ||
  { echo "mkchildinitramfs: --out, --kernel-env, --init and --kmods are required" >&2; exit 2; }
# shellcheck disable=SC1090
. "$kenv"
busybox=/bin/busybox
[ -x "$busybox" ] ||
  { echo "mkchildinitramfs: $busybox missing: install busybox-static (tools/setup.sh)" >&2; exit 1; }

root=$(mktemp -d "${out}.root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc/child,proc,sys,dev,tmp,run,mnt/data,root}
cp "$busybox" "$root/bin/busybox"
for a in $("$busybox" --list); do
  [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
install -m 0755 "$init" "$root/init"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
ln -s /proc/mounts "$root/etc/mtab"     # e2fsck and mkfs.ext4 look for mounted filesystems
[ -f /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$root/etc/"

# orderly_poweroff() execs /sbin/poweroff with no open files: busybox's plain poweroff would
# only signal PID 1 (a shell, which ignores it), so unmount the data disk and power off now.
cat > "$root/sbin/poweroff" <<'SH'
#!/bin/sh
# The child's /sbin/poweroff (hv_utils' shutdown runs it through orderly_poweroff).
exec >/dev/kmsg 2>&1 # one record per line, as /init's
echo "child: poweroff: syncing and unmounting"
sync
if grep -q ' /mnt/data ' /proc/mounts; then
  umount /mnt/data && echo "child: poweroff: /mnt/data unmounted" ||
    { mount -o remount,ro /mnt/data; echo "child: poweroff: /mnt/data busy, remounted read-only"; }
fi
echo "child: poweroff: powering off"
exec /bin/busybox poweroff -f
SH
chmod 0755 "$root/sbin/poweroff"

# e2fsprogs (dynamically linked) and every shared object they load, from the build host (the
# same Debian release as Debian's kernel), under the names they are run by.
copy_with_libs() {
  ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^[[:space:]]*\/[^ ]+ \(/{print $1}' |
  while read -r lib; do
    [ -e "$root$lib" ] || cp -L --parents "$lib" "$root/"
  done
}
for p in $programs; do
  [ -x "$p" ] || { echo "mkchildinitramfs: $p missing: install e2fsprogs" >&2; exit 1; }
  cp -L "$p" "$root/sbin/$(basename "$p")"
  chmod 0755 "$root/sbin/$(basename "$p")"
  copy_with_libs "$p"
done

# Debian's modules with their dependencies; /etc/child/modules is the load order ("name path"
# per line, each module once), which /init follows with insmod.
base=${MODROOT%/lib/modules/*}
mkdir -p "$root/lib/modules/$RELEASE"
: > "$root/etc/child/modules"
for m in $kmods; do
  deps=$(modprobe -d "$base" -S "$RELEASE" --show-depends "$m") ||
    { echo "mkchildinitramfs: module $m not found in $MODROOT" >&2; exit 1; }
  for ko in $(echo "$deps" | awk '$1=="insmod"{print $2}'); do
    rel=${ko#"$base"/}
    [ -e "$root/$rel" ] && continue
    mkdir -p "$root/$(dirname "$rel")"
    cp "$ko" "$root/$rel"
    name=$(basename "$ko"); name=${name%%.ko*}
    echo "$name /$rel" >> "$root/etc/child/modules"
  done
done
cp "$MODROOT"/modules.builtin* "$MODROOT"/modules.order "$root/lib/modules/$RELEASE/" 2>/dev/null || true
depmod -b "$root" "$RELEASE"
echo "$RELEASE" > "$root/etc/child/release"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -9n) > "$out.tmp"
mv "$out.tmp" "$out"
echo "mkchildinitramfs: $out ($(du -h "$out" | cut -f1)), kernel $RELEASE," \
     "$(wc -l < "$root/etc/child/modules") modules"
