// SPDX-License-Identifier: GPL-2.0
/* Guest code of avcpu_isolation_test (guest flags, see avcpu_guest.h). */
#include "avcpu_guest.h"
#include "avcpu_exits_guest.h"
#include "avcpu_isolation_guest.h"

const uint64_t iso_reg_pattern[ISO_NR] = {
	[ISO_TPIDR2_EL0] = 0x4141414141414141ULL,
	[ISO_SMPRI_EL1] = 0xf,
	[ISO_PIRE0_EL1] = 0xccccccccccccccccULL,	/* every EL0 permission index RW */
	[ISO_PIR_EL1] = 0xccccccccccccccccULL,
	[ISO_POR_EL0] = 0x3333333333333333ULL,
	[ISO_POR_EL1] = 0x3333333333333333ULL,
	[ISO_DISR_EL1] = 0x11,				/* a DFSC, no deferred SError */
	[ISO_ICC_PMR_EL1] = 0x80,
	[ISO_MPAM1_EL1] = 0x5,				/* PARTID_I 5 */
};

/* By encoding: the assembler may know none of these names. */
static uint64_t iso_read(uint64_t which)
{
	uint64_t v = 0;

	switch (which) {
	case ISO_TPIDR2_EL0: asm volatile("mrs %0, S3_3_C13_C0_5" : "=r"(v)); break;
	case ISO_SMPRI_EL1: asm volatile("mrs %0, S3_0_C1_C2_4" : "=r"(v)); break;
	case ISO_PIRE0_EL1: asm volatile("mrs %0, S3_0_C10_C2_2" : "=r"(v)); break;
	case ISO_PIR_EL1: asm volatile("mrs %0, S3_0_C10_C2_3" : "=r"(v)); break;
	case ISO_POR_EL0: asm volatile("mrs %0, S3_3_C10_C2_4" : "=r"(v)); break;
	case ISO_POR_EL1: asm volatile("mrs %0, S3_0_C10_C2_4" : "=r"(v)); break;
	case ISO_DISR_EL1: asm volatile("mrs %0, S3_0_C12_C1_1" : "=r"(v)); break;
	case ISO_ICC_PMR_EL1: asm volatile("mrs %0, S3_0_C4_C6_0" : "=r"(v)); break;
	case ISO_MPAM1_EL1: asm volatile("mrs %0, S3_0_C10_C5_0" : "=r"(v)); break;
	}
	return v;
}

static void iso_write(uint64_t which, uint64_t v)
{
	switch (which) {
	case ISO_TPIDR2_EL0: asm volatile("msr S3_3_C13_C0_5, %0" : : "r"(v)); break;
	case ISO_SMPRI_EL1: asm volatile("msr S3_0_C1_C2_4, %0" : : "r"(v)); break;
	case ISO_PIRE0_EL1: asm volatile("msr S3_0_C10_C2_2, %0" : : "r"(v)); break;
	case ISO_PIR_EL1: asm volatile("msr S3_0_C10_C2_3, %0" : : "r"(v)); break;
	case ISO_POR_EL0: asm volatile("msr S3_3_C10_C2_4, %0" : : "r"(v)); break;
	case ISO_POR_EL1: asm volatile("msr S3_0_C10_C2_4, %0" : : "r"(v)); break;
	case ISO_DISR_EL1: asm volatile("msr S3_0_C12_C1_1, %0" : : "r"(v)); break;
	case ISO_ICC_PMR_EL1: asm volatile("msr S3_0_C4_C6_0, %0" : : "r"(v)); break;
	case ISO_MPAM1_EL1: asm volatile("msr S3_0_C10_C5_0, %0" : : "r"(v)); break;
	}
	asm volatile("isb" : : : "memory");
}

static void install_vectors(void)
{
	asm volatile("msr vbar_el1, %0\n isb" : : "r"(guest_vectors));
}

void guest_iso_reg(uint64_t which)
{
	install_vectors();
	guest_hvc(1, iso_read(which), 0);
	iso_write(which, iso_reg_pattern[which]);
	guest_hvc(2, iso_read(which), 0);
	guest_hvc(3, iso_read(which), 0);
	GUEST_DONE();
}

void guest_iso_icc_sre(uint64_t unused)
{
	uint64_t v;

	install_vectors();
	asm volatile("msr S3_0_C12_C12_5, %0\n isb" : : "r"(0ULL));
	asm volatile("mrs %0, S3_0_C12_C12_5" : "=r"(v));
	guest_hvc(1, v, 0);
	GUEST_DONE();
}

void guest_iso_tcr2(uint64_t unused)
{
	uint64_t v;

	install_vectors();
	asm volatile("mrs %0, S3_0_C2_C0_3" : "=r"(v));
	guest_hvc(1, v, 0);
	GUEST_DONE();
}
