// SPDX-License-Identifier: GPL-2.0
/* Guest code of avcpu_irq_test (guest flags, see avcpu_guest.h). */
#include "avcpu_guest.h"
#include "avcpu_irq_guest.h"

static inline uint64_t read_isr(void)
{
	uint64_t v;

	asm volatile("mrs %0, isr_el1" : "=r"(v));
	return v;
}

static inline void report_isr(void)
{
	register uint64_t x0 asm("x0") = read_isr();

	asm volatile("hvc %1" : "+r"(x0) : "i"(IRQ_ISR_IMM) : "x1", "x2", "x3", "memory");
}

/*
 * Stage 1: the host asserts IRQ; unmasking takes it (one report through the vectors).
 * Stage 2: IRQ masked again, the host asserts FIQ; unmasking FIQ takes it.
 */
void guest_irq_unmask(uint64_t unused)
{
	asm volatile("msr vbar_el1, %0\n isb" : : "r"(guest_irq_vectors));
	GUEST_SYNC(1);
	asm volatile("msr daifclr, #2\n isb" ::: "memory");
	asm volatile("msr daifset, #2\n isb" ::: "memory");
	GUEST_SYNC(2);
	asm volatile("msr daifclr, #1\n isb" ::: "memory");
	asm volatile("msr daifset, #1\n isb" ::: "memory");
	GUEST_SYNC(3);
	GUEST_DONE();
}

/* With IRQ and FIQ masked: reports ISR_EL1 count times; the host changes lines between. */
void guest_isr_report(uint64_t count)
{
	while (count--)
		report_isr();
	GUEST_DONE();
}

/*
 * Masked WFI with no timer until ISR_EL1 shows an IRQ (a WFI may end early, so it loops):
 * only the line can end this. Then reports ISR_EL1.
 */
void guest_irq_wfi(uint64_t unused)
{
	while (!(read_isr() & ISR_EL1_I))
		asm volatile("dsb sy\n wfi" ::: "memory");
	report_isr();
	GUEST_DONE();
}
