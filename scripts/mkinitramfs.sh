#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the test machine's initramfs for one kernel: busybox, /init, avcpu.ko for that
# kernel, the selftests and the userspace tools.
# Usage: mkinitramfs.sh KERNEL_TAG OUTPUT.cpio.gz
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${AVCPU_CACHE:-$top/.cache}
build=${AVCPU_BUILD:-$top/build}
tag=$1 out=$2

# shellcheck source=/dev/null
. "$cache/versions.env"
case $tag in
6.1) kver=$K61_ABI ;;
6.12) kver=$K612_ABI ;;
*) echo "mkinitramfs: unknown kernel '$tag' (6.1 or 6.12)" >&2; exit 1 ;;
esac

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,avcpu/selftests} \
	"$root/lib/modules/$kver/extra"
cp "$cache/busybox/bin/busybox" "$root/bin/busybox"
install -m 755 "$top/scripts/guest/init" "$root/init"
install -m 755 "$top/scripts/guest/run-selftests.sh" "$root/avcpu/"
install -m 755 "$top/scripts/guest/demo.sh" "$top/scripts/guest/bench.sh" \
	"$top/scripts/guest/fuzz.sh" "$root/avcpu/"
cp "$build/kmod-$tag/avcpu.ko" "$root/lib/modules/$kver/extra/"

# Every selftest binary the selftests Makefile built, in a stable order. The default list
# (what a boot without --tests runs) leaves out the two that only mean something in a boot
# of their own, where they are named: avcpu_refusal_test (the refusal boots of
# selftests/boots.conf) and avcpu_kexec_test (--run kexec); elsewhere they could only skip.
: >"$root/avcpu/selftests/tests.list"
for t in $(cd "$build/selftests" && ls | sort); do
	f=$build/selftests/$t
	[ -f "$f" ] && [ -x "$f" ] || continue
	cp "$f" "$root/avcpu/selftests/"
	case $t in avcpu_refusal_test | avcpu_kexec_test) continue ;; esac
	echo "$t" >>"$root/avcpu/selftests/tests.list"
done
[ -f "$top/selftests/settings" ] && cp "$top/selftests/settings" "$root/avcpu/selftests/"

for f in "$build"/userspace-aarch64/tools/* "$build"/userspace-aarch64/vmm/avcpu-run \
	"$build"/userspace-aarch64/bench/avcpu-bench "$build"/userspace-aarch64/fuzz/avcpu-fuzz \
	"$build"/userspace-aarch64/examples/minimal_vmm_*; do
	[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$root/usr/bin/"
done
if [ -d "$build/userspace-aarch64/guests" ]; then
	mkdir -p "$root/avcpu/guests"
	cp "$build"/userspace-aarch64/guests/*.bin "$build"/userspace-aarch64/guests/*.elf \
		"$root/avcpu/guests/" 2>/dev/null || true
fi

# The Linux guest avcpu-run boots (avcpu_linux_test, the demo, the interactive shell): this
# same kernel's Image and a small initramfs of its own.
mkdir -p "$root/avcpu/linux"
cp -L "$cache/kernel-$tag/vmlinuz" "$root/avcpu/linux/Image"
bash "$top/scripts/mkguest-initramfs.sh" "$root/avcpu/linux/initrd.cpio.gz" \
	"$cache/kernel-$tag/root/lib/modules/$kver"

# What `make install` puts down, in a scratch root, for avcpu_install_test.
bash "$top/scripts/install.sh" --destdir "$root/avcpu/install-root" --prefix /usr/local \
	--kmod "$build/kmod-$tag/avcpu.ko" --kver "$kver" --userspace "$build/userspace-aarch64" \
	--manifest "$root/avcpu/install-root.manifest" >/dev/null

# For the kexec boot (AVCPU_KEXEC=1): kexec-tools with its libraries and glibc, and the
# kernel image to kexec into.
if [ "${AVCPU_KEXEC:-0}" = 1 ]; then
	kx=$cache/kexec-arm64
	libdir=$root/lib/aarch64-linux-gnu
	mkdir -p "$libdir" "$root/avcpu/kexec"
	cp "$kx/sbin/kexec" "$root/sbin/"
	cp -a "$kx"/usr/lib/aarch64-linux-gnu/*.so* "$libdir/"
	cp -a "$kx"/lib/aarch64-linux-gnu/*.so* "$libdir/" 2>/dev/null || true
	cp -L /usr/aarch64-linux-gnu/lib/libc.so.6 "$libdir/"
	cp -L /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 "$root/lib/"
	ln -s ../ld-linux-aarch64.so.1 "$libdir/ld-linux-aarch64.so.1"
	# Every library kexec needs, transitively, must be here: a missing one fails the
	# build, not the boot.
	todo="$root/sbin/kexec" seen=
	while [ -n "$todo" ]; do
		obj=${todo%% *}
		todo=${todo#"$obj"}
		todo=${todo# }
		for need in $(aarch64-linux-gnu-readelf -d "$obj" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
			case " $seen " in *" $need "*) continue ;; esac
			seen="$seen $need"
			[ -e "$libdir/$need" ] || { echo "mkinitramfs: $need (for ${obj##*/}) missing" >&2; exit 1; }
			todo="$todo $libdir/$need"
			todo=${todo# }
		done
	done
	cp -L "$cache/kernel-$tag/vmlinuz" "$root/avcpu/kexec/vmlinuz"
fi
[ -f "$top/scripts/guest/kexec.sh" ] && install -m 755 "$top/scripts/guest/kexec.sh" "$root/avcpu/"

(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
