#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Test host.child_initramfs: builds the Linux test child's initramfs afresh with
# mkchildinitramfs.sh (the arguments the suite's build uses) and checks its content: a gzip'd
# cpio with an executable /init that parses, busybox, /sbin/poweroff, every requested module
# with its dependencies, listed in /etc/child/modules after the modules it depends on, and
# mkfs.ext4/e2fsck with every shared library they load.
# usage: check-childinitramfs.sh --work DIR --kernel-env F --init F --kmods "a b" --programs "p q"
set -euo pipefail

work='' kenv='' kmods='' programs=''
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --work) work=$2;;
    --kernel-env) kenv=$2; args+=("$1" "$2");;
    --kmods) kmods=$2; args+=("$1" "$2");;
    --programs) programs=$2; args+=("$1" "$2");;
    *) args+=("$1" "$2");;
  esac
  shift 2
done
[ -n "$work" ] && [ -f "$kenv" ] || { echo "check-childinitramfs: --work and --kernel-env are required" >&2; exit 2; }
# shellcheck disable=SC1090
. "$kenv"
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
img=$work/initrd.img
"$here/mkchildinitramfs.sh" --out "$img" "${args[@]}"

bad=0
no() { echo "check-childinitramfs: $*"; bad=1; }
gzip -t "$img" || { echo "check-childinitramfs: $img is not gzip data"; exit 1; }
zcat "$img" | cpio -t --quiet > "$work/list"
zcat "$img" | cpio -tv --quiet > "$work/long"
mkdir -p "$work/x"
(cd "$work/x" && zcat "$img" | cpio -id --quiet init etc/child/modules etc/child/release)
has() { grep -qxF "$1" "$work/list"; }

for f in init bin/busybox bin/sh bin/insmod bin/sha256sum bin/dd bin/mount sbin/poweroff \
         etc/child/modules etc/child/release "lib/modules/$RELEASE/modules.dep"; do
  has "$f" || no "$f missing"
done
awk '$NF == "init" && $1 !~ /^-..x/ {exit 1}' "$work/long" || no "/init is not executable"
busybox sh -n "$work/x/init" || no "/init does not parse (busybox sh -n)"
[ "$(cat "$work/x/etc/child/release")" = "$RELEASE" ] || no "etc/child/release is not $RELEASE"

# Every module and each dependency modprobe resolves, present and in load order.
base=${MODROOT%/lib/modules/*}
order=$work/x/etc/child/modules
pos() { awk -v m="$1" '$1 == m {print NR; exit}' "$order"; }
for m in $kmods; do
  for ko in $(modprobe -d "$base" -S "$RELEASE" --show-depends "$m" | awk '$1=="insmod"{print $2}'); do
    rel=${ko#"$base"/}
    has "$rel" || no "module $rel (for $m) missing"
    name=$(basename "$ko"); name=${name%%.ko*}
    p=$(pos "$name")
    [ -n "$p" ] || { no "$name not in etc/child/modules"; continue; }
    for d in $(modinfo -F depends "$ko" | tr ',' ' '); do
      dp=$(pos "$d")
      [ -n "$dp" ] && [ "$dp" -lt "$p" ] || no "$name is loaded before its dependency $d"
    done
  done
  grep -q "^$m " "$order" || grep -q "^${m//_/-} " "$order" || no "$m not in etc/child/modules"
done

# e2fsprogs and what they load.
for p in $programs; do
  has "sbin/$(basename "$p")" || no "sbin/$(basename "$p") missing"
  for lib in $(ldd "$p" | awk '/=> \//{print $3} /^[[:space:]]*\/[^ ]+ \(/{print $1}'); do
    has "${lib#/}" || no "$lib (for $(basename "$p")) missing"
  done
done

[ $bad = 0 ] || exit 1
echo "check-childinitramfs: ok: $(wc -l < "$order") modules, $(wc -l < "$work/list") entries," \
     "$(du -h "$img" | cut -f1)"
