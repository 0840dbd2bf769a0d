// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's guest memory: userspace memory pinned (and charged to the VM's own process) per
 * slot as the guest first touches it (memslot_fault.c), or all at once with
 * AVCPU_MEM_PREFAULT, mapped by the VM's stage-2 tables, which go with the slots they map.
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

/* struct avcpu_memory_region's flags the kernel knows. */
#define AVCPU_MEM_FLAGS		(AVCPU_MEM_READONLY | AVCPU_MEM_PREFAULT)

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

/* Entries of pages[i, end) in i's chunk: how many, at most. */
static unsigned long avcpu_chunk_left(unsigned long i, unsigned long end)
{
	return min(end - i, AVCPU_CHUNK_PAGES - i % AVCPU_CHUNK_PAGES);
}

/*
 * Forgets entries [first, first + n) (all set) without unpinning them: the pages stay
 * pinned for good (no CPU could flush the TLB).
 */
static void avcpu_memslot_forget(struct avcpu_memslot *slot, unsigned long first,
				 unsigned long n)
{
	unsigned long i, run;

	for (i = first; i < first + n; i += run) {
		run = avcpu_chunk_left(i, first + n);
		memset(slot->chunks[i / AVCPU_CHUNK_PAGES] + i % AVCPU_CHUNK_PAGES, 0,
		       run * sizeof(struct page *));
	}
	slot->pinned -= n;
}

/* Unpins the entries of pages[first, first + n) that are pinned, in runs. */
void avcpu_memslot_unpin(struct avcpu_memslot *slot, unsigned long first, unsigned long n)
{
	unsigned long i = first, end = first + n, run, max;
	struct page **chunk;

	while (i < end) {
		chunk = slot->chunks[i / AVCPU_CHUNK_PAGES];
		max = avcpu_chunk_left(i, end);
		if (!chunk) {
			i += max;
			continue;
		}
		chunk += i % AVCPU_CHUNK_PAGES;
		if (!chunk[0]) {
			i++;
			continue;
		}
		for (run = 1; run < max && chunk[run]; run++)
			;
		unpin_user_pages_dirty_lock(chunk, run, !(slot->flags & AVCPU_MEM_READONLY));
		memset(chunk, 0, run * sizeof(*chunk));
		slot->pinned -= run;
		i += run;
		cond_resched();
	}
}

static void avcpu_memslot_free_chunks(struct avcpu_memslot *slot)
{
	unsigned long i;

	for (i = 0; i < DIV_ROUND_UP(slot->npages, AVCPU_CHUNK_PAGES); i++)
		kfree(slot->chunks[i]);
	kvfree(slot->chunks);
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
	WRITE_ONCE(vm->slots_used, vm->slots_used & ~BIT(slot - vm->slots));
	WARN_ON(avcpu_pgt_unmap(&vm->s2, slot->gpa, slot->size));
	detached = avcpu_pgt_detach_empty(&vm->s2, slot->gpa, slot->size);
	if (avcpu_vm_flush_tlb(vm)) {
		avcpu_memslot_unpin(slot, 0, slot->npages);
		avcpu_pgt_free_detached(&vm->s2, detached);
	} else {
		avcpu_el2_leaked(slot->pinned);
	}
	account_locked_vm(vm->mm, slot->npages, false);
	avcpu_memslot_free_chunks(slot);
	memset(slot, 0, sizeof(*slot));
}

/*
 * Maps pages[first, first + n) (all pinned) in runs of physically contiguous pages, so
 * that aligned 2 MiB runs become blocks.
 */
