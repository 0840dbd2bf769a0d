#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make soak: the long runs that make test only samples. SOAK_MINUTES (default 30) in all:
# a tenth for the host fuzzers (libFuzzer, fresh seeds), the rest split between the kernels
# (SOAK_KERNELS, default "6.1 6.12"). Per kernel, one boot of the SMP and lifecycle stress
# at soak depth (avcpu.depth=soak, selftests/avcpu_depth.h: the 60 s migration soak, ten Linux boots in a row, 100 SMP
# runs of avcpu-run, the 50 load/unload cycles, SGI floods), then the remaining time for
# avcpu-fuzz's two campaigns, a boot each, with fresh seeds. A finding, a failed test, a
# kernel splat or a hang fails the run (exit status 1). Logs go to build/soak/, and a table
# of runs, exits, findings and kernel splats per kernel and part to build/soak/summary.txt.
# SOAK_TESTS (comma-separated) replaces the stress boot's list of test binaries;
# SOAK_KERNELS= (empty) runs the host fuzzers only; SOAK_CPU picks the QEMU CPU (max).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVCPU_BUILD:-$top/build}
minutes=${SOAK_MINUTES:-30}
kernels=${SOAK_KERNELS-6.1 6.12} # empty: the host fuzzers only
cpu=${SOAK_CPU:-max}
stress_tests=${SOAK_TESTS:-avcpu_module_test,avcpu_el2_test,avcpu_vm_test,avcpu_vgic_irq_test,avcpu_run_test,avcpu_linux_test,avcpu_mem_test}
host_fuzzers="exit-decode-fuzzer loader-fuzzer vgic-fuzzer"
boot_overhead=40 # seconds a fuzz boot spends outside avcpu-fuzz (initramfs, boot, unload)
out=$build/soak
mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.result "$out"/crash-* "$out"/leak-* "$out"/timeout-*
rows=$out/rows.txt
: >"$rows"
status=0
start=$(date +%s)
total=$((minutes * 60))
nk=$(echo "$kernels" | wc -w)
host_budget=$((total / 10))
kernel_budget=$(((total - host_budget) / (nk ? nk : 1)))

seed() { od -An -N4 -tu4 /dev/urandom | tr -d ' '; }
row() { # kernel part seconds runs exits findings splats verdict
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$rows"
	[ "$8" = PASS ] || status=1
}
# Kernel splats (the log judge's list, scripts/check-log.awk), counted in the kernel log the
# guest prints at its end, or on the console when it never got there.
splats() {
	tr -d '\r' <"$1" | awk '
	BEGIN {
		splat = "(Oops|BUG:|WARNING:|Internal error|Kernel panic|Unable to handle kernel|" \
			"possible circular locking|possible recursive locking|INFO: lockdep|" \
			"inconsistent lock state|rcu: INFO|detected stalls|blocked for more than|" \
			"UBSAN:|KASAN:|kernel BUG)" # not "Call trace:": it follows one of these
	}
	/^avcpu-guest: dmesg begin/ { in_dmesg = 1; seen = 1; next }
	/^avcpu-guest: dmesg end/ { in_dmesg = 0; next }
	/^#/ { next }
	$0 ~ splat { if (in_dmesg) d++; else c++ }
	END { print seen ? d + 0 : c + 0 }'
}
verdict() { cut -d' ' -f4 "$1.result" 2>/dev/null || echo FAIL; }

echo "soak: $minutes min: host fuzzers ${host_budget}s, then ${kernel_budget}s per kernel ($kernels)"

# Host fuzzers: the pure decoders and the vGIC state machine under ASan/UBSan.
fuzz_dir=$build/userspace-fuzz/fuzz/host
per=$((host_budget / $(echo "$host_fuzzers" | wc -w)))
[ "$per" -ge 20 ] || per=20
for f in $host_fuzzers; do
	s=$(seed)
	corpus=$fuzz_dir/$f-corpus
	mkdir -p "$corpus"
	t0=$(date +%s)
	opts=()
	[ "$f" = vgic-fuzzer ] && opts=(-len_control=0 -max_len=4096) # as its ctest does
	"$fuzz_dir/$f" -seed="$s" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 "${opts[@]}" \
		-print_final_stats=1 -artifact_prefix="$out/" "$corpus" >"$out/host-$f.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/host-$f.log")
	v=PASS findings=0
	[ "$rc" -eq 0 ] || v=FAIL findings=1
	row host "$f (seed $s)" $(($(date +%s) - t0)) "${runs:-0} inputs" - "$findings" - "$v"
	echo "soak: host $f: $v, ${runs:-0} inputs"
