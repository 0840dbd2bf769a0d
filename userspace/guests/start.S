/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the bundled guests. vCPU 0 comes in at _start with x0 = the device tree;
 * others at secondary_entry (PSCI CPU_ON) with x0 = their context id. Each gets a 16 KiB
 * stack by MPIDR.Aff0; vCPU 0 clears .bss first.
 */
	.section .text.start, "ax"
	.globl	_start
_start:
	bl	set_stack
	mov	x19, x0
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, x19
	bl	main
	bl	guest_exit
3:	wfi
	b	3b

	.globl	secondary_entry
secondary_entry:
	bl	set_stack
	bl	secondary_main
4:	wfi
	b	4b

/* sp = the top of stack number MPIDR.Aff0; keeps x0. */
set_stack:
	mrs	x1, mpidr_el1
	and	x1, x1, #0xf
	add	x1, x1, #1
	adrp	x2, guest_stacks
	add	x2, x2, :lo12:guest_stacks
	add	x2, x2, x1, lsl #14
	mov	sp, x2
	ret

	.bss
	.balign	16
	.globl	guest_stacks
guest_stacks:
	.skip	16 * 16384
