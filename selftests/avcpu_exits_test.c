// SPDX-License-Identifier: GPL-2.0
/*
 * The full exit model: system-register exits and UNDEF injection, the SMC policy and
 * firmware forwarding, PSCI 1.1 in the kernel and in userspace with SMP guests, WFI,
 * kicks, and the per-vCPU counters.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_harness_util.h"
#include "avcpu_exits_guest.h"
#include "avcpu_irq_guest.h"
#include "avcpu_vm_util.h"
#include "avcpu_vm_guest.h"

static void on_signal(int sig)
{
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

FIXTURE(exits) {
	struct test_vm t;
};

FIXTURE_SETUP(exits)
{
	setup_guest_fixture(_metadata, &self->t, SIGUSR1, on_signal);
}

FIXTURE_TEARDOWN(exits)
{
	test_vm_destroy(&self->t);
}

/* Runs vCPU n to its next exit and checks the reason. */
#define RUN_EXPECT(n, reason)                                                     \
	do {                                                                      \
		ASSERT_EQ(0, test_vcpu_run(&self->t, (n)));                       \
		ASSERT_EQ((reason), self->t.run[(n)]->exit_reason)                \
			TH_LOG("vCPU %d: exit %u", (n), self->t.run[(n)]->exit_reason); \
	} while (0)

TEST_F(exits, sysreg_exits_completion_and_undef)
{
	struct avcpu_run *run;
	struct avcpu_vcpu_stats st;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_sysregs, 0));
	run = self->t.run[0];

	/* MRS ACTLR_EL1: an exit with the encoding; the host's value lands in Rt. */
	RUN_EXPECT(0, AVCPU_EXIT_SYSREG);
	EXPECT_EQ(3, run->sysreg.op0);
	EXPECT_EQ(0, run->sysreg.op1);
	EXPECT_EQ(1, run->sysreg.crn);
	EXPECT_EQ(0, run->sysreg.crm);
	EXPECT_EQ(1, run->sysreg.op2);
	EXPECT_FALSE(run->sysreg.is_write);
	run->sysreg.value = 0xac71;
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(1, run->hypercall.args[0]);
	EXPECT_EQ(0xac71, run->hypercall.args[1]);

	/* MSR ACTLR_EL1: the value written comes out. */
	RUN_EXPECT(0, AVCPU_EXIT_SYSREG);
	EXPECT_TRUE(run->sysreg.is_write);
	EXPECT_EQ(1, run->sysreg.crn);
	EXPECT_EQ(1, run->sysreg.op2);
	EXPECT_EQ(0x5151, run->sysreg.value);

	/* CNTP_CTL_EL0 (the host's timer) read, refused by the VMM: UNDEF in the guest. */
	RUN_EXPECT(0, AVCPU_EXIT_SYSREG);
	EXPECT_EQ(14, run->sysreg.crn);
	EXPECT_EQ(2, run->sysreg.crm);
	run->sysreg.inject_undef = 1;
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(VEC_REPORT_IMM, run->hypercall.imm) TH_LOG("no UNDEF taken");
	EXPECT_EQ(0, run->hypercall.args[0] >> 26) TH_LOG("ESR_EL1 EC not 'unknown'");
	EXPECT_EQ(0x200, run->hypercall.args[2]) TH_LOG("not the current-EL sync vector");
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(2, run->hypercall.args[0]);

	/* PMCR_EL0 (PMU hidden): UNDEF without any exit to us. */
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(VEC_REPORT_IMM, run->hypercall.imm);
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(3, run->hypercall.args[0]);
	/* Writing an ID register: UNDEF. */
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(VEC_REPORT_IMM, run->hypercall.imm);
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(4, run->hypercall.args[0]);
	/* OS lock: ignored, reads zero. */
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(5, run->hypercall.args[0]);
	EXPECT_EQ(0, run->hypercall.args[1]);
	/* DC ISW handled, MDSCR_EL1 kept per guest. */
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(6, run->hypercall.args[0]);
	EXPECT_EQ(0x1000, run->hypercall.args[1]);
	expect_done(_metadata, &self->t, 0);

	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_VCPU_STATS, &st));
	EXPECT_EQ(3, st.exits[AVCPU_EXIT_SYSREG]);
	EXPECT_LE(6, st.sysreg_emulated) TH_LOG("emulated at EL2: %llu", st.sysreg_emulated);
	EXPECT_LE(st.exits[AVCPU_EXIT_HYPERCALL] + 3, st.el2_exits);
}

