/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EL2 image's assembly: its header, the MMU-off entry point the hyp stub branches to,
 * the exception vectors, the host-call path, the report of exceptions EL2 takes itself,
 * and the hand-back to the hyp stub.
 *
 * EL2 runs identity-mapped (VA == PA), so the same code runs with the MMU off and on.
 */
#include "hyp_image.h"
#include "hyp_abi.h"

#define ESR_EC_SHIFT	26
#define ESR_EC_HVC64	0x16

	.section .hyp.header, "ax"
	.globl	__hyp_header
__hyp_header:
	.quad	AVCPU_HYP_MAGIC
	.quad	AVCPU_HYP_ABI
	.quad	__hyp_text_end - __hyp_header
	.quad	__hyp_rodata_end - __hyp_header
	.quad	__hyp_bss_start - __hyp_header
	.quad	__hyp_end - __hyp_header
	.quad	__hyp_rela_start - __hyp_header
	.quad	__hyp_rela_end - __hyp_header
	.quad	__hyp_vectors - __hyp_header
	.quad	__hyp_init - __hyp_header
	.quad	__hyp_soft_restart_probe - __hyp_header
	.if	(. - __hyp_header) != HYP_HDR_SIZE
	.error	"image header does not match struct avcpu_hyp_header"
	.endif

/*
 * Exception vectors: 16 slots of 128 bytes (Arm ARM D1.10.2 "Exception vectors"). A slot
 * whose code outgrows 0x80 bytes fails the build at .org.
 */
.macro	vector_slot, name, target
	.balign	0x80
.Lslot_\name:
	b	\target
	.org	.Lslot_\name + 0x80
.endm

/*
 * A lower-EL slot: from a guest (this CPU's guest_ctx set) it leaves the guest with
 * \kind; from the host it goes on to \host_target. x0/x1 are parked on the EL2 stack.
 */
.macro	lower_slot, name, kind, host_target
	.balign	0x80
