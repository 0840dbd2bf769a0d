#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the Linux guest's initramfs (busybox-static from Debian and
# scripts/guest/linux-guest-init as /init): what avcpu-run boots with --initrd. With
# the guest kernel's module tree (lib/modules/VERSION), its virtio-mmio, virtio-blk,
# virtio-rng and virtio-net modules (with virtio_net's dependencies failover and
# net_failover) go in too (they are modules in Debian's kernels), uncompressed so that
# busybox's insmod loads them; /init loads them. busybox has what --net's tests use: ip,
# ping, nc, tee, md5sum.
# Usage: mkguest-initramfs.sh OUTPUT.cpio.gz [MODULE_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${AVCPU_CACHE:-$top/.cache}
out=$1
moddir=${2:-}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root}
cp "$cache/busybox/bin/busybox" "$root/bin/busybox"
install -m 755 "$top/scripts/guest/linux-guest-init" "$root/init"
install -m 755 "$top/scripts/guest/stress" "$root/bin/stress"
# make bench's I/O workloads (scripts/guest/iobench.sh), when the userspace is built.
iobench=${AVCPU_BUILD:-$top/build}/userspace-aarch64/iobench/avcpu-iobench
[ -x "$iobench" ] && install -m 755 "$iobench" "$root/bin/avcpu-iobench"
if [ -n "$moddir" ]; then
	mkdir -p "$root/lib/modules/virtio"
	# Load order: the transport first, then the drivers that bind through it, each
	# after the modules it needs.
	for m in virtio_mmio virtio_blk virtio-rng failover net_failover virtio_net; do
		f=$(find "$moddir/kernel" -name "$m.ko" -o -name "$m.ko.xz" | head -n 1)
		[ -n "$f" ] || { echo "mkguest-initramfs: no $m module in $moddir" >&2; exit 1; }
		case $f in
		*.xz) xz -dc "$f" >"$root/lib/modules/virtio/$m.ko" ;;
		*) cp "$f" "$root/lib/modules/virtio/$m.ko" ;;
		esac
		echo "$m" >>"$root/lib/modules/virtio/order"
	done
fi
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0) | gzip -9 >"$out.tmp"
mv "$out.tmp" "$out"
