// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the EL2 image: copied from the module into physically contiguous pages,
 * relocated there, and mapped by EL2 stage-1 tables that hold only what EL2 needs
 * (Documentation/el2.rst, "EL2 memory map"). EL2 runs identity-mapped: VA == PA.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/elf.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <asm/cacheflush.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "avcpu.h"
#include "hyp_loader.h"

static atomic_long_t avcpu_pages_held;

long avcpu_hyp_pages_held(void)
{
	return atomic_long_read(&avcpu_pages_held);
}

static void *avcpu_alloc_pages(unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);

	if (!page)
		return NULL;
	atomic_long_add(1L << order, &avcpu_pages_held);
	return page_address(page);
}

static void avcpu_free_pages(void *va, unsigned int order)
{
	if (!va)
		return;
	free_pages((unsigned long)va, order);
	atomic_long_sub(1L << order, &avcpu_pages_held);
}

static void *pgt_alloc(void *ctx, u64 *pa)
{
	void *va = avcpu_alloc_pages(0);

	if (va)
		*pa = virt_to_phys(va);
	return va;
}

static void pgt_free(void *ctx, void *table)
{
	avcpu_free_pages(table, 0);
}

static void *pgt_phys_to_virt(void *ctx, u64 pa)
{
	return phys_to_virt(pa);
}

static const struct avcpu_pgt_mm avcpu_el2_mm = {
	.alloc_table = pgt_alloc,
	.free_table = pgt_free,
	.phys_to_virt = pgt_phys_to_virt,
};

/*
 * Clean and invalidate to the point of coherency: EL2 reads the image and its parameters
 * with the MMU (and so the caches) off. dcache_clean_inval_poc() is not exported.
 */
void avcpu_dcache_clean_inval_poc(const void *va, size_t size)
{
	u64 ctr = read_sanitised_ftr_reg(SYS_CTR_EL0);
	unsigned long line = 4UL << ((ctr >> 16) & 0xf); /* DminLine, in words */
	unsigned long addr = (unsigned long)va & ~(line - 1);
	unsigned long end = (unsigned long)va + size;

	for (; addr < end; addr += line)
		asm volatile("dc civac, %0" : : "r"(addr) : "memory");
	dsb(sy);
}

static int avcpu_hyp_relocate(struct avcpu_hyp *hyp)
{
	const Elf64_Rela *rela = hyp->image + hyp->hdr.rela_start;
	const Elf64_Rela *end = hyp->image + hyp->hdr.rela_end;

	for (; rela < end; rela++) {
		if (ELF64_R_TYPE(rela->r_info) != R_AARCH64_RELATIVE ||
		    rela->r_offset + 8 > hyp->hdr.bss_start || rela->r_offset & 7) {
			pr_err("EL2 image: unsupported relocation at %#llx\n", rela->r_offset);
			return -ENOEXEC;
		}
		*(u64 *)(hyp->image + rela->r_offset) = hyp->image_pa + rela->r_addend;
	}
	return 0;
}

static int avcpu_el2_map(struct avcpu_hyp *hyp, const void *va, size_t size, u64 attrs)
{
	phys_addr_t pa = virt_to_phys(va);

	return avcpu_pgt_map(&hyp->pgt, pa, pa, size, attrs, false);
}

static int avcpu_hyp_map_image(struct avcpu_hyp *hyp)
{
	const struct avcpu_hyp_header *h = &hyp->hdr;
	int ret;

	ret = avcpu_el2_map(hyp, hyp->image, h->text_end, AVCPU_EL2_TEXT);
	if (!ret)
		ret = avcpu_el2_map(hyp, hyp->image + h->text_end, h->rodata_end - h->text_end,
				    AVCPU_EL2_RODATA);
	if (!ret && h->end > h->rodata_end)
		ret = avcpu_el2_map(hyp, hyp->image + h->rodata_end, h->end - h->rodata_end,
				    AVCPU_EL2_DATA);
	return ret;
}

static void avcpu_hyp_free_cpus(struct avcpu_hyp *hyp)
{
	int cpu;

	if (!hyp->cpu)
		return;
	for_each_possible_cpu(cpu) {
		struct avcpu_hyp_cpu *c = per_cpu_ptr(hyp->cpu, cpu);

		avcpu_free_pages(c->data, 0);
		avcpu_free_pages(c->stack, AVCPU_HYP_STACK_ORDER);
	}
	free_percpu(hyp->cpu);
	hyp->cpu = NULL;
}

