// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-visible state avcpu must get right whatever the guest does: PSTATE values only the
 * hardware produces (EL0 setting TCO, AArch32 EL0) keep RUN and GET/SET_REGS working;
 * exception entry keeps PAN with SCTLR_EL1.SPAN; cache maintenance on unbacked addresses
 * completes; SMCCC's SVE hint bit does not get a PSCI call past the SMC policy; every
 * listed register reads back and writes back; guest time is accounted as such.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_harness_util.h"

#include "avcpu_guest_state_guest.h"
#include "avcpu_test_util.h"
#include "avcpu_vm_util.h"

#define PSTATE_TCO	(1ULL << 25)
#define PSTATE_ALLINT	(1ULL << 13)
#define PSTATE_PACM	(1ULL << 35)
#define PSTATE_PAN	(1ULL << 22)
#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define EC_UNKNOWN	0x00
#define EC_ILLEGAL	0x0e

static void on_signal(int sig)
{
}

/*
 * RUN on vCPU n with SIGALRM due in ms and every ms after: 0, or -errno (-EINTR when an
 * alarm ended it). The alarm repeats because one that fires before RUN is entered is lost.
 */
static int run_for(struct test_vm *t, int n, long ms)
{
	struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 },
				.it_interval = { ms / 1000, (ms % 1000) * 1000 } };
	struct itimerval off = {};
	int ret;

	t->run[n]->immediate_exit = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	ret = test_vcpu_run(t, n);
	setitimer(ITIMER_REAL, &off, NULL);
	return ret;
}

/* Whether the last exit was guest_vectors' report of exception class ec. */
static bool reported_ec(struct test_vm *t, int n, unsigned int ec)
{
	struct avcpu_run *run = t->run[n];

	return run->exit_reason == AVCPU_EXIT_HYPERCALL && run->hypercall.imm == VEC_REPORT_IMM &&
	       ESR_EC(run->hypercall.args[0]) == ec;
}

FIXTURE(gs) {
	struct test_vm t;
};

FIXTURE_SETUP(gs)
{
	setup_guest_fixture(_metadata, &self->t, SIGALRM, on_signal);
}

FIXTURE_TEARDOWN(gs)
{
	test_vm_destroy(&self->t);
}

/*
 * After RUN was interrupted with the guest at EL0: the PSTATE read back has the mode
 * expected, SET_REGS takes it back unchanged, and RUN goes on working.
 */
static void check_el0_state(struct __test_metadata *_metadata, struct test_vm *t,
			    uint64_t mode, uint64_t must_have)
{
	struct avcpu_regs regs, again;
	int i;

	ASSERT_EQ(0, ioctl(t->vcpu_fd[0], AVCPU_GET_REGS, &regs));
	TH_LOG("PSTATE at EL0: %#llx", (unsigned long long)regs.pstate);
	EXPECT_EQ(mode, regs.pstate & 0x1f);
	EXPECT_EQ(must_have, regs.pstate & must_have);
	ASSERT_EQ(0, ioctl(t->vcpu_fd[0], AVCPU_SET_REGS, &regs)) TH_LOG("errno %d", errno);
	ASSERT_EQ(0, ioctl(t->vcpu_fd[0], AVCPU_GET_REGS, &again));
	EXPECT_EQ(0, memcmp(&regs, &again, sizeof(regs)));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(-EINTR, run_for(t, 0, 200)) TH_LOG("round %d: exit %u", i,
							   t->run[0]->exit_reason);
}

/* Finding 6: EL0 sets PSTATE.TCO (MTE CPUs; QEMU with -M virt,mte=on). */
TEST_F_TIMEOUT(gs, el0_tco_keeps_the_vm_running, 60)
{
	int ret;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_el0_tco, 0));
	ret = run_for(&self->t, 0, 300);
	if (!ret && reported_ec(&self->t, 0, EC_UNKNOWN))
		SKIP(return, "no FEAT_MTE: MSR TCO is UNDEFINED at EL0 here");
	ASSERT_EQ(-EINTR, ret) TH_LOG("exit %u esr %#llx", self->t.run[0]->exit_reason,
				      (unsigned long long)self->t.run[0]->exception.esr);
	check_el0_state(_metadata, &self->t, 0x0, PSTATE_TCO);
}

/* Finding 6: AArch32 EL0, hidden from the guest but implemented by the CPU. */
TEST_F_TIMEOUT(gs, el0_aarch32_keeps_the_vm_running, 60)
{
	struct avcpu_regs regs;
	int ret;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_el0_a32, 0));
	ret = run_for(&self->t, 0, 300);
	if (!ret && reported_ec(&self->t, 0, EC_ILLEGAL))
		SKIP(return, "the CPU has no AArch32 at EL0 (illegal exception return)");
	ASSERT_EQ(-EINTR, ret) TH_LOG("exit %u esr %#llx", self->t.run[0]->exit_reason,
				      (unsigned long long)self->t.run[0]->exception.esr);
	check_el0_state(_metadata, &self->t, 0x10, 0);
	/* AArch32 modes other than User are never accepted. */
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_REGS, &regs));
	regs.pstate = 0x13; /* Supervisor */
	EXPECT_EQ(-1, ioctl(self->t.vcpu_fd[0], AVCPU_SET_REGS, &regs));
	EXPECT_EQ(EINVAL, errno);
	regs.pstate = 0x1a; /* Hyp */
	EXPECT_EQ(-1, ioctl(self->t.vcpu_fd[0], AVCPU_SET_REGS, &regs));
	EXPECT_EQ(EINVAL, errno);
}

