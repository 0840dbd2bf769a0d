// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu-bench (make bench) measures what it says: every workload (the floors, the exits,
 * the vGIC's MMIO, timer and SPI interrupts, an SGI round trip between two vCPUs, WFI
 * wake-ups, VM creation and memory bandwidth) runs to the end on avcpu with a figure per
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

/*
 * Runs avcpu-bench on avcpu with iterations and a workload list; checks that each named
 * workload printed its line with that count and, where positive, a median above 0 (ns,
 * MB/s or s, whichever the line has).
 */
struct bench_row {
	const char *name;
	int positive;
};

static void bench_rows(struct __test_metadata *_metadata, const char *iterations,
		       const char *list, const struct bench_row *rows, size_t n)
{
	const char *const args[] = { "--backend", "avcpu", "--iterations", iterations,
				     "--repeat", "2", "--workload", list, NULL };
	int status = -1;
	size_t i;

	ASSERT_EQ(0, avcpu_spawn(BENCH, args, out, sizeof(out), &status));
	ASSERT_EQ(0, status) TH_LOG("%s", out);
	for (i = 0; i < n; i++) {
		char key[96];
		const char *line, *median;

		snprintf(key, sizeof(key), "workload=%s iterations=", rows[i].name);
		line = strstr(out, key);
		ASSERT_NE(NULL, line) TH_LOG("%s missing in:\n%s", key, out);
		median = strstr(line, "median_");
		ASSERT_NE(NULL, median);
		median = strchr(median, '=');
		ASSERT_NE(NULL, median);
		if (rows[i].positive)
			EXPECT_LT(0.0, strtod(median + 1, NULL)) TH_LOG("%.160s", line);
	}
}

TEST(every_workload_completes_on_avcpu)
{
	/* eoi is the guest's own timing less a counter read: it may round to 0 or below. */
	static const struct bench_row exits[] = {
		{ "ioctl_floor", 1 }, { "sysreg_mdscr", 1 }, { "hvc_psci", 1 },
		{ "sysreg_id", 1 },   { "mmio_write", 1 },   { "gicd_read", 1 },
		{ "timer_tick", 1 },  { "eoi", 0 },	     { "spi_user", 1 },
	};
	/*
	 * The rows on VMs of their own, few events each: two vCPUs on two threads, WFI
	 * wake-ups (each kick waits 1 ms first), 256 MiB VMs (creation, the copies with
	 * 4 KiB and 2 MiB pages). linux_boot_* boots the guest avcpu_linux_test boots.
	 */
	static const struct bench_row vms[] = {
		{ "sgi_round_trip", 1 }, { "wfi_timer", 1 }, { "wfi_kick", 1 },
		{ "create_256m", 1 },	 { "copy_4k", 1 },   { "copy_2m", 1 },
		{ "copy_host", 1 },
	};

	if (access(BENCH, X_OK))
		SKIP(return, BENCH " is not installed");
	if (avcpu_ensure_loaded() || access(AVCPU_DEV, R_OK | W_OK))
		SKIP(return, "avcpu cannot run guests here");
	bench_rows(_metadata, "500",
		   "ioctl_floor,sysreg_mdscr,hvc_psci,sysreg_id,mmio_write,gicd_read,timer_tick,"
		   "spi_user", exits, ARRAY_SIZE(exits));
	bench_rows(_metadata, "20",
		   "sgi_round_trip,wfi_timer,wfi_kick,create_256m,copy_4k,copy_2m,copy_host", vms,
		   ARRAY_SIZE(vms));
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
