// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu-bench (make bench) measures what it says: every workload (the floors, the exits,
 * the vGIC's MMIO, timer and SPI interrupts) runs to the end on avcpu with a figure per
 * workload, and a missing backend is a clear error. The
 * figures themselves are for make bench, not for tests.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"

#define BENCH "/usr/bin/avcpu-bench"

static char out[8192];

TEST(every_workload_completes_on_avcpu)
{
	const char *const args[] = { "--backend", "avcpu", "--iterations", "500", "--repeat",
				     "2", NULL };
	/* eoi is the guest's own timing less a counter read: it may round to 0 or below. */
	static const struct {
		const char *name;
		int positive;
	} workloads[] = {
		{ "ioctl_floor", 1 }, { "sysreg_mdscr", 1 }, { "hvc_psci", 1 },
		{ "sysreg_id", 1 },   { "mmio_write", 1 },   { "gicd_read", 1 },
		{ "timer_tick", 1 },  { "eoi", 0 },	     { "spi_user", 1 },
	};
	int status = -1;
	size_t i;

	if (access(BENCH, X_OK))
		SKIP(return, BENCH " is not installed");
	if (avcpu_ensure_loaded() || access(AVCPU_DEV, R_OK | W_OK))
		SKIP(return, "avcpu cannot run guests here");
	ASSERT_EQ(0, avcpu_spawn(BENCH, args, out, sizeof(out), &status));
	ASSERT_EQ(0, status) TH_LOG("%s", out);
	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		char key[64];
		const char *line, *ns;

		snprintf(key, sizeof(key), "workload=%s iterations=500", workloads[i].name);
		line = strstr(out, key);
		ASSERT_NE(NULL, line) TH_LOG("%s missing in:\n%s", key, out);
		ns = strstr(line, "median_ns=");
		ASSERT_NE(NULL, ns);
		if (workloads[i].positive)
			EXPECT_LT(0.0, strtod(ns + 10, NULL)) TH_LOG("%s", line);
	}
}

TEST(missing_backend_and_bad_arguments_are_errors)
{
	const char *const kvm[] = { "--backend", "kvm", NULL };
	const char *const bad[] = { "--backend", "xen", NULL };
	const char *const none[] = { "--backend", "avcpu", "--workload", "nosuch", NULL };
	int status = -1;

	if (access(BENCH, X_OK))
		SKIP(return, BENCH " is not installed");
	ASSERT_EQ(0, avcpu_spawn(BENCH, bad, out, sizeof(out), &status));
	EXPECT_EQ(2, status) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "usage:"));
	if (access("/dev/kvm", F_OK) == 0)
		SKIP(return, "this machine has KVM: the missing-backend case cannot be shown");
	ASSERT_EQ(0, avcpu_spawn(BENCH, kvm, out, sizeof(out), &status));
	EXPECT_EQ(1, status) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "open /dev/kvm: No such file or directory")) TH_LOG("%s", out);
	if (avcpu_ensure_loaded() || access(AVCPU_DEV, R_OK | W_OK))
		SKIP(return, "avcpu cannot run guests here");
	ASSERT_EQ(0, avcpu_spawn(BENCH, none, out, sizeof(out), &status));
	EXPECT_EQ(2, status) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "no workload named 'nosuch'")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