/*
 * A fetch from a guest physical address with neither memory nor a device: a synchronous
 * external abort in the guest's own vector table (EC 0x21 from EL1, IFSC 0x10), ELR at
 * the address it branched to; the run goes on.
 */
TEST_F(exits, fetch_from_nowhere_is_an_external_abort)
{
	const uint64_t nowhere = 0x20000000;
	struct avcpu_vcpu_stats st;
	struct avcpu_run *run;
	uint64_t esr;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_fetch_nowhere, nowhere));
	run = self->t.run[0];
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	ASSERT_EQ(VEC_REPORT_IMM, run->hypercall.imm) TH_LOG("no exception taken");
	esr = run->hypercall.args[0];
	EXPECT_EQ(0x21, esr >> 26 & 0x3f) TH_LOG("ESR_EL1 %#llx", (unsigned long long)esr);
	EXPECT_EQ(0x10, esr & 0x3f) TH_LOG("IFSC not a synchronous external abort");
	EXPECT_TRUE(esr >> 25 & 1) TH_LOG("IL clear");
	EXPECT_EQ(nowhere, run->hypercall.args[1]) TH_LOG("ELR_EL1 not the target");
	EXPECT_EQ(0x200, run->hypercall.args[2]) TH_LOG("not the current-EL sync vector");
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_VCPU_STATS, &st));
	EXPECT_EQ(1, st.aborts_injected);
	EXPECT_EQ(0, st.exits[AVCPU_EXIT_EXCEPTION]);
}

TEST_F(exits, smc_default_exits_like_a_hypercall)
{
	struct avcpu_run *run;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_smc_default, 0));
	run = self->t.run[0];
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(AVCPU_HYPERCALL_SMC, run->hypercall.flags);
	EXPECT_EQ(0x12, run->hypercall.imm);
	EXPECT_EQ(0x82000001, run->hypercall.args[0]);
	run->hypercall.ret[0] = 0x77;
	run->hypercall.ret[1] = 0x99;
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(0, run->hypercall.flags);
	EXPECT_EQ(2, run->hypercall.args[0]) TH_LOG("PC wrong after the SMC");
	EXPECT_EQ(0x99, run->hypercall.args[1]);
	expect_done(_metadata, &self->t, 0);
}

static int set_policy(struct test_vm *t, const struct avcpu_smc_range *r, unsigned int n)
{
	struct avcpu_smc_policy p = { .nr_ranges = n };

	memcpy(p.ranges, r, n * sizeof(*r));
	return ioctl(t->fd, AVCPU_SET_SMC_POLICY, &p) ? -errno : 0;
}

