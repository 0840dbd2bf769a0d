// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory mapped on first touch: a stage-2 translation fault inside a memory slot
 * has its page (or 2 MiB block) pinned, cleaned to PoC and mapped, and the guest retries
 * the access. Everything else about slots is memslot.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sizes.h>

#include <asm/esr.h>

#include <uapi/linux/avcpu.h>

#include "memslot.h"
#include "vm.h"

/* A 2 MiB stage-2 block: 512 pages of 4 KiB (Arm ARM D8.3, level 2 block descriptor). */
#define AVCPU_BLOCK_SIZE	((u64)SZ_2M)
#define AVCPU_BLOCK_PAGES	(AVCPU_BLOCK_SIZE >> PAGE_SHIFT)

/*
 * Whether the whole 2 MiB block around pages[idx] (already pinned) is worth pinning and
 * mapping at once, and its first page in *first: it lies in the slot, the VMM's addresses
 * are congruent with the guest's modulo 2 MiB, none of it is pinned yet, and the page
 * belongs to a folio of 2 MiB or more (THP, hugetlbfs), likely physically contiguous.
 */
static bool avcpu_memslot_block(const struct avcpu_memslot *slot, unsigned long idx,
				unsigned long *first)
{
	u64 block = (slot->gpa + idx * PAGE_SIZE) & ~(AVCPU_BLOCK_SIZE - 1);
	unsigned long i;

	if (block < slot->gpa || block + AVCPU_BLOCK_SIZE > slot->gpa + slot->size ||
	    (slot->uaddr - slot->gpa) & (AVCPU_BLOCK_SIZE - 1) ||
	    folio_nr_pages(page_folio(avcpu_memslot_page(slot, idx))) < AVCPU_BLOCK_PAGES)
		return false;
	*first = (block - slot->gpa) >> PAGE_SHIFT;
	for (i = *first; i < *first + AVCPU_BLOCK_PAGES; i++)
		if (i != idx && avcpu_memslot_page(slot, i))
			return false;
	return true;
}

/* Pins and maps the page at pages[idx], or its whole 2 MiB block (vm->lock held). */
static int avcpu_memslot_fault(struct avcpu_vm *vm, struct avcpu_memslot *slot,
			       unsigned long idx)
{
	unsigned long first;
	int ret;

	ret = avcpu_memslot_pin(slot, idx, 1);
	if (ret)
		return ret;
	if (avcpu_memslot_block(slot, idx, &first)) {
		avcpu_memslot_unpin(slot, idx, 1);
		if (!avcpu_memslot_fault_in(vm, slot, first, AVCPU_BLOCK_PAGES))
			return 0;
		/* The block could not be had: the page alone, then. */
		ret = avcpu_memslot_pin(slot, idx, 1);
		if (ret)
			return ret;
	}
	avcpu_memslot_clean(slot, idx, 1);
	ret = avcpu_memslot_map(vm, slot, idx, 1);
	if (ret) {
		avcpu_memslot_unpin(slot, idx, 1);
		return ret;
	}
	dsb(ishst);
	return 0;
}

/*
 * An abort exit (avcpu_vm_stage2_fault() let only those through) that is a stage-2
 * translation fault, whose HPFAR_EL2 is valid (Arm ARM D23.2.62).
 */
static bool avcpu_exit_is_s2_translation_fault(const struct avcpu_hyp_exit *e)
{
	u32 ec = ESR_ELx_EC(e->esr);

	return (ec == ESR_ELx_EC_DABT_LOW || ec == ESR_ELx_EC_IABT_LOW) &&
	       (e->esr & ESR_ELx_FSC_TYPE) == ESR_ELx_FSC_FAULT;
}

/* Whether gpa may be in a slot, without the lock: false is final (for this exit). */
static bool avcpu_vm_may_be_memory(struct avcpu_vm *vm, u64 gpa)
{
	unsigned long used = READ_ONCE(vm->slots_used);
	unsigned int i;

	/* Every MMIO exit comes here: only the slots in use are looked at. */
	for_each_set_bit(i, &used, AVCPU_MAX_MEM_SLOTS) {
		const struct avcpu_memslot *s = &vm->slots[i];
		u64 base = READ_ONCE(s->gpa);

		if (gpa >= base && gpa - base < READ_ONCE(s->size))
			return true;
	}
	return false;
}

/* 1: mapped (by this fault or one before it), 0: not guest memory, or -errno. */
static int avcpu_vm_map_gpa(struct avcpu_vm *vm, u64 gpa, unsigned int vcpu_id)
{
	struct avcpu_memslot *slot;
	unsigned long idx;
	int ret = 0;

	if (!avcpu_vm_may_be_memory(vm, gpa))
		return 0;
	mutex_lock(&vm->lock);
	slot = avcpu_memslot_find(vm, gpa);
	if (slot) {
		idx = (gpa - slot->gpa) >> PAGE_SHIFT;
		/* Another vCPU may have mapped it since: then the guest just retries. */
		ret = avcpu_memslot_page(slot, idx) ? 0 : avcpu_memslot_fault(vm, slot, idx);
		if (ret)
			pr_warn_ratelimited("vCPU %u: guest memory at IPA %#llx: the VMM's page at %#llx cannot be pinned: %d\n",
					    vcpu_id, gpa, slot->uaddr + idx * PAGE_SIZE, ret);
		else
			ret = 1;
	}
	mutex_unlock(&vm->lock);
	return ret;
}

int avcpu_vm_abort_fault(struct avcpu_vm *vm, struct avcpu_vcpu_ctx *ctx, unsigned int vcpu_id)
{
	const struct avcpu_hyp_exit *e = &ctx->exit;
	/* HPFAR_EL2.FIPA is IPA[51:12] at bits [43:4]: the faulting page. */
	u64 gpa = (e->hpfar & GENMASK_ULL(43, 4)) << 8;
	int ret;

	if (!avcpu_exit_is_s2_translation_fault(e))
		return 0;
	ret = avcpu_vm_map_gpa(vm, gpa, vcpu_id);
	if (ret || e->reason != HYP_EXIT_FETCH_FAULT)
		return ret;
	/* A fetch from neither memory nor a device: an external abort (guest_exit.h). */
	ctx->complete = VCPU_COMPLETE_FETCH_ABORT;
	ctx->complete_value = e->far;
	return 1;
}
