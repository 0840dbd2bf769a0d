/* SPDX-License-Identifier: GPL-2.0 */
/* Guest functions of avcpu_irq_test. */
#ifndef AVCPU_IRQ_GUEST_H
#define AVCPU_IRQ_GUEST_H

#include <stdint.h>

#define IRQ_REPORT_IMM	0xe2	/* guest_irq_vectors' hypercall for IRQ and FIQ */
#define IRQ_ISR_IMM	0x30	/* guest_isr_report: x0 = ISR_EL1 */

#define ISR_EL1_F	(1U << 6)
#define ISR_EL1_I	(1U << 7)

void guest_irq_vectors(void);

void guest_irq_unmask(uint64_t unused);
void guest_isr_report(uint64_t count);
void guest_irq_wfi(uint64_t unused);

#endif
