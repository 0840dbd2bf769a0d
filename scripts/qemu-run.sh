#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boots the avcpu test machine once: QEMU virt with EL2, a Debian arm64 kernel, the avcpu
# initramfs. Streams the console, then judges the run (scripts/check-log.awk).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${AVCPU_CACHE:-$top/.cache}
build=${AVCPU_BUILD:-$top/build}

usage() {
	cat <<-'EOF2'
	usage: qemu-run.sh [options]
	  --kernel 6.1|6.12      kernel to boot (default 6.12)
	  --qemu 7.2|10          which QEMU: the system's 7.2 (default) or 10 from bookworm-backports,
	                         extracted by make setup into .cache/qemu-10
	  --cpu MODEL            QEMU CPU model: max, cortex-a72, neoverse-n1, ... (default max)
	  --mte                  -M virt,mte=on: the memory-tagging extension (without it, max has none)
	  --smp N --mem MB       vCPUs and memory of the test machine (default 4, 2048)
	  --el2 on|off           virtualization=on|off: EL2 present or not (default on)
	  --kvm MODE             kvm-arm.mode=MODE (default none; nvhe or protected let KVM own EL2;
	                         "default" passes no mode: KVM's own choice, VHE with --vhe)
	  --vhe                  drop id_aa64mmfr1.vh=0: a VHE-capable CPU runs the kernel at EL2
	  --icount               -icount shift=0: deterministic instruction-counted time
	  --run WHAT             selftests (default), demo, kexec (load avcpu, kexec into the
	                         same kernel, run the selftests there), bench or shell
	  --bench ARGS           for --run bench: BACKEND[,ITERATIONS[,REPEAT[,SLOW]]] (avcpu or kvm)
	  --fuzz ARGS            for --run fuzz: avcpu-fuzz's arguments, comma-separated
	  --debian               the Debian boot: dpkg, perf and avcpu's own .debs in the initramfs,
	                         avcpu_deb_test and avcpu_perf_test in the default list
	  --tests LIST           comma-separated selftest binaries to run (default all)
	  --without LIST         all selftest binaries but these (comma-separated)
	  --test-timeout S       per test binary, inside the guest (default 300)
	  --boot-timeout S       whole boot, on the host (default 1200)
	  --append ARGS          more kernel command-line arguments (repeatable)
	  --name NAME            configuration name used in the result line and log file
	  --log FILE             console log (default build/logs/NAME.log)
	  --quiet                show only TAP and avcpu lines, not the whole console
	EOF2
}

debian=0 qemu_ver=7.2 mte=0 kernel=6.12 cpu=max smp=4 mem=2048 el2=on kvm=none vhe=0 icount=0 run=selftests tests= without= bench=avcpu fuzz=
test_timeout=300 boot_timeout=1200 append= name= log= quiet=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--cpu) cpu=$2; shift ;;
	--qemu) qemu_ver=$2; shift ;;
	--mte) mte=1 ;;
	--debian) debian=1 ;;
	--smp) smp=$2; shift ;;
	--mem) mem=$2; shift ;;
	--el2) el2=$2; shift ;;
	--kvm) kvm=$2; shift ;;
	--vhe) vhe=1 ;;
	--icount) icount=1 ;;
	--run) run=$2; shift ;;
	--tests) tests=$2; shift ;;
	--without) without=$2; shift ;;
	--bench) bench=$2; shift ;;
	--fuzz) fuzz=$2; shift ;;
	--test-timeout) test_timeout=$2; shift ;;
	--boot-timeout) boot_timeout=$2; shift ;;
	--append) append="${append:+$append }$2"; shift ;;
	--name) name=$2; shift ;;
	--log) log=$2; shift ;;
	--quiet) quiet=1 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "qemu-run: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done

case $kernel in 6.1|6.12) ;; *) echo "qemu-run: --kernel must be 6.1 or 6.12" >&2; exit 2 ;; esac
case $qemu_ver in
7.2) qemu_bin=(qemu-system-aarch64) ;;
10)
	qemu_bin=("$cache/qemu-10/usr/bin/qemu-system-aarch64" -L "$cache/qemu-10/usr/share/qemu")
	[ -x "${qemu_bin[0]}" ] || { echo "qemu-run: ${qemu_bin[0]} missing: run 'make setup'" >&2; exit 2; }
	;;
*) echo "qemu-run: --qemu must be 7.2 or 10" >&2; exit 2 ;;
esac
case $el2 in on|off) ;; *) echo "qemu-run: --el2 must be on or off" >&2; exit 2 ;; esac
vmlinuz=$cache/kernel-$kernel/vmlinuz
[ -e "$vmlinuz" ] || { echo "qemu-run: $vmlinuz missing: run 'make setup'" >&2; exit 2; }

