// SPDX-License-Identifier: GPL-2.0
/*
 * VMIDs (VTTBR_EL2.VMID; 8 bits as VTCR_EL2.VS stays 0, 0 being the host's) are given to
 * a VM when one of its vCPUs enters, not when it is created, so that the number of VMs is
 * not bounded by them. Numbers belong to a generation; when a generation has none left, the
 * next one starts with only the numbers some CPU last entered a guest with (the guest may
 * still be running there), and every other number of the old generation is flushed from
 * the TLBs before it is given out again. A VM finding its number from an old generation
 * keeps it if a CPU still has it loaded, else takes a new one.
 *
 * Everything happens with interrupts off, on the entering CPU, which avcpu's EL2 answers
 * (else the entry could not happen anyway); under one lock, except a re-entry into the VM
 * this CPU ran last.
 */
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>

#include "hyp_call.h"
#include "vm.h"

#define AVCPU_VMID_BITS		8
#define AVCPU_NR_VMIDS		(1U << AVCPU_VMID_BITS)
#define AVCPU_VMID_NUM_MASK	((u64)AVCPU_NR_VMIDS - 1)
/* VTTBR_EL2.VMID is bits [55:48] with 8-bit VMIDs (Arm ARM, VTTBR_EL2). */
#define AVCPU_VTTBR_VMID_SHIFT	48

/* The VM last entered on a CPU, and the number it had. */
struct avcpu_vmid_owner {
	u64 serial;
	unsigned int num;
};

static DEFINE_SPINLOCK(avcpu_vmid_lock);
/* vm->hw_vmid is generation << AVCPU_VMID_BITS | number; generation 0 is never current. */
static u64 avcpu_vmid_gen = 1;
static DECLARE_BITMAP(avcpu_vmid_used, AVCPU_NR_VMIDS);	/* in this generation */
static DEFINE_PER_CPU(struct avcpu_vmid_owner, avcpu_vmid_loaded);
static atomic64_t avcpu_vm_serials = ATOMIC64_INIT(0);

u64 avcpu_vmid_new_serial(void)
{
	return atomic64_inc_return(&avcpu_vm_serials);
}

static bool avcpu_vmid_flush_num(unsigned int num)
{
	return avcpu_hvc(AVCPU_HC_FLUSH_VMID, (u64)num << AVCPU_VTTBR_VMID_SHIFT, 0, 0, 0).a0 ==
	       AVCPU_HYP_OK;
}

/*
 * Starts a new generation: numbers loaded on some CPU stay taken, the others are flushed
 * first. Nothing changes if a flush fails.
 */
static bool avcpu_vmid_new_generation(void)
{
	DECLARE_BITMAP(keep, AVCPU_NR_VMIDS);
	unsigned int cpu, num;

	bitmap_zero(keep, AVCPU_NR_VMIDS);
	for_each_possible_cpu(cpu)
		__set_bit(per_cpu(avcpu_vmid_loaded, cpu).num, keep);
	num = 1;
	for_each_set_bit_from(num, avcpu_vmid_used, AVCPU_NR_VMIDS)
		if (!test_bit(num, keep) && !avcpu_vmid_flush_num(num))
			return false;
	__clear_bit(0, keep);
	bitmap_copy(avcpu_vmid_used, keep, AVCPU_NR_VMIDS);
	avcpu_vmid_gen++;
	return true;
}

/* A VM's number in the current generation; 0 if none could be had. */
static unsigned int avcpu_vmid_assign(struct avcpu_vm *vm, u64 old)
{
	unsigned int cpu, num = old & AVCPU_VMID_NUM_MASK;

	if (num) {
		for_each_possible_cpu(cpu) {
			const struct avcpu_vmid_owner *o = per_cpu_ptr(&avcpu_vmid_loaded, cpu);

			if (o->serial == vm->serial && o->num == num)
				return num;
		}
	}
	num = find_next_zero_bit(avcpu_vmid_used, AVCPU_NR_VMIDS, 1);
	if (num >= AVCPU_NR_VMIDS) {
		if (!avcpu_vmid_new_generation())
			return 0;
		num = find_next_zero_bit(avcpu_vmid_used, AVCPU_NR_VMIDS, 1);
		if (num >= AVCPU_NR_VMIDS)
			return 0;
	}
	__set_bit(num, avcpu_vmid_used);
	return num;
}

bool avcpu_vmid_load(struct avcpu_vm *vm, struct avcpu_vcpu_ctx *ctx)
{
	struct avcpu_vmid_owner *here;
	unsigned int num;
	u64 cur;

	lockdep_assert_irqs_disabled();
	/*
	 * The common re-entry: this CPU last ran this VM with its number. No new generation
	 * can take a number some CPU has loaded, and only this CPU writes its own record, so
	 * the number is still the VM's without the lock.
	 */
	here = this_cpu_ptr(&avcpu_vmid_loaded);
	cur = atomic64_read(&vm->hw_vmid);
	num = cur & AVCPU_VMID_NUM_MASK;
	if (num && here->serial == vm->serial && here->num == num) {
		ctx->vttbr = (u64)num << AVCPU_VTTBR_VMID_SHIFT | vm->s2.root_pa;
		return true;
	}
	spin_lock(&avcpu_vmid_lock);
	cur = atomic64_read(&vm->hw_vmid);
	num = cur & AVCPU_VMID_NUM_MASK;
	if (cur >> AVCPU_VMID_BITS != avcpu_vmid_gen) {
		num = avcpu_vmid_assign(vm, cur);
		if (!num) {
			spin_unlock(&avcpu_vmid_lock);
			return false;
		}
		atomic64_set(&vm->hw_vmid, avcpu_vmid_gen << AVCPU_VMID_BITS | num);
	}
	here->serial = vm->serial;
	here->num = num;
	spin_unlock(&avcpu_vmid_lock);
	ctx->vttbr = (u64)num << AVCPU_VTTBR_VMID_SHIFT | vm->s2.root_pa;
	return true;
}

u64 avcpu_vmid_vttbr(struct avcpu_vm *vm)
{
	/* Whatever the guest could have used since the last generation's flush. */
	smp_mb();
	return (atomic64_read(&vm->hw_vmid) & AVCPU_VMID_NUM_MASK) << AVCPU_VTTBR_VMID_SHIFT |
	       vm->s2.root_pa;
}
