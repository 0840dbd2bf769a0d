#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run: boots the test machine, loads avcpu.ko and runs the bundled guests with
# avcpu-run (scripts/guest/demo.sh), showing their consoles and summaries. Non-zero if
# any step fails. Options are passed to scripts/qemu-run.sh (default: 6.12 on -cpu max).
set -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# The guest console without the kernel's own log lines and the final dmesg dump.
bash "$top/scripts/qemu-run.sh" --run demo --name demo --kernel 6.12 --cpu max "$@" |
	awk '/^avcpu-guest: dmesg begin/ { skip = 1 } /^avcpu-guest: dmesg end/ { skip = 0; next }
	     { gsub(/\033\[6n/, "") }	# the guest shell asking a terminal where its cursor is
	     !skip && !/^\[ *[0-9]+\.[0-9]+\]/ && !/^avcpu-guest: (taint|status)/'