name=${name:-$kernel-$cpu}
mkdir -p "$build/logs"
log=${log:-$build/logs/$name.log}
initrd=$build/initramfs-$kernel.cpio.gz
[ "$run" = kexec ] && initrd=$build/initramfs-$kernel-kexec.cpio.gz
[ $debian -eq 1 ] && initrd=$build/initramfs-$kernel-debian.cpio.gz
AVCPU_KEXEC=$([ "$run" = kexec ] && echo 1 || echo 0) AVCPU_DEBIAN=$debian \
	bash "$top/scripts/mkinitramfs.sh" "$kernel" "$initrd"

cmdline="console=ttyAMA0 panic=-1"
[ "$kvm" = default ] || cmdline="$cmdline kvm-arm.mode=$kvm"
[ $vhe -eq 1 ] || cmdline="$cmdline id_aa64mmfr1.vh=0"
cmdline="$cmdline avcpu.run=$run avcpu.timeout=$test_timeout"
[ -n "$tests" ] && cmdline="$cmdline avcpu.tests=$tests"
[ -n "$without" ] && cmdline="$cmdline avcpu.without=$without"
[ "$run" = bench ] && cmdline="$cmdline avcpu.bench=$bench"
[ "$run" = fuzz ] && [ -n "$fuzz" ] && cmdline="$cmdline avcpu.fuzz=$fuzz"
[ -n "$append" ] && cmdline="$cmdline $append"

machine="virt,virtualization=$el2,gic-version=3"
[ $mte -eq 1 ] && machine="$machine,mte=on"
# -cpu max signs and authenticates pointers with QARMA5 by default, which TCG computes in
# software: the kernels' return-address signing then takes most of the machine's time
# (avcpu_run_test: 172 s against 28 s on 6.1). The IMPDEF algorithm is the same FEAT_PAuth
# to the guest (keys, instructions and traps alike; only ID_AA64ISAR1_EL1 names the other
# algorithm) and cheap to emulate. --cpu max,pauth-impdef=off brings QARMA5 back.
cpu_arg=$cpu
case $cpu in max) cpu_arg=max,pauth-impdef=on ;; esac
qemu=("${qemu_bin[@]}" -M "$machine" -cpu "$cpu_arg"
	-smp "$smp" -m "$mem" -kernel "$vmlinuz" -initrd "$initrd" -append "$cmdline"
	-no-reboot -nodefaults)
[ $icount -eq 1 ] && qemu+=(-icount shift=0)
if [ "$run" = shell ]; then
	exec "${qemu[@]}" -nographic
fi
qemu+=(-display none -serial stdio -monitor none)

start=$(date +%s)
echo "qemu-run: $name: kernel $kernel ($(. "$cache/versions.env"; \
	[ "$kernel" = 6.1 ] && echo "$K61_ABI $K61_VERSION" || echo "$K612_ABI $K612_VERSION")), \
qemu $qemu_ver, cpu $cpu_arg$([ $mte -eq 1 ] && echo ' (mte)')$([ $debian -eq 1 ] && echo ', debian'), smp $smp, el2 $el2, kvm-arm.mode=$kvm$([ $vhe -eq 1 ] && echo ', VHE')$([ $icount -eq 1 ] && echo ', icount')"
set +e
if [ $quiet -eq 1 ]; then
	timeout -k 10 "$boot_timeout" "${qemu[@]}" </dev/null 2>&1 | tee "$log" |
		grep --line-buffered -aE '^(ok |not ok |# (not )?ok |avcpu-guest: (start|status|done)|# (PASSED|FAILED|Totals))'
	qemu_rc=${PIPESTATUS[0]}
else
	timeout -k 10 "$boot_timeout" "${qemu[@]}" </dev/null 2>&1 | tee "$log"
	qemu_rc=${PIPESTATUS[0]}
fi
set -e
secs=$(( $(date +%s) - start ))

read -r passed failed skipped verdict reason < <(awk -v mode="$run" \
	-f "$top/scripts/check-log.awk" "$log")
if [ "$qemu_rc" -eq 124 ]; then
	verdict=FAIL reason="boot timeout after ${boot_timeout}s${reason:+; $reason}"
elif [ "$qemu_rc" -ne 0 ]; then
	verdict=FAIL reason="QEMU exited with $qemu_rc${reason:+; $reason}"
fi
echo "$passed $failed $skipped $verdict $secs $reason" >"$log.result"
echo "config $name: $verdict, $passed passed, $failed failed, $skipped skipped, ${secs}s${reason:+ ($reason)}"
[ "$verdict" = PASS ]
