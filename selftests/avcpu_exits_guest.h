/* SPDX-License-Identifier: GPL-2.0 */
/* Guest functions of avcpu_exits_test. */
#ifndef AVCPU_EXITS_GUEST_H
#define AVCPU_EXITS_GUEST_H

#include <stdint.h>

#define VEC_REPORT_IMM	0xe1	/* guest_vectors' hypercall */

void guest_vectors(void);
void guest_secondary_entry(void);
void guest_secondary(uint64_t context);

void guest_sysregs(uint64_t unused);
void guest_smc_default(uint64_t unused);
void guest_fetch_nowhere(uint64_t target);
void guest_cpu_on_race(uint64_t me);
extern volatile uint64_t guest_race_result[4];
void guest_smc_calls(uint64_t unused);
void guest_psci_boot(uint64_t nr_vcpus);
void guest_psci_user(uint64_t unused);
void guest_wfi(uint64_t timer_ms);
void guest_spin(uint64_t unused);

extern volatile uint64_t guest_secondary_seen[8];

#endif
