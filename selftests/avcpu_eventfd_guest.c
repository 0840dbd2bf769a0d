// SPDX-License-Identifier: GPL-2.0
/*
 * Guest code of avcpu_eventfd_test (guest flags, see avcpu_guest.h): doorbell writes the
 * host binds to eventfds, and interrupts the host raises through irqfds. Each SYNC stage
 * is where the host checks what the writes or interrupts before it did.
 */
#include <stddef.h>

#include "avcpu_eventfd_guest.h"
#include "avcpu_vgic_guest.h"

void evfd_guest_mmio(uint64_t unused)
{
	uint32_t i;

	for (i = 0; i < EVFD_DOORBELLS; i++)
		mmio_write32(EVFD_DOORBELL, i);
	GUEST_SYNC(1);
	/* Datamatch: only the writes of EVFD_MATCH_VALUE are the eventfd's. */
	mmio_write32(EVFD_MATCH, EVFD_MATCH_VALUE);
	mmio_write32(EVFD_MATCH, 2);
	mmio_write32(EVFD_MATCH, 7);
	mmio_write32(EVFD_MATCH, EVFD_MATCH_VALUE);
	GUEST_SYNC(2);
	/* Width: only the 2-byte write is the eventfd's. */
	mmio_write8(EVFD_WIDTH, 1);
	mmio_write16(EVFD_WIDTH, 2);
	mmio_write32(EVFD_WIDTH, 3);
	mmio_write64(EVFD_WIDTH, 4);
	GUEST_SYNC(3);
	/* An address without a binding, a read of a bound one, then any width. */
	mmio_write32(EVFD_UNBOUND, 5);
	GUEST_ASSERT_EQ(mmio_read32(EVFD_DOORBELL), 0x5a5a5a5a);
	mmio_write8(EVFD_ANY, 1);
	mmio_write64(EVFD_ANY, 2);
	GUEST_SYNC(4);
	/* The host removed the doorbell's binding: this one exits. */
	mmio_write32(EVFD_DOORBELL, 9);
	GUEST_DONE();
}

/* Waits up to ms for n interrupts of intid, then 20 ms more, and reports how many. */
static void evfd_expect_irqs(uint32_t stage, uint32_t intid, uint32_t n, uint32_t ms)
{
	vgic_wait_ge(&vgic_irqs[0][intid], n, ms);
	vgic_delay_ms(20);
	guest_ucall(UCALL_SYNC, stage, vgic_irqs[0][intid], 0);
}

/* The GIC on, the edge and the level SPI enabled, interrupts unmasked. */
static void evfd_gic_setup(void)
{
	vgic_install_vectors(NULL);
	vgic_dist_init(0);
	vgic_cpu_init(0, 0);
	vgic_spi_config(EVFD_EDGE_SPI, 1, VGIC_PRIO_DEFAULT, 1);
	vgic_spi_config(EVFD_LEVEL_SPI, 0, VGIC_PRIO_DEFAULT, 1);
	asm volatile("msr daifclr, #2\n isb" ::: "memory");
}

void evfd_guest_irqs(uint64_t unused)
{
	evfd_gic_setup();
	/* Edge: pulses from a host thread while this vCPU runs, each one taken once. */
	GUEST_SYNC(1);
	evfd_expect_irqs(2, EVFD_EDGE_SPI, EVFD_EDGE_ROUNDS, 10000);
	/* Level with resample: one assertion, one interrupt (lowered at its end). */
	GUEST_SYNC(3);
	evfd_expect_irqs(4, EVFD_LEVEL_SPI, 1, 2000);
	/* A device with a backlog re-asserts at each resample. */
	GUEST_SYNC(5);
	evfd_expect_irqs(6, EVFD_LEVEL_SPI, 1 + EVFD_DEVICE_ITEMS, 10000);
	/* Masked: raised meanwhile, the line stays high until taken and ended. */
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	GUEST_SYNC(7);
	asm volatile("msr daifclr, #2\n isb" ::: "memory");
	evfd_expect_irqs(8, EVFD_LEVEL_SPI, 2 + EVFD_DEVICE_ITEMS, 2000);
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	GUEST_DONE();
}

/* Takes both SPIs for ms milliseconds, whatever comes (the host races its bindings). */
void evfd_guest_spin(uint64_t ms)
{
	evfd_gic_setup();
	vgic_delay_ms(ms);
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	GUEST_DONE();
}
