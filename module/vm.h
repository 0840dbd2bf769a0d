/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AVCPU_VM_H
#define AVCPU_VM_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/types.h>

#include <uapi/linux/avcpu.h>

#include "hyp/include/hyp_abi.h"
#include "memslot.h"
#include "pgtable.h"

#define AVCPU_MAX_VCPUS		64

struct avcpu_vcpu;
struct avcpu_vgic;
struct avcpu_evfd;

struct avcpu_vm {
	struct kref ref;
	struct mutex lock;		/* slots, vcpus[] */
	unsigned int vmid;		/* names the VM in traces: its serial, truncated */
	u64 serial;			/* unique for the module's lifetime */
	atomic64_t hw_vmid;		/* generation and VMID, given at entry (vmid.c) */
	unsigned int ipa_bits;
	struct avcpu_pgt s2;
	u64 vtcr, vttbr;		/* vttbr without a VMID: entries add it */
	struct avcpu_memslot slots[AVCPU_MAX_MEM_SLOTS];
	unsigned long slots_used;	/* bit n: slots[n] exists (memslot.c) */
	struct avcpu_vcpu *vcpus[AVCPU_MAX_VCPUS];
	u64 vcpus_created;		/* ever: config and SMC policy are fixed after one */
	int __percpu *last_vcpu_ran;	/* per CPU: id of the vCPU of this VM that ran there */
	u64 config;			/* AVCPU_VM_* */
	struct mm_struct *mm;		/* whose RLIMIT_MEMLOCK pinned pages count against */
	struct avcpu_smc_policy smc;
	struct avcpu_vcpu_stats retired_stats;	/* of vCPUs already closed */
	struct avcpu_vgic *vgic;	/* set once, before the first RUN (vgic.c) */
	bool ran;			/* a vCPU has entered RUN: the vGIC is fixed */
	struct avcpu_evfd *evfd;	/* eventfds bound (eventfd.c), from the first one */
};

int avcpu_vm_create(unsigned long flags);
void avcpu_vm_put(struct avcpu_vm *vm);

/* irq.c: AVCPU_IRQ_LINE, and the VM ioctls about interrupts, eventfds and statistics. */
long avcpu_irq_line(struct avcpu_vm *vm, const void __user *arg);
long avcpu_vm_irq_ioctl(struct avcpu_vm *vm, unsigned int cmd, unsigned long arg);

/* stats.c */
long avcpu_vm_get_stats(struct avcpu_vm *vm, void __user *arg);

/* Guest physical address size from ID_AA64MMFR0_EL1.PARange, at most 48 bits. */
unsigned int avcpu_ipa_bits(void);

/* EL2 stage-1: identity-map one page of host memory for EL2 / take it away again. */
int avcpu_el2_share_page(void *page);
void avcpu_el2_unshare_page(void *page);

/*
 * Runs a hypercall whose effect is broadcast (TLBI ...IS) on this CPU, or on another CPU
 * avcpu owns if EL2 here does not answer. False if none did: the caller must then keep
 * whatever the invalidation was to protect (and report it with avcpu_el2_leaked()).
 */
bool avcpu_el2_call_any_cpu(u64 fn, u64 arg);
void avcpu_el2_leaked(unsigned long pages);

/*
 * vmid.c: a VMID for the VM on this CPU (interrupts off, just before entering), written
 * into ctx->vttbr; false if none could be had. avcpu_vmid_vttbr(): the VTTBR to flush the
 * VM's TLB entries with (VMID 0 if it never ran).
 */
u64 avcpu_vmid_new_serial(void);
bool avcpu_vmid_load(struct avcpu_vm *vm, struct avcpu_vcpu_ctx *ctx);
u64 avcpu_vmid_vttbr(struct avcpu_vm *vm);

/* VM and vCPU ioctls come from the process whose memory the VM pins (current->mm). */
static inline bool avcpu_vm_foreign(const struct avcpu_vm *vm)
{
	return current->mm != vm->mm;
}

#endif /* AVCPU_VM_H */
