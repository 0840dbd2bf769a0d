// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt lines (AVCPU_IRQ_LINE, type CPU): a guest takes an asserted IRQ or FIQ when it
 * unmasks it and not before, sees it in ISR_EL1 while masked, wakes from WFI on it; the
 * ioctl's errors; and the per-VM statistics that count line changes.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_harness_util.h"
#include "avcpu_irq_guest.h"
#include "avcpu_vm_util.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int irq_line(struct test_vm *t, uint32_t vcpu, uint32_t num, uint32_t level)
{
	struct avcpu_irq_level l = {
		.irq = AVCPU_IRQ(AVCPU_IRQ_TYPE_CPU, vcpu, num),
		.level = level,
	};

	return ioctl(t->fd, AVCPU_IRQ_LINE, &l) ? -errno : 0;
}

static void on_signal(int sig)
{
}

FIXTURE(irq) {
	struct test_vm t;
};

FIXTURE_SETUP(irq)
{
	if (!avcpu_module_path() && !avcpu_module_loaded())
		SKIP(return, "avcpu.ko not found (set AVCPU_MODULE)");
	if (!test_avcpu_available())
		SKIP(return, "avcpu cannot run guests here (refused to load?)");
	ASSERT_EQ(0, test_vm_create(&self->t));
	/* No SA_RESTART: a signal must end RUN with EINTR. */
	ASSERT_EQ(0, sigaction(SIGUSR1, &(struct sigaction){ .sa_handler = on_signal }, NULL));
}

FIXTURE_TEARDOWN(irq)
{
	test_vm_destroy(&self->t);
}

TEST_F(irq, capability_reports_the_cpu_line_type)
{
	long lines, expect;

	RETURN_IF_SKIPPED();
	lines = ioctl(self->t.dev, AVCPU_CHECK_CAP, AVCPU_CAP_IRQ_LINE);
	/* The CPU line always; the GIC's SPI and PPI lines exactly when a vGIC can exist. */
	expect = 1 << AVCPU_IRQ_TYPE_CPU;
	if (ioctl(self->t.dev, AVCPU_CHECK_CAP, AVCPU_CAP_VGIC) > 0)
		expect |= 1 << AVCPU_IRQ_TYPE_SPI | 1 << AVCPU_IRQ_TYPE_PPI;
	EXPECT_EQ(expect, lines);
	EXPECT_EQ(1, ioctl(self->t.dev, AVCPU_CHECK_CAP, AVCPU_CAP_VM_STATS));
}

/*
 * The guest reaches each stage with the line's interrupt masked; the host asserts the line,
 * the guest unmasks, takes it exactly once and the host acknowledges by deasserting.
 */
TEST_F_TIMEOUT(irq, taken_once_when_unmasked_and_acknowledged, 60)
{
	static const struct {
		uint32_t num;
		uint64_t vector, isr_bit;
	} stage[] = {
		{ AVCPU_IRQ_CPU_IRQ, 0x280, ISR_EL1_I },
		{ AVCPU_IRQ_CPU_FIQ, 0x300, ISR_EL1_F },
	};
	struct avcpu_run *run;
	struct ucall uc;
	uint32_t reason;
	uint64_t cmd;
	int s = -1, taken = 0;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_irq_unmask, 0));
	run = self->t.run[0];
	for (;;) {
		cmd = test_vcpu_get_ucall(&self->t, 0, &uc, &reason);
		if (cmd == UCALL_NONE && reason == AVCPU_EXIT_HYPERCALL &&
		    run->hypercall.imm == IRQ_REPORT_IMM) {
			ASSERT_LE(0, s);
			ASSERT_EQ(stage[s].vector, run->hypercall.args[2]);
			EXPECT_TRUE(run->hypercall.args[0] & stage[s].isr_bit);
			ASSERT_EQ(0, irq_line(&self->t, 0, stage[s].num, 0));
			taken++;
			continue;
		}
		ASSERT_EQ(UCALL_SYNC, cmd) TH_LOG("ucall %llu, exit %u", (unsigned long long)cmd,
						 reason);
		/* Each stage before this one took its interrupt exactly once. */
		ASSERT_EQ(s + 1, taken);
		ASSERT_EQ(s + 2, uc.args[0]);
		if (++s == 2)
			break;
		ASSERT_EQ(0, irq_line(&self->t, 0, stage[s].num, 1));
	}
	expect_done(_metadata, &self->t, 0);
}

