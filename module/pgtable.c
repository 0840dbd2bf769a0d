// SPDX-License-Identifier: GPL-2.0
/*
 * AArch64 translation-table builder (4 KiB granule). See pgtable.h.
 */
#ifdef __KERNEL__
#include <linux/compiler.h>
#include <linux/errno.h>
#include <asm/barrier.h>
/*
 * Tables are walked by hardware while they change (a vCPU runs while a slot is added): a
 * new table's zeroes must be visible before the entry that links it, and each descriptor
 * is written in one store.
 */
#define pgt_publish_barrier() dsb(ishst)
#define pgt_write(p, v) WRITE_ONCE(*(p), (v))
#else
#include <errno.h>
#include <stddef.h>
#define pgt_publish_barrier() do { } while (0)
#define pgt_write(p, v) (*(p) = (v))
#endif

#include "pgtable.h"

/* Bits of VA translated below each level: level 3 maps 4 KiB, level 2 2 MiB, 1 1 GiB. */
static unsigned int level_shift(unsigned int level)
{
	return AVCPU_PAGE_SHIFT + 9 * (3 - level);
}

static unsigned int table_index(u64 va, unsigned int level)
{
	return (va >> level_shift(level)) & (AVCPU_PTRS_PER_TABLE - 1);
}

static bool is_table(u64 desc, unsigned int level)
{
	return level < 3 && (desc & (AVCPU_PTE_VALID | AVCPU_PTE_TABLE)) == (AVCPU_PTE_VALID | AVCPU_PTE_TABLE);
}

int avcpu_pgt_init(struct avcpu_pgt *pgt, const struct avcpu_pgt_mm *mm, unsigned int va_bits)
{
	/* One root table only (no concatenation): 48 bits start at level 0, 39 at 1, 30 at 2. */
	if (va_bits < 25 || va_bits > 48)
		return -EINVAL;
	pgt->mm = mm;
	pgt->va_bits = va_bits;
	pgt->start_level = 3 - (va_bits - AVCPU_PAGE_SHIFT - 1) / 9;
	pgt->tables = 0;
	pgt->root = mm->alloc_table(mm->ctx, &pgt->root_pa);
	if (!pgt->root)
		return -ENOMEM;
	pgt->tables = 1;
	return 0;
}

static void free_tables(struct avcpu_pgt *pgt, u64 *table, unsigned int level)
{
	unsigned int i;

	for (i = 0; i < AVCPU_PTRS_PER_TABLE; i++) {
		if (is_table(table[i], level))
			free_tables(pgt, pgt->mm->phys_to_virt(pgt->mm->ctx,
							       table[i] & AVCPU_PTE_ADDR_MASK),
				    level + 1);
	}
	pgt->mm->free_table(pgt->mm->ctx, table);
	pgt->tables--;
}

void avcpu_pgt_destroy(struct avcpu_pgt *pgt)
{
	if (pgt->root)
		free_tables(pgt, pgt->root, pgt->start_level);
	pgt->root = NULL;
}

/* The table below entry *desc, allocated if absent; NULL on -ENOMEM or a block in the way. */
static u64 *next_table(struct avcpu_pgt *pgt, u64 *desc, unsigned int level, int *err)
{
	u64 pa;
	u64 *table;

	if (is_table(*desc, level))
		return pgt->mm->phys_to_virt(pgt->mm->ctx, *desc & AVCPU_PTE_ADDR_MASK);
	if (*desc & AVCPU_PTE_VALID) {
		*err = -EEXIST;
		return NULL;
	}
	table = pgt->mm->alloc_table(pgt->mm->ctx, &pa);
	if (!table) {
		*err = -ENOMEM;
		return NULL;
	}
	pgt->tables++;
	pgt_publish_barrier();
	pgt_write(desc, pa | AVCPU_PTE_TABLE | AVCPU_PTE_VALID);
	return table;
}

static bool range_is_free(const struct avcpu_pgt *pgt, u64 va, u64 size)
{
	u64 end = va + size;
	unsigned int level;

	while (va < end) {
		if (avcpu_pgt_lookup(pgt, va, &level))
			return false;
		/* Skip the whole unmapped span at the level where the walk stopped. */
		va = (va | ((1ULL << level_shift(level)) - 1)) + 1;
		if (va == 0)
			break;
	}
	return true;
}

int avcpu_pgt_map(struct avcpu_pgt *pgt, u64 va, u64 pa, u64 size, u64 attrs,
		  bool allow_blocks)
{
	u64 end = va + size;
	int err = 0;

	if (!size || (va | pa | size) & (AVCPU_PAGE_SIZE - 1))
		return -EINVAL;
	if (end < va || end > (1ULL << pgt->va_bits) || pa + size < pa ||
	    ((pa + size - 1) & ~AVCPU_PTE_ADDR_MASK & ~(AVCPU_PAGE_SIZE - 1)))
		return -ERANGE;
	if (!range_is_free(pgt, va, size))
		return -EEXIST;

	while (va < end) {
		unsigned int level = pgt->start_level;
		u64 *table = pgt->root;

		for (;;) {
			u64 block = 1ULL << level_shift(level);
			u64 *desc = &table[table_index(va, level)];
			bool block_ok = level == 3 ||
					(allow_blocks && level >= 1 && !((va | pa) & (block - 1)) &&
					 end - va >= block && !(*desc & AVCPU_PTE_VALID));

			if (block_ok) {
				pgt_write(desc, pa | attrs | AVCPU_PTE_VALID |
						      (level == 3 ? AVCPU_PTE_TABLE : 0));
				va += block;
				pa += block;
				break;
			}
			table = next_table(pgt, desc, level, &err);
			if (!table)
				return err;
			level++;
		}
	}
	return 0;
}

