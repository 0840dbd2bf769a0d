// SPDX-License-Identifier: GPL-2.0
/*
 * smp: vCPU 0 starts every other vCPU with PSCI CPU_ON, one at a time so that their lines
 * do not mix; each prints its MPIDR and turns itself off; then all power off.
 */
#include "guest.h"

static volatile uint64_t started[16];

void secondary_main(uint64_t context)
{
	puts_("smp: cpu ");
	putdec(context);
	puts_(" up, MPIDR ");
	puthex(read_mpidr());
	putc_('\n');
	started[context] = 1;
	psci(PSCI_CPU_OFF, 0, 0, 0);
}

int main(uint64_t dtb)
{
	unsigned cpu, n = 1;

	(void)dtb;
	puts_("smp: cpu 0 up, MPIDR ");
	puthex(read_mpidr());
	putc_('\n');
	for (cpu = 1; cpu < 16; cpu++) {
		int64_t r = psci(PSCI_CPU_ON, mpidr_of(cpu), (uint64_t)secondary_entry, cpu);

		if (r == -2) /* INVALID_PARAMS: no such vCPU, we have them all */
			break;
		if (r != 0) {
			puts_("smp: CPU_ON failed for cpu ");
			putdec(cpu);
			putc_('\n');
			guest_exit_status(1);
		}
		while (!started[cpu])
			;
		while (psci(PSCI_AFFINITY_INFO, mpidr_of(cpu), 0, 0) != 1) /* until OFF */
			;
		n++;
	}
	puts_("smp: all ");
	putdec(n);
	puts_(" CPUs came up and went off again\n");
	return 0;
}
