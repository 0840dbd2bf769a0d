/* SPDX-License-Identifier: GPL-2.0 */
/* Guest functions of avcpu_vm_test. */
#ifndef AVCPU_VM_GUEST_H
#define AVCPU_VM_GUEST_H

#include <stdint.h>

#define GUEST_RO_GPA	0x20000000UL
#define GUEST_DATA_GPA	0x40000000UL	/* 2 MiB-aligned, for block mappings */

void guest_mmio_writes(uint64_t unused);
void guest_mmio_reads(uint64_t unused);
void guest_mmio_ldp(uint64_t unused);
void guest_hypercalls(uint64_t unused);
void guest_readonly(uint64_t unused);
void guest_memory_pattern(uint64_t base);
void guest_spin_masked(uint64_t unused);
void guest_read_id_registers(uint64_t unused);
void guest_jump_nowhere(uint64_t target);



struct guest_regs {
	uint64_t x[29];
	uint64_t pad[3];
	__uint128_t v[32];
};

/* avcpu_guest_regs.S */
void guest_fill_and_hvc(const struct guest_regs *in, struct guest_regs *out);

/* Fills every GPR, FP/SIMD and EL1 system register, then exits `count` times (hvc #0,
 * x0 = iteration) checking after each that all survived. */
void guest_regs_survive(uint64_t count);

/* Forever: fills registers with a pattern of (arg, i), exits, checks; writes i to
 * GUEST_DATA_GPA + 8 * vcpu first (arg = vcpu id). */
void guest_regs_forever(uint64_t vcpu);
#endif /* AVCPU_VM_GUEST_H */
