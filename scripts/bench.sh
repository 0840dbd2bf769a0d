#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: avcpu-bench under avcpu, KVM nVHE and KVM VHE, in the same QEMU machine
# with the same kernel, guest code and host loop; once instruction-counted (-icount
# shift=0: a nanosecond is one emulated instruction, so the figure is an exit's path
# length and repeats exactly) and once on wall-clock TCG time. Writes a side-by-side table
# to build/bench/results.md and prints it.
# Environment: BENCH_KERNEL (6.12), BENCH_CPU (max), BENCH_ITERATIONS (20000), BENCH_REPEAT (5).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVCPU_BUILD:-$top/build}
kernel=${BENCH_KERNEL:-6.12} cpu=${BENCH_CPU:-max}
iterations=${BENCH_ITERATIONS:-20000} repeat=${BENCH_REPEAT:-5}
out=$build/bench
mkdir -p "$out"

# name  backend  qemu-run options
configs=(
	"avcpu avcpu"
	"kvm-nvhe kvm --kvm nvhe"
	"kvm-vhe kvm --kvm default --vhe"
)
status=0
for timing in icount wall; do
	for c in "${configs[@]}"; do
		read -r name backend opts <<<"$c"
		extra=()
		rm -f "$out/$timing-$name.log" "$out/$timing-$name.log.result"
		[ "$timing" = icount ] && extra+=(--icount)
		# shellcheck disable=SC2086
		if ! bash "$top/scripts/qemu-run.sh" --kernel "$kernel" --cpu "$cpu" --smp 2 \
			--run bench --bench "$backend,$iterations,$repeat" $opts "${extra[@]}" \
			--name "bench-$timing-$name" --log "$out/$timing-$name.log" --quiet; then
			echo "bench: $timing $name failed (log: $out/$timing-$name.log)" >&2
			status=1
		fi
	done
done

# The table: one row per workload, one column per configuration.
{
	echo "# avcpu-bench: kernel $kernel, QEMU $(qemu-system-aarch64 --version | head -n1 | awk '{print $4}'), cpu $cpu, $iterations exits x $repeat runs (median)"
	for timing in icount wall; do
		echo
		if [ "$timing" = icount ]; then
			echo "## emulated instructions per exit (-icount shift=0)"
		else
			echo "## TCG wall-clock ns per exit (2 host cores; noisy, for orientation)"
		fi
		echo
		echo "| workload | avcpu | KVM nVHE | KVM VHE | avcpu / KVM nVHE |"
		echo "|---|---|---|---|---|"
		for w in hvc_psci sysreg_id mmio_write; do
			row="| $w"
			vals=()
			for c in "${configs[@]}"; do
				read -r name _ <<<"$c"
				v=$(sed -n "s/^bench: .*workload=$w .*median_ns=\([0-9.]*\).*/\1/p" \
					"$out/$timing-$name.log" 2>/dev/null | tr -d '\r' | head -n1)
				vals+=("${v:-}")
				row="$row | ${v:-failed}"
			done
			if [ -n "${vals[0]}" ] && [ -n "${vals[1]}" ]; then
				row="$row | $(awk -v a="${vals[0]}" -v b="${vals[1]}" 'BEGIN { printf "%.2f", a / b }')"
			else
				row="$row | -"
			fi
			echo "$row |"
		done
	done
} >"$out/results.md"
cat "$out/results.md"
exit $status
