// SPDX-License-Identifier: GPL-2.0
/*
 * Guest code of the vGIC selftests (guest flags, see avcpu_guest.h): the IRQ vectors and
 * handler, the GICv3 set-up every guest does, and the guests of avcpu_vgic_test.
 */
#include <stddef.h>

#include "avcpu_guest.h"
#include "avcpu_vgic_guest.h"

volatile uint32_t vgic_irqs[VGIC_MAX_CPUS][VGIC_NR_INTIDS];
volatile uint32_t vgic_taken[VGIC_MAX_CPUS];
volatile uint32_t vgic_spurious[VGIC_MAX_CPUS];
volatile uint32_t vgic_log[VGIC_LOG_MAX];
volatile uint32_t vgic_log_len;
volatile uint64_t vgic_ticks[VGIC_MAX_TICKS];
volatile uint64_t vgic_report[VGIC_MAX_CPUS][16];
volatile uint32_t vgic_phase[VGIC_MAX_CPUS];
volatile uint32_t vgic_sgi_sent[VGIC_MAX_CPUS][16];
volatile uint32_t vgic_sgi_writes[VGIC_MAX_CPUS];

static void (*volatile irq_hook)(uint32_t cpu, uint32_t intid);

/*
 * The vector table: IRQ from the current EL (0x280) saves the caller-saved registers,
 * ELR and SPSR and calls vgic_guest_irq(); every other entry reports "hvc #0xe1" as
 * guest_vectors does (x0 = ESR_EL1, x1 = ELR_EL1, x2 = the offset), keeping x0-x3 and x18,
 * and returns past the instruction.
 */
asm(".text\n"
"	.balign	2048\n"
"	.globl	vgic_guest_vectors\n"
"vgic_guest_vectors:\n"
"	.irp	off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780\n"
"	.balign	0x80\n"
"	.if	\\off == 0x280\n"
"	b	vgic_irq_entry\n"
"	.else\n"
"	sub	sp, sp, #32\n"
"	stp	x0, x1, [sp]\n"
"	stp	x2, x3, [sp, #16]\n"
"	mov	x2, #\\off\n"
"	b	vgic_sync_entry\n"
"	.endif\n"
"	.endr\n");

/* The two paths out of the table. */
asm(".text\n"
"vgic_sync_entry:\n"
"	mrs	x0, esr_el1\n"
"	mrs	x1, elr_el1\n"
"	hvc	#0xe1\n"
"	mrs	x0, elr_el1\n"
"	add	x0, x0, #4\n"
"	msr	elr_el1, x0\n"
"	ldp	x2, x3, [sp, #16]\n"
"	ldp	x0, x1, [sp]\n"
"	add	sp, sp, #32\n"
"	eret\n"
"vgic_irq_entry:\n"
"	sub	sp, sp, #192\n"
"	stp	x0, x1, [sp]\n"
"	stp	x2, x3, [sp, #16]\n"
"	stp	x4, x5, [sp, #32]\n"
"	stp	x6, x7, [sp, #48]\n"
"	stp	x8, x9, [sp, #64]\n"
"	stp	x10, x11, [sp, #80]\n"
"	stp	x12, x13, [sp, #96]\n"
"	stp	x14, x15, [sp, #112]\n"
"	stp	x16, x17, [sp, #128]\n"
"	stp	x18, x29, [sp, #144]\n"
"	mrs	x0, elr_el1\n"
"	mrs	x1, spsr_el1\n"
"	stp	x30, x0, [sp, #160]\n"
"	str	x1, [sp, #176]\n"
"	bl	vgic_guest_irq\n"
"	ldr	x1, [sp, #176]\n"
"	ldp	x30, x0, [sp, #160]\n"
"	msr	elr_el1, x0\n"
"	msr	spsr_el1, x1\n"
"	ldp	x18, x29, [sp, #144]\n"
"	ldp	x16, x17, [sp, #128]\n"
"	ldp	x14, x15, [sp, #112]\n"
"	ldp	x12, x13, [sp, #96]\n"
"	ldp	x10, x11, [sp, #80]\n"
"	ldp	x8, x9, [sp, #64]\n"
"	ldp	x6, x7, [sp, #48]\n"
"	ldp	x4, x5, [sp, #32]\n"
"	ldp	x2, x3, [sp, #16]\n"
"	ldp	x0, x1, [sp]\n"
"	add	sp, sp, #192\n"
"	eret\n");

