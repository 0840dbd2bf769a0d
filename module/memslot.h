/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AVCPU_MEMSLOT_H
#define AVCPU_MEMSLOT_H

#include <linux/compiler_types.h>
#include <linux/types.h>

#include <uapi/linux/avcpu.h>

#include "hyp/include/hyp_abi.h"

#define AVCPU_MAX_MEM_SLOTS	32

/* One AVCPU_SET_MEMORY_REGION slot of a VM (memslot.c). */
struct avcpu_memslot {
	u64 gpa, size, uaddr;
	u32 flags;
	/*
	 * The page at each offset once the guest touched it (NULL before): pinned and
	 * mapped at stage 2 until the slot goes. In chunks of AVCPU_CHUNK_PAGES entries,
	 * each allocated at the first touch of its part of the slot, so that a new slot
	 * costs no more than its chunk table. Set and cleared under vm->lock.
	 */
	struct page ***chunks;
	unsigned long npages;
	unsigned long pinned;		/* entries set */
};

#define AVCPU_CHUNK_PAGES	512UL

/* The page at slot offset i (in pages), or NULL while not pinned. */
static inline struct page *avcpu_memslot_page(const struct avcpu_memslot *slot,
					      unsigned long i)
{
	struct page **chunk = slot->chunks[i / AVCPU_CHUNK_PAGES];

	return chunk ? chunk[i % AVCPU_CHUNK_PAGES] : NULL;
}

struct avcpu_vm;
struct avcpu_translation;
struct avcpu_vcpu_ctx;

/* The VM's empty stage-2 tables, at creation; its slots and tables, at its end. */
int avcpu_vm_memory_init(struct avcpu_vm *vm);
void avcpu_vm_memory_destroy(struct avcpu_vm *vm);

/* AVCPU_SET_MEMORY_REGION and AVCPU_TRANSLATE_GPA. */
long avcpu_vm_set_memory_region(struct avcpu_vm *vm, const void __user *arg);
long avcpu_vm_translate(struct avcpu_vm *vm, struct avcpu_translation __user *arg);

/*
 * After a guest exit: a stage-2 translation fault inside a memory slot has its page (or
 * 2 MiB block) pinned, cleaned and mapped. Returns 1 when the guest resumes at once (the
 * fault was handled), 0 when the exit goes on as decoded, or a negative errno when the
 * VMM's memory behind the slot cannot be pinned any more (RUN fails with it).
 */
int avcpu_vm_abort_fault(struct avcpu_vm *vm, struct avcpu_vcpu_ctx *ctx, unsigned int vcpu_id);

static inline int avcpu_vm_stage2_fault(struct avcpu_vm *vm, struct avcpu_vcpu_ctx *ctx,
					unsigned int vcpu_id)
{
	/* Only an abort can be one: every other exit (the hot ones) skips the call. */
	switch (ctx->exit.reason) {
	case AVCPU_EXIT_MMIO:
	case AVCPU_EXIT_MMIO_NO_SYNDROME:
	case AVCPU_EXIT_EXCEPTION:
	case HYP_EXIT_FETCH_FAULT:
		return avcpu_vm_abort_fault(vm, ctx, vcpu_id);
	default:
		return 0;
	}
}

/* Between memslot.c and memslot_fault.c, vm->lock held: pages[first, first + n). */
int avcpu_memslot_pin(struct avcpu_memslot *slot, unsigned long first, unsigned long n);
void avcpu_memslot_unpin(struct avcpu_memslot *slot, unsigned long first, unsigned long n);
void avcpu_memslot_clean(struct avcpu_memslot *slot, unsigned long first, unsigned long n);
int avcpu_memslot_map(struct avcpu_vm *vm, struct avcpu_memslot *slot, unsigned long first,
		      unsigned long n);
int avcpu_memslot_fault_in(struct avcpu_vm *vm, struct avcpu_memslot *slot,
			   unsigned long first, unsigned long n);
struct avcpu_memslot *avcpu_memslot_find(struct avcpu_vm *vm, u64 gpa);

/* Whether [gpa, gpa + size) touches one of the VM's memory slots (vm->lock held). */
bool avcpu_vm_range_is_memory(struct avcpu_vm *vm, u64 gpa, u64 size);
static inline bool avcpu_vm_gpa_is_memory(struct avcpu_vm *vm, u64 gpa)
{
	return avcpu_vm_range_is_memory(vm, gpa, 1);
}

#endif /* AVCPU_MEMSLOT_H */
