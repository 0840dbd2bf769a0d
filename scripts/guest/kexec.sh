#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kexec boot, stage 1: with avcpu.ko owning EL2 on every CPU, kexec into the same
# kernel with this initramfs; stage 2 (avcpu.kexec_stage=2) runs the selftests there.
# avcpu.kexec_bare on the command line kexecs without loading avcpu.ko: it tells a
# platform whose kexec fails by itself from a failure of avcpu's.
set -u
fail() { echo "avcpu-guest: kexec stage 1 failed: $*"; exit 1; }

if grep -qw avcpu.kexec_bare /proc/cmdline; then
	echo "avcpu-guest: kexec without avcpu.ko (avcpu.kexec_bare)"
else
	insmod /lib/modules/$(uname -r)/extra/avcpu.ko || fail "avcpu.ko did not load"
	owned=$(grep -c 'owner=avcpu' /sys/kernel/debug/avcpu/cpus)
	[ "$owned" -eq "$(grep -c ^processor /proc/cpuinfo)" ] || fail "avcpu owns EL2 on $owned CPUs"
	echo "avcpu-guest: avcpu owns EL2 on $owned CPUs"
fi

# The next kernel's initramfs: this one, without the 40 MB kernel image.
(cd / && find . -xdev ! -path './avcpu/kexec*' ! -path './proc*' ! -path './sys*' \
	! -path './dev*' ! -path './tmp*' | cpio -o -H newc 2>/dev/null | gzip -1) >/tmp/initrd.gz ||
	fail "cannot build the next initramfs"
cmdline="$(cat /proc/cmdline) avcpu.run=selftests avcpu.kexec_stage=2"
cmdline="$cmdline avcpu.tests=avcpu_kexec_test,avcpu_module_test,avcpu_el2_test"
kexec -l /avcpu/kexec/vmlinuz --initrd=/tmp/initrd.gz --append="$cmdline" ||
	fail "kexec -l failed"
echo "avcpu-guest: kexec stage 1: loaded, executing"
kexec -e
fail "kexec -e returned"
