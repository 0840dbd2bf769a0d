#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages, end to end on the build machine:
#  1. make deb's build (scripts/deb.sh: cross-built for arm64, lintian-checked) succeeds;
#  2. the three packages hold, file by file, what `make install PREFIX=/usr` installs,
#     once each, and nothing else but Debian's own files and the DKMS sources; the
#     DKMS sources are exactly `make dkms-source`'s; text files are identical;
#  3. DKMS builds avcpu.ko from the packaged sources (usr/src/avcpu-VERSION with the
#     packaged dkms.conf) against both cached arm64 kernels, as dkms-test.sh does from
#     the tree, and skips an x86_64 target (BUILD_EXCLUSIVE_ARCH).
# Nothing outside a scratch directory is touched, but for the result: when every check
# passed, the packages and the DKMS-built modules go to BUILD/deb-test (dkms/KVER/avcpu.ko,
# tree.sha256), which the test machine's Debian boot installs (scripts/mkinitramfs.sh,
# avcpu_deb_test). Prints "ok"/"not ok" lines.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${AVCPU_CACHE:-$top/.cache}
build=${AVCPU_BUILD:-$top/build}
for t in dpkg-buildpackage dh dh_dkms dkms lintian; do
	command -v $t >/dev/null || { echo "deb-test: SKIP: $t is not installed"; exit 4; }
done
. "$cache/versions.env"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fail=1; }

# 1. The packages.
t0=$(date +%s)
if ! DEB_BUILD_OPTIONS=noddebs bash "$top/scripts/deb.sh" "$tmp/deb" >"$tmp/deb.log" 2>&1; then
	notok "make deb (scripts/deb.sh)"; sed 's/^/#   /' "$tmp/deb.log" | tail -n 40
	exit 1
