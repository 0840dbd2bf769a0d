#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: avcpu-bench under avcpu, KVM nVHE and KVM VHE, in the same QEMU machine
# with the same kernel, guest code and host loop; once instruction-counted (-icount
# shift=0: a nanosecond is one emulated instruction, so the figure is an exit's path
# length and repeats exactly) and once on wall-clock TCG time. Writes a side-by-side table
# with each figure as a multiple of its floor to build/bench/results.md (and prints it),
# every figure to build/bench/results.csv and a chart of the instruction counts to
# build/bench/results.png (gnuplot). The wall-clock boots of avcpu and KVM nVHE also
# boot the Linux guest under avcpu-run on 1 and 4 vCPUs, once each, and run the I/O rows
# (scripts/guest/iobench.sh: virtio disk and network, with and without eventfds); KVM
# VHE's, and any under -icount, would not fit in the 15 minutes make bench has.
# Environment: BENCH_KERNEL (6.12), BENCH_CPU (max), BENCH_ITERATIONS (20000),
# BENCH_SLOW_ITERATIONS (2000: the rows that come back to userspace or take interrupts),
# BENCH_REPEAT (5). With --report: no boots, the table, CSV and chart from the logs there.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVCPU_BUILD:-$top/build}
kernel=${BENCH_KERNEL:-6.12} cpu=${BENCH_CPU:-max}
iterations=${BENCH_ITERATIONS:-20000} slow=${BENCH_SLOW_ITERATIONS:-2000}
repeat=${BENCH_REPEAT:-5}
out=$build/bench
mkdir -p "$out"

# name  backend  qemu-run options
configs=(
	"avcpu avcpu"
	"kvm-nvhe kvm --kvm nvhe"
	"kvm-vhe kvm --kvm default --vhe"
)
# The rows, in avcpu-bench's order ("eoi" comes with timer_tick).
workloads=(ioctl_floor sysreg_mdscr hvc_psci sysreg_id gicd_read timer_tick eoi mmio_write spi_user
	sgi_round_trip wfi_timer wfi_kick create_256m copy_4k copy_2m copy_host linux_boot_1
	linux_boot_4)
# The configurations that boot the Linux guest.
linux_configs="avcpu kvm-nvhe"

# A row's unit in a timing's table: bandwidths in MB/s (guest-timed on its virtual counter;
# under -icount bytes per thousand instructions, not a bandwidth), the Linux boots in
# seconds (under -icount emulated seconds: a billion instructions each, idle time skipped
# ahead), the rest per event (or per VM for create_256m).
unit_of() { # workload timing
	case $1 in
	copy_*) echo MB/s ;;
	linux_boot_*) echo s ;;
	*) [ "$2" = icount ] && echo insns || echo ns ;;
	esac
}

# What a row is a multiple of, on its own backend: the floors themselves; events answered
# without a return to userspace against the EL2 floor (sysreg_mdscr, one exit with nothing
# done); events that come back to userspace against the ioctl floor plus the EL2 floor
# (one RUN and one guest exit with nothing done).
floor_of() {
	case $1 in
	ioctl_floor | sysreg_mdscr) echo self ;;
	mmio_write | spi_user) echo user ;;
	hvc_psci | sysreg_id | gicd_read | timer_tick | eoi) echo el2 ;;
	*) echo none ;;
	esac
}

status=0 boots=1
[ "${1:-}" = --report ] && boots=0
for timing in icount wall; do
	[ $boots -eq 1 ] || break
	for c in "${configs[@]}"; do
		read -r name backend opts <<<"$c"
		extra=()
		rm -f "$out/$timing-$name.log" "$out/$timing-$name.log.result"
		[ "$timing" = icount ] && extra+=(--icount)
		# The Linux boots and the I/O rows (scripts/guest/iobench.sh) on wall-clock time
		# only: under -icount the boots alone took 4.5 of make bench's 15 minutes.
		linux=0 io=0
		[ "$timing" = wall ] && [[ " $linux_configs " == *" $name "* ]] && linux=1 io=1
		# shellcheck disable=SC2086
		if ! bash "$top/scripts/qemu-run.sh" --kernel "$kernel" --cpu "$cpu" --smp 2 \
			--run bench --bench "$backend,$iterations,$repeat,$slow,$linux,$io" $opts \
			"${extra[@]}" \
			--name "bench-$timing-$name" --log "$out/$timing-$name.log" --quiet; then
			echo "bench: $timing $name failed (log: $out/$timing-$name.log)" >&2
			status=1
		fi
	done
done

