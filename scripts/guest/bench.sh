#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# avcpu-bench inside the test machine: BACKEND (avcpu: load avcpu.ko first; kvm: the
# kernel's KVM, booted with kvm-arm.mode=nvhe or in VHE) [ITERATIONS [REPEAT [SLOW]]]:
# SLOW iterations for the rows that take interrupts or come back to userspace.
set -u
backend=${1:-avcpu} iterations=${2:-20000} repeat=${3:-5} slow=${4:-2000}
case $backend in
avcpu)
	insmod /lib/modules/$(uname -r)/extra/avcpu.ko || { echo "bench: avcpu.ko did not load"; exit 1; }
	;;
kvm)
	[ -e /dev/kvm ] || { echo "bench: no /dev/kvm (boot with --kvm nvhe or --vhe)"; exit 1; }
	dmesg | grep -m1 -E 'kvm \[[0-9]+\]: (Hyp mode|VHE mode|Protected)' || true
	;;
*) echo "bench: unknown backend '$backend'"; exit 1 ;;
esac
avcpu-bench --backend "$backend" --iterations "$iterations" --repeat "$repeat" \
	--workload ioctl_floor,sysreg_mdscr,hvc_psci,sysreg_id,gicd_read &&
	avcpu-bench --backend "$backend" --iterations "$slow" --repeat "$repeat" \
		--workload timer_tick,mmio_write,spi_user
rc=$?
# The I/O rows: the Linux guest's virtio disk and network, with and without eventfds.
sh /avcpu/iobench.sh "/dev/$backend" || rc=1
[ "$backend" = avcpu ] && { rmmod avcpu || rc=1; }
exit $rc
