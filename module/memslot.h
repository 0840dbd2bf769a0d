/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AVCPU_MEMSLOT_H
#define AVCPU_MEMSLOT_H

#include <linux/compiler_types.h>
#include <linux/types.h>

#define AVCPU_MAX_MEM_SLOTS	32

/* One AVCPU_SET_MEMORY_REGION slot of a VM (memslot.c). */
struct avcpu_memslot {
	u64 gpa, size, uaddr;
	u32 flags;
	struct page **pages;		/* pinned while the slot exists */
	unsigned long npages;
};

struct avcpu_vm;
struct avcpu_translation;

/* The VM's empty stage-2 tables, at creation; its slots and tables, at its end. */
int avcpu_vm_memory_init(struct avcpu_vm *vm);
void avcpu_vm_memory_destroy(struct avcpu_vm *vm);

/* AVCPU_SET_MEMORY_REGION and AVCPU_TRANSLATE_GPA. */
long avcpu_vm_set_memory_region(struct avcpu_vm *vm, const void __user *arg);
long avcpu_vm_translate(struct avcpu_vm *vm, struct avcpu_translation __user *arg);

/* Whether [gpa, gpa + size) touches one of the VM's memory slots (vm->lock held). */
bool avcpu_vm_range_is_memory(struct avcpu_vm *vm, u64 gpa, u64 size);
static inline bool avcpu_vm_gpa_is_memory(struct avcpu_vm *vm, u64 gpa)
{
	return avcpu_vm_range_is_memory(vm, gpa, 1);
}

#endif /* AVCPU_MEMSLOT_H */