fi
ok "make deb: packages built, lintian clean ($(($(date +%s) - t0)) s)"
declare -A pkg_of
for deb in "$tmp"/deb/avcpu-dkms_"$version"_all.deb "$tmp"/deb/libavcpu-dev_"$version"_arm64.deb \
	"$tmp"/deb/avcpu-tools_"$version"_arm64.deb; do
	[ -f "$deb" ] || { notok "no $(basename "$deb")"; exit 1; }
	p=$(dpkg-deb -f "$deb" Package)
	mkdir -p "$tmp/x/$p"
	dpkg-deb -x "$deb" "$tmp/x/$p"
	# dpkg-deb --contents: regular files (and symlinks) only, as paths from /.
	while read -r f; do
		[ -n "${pkg_of[$f]:-}" ] && notok "$f is in both ${pkg_of[$f]} and $p"
		pkg_of[$f]=$p
	done < <(dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\.||')
done
[ "$(dpkg-deb -f "$tmp"/deb/avcpu-dkms_"$version"_all.deb Architecture)" = all ] ||
	notok "avcpu-dkms is not Architecture: all"

# 2. make install, into a scratch DESTDIR with Debian's prefix.
if ! make -s -C "$top" install DESTDIR="$tmp/inst" PREFIX=/usr >"$tmp/log" 2>&1; then
	notok "make install"; sed 's/^/#   /' "$tmp/log" | tail -n 30; exit 1
fi
# A make-install path as the packages spell it: multiarch library directory, compressed
# man pages, CMake's per-configuration export file (Debian builds configuration None).
deb_name() {
	sed -e 's|^/usr/lib/\([^/]*\)$|/usr/lib/aarch64-linux-gnu/\1|' \
		-e 's#^/usr/lib/\(cmake\|pkgconfig\)/#/usr/lib/aarch64-linux-gnu/\1/#' \
		-e 's|^\(/usr/share/man/.*\)$|\1.gz|' \
		-e 's|/avcpuTargets-release\.cmake$|/avcpuTargets-none.cmake|'
}
n=0
while read -r f; do
	case $f in
	/lib/modules/*/updates/avcpu.ko) continue ;; # the packages ship its sources instead
	esac
	d=$(echo "$f" | deb_name)
	if [ -z "${pkg_of[$d]:-}" ]; then
		notok "make install's $f ($d) is in no package"
		continue
	fi
	n=$((n + 1))
	src=$tmp/x/${pkg_of[$d]}$d
	case $f in
	*.h | *.rules | *.cmake | *.pc) # text the packaging must not change (paths aside)
		if [ "${f##*.}" != pc ] && [[ $f != */avcpuTargets* ]] && ! cmp -s "$tmp/inst$f" "$src"; then
			notok "$d differs from make install's $f"
		fi ;;
	/usr/share/man/*)
		zcat "$src" | cmp -s "$tmp/inst$f" - || notok "$d differs from make install's $f" ;;
	/usr/bin/*)
		file -L "$src" | grep -q 'ARM aarch64' || notok "$d is not an arm64 executable" ;;
	esac
	unset "pkg_of[$d]"
done < <(cd "$tmp/inst" && find . -type f | sed 's|^\.||' | LC_ALL=C sort)
[ -d "$tmp/inst/lib/modules" ] || notok "make install installed no module"
ok "$n files of make install are in the packages"

# Left: Debian's own files and the DKMS sources, which must be make dkms-source's.
make -s -C "$top" dkms-source DKMS_SRC="$tmp/dkms-src" >/dev/null
dkms_dir=/usr/src/avcpu-$version
for f in "${!pkg_of[@]}"; do
	case $f in
	/usr/share/doc/*/copyright | /usr/share/doc/*/changelog.gz | /usr/share/lintian/overrides/*) ;;
	"$dkms_dir"/*)
		if ! cmp -s "$tmp/x/avcpu-dkms$f" "$tmp/dkms-src/${f#"$dkms_dir"/}"; then
			notok "$f is not make dkms-source's ${f#"$dkms_dir"/}"
		fi ;;
	*) notok "$f (${pkg_of[$f]}) is not installed by make install" ;;
	esac
done
want=$(cd "$tmp/dkms-src" && find . -type f | sed "s|^\.|$dkms_dir|" | LC_ALL=C sort)
have=$(printf '%s\n' "${!pkg_of[@]}" | grep "^$dkms_dir/" | LC_ALL=C sort)
if [ "$want" = "$have" ]; then
	ok "avcpu-dkms's $dkms_dir is make dkms-source's tree ($(echo "$have" | wc -l) files)"
else
	notok "avcpu-dkms's $dkms_dir differs from make dkms-source's tree"
	diff <(echo "$want") <(echo "$have") | sed 's/^/#   /' | head -n 20
fi
[ $fail -eq 0 ] && ok "package contents match make install"

# 3. DKMS from the packaged sources (dkms-test.sh's steps, on avcpu-dkms's files).
mkdir -p "$tmp/dkms" "$tmp/kinst"
trees=(--dkmstree "$tmp/dkms" --sourcetree "$tmp/x/avcpu-dkms/usr/src" --installtree "$tmp/kinst")
export CROSS_COMPILE=${CROSS_COMPILE-aarch64-linux-gnu-}
dkms add -m avcpu -v "$version" "${trees[@]}" >"$tmp/log" 2>&1 ||
	{ notok "dkms add (packaged sources)"; sed 's/^/#   /' "$tmp/log"; exit 1; }
for kver in "$K61_ABI" "$K612_ABI"; do
	tag=$([ "$kver" = "$K61_ABI" ] && echo 6.1 || echo 6.12)
	kopts=(-k "$kver" -a aarch64 --kernelsourcedir "$cache/kernel-$tag/build")
	mkdir -p "$tmp/kinst/$kver"
	if ! dkms build -m avcpu -v "$version" "${kopts[@]}" "${trees[@]}" >"$tmp/log" 2>&1 ||
		! dkms install -m avcpu -v "$version" "${kopts[@]}" --no-depmod "${trees[@]}" \
			>>"$tmp/log" 2>&1; then
		notok "dkms build/install from avcpu-dkms for $kver"
		sed 's/^/#   /' "$tmp/log" | tail -n 30
		tail -n 20 "$tmp/dkms/avcpu/$version/build/make.log" 2>/dev/null | sed 's/^/#   /'
		continue
	fi
	ko=$(find "$tmp/kinst/$kver" -name 'avcpu.ko*' | head -n 1)
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
	if [ -n "$ko" ] && [ "${vermagic%% *}" = "$kver" ] && file -L "$ko" | grep -q 'ARM aarch64'; then
		ok "dkms from avcpu-dkms for $kver: ${ko#"$tmp/kinst/"}"
		mkdir -p "$tmp/deb/dkms/$kver"
		cp "$ko" "$tmp/deb/dkms/$kver/avcpu.ko"
	else
		notok "dkms from avcpu-dkms installed no arm64 avcpu.ko for $kver (${ko:-none}, '$vermagic')"
	fi
done
# BUILD_EXCLUSIVE_ARCH: an x86_64 kernel is skipped (dkms exits 77), not failed.
rc=0
dkms build -m avcpu -v "$version" -k "$K612_ABI" -a x86_64 \
	--kernelsourcedir "$cache/kernel-6.12/build" "${trees[@]}" >"$tmp/log" 2>&1 || rc=$?
if [ $rc -eq 77 ] && grep -q BUILD_EXCLUSIVE "$tmp/log"; then
	ok "dkms skips avcpu for x86_64 (BUILD_EXCLUSIVE_ARCH)"
else
	notok "dkms build for x86_64 exited $rc, not skipped"; sed 's/^/#   /' "$tmp/log" | tail -n 10
fi
dkms remove -m avcpu -v "$version" --all "${trees[@]}" >"$tmp/log" 2>&1 ||
	{ notok "dkms remove"; sed 's/^/#   /' "$tmp/log"; }
if [ $fail -eq 0 ]; then
	rm -rf "$build/deb-test.tmp" "$build/deb-test.old"
	mkdir -p "$build/deb-test.tmp"
	cp -r "$tmp"/deb/*.deb "$tmp/deb/dkms" "$tmp/deb/tree.sha256" "$build/deb-test.tmp/"
	[ -d "$build/deb-test" ] && mv "$build/deb-test" "$build/deb-test.old"
	mv "$build/deb-test.tmp" "$build/deb-test"
	rm -rf "$build/deb-test.old"
fi
exit $fail
