// SPDX-License-Identifier: GPL-2.0
/*
 * tour: exercises each kind of exit avcpu has, printing what happened. The MMIO to the
 * UART itself is the first kind.
 */
#include "guest.h"

static volatile uint64_t undef_seen, undef_esr;

/* An EL1 vector table: any synchronous exception is recorded and skipped. */
void tour_sync_exception(void)
{
	uint64_t esr, elr;

	asm volatile("mrs %0, esr_el1\n mrs %1, elr_el1" : "=r"(esr), "=r"(elr));
	undef_esr = esr;
	undef_seen = 1;
	asm volatile("msr elr_el1, %0" : : "r"(elr + 4));
}

asm(".balign 2048\n"
    "tour_vectors:\n"
    ".rept 16\n"
    ".balign 128\n"
    "stp x29, x30, [sp, #-16]!\n"
    "bl tour_sync_exception\n"
    "ldp x29, x30, [sp], #16\n"
    "eret\n"
    ".endr\n");
extern char tour_vectors[];

static uint64_t hvc(uint64_t imm_tag, uint64_t x0)
{
	register uint64_t r0 asm("x0") = x0;

	(void)imm_tag;
	asm volatile("hvc #0x42" : "+r"(r0) : : "x1", "x2", "x3", "memory");
	return r0;
}

static uint64_t smc(uint64_t x0)
{
	register uint64_t r0 asm("x0") = x0;

	asm volatile("smc #0" : "+r"(r0) : : "x1", "x2", "x3", "memory");
	return r0;
}

static uint64_t cntvct(void)
{
	uint64_t v;

	asm volatile("isb\n mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static void say(const char *what, const char *result)
{
	puts_("tour: ");
	puts_(what);
	puts_(": ");
	puts_(result);
}

static void line(const char *what, const char *result)
{
	say(what, result);
	putc_('\n');
}

static void line_hex(const char *what, const char *result, uint64_t value)
{
	say(what, result);
	putc_(' ');
	puthex(value);
	putc_('\n');
}

int main(uint64_t dtb)
{
	uint64_t v, freq, start;

	(void)dtb;
	asm volatile("msr vbar_el1, %0\n isb" : : "r"(tour_vectors));
	line("mmio", "this line went through the PL011, one exit per character");
	v = *(volatile uint32_t *)(UART_BASE + 0x18);
	line_hex("mmio read", "UART flags", v);
	v = hvc(0x42, 0x86000000);
	line_hex("hypercall", "hvc #0x42 answered by avcpu-run with", v);
	v = smc(0x82000000);
	line_hex("smc", "an SMC nobody allows exits like a hypercall; answer", v);
	asm volatile("mrs %0, actlr_el1" : "=r"(v));
	if (undef_seen)
		line_hex("sysreg", "ACTLR_EL1 refused by avcpu-run: UNDEFINED, ESR_EL1", undef_esr);
	else
		line("sysreg", "ACTLR_EL1 read without an exception?");
	asm volatile("mrs %0, id_aa64pfr0_el1" : "=r"(v));
	line_hex("id registers", "ID_AA64PFR0_EL1 as the guest sees it (SVE, EL2 hidden)", v);
	v = (uint64_t)psci(PSCI_VERSION, 0, 0, 0);
	line_hex("psci", "PSCI_VERSION served by avcpu.ko", v);
	asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	start = cntvct();
	asm volatile("msr cntv_cval_el0, %0\n msr cntv_ctl_el0, %1\n isb\n wfi\n msr cntv_ctl_el0, xzr"
		     : : "r"(start + freq / 100), "r"(1ULL));
	say("wfi", "slept until the virtual timer (10 ms):");
	putc_(' ');
	putdec((cntvct() - start) * 1000 / freq);
	puts_(" ms\n");
	line("done", "reporting success to the test device");
	guest_exit_status(0);
}
