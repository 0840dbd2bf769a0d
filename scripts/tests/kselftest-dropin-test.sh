#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The kselftest drop-in: selftests/ copied into a Debian linux-source tree as
# tools/testing/selftests/avcpu builds with the kernel's own
# `make -C tools/testing/selftests TARGETS=avcpu` (cross, arm64), every test binary.
#
# The kernel tree is the part of the cached linux-source tarball that the selftests
# build reads (its selftests Makefile, lib.mk, harness, tools/scripts, the top Makefile),
# extracted once into build/ksft-dropin/ and copied to a scratch directory per run;
# .cache is only read. avcpu's uapi header goes where `make headers` would install it
# were avcpu in the tree (usr/include/linux/avcpu.h). AVCPU_DROPIN_KERNELS picks the
# trees (default both: 6.1, the harness the project builds against, and 6.12's newer one).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${AVCPU_CACHE:-$top/.cache}
build=${AVCPU_BUILD:-$top/build}
kernels=${AVCPU_DROPIN_KERNELS:-6.1 6.12}
cross=${CROSS_COMPILE-aarch64-linux-gnu-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
progs=$(make -s -f - -C "$top/selftests" print <<<'include Makefile
print:
	@echo $(TEST_GEN_PROGS)' KSFT_DIR="$cache/kernel-6.1/source/tools/testing/selftests" OUTPUT="$tmp" 2>/dev/null) ||
	progs=$(sed -n '/^TEST_GEN_PROGS :=/,/[^\\]$/p' "$top/selftests/Makefile" |
		sed 's/^TEST_GEN_PROGS :=//; s/\\//' | tr -s ' \n\t' ' ')
[ -n "$progs" ] || { echo "not ok - no TEST_GEN_PROGS in selftests/Makefile"; exit 1; }

for k in $kernels; do
	deb=$(ls "$cache"/debs/linux-source-"${k}"_*_all.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || { echo "kselftest-dropin-test: SKIP: no linux-source-$k package in $cache/debs"; exit 4; }
	tree=$build/ksft-dropin/tree-$k
	if [ "$(cat "$tree/.from" 2>/dev/null)" != "$(basename "$deb")" ]; then
		rm -rf "$tree" "$tree.tmp"
		mkdir -p "$tree.tmp"
		dpkg-deb --fsys-tarfile "$deb" | tar -xOf - --wildcards './usr/src/linux-source-*.tar.*' |
			xz -dc | tar -xf - -C "$tree.tmp" --strip-components=1 --wildcards \
			'*/tools/testing/selftests/Makefile' '*/tools/testing/selftests/lib.mk' \
			'*/tools/testing/selftests/kselftest*' '*/tools/testing/selftests/run_kselftest.sh' \
			'*/tools/scripts/*' '*/scripts/subarch.include' 'linux-source-*/Makefile'
		basename "$deb" >"$tree.tmp/.from"
		mv "$tree.tmp" "$tree"
	fi
	src=$tmp/linux-$k
	cp -a "$tree" "$src"
	cp -a "$top/selftests" "$src/tools/testing/selftests/avcpu"
	install -D -m 644 "$top/uapi/linux/avcpu.h" "$src/usr/include/linux/avcpu.h"
	if ! make -C "$src/tools/testing/selftests" TARGETS=avcpu ARCH=arm64 \
		CROSS_COMPILE="$cross" -j "${JOBS:-$(nproc)}" >"$tmp/log" 2>&1; then
		echo "not ok - make -C tools/testing/selftests TARGETS=avcpu in linux-source-$k"
		grep -E 'error|Error' "$tmp/log" | head -n 20 | sed 's/^/#   /'
		fail=1
		continue
	fi
	missing=
	for p in $progs; do
		p=$(basename "$p")
		f=$src/tools/testing/selftests/avcpu/$p
		file "$f" 2>/dev/null | grep -q 'ARM aarch64' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "not ok - the drop-in build in linux-source-$k made no arm64 binary for:$missing"
		fail=1
	else
		echo "ok - selftests/ as tools/testing/selftests/avcpu builds in linux-source-$k ($(echo $progs | wc -w) tests)"
	fi
done
exit $fail
