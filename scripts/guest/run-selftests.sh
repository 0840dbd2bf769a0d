#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the avcpu kselftests inside the test machine and prints TAP, kselftest style: one
# outer result per test binary, its own TAP indented behind "# ".
# Usage: run-selftests.sh TIMEOUT [TEST...]
timeout=$1
shift
dir=/avcpu/selftests
if [ $# -eq 0 ]; then
	set -- $(cat $dir/tests.list)
fi

echo "TAP version 13"
echo "1..$#"
n=0 failed=0
for t in "$@"; do
	n=$((n + 1))
	echo "# selftests: avcpu: $t"
	if [ ! -x "$dir/$t" ]; then
		echo "not ok $n selftests: avcpu: $t # no such test"
		failed=1
		continue
	fi
	# Per-test override, as kselftest's "settings" file does.
	t_timeout=$(sed -n "s/^$t timeout=//p" $dir/settings 2>/dev/null)
	start=$(cut -d. -f1 /proc/uptime)
	(cd $dir && timeout -s KILL "${t_timeout:-$timeout}" "./$t" 2>&1; echo "rc=$?" >/tmp/rc) |
		while IFS= read -r line; do echo "# $line"; done
	rc=$(sed -n 's/^rc=//p' /tmp/rc)
	secs=$(( $(cut -d. -f1 /proc/uptime) - start ))
	case $rc in
	0) echo "ok $n selftests: avcpu: $t # ${secs}s" ;;
	4) echo "ok $n selftests: avcpu: $t # SKIP" ;;
	137) echo "not ok $n selftests: avcpu: $t # TIMEOUT ${t_timeout:-$timeout}s"; failed=1 ;;
	*) echo "not ok $n selftests: avcpu: $t # exit=$rc"; failed=1 ;;
	esac
done
exit $failed