TEST_F(exits, smc_policy_forward_deny_refuse)
{
	const struct avcpu_config_ranges {
		struct avcpu_smc_range r[4];
	} good = { {
		{ 0x84000000, 0x84000000, AVCPU_SMC_ALLOW, 0 },	/* PSCI_VERSION */
		{ 0x8400000a, 0x8400000a, AVCPU_SMC_ALLOW, 0 },	/* PSCI_FEATURES */
		{ 0x82000000, 0x8200ffff, AVCPU_SMC_ALLOW, 0 },	/* SiP: nothing answers it */
		{ 0x86000000, 0x8600ffff, AVCPU_SMC_DENY, 0 },
	} };
	struct avcpu_smc_range bad = { 0x84000000, 0x84000003, AVCPU_SMC_ALLOW, 0 };
	struct avcpu_vm_config cfg = { .flags = AVCPU_VM_PSCI_USER };
	struct avcpu_vcpu_stats st;
	struct avcpu_run *run;

	RETURN_IF_SKIPPED();
	/* Power-state calls can never be forwarded. */
	EXPECT_EQ(-EPERM, set_policy(&self->t, &bad, 1));
	bad.first = bad.last = 0xc4000003;
	EXPECT_EQ(-EPERM, set_policy(&self->t, &bad, 1));
	bad.action = 7;
	EXPECT_EQ(-EINVAL, set_policy(&self->t, &bad, 1));
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_SET_VM_CONFIG, &cfg));
	ASSERT_EQ(0, set_policy(&self->t, good.r, 4));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_smc_calls, 0));
	/* Fixed once a vCPU exists. */
	EXPECT_EQ(-EBUSY, set_policy(&self->t, good.r, 4));
	EXPECT_EQ(-1, ioctl(self->t.fd, AVCPU_SET_VM_CONFIG, &cfg));
	EXPECT_EQ(EBUSY, errno);

	run = self->t.run[0];
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	ASSERT_EQ(0x10, run->hypercall.args[0]);
	TH_LOG("firmware PSCI_VERSION %#llx", (unsigned long long)run->hypercall.args[1]);
	EXPECT_LE(0x2, run->hypercall.args[1]) TH_LOG("not a PSCI version");
	EXPECT_GT(0x20000, run->hypercall.args[1]);
	EXPECT_EQ(0, run->hypercall.args[2]) TH_LOG("PSCI_FEATURES(VERSION)");
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	ASSERT_EQ(0x11, run->hypercall.args[0]);
	EXPECT_EQ(-1ULL, run->hypercall.args[1]) TH_LOG("unimplemented call: NOT_SUPPORTED");
	EXPECT_EQ(-1ULL, run->hypercall.args[2]) TH_LOG("denied call: NOT_SUPPORTED");
	expect_done(_metadata, &self->t, 0);
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_VCPU_STATS, &st));
	EXPECT_EQ(3, st.smc_forwarded);
	/* EL2 is intact after the firmware refused a call. */
	EXPECT_EQ(0, access("/sys/kernel/debug/avcpu/cpus", R_OK));
}

/* The guest's own copy of guest_secondary_seen[i]. */
static uint64_t guest_secondary_seen_host(struct test_vm *t, int i)
{
	return *(volatile uint64_t *)test_gpa_to_hva(t, (uint64_t)&guest_secondary_seen[i]);
}

struct vcpu_thread {
	struct test_vm *t;
	int n;
	int ret;
	uint32_t reason;
	pthread_t th;
};

/* Runs until an exit other than a ucall SYNC, or RUN fails (EINTR for stopped vCPUs). */
static void *vcpu_loop(void *arg)
{
	struct vcpu_thread *v = arg;
	struct ucall uc;

	for (;;) {
		uint64_t cmd = test_vcpu_get_ucall(v->t, v->n, &uc, &v->reason);

		if (cmd == UCALL_SYNC)
			continue;
		v->ret = v->reason == AVCPU_EXIT_NONE ? -errno : 0;
		if (cmd == UCALL_ABORT)
			v->reason = 0xdead0000 | (uint32_t)uc.args[0];
		return NULL;
	}
}

