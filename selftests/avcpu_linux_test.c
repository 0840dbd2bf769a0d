// SPDX-License-Identifier: GPL-2.0
/*
 * An unmodified Debian arm64 kernel (the test machine's own Image) booted by avcpu-run as
 * a guest of avcpu, with a busybox initramfs (scripts/mkguest-initramfs.sh): it reaches
 * its shell on 1, 2 and 4 vCPUs; the shell reads what is typed to the UART; /proc shows
 * every vCPU, the timer ticking on each, IPIs and the UART's interrupt; its dmesg holds no
 * warning; 4 vCPUs stay busy for 30 s without an RCU stall or soft lockup; poweroff ends
 * avcpu-run with status 0 and reboot with 71 (its documented reset status); boots in a
 * row (2 at full depth, 10 at soak depth: avcpu_depth.h) each end in a power-off. Boot times
 * are logged (Documentation/testing.rst).
 */
#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_depth.h"
#include "avcpu_vm_util.h"
#include "avcpu_linux_guest.h"

/*
 * Every vCPU busy for 30 s with processes forking all along: no RCU stall and no soft
 * lockup may be reported (lost IPIs or timer ticks show up as those).
 */
static void guest_stress(struct __test_metadata *_metadata, struct guest *g)
{
	long at = g->len;

	ASSERT_LE(0, write(g->in, "stress 30\n", 10));
	ASSERT_LE(0, guest_expect(g, at, "stress: done", 600)) TH_LOG("%s", g->buf + at);
	ASSERT_LE(0, guest_expect(g, at, PROMPT, 60));
	at = guest_command(g, "dmesg|grep -ciE 'stall|lockup'", 60);
	ASSERT_LE(0, at);
	EXPECT_EQ(0, atoi(g->buf + at + 1)) TH_LOG("%s", g->buf + at);
}

FIXTURE(guest) {
	struct guest g;
	bool started;
};

/* How each variant ends: 4 vCPUs stress every CPU, then power off; 1 vCPU reboots. */
FIXTURE_VARIANT(guest) {
	int cpus;
	bool stress;
	const char *last;	/* the last command */
	int status;		/* avcpu-run's exit status after it (--help: 71 = reset) */
	bool full_only;		/* not at lean depth: 1 and 4 vCPUs cover its paths there */
};

FIXTURE_VARIANT_ADD(guest, one_vcpu) { .cpus = 1, .last = "reboot -f\n", .status = 71 };
FIXTURE_VARIANT_ADD(guest, two_vcpus) {
	.cpus = 2, .last = "poweroff -f\n", .status = 0, .full_only = true,
};
FIXTURE_VARIANT_ADD(guest, four_vcpus) {
	.cpus = 4, .stress = true, .last = "poweroff -f\n", .status = 0,
};

FIXTURE_SETUP(guest)
{
	const char *why = guest_unavailable();

	self->started = false;
	if (why)
		SKIP(return, "%s", why);
	if (variant->full_only && avcpu_depth() == AVCPU_DEPTH_LEAN)
		SKIP(return, AVCPU_DEPTH_LEAN_REASON);
}

FIXTURE_TEARDOWN(guest)
{
	if (self->started)
		guest_end(&self->g);
}

/* Boots to the shell, checks /proc and dmesg through the UART, powers off. */
TEST_F_TIMEOUT(guest, boots_to_a_shell, 900)
{
	struct guest *g = &self->g;
	const int cpus = variant->cpus;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, guest_start(g, NULL, cpus, "quiet"));
	self->started = true;
	guest_check_shell(_metadata, g, cpus);

	if (variant->stress)
		guest_stress(_metadata, g);
	ASSERT_LE(0, write(g->in, variant->last, strlen(variant->last)));
	EXPECT_EQ(variant->status, guest_wait(g, 120))
		TH_LOG("avcpu-run did not end as expected:\n%s",
		       g->buf + (g->len > 4096 ? g->len - 4096 : 0));
	TH_LOG("%d vCPU(s): %.1f s from start to the end", cpus, now_s() - g->start);
}

/*
 * Boots in a row, each straight to power-off: as many clean exits, nothing left behind
 * that stops the next one. 2 at full depth, 10 at soak depth, none at lean (avcpu_depth.h).
 */
FIXTURE(boot_loop) {
	const char *unavailable;
};

FIXTURE_SETUP(boot_loop)
{
	self->unavailable = guest_unavailable();
	if (self->unavailable)
		SKIP(return, "%s", self->unavailable);
}

FIXTURE_TEARDOWN(boot_loop)
{
}

TEST_F_TIMEOUT(boot_loop, boots_in_a_row_each_power_off, 900)
{
	const int boots = avcpu_depth_pick(0, 2, 10);
	struct guest g;
	double t0;
	int i;

	if (self->unavailable)
		return;
	if (!boots)
		SKIP(return, AVCPU_DEPTH_LEAN_REASON);
	for (i = 0; i < boots; i++) {
		t0 = now_s();
		ASSERT_EQ(0, guest_start(&g, NULL, 1, "quiet avcpu.poweroff"));
		EXPECT_LE(0, guest_expect(&g, 0, GUEST_UP "1 CPUs", 300)) TH_LOG("boot %d", i);
		EXPECT_EQ(0, guest_wait(&g, 120)) TH_LOG("boot %d:\n%s", i, g.buf);
		guest_end(&g);
		TH_LOG("boot %d: %.1f s to power-off", i, now_s() - t0);
	}
}

TEST_HARNESS_MAIN
