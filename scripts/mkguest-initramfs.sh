#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the Linux guest's initramfs (busybox-static from Debian and
# scripts/guest/linux-guest-init as /init): what avcpu-run boots with --initrd.
# Usage: mkguest-initramfs.sh OUTPUT.cpio.gz
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${AVCPU_CACHE:-$top/.cache}
out=$1

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root}
cp "$cache/busybox/bin/busybox" "$root/bin/busybox"
install -m 755 "$top/scripts/guest/linux-guest-init" "$root/init"
install -m 755 "$top/scripts/guest/stress" "$root/bin/stress"
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0) | gzip -9 >"$out.tmp"
mv "$out.tmp" "$out"