/* Three vCPUs turn the same fourth one on at once, 20 times: exactly one succeeds. */
TEST_F_TIMEOUT(exits, concurrent_cpu_on_of_one_target, 300)
{
	struct avcpu_power_state off = { .state = AVCPU_POWER_OFF };
	struct vcpu_thread v[4];
	int round, i, success;
	int64_t r;

	RETURN_IF_SKIPPED();
	for (round = 0; round < 20; round++) {
		test_vm_destroy(&self->t);
		ASSERT_EQ(0, test_vm_create(&self->t));
		for (i = 0; i < 3; i++)
			ASSERT_EQ(0, test_vcpu_add(&self->t, i, guest_cpu_on_race, i));
		ASSERT_EQ(0, test_vcpu_add(&self->t, 3, guest_spin, 0));
		ASSERT_EQ(0, ioctl(self->t.vcpu_fd[3], AVCPU_SET_POWER_STATE, &off));
		for (i = 0; i < 4; i++) {
			v[i] = (struct vcpu_thread){ .t = &self->t, .n = i };
			ASSERT_EQ(0, pthread_create(&v[i].th, NULL, vcpu_loop, &v[i]));
		}
		for (i = 0, success = 0; i < 3; i++) {
			pthread_join(v[i].th, NULL);
			EXPECT_EQ(AVCPU_EXIT_MMIO, v[i].reason) TH_LOG("racer %d", i);
			r = *(volatile int64_t *)test_gpa_to_hva(&self->t,
								 (uint64_t)&guest_race_result[i]);
			success += r == 0;
			EXPECT_TRUE(r == 0 || r == -4 || r == -5)
				TH_LOG("round %d racer %d: %lld", round, i, (long long)r);
		}
		EXPECT_EQ(1, success) TH_LOG("round %d: %d callers succeeded", round, success);
		/* The target came up with its context (it stays on, waiting in WFI)... */
		for (i = 0; i < 10000 && guest_secondary_seen_host(&self->t, 3) != 0x203; i++)
			usleep(1000);
		EXPECT_EQ(0x203, guest_secondary_seen_host(&self->t, 3)) TH_LOG("round %d", round);
		/*
		 * ...and is stopped with the kick pattern: immediate_exit first, so that a
		 * thread not yet (or no longer) in RUN returns at once too, then the signal.
		 */
		self->t.run[3]->immediate_exit = 1;
		pthread_kill(v[3].th, SIGUSR1);
		pthread_join(v[3].th, NULL);
	}
}

TEST_F_TIMEOUT(exits, psci_smp_boot_and_system_off, 120)
{
	struct avcpu_power_state ps = { .state = AVCPU_POWER_OFF };
	struct vcpu_thread v[4];
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_psci_boot, 4));
	for (i = 1; i < 4; i++) {
		ASSERT_EQ(0, test_vcpu_add(&self->t, i, guest_spin, 0));
		ASSERT_EQ(0, ioctl(self->t.vcpu_fd[i], AVCPU_SET_POWER_STATE, &ps));
	}
	for (i = 0; i < 4; i++) {
		v[i] = (struct vcpu_thread){ .t = &self->t, .n = i };
		ASSERT_EQ(0, pthread_create(&v[i].th, NULL, vcpu_loop, &v[i]));
	}
	pthread_join(v[0].th, NULL);
	EXPECT_EQ(0, v[0].ret);
	EXPECT_EQ(AVCPU_EXIT_SYSTEM_EVENT, v[0].reason) TH_LOG("vCPU 0 ended with %#x", v[0].reason);
	EXPECT_EQ(AVCPU_SYSTEM_EVENT_OFF, self->t.run[0]->system_event.type);
	/* Every vCPU is stopped: the others sleep in RUN until a signal ends it. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, ioctl(self->t.vcpu_fd[i], AVCPU_GET_POWER_STATE, &ps));
		EXPECT_EQ(AVCPU_POWER_OFF, ps.state) TH_LOG("vCPU %d", i);
	}
	for (i = 1; i < 4; i++) {
		pthread_kill(v[i].th, SIGUSR1);
		pthread_join(v[i].th, NULL);
		EXPECT_EQ(-EINTR, v[i].ret) TH_LOG("vCPU %d: %d, exit %#x", i, v[i].ret, v[i].reason);
		EXPECT_EQ(0x100 + i, guest_secondary_seen_host(&self->t, i));
	}
}

TEST_F_TIMEOUT(exits, psci_in_userspace, 120)
{
	struct avcpu_vm_config cfg = { .flags = AVCPU_VM_PSCI_USER };
	struct avcpu_power_state ps = { .state = AVCPU_POWER_OFF };
	struct vcpu_thread v1;
	struct avcpu_run *run;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_SET_VM_CONFIG, &cfg));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_psci_user, 0));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 1, guest_spin, 0));
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[1], AVCPU_SET_POWER_STATE, &ps));
	run = self->t.run[0];

	/* PSCI_VERSION: an ordinary hypercall the VMM answers. */
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	EXPECT_EQ(0x84000000, run->hypercall.args[0]);
	run->hypercall.ret[0] = 0x10002;
	/* CPU_ON arrives as its own exit; the VMM starts the target itself. */
	RUN_EXPECT(0, AVCPU_EXIT_CPU_ON);
	EXPECT_EQ(0xc4000003, run->psci.function);
	EXPECT_EQ(1, run->psci.target_mpidr);
	EXPECT_EQ((uint64_t)guest_secondary_entry, run->psci.entry);
	EXPECT_EQ(0x101, run->psci.context);
	ps = (struct avcpu_power_state){ .state = AVCPU_POWER_ON, .flags = AVCPU_POWER_RESET,
					 .entry = run->psci.entry, .context = run->psci.context };
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[1], AVCPU_SET_POWER_STATE, &ps));
	run->psci.ret = 0;
	v1 = (struct vcpu_thread){ .t = &self->t, .n = 1 };
	ASSERT_EQ(0, pthread_create(&v1.th, NULL, vcpu_loop, &v1));
	/* vCPU 1 says CPU_OFF; vCPU 0 then asks for SYSTEM_RESET. */
	pthread_join(v1.th, NULL);
	EXPECT_EQ(AVCPU_EXIT_CPU_OFF, v1.reason);
	EXPECT_EQ(0x84000002, self->t.run[1]->psci.function);
	RUN_EXPECT(0, AVCPU_EXIT_SYSTEM_EVENT);
	EXPECT_EQ(AVCPU_SYSTEM_EVENT_RESET, run->system_event.type);
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[1], AVCPU_GET_POWER_STATE, &ps));
	EXPECT_EQ(AVCPU_POWER_OFF, ps.state);
}

