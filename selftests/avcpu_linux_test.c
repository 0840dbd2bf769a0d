// SPDX-License-Identifier: GPL-2.0
/*
 * An unmodified Debian arm64 kernel (the test machine's own Image) booted by avcpu-run as
 * a guest of avcpu, with a busybox initramfs (scripts/mkguest-initramfs.sh): it reaches
 * its shell on 1, 2 and 4 vCPUs; the shell reads what is typed to the UART; /proc shows
 * every vCPU, the timer ticking on each, IPIs and the UART's interrupt; its dmesg holds no
 * warning; 4 vCPUs stay busy for 30 s without an RCU stall or soft lockup; poweroff ends
 * avcpu-run with status 0 and reboot with 71 (its documented reset status); boots in a
 * row (2 in make test, 10 in soak mode: avcpu_soak.h) each end in a power-off. Boot times
 * are logged (Documentation/testing.rst).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_soak.h"
#include "avcpu_vm_util.h"
#include "avcpu_linux_virtio.h"

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

FIXTURE_SETUP(guest)
{
	const char *why = guest_unavailable();

	self->started = false;
	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(guest)
{
	if (self->started)
		guest_end(&self->g);
}

/* How each variant ends: 4 vCPUs stress every CPU, then power off; 1 vCPU reboots. */
FIXTURE_VARIANT(guest) {
	int cpus;
	bool stress;
	const char *last;	/* the last command */
	int status;		/* avcpu-run's exit status after it (--help: 71 = reset) */
};

FIXTURE_VARIANT_ADD(guest, one_vcpu) { .cpus = 1, .last = "reboot -f\n", .status = 71 };
FIXTURE_VARIANT_ADD(guest, two_vcpus) { .cpus = 2, .last = "poweroff -f\n", .status = 0 };
FIXTURE_VARIANT_ADD(guest, four_vcpus) {
	.cpus = 4, .stress = true, .last = "poweroff -f\n", .status = 0,
};

/* Boots to the shell, checks /proc and dmesg through the UART, powers off. */
TEST_F_TIMEOUT(guest, boots_to_a_shell, 900)
{
	struct guest *g = &self->g;
	const int cpus = variant->cpus;
	long at, timer[64], ipi[64], uart[64];
	char expect[64];
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, guest_start(g, cpus, "quiet"));
	self->started = true;
	at = guest_expect(g, 0, GUEST_UP, 600);
	ASSERT_LE(0, at) TH_LOG("no shell; the console said:\n%s", g->buf);
	TH_LOG("%d vCPU(s): the guest's init ran after %.1f s", cpus, now_s() - g->start);
	snprintf(expect, sizeof(expect), GUEST_UP "%d CPUs", cpus);
	EXPECT_LE(0, guest_expect(g, at, expect, 5)) TH_LOG("not every vCPU came up");
	ASSERT_LE(0, guest_expect(g, at, PROMPT, 60));

	/* Typed input reaches the shell: the UART's receive path and interrupt work. */
	at = guest_command(g, "echo typed-$((6*7))", 60);
	ASSERT_LE(0, at);
	EXPECT_LE(0, guest_expect(g, at, "typed-42", 0));
	at = guest_command(g, "grep -c ^processor /proc/cpuinfo", 60);
	ASSERT_LE(0, at);
	EXPECT_EQ(cpus, atoi(g->buf + at + 1)) TH_LOG("%s", g->buf + at);

	/* Let the timer tick everywhere, then read the interrupt counts. */
	ASSERT_LE(0, guest_command(g, "sleep 1", 60));
	at = guest_command(g, "cat /proc/interrupts", 60);
	ASSERT_LE(0, at);
	TH_LOG("%s", g->buf + at);
	ASSERT_EQ(cpus, interrupt_counts(g->buf + at, "arch_timer", timer, cpus));
	ASSERT_EQ(cpus, interrupt_counts(g->buf + at, "uart-pl011", uart, cpus));
	for (i = 0; i < cpus; i++)
		EXPECT_LT(0, timer[i]) TH_LOG("vCPU %d's timer never ticked", i);
	EXPECT_LT(0, uart[0]) TH_LOG("no UART interrupt");
	if (cpus > 1) {
		/* Rescheduling IPIs happen on an SMP guest that ran processes. */
		ASSERT_EQ(cpus, interrupt_counts(g->buf + at, "Rescheduling", ipi, cpus));
		for (i = 0, at = 0; i < cpus; i++)
			at += ipi[i];
		EXPECT_LT(0, at) TH_LOG("no IPI was delivered");
	}

	/* Nothing in the guest's log about avcpu's emulation going wrong (short commands:
	 * the shell redraws lines longer than its terminal). */
	at = guest_command(g, "dmesg|grep -iE 'warn|bug|oops|fail|error'", 60);
	ASSERT_LE(0, at);
	TH_LOG("guest dmesg lines of note:%s", g->buf + at);
	EXPECT_EQ(0, guest_lines(g, at)) TH_LOG("the guest's log has warnings or errors");

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
 * that stops the next one. 2 in make test, 10 in soak mode.
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
	const int boots = avcpu_soak_pick(2, 10);
	struct guest g;
	double t0;
	int i;

	if (self->unavailable)
		return;
	for (i = 0; i < boots; i++) {
		t0 = now_s();
		ASSERT_EQ(0, guest_start(&g, 1, "quiet avcpu.poweroff"));
		EXPECT_LE(0, guest_expect(&g, 0, GUEST_UP "1 CPUs", 300)) TH_LOG("boot %d", i);
		EXPECT_EQ(0, guest_wait(&g, 120)) TH_LOG("boot %d:\n%s", i, g.buf);
		guest_end(&g);
		TH_LOG("boot %d: %.1f s to power-off", i, now_s() - t0);
	}
}

TEST_HARNESS_MAIN
