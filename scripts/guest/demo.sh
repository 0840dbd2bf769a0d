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
run hello.elf
run smp.elf --cpus 4
run tour.elf
rmmod avcpu || fail=1
step "demo $([ $fail -eq 0 ] && echo passed || echo FAILED)"
exit $fail