/* A masked line shows in ISR_EL1 and nowhere else; both lines at once; deasserting clears. */
TEST_F(irq, masked_lines_show_in_isr_el1)
{
	static const struct {
		uint32_t num, level;
		uint64_t isr;
	} steps[] = {
		{ AVCPU_IRQ_CPU_IRQ, 0, 0 },
		{ AVCPU_IRQ_CPU_IRQ, 1, ISR_EL1_I },
		{ AVCPU_IRQ_CPU_FIQ, 1, ISR_EL1_I | ISR_EL1_F },
		{ AVCPU_IRQ_CPU_IRQ, 1, ISR_EL1_I | ISR_EL1_F },	/* no change */
		{ AVCPU_IRQ_CPU_IRQ, 0, ISR_EL1_F },
		{ AVCPU_IRQ_CPU_FIQ, 0, 0 },
	};
	const int n = sizeof(steps) / sizeof(steps[0]);
	struct avcpu_vcpu_stats st;
	struct avcpu_run *run;
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_isr_report, n));
	run = self->t.run[0];
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, irq_line(&self->t, 0, steps[i].num, steps[i].level));
		ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
		ASSERT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason);
		ASSERT_EQ(IRQ_ISR_IMM, run->hypercall.imm);
		EXPECT_EQ(steps[i].isr, run->hypercall.args[0] & (ISR_EL1_I | ISR_EL1_F))
			TH_LOG("step %d", i);
	}
	expect_done(_metadata, &self->t, 0);
	/* Four changes: the repeated assertion and the initial deassertion change nothing. */
	ASSERT_EQ(0, ioctl(self->t.vcpu_fd[0], AVCPU_GET_VCPU_STATS, &st));
	EXPECT_EQ(4, st.irq_changes);
}

struct wfi_run {
	struct test_vm *t;
	int ret;
	volatile int returned;
	double returned_at;
};

static void *run_wfi(void *arg)
{
	struct wfi_run *w = arg;

	w->ret = test_vcpu_run(w->t, 0);
	w->returned_at = now_ms();
	w->returned = 1;
	return NULL;
}

TEST_F_TIMEOUT(irq, line_ends_a_masked_wfi, 60)
{
	struct wfi_run w = { .t = &self->t };
	struct avcpu_run *run;
	double asserted;
	pthread_t th;
	int i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_irq_wfi, 0));
	run = self->t.run[0];
	ASSERT_EQ(0, pthread_create(&th, NULL, run_wfi, &w));
	usleep(300000);
	EXPECT_EQ(0, w.returned) TH_LOG("the guest left WFI with no line asserted");
	asserted = now_ms();
	ASSERT_EQ(0, irq_line(&self->t, 0, AVCPU_IRQ_CPU_IRQ, 1));
	for (i = 0; i < 200 && !w.returned; i++)
		usleep(10000);
	ASSERT_TRUE(w.returned) {
		run->immediate_exit = 1;
		pthread_kill(th, SIGUSR1);
	}
	pthread_join(th, NULL);
	TH_LOG("RUN returned %.2f ms after the line was asserted", w.returned_at - asserted);
	ASSERT_EQ(0, w.ret);
	ASSERT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason);
	ASSERT_EQ(IRQ_ISR_IMM, run->hypercall.imm);
	EXPECT_TRUE(run->hypercall.args[0] & ISR_EL1_I);
	EXPECT_LT(w.returned_at - asserted, 1000);
	expect_done(_metadata, &self->t, 0);
}

