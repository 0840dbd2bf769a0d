// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel vGIC, one vCPU at a time: AVCPU_CREATE_VGIC, AVCPU_IRQ_LINE and
 * AVCPU_GET_VGIC_IRQ and their errors; what a guest finds in the GIC; the virtual and
 * physical timers through it; SPIs from userspace (edge, level, priority order) and the
 * active state. A VM without a vGIC, SGIs among vCPUs, hostile guests and the host's
 * health are in avcpu_vgic_irq_test.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_vgic_util.h"

#define D VGIC_DIST_GPA
#define R VGIC_REDIST_GPA

FIXTURE(vgic) {
	struct test_vm t;
};

FIXTURE_SETUP(vgic)
{
	vgic_test_setup(_metadata, &self->t);
}

FIXTURE_TEARDOWN(vgic)
{
	if (self->t.dev > 0)
		test_vm_destroy(&self->t);
}

TEST_F(vgic, capabilities)
{
	long spis;

	RETURN_IF_SKIPPED();
	spis = ioctl(self->t.dev, AVCPU_CHECK_CAP, AVCPU_CAP_VGIC);
	EXPECT_EQ(0, spis % 32);
	EXPECT_GE(988, spis) TH_LOG("more SPIs than INTIDs 32-1019");
	EXPECT_EQ(7, ioctl(self->t.dev, AVCPU_CHECK_CAP, AVCPU_CAP_IRQ_LINE) & 7)
		TH_LOG("AVCPU_IRQ_TYPE_CPU, _SPI and _PPI should all work");
}

/* Special values in bad_configs: resolved at run time. */
#define AT_IPA_END	1ULL		/* base: the first address past the IPA space */
#define NEAR_IPA_END	2ULL		/* base: 128 KiB below it */
#define CAP_PLUS_32	0xffffffffU	/* nr_spis: AVCPU_CAP_VGIC + 32 */
#define MAX_PLUS_1	0xffffffffU	/* nr_redists: AVCPU_CAP_MAX_VCPUS + 1 */

static const struct {
	const char *what;
	uint64_t dist, redist;
	uint32_t nr_spis, nr_redists;
	int reserved;		/* which reserved[] word is set, + 1 */
} bad_configs[] = {
	{ "GICD not 64 KiB aligned", D + 0x1000, R, 96, 3, 0 },
	{ "GICR not 64 KiB aligned", D, R + 0x8000, 96, 3, 0 },
	{ "GICD on the stack slot", GUEST_STACK_GPA, R, 96, 3, 0 },
	{ "GICR on the stack slot", D, GUEST_STACK_GPA + 0x10000, 96, 3, 0 },
	{ "GICR region running into the stack slot", D, GUEST_STACK_GPA - 0x20000, 96, 3, 0 },
	{ "GICD inside the GICR region", R + 0x20000, R, 96, 3, 0 },
	{ "GICR at GICD", D, D, 96, 3, 0 },
	{ "GICR region running into GICD", D, D - 0x20000, 96, 3, 0 },
	{ "GICD past the IPA space", AT_IPA_END, R, 96, 3, 0 },
	{ "GICR region crossing the IPA limit", D, NEAR_IPA_END, 96, 3, 0 },
	{ "nr_spis 0", D, R, 0, 3, 0 },
	{ "nr_spis 48", D, R, 48, 3, 0 },
	{ "nr_spis 97", D, R, 97, 3, 0 },
	{ "nr_spis above AVCPU_CAP_VGIC", D, R, CAP_PLUS_32, 3, 0 },
	{ "nr_spis 1024", D, R, 1024, 3, 0 },
	{ "nr_redists 0", D, R, 96, 0, 0 },
	{ "nr_redists 2 with vCPU 2 created", D, R, 96, 2, 0 },
	{ "nr_redists above AVCPU_CAP_MAX_VCPUS", D, R, 96, MAX_PLUS_1, 0 },
	{ "reserved[0] set", D, R, 96, 3, 1 },
	{ "reserved[3] set", D, R, 96, 3, 4 },
};