static double thread_cpu_ms(pthread_t th)
{
	clockid_t cid;
	struct timespec ts;

	if (pthread_getcpuclockid(th, &cid) || clock_gettime(cid, &ts))
		return -1;
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct kick_sample {
	struct test_vm *t;
	volatile int in_run;
	double returned_at;
	int ret;
};

static void *run_once(void *arg)
{
	struct kick_sample *k = arg;

	k->in_run = 1;
	k->ret = test_vcpu_run(k->t, 0);
	k->returned_at = now_ms();
	return NULL;
}

TEST_F_TIMEOUT(exits, wfi_sleeps_without_cpu_and_wakes_on_kick, 60)
{
	struct kick_sample k = { .t = &self->t };
	struct avcpu_vcpu_stats st;
	double cpu_before, cpu_after, kicked;
	pthread_t th;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_wfi, 0));
	ASSERT_EQ(0, pthread_create(&th, NULL, run_once, &k));
	usleep(200000);
	cpu_before = thread_cpu_ms(th);
	sleep(2);
	cpu_after = thread_cpu_ms(th);
	TH_LOG("vCPU thread CPU time over 2 s of WFI: %.1f ms", cpu_after - cpu_before);
	EXPECT_LT(cpu_after - cpu_before, 100);
	/* The kick: immediate_exit, then a signal. */
	kicked = now_ms();
	self->t.run[0]->immediate_exit = 1;
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	TH_LOG("woke %.2f ms after the kick", k.returned_at - kicked);
	EXPECT_EQ(-EINTR, k.ret);
	EXPECT_LT(k.returned_at - kicked, 100);
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_VCPU_STATS, &st));
	EXPECT_LE(1, st.wfi_sleeps);
	EXPECT_EQ(0, st.exits[AVCPU_EXIT_HYPERCALL]);
}

TEST_F(exits, wfi_wakes_at_the_virtual_timer_deadline)
{
	struct avcpu_run *run;
	double ms;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_wfi, 50));
	run = self->t.run[0];
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	ASSERT_EQ(0x20, run->hypercall.args[0]);
	ms = run->hypercall.args[1] * 1e3 / run->hypercall.args[2];
	TH_LOG("WFI with a 50 ms timer slept %.1f ms of guest time", ms);
	EXPECT_GE(ms, 49);
	EXPECT_LT(ms, 1000);
}

