/* SPDX-License-Identifier: GPL-2.0 */
/* What the bundled guests share: the console, PSCI, the test device. */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

#define UART_BASE	0x09000000UL
#define TESTDEV_BASE	0x09010000UL

void putc_(char c);
void puts_(const char *s);
void puthex(uint64_t v);
void putdec(uint64_t v);

int64_t psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
#define PSCI_VERSION		0x84000000UL
#define PSCI_CPU_OFF		0x84000002UL
#define PSCI_CPU_ON		0xc4000003UL
#define PSCI_AFFINITY_INFO	0xc4000004UL
#define PSCI_SYSTEM_OFF		0x84000008UL

uint64_t read_mpidr(void);
uint64_t mpidr_of(unsigned cpu);	/* avcpu-run's MPIDR for vCPU n */

/* Reports status to the test device; never returns (status 0: pass). */
void guest_exit_status(int status) __attribute__((noreturn));
/* After main(): PSCI SYSTEM_OFF. */
void guest_exit(void) __attribute__((noreturn));

void secondary_entry(void);
int main(uint64_t dtb);
void secondary_main(uint64_t context);

#endif