static void resolve_config(struct test_vm *t, int i, struct avcpu_vgic_config *c)
{
	uint64_t ipa_end = 1ULL << ioctl(t->dev, AVCPU_CHECK_CAP, AVCPU_CAP_IPA_BITS);

	memset(c, 0, sizeof(*c));
	c->dist_base = bad_configs[i].dist == AT_IPA_END ? ipa_end : bad_configs[i].dist;
	c->redist_base = bad_configs[i].redist == NEAR_IPA_END ? ipa_end - 0x20000 :
			 bad_configs[i].redist;
	c->nr_spis = bad_configs[i].nr_spis;
	if (c->nr_spis == CAP_PLUS_32)
		c->nr_spis = ioctl(t->dev, AVCPU_CHECK_CAP, AVCPU_CAP_VGIC) + 32;
	c->nr_redists = bad_configs[i].nr_redists;
	if (c->nr_redists == MAX_PLUS_1)
		c->nr_redists = ioctl(t->dev, AVCPU_CHECK_CAP, AVCPU_CAP_MAX_VCPUS) + 1;
	if (bad_configs[i].reserved)
		c->reserved[bad_configs[i].reserved - 1] = 1;
}

TEST_F(vgic, create_refuses_bad_configs_then_exists)
{
	struct avcpu_vgic_config c;
	size_t i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 2, vgic_guest_probe, 3));
	for (i = 0; i < ARRAY_SIZE(bad_configs); i++) {
		resolve_config(&self->t, i, &c);
		EXPECT_EQ(-1, ioctl(self->t.fd, AVCPU_CREATE_VGIC, &c))
			TH_LOG("%s: accepted", bad_configs[i].what);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s: %s", bad_configs[i].what, strerror(errno));
	}
	/* None of them made a vGIC: SPIs still have nowhere to go. */
	EXPECT_EQ(-ENXIO, vgic_spi(&self->t, 32, 1));
	ASSERT_EQ(0, vgic_create(&self->t, 3));
	EXPECT_EQ(-EEXIST, vgic_create(&self->t, 3));
	c = (struct avcpu_vgic_config){ .dist_base = 0x20000000, .redist_base = 0x20100000,
					.nr_spis = 32, .nr_redists = 4 };
	EXPECT_EQ(-1, ioctl(self->t.fd, AVCPU_CREATE_VGIC, &c));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, ioctl(self->t.fd, AVCPU_CREATE_VGIC, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(vgic, create_after_a_run_is_busy_and_lines_need_a_vgic)
{
	struct ucall uc;
	uint32_t reason;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, (void (*)(uint64_t))guest_return_done, 0));
	/* Without a vGIC: SPI and PPI lines have nowhere to go; the CPU line works. */
	EXPECT_EQ(-ENXIO, vgic_spi(&self->t, 32, 1));
	EXPECT_EQ(-ENXIO, vgic_line(&self->t, AVCPU_IRQ_TYPE_PPI, 0, 16, 1));
	EXPECT_EQ(0, vgic_line(&self->t, AVCPU_IRQ_TYPE_CPU, 0, AVCPU_IRQ_CPU_IRQ, 1));
	EXPECT_EQ(0, vgic_line(&self->t, AVCPU_IRQ_TYPE_CPU, 0, AVCPU_IRQ_CPU_IRQ, 0));
	ASSERT_EQ(UCALL_DONE, test_vcpu_get_ucall(&self->t, 0, &uc, &reason));
	EXPECT_EQ(-EBUSY, vgic_create(&self->t, 1));
	EXPECT_EQ(-ENXIO, vgic_spi(&self->t, 32, 1));
}

