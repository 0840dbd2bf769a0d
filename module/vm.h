/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AVCPU_VM_H
#define AVCPU_VM_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

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
	unsigned int vcpus_created;	/* ever: config and SMC policy are fixed after one */
	int __percpu *last_vcpu_ran;	/* per CPU: id of the vCPU of this VM that ran there */
	u64 config;			/* AVCPU_VM_* */
	struct mm_struct *mm;		/* whose RLIMIT_MEMLOCK pinned pages count against */
	struct avcpu_smc_policy smc;
	struct avcpu_vcpu_stats retired_stats;	/* of vCPUs already closed */
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
	u64 mpidr;			/* = ctx->vmpidr, readable while ctx is being reset */
	struct avcpu_vcpu_stats stats;	/* updated by RUN's thread only */
	unsigned long irq_lines;	/* bit AVCPU_IRQ_CPU_*: asserted lines (irq.c) */
	atomic64_t irq_changes;

	/* Power state (PSCI): changed by other vCPUs and ioctls while RUN sleeps. */
	spinlock_t power_lock;
	u32 power;			/* AVCPU_POWER_ON or _OFF */
	bool reset_pending;		/* CPU_ON: reset to reset_entry/context, then on */
	u64 reset_entry, reset_context;
	bool wake;			/* something to do: stop sleeping in WFI */
	wait_queue_head_t wq;
	struct task_struct *task;	/* the thread in RUN, for kicks */
};

int avcpu_vm_create(unsigned long flags);
void avcpu_vm_put(struct avcpu_vm *vm);
int avcpu_vcpu_create(struct avcpu_vm *vm, unsigned long id);

/* Serves a PSCI call from vcpu (psci_glue.c): 0 to resume the guest, 1 to exit. */
int avcpu_vcpu_psci(struct avcpu_vcpu *vcpu, bool user);
/* Powers a vCPU on (resetting it to entry/context if reset) or off, and wakes it. */
void avcpu_vcpu_set_power(struct avcpu_vcpu *vcpu, u32 state, bool reset, u64 entry,
			  u64 context);
/* Makes a vCPU leave the guest and look at its state again. */
void avcpu_vcpu_kick(struct avcpu_vcpu *vcpu);

/* irq.c: AVCPU_IRQ_LINE. */
long avcpu_irq_line(struct avcpu_vm *vm, const void __user *arg);

/* HCR_EL2.VI and VF: a virtual IRQ / FIQ is pending (Arm ARM D19.2.48). */
#define AVCPU_HCR_VF	BIT(6)
#define AVCPU_HCR_VI	BIT(7)

/* hcr with VI and VF set as the vCPU's lines are: computed at every guest entry. */
static inline u64 avcpu_irq_hcr(const struct avcpu_vcpu *vcpu, u64 hcr)
{
	unsigned long lines = READ_ONCE(vcpu->irq_lines);

	hcr &= ~(AVCPU_HCR_VI | AVCPU_HCR_VF);
	if (lines & BIT(AVCPU_IRQ_CPU_IRQ))
		hcr |= AVCPU_HCR_VI;
	if (lines & BIT(AVCPU_IRQ_CPU_FIQ))
		hcr |= AVCPU_HCR_VF;
	return hcr;
}

/* stats.c */
void avcpu_vcpu_stats_read(const struct avcpu_vcpu *vcpu, struct avcpu_vcpu_stats *st);
long avcpu_vcpu_get_stats(const struct avcpu_vcpu *vcpu, void __user *arg);
void avcpu_vm_stats_retire(struct avcpu_vm *vm, const struct avcpu_vcpu *vcpu);
long avcpu_vm_get_stats(struct avcpu_vm *vm, void __user *arg);

/* Guest physical address size from ID_AA64MMFR0_EL1.PARange, at most 48 bits. */
unsigned int avcpu_ipa_bits(void);

/* EL2 stage-1: identity-map one page of host memory for EL2 / take it away again. */
int avcpu_el2_share_page(void *page);
void avcpu_el2_unshare_page(void *page);

void avcpu_fpsimd_load(const struct avcpu_fpsimd *fp);
void avcpu_fpsimd_save(struct avcpu_fpsimd *fp);

#endif /* AVCPU_VM_H */