int avcpu_memslot_map(struct avcpu_vm *vm, struct avcpu_memslot *slot, unsigned long first,
		      unsigned long n)
{
	u64 attrs = slot->flags & AVCPU_MEM_READONLY ? AVCPU_S2_RO : AVCPU_S2_RW;
	unsigned long i, start = first, end = first + n;
	int ret;

	for (i = first + 1; i <= end; i++) {
		if (i < end &&
		    page_to_phys(avcpu_memslot_page(slot, i)) ==
			    page_to_phys(avcpu_memslot_page(slot, i - 1)) + PAGE_SIZE)
			continue;
		ret = avcpu_pgt_map(&vm->s2, slot->gpa + start * PAGE_SIZE,
				    page_to_phys(avcpu_memslot_page(slot, start)),
				    (i - start) * PAGE_SIZE,
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

/*
 * Called with mmap_lock held for reading: every page of the range is in a VMA that can be
 * pinned (readable, writable for a writable slot, not raw PFNs or I/O: EFAULT, what the
 * pin would answer at the first touch), of a kind.
 */
static int avcpu_check_vmas(struct mm_struct *mm, unsigned long start, unsigned long end,
			    bool writable)
{
	struct vm_area_struct *vma;

	while (start < end) {
		vma = find_vma(mm, start);
		if (!vma || vma->vm_start > start || !(vma->vm_flags & VM_READ) ||
		    (writable && !(vma->vm_flags & VM_WRITE)) ||
		    vma->vm_flags & (VM_IO | VM_PFNMAP))
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

/*
 * Pins pages[first, first + n) (none pinned yet) of the VM's own process (current->mm:
 * vCPU and VM ioctls refuse other processes) in batches, checking each batch's VMAs under
 * the same lock. On failure nothing of the range stays pinned.
 */
int avcpu_memslot_pin(struct avcpu_memslot *slot, unsigned long first, unsigned long n)
{
	unsigned int gup_flags = FOLL_LONGTERM;
	struct mm_struct *mm = current->mm;
	unsigned long done = 0, batch, i;
	struct page ***chunk;
	long ret = 0;

	if (!(slot->flags & AVCPU_MEM_READONLY))
		gup_flags |= FOLL_WRITE;
	while (done < n) {
		unsigned long start = slot->uaddr + (first + done) * PAGE_SIZE;

		i = first + done;
		batch = avcpu_chunk_left(i, first + n);
		chunk = &slot->chunks[i / AVCPU_CHUNK_PAGES];
		if (!*chunk)
			*chunk = kcalloc(AVCPU_CHUNK_PAGES, sizeof(**chunk), GFP_KERNEL_ACCOUNT);
		if (!*chunk) {
			ret = -ENOMEM;
			break;
		}
		mmap_read_lock(mm);
		ret = avcpu_check_vmas(mm, start, start + batch * PAGE_SIZE,
				       gup_flags & FOLL_WRITE);
		if (!ret)
			ret = avcpu_pin_user_pages(start, batch, gup_flags,
						   *chunk + i % AVCPU_CHUNK_PAGES);
		mmap_read_unlock(mm);
		if (ret > 0) {
			done += ret;
			slot->pinned += ret;
		}
		if (ret < 0 || (unsigned long)ret != batch)
			break;
		if (done < n)
			cond_resched();
	}
	if (done == n)
		return 0;
	avcpu_memslot_unpin(slot, first, done);
	return ret < 0 ? ret : -EFAULT;
}

/*
 * Cleans pages[first, first + n) to PoC and invalidates the instruction caches: a guest
 * with its MMU (or caches) off reads memory, not the caches, so whatever the pages held
 * before, and whatever the VMM wrote, must be in memory before the guest can reach them;
 * and no stale instruction may outlive the code the VMM put there.
 */
void avcpu_memslot_clean(struct avcpu_memslot *slot, unsigned long first, unsigned long n)
{
	unsigned long i, run = 0;
	void *start = NULL, *va;

	/* One call per run of contiguous pages (a 2 MiB block is one), up to a batch. */
	for (i = first; i < first + n; i++) {
		va = page_address(avcpu_memslot_page(slot, i));
		if (run && (va != start + run * PAGE_SIZE || run == AVCPU_PAGES_PER_BATCH)) {
			avcpu_dcache_clean_inval_poc(start, run * PAGE_SIZE);
			run = 0;
			cond_resched();
		}
		if (!run)
			start = va;
		run++;
	}
	if (run)
		avcpu_dcache_clean_inval_poc(start, run * PAGE_SIZE);
	asm volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
}

/*
 * Pins, cleans and maps pages[first, first + n), none of which is pinned yet. Going from
 * invalid to valid needs no TLB invalidation: a TLB never holds an entry that generates a
 * Translation fault (Arm ARM, chapter D8, "Translation Lookaside Buffers"); the dsb
 * publishes the descriptors to every walker before the guest runs again.
 */
int avcpu_memslot_fault_in(struct avcpu_vm *vm, struct avcpu_memslot *slot,
			   unsigned long first, unsigned long n)
{
	int ret = avcpu_memslot_pin(slot, first, n);

	if (ret)
		return ret;
	avcpu_memslot_clean(slot, first, n);
	ret = avcpu_memslot_map(vm, slot, first, n);
	if (!ret) {
		dsb(ishst);
		return 0;
	}
	/* -ENOMEM for a table: what was mapped goes, so that pinned still means mapped. */
	WARN_ON(avcpu_pgt_unmap(&vm->s2, slot->gpa + first * PAGE_SIZE, n * PAGE_SIZE));
	if (avcpu_vm_flush_tlb(vm)) {
		avcpu_memslot_unpin(slot, first, n);
	} else {
		avcpu_el2_leaked(n);
		avcpu_memslot_forget(slot, first, n);
	}
	return ret;
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

/* The slot gpa is in, or NULL (vm->lock held). */
struct avcpu_memslot *avcpu_memslot_find(struct avcpu_vm *vm, u64 gpa)
{
	int i;

	for (i = 0; i < AVCPU_MAX_MEM_SLOTS; i++) {
		struct avcpu_memslot *s = &vm->slots[i];

		if (s->size && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
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

/* Errors of a new slot's arguments, before anything is allocated. */
static int avcpu_memslot_check(struct avcpu_vm *vm, const struct avcpu_memory_region *r)
{
	struct mm_struct *mm = current->mm;
	int ret;

	if ((r->guest_phys_addr | r->memory_size | r->userspace_addr) & ~PAGE_MASK)
		return -EINVAL;
	if (r->guest_phys_addr + r->memory_size < r->guest_phys_addr ||
	    r->userspace_addr + r->memory_size < r->userspace_addr)
		return -EOVERFLOW;
	if (r->guest_phys_addr + r->memory_size > (1ULL << vm->ipa_bits))
		return -ERANGE;
	if (!access_ok((void __user *)r->userspace_addr, r->memory_size))
		return -EFAULT;
	if (vm->slots[r->slot].size)
		return -EBUSY;
	if (avcpu_memslot_overlaps(vm, r->guest_phys_addr, r->memory_size) ||
	    avcpu_vgic_overlaps(vm, r->guest_phys_addr, r->memory_size))
		return -EEXIST;
	/* Each fault checks its pages' VMAs again: they may change in between. */
	mmap_read_lock(mm);
	ret = avcpu_check_vmas(mm, r->userspace_addr, r->userspace_addr + r->memory_size,
			       !(r->flags & AVCPU_MEM_READONLY));
	mmap_read_unlock(mm);
	return ret;
}

/*
 * A new slot records the range and pins nothing: its pages are pinned and mapped when the
 * guest first touches them (avcpu_vm_stage2_fault()), or all at once with
 * AVCPU_MEM_PREFAULT. RLIMIT_MEMLOCK (unless CAP_IPC_LOCK) is charged for the whole slot
 * now, the most it can pin, so that no guest access can fail on the limit later.
 */
static int avcpu_set_memory_region(struct avcpu_vm *vm, const struct avcpu_memory_region *r)
{
	struct avcpu_memslot *slot;
	unsigned long npages;
	int ret;

	if (r->slot >= AVCPU_MAX_MEM_SLOTS || r->flags & ~AVCPU_MEM_FLAGS)
		return -EINVAL;
	slot = &vm->slots[r->slot];
	if (!r->memory_size) {
		if (!slot->size)
			return -ENOENT;
		avcpu_memslot_release(vm, slot);
		return 0;
	}
	ret = avcpu_memslot_check(vm, r);
	if (ret)
		return ret;
	npages = r->memory_size >> PAGE_SHIFT;
	ret = account_locked_vm(vm->mm, npages, true);
	if (ret)
		return ret;
	slot->chunks = kvcalloc(DIV_ROUND_UP(npages, AVCPU_CHUNK_PAGES), sizeof(*slot->chunks),
				GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!slot->chunks) {
		account_locked_vm(vm->mm, npages, false);
		return -ENOMEM;
	}
	slot->npages = npages;
	slot->flags = r->flags;
	slot->gpa = r->guest_phys_addr;
	slot->uaddr = r->userspace_addr;
	/* Last: avcpu_vm_stage2_fault() looks at the slots without the lock first. */
	WRITE_ONCE(slot->size, r->memory_size);
	WRITE_ONCE(vm->slots_used, vm->slots_used | BIT(r->slot));
	if (!(r->flags & AVCPU_MEM_PREFAULT))
		return 0;
	ret = avcpu_memslot_fault_in(vm, slot, 0, npages);
	if (ret)
		avcpu_memslot_release(vm, slot);
	return ret;
}

long avcpu_vm_translate(struct avcpu_vm *vm, struct avcpu_translation __user *arg)
{
	const struct avcpu_memslot *slot;
	struct avcpu_translation t;
	unsigned int level = 0;

	if (copy_from_user(&t, arg, sizeof(t)))
		return -EFAULT;
	t.flags = 0;
	t.level = 0;
	mutex_lock(&vm->lock);
	slot = avcpu_memslot_find(vm, t.guest_phys_addr);
	if (slot) {
		t.flags |= AVCPU_TRANSLATE_MAPPED;
		if (!(slot->flags & AVCPU_MEM_READONLY))
			t.flags |= AVCPU_TRANSLATE_WRITABLE;
		/* Level 0 until the guest first touches the page. */
		if (avcpu_pgt_lookup(&vm->s2, t.guest_phys_addr, &level))
			t.level = level;
	}
	mutex_unlock(&vm->lock);
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
