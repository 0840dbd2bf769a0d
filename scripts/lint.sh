#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make lint: the kernel's checkpatch on the module's C, clang-format on the C++, and the
# documentation built with warnings as errors. Prints one "ok"/"not ok" line per check
# and "lint: N passed, N failed" last; exit status non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${AVCPU_CACHE:-$top/.cache}
build=${AVCPU_BUILD:-$top/build}
cd "$top" || exit 1
passed=0 failed=0

check() { # name command...
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -40
		failed=$((failed + 1))
	fi
}

# LINUX_VERSION_CODE: an out-of-tree module builds against several kernels (6.1's KVM
# leaves EL2 to the stub until its first VM and is recognised differently, el2_probe.c).
checkpatch() {
	perl "$cache/kernel-6.12/source/scripts/checkpatch.pl" --no-tree --terse \
		--ignore LINUX_VERSION_CODE -f module/*.c module/*.h |
		grep -v '^total: 0 errors, 0 warnings, 0 checks' | grep . && return 1
	return 0
}

cxx_files() {
	find userspace module/hyp Documentation/examples \( -name '*.cpp' -o -name '*.h' \) \
		! -path 'userspace/guests/*' ! -name hyp_abi.h ! -name hyp_image.h | sort
}

# clang-tidy (.clang-tidy) over the userspace C++, with a native compilation database.
clang_tidy() {
	cmake -S userspace -B "$build/tidy" -DAVCPU_HOST_TESTS=OFF \
		-DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null || return 1
	clang-tidy -p "$build/tidy" --quiet --extra-arg=-Wno-unknown-warning-option \
		userspace/lib/src/*.cpp userspace/vmm/*.cpp userspace/tools/*.cpp \
		Documentation/examples/*.cpp 2>&1 | grep -E '(warning|error):' && return 1
	return 0
}

# The man pages (make man, from the manuals that are also --help) render without a
# groff warning, as lintian checks them; avcpu-bench's manual lists every workload.
man_pages() {
	local p w out rc=0
	for w in $(sed -n 's/^\t{"\([a-z_]*\)", bench_.*/\1/p' userspace/bench/main.cpp); do
		grep -q "^    $w " userspace/bench/avcpu-bench.txt ||
			{ echo "avcpu-bench.txt: workload $w is not in WORKLOADS"; rc=1; }
	done
	make -s man BUILD="$build" >/dev/null || return 1
	for p in "$build"/man/*.[0-9]; do
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$p" 2>&1 >/dev/null)
		[ -z "$out" ] || { echo "${p##*/}: $out"; rc=1; }
	done
	return $rc
}

check "checkpatch (module/)" checkpatch
check "clang-format (C++ in userspace/, module/hyp/)" clang-format --dry-run --Werror $(cxx_files)
check "clang-tidy (userspace C++)" clang_tidy
check "man pages render without warnings (man --warnings)" man_pages
check "documentation builds (sphinx -W)" \
	sphinx-build -W -q -b html Documentation "$build/docs"
echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
