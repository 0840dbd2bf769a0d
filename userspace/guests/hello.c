// SPDX-License-Identifier: GPL-2.0
/* hello: prints over the UART and powers off with PSCI SYSTEM_OFF. */
#include "guest.h"

int main(uint64_t dtb)
{
	puts_("Hello from an avcpu guest!\n");
	puts_("hello: running at EL");
	{
		uint64_t el;

		asm volatile("mrs %0, CurrentEL" : "=r"(el));
		putdec(el >> 2);
	}
	puts_(", device tree at ");
	puthex(dtb);
	puts_(", PSCI ");
	{
		int64_t v = psci(PSCI_VERSION, 0, 0, 0);

		putdec((uint64_t)v >> 16);
		putc_('.');
		putdec((uint64_t)v & 0xffff);
	}
	puts_("\nhello: powering off\n");
	return 0;
}
