#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench's I/O rows, inside the test machine: the Linux guest under avcpu-run on
# DEVICE (/dev/avcpu or /dev/kvm; scripts/guest/bench.sh has set the hypervisor up) runs
# avcpu-iobench (scripts/guest/linux-guest-init, avcpu.iobench=) against
#  - blk: a virtio disk backed by a 128 MiB file in the test machine's RAM;
#  - net: a virtio-net device on a tap of the test machine, whose side runs the servers
#    (4 MiB each way, 300 one-byte round trips), link-local addresses only;
# each with the eventfd assists (doorbells to ioeventfds, completions by irqfd) and
# without them (--no-eventfd: every doorbell an exit to avcpu-run's vCPU thread, every
# interrupt an ioctl). One line per result:
#   io BACKEND eventfd=on|off blk mib=32 seq_write_mbps=... seq_read_mbps=... rand4k_read_iops=...
#   io BACKEND eventfd=on|off tcp-send mib=4 mbps=...       (guest to test machine)
#   io BACKEND eventfd=on|off tcp-recv bytes=... mbps=...   (test machine to guest)
#   io BACKEND eventfd=on|off tcp-rr count=300 mean_us=... median_us=...
set -u
device=${1:-/dev/avcpu}
backend=kvm
[ "$device" = /dev/avcpu ] && backend=avcpu
disk=/tmp/iobench.img tap=avcpu-bench0 host_ip=169.254.77.1
rc=0

# run_guest WORKLOAD ASSISTS [avcpu-run options]: the guest's result lines, as io rows.
run_guest() {
	workload=$1 assists=$2
	shift 2
	extra=
	[ "$assists" = off ] && extra=--no-eventfd
	# shellcheck disable=SC2086
	out=$(timeout 600 avcpu-run --device "$device" --cpus 1 --mem 256 \
		--kernel /avcpu/linux/Image --initrd /avcpu/linux/initrd.cpio.gz \
		--cmdline "console=ttyAMA0 rdinit=/init quiet avcpu.iobench=$workload" \
		--summary $extra "$@" </dev/null 2>&1)
	lines=$(echo "$out" | grep -E '^(blk|tcp-send|tcp-recv|tcp-rr) ')
	if [ -z "$lines" ]; then
		echo "iobench: $workload with eventfd=$assists gave no result; the run ended with:"
		echo "$out" | tail -n 15
		rc=1
		return
	fi
	echo "$lines" | sed "s/^/io $backend eventfd=$assists /"
	# avcpu-run's counters of the run (exits, WFI sleeps and polls, interrupts by irqfd).
	echo "$out" | grep -E '^  (vCPU|VM:|vGIC:|virtio)' |
		sed "s/^ */iosummary $backend eventfd=$assists $workload: /"
}

rm -f "$disk"
dd if=/dev/zero of="$disk" bs=1M count=0 seek=128 2>/dev/null
for assists in on off; do
	run_guest blk $assists --disk "$disk"
done
rm -f "$disk"

if avcpu-iobench tap $tap && ip addr add $host_ip/16 dev $tap && ip link set $tap up; then
	for assists in on off; do
		avcpu-iobench tcp-sink 5801 >/tmp/iobench-sink.out 2>&1 &
		avcpu-iobench tcp-serve 5802 4 >/dev/null 2>&1 &
		avcpu-iobench tcp-echo 5803 >/dev/null 2>&1 &
		run_guest net $assists --net tap=$tap
		# Servers the guest never reached would wait forever.
		# shellcheck disable=SC2046
		kill $(jobs -p) 2>/dev/null
		wait 2>/dev/null
	done
else
	echo "iobench: no tap for the network rows (tun module loaded?)"
	rc=1
fi
exit $rc