static const struct {
	uint32_t type, vcpu, num, level;
	int err;
} lines[] = {
	{ AVCPU_IRQ_TYPE_SPI, 0, 31, 1, -EINVAL },		/* a PPI's INTID */
	{ AVCPU_IRQ_TYPE_SPI, 0, 128, 1, -EINVAL },		/* past 32 + nr_spis */
	{ AVCPU_IRQ_TYPE_SPI, 0, 1023, 1, -EINVAL },
	{ AVCPU_IRQ_TYPE_SPI, 1, 32, 1, -EINVAL },		/* vCPU field not 0 */
	{ AVCPU_IRQ_TYPE_SPI, 0, 32, 2, -EINVAL },		/* not a level */
	{ AVCPU_IRQ_TYPE_PPI, 0, INTID_VTIMER, 1, -EINVAL },	/* the kernel's */
	{ AVCPU_IRQ_TYPE_PPI, 0, INTID_PTIMER, 1, -EINVAL },	/* the kernel's */
	{ AVCPU_IRQ_TYPE_PPI, 0, 15, 1, -EINVAL },		/* an SGI */
	{ AVCPU_IRQ_TYPE_PPI, 0, 32, 1, -EINVAL },		/* an SPI */
	{ AVCPU_IRQ_TYPE_CPU, 0, AVCPU_IRQ_CPU_IRQ, 1, -EBUSY },	/* the GIC owns it */
	{ AVCPU_IRQ_TYPE_CPU, 0, AVCPU_IRQ_CPU_FIQ, 1, -EBUSY },
	{ 3, 0, 32, 1, -EINVAL },				/* no such type */
	{ AVCPU_IRQ_TYPE_SPI, 0, 32, 1, 0 },
	{ AVCPU_IRQ_TYPE_SPI, 0, 127, 1, 0 },
	{ AVCPU_IRQ_TYPE_PPI, 0, 16, 1, 0 },
	{ AVCPU_IRQ_TYPE_PPI, 0, 31, 0, 0 },
};

static void expect_state(struct __test_metadata *_metadata, struct test_vm *t, uint32_t intid,
			 uint32_t vcpu, int pending, int level, int edge)
{
	struct avcpu_vgic_irq irq;

	ASSERT_EQ(0, vgic_irq_state(t, intid, vcpu, &irq)) TH_LOG("INTID %u", intid);
	EXPECT_EQ(pending, irq.pending) TH_LOG("INTID %u", intid);
	EXPECT_EQ(level, irq.level) TH_LOG("INTID %u", intid);
	EXPECT_EQ(edge, irq.edge) TH_LOG("INTID %u", intid);
	EXPECT_EQ(0, irq.enabled) TH_LOG("INTID %u: enabled at reset", intid);
	EXPECT_EQ(0, irq.active) TH_LOG("INTID %u", intid);
}

