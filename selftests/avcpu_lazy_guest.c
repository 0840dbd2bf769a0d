// SPDX-License-Identifier: GPL-2.0
/*
 * Guest code of avcpu_lazy_test (built with the guest flags, see avcpu_guest.h): accesses
 * to guest memory no guest touched before, whose stage-2 mappings do not exist yet.
 */
#include "avcpu_guest.h"
#include "avcpu_lazy_guest.h"

void guest_touch_pages(uint64_t unused)
{
	volatile uint64_t *data = (volatile uint64_t *)LAZY_DATA_GPA;
	uint64_t round, n, i;

	/* Both rounds run the same instructions: round 2 touches nothing new but data. */
	for (round = 1; round <= 2; round++) {
		n = round == 1 ? 1 : LAZY_TOUCHED;
		for (i = 0; i < n; i++)
			data[i * LAZY_PAGE / sizeof(*data)] = LAZY_PATTERN(i);
		GUEST_SYNC(round);
	}
	GUEST_DONE();
}

void guest_call(uint64_t entry)
{
	uint64_t (*fn)(void) = (uint64_t (*)(void))entry;

	GUEST_SYNC(fn());
	GUEST_DONE();
}

/* SCTLR_EL1 M (MMU), C (data cache), I (instruction cache): Arm ARM D23.2.150. */
#define SCTLR_MMU_CACHES	((1UL << 0) | (1UL << 2) | (1UL << 12))
/*
 * TCR_EL1 (Arm ARM D23.2.159): T0SZ 25 (39-bit VA: the walk starts at level 1),
 * IRGN0/ORGN0 write-back, SH0 inner shareable, TG0 4 KiB, EPD1 (no TTBR1 walks), IPS 32 bits.
 */
#define TCR_39BIT_4K		(25UL | 1UL << 8 | 1UL << 10 | 3UL << 12 | 1UL << 23)
#define MAIR_NORMAL_WB		0xffUL

void guest_mmu_read(uint64_t ttbr)
{
	uint64_t sctlr, tmp, v;

	asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	/* One block, without memory accesses between MMU on and off but the load itself. */
	asm volatile("msr mair_el1, %[mair]\n"
		     "msr tcr_el1, %[tcr]\n"
		     "msr ttbr0_el1, %[ttbr]\n"
		     "isb\n"
		     "tlbi vmalle1\n"
		     "dsb nsh\n"
		     "orr %[tmp], %[sctlr], %[on]\n"
		     "msr sctlr_el1, %[tmp]\n"
		     "isb\n"
		     "ldr %[v], [%[addr]]\n"
		     "msr sctlr_el1, %[sctlr]\n"
		     "isb\n"
		     : [v] "=&r"(v), [tmp] "=&r"(tmp)
		     : [mair] "r"(MAIR_NORMAL_WB), [tcr] "r"(TCR_39BIT_4K), [ttbr] "r"(ttbr),
		       [sctlr] "r"(sctlr & ~SCTLR_MMU_CACHES), [on] "r"(SCTLR_MMU_CACHES),
		       [addr] "r"(LAZY_DATA_GPA + 3 * LAZY_PAGE)
		     : "memory");
	GUEST_SYNC(v);
	GUEST_DONE();
}
