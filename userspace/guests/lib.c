// SPDX-License-Identifier: GPL-2.0
/* Console, PSCI and test device for the bundled guests (MMU off: aligned accesses only). */
#include "guest.h"

#define UART_DR		(*(volatile uint32_t *)(UART_BASE + 0x00))
#define UART_FR		(*(volatile uint32_t *)(UART_BASE + 0x18))
#define UART_FR_TXFF	(1u << 5)

void putc_(char c)
{
	while (UART_FR & UART_FR_TXFF)
		;
	UART_DR = (uint32_t)(unsigned char)c;
}

void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

void puthex(uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 60;

	puts_("0x");
	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		putc_(digits[(v >> shift) & 0xf]);
}

void putdec(uint64_t v)
{
	char buf[24];
	int i = 0;

	do {
		buf[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		putc_(buf[--i]);
}

int64_t psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 asm("x0") = fn;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (int64_t)x0;
}

uint64_t read_mpidr(void)
{
	uint64_t v;

	asm volatile("mrs %0, mpidr_el1" : "=r"(v));
	return v;
}

uint64_t mpidr_of(unsigned cpu)
{
	return (cpu & 0xf) | ((uint64_t)((cpu >> 4) & 0xff) << 8);
}

void guest_exit_status(int status)
{
	*(volatile uint32_t *)TESTDEV_BASE = (uint32_t)status;
	for (;;)
		asm volatile("wfi");
}

void guest_exit(void)
{
	psci(PSCI_SYSTEM_OFF, 0, 0, 0);
	guest_exit_status(70); /* SYSTEM_OFF returned: report it */
}

/* Programs without secondaries still link. */
__attribute__((weak)) void secondary_main(uint64_t context)
{
	(void)context;
	psci(PSCI_CPU_OFF, 0, 0, 0);
}
