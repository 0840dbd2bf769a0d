/* SPDX-License-Identifier: GPL-2.0 */
/* Guest functions of avcpu_lazy_test. */
#ifndef AVCPU_LAZY_GUEST_H
#define AVCPU_LAZY_GUEST_H

#include <stdint.h>

#define LAZY_DATA_GPA	0x40000000UL	/* the slot the tests watch being faulted in */
#define LAZY_PAGE	4096UL
#define LAZY_TOUCHED	16UL		/* pages guest_touch_pages() touches in round 2 */
#define LAZY_PATTERN(i)	(0x1a2e000000000000ULL | (i))

/*
 * Round 1: writes LAZY_PATTERN(0) to the first data page, SYNC(1); round 2: writes
 * LAZY_PATTERN(i) to the first word of data pages 0..LAZY_TOUCHED-1, SYNC(2); DONE. Round
 * 2 runs the instructions of round 1 again, on the same stack: it touches no new page of
 * the binary or the stacks.
 */
void guest_touch_pages(uint64_t unused);

/* Calls the code at guest physical address entry (MMU off: VA = PA), SYNC(its x0), DONE. */
void guest_call(uint64_t entry);

/*
 * With the stage-1 tables whose root is at guest physical address ttbr (identity, 4 KiB
 * granule, 39-bit VA, MAIR attribute 0 Normal write-back): turns the MMU on, loads the
 * word at LAZY_DATA_GPA + 3 pages, turns the MMU off again, SYNC(that word), DONE.
 */
void guest_mmu_read(uint64_t ttbr);

#endif /* AVCPU_LAZY_GUEST_H */
