/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code: an EL1 vector table that reports every exception to the host and skips the
 * instruction that raised it: "hvc #0xe1" with x0 = ESR_EL1, x1 = ELR_EL1, x2 = the
 * vector offset, then ELR_EL1 += 4 and eret. Registers other than x16..x18 are kept.
 */
	.text
	.balign	2048
	.globl	guest_vectors
guest_vectors:
	.irp	off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	.balign	0x80
	mov	x18, #\off
	b	guest_vector_report
	.endr

guest_vector_report:
	stp	x0, x1, [sp, #-32]!
	stp	x2, x3, [sp, #16]
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mov	x2, x18
	hvc	#0xe1
	mrs	x16, elr_el1
	add	x16, x16, #4
	msr	elr_el1, x16
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp], #32
	eret

/*
 * A secondary vCPU's entry after PSCI CPU_ON: x0 = context = 0x100 + vCPU index. Sets up
 * its stack from the index, then calls guest_secondary(context).
 */
	.globl	guest_secondary_entry
guest_secondary_entry:
	and	x1, x0, #0xff
	add	x1, x1, #1
	lsl	x1, x1, #16			// GUEST_STACK_SIZE = 64 KiB
	mov	x2, #0x10000000			// GUEST_STACK_GPA
	add	x1, x1, x2
	mov	sp, x1
	bl	guest_secondary
1:	b	1b

/*
 * An EL1 vector table for interrupt tests: IRQ and FIQ entries report "hvc #0xe2" with
 * x0 = ISR_EL1 and x2 = the vector offset, then return to the interrupted instruction
 * (ELR_EL1 as it is: an interrupt is taken between instructions). The host acknowledges
 * by deasserting the line before it answers. Every other entry is guest_vectors' report.
 */
	.text
	.balign	2048
	.globl	guest_irq_vectors
guest_irq_vectors:
	.irp	off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	.balign	0x80
	mov	x18, #\off
	.if	((\off & 0x180) == 0x080) || ((\off & 0x180) == 0x100)
	b	guest_irq_report
	.else
	b	guest_vector_report
	.endif
	.endr

guest_irq_report:
	stp	x0, x1, [sp, #-32]!
	stp	x2, x3, [sp, #16]
	mrs	x0, isr_el1
	mrs	x1, elr_el1
	mov	x2, x18
	hvc	#0xe2
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp], #32
	eret
