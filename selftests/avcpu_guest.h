/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code for the avcpu selftests, written in C in the test binaries themselves (as
 * KVM's selftests do). The guest runs at EL1 with its MMU off, from a copy of the test
 * binary mapped at the same guest physical addresses as the binary's own virtual ones,
 * so a guest function is entered at its host address. It reports through "ucalls":
 * stores to an address no memory backs, which exit to the test as MMIO writes.
 *
 * Files with guest code are built with -mstrict-align (with the MMU off every data
 * access is Device memory, which must be aligned), -mgeneral-regs-only and without
 * builtins or stack protection.
 */
#ifndef AVCPU_GUEST_H
#define AVCPU_GUEST_H

#include <stdint.h>

/* Guest physical layout besides the binary itself. */
#define GUEST_STACK_GPA		0x10000000UL	/* 64 KiB per vCPU, vCPU n at + n * 64 KiB */
#define GUEST_STACK_SIZE	0x10000UL
#define GUEST_STACK_SLOT_SIZE	(GUEST_STACK_SIZE * 64)
#define GUEST_UCALL_GPA		0x0f000000UL	/* ucall: an 8-byte store of a pointer */
#define GUEST_MMIO_GPA		0x0e000000UL	/* free for tests' own MMIO */

enum ucall_cmd {
	UCALL_NONE,
	UCALL_SYNC,	/* args[0]: a stage number; the guest continues */
	UCALL_DONE,	/* the guest is finished */
	UCALL_ABORT,	/* args[0]: line, args[1], args[2]: values */
};

struct ucall {
	uint64_t cmd;
	uint64_t args[4];
};

void guest_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2);

#define GUEST_SYNC(stage)	guest_ucall(UCALL_SYNC, (stage), 0, 0)
#define GUEST_DONE()		guest_ucall(UCALL_DONE, 0, 0, 0)
#define GUEST_ASSERT_EQ(a, b)                                                       \
	do {                                                                        \
		uint64_t __a = (uint64_t)(a), __b = (uint64_t)(b);                  \
		if (__a != __b)                                                     \
			guest_ucall(UCALL_ABORT, __LINE__, __a, __b);              \
	} while (0)

/* Where a guest function returns to: reports UCALL_DONE and stops. */
void guest_return_done(void);

static inline uint64_t guest_hvc(uint64_t x0, uint64_t x1, uint64_t x2)
{
	register uint64_t r0 asm("x0") = x0;
	register uint64_t r1 asm("x1") = x1;
	register uint64_t r2 asm("x2") = x2;

	asm volatile("hvc #0" : "+r"(r0), "+r"(r1), "+r"(r2) : : "x3", "memory");
	return r0;
}

#endif /* AVCPU_GUEST_H */
