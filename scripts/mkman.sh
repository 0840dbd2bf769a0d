#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A man page from the plain-text manual that is also the tool's --help text (CMake embeds
# the same file, userspace/CMakeLists.txt) and is included in the rst documentation.
# Usage: mkman.sh SOURCE.txt SECTION VERSION [OUTPUT]   (default: standard output)
#
# The source: section titles in capitals at column 0, their text indented 4 spaces.
# A paragraph (lines between blank lines) whose lines are all indented exactly 4 and
# hold no double space is prose, filled by the formatter; any other paragraph (tables,
# option lists, examples) is kept as written.
set -euo pipefail
[ $# -eq 3 ] || [ $# -eq 4 ] ||
	{ echo "usage: mkman.sh SOURCE.txt SECTION VERSION [OUTPUT]" >&2; exit 2; }
src=$1 section=$2 version=$3
[ $# -eq 4 ] && exec >"$4"
awk -v section="$section" -v version="$version" '
function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	if (s ~ /^[.\x27]/)
		s = "\\&" s
	return s
}
function flush(   i, prose) {
	if (n == 0)
		return
	prose = 1
	for (i = 1; i <= n; i++)
		if (sect == "SYNOPSIS" || para[i] !~ /^    [^ ]/ || substr(para[i], 5) ~ /  /)
			prose = 0
	print ".PP"
	if (!prose)
		print ".nf"
	for (i = 1; i <= n; i++) {
		line = para[i]
		sub(/^    /, "", line)
		print esc(line)
	}
	if (!prose)
		print ".fi"
	n = 0
}
NR == 1 && $0 != "NAME" { print "mkman: the first line must be NAME" > "/dev/stderr"; exit 1 }
/^[A-Z][A-Z ]*$/ {
	flush()
	sect = $0
	if (sect != "NAME")
		print ".SH " sect
	next
}
/^[ \t]*$/ { flush(); next }
sect == "NAME" && !title {
	line = $0
	sub(/^ +/, "", line)
	name = line
	sub(/ .*/, "", name)
	up = toupper(name)
	printf ".TH %s %s \"\" \"avcpu %s\" \"avcpu manual\"\n", up, section, version
	# Left-aligned, unhyphenated: option names and addresses must not be split.
	print ".ad l"
	print ".nh"
	print ".SH NAME"
	print esc(line)
	title = 1
	next
}
{ para[++n] = $0 }
END { flush() }
' "$src"