/* SET_REGS takes the AArch64 flags hardware sets at EL0/EL1, never EL2 or unknown bits. */
TEST_F(gs, set_regs_takes_what_hardware_produces)
{
	const uint64_t ok[] = { 0x3c5 | PSTATE_TCO, 0x3c4 | PSTATE_ALLINT, 0x0 | PSTATE_PACM,
				0xf0000000 | 0x3c5 };
	const uint64_t bad[] = { 0x3c9, 0x3cd, 0x3c5 | (1ULL << 40), 0x3c5 | (1ULL << 26) };
	struct avcpu_regs regs, back;
	unsigned int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_spin_forever, 0));
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_REGS, &regs));
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		regs.pstate = ok[i];
		EXPECT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_SET_REGS, &regs))
			TH_LOG("pstate %#llx", (unsigned long long)ok[i]);
		ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_REGS, &back));
		EXPECT_EQ(ok[i], back.pstate);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		regs.pstate = bad[i];
		EXPECT_EQ(-1, ioctl(self->t.vcpu_fd[0], AVCPU_SET_REGS, &regs))
			TH_LOG("pstate %#llx", (unsigned long long)bad[i]);
		EXPECT_EQ(EINVAL, errno);
	}
}

/* Finding 19: an injected UNDEF sets PAN only when SCTLR_EL1.SPAN is 0. */
TEST_F(gs, injected_undef_keeps_pan_with_span)
{
	const struct { uint64_t arg, pan; } cases[] = {
		{ PAN_ARG_SPAN | PAN_ARG_PAN, PSTATE_PAN },
		{ PAN_ARG_SPAN, 0 },
		{ PAN_ARG_PAN, PSTATE_PAN },
		{ 0, PSTATE_PAN },
	};
	struct avcpu_run *run;
	struct ucall uc;
	uint32_t reason;
	int i;

	RETURN_IF_SKIPPED();
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, test_vcpu_add(&self->t, i, guest_pan, cases[i].arg));
		run = self->t.run[i];
		ASSERT_EQ(0, test_vcpu_run(&self->t, i));
		ASSERT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason);
		if (run->hypercall.imm == 0 && run->hypercall.args[0] == NO_PAN_CALL)
			SKIP(return, "the CPU has no FEAT_PAN");
		ASSERT_EQ(PAN_REPORT_IMM, run->hypercall.imm);
		EXPECT_EQ(EC_UNKNOWN, ESR_EC(run->hypercall.args[0]));
		EXPECT_EQ(cases[i].pan, run->hypercall.args[1])
			TH_LOG("SPAN %d, PAN before %d", !!(cases[i].arg & PAN_ARG_SPAN),
			       !!(cases[i].arg & PAN_ARG_PAN));
		EXPECT_EQ(UCALL_DONE, test_vcpu_get_ucall(&self->t, i, &uc, &reason));
	}
}

/* Finding 28: DC CIVAC/CVAC/IVAC on a guest physical address without memory. */
TEST_F(gs, cache_maintenance_on_nothing_completes)
{
	struct avcpu_run *run;
	struct ucall uc;
	uint32_t reason;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_dc_unbacked, GUEST_MMIO_GPA + 0x1000));
	run = self->t.run[0];
	ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
	ASSERT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason)
		TH_LOG("exit %u (MMIO_NO_SYNDROME is %u)", run->exit_reason,
		       AVCPU_EXIT_MMIO_NO_SYNDROME);
	EXPECT_EQ(0, run->hypercall.imm);
	EXPECT_EQ(DC_DONE_CALL, run->hypercall.args[0]);
	EXPECT_EQ(UCALL_DONE, test_vcpu_get_ucall(&self->t, 0, &uc, &reason));
}

static int set_policy(struct test_vm *t, uint32_t first, uint32_t last, uint32_t action)
{
	struct avcpu_smc_policy p = { .nr_ranges = 1 };

	p.ranges[0].first = first;
	p.ranges[0].last = last;
	p.ranges[0].action = action;
	return ioctl(t->fd, AVCPU_SET_SMC_POLICY, &p) ? -errno : 0;
}

