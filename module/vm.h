/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AVCPU_VM_H
#define AVCPU_VM_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <uapi/linux/avcpu.h>

#include "hyp/include/hyp_abi.h"
#include "pgtable.h"

#define AVCPU_MAX_VCPUS		64
#define AVCPU_MAX_MEM_SLOTS	32
#define AVCPU_MAX_VMS		255	/* 8-bit VMIDs, 0 is the host's */

struct avcpu_memslot {
	u64 gpa, size, uaddr;
	u32 flags;
	struct page **pages;		/* pinned while the slot exists */
	unsigned long npages;
};

struct avcpu_vcpu;
struct avcpu_vgic;

struct avcpu_vm {
	struct kref ref;
	struct mutex lock;		/* slots, vcpus[] */
	unsigned int vmid;
	unsigned int ipa_bits;
	struct avcpu_pgt s2;
	u64 vtcr, vttbr;
	struct avcpu_memslot slots[AVCPU_MAX_MEM_SLOTS];
	struct avcpu_vcpu *vcpus[AVCPU_MAX_VCPUS];
	u64 vcpus_created;		/* ever: config and SMC policy are fixed after one */
	int __percpu *last_vcpu_ran;	/* per CPU: id of the vCPU of this VM that ran there */
	u64 config;			/* AVCPU_VM_* */
	struct mm_struct *mm;		/* whose RLIMIT_MEMLOCK pinned pages count against */
	struct avcpu_smc_policy smc;
	struct avcpu_vcpu_stats retired_stats;	/* of vCPUs already closed */
	struct avcpu_vgic *vgic;	/* set once, before the first RUN (vgic.c) */
	bool ran;			/* a vCPU has entered RUN: the vGIC is fixed */
};

int avcpu_vm_create(unsigned long flags);
void avcpu_vm_put(struct avcpu_vm *vm);

/* irq.c: AVCPU_IRQ_LINE. */
long avcpu_irq_line(struct avcpu_vm *vm, const void __user *arg);

/* stats.c */
long avcpu_vm_get_stats(struct avcpu_vm *vm, void __user *arg);

/* Whether [gpa, gpa + size) touches one of the VM's memory slots (vm->lock held). */
bool avcpu_vm_range_is_memory(struct avcpu_vm *vm, u64 gpa, u64 size);
static inline bool avcpu_vm_gpa_is_memory(struct avcpu_vm *vm, u64 gpa)
{
	return avcpu_vm_range_is_memory(vm, gpa, 1);
}

/* Guest physical address size from ID_AA64MMFR0_EL1.PARange, at most 48 bits. */
unsigned int avcpu_ipa_bits(void);

/* EL2 stage-1: identity-map one page of host memory for EL2 / take it away again. */
int avcpu_el2_share_page(void *page);
void avcpu_el2_unshare_page(void *page);

#endif /* AVCPU_VM_H */