TEST_F(vgic, irq_line_and_get_vgic_irq)
{
	struct avcpu_vgic_irq irq;
	size_t i;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, vgic_create(&self->t, 2));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, vgic_guest_probe, 1));
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		EXPECT_EQ(lines[i].err, vgic_line(&self->t, lines[i].type, lines[i].vcpu,
						  lines[i].num, lines[i].level))
			TH_LOG("case %zu", i);
	/* A level-sensitive line that is high is pending (reset: SPIs and PPIs level). */
	expect_state(_metadata, &self->t, 32, 0, 1, 1, 0);
	expect_state(_metadata, &self->t, 127, 0, 1, 1, 0);
	expect_state(_metadata, &self->t, 16, 0, 1, 1, 0);
	expect_state(_metadata, &self->t, 31, 0, 0, 0, 0);
	expect_state(_metadata, &self->t, 3, 0, 0, 0, 1);	/* SGIs are edge */
	EXPECT_EQ(0, vgic_spi(&self->t, 32, 0));
	expect_state(_metadata, &self->t, 32, 0, 0, 0, 0);
	EXPECT_EQ(-EINVAL, vgic_irq_state(&self->t, 128, 0, &irq));
	EXPECT_EQ(-EINVAL, vgic_irq_state(&self->t, 1020, 0, &irq));
	EXPECT_EQ(-EINVAL, vgic_irq_state(&self->t, 0x10000, 0, &irq));
	EXPECT_EQ(-EINVAL, vgic_irq_state(&self->t, 3, 2, &irq));	/* no frame 2 */
	EXPECT_EQ(-1, ioctl(self->t.fd, AVCPU_GET_VGIC_IRQ, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

static void expect_probe(struct __test_metadata *_metadata, struct test_vm *t, int n, int nr)
{
	volatile uint64_t *r = GUEST_VAR(t, vgic_report[n][0]);
	uint64_t mpidr = r[PROBE_MPIDR], typer = r[PROBE_GICR_TYPER];
	uint64_t aff = (mpidr & 0xffffff) | (mpidr >> 32 & 0xff) << 24;

	ASSERT_EQ(nr, r[PROBE_DONE]) TH_LOG("vCPU %d did not report", n);
	EXPECT_EQ(n, (mpidr & 0xff) + (mpidr >> 8 & 0xff) * 16);
	EXPECT_EQ(1, r[PROBE_PFR0_GIC]) TH_LOG("ID_AA64PFR0_EL1.GIC");
	EXPECT_EQ(3, r[PROBE_GICD_PIDR2] >> 4 & 0xf) TH_LOG("GICD_PIDR2.ArchRev");
	EXPECT_EQ(VGIC_NR_SPIS / 32, r[PROBE_GICD_TYPER] & 0x1f) TH_LOG("ITLinesNumber");
	EXPECT_EQ(0, r[PROBE_GICD_TYPER] & GICD_TYPER_LPIS);
	EXPECT_EQ(aff, typer >> 32) TH_LOG("vCPU %d: GICR_TYPER %#llx, MPIDR %#llx", n,
					   (unsigned long long)typer, (unsigned long long)mpidr);
	EXPECT_EQ(n == nr - 1, !!(typer & GICR_TYPER_LAST)) TH_LOG("vCPU %d: Last", n);
	EXPECT_EQ(0, typer & GICR_TYPER_PLPIS);
	EXPECT_EQ(typer & 0xffffffff, r[PROBE_GICR_TYPER_LO]);
	EXPECT_EQ(typer >> 32, r[PROBE_GICR_TYPER_HI]);
	EXPECT_EQ(3, r[PROBE_GICR_PIDR2] >> 4 & 0xf) TH_LOG("GICR_PIDR2.ArchRev");
	EXPECT_EQ(GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP,
		  r[PROBE_WAKER] & (GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP))
		TH_LOG("redistributors start asleep");
	if (n)
		return;
	EXPECT_EQ(GICD_CTLR_ENABLE, r[PROBE_GICD_CTLR] & GICD_CTLR_ENABLE);
	EXPECT_EQ(0xf8, r[PROBE_PRIO]) TH_LOG("5 priority bits kept");
}

TEST_F(vgic, guest_probes_the_gic)
{
	struct avcpu_vcpu_stats st;
	const int nr = 3;
	int n;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, vgic_create(&self->t, nr));
	for (n = 0; n < nr; n++) {
		ASSERT_EQ(0, test_vcpu_add(&self->t, n, vgic_guest_probe, nr));
		vgic_expect_done(_metadata, &self->t, n);
		expect_probe(_metadata, &self->t, n, nr);
		ASSERT_EQ(0, vgic_stats(&self->t, n, &st));
		EXPECT_LE(n ? 7 : 11, st.vgic_mmio);
		EXPECT_EQ(1, st.exits[AVCPU_EXIT_MMIO]) TH_LOG("GIC accesses left the kernel");
	}
}

/* ticks interrupts of one timer a period apart: the count exact, no gap under a period. */
static void timer_ticks(struct __test_metadata *_metadata, struct test_vm *t, uint32_t phys,
			uint32_t ticks, uint32_t period_us)
{
	uint32_t intid = phys ? INTID_PTIMER : INTID_VTIMER, i;
	uint64_t freq, period, gap, min = ~0ULL, max = 0;
	volatile uint64_t *ts = GUEST_VAR(t, vgic_ticks[0]);
	struct avcpu_vcpu_stats st;
	struct avcpu_vgic_irq irq;
	double mean;

	ASSERT_EQ(0, vgic_create(t, 1));
	ASSERT_EQ(0, test_vcpu_add(t, 0, vgic_guest_timer, TIMER_ARG(phys, ticks, period_us)));
	vgic_expect_done(_metadata, t, 0);
	freq = *GUEST_VAR(t, vgic_report[0][0]);
	period = *GUEST_VAR(t, vgic_report[0][1]);
	ASSERT_LT(0, period);
	ASSERT_EQ(ticks, *GUEST_VAR(t, vgic_irqs[0][intid]));
	for (i = 1; i < ticks; i++) {
		gap = ts[i] - ts[i - 1];
		min = gap < min ? gap : min;
		max = gap > max ? gap : max;
	}
	mean = (double)(ts[ticks - 1] - ts[0]) / (ticks - 1);
	TH_LOG("%s timer: %u interrupts %u us apart: mean %.3f ms, min %.3f ms, worst %.3f ms",
	       phys ? "physical" : "virtual", ticks, period_us, mean * 1e3 / freq,
	       min * 1e3 / freq, max * 1e3 / freq);
	EXPECT_LE(period, min) TH_LOG("an interrupt before its deadline");
	EXPECT_LT(mean, 20.0 * period);
	ASSERT_EQ(0, vgic_stats(t, 0, &st));
	EXPECT_LE(ticks, st.timer_irqs);
	EXPECT_LE(ticks, st.vgic_injected);
	ASSERT_EQ(0, vgic_irq_state(t, intid, 0, &irq));
	EXPECT_EQ(1, irq.enabled);
	EXPECT_EQ(0, irq.active);
	EXPECT_EQ(0, irq.edge);
}

TEST_F_TIMEOUT(vgic, virtual_timer_1000_interrupts, 120)
{
	RETURN_IF_SKIPPED();
	timer_ticks(_metadata, &self->t, 0, 1000, 1000);
}

TEST_F_TIMEOUT(vgic, physical_timer_50_interrupts, 60)
{
	RETURN_IF_SKIPPED();
	timer_ticks(_metadata, &self->t, 1, 50, 2000);
}

/* WFI 20 ms before the virtual timer's deadline: woken by it, not before, not much after. */
static void timer_wakes_wfi(struct __test_metadata *_metadata, struct test_vm *t, int masked)
{
	volatile uint64_t *r = GUEST_VAR(t, vgic_report[0][0]);
	struct avcpu_vcpu_stats st;
	double late_ms;

	ASSERT_EQ(0, vgic_create(t, 1));
	ASSERT_EQ(0, test_vcpu_add(t, 0, vgic_guest_timer_wfi, masked));
	vgic_expect_done(_metadata, t, 0);
	late_ms = (double)(int64_t)(r[WFI_WOKE] - r[WFI_DEADLINE]) * 1e3 / r[WFI_FREQ];
	TH_LOG("%s WFI: interrupt %.3f ms after the deadline", masked ? "masked" : "unmasked",
	       late_ms);
	EXPECT_EQ(INTID_VTIMER, r[WFI_INTID]);
	EXPECT_LE(r[WFI_DEADLINE], r[WFI_WOKE]) TH_LOG("woken before the deadline");
	EXPECT_LT(late_ms, 1000);
	if (masked)
		EXPECT_TRUE(r[WFI_ISR] & (1U << 7)) TH_LOG("ISR_EL1.I");
	ASSERT_EQ(0, vgic_stats(t, 0, &st));
	EXPECT_LE(1, st.wfi_sleeps);
	EXPECT_LE(1, st.timer_irqs);
}

TEST_F_TIMEOUT(vgic, virtual_timer_wakes_a_masked_wfi, 60)
{
	RETURN_IF_SKIPPED();
	timer_wakes_wfi(_metadata, &self->t, 1);
}

TEST_F_TIMEOUT(vgic, virtual_timer_wakes_an_unmasked_wfi, 60)
{
	RETURN_IF_SKIPPED();
	timer_wakes_wfi(_metadata, &self->t, 0);
}

TEST_F(vgic, edge_and_level_spis_from_userspace)
{
	struct avcpu_vcpu_stats st;
	struct avcpu_vgic_irq irq;
	struct ucall uc;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, vgic_create(&self->t, 1));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, vgic_guest_spi_edge_level, 0));
	/* Edge SPI 40: high for 20 ms, then low: taken once. */
	vgic_expect_sync(_metadata, &self->t, 0, 1, &uc);
	EXPECT_EQ(1, uc.args[1]);
	ASSERT_EQ(0, vgic_irq_state(&self->t, 40, 0, &irq));
	EXPECT_EQ(1, irq.edge);
	EXPECT_EQ(1, irq.enabled);
	EXPECT_EQ(1, irq.group);
	EXPECT_EQ(VGIC_PRIO_DEFAULT, irq.priority);
	EXPECT_EQ(0, irq.route);
	EXPECT_EQ(0, irq.pending);
	EXPECT_EQ(0, irq.active);
	/* Another rising edge: once more. */
	vgic_expect_sync(_metadata, &self->t, 0, 2, &uc);
	EXPECT_EQ(2, uc.args[1]);
	/* Level SPI 41: taken again after each EOI while high; lowered after the third. */
	vgic_expect_sync(_metadata, &self->t, 0, 3, &uc);
	EXPECT_EQ(3, uc.args[1]);
	TH_LOG("spurious acknowledgements: %llu", (unsigned long long)uc.args[2]);
	ASSERT_EQ(0, vgic_irq_state(&self->t, 41, 0, &irq));
	EXPECT_EQ(0, irq.edge);
	EXPECT_EQ(0, irq.level);
	EXPECT_EQ(0, irq.pending);
	EXPECT_EQ(0, irq.active);
	vgic_expect_done(_metadata, &self->t, 0);
	ASSERT_EQ(0, vgic_stats(&self->t, 0, &st));
	EXPECT_LE(5, st.vgic_injected);
	EXPECT_LT(0, st.vgic_mmio);
}

