#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DKMS end to end, on the build machine: the tree's sources are added to a scratch DKMS
# tree, built by dkms with dkms.conf's MAKE line against each cached arm64 kernel (cross:
# dkms -a aarch64, CROSS_COMPILE from the environment as on a native machine it is
# empty), installed into a scratch install tree, checked to be avcpu.ko for that kernel,
# and removed again. Nothing outside the scratch directory is touched.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${AVCPU_CACHE:-$top/.cache}
command -v dkms >/dev/null || { echo "dkms-test: SKIP: dkms is not installed"; exit 4; }
. "$cache/versions.env"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/dkms" "$tmp/install"
# The sources exactly as make dkms-install ships them.
make -s -C "$top" dkms-source DKMS_SRC="$tmp/src/avcpu-$version"
trees=(--dkmstree "$tmp/dkms" --sourcetree "$tmp/src" --installtree "$tmp/install")
export CROSS_COMPILE=${CROSS_COMPILE-aarch64-linux-gnu-}

dkms add -m avcpu -v "$version" "${trees[@]}" >"$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
fail=0
for kver in "$K61_ABI" "$K612_ABI"; do
	tag=$([ "$kver" = "$K61_ABI" ] && echo 6.1 || echo 6.12)
	if ! dkms build -m avcpu -v "$version" -k "$kver" -a aarch64 \
		--kernelsourcedir "$cache/kernel-$tag/build" "${trees[@]}" >"$tmp/log" 2>&1; then
		echo "not ok - dkms build for $kver"; sed 's/^/#   /' "$tmp/log" | tail -n 30
		cat "$tmp/dkms/avcpu/$version/build/make.log" 2>/dev/null | tail -n 20 | sed 's/^/#   /'
		fail=1; continue
	fi
	mkdir -p "$tmp/install/$kver" # "the kernel is installed", as dkms checks
	if ! dkms install -m avcpu -v "$version" -k "$kver" -a aarch64 --no-depmod \
		--kernelsourcedir "$cache/kernel-$tag/build" "${trees[@]}" >"$tmp/log" 2>&1; then
		echo "not ok - dkms install for $kver"; sed 's/^/#   /' "$tmp/log" | tail -n 30
		fail=1; continue
	fi
	ko=$(find "$tmp/install" -path "*$kver*" -name 'avcpu.ko*' | head -n 1)
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
	if [ -z "$ko" ] || [ "${vermagic%% *}" != "$kver" ] ||
		! file -L "$ko" | grep -q 'ARM aarch64'; then
		echo "not ok - dkms installed no arm64 avcpu.ko for $kver (found '${ko:-nothing}', vermagic '$vermagic')"
		fail=1; continue
	fi
	echo "ok - dkms build and install for $kver: ${ko#"$tmp/install/"}"
	dkms status -m avcpu "${trees[@]}" | sed 's/^/#   /'
done
dkms remove -m avcpu -v "$version" --all "${trees[@]}" >"$tmp/log" 2>&1 ||
	{ echo "not ok - dkms remove"; cat "$tmp/log"; fail=1; }
left=$(find "$tmp/install" -name 'avcpu.ko*' | wc -l)
[ "$left" -eq 0 ] || { echo "not ok - dkms remove left $left module(s)"; fail=1; }
[ $fail -eq 0 ] && echo "ok - dkms remove"
exit $fail
