#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make install: avcpu.ko for one kernel, the uapi header, libavcpu (static library,
# headers, CMake package, pkg-config), avcpu-run and the udev rule, under DESTDIR.
# Usage: install.sh [--destdir DIR] [--prefix /usr/local] --kmod KO --kver RELEASE
#                   --userspace BUILD_DIR [--manifest FILE]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
destdir= prefix=/usr/local kmod= kver= ubuild= manifest=
while [ $# -gt 0 ]; do
	case $1 in
	--destdir) destdir=$2; shift ;;
	--prefix) prefix=$2; shift ;;
	--kmod) kmod=$2; shift ;;
	--kver) kver=$2; shift ;;
	--userspace) ubuild=$2; shift ;;
	--manifest) manifest=$2; shift ;;
	*) echo "install: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ -f "$kmod" ] || { echo "install: no module at '$kmod' (build first)" >&2; exit 1; }
[ -n "$kver" ] || { echo "install: --kver is needed" >&2; exit 1; }
[ -d "$ubuild" ] || { echo "install: no userspace build at '$ubuild'" >&2; exit 1; }

install -D -m 644 "$kmod" "$destdir/lib/modules/$kver/updates/avcpu.ko"
install -D -m 644 "$top/module/99-avcpu.rules" "$destdir/lib/udev/rules.d/99-avcpu.rules"
DESTDIR="$destdir" cmake --install "$ubuild" --prefix "$prefix" >/dev/null
if [ -n "$manifest" ]; then
	(cd "$destdir" && find . -type f | sed 's|^\.||' | LC_ALL=C sort) >"$manifest"
fi
echo "install: avcpu installed under ${destdir:-/} (kernel $kver, prefix $prefix)"