/* Stack, data and init parameters for every possible CPU, so hotplug never allocates. */
static int avcpu_hyp_setup_cpus(struct avcpu_hyp *hyp)
{
	const size_t stack_size = PAGE_SIZE << AVCPU_HYP_STACK_ORDER;
	u64 mair = AVCPU_MAIR_VALUE;
	int cpu, ret;

	hyp->cpu = alloc_percpu(struct avcpu_hyp_cpu);
	if (!hyp->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct avcpu_hyp_cpu *c = per_cpu_ptr(hyp->cpu, cpu);

		c->data = avcpu_alloc_pages(0);
		c->stack = avcpu_alloc_pages(AVCPU_HYP_STACK_ORDER);
		if (!c->data || !c->stack)
			return -ENOMEM;
		/* The first stack page stays unmapped: an overflow faults instead of corrupting. */
		ret = avcpu_el2_map(hyp, c->stack + PAGE_SIZE, stack_size - PAGE_SIZE,
				    AVCPU_EL2_DATA);
		if (!ret)
			ret = avcpu_el2_map(hyp, c->data, PAGE_SIZE, AVCPU_EL2_DATA);
		if (ret)
			return ret;

		c->init = (void *)c->data + PAGE_SIZE / 2;
		c->init->mair = mair;
		c->init->tcr = hyp->tcr;
		c->init->ttbr0 = hyp->pgt.root_pa;
		c->init->sctlr = hyp->sctlr;
		c->init->vbar = avcpu_hyp_pa(hyp, hyp->hdr.vectors);
		c->init->sp = virt_to_phys(c->stack) + stack_size;
		c->init->percpu = virt_to_phys(c->data);
		avcpu_dcache_clean_inval_poc(c->data, PAGE_SIZE);
	}
	return 0;
}

/* SCTLR_EL2 (nVHE layout): MMU, caches, stack alignment check, and W^X (WXN). */
static u64 avcpu_el2_sctlr(void)
{
	const u64 res1 = BIT(4) | BIT(5) | BIT(11) | BIT(16) | BIT(18) | BIT(22) | BIT(23) |
			 BIT(28) | BIT(29);

	return res1 | BIT(0) /* M */ | BIT(2) /* C */ | BIT(3) /* SA */ | BIT(12) /* I */ |
	       BIT(19) /* WXN */;
}

int avcpu_hyp_load(struct avcpu_hyp *hyp)
{
	size_t blob_size = avcpu_hyp_blob_end - avcpu_hyp_blob;
	unsigned int parange;
	int ret;

	memcpy(&hyp->hdr, avcpu_hyp_blob, sizeof(hyp->hdr));
	hyp->image_order = get_order(hyp->hdr.end);
	hyp->image = avcpu_alloc_pages(hyp->image_order);
	if (!hyp->image)
		return -ENOMEM;
	hyp->image_pa = virt_to_phys(hyp->image);
	memcpy(hyp->image, avcpu_hyp_blob, blob_size);	/* .bss stays zero */

	ret = avcpu_hyp_relocate(hyp);
	if (ret)
		goto err;

	ret = avcpu_pgt_init(&hyp->pgt, &avcpu_el2_mm, 48);
	if (ret)
		goto err;
	parange = cpuid_feature_extract_unsigned_field(
		read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1), ID_AA64MMFR0_EL1_PARANGE_SHIFT);
	hyp->tcr = avcpu_el2_tcr(&hyp->pgt, parange);
	hyp->sctlr = avcpu_el2_sctlr();

	ret = avcpu_hyp_map_image(hyp);
	if (!ret)
		ret = avcpu_hyp_setup_cpus(hyp);
	if (ret)
		goto err;

	/* EL2 fetches its first instructions with the MMU off: they must be in memory. */
	avcpu_dcache_clean_inval_poc(hyp->image, hyp->hdr.end);
	caches_clean_inval_pou((unsigned long)hyp->image,
			       (unsigned long)hyp->image + hyp->hdr.text_end);
	return 0;
err:
	avcpu_hyp_unload(hyp);
	return ret;
}

void avcpu_hyp_unload(struct avcpu_hyp *hyp)
{
	avcpu_hyp_free_cpus(hyp);
	avcpu_pgt_destroy(&hyp->pgt);
	avcpu_free_pages(hyp->image, hyp->image_order);
	hyp->image = NULL;
}
