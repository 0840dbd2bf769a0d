#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# avcpu-bench inside the test machine: BACKEND (avcpu: load avcpu.ko first; kvm: the
# kernel's KVM, booted with kvm-arm.mode=nvhe or in VHE) [ITERATIONS [REPEAT [SLOW
# [LINUX [IO]]]]]; LINUX 1: also one boot each of the Linux guest on 1 and 4 vCPUs; IO 1:
# also the I/O rows (scripts/guest/iobench.sh).
# SLOW iterations for the rows that take interrupts or come back to userspace (a tenth of
# them for the wake-ups of a sleeping vCPU, milliseconds each under emulation: the SGI
# round trip and wfi_kick, whose host leaves the guest 1 ms to fall asleep before each);
# the creation and copy rows take REPEAT runs of one VM creation or two 64 MiB copies.
set -u
backend=${1:-avcpu} iterations=${2:-20000} repeat=${3:-5} slow=${4:-2000} linux=${5:-0}
io=${6:-0}
case $backend in
avcpu)
	# avcpu.PARAM=VALUE on the kernel command line (qemu-run.sh --append) loads it with
	# PARAM=VALUE: insmod, unlike modprobe, does not look there itself.
	params=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^avcpu\.\([a-z_]*=[0-9]*\)$/\1/p')
	# shellcheck disable=SC2086
	insmod /lib/modules/$(uname -r)/extra/avcpu.ko $params ||
		{ echo "bench: avcpu.ko did not load"; exit 1; }
	echo "bench: avcpu halt_poll_ns=$(cat /sys/module/avcpu/parameters/halt_poll_ns)"
	;;
kvm)
	[ -e /dev/kvm ] || { echo "bench: no /dev/kvm (boot with --kvm nvhe or --vhe)"; exit 1; }
	dmesg | grep -m1 -E 'kvm \[[0-9]+\]: (Hyp mode|VHE mode|Protected)' || true
	echo "bench: kvm halt_poll_ns=$(cat /sys/module/kvm/parameters/halt_poll_ns 2>/dev/null)"
	;;
*) echo "bench: unknown backend '$backend'"; exit 1 ;;
esac
avcpu-bench --backend "$backend" --iterations "$iterations" --repeat "$repeat" \
	--workload ioctl_floor,sysreg_mdscr,hvc_psci,sysreg_id,gicd_read &&
	avcpu-bench --backend "$backend" --iterations "$slow" --repeat "$repeat" \
		--workload timer_tick,mmio_write,spi_user,wfi_timer &&
	avcpu-bench --backend "$backend" --iterations "$(((slow + 9) / 10))" --repeat "$repeat" \
		--workload sgi_round_trip,wfi_kick &&
	avcpu-bench --backend "$backend" --iterations 1 --repeat "$repeat" \
		--workload create_256m,copy_4k,copy_2m,copy_host
rc=$?
if [ $rc -eq 0 ] && [ "$linux" = 1 ]; then
	avcpu-bench --backend "$backend" --repeat 1 --workload linux_boot_1,linux_boot_4
	rc=$?
fi
# IO 1: the I/O rows, the Linux guest's virtio disk and network with and without the
# eventfd assists (iobench.sh; wall-clock only, an emulated-time figure means nothing here).
if [ "$io" = 1 ]; then
	sh /avcpu/iobench.sh "/dev/$backend" || rc=1
fi
grep -H . /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
[ "$backend" = avcpu ] && { rmmod avcpu || rc=1; }
exit $rc