# One figure from a boot's log: the median (ns, s or MB/s; or, with field exits, the exits
# per event).
figure() { # timing config workload [field]
	[ -f "$out/$1-$2.log" ] || return 0
	sed -n "s/^bench: .*workload=$3 .*${4:-median_[a-z]*}=\(-\{0,1\}[0-9.]*\).*/\1/p" \
		"$out/$1-$2.log" 2>/dev/null | tr -d '\r' | head -n1
}

# The CSV: every figure, and the exits per event where the backend counts them.
echo "workload,timing,backend,value" >"$out/results.csv"
for timing in icount wall exits; do
	for c in "${configs[@]}"; do
		read -r name _ <<<"$c"
		for w in "${workloads[@]}"; do
			if [ "$timing" = exits ]; then
				v=$(figure icount "$name" "$w" exits)
			else
				v=$(figure "$timing" "$name" "$w")
			fi
			if [ -n "$v" ]; then echo "$w,$timing,$name,$v" >>"$out/results.csv"; fi
		done
	done
done

# The I/O rows: the guest-side figures of scripts/guest/iobench.sh's "io" lines, into the
# CSV as io_* workloads with timing io-on (eventfd assists) or io-off (--no-eventfd).
io_rows="io_blk_seq_write io_blk_seq_read io_blk_rand4k_read io_net_guest_to_host io_net_host_to_guest io_net_round_trip"
for c in "${configs[@]}"; do
	read -r name _ <<<"$c"
	[ -f "$out/wall-$name.log" ] || continue
	tr -d '\r' <"$out/wall-$name.log" | awk -v cfg="$name" '
	$1 == "io" {
		sub(/^eventfd=/, "", $3); t = "io-" $3
		for (i = 5; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		if ($4 == "blk") {
			print "io_blk_seq_write," t "," cfg "," f["seq_write_mbps"]
			print "io_blk_seq_read," t "," cfg "," f["seq_read_mbps"]
			print "io_blk_rand4k_read," t "," cfg "," f["rand4k_read_iops"]
		}
		if ($4 == "tcp-send") print "io_net_guest_to_host," t "," cfg "," f["mbps"]
		if ($4 == "tcp-recv") print "io_net_host_to_guest," t "," cfg "," f["mbps"]
		if ($4 == "tcp-rr") print "io_net_round_trip," t "," cfg "," f["median_us"]
		delete f
	}' >>"$out/results.csv"
done

# The I/O table: avcpu and KVM nVHE, with and without the eventfd assists; the ratio is
# one of times (below 1.0: avcpu faster), so for rates KVM's over avcpu's.
io_table() { # md|rst
	awk -F, -v style="$1" -v order="$io_rows" '
	function fmt(v) { return v == "" ? "-" : v }
	function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
	$2 ~ /^io-/ { val[$3, $2, $1] = $4 }
	END {
		head = "workload|unit|avcpu|avcpu --no-eventfd|KVM nVHE|KVM nVHE --no-eventfd|avcpu / KVM nVHE|same, --no-eventfd"
		if (style == "md") {
			gsub(/\|/, " | ", head); print "| " head " |"; print "|---|---|---|---|---|---|---|---|"
		} else {
			gsub(/\|/, "\", \"", head); print "   :header: \"" head "\""; print ""
		}
		n = split(order, ws, " ")
		for (i = 1; i <= n; i++) {
			w = ws[i]
			u = w ~ /round_trip/ ? "us" : (w ~ /rand4k/ ? "IOPS" : "MB/s")
			a1 = val["avcpu", "io-on", w]; a0 = val["avcpu", "io-off", w]
			k1 = val["kvm-nvhe", "io-on", w]; k0 = val["kvm-nvhe", "io-off", w]
			if (a1 a0 k1 k0 == "") continue
			r1 = u == "us" ? ratio(a1, k1) : ratio(k1, a1)
			r0 = u == "us" ? ratio(a0, k0) : ratio(k0, a0)
			row = w "|" u "|" fmt(a1) "|" fmt(a0) "|" fmt(k1) "|" fmt(k0) "|" r1 "|" r0
			if (style == "md") { gsub(/\|/, " | ", row); print "| " row " |" }
			else { gsub(/\|/, ", ", row); print "   " row }
		}
	}' "$out/results.csv"
}

# The tables, from the CSV: per timing, one row per workload, as Markdown or as the rows
# of an RST csv-table (build/bench/results.rst, for Documentation/performance.rst).
table() { # timing md|rst
	awk -F, -v timing="$1" -v style="$2" -v order="${workloads[*]}" \
		-v floors="$(for w in "${workloads[@]}"; do floor_of "$w"; done | xargs)" \
		-v units="$(for w in "${workloads[@]}"; do unit_of "$w" "$1"; done | xargs)" '
	function fmt(v) { return v == "" ? "-" : v }
	function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
	function multiple(cfg, w, f, v) {
		if (f == "self") return "floor"
		if (f == "none") return "-"
		return ratio(v, floor(cfg, w, f))
	}
	function floor(cfg, w, f) {
		if (f == "self") return ""
		if (f == "el2") return val[cfg, "sysreg_mdscr"]
		if (val[cfg, "ioctl_floor"] == "" || val[cfg, "sysreg_mdscr"] == "") return ""
		return val[cfg, "ioctl_floor"] + val[cfg, "sysreg_mdscr"]
	}
	$2 == timing { val[$3, $1] = $4 }
	$2 == "exits" { ex[$3, $1] = $4 }
	END {
		head = "workload|unit|avcpu|KVM nVHE|KVM VHE|avcpu / KVM nVHE|avcpu / floor|KVM nVHE / floor|exits avcpu|exits KVM nVHE"
		if (style == "md") {
			gsub(/\|/, " | ", head); print "| " head " |"
			print "|---|---|---|---|---|---|---|---|---|---|"
		} else {
			gsub(/\|/, "\", \"", head); print "   :header: \"" head "\""; print ""
		}
		n = split(order, ws, " "); split(floors, fs, " "); split(units, us, " ")
		for (i = 1; i <= n; i++) {
			w = ws[i]; a = val["avcpu", w]; k = val["kvm-nvhe", w]
			if (a == "" && k == "" && val["kvm-vhe", w] == "") continue
			# A bandwidth: the ratio of times (KVM MB/s over avcpu MB/s), so that
			# below 1.0 means avcpu faster on every row.
			r = us[i] == "MB/s" ? ratio(k, a) : ratio(a, k)
			row = w "|" us[i] "|" fmt(a) "|" fmt(k) "|" fmt(val["kvm-vhe", w]) "|" r "|" \
				multiple("avcpu", w, fs[i], a) "|" multiple("kvm-nvhe", w, fs[i], k) "|" \
				fmt(ex["avcpu", w]) "|" fmt(ex["kvm-nvhe", w])
			if (style == "md") { gsub(/\|/, " | ", row); print "| " row " |" }
			else { gsub(/\|/, ", ", row); print "   " row }
		}
	}' "$out/results.csv"
}

qemu_version=$(qemu-system-aarch64 --version | head -n1 | awk '{print $4}')
{
	echo "# avcpu-bench: kernel $kernel, QEMU $qemu_version, cpu $cpu, $iterations events ($slow for timer_tick, eoi, mmio_write, spi_user, wfi_timer; $(((slow + 9) / 10)) for sgi_round_trip, wfi_kick) x $repeat runs (median)"
	echo
	echo "Floors: ioctl_floor (RUN with immediate_exit) and sysreg_mdscr (the EL2 floor). A row"
	echo "answered without userspace is a multiple of the EL2 floor; mmio_write and spi_user of"
	echo "ioctl_floor + sysreg_mdscr. exits: guest exits per event (-icount run; KVM counts"
	echo "only those that reach its run loop). Rows in MB/s (copy_*): the ratio is KVM's MB/s over"
	echo "avcpu's (a ratio of times, below 1.0 when avcpu is faster, as on every other row); under"
	echo "-icount they are bytes per thousand emulated instructions, not a bandwidth."
	echo "create_256m: per VM. linux_boot_*: seconds to the guest's shell prompt (emulated seconds"
	echo "under -icount), avcpu and KVM nVHE only."
	echo
	echo "## emulated instructions per event (-icount shift=0; unit column)"
	echo
	table icount md
	echo
	echo "## TCG wall-clock ns per event (2 host cores; noisy, for orientation; unit column)"
	echo
	table wall md
	echo
	echo "## I/O: the Linux guest's virtio disk and network (wall-clock, 1 vCPU, one run each)"
	echo
	echo "blk: 32 MiB of 1 MiB O_DIRECT writes (with fdatasync) and reads, 2048 random 4 KiB"
	echo "reads, on a file in the test machine's RAM; net: 4 MiB each way over TCP between the"
	echo "guest and the test machine on a tap, and the median of 300 one-byte round trips."
	echo "--no-eventfd: doorbells exit to avcpu-run's vCPU thread and interrupts go by ioctl."
	echo
	io_table md
} >"$out/results.md"
{
	echo ".. csv-table:: Emulated instructions per event (\`\`-icount shift=0\`\`; for \`\`copy_*\`\` bytes per thousand instructions)"
	table icount rst
	echo
	echo ".. csv-table:: TCG wall-clock nanoseconds per event (MB/s for \`\`copy_*\`\`, seconds for \`\`linux_boot_*\`\`)"
	table wall rst
	echo
	echo ".. csv-table:: I/O: the Linux guest's virtio disk and network (wall-clock, 1 vCPU)"
	io_table rst
	echo
} >"$out/results.rst"

# The chart: instructions per event, log scale; eoi (near zero or negative) and the rows in
# other units (copy_*, MB/s; linux_boot_*, s) left out.
awk -F, '$2 == "icount" && $1 != "eoi" && $1 !~ /^(copy|linux_boot)_/ { v[$1, $3] = $4; if (!($1 in seen)) { seen[$1]; o[++n] = $1 } }
	END { for (i = 1; i <= n; i++) { w = o[i]; printf "%s", w
		split("avcpu kvm-nvhe kvm-vhe", cs, " ")
		for (j = 1; j <= 3; j++) { x = v[w, cs[j]]; y = x > 0 ? x : "-"; printf " %s", y }
		print "" } }' "$out/results.csv" >"$out/chart.dat"
if ! command -v gnuplot >/dev/null; then
	echo "bench: no gnuplot (make setup installs gnuplot-nox): no chart" >&2
elif [ -s "$out/chart.dat" ]; then
	gnuplot <<-GNUPLOT || { echo "bench: gnuplot failed" >&2; status=1; }
		set terminal pngcairo noenhanced size 1000,560 font "sans,10"
		set output "$out/results.png"
		set title "avcpu-bench: emulated instructions per event (QEMU -icount shift=0, kernel $kernel, cpu $cpu)"
		set datafile missing "-"
		set style data histograms
		set style histogram clustered gap 1
		set style fill solid 0.8 border -1
		set logscale y
		set ylabel "instructions (log scale)"
		set xtics rotate by -30
		set key top left
		set grid ytics
		plot "$out/chart.dat" using 2:xtic(1) title "avcpu", "" using 3 title "KVM nVHE", "" using 4 title "KVM VHE"
	GNUPLOT
fi
cat "$out/results.md"
[ $boots -eq 1 ] && echo "bench: $((SECONDS / 60)) min $((SECONDS % 60)) s"

# Documentation/performance.rst includes the tables, the machine and the commands from
# Documentation/bench-results.inc, and shows Documentation/bench-results.png: a complete
# run rewrites both (a failed one, or --report, leaves the committed ones alone).
if [ $boots -eq 1 ] && [ $status -eq 0 ]; then
	host_cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)
	kver=$(sed -n 's/^avcpu-guest: start kernel=\([^ ]*\).*/\1/p' "$out/wall-avcpu.log" | head -n1)
	{
		echo "\`\`make bench\`\` (\`\`bash scripts/bench.sh\`\` after \`\`make all\`\`) on"
		echo "$(date -u +%Y-%m-%d) at commit \`\`$(git -C "$top" rev-parse --short HEAD)\`\`: QEMU"
		echo "$qemu_version, kernel ${kver:-$kernel}, \`\`-cpu $cpu\`\`, 2 emulated CPUs, on a"
		echo "build machine with $(nproc) cores (${host_cpu:-CPU model unknown}). $iterations events per run"
		echo "for the floors and the rows answered in the kernel, $slow for \`\`timer_tick\`\`,"
		echo "\`\`mmio_write\`\`, \`\`spi_user\`\` and \`\`wfi_timer\`\`, $(((slow + 9) / 10)) for"
		echo "\`\`sgi_round_trip\`\` and \`\`wfi_kick\`\`, median of $repeat runs; $repeat VMs for"
		echo "\`\`create_256m\`\`, $repeat runs of two copies for \`\`copy_*\`\`, one boot for each"
		echo "\`\`linux_boot_*\`\` and one run of each I/O row (wall-clock only). The whole run took"
		echo "$((SECONDS / 60)) min $((SECONDS % 60)) s."
		echo
		cat "$out/results.rst"
	} >"$top/Documentation/bench-results.inc"
	[ -f "$out/results.png" ] && cp "$out/results.png" "$top/Documentation/bench-results.png"
	echo "bench: Documentation/bench-results.inc and bench-results.png updated"
fi
exit $status
