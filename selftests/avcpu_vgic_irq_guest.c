// SPDX-License-Identifier: GPL-2.0
/*
 * Guest code of avcpu_vgic_irq_test (guest flags, see avcpu_guest.h): SGIs among vCPUs,
 * hostile register accesses, SPIs for vCPUs powered off, two VMs at once, no vGIC.
 */
#include <stddef.h>

#include "avcpu_guest.h"
#include "avcpu_exits_guest.h"
#include "avcpu_vgic_guest.h"

#define SGI_NR_CPUS	4

/* Everyone reaches phase; interrupts stay as they are (unmasked: SGIs keep being taken). */
void vgic_barrier(uint32_t me, uint32_t nr, uint32_t phase)
{
	uint32_t k;

	vgic_phase[me] = phase;
	for (k = 0; k < nr; k++)
		GUEST_ASSERT_EQ(vgic_wait_ge(&vgic_phase[k], phase, 60000), 1);
}

/* Waits until every SGI this vCPU sent to targets has been taken there. */
static void sgi_wait_acked(uint32_t targets, uint32_t sgi)
{
	uint32_t t;

	for (t = 0; t < SGI_NR_CPUS; t++)
		if (targets & (1U << t))
			GUEST_ASSERT_EQ(vgic_wait_ge(&vgic_irqs[t][sgi], vgic_sgi_sent[t][sgi],
						     20000), 1);
}

/* Every vCPU of the SGI tests: its GIC on, all SGIs enabled, IRQs unmasked, then all meet. */
static void sgi_vcpu_setup(uint32_t me)
{
	vgic_install_vectors(NULL);
	if (me == 0)
		vgic_dist_init(0);
	vgic_cpu_init(me, 0xffff);
	asm volatile("msr daifclr, #2\n isb" ::: "memory");
	vgic_barrier(me, SGI_NR_CPUS, 1);
}

/*
 * vCPUs 0-3 each make steps SGI writes (vgic_sgi_plan), interrupts unmasked throughout so
 * that they also take the others'. SGIs of one id coalesce, so an SGI goes to a target
 * only once that target has taken every earlier one of the same id from this vCPU (the
 * only vCPU sending that id): each is then taken exactly once.
 */
void vgic_guest_sgi_exchange(uint64_t steps)
{
	uint32_t me = vgic_cpu_id(), i, t, sgi, targets;
	int broadcast;

	sgi_vcpu_setup(me);
	for (i = 0; i < steps; i++) {
		sgi = vgic_sgi_plan(me, i, SGI_NR_CPUS, &targets, &broadcast);
		sgi_wait_acked(targets, sgi);
		for (t = 0; t < SGI_NR_CPUS; t++)
			if (targets & (1U << t))
				vgic_sgi_sent[t][sgi]++;
		vgic_send_sgi(sgi, targets, broadcast);
		vgic_sgi_writes[me]++;
	}
	for (sgi = me * 4; sgi < me * 4 + 4; sgi++)
		sgi_wait_acked((1U << SGI_NR_CPUS) - 1, sgi);
	/* Nobody leaves while another may still send to it. */
	vgic_barrier(me, SGI_NR_CPUS, 2);
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	GUEST_DONE();
}

/*
 * vCPUs 0-3 broadcast SGIs as fast as they can for ms milliseconds, taking the others',
 * then, all masked, 16 more each, so that the VM ends with every SGI pending everywhere.
 */