/*
 * PRIO_NR SPIs pending at once at distinct priorities: taken in priority order, more than
 * any CPU has list registers, so the kernel must refill them as the guest ends them.
 */
static void spis_in_priority_order(struct __test_metadata *_metadata, struct test_vm *t,
				   int via_ispendr)
{
	volatile uint32_t *log = GUEST_VAR(t, vgic_log[0]);
	struct avcpu_vcpu_stats st;
	struct avcpu_vgic_irq irq;
	struct ucall uc;
	uint32_t i;

	ASSERT_EQ(0, vgic_create(t, 1));
	ASSERT_EQ(0, test_vcpu_add(t, 0, vgic_guest_spi_priority, via_ispendr));
	vgic_expect_sync(_metadata, t, 0, 1, &uc);
	EXPECT_EQ(0, uc.args[1]) TH_LOG("taken while masked");
	for (i = 32; i < 32 + PRIO_NR; i++) {
		ASSERT_EQ(0, vgic_irq_state(t, i, 0, &irq));
		EXPECT_EQ(1, irq.pending) TH_LOG("INTID %u", i);
		EXPECT_EQ(1, irq.enabled) TH_LOG("INTID %u", i);
		EXPECT_EQ(vgic_prio_of(i), irq.priority) TH_LOG("INTID %u", i);
		EXPECT_EQ(via_ispendr, irq.edge) TH_LOG("INTID %u", i);
	}
	vgic_expect_done(_metadata, t, 0);
	ASSERT_EQ(PRIO_NR, *GUEST_VAR(t, vgic_log_len));
	EXPECT_EQ(PRIO_NR, *GUEST_VAR(t, vgic_taken[0]));
	for (i = 0; i < PRIO_NR; i++)
		EXPECT_EQ(i * 8, vgic_prio_of(log[i])) TH_LOG("interrupt %u was INTID %u", i, log[i]);
	for (i = 32; i < 32 + PRIO_NR; i++) {
		ASSERT_EQ(0, vgic_irq_state(t, i, 0, &irq));
		EXPECT_EQ(0, irq.pending | irq.active | irq.level) TH_LOG("INTID %u", i);
	}
	ASSERT_EQ(0, vgic_stats(t, 0, &st));
	TH_LOG("injected %llu, list-register overflows %llu, maintenance %llu",
	       (unsigned long long)st.vgic_injected, (unsigned long long)st.vgic_lr_overflows,
	       (unsigned long long)st.vgic_maintenance);
	EXPECT_LE(PRIO_NR, st.vgic_injected);
	EXPECT_LE(1, st.vgic_lr_overflows);
	if (via_ispendr)
		EXPECT_LE(1, st.vgic_maintenance) TH_LOG("refilled without a maintenance IRQ?");
}

