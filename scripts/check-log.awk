# SPDX-License-Identifier: GPL-2.0
# Reads the serial console log of one test-machine boot and judges it.
# Prints one line: "<passed> <failed> <skipped> <verdict> <reason...>"
# where verdict is PASS or FAIL. Input lines may end in \r (serial console).
#
# A boot fails on: a failed test, a test binary that declared N tests and reported fewer,
# a binary that crashed or timed out, a kernel splat (Oops, BUG, WARN, lockdep, panic,
# stall) anywhere in the console or the final dmesg, a taint other than the
# out-of-tree/unsigned module taints, or a run that never reached its end marker.
function fail(why) {
	if (reason == "") reason = why; else if (index(reason, why) == 0) reason = reason "; " why
}
BEGIN {
	allowed_taint = 4096 + 8192	# TAINT_OOT_MODULE | TAINT_UNSIGNED_MODULE
	passed = failed = skipped = 0
	in_dmesg = 0; done = 0; status = -1; plan = -1; seen = 0; inner_fail = 0
	splat = "(Oops|BUG:|WARNING:|Internal error|Kernel panic|Unable to handle kernel|" \
		"possible circular locking|possible recursive locking|INFO: lockdep|" \
		"inconsistent lock state|rcu: INFO|detected stalls|blocked for more than|" \
		"general protection|Call trace:|UBSAN:|KASAN:|kernel BUG)"
}
{ sub(/\r$/, "") }
/^avcpu-guest: dmesg begin/ { in_dmesg = 1; next }
/^avcpu-guest: dmesg end/ { in_dmesg = 0; next }
/^avcpu-guest: done/ { done = 1; next }
/^avcpu-guest: kexec stage 1/ { kexec_stage1 = 1; next }
/^avcpu-guest: status / { status = $3 + 0; next }
/^avcpu-guest: taint / {
	t = $3 + 0
	# awk has no bitwise and: strip the allowed bits arithmetically.
	rest = t
	if (int(rest / 8192) % 2 == 1) rest -= 8192
	if (int(rest / 4096) % 2 == 1) rest -= 4096
	if (rest != 0) fail("kernel tainted (" t ")")
	next
}
# Kernel messages (console or the final dmesg), never the tests' own "# " output.
!/^#/ && $0 ~ splat {
	fail("kernel splat: " substr($0, 1, 120))
	next
}
in_dmesg { next }
/^# selftests: avcpu: / { finish_binary(); plan = -1; seen = 0; inner_fail = 0; next }
/^# 1\.\.[0-9]+/ { plan = substr($2, 4) + 0; next }
/^# (not )?ok [0-9]+ / {
	seen++
	if ($2 == "not") { failed++; inner_fail++; fail("test failed: " substr($0, 3)) }
	else if ($0 ~ /# SKIP/) skipped++
	else passed++
	next
}
/^not ok [0-9]+ selftests: avcpu: / {
	if (inner_fail == 0) { failed++; fail(substr($0, 8)) }
	outer_done = 1
	next
}
/^ok [0-9]+ selftests: avcpu: / {
	if ($0 ~ /# SKIP/ && seen == 0) skipped++
	next
}
function finish_binary() {
	if (plan > seen) {
		failed += plan - seen
		fail((plan - seen) " test(s) never reported")
	}
}
END {
	finish_binary()
	if (!done) fail("the run never finished (timeout, hang or crash)")
	if (status > 0 && failed == 0) fail("guest status " status)
	if (passed + failed + skipped == 0 && (mode == "selftests" || mode == "kexec"))
		fail("no test ran")
	if (mode == "kexec" && !kexec_stage1) fail("the first kernel never reached kexec")
	verdict = (reason == "") ? "PASS" : "FAIL"
	print passed, failed, skipped, verdict, reason
}
