// SPDX-License-Identifier: GPL-2.0
/*
 * Halt polling (module parameter halt_poll_ns): a vCPU whose WFIs end within the window
 * waits for them on its CPU instead of asleep; with the parameter 0 every such wait is a
 * sleep; a bad value is refused. How much sooner a polled vCPU wakes is make bench's
 * (wfi_timer, sgi_round_trip), not a timed test's. (A vCPU idle for long stops polling: avcpu_exits_test's two-second WFI checks
 * the CPU time it takes.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_vgic_util.h"

#define POLL_PARAM	"/sys/module/avcpu/parameters/halt_poll_ns"
#define POLL_DEFAULT_NS	500000
#define TICKS		100
/* Under emulation an exit takes ~100 us: 2 ms leaves every WFI a deadline to wait for. */
#define PERIOD_US	2000
#define POLL_WIDE	"50000000"	/* a window that takes in every such deadline */

static long read_param(void)
{
	char buf[32];

	return avcpu_read_file(POLL_PARAM, buf, sizeof(buf)) > 0 ? strtol(buf, NULL, 10) : -1;
}

/* 0, or the errno of the write. */
static int write_param(const char *value)
{
	int fd = open(POLL_PARAM, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, value, strlen(value)) < 0)
		err = errno;
	close(fd);
	return err;
}

FIXTURE(poll) {
	struct test_vm t;
	long saved;
};

FIXTURE_SETUP(poll)
{
	self->saved = -1;
	if (!vgic_test_setup(_metadata, &self->t))
		return;
	self->saved = read_param();
	ASSERT_LE(0, self->saved) TH_LOG("%s unreadable", POLL_PARAM);
}

FIXTURE_TEARDOWN(poll)
{
	char buf[32];

	if (self->saved >= 0) {
		snprintf(buf, sizeof(buf), "%ld", self->saved);
		write_param(buf);
	}
	if (self->t.dev > 0)
		test_vm_destroy(&self->t);
}

/* TICKS virtual-timer interrupts PERIOD_US apart, each waited for in WFI; the counters. */
static void run_ticks(struct __test_metadata *_metadata, struct test_vm *t,
		      struct avcpu_vcpu_stats *st, double *mean_us)
{
	volatile uint64_t *ts = GUEST_VAR(t, vgic_ticks[0]);
	uint64_t freq;

	ASSERT_EQ(0, vgic_create(t, 1));
	ASSERT_EQ(0, test_vcpu_add(t, 0, vgic_guest_timer, TIMER_ARG(0, TICKS, PERIOD_US)));
	vgic_expect_done(_metadata, t, 0);
	freq = *GUEST_VAR(t, vgic_report[0][0]);
	ASSERT_LT(0, freq);
	*mean_us = (double)(ts[TICKS - 1] - ts[0]) / (TICKS - 1) * 1e6 / freq;
	ASSERT_EQ(0, vgic_stats(t, 0, st));
	TH_LOG("%u WFIs before a deadline %u us away: %llu polled, %llu slept; interrupts %.1f us apart",
	       TICKS, PERIOD_US, (unsigned long long)st->wfi_polls,
	       (unsigned long long)st->wfi_sleeps, *mean_us);
}

TEST_F_TIMEOUT(poll, short_waits_are_polled, 120)
{
	struct avcpu_vcpu_stats st;
	double mean_us;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, write_param(POLL_WIDE));
	run_ticks(_metadata, &self->t, &st, &mean_us);
	/* Most, not all: a poll yields the CPU to any other task that wants it. */
	EXPECT_LE(TICKS * 3 / 4, st.wfi_polls);
	EXPECT_GE(TICKS / 4, st.wfi_sleeps);
}

TEST_F_TIMEOUT(poll, zero_makes_every_wait_a_sleep, 120)
{
	struct avcpu_vcpu_stats st;
	double mean_us;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, write_param("0"));
	run_ticks(_metadata, &self->t, &st, &mean_us);
	EXPECT_EQ(0, st.wfi_polls);
	EXPECT_LE(TICKS * 3 / 4, st.wfi_sleeps);
}

TEST_F(poll, the_default_and_bad_values)
{
	RETURN_IF_SKIPPED();
	if (self->saved != POLL_DEFAULT_NS)
		TH_LOG("halt_poll_ns is %ld, not the default: set at load time?", self->saved);
	EXPECT_EQ(EINVAL, write_param("-1"));
	EXPECT_EQ(EINVAL, write_param("many"));
	EXPECT_EQ(self->saved, read_param());
}

TEST_HARNESS_MAIN
