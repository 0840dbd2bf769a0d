// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded run of the hostile-input campaign (avcpu-fuzz, make fuzz for the long one):
 * random ioctl sequences and random guest programs with fixed seeds, so that a finding
 * reproduces. A finding fails the test; a kernel splat fails the boot. Afterwards avcpu
 * must still run a guest, and unload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_depth.h"
#include "avcpu_vm_guest.h"
#include "avcpu_vm_util.h"

#define FUZZ "/usr/bin/avcpu-fuzz"

static char out[1 << 16];

static void fuzz(struct __test_metadata *_metadata, const char *const *args)
{
	int status = -1;

	if (access(FUZZ, X_OK))
		SKIP(return, FUZZ " is not installed");
	if (avcpu_ensure_loaded() || access(AVCPU_DEV, R_OK | W_OK))
		SKIP(return, "avcpu cannot run guests here");
	ASSERT_EQ(0, avcpu_spawn(FUZZ, args, out, sizeof(out), &status));
	TH_LOG("%s", out);
	EXPECT_EQ(0, status);
	EXPECT_NE(NULL, strstr(out, "fuzz: no findings"));
}

/* The harness's default 30 s is too short for a campaign under TCG. */
FIXTURE(campaign) {
};

FIXTURE_SETUP(campaign)
{
}

FIXTURE_TEARDOWN(campaign)
{
}

/* The campaign sizes: a third at lean depth, the same seeds (avcpu_depth.h). */
TEST_F_TIMEOUT(campaign, ioctl_sequences_seed_1, 180)
{
	char ioctls[16];
	const char *const args[] = { "--seed", "1", "--ioctls", ioctls, "--guests", "0", NULL };

	snprintf(ioctls, sizeof(ioctls), "%d", avcpu_depth_pick(10000, 30000, 30000));
	fuzz(_metadata, args);
}

TEST_F_TIMEOUT(campaign, guest_programs_seed_2, 180)
{
	char guests[16];
	const char *const args[] = { "--seed", "2", "--ioctls", "0", "--guests", guests, NULL };

	snprintf(guests, sizeof(guests), "%d", avcpu_depth_pick(50, 150, 150));
	fuzz(_metadata, args);
}

/* After both campaigns the host still runs guests. */
TEST(avcpu_still_runs_guests)
{
	struct test_vm t;
	struct ucall uc;
	uint32_t reason;

	if (!test_avcpu_available())
		SKIP(return, "avcpu cannot run guests here");
	ASSERT_EQ(0, test_vm_create(&t));
	ASSERT_EQ(0, test_vcpu_add(&t, 0, guest_mmio_writes, 0));
	while (test_vcpu_get_ucall(&t, 0, &uc, &reason) == UCALL_NONE &&
	       reason == AVCPU_EXIT_MMIO)
		;
	EXPECT_EQ(UCALL_DONE, uc.cmd);
	test_vm_destroy(&t);
}

TEST_HARNESS_MAIN
