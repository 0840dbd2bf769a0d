#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian source package and avcpu-dkms, libavcpu-dev and avcpu-tools for
# arm64, cross-built here the way the rest of the project is.
#
# The tree's files (git's view: tracked and untracked-but-not-ignored) are staged in
# OUT/avcpu-VERSION, debian/changelog is written there with dkms.conf's PACKAGE_VERSION
# (the version's one home), then dpkg-buildpackage -a arm64 -d builds it: -d because
# the arm64 build dependency libfdt-dev is not installed as an arm64 package; the
# project links the arm64 libfdt that make setup extracts into .cache/sysroot-arm64
# (AVCPU_FDT_ROOT, debian/rules), with Debian's aarch64-linux-gnu cross toolchain.
# lintian checks the result; every tag left is overridden in debian/*lintian-overrides
# with its reason.
# OUT/tree.sha256 names the tree the packages came from (what --tree-hash prints).
# Usage: deb.sh [OUT]   (default build/deb); prints the .deb paths last.
#        deb.sh --tree-hash   the hash of the files a build would package, now
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${AVCPU_CACHE:-$top/.cache}

# The tree's files, NUL-separated, relative to $top: git's view (tracked, and untracked
# but not ignored), without files deleted from the work tree.
tree_files() {
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh)
}
tree_hash() {
	(cd "$top" && tree_files | LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1)
}
if [ "${1:-}" = --tree-hash ]; then
	tree_hash
	exit 0
fi
out=${1:-${AVCPU_BUILD:-$top/build}/deb}
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
[ -n "$version" ] || { echo "deb: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
fdt_deb=$(ls "$cache"/debs/libfdt-dev_*_arm64.deb 2>/dev/null | head -n 1)
[ -f "$cache/sysroot-arm64/.complete" ] && [ -n "$fdt_deb" ] ||
	{ echo "deb: no arm64 libfdt in $cache (run make setup)" >&2; exit 1; }

src=$out/avcpu-$version
rm -rf "$out"
mkdir -p "$src"
(cd "$top" && tree_files | tar --null -T - -cf -) | tar -xf - -C "$src"
tree_hash >"$out/tree.sha256"

# The changelog entry is dated by the last commit, so that a rebuild is reproducible.
when=$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
maint=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
cat >"$src/debian/changelog" <<-EOT
avcpu ($version) unstable; urgency=medium

  * Built from the avcpu tree at commit $commit.

 -- $maint  $(LC_ALL=C date -u -R -d "@$when")
EOT

export AVCPU_FDT_ROOT=$cache/sysroot-arm64
AVCPU_FDT_VERSION=$(dpkg-deb -f "$fdt_deb" Version)
export AVCPU_FDT_VERSION
export DEB_BUILD_OPTIONS="nocheck parallel=${JOBS:-$(nproc)} ${DEB_BUILD_OPTIONS:-}"
(cd "$src" && dpkg-buildpackage -a arm64 -Pcross,nocheck -d -us -uc) >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; echo "deb: dpkg-buildpackage failed ($out/build.log)" >&2; exit 1; }

changes=$out/avcpu_${version}_arm64.changes
if command -v lintian >/dev/null; then
	if ! lintian --fail-on error,warning,info --info "$changes" >"$out/lintian.log" 2>&1; then
		cat "$out/lintian.log" >&2
		echo "deb: lintian reports tags ($out/lintian.log)" >&2
		exit 1
	fi
else
	echo "deb: lintian is not installed: not checked" >&2
fi
ls "$out"/*.deb