void vgic_guest_sgi_flood(uint64_t ms)
{
	uint32_t me = vgic_cpu_id(), i = 0;
	uint64_t freq, end;

	sgi_vcpu_setup(me);
	asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	end = vgic_counter() + freq / 1000 * ms;
	while (vgic_counter() < end) {
		vgic_send_sgi(i++ % 16, 0, 1);
		vgic_sgi_writes[me]++;
	}
	/* Once everyone is masked, the last 16 stay pending at every other vCPU. */
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	vgic_barrier(me, SGI_NR_CPUS, 2);
	for (i = 0; i < 16; i++) {
		vgic_send_sgi(i, 0, 1);
		vgic_sgi_writes[me]++;
	}
	vgic_barrier(me, SGI_NR_CPUS, 3);
	GUEST_DONE();
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Every 4-byte offset of [base, base + size): a read, then a write of a random value. */
static uint64_t sweep32(uint64_t base, uint64_t size, uint64_t *seed)
{
	uint64_t off;

	for (off = 0; off < size; off += 4) {
		(void)mmio_read32(base + off);
		mmio_write32(base + off, (uint32_t)xorshift(seed));
	}
	return size / 4 * 2;
}

/* n random offsets of [base, base + size) at each of 1, 2 and 8 bytes, read and written. */
static uint64_t sweep_widths(uint64_t base, uint64_t size, uint64_t *seed, uint32_t n)
{
	uint64_t off;
	uint32_t i;

	for (i = 0; i < n; i++) {
		off = xorshift(seed) % size;
		(void)mmio_read8(base + off);
		mmio_write8(base + off, (uint32_t)xorshift(seed));
		off &= ~1ULL;
		(void)mmio_read16(base + off);
		mmio_write16(base + off, (uint32_t)xorshift(seed));
		off &= ~7ULL;
		(void)mmio_read64(base + off);
		mmio_write64(base + off, xorshift(seed));
	}
	return (uint64_t)n * 6;
}

/*
 * With interrupts masked: every word of the distributor and of vCPU 0's two redistributor
 * frames read and written with random values, other widths at random offsets (including
 * IPRIORITYR bytes and IROUTER/GICR_TYPER doublewords). Reports the number of accesses
 * (SYNC 1), then puts the GIC back in order and takes an SGI from itself: the vGIC works.
 */
void vgic_guest_sweep(uint64_t seed)
{
	uint64_t n = 0, s = seed | 1;

	vgic_install_vectors(NULL);
	n += sweep32(VGIC_DIST_GPA, 0x10000, &s);
	n += sweep32(VGIC_RD(0), VGIC_REDIST_STRIDE, &s);
	n += sweep_widths(VGIC_DIST_GPA, 0x10000, &s, 512);
	n += sweep_widths(VGIC_DIST_GPA + GICD_IPRIORITYR, VGIC_NR_INTIDS, &s, 64);
	n += sweep_widths(VGIC_DIST_GPA + GICD_IROUTER, 8 * VGIC_NR_INTIDS, &s, 64);
	n += sweep_widths(VGIC_RD(0), VGIC_REDIST_STRIDE, &s, 512);
	guest_ucall(UCALL_SYNC, 1, n, 0);
	/* Back in order: nothing pending or active, then one SGI to itself. */
	vgic_dist_init(0);
	mmio_write32(VGIC_SGI(0) + GICD_ICPENDR, ~0U);
	mmio_write32(VGIC_SGI(0) + GICD_ICACTIVER, ~0U);
	vgic_cpu_init(0, 1U << 3);
	vgic_send_sgi(3, 1, 0);
	asm volatile("msr daifclr, #2\n isb" ::: "memory");
	vgic_wait_ge(&vgic_irqs[0][3], 1, 2000);
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	guest_ucall(UCALL_SYNC, 2, vgic_irqs[0][3], 0);
	GUEST_DONE();
}

/* The off-vCPU test's SPIs: 33 (edge) and 34 (level) for vCPU target, 35 for vCPU 0. */
void vgic_guest_route_spis(uint64_t target)
{
	vgic_dist_init(0);
	vgic_spi_config(33, 1, VGIC_PRIO_DEFAULT, 1);
	vgic_spi_config(34, 0, VGIC_PRIO_DEFAULT, 1);
	vgic_spi_config(35, 1, VGIC_PRIO_DEFAULT, 1);
	mmio_write64(VGIC_DIST_GPA + GICD_IROUTER + 8 * 33, target);
	mmio_write64(VGIC_DIST_GPA + GICD_IROUTER + 8 * 34, target);
	guest_ucall(UCALL_SYNC, 1, mmio_read64(VGIC_DIST_GPA + GICD_IROUTER + 8 * 33), 0);
	GUEST_DONE();
}

/* A level SPI: the host lowers its line before the guest ends it. */
static void lower_level_hook(uint32_t cpu, uint32_t intid)
{
	if (intid == 34)
		guest_ucall(UCALL_SYNC, VGIC_REQ_LINE, intid, 0);
}

/* Powered on after the SPIs were injected: takes what waited for it (SYNC 1: counts). */
void vgic_guest_secondary(uint64_t cpu)
{
	vgic_install_vectors(lower_level_hook);
	vgic_cpu_init(cpu, 0);
	asm volatile("msr daifclr, #2\n isb" ::: "memory");
	vgic_wait_ge(&vgic_irqs[cpu][34], 1, 2000);
	vgic_wait_ge(&vgic_irqs[cpu][33], 1, 2000);
	vgic_delay_ms(20);
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	guest_ucall(UCALL_SYNC, 1, vgic_irqs[cpu][33], vgic_irqs[cpu][34]);
	GUEST_DONE();
}

/*
 * Every SPI enabled, edge-triggered, for vCPU 0. Each round asks the host for one
 * interrupt (VGIC_REQ_ROUND) and waits for it; the host chooses which. Whatever arrives
 * is counted by INTID (vgic_irqs[0][]).
 */
void vgic_guest_spi_rounds(uint64_t rounds)
{
	uint32_t r, i;

	vgic_install_vectors(NULL);
	vgic_dist_init(1);
	vgic_cpu_init(0, 0);
	for (i = 32; i < VGIC_NR_INTIDS; i += 32)
		mmio_write32(VGIC_DIST_GPA + GICD_ISENABLER + i / 8, ~0U);
	asm volatile("msr daifclr, #2\n isb" ::: "memory");
	for (r = 0; r < rounds; r++) {
		guest_ucall(UCALL_SYNC, VGIC_REQ_ROUND, r, 0);
		GUEST_ASSERT_EQ(vgic_wait_ge(&vgic_taken[0], r + 1, 5000), 1);
	}
	vgic_delay_ms(20);
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	GUEST_DONE();
}

/* Without a vGIC: no GIC in ID_AA64PFR0_EL1, ICC_* UNDEFINED (reported by guest_vectors). */
void vgic_guest_no_gic(uint64_t unused)
{
	uint64_t v, isr;

	asm volatile("msr vbar_el1, %0\n isb" : : "r"(guest_vectors) : "memory");
	asm volatile("mrs %0, id_aa64pfr0_el1" : "=r"(v));
	guest_hvc(NO_GIC_PFR0, v >> 24 & 0xf, 0);
	v = read_sysreg_s(ICC_PMR_EL1);
	guest_hvc(NO_GIC_PMR, v, 0);
	v = read_sysreg_s(ICC_IAR1_EL1);
	guest_hvc(NO_GIC_IAR, v, 0);
	write_sysreg_s(ICC_SGI1R_EL1, 1ULL << 24 | 1);
	guest_hvc(NO_GIC_SGI, 0, 0);
	asm volatile("mrs %0, isr_el1" : "=r"(isr));
	guest_hvc(NO_GIC_ISR, isr, 0);
	GUEST_DONE();
}