/* A vCPU started by AVCPU_SET_POWER_STATE: x0 = its id; a stack, then vgic_guest_secondary. */
asm(".text\n"
"	.globl	vgic_secondary_entry\n"
"vgic_secondary_entry:\n"
"	and	x1, x0, #0xff\n"
"	add	x1, x1, #1\n"
"	lsl	x1, x1, #16\n"
"	mov	x2, #0x10000000\n"
"	add	sp, x1, x2\n"
"	bl	vgic_guest_secondary\n"
"	bl	guest_return_done\n");

uint64_t vgic_counter(void)
{
	uint64_t v;

	asm volatile("isb\n mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static uint64_t counter_freq(void)
{
	uint64_t v;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

uint32_t vgic_cpu_id(void)
{
	uint64_t mpidr;

	asm volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (mpidr & 0xff) + ((mpidr >> 8) & 0xff) * 16;
}

/* Acknowledges, counts, runs the test's hook, ends (EOImode 0: drop and deactivate). */
void vgic_guest_irq(void)
{
	uint32_t cpu = vgic_cpu_id() % VGIC_MAX_CPUS;
	uint32_t intid = read_sysreg_s(ICC_IAR1_EL1) & 0xffffff;

	if (intid >= 1020) {
		vgic_spurious[cpu]++;
		return;
	}
	if (intid < VGIC_NR_INTIDS)
		vgic_irqs[cpu][intid]++;
	vgic_taken[cpu]++;
	if (cpu == 0 && vgic_log_len < VGIC_LOG_MAX)
		vgic_log[vgic_log_len++] = intid;
	if (irq_hook)
		irq_hook(cpu, intid);
	write_sysreg_s(ICC_EOIR1_EL1, intid);
	asm volatile("isb" ::: "memory");
}

/* The vectors and the test's hook; IRQs masked until the guest unmasks them itself. */
void vgic_install_vectors(void (*hook)(uint32_t cpu, uint32_t intid))
{
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	irq_hook = hook;
	asm volatile("msr vbar_el1, %0\n isb" : : "r"(vgic_guest_vectors) : "memory");
}

void vgic_delay_ms(uint32_t ms)
{
	uint64_t end = vgic_counter() + counter_freq() / 1000 * ms;

	while (vgic_counter() < end)
		;
}

/* Waits (interrupts as they are) until *p >= val; 0 after ms milliseconds without. */
int vgic_wait_ge(volatile uint32_t *p, uint32_t val, uint32_t ms)
{
	uint64_t end = vgic_counter() + counter_freq() / 1000 * ms;

	while (*p < val)
		if (vgic_counter() > end)
			return 0;
	return 1;
}

/* Group 1 everywhere, priority 0xa0, disabled, routed to vCPU 0; then the groups on. */
void vgic_dist_init(uint32_t edge)
{
	const uint64_t d = VGIC_DIST_GPA;
	uint32_t i;

	mmio_write32(d + GICD_CTLR, 0);
	for (i = 1; i < VGIC_NR_INTIDS / 32; i++) {
		mmio_write32(d + GICD_ICENABLER + 4 * i, ~0U);
		mmio_write32(d + GICD_ICPENDR + 4 * i, ~0U);
		mmio_write32(d + GICD_ICACTIVER + 4 * i, ~0U);
		mmio_write32(d + GICD_IGROUPR + 4 * i, ~0U);
	}
	for (i = 32; i < VGIC_NR_INTIDS; i += 4)
		mmio_write32(d + GICD_IPRIORITYR + i, 0xa0a0a0a0U);
	for (i = 32; i < VGIC_NR_INTIDS; i += 16)
		mmio_write32(d + GICD_ICFGR + i / 4, edge ? 0xaaaaaaaaU : 0);
	for (i = 32; i < VGIC_NR_INTIDS; i++)
		mmio_write64(d + GICD_IROUTER + 8 * i, 0);
	mmio_write32(d + GICD_CTLR, GICD_CTLR_ENABLE);
}

/* This vCPU's redistributor awake, SGIs/PPIs in enable_mask on, its CPU interface on. */
void vgic_cpu_init(uint32_t cpu, uint32_t enable_mask)
{
	const uint64_t rd = VGIC_RD(cpu), sgi = VGIC_SGI(cpu);
	uint32_t i;

	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	for (i = 0; i < 1000 && (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP); i++)
		;
	GUEST_ASSERT_EQ(mmio_read32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP, 0);
	mmio_write32(sgi + GICD_IGROUPR, ~0U);
	for (i = 0; i < 32; i += 4)
		mmio_write32(sgi + GICD_IPRIORITYR + i, 0xa0a0a0a0U);
	mmio_write32(sgi + GICD_ICENABLER, ~enable_mask);
	mmio_write32(sgi + GICD_ISENABLER, enable_mask);
	write_sysreg_s(ICC_SRE_EL1, read_sysreg_s(ICC_SRE_EL1) | 1);
	asm volatile("isb" ::: "memory");
	write_sysreg_s(ICC_PMR_EL1, 0xff);
	write_sysreg_s(ICC_BPR1_EL1, 0);
	write_sysreg_s(ICC_IGRPEN1_EL1, 1);
	asm volatile("isb" ::: "memory");
}

/* Trigger, priority and enable of one SPI (configured before it is enabled). */
void vgic_spi_config(uint32_t intid, uint32_t edge, uint32_t prio, uint32_t enable)
{
	const uint64_t d = VGIC_DIST_GPA;
	uint64_t cfg = d + GICD_ICFGR + intid / 16 * 4;
	uint32_t bit = 2U << (intid % 16 * 2), v = mmio_read32(cfg);

	mmio_write32(cfg, edge ? v | bit : v & ~bit);
	mmio_write8(d + GICD_IPRIORITYR + intid, prio);
	mmio_write32(d + (enable ? GICD_ISENABLER : GICD_ICENABLER) + intid / 32 * 4,
		     1U << (intid % 32));
}

/* Aff0 = vCPU id for vCPUs 0-15 (Aff1 = Aff2 = Aff3 = 0, RS = 0). */
void vgic_send_sgi(uint32_t sgi, uint32_t targets, int broadcast)
{
	uint64_t v = (uint64_t)sgi << 24;

	v |= broadcast ? 1ULL << 40 : (targets & 0xffff);
	write_sysreg_s(ICC_SGI1R_EL1, v);
	asm volatile("isb" ::: "memory");
}

/* Each vCPU reports what it sees of the GIC; vCPU 0 also writes GICD_CTLR and a priority. */
void vgic_guest_probe(uint64_t nr_cpus)
{
	const uint64_t d = VGIC_DIST_GPA;
	uint32_t cpu = vgic_cpu_id();
	volatile uint64_t *r = vgic_report[cpu % VGIC_MAX_CPUS];
	uint64_t v;

	asm volatile("mrs %0, mpidr_el1" : "=r"(v));
	r[PROBE_MPIDR] = v;
	asm volatile("mrs %0, id_aa64pfr0_el1" : "=r"(v));
	r[PROBE_PFR0_GIC] = v >> 24 & 0xf;
	r[PROBE_GICD_PIDR2] = mmio_read32(d + GICD_PIDR2);
	r[PROBE_GICD_TYPER] = mmio_read32(d + GICD_TYPER);
	r[PROBE_GICR_TYPER] = mmio_read64(VGIC_RD(cpu) + GICR_TYPER);
	r[PROBE_GICR_TYPER_LO] = mmio_read32(VGIC_RD(cpu) + GICR_TYPER);
	r[PROBE_GICR_TYPER_HI] = mmio_read32(VGIC_RD(cpu) + GICR_TYPER + 4);
	r[PROBE_GICR_PIDR2] = mmio_read32(VGIC_RD(cpu) + GICR_PIDR2);
	r[PROBE_WAKER] = mmio_read32(VGIC_RD(cpu) + GICR_WAKER);
	if (cpu == 0) {
		mmio_write32(d + GICD_CTLR, GICD_CTLR_ENABLE);
		r[PROBE_GICD_CTLR] = mmio_read32(d + GICD_CTLR);
		mmio_write8(d + GICD_IPRIORITYR + 32, 0xff);
		r[PROBE_PRIO] = mmio_read8(d + GICD_IPRIORITYR + 32);
	}
	r[PROBE_DONE] = nr_cpus;
	GUEST_DONE();
}

static struct {
	uint64_t period;
	uint32_t target, phys;
} volatile tmr;

static void timer_arm(uint32_t phys, uint64_t period)
{
	if (phys)
		asm volatile("msr cntp_tval_el0, %0\n msr cntp_ctl_el0, %1\n isb"
			     : : "r"(period), "r"(1ULL) : "memory");
	else
		asm volatile("msr cntv_cval_el0, %0\n msr cntv_ctl_el0, %1\n isb"
			     : : "r"(vgic_counter() + period), "r"(1ULL) : "memory");
}

static void timer_stop(uint32_t phys)
{
	if (phys)
		asm volatile("msr cntp_ctl_el0, xzr\n isb" ::: "memory");
	else
		asm volatile("msr cntv_ctl_el0, xzr\n isb" ::: "memory");
}

/* A timer interrupt: its time, then the next one a period from now, or the timer off. */
static void timer_hook(uint32_t cpu, uint32_t intid)
{
	uint32_t n = vgic_irqs[cpu][intid];

	if (intid != (tmr.phys ? INTID_PTIMER : INTID_VTIMER))
		return;
	if (n <= VGIC_MAX_TICKS)
		vgic_ticks[n - 1] = vgic_counter();
	if (n < tmr.target)
		timer_arm(tmr.phys, tmr.period);
	else
		timer_stop(tmr.phys);
}

/* Takes ticks timer interrupts a period apart, waiting in WFI with interrupts masked. */
void vgic_guest_timer(uint64_t arg)
{
	uint32_t phys = arg >> 63, ticks = (arg >> 32) & 0x7fffffff;
	uint32_t intid = phys ? INTID_PTIMER : INTID_VTIMER;
	uint64_t freq = counter_freq(), end;

	tmr.period = freq * (uint32_t)arg / 1000000;
	tmr.target = ticks;
	tmr.phys = phys;
	vgic_report[0][0] = freq;
	vgic_report[0][1] = tmr.period;
	vgic_install_vectors(timer_hook);
	vgic_dist_init(0);
	vgic_cpu_init(0, 1U << intid);
	end = vgic_counter() + freq * 60;
	timer_arm(phys, tmr.period);
	while (vgic_irqs[0][intid] < ticks) {
		asm volatile("dsb sy\n wfi" ::: "memory");
		asm volatile("msr daifclr, #2\n isb\n msr daifset, #2" ::: "memory");
		GUEST_ASSERT_EQ(vgic_counter() > end, 0);
	}
	GUEST_DONE();
}

/*
 * WFI until the virtual timer's deadline, 20 ms ahead. Masked: ISR_EL1.I ends it and the
 * guest acknowledges by hand; unmasked: the handler takes it (and re-arms the timer every
 * 10 ms, so that a WFI entered just after the first interrupt still ends).
 */
void vgic_guest_timer_wfi(uint64_t masked)
{
	volatile uint64_t *r = vgic_report[0];
	uint64_t freq = counter_freq(), isr;

	tmr.period = freq / 100;
	tmr.target = ~0U;
	tmr.phys = 0;
	vgic_install_vectors(timer_hook);
	vgic_dist_init(0);
	vgic_cpu_init(0, 1U << INTID_VTIMER);
	r[WFI_FREQ] = freq;
	r[WFI_START] = vgic_counter();
	r[WFI_DEADLINE] = r[WFI_START] + freq / 50;
	asm volatile("msr cntv_cval_el0, %0\n msr cntv_ctl_el0, %1\n isb"
		     : : "r"(r[WFI_DEADLINE]), "r"(1ULL) : "memory");
	if (masked) {
		do {
			asm volatile("dsb sy\n wfi\n mrs %0, isr_el1" : "=r"(isr) : : "memory");
		} while (!(isr & (1U << 7)));
		r[WFI_WOKE] = vgic_counter();
		r[WFI_ISR] = isr;
		r[WFI_INTID] = read_sysreg_s(ICC_IAR1_EL1) & 0xffffff;
		timer_stop(0);
		write_sysreg_s(ICC_EOIR1_EL1, r[WFI_INTID]);
	} else {
		asm volatile("msr daifclr, #2\n isb" ::: "memory");
		while (!vgic_irqs[0][INTID_VTIMER])
			asm volatile("dsb sy\n wfi" ::: "memory");
		asm volatile("msr daifset, #2\n isb" ::: "memory");
		timer_stop(0);
		r[WFI_WOKE] = vgic_ticks[0];
		r[WFI_INTID] = vgic_log[0];
	}
	GUEST_DONE();
}

/* The third time level SPI 41 is taken, the handler asks the host to lower its line. */
static void spi_hook(uint32_t cpu, uint32_t intid)
{
	if (intid == 41 && vgic_irqs[cpu][41] == 3)
		guest_ucall(UCALL_SYNC, VGIC_REQ_LINE, 41, 0);
}

/* Edge SPI 40 and level SPI 41 driven by the host; reports SYNC 1-3 with the counts. */
void vgic_guest_spi_edge_level(uint64_t unused)
{
	vgic_install_vectors(spi_hook);
	vgic_dist_init(0);
	vgic_cpu_init(0, 0);
	vgic_spi_config(40, 1, VGIC_PRIO_DEFAULT, 1);
	vgic_spi_config(41, 0, VGIC_PRIO_DEFAULT, 1);
	asm volatile("msr daifclr, #2\n isb" ::: "memory");
	/* Edge: the line high for a while, then low: one interrupt. */
	guest_ucall(UCALL_SYNC, VGIC_REQ_LINE, 40, 1);
	vgic_wait_ge(&vgic_irqs[0][40], 1, 2000);
	vgic_delay_ms(20);
	guest_ucall(UCALL_SYNC, VGIC_REQ_LINE, 40, 0);
	vgic_delay_ms(20);
	guest_ucall(UCALL_SYNC, 1, vgic_irqs[0][40], 0);
	/* Another rising edge, another interrupt. */
	guest_ucall(UCALL_SYNC, VGIC_REQ_PULSE, 40, 0);
	vgic_wait_ge(&vgic_irqs[0][40], 2, 2000);
	vgic_delay_ms(20);
	guest_ucall(UCALL_SYNC, 2, vgic_irqs[0][40], 0);
	/* Level: taken again after each EOI while high; not once lowered (spi_hook). */
	guest_ucall(UCALL_SYNC, VGIC_REQ_LINE, 41, 1);
	vgic_wait_ge(&vgic_irqs[0][41], 3, 2000);
	vgic_delay_ms(20);
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	guest_ucall(UCALL_SYNC, 3, vgic_irqs[0][41], vgic_spurious[0]);
	GUEST_DONE();
}

static volatile uint32_t prio_lines;

/* A level SPI from the host: the host lowers its line before the guest ends it. */
static void prio_hook(uint32_t cpu, uint32_t intid)
{
	if (prio_lines)
		guest_ucall(UCALL_SYNC, VGIC_REQ_LINE, intid, 0);
}

/*
 * SPIs 32 to 32 + PRIO_NR - 1 at distinct priorities, all pending while IRQs are masked
 * (set pending by the guest through GICD_ISPENDR, edge-triggered, or by the host raising
 * their lines, level-sensitive); unmasked, they must be taken in priority order (vgic_log).
 */
void vgic_guest_spi_priority(uint64_t via_ispendr)
{
	uint32_t i;

	prio_lines = !via_ispendr;
	vgic_install_vectors(prio_hook);
	vgic_dist_init(via_ispendr);
	vgic_cpu_init(0, 0);
	for (i = 0; i < PRIO_NR; i++)
		vgic_spi_config(32 + i, via_ispendr, vgic_prio_of(32 + i), 1);
	if (via_ispendr)
		mmio_write32(VGIC_DIST_GPA + GICD_ISPENDR + 4, (1U << PRIO_NR) - 1);
	else
		guest_ucall(UCALL_SYNC, VGIC_REQ_LINES, 32 | PRIO_NR << 16, 1);
	guest_ucall(UCALL_SYNC, 1, vgic_taken[0], 0);
	asm volatile("msr daifclr, #2\n isb" ::: "memory");
	vgic_wait_ge(&vgic_taken[0], PRIO_NR, 10000);
	vgic_delay_ms(20);
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	GUEST_DONE();
}

/* Acknowledges one pending interrupt with IRQs masked (it may take a moment to arrive). */
static uint32_t ack_masked(void)
{
	uint32_t intid = INTID_SPURIOUS, i;

	for (i = 0; i < 1000 && intid >= 1020; i++)
		intid = read_sysreg_s(ICC_IAR1_EL1) & 0xffffff;
	return intid;
}

/*
 * An SPI, then an SGI, acknowledged and left active: GICD_ISACTIVER / GICR_ISACTIVER0 show
 * it active and not pending; ICACTIVER clears that; then it is taken normally again.
 */
static void active_stage(uint64_t frame, uint32_t intid, uint32_t stage)
{
	const uint64_t word = intid / 32 * 4;
	const uint32_t bit = 1U << (intid % 32);

	if (intid < 16)
		vgic_send_sgi(intid, 1, 0);
	else
		mmio_write32(frame + GICD_ISPENDR + word, bit);
	GUEST_ASSERT_EQ(ack_masked(), intid);
	guest_ucall(UCALL_SYNC, stage, mmio_read32(frame + GICD_ISACTIVER + word) & bit,
		    mmio_read32(frame + GICD_ISPENDR + word) & bit);
	mmio_write32(frame + GICD_ICACTIVER + word, bit);
	guest_ucall(UCALL_SYNC, stage + 1, mmio_read32(frame + GICD_ISACTIVER + word) & bit, 0);
	write_sysreg_s(ICC_EOIR1_EL1, intid);	/* the priority drop */
	asm volatile("isb" ::: "memory");
	if (intid < 16)
		vgic_send_sgi(intid, 1, 0);
	else
		mmio_write32(frame + GICD_ISPENDR + word, bit);
	asm volatile("msr daifclr, #2\n isb" ::: "memory");
	vgic_wait_ge(&vgic_irqs[0][intid], 1, 2000);
	vgic_delay_ms(10);
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	guest_ucall(UCALL_SYNC, stage + 2, vgic_irqs[0][intid], 0);
}

void vgic_guest_active(uint64_t unused)
{
	vgic_install_vectors(NULL);
	vgic_dist_init(1);
	vgic_cpu_init(0, 1U << ACTIVE_SGI);
	vgic_spi_config(ACTIVE_SPI, 1, VGIC_PRIO_DEFAULT, 1);
	active_stage(VGIC_DIST_GPA, ACTIVE_SPI, 1);
	active_stage(VGIC_SGI(0), ACTIVE_SGI, 4);
	GUEST_DONE();
}