TEST_F_TIMEOUT(vgic, spis_set_pending_by_the_guest_taken_in_priority_order, 60)
{
	RETURN_IF_SKIPPED();
	spis_in_priority_order(_metadata, &self->t, 1);
}

TEST_F_TIMEOUT(vgic, spis_raised_by_the_host_taken_in_priority_order, 60)
{
	RETURN_IF_SKIPPED();
	spis_in_priority_order(_metadata, &self->t, 0);
}

/* The guest's stages of one interrupt left active (vgic_guest_active's active_stage). */
static void expect_active_stages(struct __test_metadata *_metadata, struct test_vm *t,
				 uint32_t intid, uint64_t stage)
{
	struct avcpu_vgic_irq irq;
	struct ucall uc;

	vgic_expect_sync(_metadata, t, 0, stage, &uc);
	EXPECT_NE(0, uc.args[1]) TH_LOG("INTID %u: ISACTIVER shows it inactive", intid);
	EXPECT_EQ(0, uc.args[2]) TH_LOG("INTID %u: ISPENDR shows it pending", intid);
	ASSERT_EQ(0, vgic_irq_state(t, intid, 0, &irq));
	EXPECT_EQ(1, irq.active);
	EXPECT_EQ(0, irq.pending);
	vgic_expect_sync(_metadata, t, 0, stage + 1, &uc);
	EXPECT_EQ(0, uc.args[1]) TH_LOG("INTID %u: still active after ICACTIVER", intid);
	ASSERT_EQ(0, vgic_irq_state(t, intid, 0, &irq));
	EXPECT_EQ(0, irq.active);
	EXPECT_EQ(0, irq.pending);
	vgic_expect_sync(_metadata, t, 0, stage + 2, &uc);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("INTID %u: not taken again", intid);
}

TEST_F(vgic, active_state_read_and_cleared_through_the_registers)
{
	struct avcpu_vcpu_stats st;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, vgic_create(&self->t, 1));
	ASSERT_EQ(0, test_vcpu_add(&self->t, 0, vgic_guest_active, 0));
	expect_active_stages(_metadata, &self->t, ACTIVE_SPI, 1);
	expect_active_stages(_metadata, &self->t, ACTIVE_SGI, 4);
	vgic_expect_done(_metadata, &self->t, 0);
	ASSERT_EQ(0, vgic_stats(&self->t, 0, &st));
	EXPECT_EQ(2, st.vgic_sgis);
	EXPECT_LE(4, st.vgic_injected);
}

TEST_HARNESS_MAIN
