// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's guest memory: userspace memory pinned (and charged to the VM's own process) per
 * slot, mapped by the VM's stage-2 tables, which go with the slots they map.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hugetlb.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include <uapi/linux/avcpu.h>

#include "avcpu.h"
#include "hyp_call.h"
#include "memslot.h"
#include "vgic.h"
#include "vm.h"

static void *avcpu_s2_alloc(void *ctx, u64 *pa)
{
	void *va = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (va)
		*pa = virt_to_phys(va);
	return va;
}

static void avcpu_s2_free(void *ctx, void *table)
{
	free_page((unsigned long)table);
}

static void *avcpu_s2_phys_to_virt(void *ctx, u64 pa)
{
	return phys_to_virt(pa);
}

static const struct avcpu_pgt_mm avcpu_s2_mm = {
	.alloc_table = avcpu_s2_alloc,
	.free_table = avcpu_s2_free,
	.phys_to_virt = avcpu_s2_phys_to_virt,
};

/*
 * Pages pinned, cleaned or mapped between two chances to reschedule: a slot can be
 * gigabytes, and vm->lock is a mutex, so long loops yield now and then.
 */
#define AVCPU_PAGES_PER_BATCH	512

/* False when no CPU could run the invalidation: then nothing may be freed. */
static bool avcpu_vm_flush_tlb(struct avcpu_vm *vm)
{
	u64 vttbr;

	dsb(ishst);
	vttbr = avcpu_vmid_vttbr(vm);
	/* No VMID yet: the VM never ran, no TLB holds anything of it. */
	if (vttbr == vm->s2.root_pa)
		return true;
	return avcpu_el2_call_any_cpu(AVCPU_HC_FLUSH_VMID, vttbr);
}

static void avcpu_memslot_unpin(struct avcpu_memslot *slot, unsigned long npages)
{
	unsigned long i, n;

	for (i = 0; i < npages; i += n) {
		n = min_t(unsigned long, npages - i, AVCPU_PAGES_PER_BATCH);
		unpin_user_pages_dirty_lock(slot->pages + i, n,
					    !(slot->flags & AVCPU_MEM_READONLY));
		cond_resched();
	}
}

/*
 * Unmaps, invalidates, then unpins and frees the emptied tables: the guest can never
 * reach a page, nor a walker a table, after it is freed. If the invalidation could not
 * run anywhere, the pages and tables stay pinned and allocated for good.
 */
static void avcpu_memslot_release(struct avcpu_vm *vm, struct avcpu_memslot *slot)
{
	u64 detached;

	if (!slot->size)
		return;
	WARN_ON(avcpu_pgt_unmap(&vm->s2, slot->gpa, slot->size));
	detached = avcpu_pgt_detach_empty(&vm->s2, slot->gpa, slot->size);
	if (avcpu_vm_flush_tlb(vm)) {
		avcpu_memslot_unpin(slot, slot->npages);
		avcpu_pgt_free_detached(&vm->s2, detached);
	} else {
		avcpu_el2_leaked(slot->npages);
	}
	account_locked_vm(vm->mm, slot->npages, false);
	kvfree(slot->pages);
	memset(slot, 0, sizeof(*slot));
}

/* Maps runs of physically contiguous pages, so that aligned 2 MiB runs become blocks. */
static int avcpu_memslot_map(struct avcpu_vm *vm, struct avcpu_memslot *slot)
{
	u64 attrs = slot->flags & AVCPU_MEM_READONLY ? AVCPU_S2_RO : AVCPU_S2_RW;
	unsigned long i, start = 0;
	int ret;

	for (i = 1; i <= slot->npages; i++) {
		if (i < slot->npages &&
		    page_to_phys(slot->pages[i]) ==
			    page_to_phys(slot->pages[i - 1]) + PAGE_SIZE)
			continue;
		ret = avcpu_pgt_map(&vm->s2, slot->gpa + start * PAGE_SIZE,
				    page_to_phys(slot->pages[start]), (i - start) * PAGE_SIZE,
				    attrs, true);
		if (ret)
			return ret;
		start = i;
		cond_resched();
	}
	return 0;
}

/*
 * A writable slot lets the guest write its pages behind the kernel's back for as long as
 * it exists: only memory without writeback to a file may back one (anonymous or private
 * memory, shmem/memfd, hugetlbfs). A shared mapping of another file would have the
 * filesystem write back and clean pages the guest keeps writing (GUP refuses such long-term
 * pins itself since Linux 6.5; 6.1 does not).
 */