TEST_F(exits, wfi_as_an_exit)
{
	struct avcpu_vm_config cfg = { .flags = AVCPU_VM_WFI_EXIT };
	struct avcpu_regs regs;
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_SET_VM_CONFIG, &cfg));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_wfi, 0));
	for (i = 0; i < 3; i++) {
		RUN_EXPECT(0, AVCPU_EXIT_WFI);
		/* The PC is already past the WFI. */
		ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_REGS, &regs));
		EXPECT_EQ(0xd503207f, *(uint32_t *)test_gpa_to_hva(&self->t, regs.pc - 4));
	}
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

TEST_F_TIMEOUT(exits, kicks_1000_masked_spinning, 300)
{
	double worst = 0, total = 0, kicked, latency[1000];
	struct kick_sample k = { .t = &self->t };
	pthread_t th;
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_spin_masked, 0));
	for (i = 0; i < 1000; i++) {
		self->t.run[0]->immediate_exit = 0;
		k.in_run = 0;
		ASSERT_EQ(0, pthread_create(&th, NULL, run_once, &k));
		while (!k.in_run)
			;
		usleep(1000);
		kicked = now_ms();
		self->t.run[0]->immediate_exit = 1;
		pthread_kill(th, SIGUSR1);
		pthread_join(th, NULL);
		ASSERT_EQ(-EINTR, k.ret) TH_LOG("kick %d", i);
		latency[i] = k.returned_at - kicked;
		if (latency[i] > worst)
			worst = latency[i];
		total += latency[i];
	}
	qsort(latency, 1000, sizeof(latency[0]), compare_doubles);
	TH_LOG("1000 kicks: mean %.3f ms, 99th percentile %.3f ms, worst %.3f ms", total / 1000,
	       latency[989], worst);
	/*
	 * A kick that waited for anything but the IPI shows in the bulk of the samples; one
	 * late sample is the test machine's own scheduling under TCG (seen: 126 ms once in
	 * 1,000 on 6.1/max, 1.08 s once on QEMU 10 with the host machine overloaded). A lost
	 * kick would never return at all: 5 s tells one from the other.
	 */
	EXPECT_LT(latency[989], 100);
	EXPECT_LT(worst, 5000);
}

/*
 * SET_REGS after an exit replaces the registers wholesale: the hypercall's ret (x0..x3)
 * and the MMIO store's PC step are not applied on top of them.
 */
TEST_F(exits, set_regs_voids_the_pending_completion)
{
	struct avcpu_regs entry, regs;
	struct avcpu_run *run;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_isr_report, 3));
	run = self->t.run[0];
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_REGS, &entry));

	/* A hypercall exit whose ret would set count (x0) to a huge number... */
	RUN_EXPECT(0, AVCPU_EXIT_HYPERCALL);
	run->hypercall.ret[0] = 0xdead;
	/* ...replaced by a restart of the function with count 1. */
	regs = entry;
	regs.x[0] = 1;
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_SET_REGS, &regs));
	ASSERT_EQ(1, test_vcpu_hypercalls_to_done(&self->t, 0, IRQ_ISR_IMM));

	/* The DONE ucall is an MMIO store; restart again, at the function's first instruction. */
	regs.x[0] = 2;
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_SET_REGS, &regs));
	ASSERT_EQ(2, test_vcpu_hypercalls_to_done(&self->t, 0, IRQ_ISR_IMM));
}

TEST_F(exits, stats_start_at_zero)
{
	struct avcpu_vcpu_stats st;
	size_t i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_spin, 0));
	memset(&st, 0xff, sizeof(st));
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_VCPU_STATS, &st));
	for (i = 0; i < sizeof(st) / 8; i++)
		EXPECT_EQ(0, ((uint64_t *)&st)[i]) TH_LOG("field %zu", i);
}

TEST_HARNESS_MAIN
