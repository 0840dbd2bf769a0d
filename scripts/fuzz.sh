#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: the hostile-input campaign (avcpu-fuzz) for FUZZ_SECONDS per campaign (default
# 300) in one boot per kernel, with a fresh seed each time (printed, and kept in the log
# so that a finding can be replayed with --seed). A finding, a kernel splat or a hang
# fails the run. Logs and a summary go to build/fuzz/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVCPU_BUILD:-$top/build}
seconds=${FUZZ_SECONDS:-300}
kernels=${FUZZ_KERNELS:-6.1 6.12}
out=$build/fuzz
mkdir -p "$out"
status=0
: >"$out/summary.txt"
for k in $kernels; do
	seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
	name=fuzz-$k
	rm -f "$out/$name.log" "$out/$name.log.result"
	if ! bash "$top/scripts/qemu-run.sh" --kernel "$k" --cpu max --run fuzz \
		--fuzz "--seed,$seed,--seconds,$seconds" --test-timeout $((seconds * 3)) \
		--boot-timeout $((seconds * 3 + 300)) --name "$name" --log "$out/$name.log" --quiet; then
		status=1
	fi
	{
		verdict=$(cut -d' ' -f4- "$out/$name.log.result" 2>/dev/null || echo "FAIL (no result)")
		echo "== kernel $k, seed $seed, $seconds s per campaign: $verdict"
		grep -aE '^fuzz:' "$out/$name.log" 2>/dev/null | tr -d '\r'
	} >>"$out/summary.txt"
done
cat "$out/summary.txt"
exit $status
