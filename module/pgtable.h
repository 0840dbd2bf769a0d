/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A builder of AArch64 translation tables with the 4 KiB granule (Arm ARM D8.3
 * "Translation table descriptor formats"), used for EL2's stage-1 tables and, later, for
 * guests' stage-2 tables. Pure logic: memory comes through struct avcpu_pgt_mm, so the
 * same code runs in the kernel and in the host unit tests.
 */
#ifndef AVCPU_PGTABLE_H
#define AVCPU_PGTABLE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint64_t u64;
typedef uint32_t u32;
#endif

#define AVCPU_PAGE_SHIFT	12
#define AVCPU_PAGE_SIZE		(1ULL << AVCPU_PAGE_SHIFT)
#define AVCPU_PTRS_PER_TABLE	512

/* Descriptor bits (Arm ARM D8.3.1, D8.3.2). */
#define AVCPU_PTE_VALID		(1ULL << 0)
#define AVCPU_PTE_TABLE		(1ULL << 1)	/* levels 0..2: table; level 3: page */
#define AVCPU_PTE_ATTRINDX(n)		((u64)(n) << 2)
#define AVCPU_PTE_AP_RO		(1ULL << 7)	/* AP[2] */
#define AVCPU_PTE_AP1			(1ULL << 6)	/* AP[1]: RES1 at EL2 (one privilege level) */
#define AVCPU_PTE_SH_INNER		(3ULL << 8)
#define AVCPU_PTE_AF			(1ULL << 10)
#define AVCPU_PTE_XN			(1ULL << 54)	/* EL2 stage 1: execute-never */
#define AVCPU_PTE_ADDR_MASK		0x0000fffffffff000ULL

/* MAIR_EL2 slots used by avcpu's EL2 stage-1 attributes. */
#define AVCPU_MAIR_NORMAL	0	/* 0xff: Normal, inner/outer write-back */
#define AVCPU_MAIR_DEVICE	1	/* 0x00: Device-nGnRnE */
#define AVCPU_MAIR_VALUE	0x00ffULL

/* EL2 stage-1 leaf attributes for the three kinds of mapping EL2 needs (W^X). */
#define AVCPU_EL2_TEXT		(AVCPU_PTE_AF | AVCPU_PTE_SH_INNER | AVCPU_PTE_ATTRINDX(AVCPU_MAIR_NORMAL) | \
				 AVCPU_PTE_AP1 | AVCPU_PTE_AP_RO)
#define AVCPU_EL2_RODATA	(AVCPU_EL2_TEXT | AVCPU_PTE_XN)
#define AVCPU_EL2_DATA		(AVCPU_PTE_AF | AVCPU_PTE_SH_INNER | AVCPU_PTE_ATTRINDX(AVCPU_MAIR_NORMAL) | \
				 AVCPU_PTE_AP1 | AVCPU_PTE_XN)

struct avcpu_pgt_mm {
	/* A zeroed, 4 KiB-aligned page for a table; its physical address in *pa. */
	void *(*alloc_table)(void *ctx, u64 *pa);
	void (*free_table)(void *ctx, void *table);
	void *(*phys_to_virt)(void *ctx, u64 pa);
	void *ctx;
};

struct avcpu_pgt {
	const struct avcpu_pgt_mm *mm;
	u64 *root;
	u64 root_pa;
	unsigned int va_bits;		/* 25..48 */
	unsigned int start_level;	/* derived from va_bits */
	unsigned long tables;		/* table pages in use, root included */
};

/* Returns 0, -EINVAL (va_bits out of range) or -ENOMEM. */
int avcpu_pgt_init(struct avcpu_pgt *pgt, const struct avcpu_pgt_mm *mm, unsigned int va_bits);

/* Frees every table. */
void avcpu_pgt_destroy(struct avcpu_pgt *pgt);

/*
 * Maps [va, va + size) to [pa, pa + size) with the leaf attributes attrs (no address or
 * type bits). Uses 2 MiB and 1 GiB blocks where both addresses are aligned and
 * allow_blocks is set, 4 KiB pages elsewhere.
 * Errors: -EINVAL unaligned or empty, -ERANGE beyond va_bits or wrapping, -EEXIST
 * something is already mapped there (nothing is changed then), -ENOMEM.
 */
int avcpu_pgt_map(struct avcpu_pgt *pgt, u64 va, u64 pa, u64 size, u64 attrs,
		  bool allow_blocks);

/*
 * Unmaps every leaf in [va, va + size): a block must lie wholly inside the range.
 * Tables stay allocated (see avcpu_pgt_detach_empty()). The caller invalidates TLBs.
 * Errors: -EINVAL unaligned, or a block straddles the range's edge (nothing is changed).
 */
int avcpu_pgt_unmap(struct avcpu_pgt *pgt, u64 va, u64 size);

/*
 * Unlinks every table below the root that covers part of [va, va + size) and maps
 * nothing any more, and returns them as a list (0: none) for avcpu_pgt_free_detached().
 * A walker may still hold an unlinked table in its walk cache: free them only after the
 * TLB invalidation that follows. Until then each reads as invalid entries only (the list
 * link in entry 0 is a table's physical address, whose bits [1:0] are 0).
 */
u64 avcpu_pgt_detach_empty(struct avcpu_pgt *pgt, u64 va, u64 size);

/* Frees a list from avcpu_pgt_detach_empty(). */
void avcpu_pgt_free_detached(struct avcpu_pgt *pgt, u64 list);

/*
 * Looks va up: returns the leaf descriptor (0 when unmapped) and, if level is not NULL,
 * the level it was found at.
 */
u64 avcpu_pgt_lookup(const struct avcpu_pgt *pgt, u64 va, unsigned int *level);

/* Stage-2 leaf attributes: Normal write-back (MemAttr 0b1111), inner shareable. */
#define AVCPU_S2_MEMATTR_NORMAL	(0xfULL << 2)
#define AVCPU_S2AP_R		(1ULL << 6)
#define AVCPU_S2AP_W		(1ULL << 7)
#define AVCPU_S2_RO		(AVCPU_PTE_AF | AVCPU_PTE_SH_INNER | AVCPU_S2_MEMATTR_NORMAL | \
				 AVCPU_S2AP_R)
#define AVCPU_S2_RW		(AVCPU_S2_RO | AVCPU_S2AP_W)

/* VTCR_EL2 for stage-2 tables of pgt->va_bits input bits. */
u64 avcpu_vtcr(const struct avcpu_pgt *pgt, unsigned int parange);

/* TCR_EL2 (nVHE layout) for these tables: 4 KiB granule, write-back walks, inner shareable. */
u64 avcpu_el2_tcr(const struct avcpu_pgt *pgt, unsigned int parange);

#endif /* AVCPU_PGTABLE_H */
