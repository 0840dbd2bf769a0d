#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Unit test of scripts/check-log.awk, the judge of every test-machine boot: each case is a
# console log and the verdict and counts the judge must give.
set -u
awk_script=$(cd "$(dirname "$0")/.." && pwd)/check-log.awk
fails=0 n=0

expect() { # description expected-"passed failed skipped verdict" log-text
	local got
	n=$((n + 1))
	got=$(printf '%s\n' "$3" | awk -v mode=selftests -f "$awk_script" | cut -d' ' -f1-4)
	if [ "$got" = "$2" ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1: expected '$2', got '$got'"
		fails=$((fails + 1))
	fi
}

ok_run='avcpu-guest: start kernel=x cpus=4
TAP version 13
1..1
# selftests: avcpu: t
# 1..3
# ok 1 a.one
# ok 2 a.two
# ok 3 a.three # SKIP no EL2
ok 1 selftests: avcpu: t # 1s
avcpu-guest: status 0
avcpu-guest: taint 12288
avcpu-guest: dmesg begin
[    1.0] avcpu: loaded
avcpu-guest: dmesg end
avcpu-guest: done'

echo "TAP version 13"
echo "1..9"
expect "clean run passes" "2 0 1 PASS" "$ok_run"
expect "carriage returns are ignored" "2 0 1 PASS" "$(printf '%s\n' "$ok_run" | sed 's/$/\r/')"
expect "a failed test fails" "1 1 1 FAIL" "${ok_run/'# ok 2 a.two'/'# not ok 2 a.two'}"
expect "a test that never reported fails" "1 1 1 FAIL" "${ok_run/'# ok 2 a.two'/}"
expect "a WARN in dmesg fails" "2 0 1 FAIL" \
	"${ok_run/'[    1.0] avcpu: loaded'/'[    1.0] WARNING: CPU: 1 PID: 9 at x.c:1 f+0x0/0x4'}"
expect "an Oops on the console fails" "2 0 1 FAIL" \
	"${ok_run/'avcpu-guest: status 0'/'Internal error: Oops: 96000004 [#1] SMP'}"
expect "a foreign taint fails" "2 0 1 FAIL" "${ok_run/'taint 12288'/'taint 12800'}"
expect "a run that never finished fails" "2 0 1 FAIL" "${ok_run/'avcpu-guest: done'/}"
expect "a crashed binary fails" "0 1 0 FAIL" 'avcpu-guest: start
# selftests: avcpu: t
not ok 1 selftests: avcpu: t # exit=139
avcpu-guest: status 1
avcpu-guest: taint 0
avcpu-guest: done'
exit $((fails > 0))