TEST_F(irq, bad_lines_are_refused)
{
	static const struct {
		uint32_t irq, level;
		int err;
	} bad[] = {
		{ AVCPU_IRQ(AVCPU_IRQ_TYPE_SPI, 0, 32), 1, -ENXIO },	/* no vGIC */
		{ AVCPU_IRQ(AVCPU_IRQ_TYPE_PPI, 0, 20), 1, -ENXIO },	/* no vGIC */
		{ AVCPU_IRQ(3, 0, 0), 1, -EINVAL },			/* no such type */
		{ AVCPU_IRQ(AVCPU_IRQ_TYPE_CPU, 0, 2), 1, -EINVAL },	/* no such input */
		{ AVCPU_IRQ(AVCPU_IRQ_TYPE_CPU, 0, 0), 2, -EINVAL },	/* not a level */
		{ AVCPU_IRQ(AVCPU_IRQ_TYPE_CPU, 200, 0), 1, -EINVAL },	/* beyond any vCPU id */
		{ AVCPU_IRQ(AVCPU_IRQ_TYPE_CPU, 3, 0), 1, -ENOENT },	/* no vCPU 3 */
	};
	struct avcpu_irq_level l;
	size_t i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, guest_isr_report, 1));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		l.irq = bad[i].irq;
		l.level = bad[i].level;
		EXPECT_EQ(-1, ioctl(self->t.fd, AVCPU_IRQ_LINE, &l)) TH_LOG("case %zu", i);
		EXPECT_EQ(-bad[i].err, errno) TH_LOG("case %zu", i);
	}
	EXPECT_EQ(-1, ioctl(self->t.fd, AVCPU_IRQ_LINE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	/* Nothing was asserted by the refusals. */
	ASSERT_EQ(0, test_vcpu_run(&self->t, 0));
	EXPECT_EQ(0, self->t.run[0]->hypercall.args[0] & (ISR_EL1_I | ISR_EL1_F));
}

/* The VM's counters: the sum over its vCPUs, closed ones included, and its memory. */
TEST_F(irq, vm_stats_sum_vcpus_and_keep_closed_ones)
{
	struct avcpu_vcpu_stats st[2];
	struct avcpu_vm_stats vs;
	int i;

	RETURN_IF_SKIPPED();
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, test_vcpu_add(&self->t, i, guest_isr_report, 3 + i));
		ASSERT_EQ(0, irq_line(&self->t, i, AVCPU_IRQ_CPU_FIQ, 1));
		ASSERT_EQ(3 + i, test_vcpu_hypercalls_to_done(&self->t, i, IRQ_ISR_IMM));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, ioctl(self->t.vcpu_fd[i], AVCPU_GET_VCPU_STATS, &st[i]));
	EXPECT_EQ(3, st[0].exits[AVCPU_EXIT_HYPERCALL]);
	EXPECT_EQ(4, st[1].exits[AVCPU_EXIT_HYPERCALL]);

	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_GET_VM_STATS, &vs));
	EXPECT_EQ(2, vs.vcpus);
	EXPECT_EQ(2, vs.vcpus_created);
	EXPECT_EQ(2, vs.memory_slots);
	/* Pinned on first touch: some of the binary, a stack page each, at most both slots. */
	EXPECT_LE(3 * 4096, vs.memory_bytes);
	EXPECT_GE(self->t.image_size + GUEST_STACK_SLOT_SIZE, vs.memory_bytes);
	EXPECT_EQ(7, vs.total.exits[AVCPU_EXIT_HYPERCALL]);
	EXPECT_EQ(2, vs.total.exits[AVCPU_EXIT_MMIO]);	/* the two DONE ucalls */
	EXPECT_EQ(2, vs.total.irq_changes);
	EXPECT_EQ(st[0].el2_exits + st[1].el2_exits, vs.total.el2_exits);
	EXPECT_LT(0, vs.total.guest_ns);

	/* vCPU 1 goes; what it did stays in the total. */
	munmap(self->t.run[1], getpagesize());
	self->t.run[1] = NULL;
	close(self->t.vcpu_fd[1]);
	self->t.vcpu_fd[1] = -1;
	ASSERT_EQ(0, ioctl(self->t.fd, AVCPU_GET_VM_STATS, &vs));
	EXPECT_EQ(1, vs.vcpus);
	EXPECT_EQ(2, vs.vcpus_created);
	EXPECT_EQ(7, vs.total.exits[AVCPU_EXIT_HYPERCALL]);
	EXPECT_EQ(2, vs.total.irq_changes);
	/* Its line went with it. */
	EXPECT_EQ(-ENOENT, irq_line(&self->t, 1, AVCPU_IRQ_CPU_FIQ, 0));
}

TEST_HARNESS_MAIN