static bool avcpu_vma_backs_writable_slot(struct vm_area_struct *vma)
{
	/* vma_is_shmem() is not exported on 6.1: shmem and memfd files live on tmpfs. */
	return !(vma->vm_flags & VM_SHARED) || is_vm_hugetlb_page(vma) ||
	       (vma->vm_file && file_inode(vma->vm_file)->i_sb->s_magic == TMPFS_MAGIC);
}

/* Called with mmap_lock held for reading: every page of the range is in a VMA, of a kind. */
static int avcpu_check_vmas(struct mm_struct *mm, unsigned long start, unsigned long end,
			    bool writable)
{
	struct vm_area_struct *vma;

	while (start < end) {
		vma = find_vma(mm, start);
		if (!vma || vma->vm_start > start)
			return -EFAULT;
		if (writable && !avcpu_vma_backs_writable_slot(vma))
			return -EINVAL;
		start = vma->vm_end;
	}
	return 0;
}

/* pin_user_pages() lost its vmas argument in Linux 6.5. */
#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
#define avcpu_pin_user_pages(start, n, flags, pages) pin_user_pages(start, n, flags, pages, NULL)
#else
#define avcpu_pin_user_pages(start, n, flags, pages) pin_user_pages(start, n, flags, pages)
#endif

/* Pins the slot's pages in batches, checking each batch's VMAs under the same lock. */
static long avcpu_memslot_pin(struct avcpu_memslot *slot, unsigned long uaddr,
			      unsigned int gup_flags)
{
	struct mm_struct *mm = current->mm;
	unsigned long done = 0, n;
	long ret = 0;

	while (done < slot->npages) {
		unsigned long start = uaddr + done * PAGE_SIZE;

		n = min_t(unsigned long, slot->npages - done, AVCPU_PAGES_PER_BATCH);
		mmap_read_lock(mm);
		ret = avcpu_check_vmas(mm, start, start + n * PAGE_SIZE, gup_flags & FOLL_WRITE);
		if (!ret)
			ret = avcpu_pin_user_pages(start, n, gup_flags, slot->pages + done);
		mmap_read_unlock(mm);
		if (ret > 0)
			done += ret;
		if (ret < 0 || (unsigned long)ret != n)
			break;
		cond_resched();
	}
	if (done == slot->npages)
		return 0;
	avcpu_memslot_unpin(slot, done);
	return ret < 0 ? ret : -EFAULT;
}

/* Cleans every page to PoC (see the caller), yielding now and then. */
static void avcpu_memslot_clean(struct avcpu_memslot *slot)
{
	unsigned long i;

	for (i = 0; i < slot->npages; i++) {
		avcpu_dcache_clean_inval_poc(page_address(slot->pages[i]), PAGE_SIZE);
		if (!((i + 1) % AVCPU_PAGES_PER_BATCH))
			cond_resched();
	}
}

static bool avcpu_memslot_overlaps(struct avcpu_vm *vm, u64 gpa, u64 size)
{
	int i;

	for (i = 0; i < AVCPU_MAX_MEM_SLOTS; i++) {
		struct avcpu_memslot *s = &vm->slots[i];

		if (s->size && gpa < s->gpa + s->size && s->gpa < gpa + size)
			return true;
	}
	return false;
}

bool avcpu_vm_range_is_memory(struct avcpu_vm *vm, u64 gpa, u64 size)
{
	return avcpu_memslot_overlaps(vm, gpa, size);
}

/* The vGIC's frames are the kernel's MMIO: no memory slot may cover them. */
static bool avcpu_vgic_overlaps(struct avcpu_vm *vm, u64 gpa, u64 size)
{
	const struct avcpu_vgic *vgic = vm->vgic;
	u64 rsize;

	if (!vgic)
		return false;
	rsize = (u64)vgic->dist.nr_cpus * AVCPU_VGIC_REDIST_SIZE;
	return (gpa < vgic->dist_base + AVCPU_VGIC_DIST_SIZE && vgic->dist_base < gpa + size) ||
	       (gpa < vgic->redist_base + rsize && vgic->redist_base < gpa + size);
}

