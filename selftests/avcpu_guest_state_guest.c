// SPDX-License-Identifier: GPL-2.0
/* Guest code of avcpu_guest_state_test (guest flags, see avcpu_guest.h). */
#include "avcpu_guest.h"
#include "avcpu_guest_state_guest.h"

void guest_vectors(void);
void guest_pan_vectors(void);
void guest_el0_tco_code(void);
void guest_a32_spin(void);

/*
 * EL0 code. MSR TCO, #1 (0xd503419f) needs FEAT_MTE and is allowed at EL0 whatever
 * HCR_EL2.ATA says; without MTE it is UNDEFINED and guest_vectors reports it. The A32
 * word 0xeafffffe is "b ." in the ARM instruction set.
 */
asm(
"	.text\n"
"	.balign	4\n"
"	.globl	guest_el0_tco_code\n"
"guest_el0_tco_code:\n"
"	.inst	0xd503419f\n"
"1:	b	1b\n"
"	.balign	4\n"
"	.globl	guest_a32_spin\n"
"guest_a32_spin:\n"
"	.inst	0xeafffffe\n");

/*
 * An EL1 vector table whose current-EL-with-SP_ELx synchronous entry reports PSTATE.PAN as
 * the handler sees it ("hvc #0xe3": x0 ESR_EL1, x1 PAN (S3_0_C4_C2_3), x2 0x200), then
 * returns past the instruction. Every other entry is guest_vectors' report.
 */
asm(
"	.text\n"
"	.balign	2048\n"
"	.globl	guest_pan_vectors\n"
"guest_pan_vectors:\n"
"	.irp	off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780\n"
"	.balign	0x80\n"
"	.if	\\off == 0x200\n"
"	b	guest_pan_report\n"
"	.else\n"
"	b	guest_vectors + \\off\n"
"	.endif\n"
"	.endr\n"
"guest_pan_report:\n"
"	stp	x0, x1, [sp, #-32]!\n"
"	stp	x2, x3, [sp, #16]\n"
"	mrs	x0, esr_el1\n"
"	mrs	x1, S3_0_C4_C2_3\n"
"	mov	x2, #0x200\n"
"	hvc	#0xe3\n"
"	mrs	x16, elr_el1\n"
"	add	x16, x16, #4\n"
"	msr	elr_el1, x16\n"
"	ldp	x2, x3, [sp, #16]\n"
"	ldp	x0, x1, [sp], #32\n"
"	eret\n");

static void enter_el0(uint64_t spsr, void (*code)(void))
{
	asm volatile("msr vbar_el1, %0\n isb" : : "r"(guest_vectors));
	asm volatile("msr spsr_el1, %0\n msr elr_el1, %1\n isb\n eret"
		     : : "r"(spsr), "r"(code) : "memory");
}

/* EL0 (AArch64, interrupts unmasked) sets PSTATE.TCO and spins. */
void guest_el0_tco(uint64_t unused)
{
	enter_el0(0x0, guest_el0_tco_code);
}

/*
 * AArch32 EL0 (User mode, M = 0b10000) spinning on "b .". Where the CPU has no AArch32 at
 * EL0 the ERET is an illegal return: EL1 takes an Illegal State exception (EC 0x0e).
 */
void guest_el0_a32(uint64_t unused)
{
	enter_el0(0x10, guest_a32_spin);
}

/*
 * An UNDEFINED instruction (PMCR_EL0 is hidden: EL2 injects the UNDEF) taken with
 * SCTLR_EL1.SPAN and PSTATE.PAN as arg says: the handler reports PAN.
 */
void guest_pan(uint64_t arg)
{
	const uint64_t span = 1ULL << 23;
	uint64_t mmfr1, sctlr, v;

	asm volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(mmfr1));
	if (!((mmfr1 >> 20) & 0xf)) {
		guest_hvc(NO_PAN_CALL, 0, 0);
		GUEST_DONE();
	}
	asm volatile("msr vbar_el1, %0\n isb" : : "r"(guest_pan_vectors));
	asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr = arg & PAN_ARG_SPAN ? sctlr | span : sctlr & ~span;
	asm volatile("msr sctlr_el1, %0\n isb" : : "r"(sctlr));
	if (arg & PAN_ARG_PAN)
		asm volatile(".inst 0xd500419f" ::: "memory");	/* msr pan, #1 */
	else
		asm volatile(".inst 0xd500409f" ::: "memory");	/* msr pan, #0 */
	asm volatile("mrs %0, pmcr_el0" : "=r"(v) : : "memory");
	asm volatile(".inst 0xd500409f" ::: "memory");
	GUEST_DONE();
}

/* Cache maintenance by VA on an address with nothing behind it, then a report. */
void guest_dc_unbacked(uint64_t addr)
{
	asm volatile("dc civac, %0" : : "r"(addr) : "memory");
	asm volatile("dc cvac, %0" : : "r"(addr + 64) : "memory");
	asm volatile("dc ivac, %0" : : "r"(addr + 128) : "memory");
	guest_hvc(DC_DONE_CALL, 1, 0);
	GUEST_DONE();
}

/* An SMC with W0 = fn; reports what came back if the guest gets control again. */
void guest_smc(uint64_t fn)
{
	register uint64_t x0 asm("x0") = fn;

	asm volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	guest_hvc(SMC_RETURNED_CALL, x0, 0);
	GUEST_DONE();
}

void guest_spin_forever(uint64_t unused)
{
	for (;;)
		asm volatile("" ::: "memory");
}
