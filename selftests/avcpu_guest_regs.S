/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code: void guest_fill_and_hvc(const struct guest_regs *in, struct guest_regs *out)
 *
 * Loads x0..x28 and v0..v31 from *in, exits with "hvc #0", and stores what the registers
 * hold afterwards into *out, so the guest can check that nothing changed across the exit.
 * x29/x30 are the frame and return address: checked by the guest coming back at all.
 * x19..x28 are the caller's callee-saved registers: kept on the stack meanwhile.
 * struct guest_regs { u64 x[29]; u64 pad[3]; u128 v[32]; }  (x at 0, v at 256)
 */
	.arch	armv8-a+fp+simd
	.text
	.globl	guest_fill_and_hvc
guest_fill_and_hvc:
	stp	x29, x30, [sp, #-16]!
	stp	x19, x20, [sp, #-16]!
	stp	x21, x22, [sp, #-16]!
	stp	x23, x24, [sp, #-16]!
	stp	x25, x26, [sp, #-16]!
	stp	x27, x28, [sp, #-16]!
	stp	x0, x1, [sp, #-16]!
	add	x2, x0, #256
	ldp	q0, q1, [x2], #32
	ldp	q2, q3, [x2], #32
	ldp	q4, q5, [x2], #32
	ldp	q6, q7, [x2], #32
	ldp	q8, q9, [x2], #32
	ldp	q10, q11, [x2], #32
	ldp	q12, q13, [x2], #32
	ldp	q14, q15, [x2], #32
	ldp	q16, q17, [x2], #32
	ldp	q18, q19, [x2], #32
	ldp	q20, q21, [x2], #32
	ldp	q22, q23, [x2], #32
	ldp	q24, q25, [x2], #32
	ldp	q26, q27, [x2], #32
	ldp	q28, q29, [x2], #32
	ldp	q30, q31, [x2], #32
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldr	x28, [x0, #224]
	ldp	x0, x1, [x0]
	hvc	#0
	stp	x0, x1, [sp, #-16]!
	ldr	x0, [sp, #24]			// out
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	stp	x18, x19, [x0, #144]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	str	x28, [x0, #224]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0]
	add	x2, x0, #256
	stp	q0, q1, [x2], #32
	stp	q2, q3, [x2], #32
	stp	q4, q5, [x2], #32
	stp	q6, q7, [x2], #32
	stp	q8, q9, [x2], #32
	stp	q10, q11, [x2], #32
	stp	q12, q13, [x2], #32
	stp	q14, q15, [x2], #32
	stp	q16, q17, [x2], #32
	stp	q18, q19, [x2], #32
	stp	q20, q21, [x2], #32
	stp	q22, q23, [x2], #32
	stp	q24, q25, [x2], #32
	stp	q26, q27, [x2], #32
	stp	q28, q29, [x2], #32
	stp	q30, q31, [x2], #32
	add	sp, sp, #16
	ldp	x27, x28, [sp], #16
	ldp	x25, x26, [sp], #16
	ldp	x23, x24, [sp], #16
	ldp	x21, x22, [sp], #16
	ldp	x19, x20, [sp], #16
	ldp	x29, x30, [sp], #16
	ret