static int avcpu_set_memory_region(struct avcpu_vm *vm, const struct avcpu_memory_region *r)
{
	struct avcpu_memslot *slot;
	unsigned int gup_flags = FOLL_LONGTERM;
	int ret;

	if (r->slot >= AVCPU_MAX_MEM_SLOTS || r->flags & ~AVCPU_MEM_READONLY)
		return -EINVAL;
	slot = &vm->slots[r->slot];
	if (!r->memory_size) {
		if (!slot->size)
			return -ENOENT;
		avcpu_memslot_release(vm, slot);
		return 0;
	}
	if ((r->guest_phys_addr | r->memory_size | r->userspace_addr) & ~PAGE_MASK)
		return -EINVAL;
	if (r->guest_phys_addr + r->memory_size < r->guest_phys_addr ||
	    r->userspace_addr + r->memory_size < r->userspace_addr)
		return -EOVERFLOW;
	if (r->guest_phys_addr + r->memory_size > (1ULL << vm->ipa_bits))
		return -ERANGE;
	if (!access_ok((void __user *)r->userspace_addr, r->memory_size))
		return -EFAULT;
	if (slot->size)
		return -EBUSY;
	if (avcpu_memslot_overlaps(vm, r->guest_phys_addr, r->memory_size) ||
	    avcpu_vgic_overlaps(vm, r->guest_phys_addr, r->memory_size))
		return -EEXIST;

	slot->npages = r->memory_size >> PAGE_SHIFT;
	/* Pinned memory counts against RLIMIT_MEMLOCK (unless CAP_IPC_LOCK). */
	ret = account_locked_vm(vm->mm, slot->npages, true);
	if (ret) {
		slot->npages = 0;
		return ret;
	}
	slot->pages = kvmalloc_array(slot->npages, sizeof(*slot->pages),
				     GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!slot->pages) {
		account_locked_vm(vm->mm, slot->npages, false);
		slot->npages = 0;
		return -ENOMEM;
	}
	if (!(r->flags & AVCPU_MEM_READONLY))
		gup_flags |= FOLL_WRITE;
	slot->flags = r->flags;
	ret = avcpu_memslot_pin(slot, r->userspace_addr, gup_flags);
	if (ret) {
		account_locked_vm(vm->mm, slot->npages, false);
		kvfree(slot->pages);
		memset(slot, 0, sizeof(*slot));
		return ret;
	}
	slot->gpa = r->guest_phys_addr;
	slot->size = r->memory_size;
	slot->uaddr = r->userspace_addr;
	/*
	 * A guest with its MMU (or caches) off reads memory, not the caches: whatever the
	 * pages held before, and whatever the VMM just wrote, must be in memory first.
	 */
	avcpu_memslot_clean(slot);
	asm volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
	ret = avcpu_memslot_map(vm, slot);
	if (ret) {
		avcpu_memslot_release(vm, slot);
		return ret;
	}
	dsb(ishst);
	return 0;
}

long avcpu_vm_translate(struct avcpu_vm *vm, struct avcpu_translation __user *arg)
{
	struct avcpu_translation t;
	unsigned int level = 0;
	u64 desc;

	if (copy_from_user(&t, arg, sizeof(t)))
		return -EFAULT;
	mutex_lock(&vm->lock);
	desc = avcpu_pgt_lookup(&vm->s2, t.guest_phys_addr, &level);
	mutex_unlock(&vm->lock);
	t.level = level;
	t.flags = 0;
	if (desc) {
		t.flags |= AVCPU_TRANSLATE_MAPPED;
		if (desc & AVCPU_S2AP_W)
			t.flags |= AVCPU_TRANSLATE_WRITABLE;
	}
	return copy_to_user(arg, &t, sizeof(t)) ? -EFAULT : 0;
}

long avcpu_vm_set_memory_region(struct avcpu_vm *vm, const void __user *arg)
{
	struct avcpu_memory_region region;
	long ret;

	if (copy_from_user(&region, arg, sizeof(region)))
		return -EFAULT;
	mutex_lock(&vm->lock);
	ret = avcpu_set_memory_region(vm, &region);
	mutex_unlock(&vm->lock);
	return ret;
}

int avcpu_vm_memory_init(struct avcpu_vm *vm)
{
	return avcpu_pgt_init(&vm->s2, &avcpu_s2_mm, vm->ipa_bits);
}

void avcpu_vm_memory_destroy(struct avcpu_vm *vm)
{
	int i;

	for (i = 0; i < AVCPU_MAX_MEM_SLOTS; i++)
		avcpu_memslot_release(vm, &vm->slots[i]);
	/* Walk caches may still hold the tables: if nothing could flush them, leak them. */
	if (avcpu_vm_flush_tlb(vm))
		avcpu_pgt_destroy(&vm->s2);
	else
		avcpu_el2_leaked(vm->s2.tables);
}
