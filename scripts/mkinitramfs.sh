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
debian=${AVCPU_DEBIAN:-0}

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
	"$top/scripts/guest/iobench.sh" "$top/scripts/guest/fuzz.sh" "$root/avcpu/"
cp "$build/kmod-$tag/avcpu.ko" "$root/lib/modules/$kver/extra/"
# The tun module (/dev/net/tun: avcpu-run's --net tap=NAME, avcpu_net_test) from the same
# Debian kernel package, uncompressed for busybox's insmod; /init loads it.
tun=$(find "$cache/kernel-$tag/root/lib/modules/$kver/kernel/drivers/net" -name tun.ko -o -name tun.ko.xz)
[ -n "$tun" ] || { echo "mkinitramfs: no tun module for $kver" >&2; exit 1; }
mkdir -p "$root/lib/modules/$kver/kernel/drivers/net"
case $tun in
*.xz) xz -dc "$tun" >"$root/lib/modules/$kver/kernel/drivers/net/tun.ko" ;;
*) cp "$tun" "$root/lib/modules/$kver/kernel/drivers/net/tun.ko" ;;
esac

# Every selftest binary the selftests Makefile built, in a stable order. The default list
# (what a boot without --tests runs) leaves out those that only mean something in a boot
# of their own, where they are named: avcpu_refusal_test (the refusal boots of
# selftests/boots.conf), avcpu_kvm_backend_test (the KVM boot there) and avcpu_kexec_test
# (--run kexec); elsewhere they could only skip.
# avcpu_deb_test and avcpu_perf_test are listed in the Debian boot only (AVCPU_DEBIAN=1).
: >"$root/avcpu/selftests/tests.list"
for t in $(cd "$build/selftests" && ls | sort); do
	f=$build/selftests/$t
	[ -f "$f" ] && [ -x "$f" ] || continue
	cp "$f" "$root/avcpu/selftests/"
	case $t in avcpu_refusal_test | avcpu_kvm_backend_test | avcpu_kexec_test) continue ;; esac
	case $debian$t in 0avcpu_deb_test | 0avcpu_perf_test) continue ;; esac
	echo "$t" >>"$root/avcpu/selftests/tests.list"
done
[ -f "$top/selftests/settings" ] && cp "$top/selftests/settings" "$root/avcpu/selftests/"

for f in "$build"/userspace-aarch64/tools/* "$build"/userspace-aarch64/vmm/avcpu-run \
	"$build"/userspace-aarch64/bench/avcpu-bench "$build"/userspace-aarch64/fuzz/avcpu-fuzz \
	"$build"/userspace-aarch64/iobench/avcpu-iobench \
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

# Copies into the initramfs every shared library the given binaries need, transitively
# (their DT_NEEDED entries), from the extracted Debian packages in $lib_dirs and glibc from
# the cross toolchain. A library found nowhere fails the build, not the boot.
libdir=$root/lib/aarch64-linux-gnu
lib_dirs=
add_libs() {
	local todo="$*" seen='' obj need d
	mkdir -p "$libdir"
	if [ ! -e "$root/lib/ld-linux-aarch64.so.1" ]; then
		cp -L /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 "$root/lib/"
		ln -s ../ld-linux-aarch64.so.1 "$libdir/ld-linux-aarch64.so.1"
	fi
	while [ -n "$todo" ]; do
		obj=${todo%% *}
		todo=${todo#"$obj"}
		todo=${todo# }
		for need in $(aarch64-linux-gnu-readelf -d "$obj" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
			case " $seen " in *" $need "*) continue ;; esac
			seen="$seen $need"
			if [ ! -e "$libdir/$need" ]; then
				for d in $lib_dirs /usr/aarch64-linux-gnu/lib; do
					[ -e "$d/$need" ] && { cp -L "$d/$need" "$libdir/"; break; }
				done
			fi
			[ -e "$libdir/$need" ] || { echo "mkinitramfs: $need (for ${obj##*/}) missing" >&2; exit 1; }
			todo="$todo $libdir/$need"
			todo=${todo# }
		done
	done
}

# For the kexec boot (AVCPU_KEXEC=1): kexec-tools with its libraries and glibc, and the
# kernel image to kexec into.
if [ "${AVCPU_KEXEC:-0}" = 1 ]; then
	kx=$cache/kexec-arm64
	lib_dirs="$kx/usr/lib/aarch64-linux-gnu $kx/lib/aarch64-linux-gnu"
	mkdir -p "$root/avcpu/kexec"
	cp "$kx/sbin/kexec" "$root/sbin/"
	add_libs "$root/sbin/kexec"
	cp -L "$cache/kernel-$tag/vmlinuz" "$root/avcpu/kexec/vmlinuz"
fi

# For the Debian boot (AVCPU_DEBIAN=1, qemu-run.sh --debian): dpkg, GNU tar and perf from
# Debian's arm64 packages (make setup), avcpu's own packages and the modules DKMS built from
# avcpu-dkms's sources (scripts/tests/deb-test.sh's result, rebuilt when the tree changed),
# for avcpu_deb_test and avcpu_perf_test.
if [ "$debian" = 1 ]; then
	dt=$cache/debian-arm64
	[ -f "$dt/.complete" ] || { echo "mkinitramfs: $dt missing: run 'make setup'" >&2; exit 1; }
	pk=$build/deb-test
	mkdir -p "$root/avcpu/deb/bin"
	if [ "$(cat "$pk/tree.sha256" 2>/dev/null)" != "$(bash "$top/scripts/deb.sh" --tree-hash)" ] ||
		[ ! -f "$pk/dkms/$kver/avcpu.ko" ]; then
		echo "mkinitramfs: building the packages (scripts/tests/deb-test.sh)" >&2
		# A failed build costs avcpu_deb_test, which reports why, not the whole boot.
		if ! bash "$top/scripts/tests/deb-test.sh" >"$build/deb-test.log" 2>&1; then
			tail -n 20 "$build/deb-test.log" >&2
			{ echo "scripts/tests/deb-test.sh failed on the build machine; its last lines:"
				grep -E '^not ok|error' "$build/deb-test.log" | tail -n 8; } \
				>"$root/avcpu/deb/build-failed"
			rm -rf "$pk"
		fi
	fi
	lib_dirs="$dt/usr/lib/aarch64-linux-gnu $dt/lib/aarch64-linux-gnu"
	cp "$dt/usr/bin/perf" "$root/usr/bin/"
	cp "$dt/sbin/ldconfig" "$root/sbin/"
	# dpkg and GNU tar (which dpkg-deb runs) on the PATH of avcpu_deb_test only: busybox's
	# own dpkg and tar applets stay the test machine's.
	cp "$dt/usr/bin/dpkg" "$dt/usr/bin/dpkg-deb" "$dt/usr/bin/dpkg-split" \
		"$dt/usr/bin/dpkg-query" "$dt/bin/tar" "$root/avcpu/deb/bin/"
	add_libs "$root"/avcpu/deb/bin/* "$root/usr/bin/perf"
	if [ -d "$pk" ]; then
		cp "$pk"/avcpu-dkms_*.deb "$pk"/avcpu-tools_*.deb "$root/avcpu/deb/"
		cp "$pk/dkms/$kver/avcpu.ko" "$root/avcpu/deb/"
	fi
fi
[ -f "$top/scripts/guest/kexec.sh" ] && install -m 755 "$top/scripts/guest/kexec.sh" "$root/avcpu/"

(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
