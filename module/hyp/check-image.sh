#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fails when the EL2 image holds anything avcpu's loader (module/hyp_loader.c) cannot handle.
set -eu
elf=$1 readelf=$2 nm=$3
fail() { echo "check-image: $elf: $*" >&2; exit 1; }

undef=$($nm -u "$elf")
[ -z "$undef" ] || fail "undefined symbols: $undef"

bad=$($readelf -rW "$elf" | awk '/^[0-9a-f]+ / && $3 != "R_AARCH64_RELATIVE" {print $3}' | sort -u)
[ -z "$bad" ] || fail "relocations the loader does not apply: $bad"

for s in .init_array .fini_array .ctors .dtors .got.plt .plt; do
	if $readelf -SW "$elf" | grep -q " $s "; then
		fail "section $s present (static constructors or PLT calls are not allowed at EL2)"
	fi
done
# Symbols the loader reads from the flat image's header must exist.
for sym in __hyp_header; do
	$nm "$elf" | grep -q " $sym\$" || fail "missing symbol $sym"
done
