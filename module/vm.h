/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AVCPU_VM_H
#define AVCPU_VM_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/types.h>

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
struct avcpu_run;

struct avcpu_vm {
	struct kref ref;
	struct mutex lock;		/* slots, vcpus[] */
	unsigned int vmid;
	unsigned int ipa_bits;
	struct avcpu_pgt s2;
	u64 vtcr, vttbr;
	struct avcpu_memslot slots[AVCPU_MAX_MEM_SLOTS];
	struct avcpu_vcpu *vcpus[AVCPU_MAX_VCPUS];
	int __percpu *last_vcpu_ran;	/* per CPU: id of the vCPU of this VM that ran there */
};

struct avcpu_fpsimd {
	__uint128_t v[32];
	u64 fpsr, fpcr;
};

struct avcpu_vcpu {
	struct avcpu_vm *vm;
	unsigned int id;
	struct mutex lock;		/* RUN (trylock: -EBUSY) and register access */
	struct avcpu_vcpu_ctx *ctx;	/* one page, mapped at EL2 */
	struct avcpu_run *run;		/* one page, mmap()ed by userspace */
	struct avcpu_fpsimd fp;
	u32 pending;			/* the exit userspace is completing: AVCPU_EXIT_* */
	u64 exits, host_irqs;
};

int avcpu_vm_create(unsigned long flags);
void avcpu_vm_put(struct avcpu_vm *vm);
int avcpu_vcpu_create(struct avcpu_vm *vm, unsigned long id);

/* Guest physical address size from ID_AA64MMFR0_EL1.PARange, at most 48 bits. */
unsigned int avcpu_ipa_bits(void);

/* EL2 stage-1: identity-map one page of host memory for EL2 / take it away again. */
int avcpu_el2_share_page(void *page);
void avcpu_el2_unshare_page(void *page);

void avcpu_fpsimd_load(const struct avcpu_fpsimd *fp);
void avcpu_fpsimd_save(struct avcpu_fpsimd *fp);

#endif /* AVCPU_VM_H */
