#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs one libFuzzer target for SECONDS with a corpus directory kept between runs, seeded
# from the given files. A crash, leak, sanitizer report or timeout fails it; the
# reproducer is left in the corpus directory's parent as crash-*/leak-*/timeout-*.
# Arguments starting with '-' are libFuzzer options for this fuzzer.
# Usage: run-fuzzer.sh FUZZER SECONDS CORPUS_DIR [SEED_FILE|-OPTION...]
set -eu
fuzzer=$1 seconds=$2 corpus=$3
shift 3
mkdir -p "$corpus"
opts=()
for f in "$@"; do
	case $f in
	-*) opts+=("$f") ;;
	*) [ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$f")" ;;
	esac
done
cd "$(dirname "$corpus")"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	${opts[@]+"${opts[@]}"} "$corpus"