/* The leaf descriptor for va and the size it maps; NULL if nothing is mapped there. */
static u64 *leaf_of(const struct avcpu_pgt *pgt, u64 va, u64 *span)
{
	u64 *table = pgt->root;
	unsigned int level;

	for (level = pgt->start_level; level <= 3; level++) {
		u64 *desc = &table[table_index(va, level)];

		*span = 1ULL << level_shift(level);
		if (!(*desc & AVCPU_PTE_VALID))
			return NULL;
		if (!is_table(*desc, level))
			return desc;
		table = pgt->mm->phys_to_virt(pgt->mm->ctx, *desc & AVCPU_PTE_ADDR_MASK);
	}
	return NULL;
}

int avcpu_pgt_unmap(struct avcpu_pgt *pgt, u64 va, u64 size)
{
	u64 end = va + size, addr, span;
	u64 *desc;

	if ((va | size) & (AVCPU_PAGE_SIZE - 1) || end < va || end > (1ULL << pgt->va_bits))
		return -EINVAL;
	/* First check, then change: a refused unmap leaves everything as it was. */
	for (addr = va; addr < end; addr = (addr | (span - 1)) + 1) {
		desc = leaf_of(pgt, addr, &span);
		if (desc && ((addr & (span - 1)) || end - addr < span))
			return -EINVAL;
	}
	for (addr = va; addr < end; addr = (addr | (span - 1)) + 1) {
		desc = leaf_of(pgt, addr, &span);
		if (desc)
			pgt_write(desc, 0);
	}
	return 0;
}

static bool table_is_empty(const u64 *table)
{
	unsigned int i;

	for (i = 0; i < AVCPU_PTRS_PER_TABLE; i++)
		if (table[i])
			return false;
	return true;
}

/*
 * Detaches the empty tables below table (at level, translating from base) that cover part
 * of [va, end), deepest first, pushing each on *list.
 */
static void detach_below(struct avcpu_pgt *pgt, u64 *table, unsigned int level, u64 base,
			 u64 va, u64 end, u64 *list)
{
	u64 span = 1ULL << level_shift(level);
	unsigned int i;

	for (i = table_index(va, level); i < AVCPU_PTRS_PER_TABLE; i++) {
		u64 start = base + i * span, pa;
		u64 *child;

		if (start >= end)
			break;
		if (!is_table(table[i], level))
			continue;
		pa = table[i] & AVCPU_PTE_ADDR_MASK;
		child = pgt->mm->phys_to_virt(pgt->mm->ctx, pa);
		if (level + 1 < 3)
			detach_below(pgt, child, level + 1, start, va > start ? va : start, end,
				     list);
		if (!table_is_empty(child))
			continue;
		pgt_write(&table[i], 0);
		/* Entry 0 now links the list: an address, never a valid descriptor. */
		pgt_write(&child[0], *list);
		*list = pa;
	}
}

u64 avcpu_pgt_detach_empty(struct avcpu_pgt *pgt, u64 va, u64 size)
{
	u64 end = va + size, list = 0;

	if (!size || end < va || end > (1ULL << pgt->va_bits))
		return 0;
	detach_below(pgt, pgt->root, pgt->start_level, 0, va, end, &list);
	return list;
}

void avcpu_pgt_free_detached(struct avcpu_pgt *pgt, u64 list)
{
	while (list) {
		u64 *table = pgt->mm->phys_to_virt(pgt->mm->ctx, list);

		list = table[0];
		table[0] = 0;
		pgt->mm->free_table(pgt->mm->ctx, table);
		pgt->tables--;
	}
}

u64 avcpu_pgt_lookup(const struct avcpu_pgt *pgt, u64 va, unsigned int *level_out)
{
	const u64 *table = pgt->root;
	unsigned int level;

	if (va >= (1ULL << pgt->va_bits)) {
		if (level_out)
			*level_out = pgt->start_level;
		return 0;
	}
	for (level = pgt->start_level; level <= 3; level++) {
		u64 desc = table[table_index(va, level)];

		if (level_out)
			*level_out = level;
		if (!(desc & AVCPU_PTE_VALID))
			return 0;
		if (!is_table(desc, level))
			return desc;
		table = pgt->mm->phys_to_virt(pgt->mm->ctx, desc & AVCPU_PTE_ADDR_MASK);
	}
	return 0;
}

u64 avcpu_vtcr(const struct avcpu_pgt *pgt, unsigned int parange)
{
	const u64 res1 = 1ULL << 31;
	/* SL0 for the 4 KiB granule: 2 starts at level 0, 1 at level 1, 0 at level 2. */
	u64 sl0 = 2 - pgt->start_level;

	if (parange > 5)
		parange = 5;
	return res1 | ((u64)parange << 16) |	/* PS */
	       (3ULL << 12) |			/* SH0: inner shareable */
	       (1ULL << 10) | (1ULL << 8) |	/* ORGN0, IRGN0: write-back, write-allocate */
	       (sl0 << 6) | (64 - pgt->va_bits);	/* SL0, T0SZ; TG0 = 4 KiB, VS = 8-bit VMID */
}

u64 avcpu_el2_tcr(const struct avcpu_pgt *pgt, unsigned int parange)
{
	const u64 res1 = (1ULL << 31) | (1ULL << 23);
	u64 t0sz = 64 - pgt->va_bits;

	/* PS above 48 bits needs the 52-bit descriptor format, which avcpu does not use. */
	if (parange > 5)
		parange = 5;
	return res1 | ((u64)parange << 16) |	/* PS */
	       (3ULL << 12) |			/* SH0: inner shareable */
	       (1ULL << 10) | (1ULL << 8) |	/* ORGN0, IRGN0: write-back, write-allocate */
	       t0sz;				/* TG0 = 0: 4 KiB granule */
}