done

for k in $kernels; do
	kstart=$(date +%s)
	# The SMP and lifecycle stress, long versions.
	name=soak-stress-$k log=$out/$name.log
	t0=$(date +%s)
	bash "$top/scripts/qemu-run.sh" --kernel "$k" --cpu "$cpu" --tests "$stress_tests" \
		--append avcpu.depth=soak --boot-timeout 3600 --name "$name" --log "$log" --quiet
	read -r p f s _ <"$log.result" 2>/dev/null || p=0 f=1 s=0
	exits=$(tr -d '\r' <"$log" | sed -n 's/.*:VM [0-9] vCPU [0-9]: \([0-9]*\) exits$/\1/p' |
		awk '{ n += $1 } END { print n + 0 }')
	boots=$(tr -d '\r' <"$log" | grep -acE ':boot [0-9]+: .* to power-off$')
	smp=$(tr -d '\r' <"$log" | sed -n 's/.*:\([0-9]*\) runs in [0-9]* s$/\1/p' | head -1)
	row "$k" stress $(($(date +%s) - t0)) \
		"$p tests passed, $s skipped; $boots Linux boots, ${smp:-0} SMP runs" \
		"$exits (migration soak)" "$f" "$(splats "$log")" "$(verdict "$log")"

	# avcpu-fuzz with the time left, one campaign per boot.
	left=$((kernel_budget - ($(date +%s) - kstart)))
	secs=$((left / 2 - boot_overhead))
	[ "$secs" -ge 60 ] || secs=60
	for campaign in ioctl guest; do
		s=$(seed)
		name=soak-fuzz-$campaign-$k log=$out/$name.log
		args="--seed,$s,--seconds,$secs"
		[ $campaign = ioctl ] && args="$args,--guests,0" || args="$args,--ioctls,0"
		t0=$(date +%s)
		bash "$top/scripts/qemu-run.sh" --kernel "$k" --cpu "$cpu" --run fuzz --fuzz "$args" \
			--boot-timeout $((secs * 3 + 300)) --name "$name" --log "$log" --quiet
		stats=$(tr -d '\r' <"$log" | grep -a "^fuzz: campaign=$campaign ")
		ops=$(echo "$stats" | sed -n 's/.* operations=\([0-9]*\).*/\1/p')
		findings=$(echo "$stats" | sed -n 's/.* failures=\([0-9]*\).*/\1/p')
		if [ $campaign = ioctl ]; then
			what="ioctls" exits=$(tr -d '\r' <"$log" | grep -a '^fuzz:   RUN exit ' |
				awk '{ n += $NF } END { print n + 0 }')
		else
			what="programs" exits=$(tr -d '\r' <"$log" |
				sed -n 's/^fuzz:   guest: all exits (stats) *//p')
		fi
		row "$k" "$campaign fuzz (seed $s)" $(($(date +%s) - t0)) "${ops:-0} $what" \
			"${exits:-0}" "${findings:-?}" "$(splats "$log")" "$(verdict "$log")"
	done
done

# The table, as reStructuredText (Documentation/robustness.rst).
{
	echo "make soak, $(date -u '+%Y-%m-%d %H:%M') UTC, SOAK_MINUTES=$minutes," \
		"$(($(date +%s) - start)) s in all; QEMU -cpu $cpu, 4 CPUs"
	echo "kernels: $(. "$top/.cache/versions.env" && echo "6.1 = $K61_ABI, 6.12 = $K612_ABI")"
	echo
	awk -F'\t' '
	function line() {
		printf "%s %s %s %s %s %s %s %s\n", rep(w[1]), rep(w[2]), rep(w[3]), rep(w[4]),
			rep(w[5]), rep(w[6]), rep(w[7]), rep(w[8])
	}
	function rep(n,  s) { s = ""; while (n-- > 0) s = s "="; return s }
	function cell(i, v) { printf "%-*s%s", w[i], v, i < 8 ? " " : "\n" }
	BEGIN {
		split("kernel|part|seconds|runs|exits|findings|splats|verdict", h, "|")
		for (i = 1; i <= 8; i++) w[i] = length(h[i])
	}
	{ n++; for (i = 1; i <= 8; i++) { c[n, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
	END {
		line(); for (i = 1; i <= 8; i++) cell(i, h[i]); line()
		for (r = 1; r <= n; r++) for (i = 1; i <= 8; i++) cell(i, c[r, i])
		line()
	}' "$rows"
} >"$out/summary.txt"
cat "$out/summary.txt"
echo "soak: $([ $status -eq 0 ] && echo PASS || echo FAIL) (logs in $out)"
exit $status