.Lslot_\name:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	ldr	x1, [x0, #HYP_PCPU_GUEST_CTX]
	cbz	x1, 1f
	mov	x0, #\kind
	b	guest_exit
1:	ldp	x0, x1, [sp], #16
	b	\host_target
	.org	.Lslot_\name + 0x80
.endm

	.section .hyp.vectors, "ax"
	.balign	2048
	.globl	__hyp_vectors
__hyp_vectors:
	/* Current EL with SP_EL0: EL2 never runs on SP_EL0. */
	vector_slot	cur_sp0_sync, hyp_el2_exception
	vector_slot	cur_sp0_irq, hyp_el2_exception
	vector_slot	cur_sp0_fiq, hyp_el2_exception
	vector_slot	cur_sp0_serror, hyp_el2_exception
	/* Current EL with SP_EL2: an exception EL2 took itself. */
	vector_slot	cur_spx_sync, hyp_el2_exception
	vector_slot	cur_spx_irq, hyp_el2_exception
	vector_slot	cur_spx_fiq, hyp_el2_exception
	vector_slot	cur_spx_serror, hyp_exit_serror
	/* Lower EL, AArch64: the host (and, once guests run, a guest). */
	lower_slot	lower_sync, GUEST_EXIT_SYNC, host_sync_entry
	lower_slot	lower_irq, GUEST_EXIT_IRQ, host_async_entry
	lower_slot	lower_fiq, GUEST_EXIT_FIQ, host_async_entry
	lower_slot	lower_serror, GUEST_EXIT_SERROR, host_async_entry
	/* Lower EL, AArch32: nothing below EL2 runs AArch32 code that can trap here. */
	vector_slot	lower32_sync, hyp_el2_exception
	vector_slot	lower32_irq, hyp_el2_exception
	vector_slot	lower32_fiq, hyp_el2_exception
	vector_slot	lower32_serror, hyp_el2_exception

/* Pushes x0..x30 as a HostFrame. */
.macro	save_host_frame
	sub	sp, sp, #HOST_FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	str	x30, [sp, #16 * 15]
.endm

/* Reloads x4..x30 from the HostFrame at sp and pops it; x0..x3 are the results. */
.macro	restore_host_frame
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #HOST_FRAME_SIZE
.endm

	.text

/*
 * MMU-off entry, reached through the stub's HVC_SOFT_RESTART with x0 = the physical
 * address of this CPU's struct avcpu_hyp_init. ELR_EL2/SPSR_EL2 still describe the host's
 * hvc, so eret returns to it. Nothing is written to memory before the MMU is on: with the
 * MMU off stores bypass the caches, and stale lines could hide them later.
 */
	.globl	__hyp_init
__hyp_init:
	mrs	x9, vbar_el2			// the stub's vectors, to hand back later
	mrs	x10, sctlr_el2			// the stub's SCTLR_EL2 (MMU off)
	ldr	x11, [x0, #HYP_INIT_MAIR]
	msr	mair_el2, x11
	ldr	x11, [x0, #HYP_INIT_TCR]
	msr	tcr_el2, x11
	ldr	x11, [x0, #HYP_INIT_TTBR0]
	msr	ttbr0_el2, x11
	isb
	tlbi	alle2				// nothing cached from an earlier owner of EL2
	dsb	nsh
	ic	iallu
	dsb	nsh
	isb
	ldr	x11, [x0, #HYP_INIT_SCTLR]
	msr	sctlr_el2, x11
	isb
	ldr	x11, [x0, #HYP_INIT_SP]
	mov	sp, x11
	ldr	x12, [x0, #HYP_INIT_PERCPU]
	msr	tpidr_el2, x12
	str	x9, [x12, #HYP_PCPU_STUB_VBAR]
	str	x10, [x12, #HYP_PCPU_STUB_SCTLR]
	str	x11, [x12, #HYP_PCPU_STACK_TOP]
	str	xzr, [x12, #HYP_PCPU_IN_FAULT]
	ldr	x11, [x0, #HYP_INIT_VBAR]
	msr	vbar_el2, x11
	isb
	mov	x0, #0
	eret

/*
 * A synchronous exception from EL1. Saves the host's registers so that it sees every one
 * but x0..x3 preserved, remembers where the call came from (for the fault report below),
 * and hands the stub's reset functions to hyp_reset_to_stub.
 */
host_sync_entry:
	save_host_frame
	mrs	x9, tpidr_el2
	mrs	x10, elr_el2
	str	x10, [x9, #HYP_PCPU_HOST_ELR]
	mrs	x10, spsr_el2
	str	x10, [x9, #HYP_PCPU_HOST_SPSR]

	mrs	x10, esr_el2
	lsr	x11, x10, #ESR_EC_SHIFT
	cmp	x11, #ESR_EC_HVC64
	b.ne	1f
	tst	x10, #0xffff			// only hvc #0 speaks the stub's ABI
	b.ne	1f
	cmp	x0, #HVC_SOFT_RESTART
	b.eq	hyp_reset_to_stub
	cmp	x0, #HVC_RESET_VECTORS
	b.eq	hyp_reset_to_stub
1:	mov	x0, sp
	bl	hyp_handle_host_sync
	/* A guest may have run meanwhile: return to where the host called from. */
	mrs	x9, tpidr_el2
	ldr	x10, [x9, #HYP_PCPU_HOST_ELR]
	msr	elr_el2, x10
	ldr	x10, [x9, #HYP_PCPU_HOST_SPSR]
	msr	spsr_el2, x10
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	restore_host_frame
	eret

/*
 * HVC_RESET_VECTORS and HVC_SOFT_RESTART: give EL2 back to the hyp stub exactly as the
 * stub would have been (its vectors, its SCTLR_EL2 with the MMU off), then either return 0
 * or branch to x1 at EL2 with x2..x4 moved to x0..x2, as the stub does. The stub's ABI lets
 * caller-saved registers be clobbered; x9..x11 are.
 */
hyp_reset_to_stub:
	mrs	x9, tpidr_el2
	ldr	x10, [x9, #HYP_PCPU_STUB_VBAR]
	ldr	x11, [x9, #HYP_PCPU_STUB_SCTLR]
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	add	sp, sp, #HOST_FRAME_SIZE
	msr	vbar_el2, x10
	dsb	sy
	msr	sctlr_el2, x11			// MMU and caches off: we run identity-mapped
	isb
	tlbi	alle2
	dsb	nsh
	isb
	cmp	x0, #HVC_SOFT_RESTART
	b.eq	1f
	mov	x0, #0
	eret
1:	mov	x9, x1
	mov	x0, x2
	mov	x1, x3
	mov	x2, x4
	br	x9

/*
 * An exception EL2 took itself (a bug, or a test's deliberate fault). Record ESR/ELR/FAR
 * in this CPU's data and abandon the host call in progress: reset the stack, restore the
 * host's registers from its frame and return AVCPU_HYP_EFAULT with ESR, ELR, FAR in x1..x3,
 * so that the host can report it instead of hanging. A second exception while reporting
 * one cannot be recovered: park the CPU.
 */
hyp_el2_exception:
	/*
	 * A forwarded SMC that is UNDEFINED at EL2 (no EL3 firmware): the guest gets SMCCC
	 * NOT_SUPPORTED, EL2 goes on after the SMC. hyp_forward_smc lets x9/x10 be clobbered.
	 */
	mrs	x9, elr_el2
	adr	x10, __hyp_smc_insn
	cmp	x9, x10
	b.ne	1f
	mrs	x10, esr_el2
	lsr	x10, x10, #ESR_EC_SHIFT
	cbnz	x10, 1f				// EC 0: unknown reason, i.e. UNDEFINED
	add	x9, x9, #4
	msr	elr_el2, x9
	mov	x0, #-1
	eret
1:	mrs	x9, tpidr_el2
	ldr	x10, [x9, #HYP_PCPU_IN_FAULT]
	cbnz	x10, hyp_park
	/*
	 * With a guest's EL1 state and stage 2 loaded, returning to the host would run it
	 * with the guest's translation tables: park this CPU instead (its fault is still
	 * recorded for a debugger).
	 */
	ldr	x10, [x9, #HYP_PCPU_RUN_ACTIVE]
	cbz	x10, 2f
	mrs	x10, esr_el2
	str	x10, [x9, #HYP_PCPU_FAULT_ESR]
	mrs	x10, elr_el2
	str	x10, [x9, #HYP_PCPU_FAULT_ELR]
	b	hyp_park
2:
	mov	x10, #1
	str	x10, [x9, #HYP_PCPU_IN_FAULT]
	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	str	x1, [x9, #HYP_PCPU_FAULT_ESR]
	str	x2, [x9, #HYP_PCPU_FAULT_ELR]
	str	x3, [x9, #HYP_PCPU_FAULT_FAR]
	ldr	x10, [x9, #HYP_PCPU_FAULT_COUNT]
	add	x10, x10, #1
	str	x10, [x9, #HYP_PCPU_FAULT_COUNT]
	ldr	x10, [x9, #HYP_PCPU_HOST_ELR]
	msr	elr_el2, x10
	ldr	x10, [x9, #HYP_PCPU_HOST_SPSR]
	msr	spsr_el2, x10
	ldr	x10, [x9, #HYP_PCPU_STACK_TOP]
	sub	sp, x10, #HOST_FRAME_SIZE
	str	xzr, [x9, #HYP_PCPU_IN_FAULT]
	mov	x0, #AVCPU_HYP_EFAULT
	restore_host_frame
	eret

hyp_park:
	wfe
	b	hyp_park

/*
 * An SError EL2 took itself. The one expected place is guest_exit's window on CPUs without
 * FEAT_RAS (ELR_EL2 anywhere from the unmask to the mask again, as the pending error may
 * be taken at either ISB): it is the guest's, so its syndrome goes to this CPU's
 * exit_serror for vcpu_run to classify, and the window goes on with PSTATE.A masked again
 * (SPSR_EL2.A set), so it cannot be taken twice. Anywhere else it is EL2's own fault.
 */
#define SPSR_A_BIT	8
hyp_exit_serror:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, elr_el2
	adr	x1, __hyp_exit_serror_window
	cmp	x0, x1
	b.lo	1f
	adr	x1, __hyp_exit_serror_window_end
	cmp	x0, x1
	b.hi	1f
	mrs	x0, tpidr_el2
	mrs	x1, esr_el2
	str	x1, [x0, #HYP_PCPU_EXIT_SERROR]
	mrs	x0, spsr_el2
	orr	x0, x0, #(1 << SPSR_A_BIT)
	msr	spsr_el2, x0
	ldp	x0, x1, [sp], #16
	eret
1:	ldp	x0, x1, [sp], #16
	b	hyp_el2_exception

/*
 * Interrupts and SErrors reach EL2 only while a guest runs (HCR_EL2.IMO, FMO and AMO are
 * clear for the host), and those go to guest_exit. One from the host cannot happen; if it
 * did, returning lets the host take it at EL1.
 */
host_async_entry:
	eret

/*
 * u64 __guest_enter(struct avcpu_vcpu_ctx *ctx, struct avcpu_hyp_percpu *cpu)
 *
 * Runs the guest: ELR_EL2, SPSR_EL2 and every system register are already the guest's.
 * Saves EL2's callee-saved registers and stack pointer, marks the guest running, loads
 * the guest's x0..x30 and erets. Returns (through guest_exit) the GUEST_EXIT_* kind.
 */
	.globl	__guest_enter
__guest_enter:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	mov	x2, sp
	str	x2, [x1, #HYP_PCPU_EL2_SP]
	str	x0, [x1, #HYP_PCPU_GUEST_CTX]
	ldp	x2, x3, [x0, #VCPU_CTX_X0 + 16 * 1]
	ldp	x4, x5, [x0, #VCPU_CTX_X0 + 16 * 2]
	ldp	x6, x7, [x0, #VCPU_CTX_X0 + 16 * 3]
	ldp	x8, x9, [x0, #VCPU_CTX_X0 + 16 * 4]
	ldp	x10, x11, [x0, #VCPU_CTX_X0 + 16 * 5]
	ldp	x12, x13, [x0, #VCPU_CTX_X0 + 16 * 6]
	ldp	x14, x15, [x0, #VCPU_CTX_X0 + 16 * 7]
	ldp	x16, x17, [x0, #VCPU_CTX_X0 + 16 * 8]
	ldp	x18, x19, [x0, #VCPU_CTX_X0 + 16 * 9]
	ldp	x20, x21, [x0, #VCPU_CTX_X0 + 16 * 10]
	ldp	x22, x23, [x0, #VCPU_CTX_X0 + 16 * 11]
	ldp	x24, x25, [x0, #VCPU_CTX_X0 + 16 * 12]
	ldp	x26, x27, [x0, #VCPU_CTX_X0 + 16 * 13]
	ldp	x28, x29, [x0, #VCPU_CTX_X0 + 16 * 14]
	ldr	x30, [x0, #VCPU_CTX_X30]
	ldp	x0, x1, [x0, #VCPU_CTX_X0]
	eret
	dsb	nsh				// no speculation past the eret
	isb

/*
 * Branch-predictor hygiene on guest exit (Documentation/el2.rst, "Mitigations"). A guest
 * may have trained the branch history and branch targets that EL2's and the host's
 * indirect branches consume: before the first of them (guest_exit's ret), apply what this
 * CPU needs, as the module chose it from MIDR_EL1, the ID registers and the firmware
 * (HYP_MIT_* in this CPU's data). Every guest register is saved already, so x2..x17 and x19
 * are free (x19 is reloaded from the stack by guest_exit); x0, the exit kind, is kept.
 *
 * - Arm's Spectre-BHB loop: k taken branches overwrite the history, then DSB NSH; ISB so
 *   nothing after it runs speculatively under the old history.
 * - CLRBHB (HINT #22 when ID_AA64ISAR2_EL1.CLRBHB is 1), then ISB.
 * - SMCCC_ARCH_WORKAROUND_3 (history and predictors) or _1 (predictors) at EL3.
 */
.macro	exit_mitigations
	/*
	 * Error synchronization (FEAT_RAS ESB, a NOP without it): with PSTATE.A masked, as
	 * exception entry left it, an SError still pending from the guest is deferred into
	 * DISR_EL1, which vcpu_run reads, instead of reaching the host after the return.
	 * Without FEAT_RAS, guest_exit's error window does that job.
	 */
	hint	#16				// ESB
	mrs	x2, tpidr_el2
	ldr	x3, [x2, #HYP_PCPU_MITIGATIONS]
	ands	x4, x3, #HYP_MIT_BHB_LOOP_MASK
	b.eq	2f
1:	b	. + 4
	subs	x4, x4, #1
	b.ne	1b
	dsb	nsh
	isb
2:	tbz	x3, #HYP_MIT_CLRBHB_BIT, 3f
	hint	#22				// CLRBHB
	isb
3:	mov	x19, x0
	tbz	x3, #HYP_MIT_FW_WA3_BIT, 4f
	mov	w0, #SMCCC_ARCH_WORKAROUND_3_ID & 0xffff
	movk	w0, #SMCCC_ARCH_WORKAROUND_3_ID >> 16, lsl #16
	smc	#0
	b	5f
4:	tbz	x3, #HYP_MIT_FW_WA1_BIT, 5f
	mov	w0, #SMCCC_ARCH_WORKAROUND_1_ID & 0xffff
	movk	w0, #SMCCC_ARCH_WORKAROUND_1_ID >> 16, lsl #16
	smc	#0
5:	mov	x0, x19
.endm

/*
 * Leaving the guest: x0 = the GUEST_EXIT_* kind, x1 = the vCPU context, the guest's x0/x1
 * on the EL2 stack. Saves the guest's registers, clears the running mark, and returns from
 * __guest_enter on EL2's own stack.
 */
guest_exit:
	stp	x2, x3, [x1, #VCPU_CTX_X0 + 16 * 1]
	stp	x4, x5, [x1, #VCPU_CTX_X0 + 16 * 2]
	stp	x6, x7, [x1, #VCPU_CTX_X0 + 16 * 3]
	stp	x8, x9, [x1, #VCPU_CTX_X0 + 16 * 4]
	stp	x10, x11, [x1, #VCPU_CTX_X0 + 16 * 5]
	stp	x12, x13, [x1, #VCPU_CTX_X0 + 16 * 6]
	stp	x14, x15, [x1, #VCPU_CTX_X0 + 16 * 7]
	stp	x16, x17, [x1, #VCPU_CTX_X0 + 16 * 8]
	stp	x18, x19, [x1, #VCPU_CTX_X0 + 16 * 9]
	stp	x20, x21, [x1, #VCPU_CTX_X0 + 16 * 10]
	stp	x22, x23, [x1, #VCPU_CTX_X0 + 16 * 11]
	stp	x24, x25, [x1, #VCPU_CTX_X0 + 16 * 12]
	stp	x26, x27, [x1, #VCPU_CTX_X0 + 16 * 13]
	stp	x28, x29, [x1, #VCPU_CTX_X0 + 16 * 14]
	str	x30, [x1, #VCPU_CTX_X30]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x1, #VCPU_CTX_X0]
	exit_mitigations
	mrs	x2, tpidr_el2
	ldr	x3, [x2, #HYP_PCPU_MITIGATIONS]
	tbnz	x3, #HYP_MIT_RAS_BIT, 6f
	/*
	 * Without FEAT_RAS the macro's ESB is a NOP. DSB SY waits for the guest's outstanding
	 * accesses, so an SError they raise is pending by its end; unmasking PSTATE.A up to
	 * the next context synchronization takes it here, at EL2 (Arm ARM D1.3.6 "Asynchronous
	 * exception masking"), where hyp_exit_serror records it for vcpu_run, instead of
	 * at the host's EL1 after the return, where it would panic the host.
	 */
	dsb	sy
	msr	daifclr, #4			// PSTATE.A = 0
__hyp_exit_serror_window:
	isb
	isb
__hyp_exit_serror_window_end:
	msr	daifset, #4
6:
	str	xzr, [x2, #HYP_PCPU_GUEST_CTX]
	ldr	x3, [x2, #HYP_PCPU_EL2_SP]
	mov	sp, x3
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

/*
 * void hyp_forward_smc(u64 regs[8]): SMC #0 to the firmware with x0..x7 = regs[0..7];
 * x0..x3 back into regs[0..3]. SMCCC lets the firmware clobber x4..x17; x19 keeps regs.
 */
	.globl	hyp_forward_smc
hyp_forward_smc:
	stp	x29, x30, [sp, #-16]!
	stp	x19, x20, [sp, #-16]!
	mov	x19, x0
	ldp	x0, x1, [x19, #0]
	ldp	x2, x3, [x19, #16]
	ldp	x4, x5, [x19, #32]
	ldp	x6, x7, [x19, #48]
	.globl	__hyp_smc_insn
__hyp_smc_insn:
	smc	#0
	stp	x0, x1, [x19, #0]
	stp	x2, x3, [x19, #16]
	ldp	x19, x20, [sp], #16
	ldp	x29, x30, [sp], #16
	ret

/*
 * A target for HVC_SOFT_RESTART in tests of the stub contract: runs at EL2 with the MMU
 * off (as the stub leaves it) and returns to the caller with x0 = x0 + 1 (the caller's x2),
 * x1 = CurrentEL, x2 = SCTLR_EL2, x3 = the caller's x3 (arrived as x1).
 */
	.globl	__hyp_soft_restart_probe
__hyp_soft_restart_probe:
	add	x0, x0, #1
	mov	x3, x1
	mrs	x1, CurrentEL
	mrs	x2, sctlr_el2
	eret
