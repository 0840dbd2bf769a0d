// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu refuses machines it must not take EL2 on, cleanly: -ENODEV, one dmesg line saying
 * why, nothing left behind. Run in boots made for it (selftests/boots.conf), which say
 * what to expect with avcpu.expect_refusal= on the kernel command line.
 */
#include <errno.h>
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

TEST_HARNESS_MAIN