/* Finding 7: the SVE hint bit (16) neither hides PSCI from the policy nor from PSCI. */
TEST_F(gs, smc_sve_hint_does_not_bypass_the_policy)
{
	struct avcpu_vcpu_stats st;
	struct avcpu_run *run;

	RETURN_IF_SKIPPED();
	if (geteuid())
		SKIP(return, "ALLOW ranges need CAP_SYS_ADMIN");
	/* The review's range: everything above PSCI in owner 4, hinted PSCI included. */
	EXPECT_EQ(-EPERM, set_policy(&self->t, 0x84000020, 0x8401ffff, AVCPU_SMC_ALLOW));
	EXPECT_EQ(-EPERM, set_policy(&self->t, 0xc4010003, 0xc4010003, AVCPU_SMC_ALLOW));
	/* Reserved fast-call bits 23:17. */
	EXPECT_EQ(-EPERM, set_policy(&self->t, 0xc2020000, 0xc2020fff, AVCPU_SMC_ALLOW));
	EXPECT_EQ(-EPERM, set_policy(&self->t, 0x82000000, 0x82ffffff, AVCPU_SMC_ALLOW));
	/* SiP calls with and without the hint are fine. */
	ASSERT_EQ(0, set_policy(&self->t, 0x82000000, 0x8201ffff, AVCPU_SMC_ALLOW));

	/* SYSTEM_OFF with the hint: in-kernel PSCI serves it, nothing reaches firmware. */
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_smc, 0x84010008));
	run = self->t.run[0];
	ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
	EXPECT_EQ(AVCPU_EXIT_SYSTEM_EVENT, run->exit_reason)
		TH_LOG("exit %u imm %#llx", run->exit_reason,
		       (unsigned long long)run->hypercall.imm);
	EXPECT_EQ(AVCPU_SYSTEM_EVENT_OFF, run->system_event.type);
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_VCPU_STATS, &st));
	EXPECT_EQ(0, st.smc_forwarded);
}

/* Every id GET_REG_LIST names reads back and writes back unchanged. */
TEST_F(gs, every_listed_register_round_trips)
{
	struct avcpu_reg_list *list;
	uint64_t n = 0, i, value[2], again[2];
	struct avcpu_one_reg reg;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_spin_forever, 0));
	list = calloc(1, sizeof(*list));
	ASSERT_NE(NULL, list);
	list->n = 0;
	ASSERT_EQ(-1, ioctl(self->t.vcpu_fd[0], AVCPU_GET_REG_LIST, list));
	ASSERT_EQ(E2BIG, errno);
	n = list->n;
	list = realloc(list, sizeof(*list) + n * sizeof(uint64_t));
	ASSERT_NE(NULL, list);
	list->n = n;
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_REG_LIST, list));
	for (i = 0; i < n; i++) {
		memset(value, 0, sizeof(value));
		reg.id = list->reg[i];
		reg.addr = (uint64_t)value;
		ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_ONE_REG, &reg));
		EXPECT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_SET_ONE_REG, &reg))
			TH_LOG("id %#llx value %#llx: errno %d", (unsigned long long)reg.id,
			       (unsigned long long)value[0], errno);
		memset(again, 0, sizeof(again));
		reg.addr = (uint64_t)again;
		ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_ONE_REG, &reg));
		EXPECT_EQ(0, memcmp(value, again, sizeof(value)));
	}
	free(list);
}

/* Field 43 of /proc/thread-self/stat: guest time in clock ticks, or -1. */
static long long guest_ticks(void)
{
	char buf[1024], *p;
	long long v = -1;
	FILE *f = fopen("/proc/thread-self/stat", "r");
	int field;

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')'); /* field 2, the command, may hold spaces */
	if (!p)
		return -1;
	for (field = 2; field < 43 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		v = strtoll(p + 1, NULL, 10);
	return v;
}

/*
 * Before 6.8 kernel_neon_begin() disables bottom halves on arm64: the tick that ends a
 * run is taken inside RUN's FP/SIMD section, in softirq-disabled context, which tick-based
 * accounting counts as system time even with PF_VCPU set. Only vtime (nohz_full CPUs)
 * sees guest time there.
 */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	return !uname(&u) && sscanf(u.release, "%d.%d", &ma, &mi) == 2 &&
	       (ma > major || (ma == major && mi >= minor));
}

/* Finding 26: two seconds in the guest count as guest time. */
TEST_F_TIMEOUT(gs, guest_time_is_accounted, 60)
{
	long long before, after;
	long hz = sysconf(_SC_CLK_TCK);

	RETURN_IF_SKIPPED();
	if (!kernel_at_least(6, 8))
		SKIP(return, "kernel_neon_begin() disables BHs before 6.8: ticks in RUN count as system time");
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_spin_forever, 0));
	before = guest_ticks();
	ASSERT_LE(0, before);
	ASSERT_EQ(-EINTR, run_for(&self->t, 0, 2000));
	after = guest_ticks();
	TH_LOG("guest time: %lld ticks of %ld/s in 2 s of RUN", after - before, hz);
	EXPECT_LE(hz / 2, after - before);
}

TEST_HARNESS_MAIN
