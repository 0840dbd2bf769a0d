// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu refuses machines it must not take EL2 on, cleanly: -ENODEV, one dmesg line saying
 * why, nothing left behind. Run in boots made for it (selftests/boots.conf), which say
 * what to expect with avcpu.expect_refusal= on the kernel command line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"

static const struct {
	const char *key;
	const char *message;
} refusals[] = {
	{ "no-el2", "this CPU has no EL2" },
	{ "vhe", "the kernel runs at EL2 (VHE)" },
	{ "guest", "the kernel runs as a guest" },
	{ "kvm-lazy", "KVM is enabled and takes EL2" },
	{ "kvm", "EL2 is owned by another hypervisor" },
};

TEST(refuses_cleanly)
{
	char expect[64], log[8192];
	const char *message = NULL;
	unsigned long long seq;
	long taint;
	size_t i;

	if (!avcpu_cmdline_value("avcpu.expect_refusal", expect, sizeof(expect)))
		SKIP(return, "not a refusal boot (no avcpu.expect_refusal= on the command line)");
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (!strcmp(expect, refusals[i].key))
			message = refusals[i].message;
	ASSERT_NE(NULL, message) TH_LOG("unknown avcpu.expect_refusal=%s", expect);
	if (!avcpu_module_path())
		SKIP(return, "avcpu.ko not found (set AVCPU_MODULE)");

	seq = avcpu_kmsg_now();
	EXPECT_EQ(-ENODEV, avcpu_load(NULL));
	EXPECT_FALSE(avcpu_module_loaded());
	EXPECT_NE(0, access("/dev/avcpu", F_OK));
	avcpu_kmsg_since(&seq, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, message)) TH_LOG("expected '%s' in: %s", message, log);
	EXPECT_NE(NULL, strstr(log, "refusing to load"));
	taint = avcpu_kernel_taint();
	EXPECT_EQ(0, taint & ~AVCPU_ALLOWED_TAINT) TH_LOG("tainted: %#lx", taint);
	/* Refused twice the same way: nothing was left half-installed. */
	EXPECT_EQ(-ENODEV, avcpu_load(NULL));
}

/* The first CPU's "CPU implementer" and "CPU part" (QEMU's CPUs are uniform). */
static bool cpu_is(long long implementer, long long part)
{
	static char info[65536];
	const char *p, *q;

	if (avcpu_read_file("/proc/cpuinfo", info, sizeof(info)) <= 0)
		return false;
	p = strstr(info, "CPU implementer");
	q = strstr(info, "CPU part");
	if (!p || !q || !(p = strchr(p, ':')) || !(q = strchr(q, ':')))
		return false;
	return strtoll(p + 1, NULL, 0) == implementer && strtoll(q + 1, NULL, 0) == part;
}

/*
 * A CPU exposed to Spectre-v2 whose firmware offers no SMCCC_ARCH_WORKAROUND_1 (QEMU's
 * cortex-a72: no EL3 firmware), or one the kernel takes for exposed to Spectre-BHB with no
 * mitigation avcpu knows (QEMU's max under kernels that assume unknown CPUs are), is refused
 * as it would be on hardware: trust_emulator=0 takes away the exemption an emulator, which
 * does not speculate, gets by default. A CPU with no gap loads.
 */
TEST(refuses_cpu_it_cannot_protect)
{
	char expect[64], log[8192], report[16384];
	unsigned long long seq;
	bool was_loaded, gap, a72 = cpu_is(0x41, 0xd08);
	int ret;

	if (avcpu_cmdline_value("avcpu.expect_refusal", expect, sizeof(expect)))
		SKIP(return, "a refusal boot: avcpu refuses for another reason here");
	if (!avcpu_module_path())
		SKIP(return, "avcpu.ko not found (set AVCPU_MODULE)");
	was_loaded = avcpu_module_loaded();
	if (!was_loaded)
		ASSERT_EQ(0, avcpu_load(NULL));
	/* The report says which CPUs have a gap only an emulator may have. */
	if (access("/sys/kernel/debug/avcpu", F_OK))
		SKIP(avcpu_unload(); return, "debugfs is not mounted at /sys/kernel/debug");
	ASSERT_LT(0, avcpu_read_file("/sys/kernel/debug/avcpu/mitigations", report, sizeof(report)))
		TH_LOG("avcpu names no per-CPU mitigations");
	gap = strstr(report, "residual=emulated");
	if (a72)
		EXPECT_TRUE(gap) TH_LOG("cortex-a72 without firmware must have a v2 gap: %s", report);
	if (avcpu_unload())
		SKIP(return, "avcpu is loaded and in use");

	seq = avcpu_kmsg_now();
	ret = avcpu_load("trust_emulator=0");
	avcpu_kmsg_since(&seq, log, sizeof(log));
	if (gap) {
		EXPECT_EQ(-ENODEV, ret);
		EXPECT_FALSE(avcpu_module_loaded());
		EXPECT_NE(NULL, strstr(log, "refusing to load")) TH_LOG("%s", log);
		EXPECT_NE(NULL, strstr(log, a72 ? "exposed to Spectre-v2" : "exposed to Spectre-"))
			TH_LOG("%s", log);
	} else {
		EXPECT_EQ(0, ret) TH_LOG("%s", log);
		if (!ret)
			EXPECT_EQ(0, avcpu_unload());
	}
	if (was_loaded)
		EXPECT_EQ(0, avcpu_load(NULL));
}

TEST_HARNESS_MAIN
