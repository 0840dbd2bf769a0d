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

check "checkpatch (module/)" checkpatch
check "clang-format (C++ in userspace/, module/hyp/)" clang-format --dry-run --Werror $(cxx_files)
check "clang-tidy (userspace C++)" clang_tidy
check "documentation builds (sphinx -W)" \
	sphinx-build -W -q -b html Documentation "$build/docs"
echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
