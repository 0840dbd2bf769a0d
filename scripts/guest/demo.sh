#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the test machine: load avcpu.ko, run the bundled guests with avcpu-run.
set -u
fail=0
step() { echo; echo "==== $*"; }

step "insmod avcpu.ko"
insmod /lib/modules/$(uname -r)/extra/avcpu.ko || { echo "demo: avcpu.ko did not load"; exit 1; }
dmesg | grep 'avcpu: EL2 taken' | tail -n 1

run() {
	name=$1
	shift
	step "avcpu-run $* /avcpu/guests/$name"
	avcpu-run --summary "$@" /avcpu/guests/$name
	rc=$?
	echo "==== $name: exit status $rc"
	[ $rc -eq 0 ] || fail=1
}
# The n-th shell prompt of the Linux guest on its console, within 300 s.
wait_prompt() {
	i=0
	while [ "$(grep -o 'guest# ' /tmp/uart.out | wc -l)" -lt "$1" ]; do
		sleep 1
		i=$((i + 1))
		[ $i -lt 300 ] || return 1
	done
}

# The test machine's own Debian kernel as a guest of avcpu, 4 vCPUs, typed to through
# its PL011: a few commands, then power-off.
linux() {
	step "avcpu-run --cpus 4 --mem 512 --kernel /avcpu/linux/Image --initrd /avcpu/linux/initrd.cpio.gz"
	rm -f /tmp/uart.in /tmp/uart.out
	mkfifo /tmp/uart.in
	: >/tmp/uart.out
	avcpu-run --summary --cpus 4 --mem 512 --kernel /avcpu/linux/Image \
		--initrd /avcpu/linux/initrd.cpio.gz --cmdline "console=ttyAMA0 rdinit=/init quiet" \
		</tmp/uart.in >/tmp/uart.out 2>&1 &
	pid=$!
	exec 3>/tmp/uart.in
	tail -f /tmp/uart.out &
	tailpid=$!
	n=1
	for cmd in "uname -a" "grep -c ^processor /proc/cpuinfo" \
		"dmesg | grep -i -e gicv3 -e arch_timer -e psci: | cut -c16-" \
		"cat /proc/interrupts" \
		"poweroff -f"; do
		wait_prompt $n || { echo "demo: no shell prompt"; kill $pid; break; }
		n=$((n + 1))
		echo "$cmd" >&3
	done
	wait $pid
	rc=$?
	exec 3>&-
	sleep 1
	kill $tailpid
	echo "==== linux: exit status $rc"
	[ $rc -eq 0 ] || fail=1
}

run hello.elf
run smp.elf --cpus 4
run tour.elf
linux
rmmod avcpu || fail=1
step "demo $([ $fail -eq 0 ] && echo passed || echo FAILED)"
exit $fail
