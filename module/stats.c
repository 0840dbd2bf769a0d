// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics: AVCPU_GET_VCPU_STATS and AVCPU_GET_VM_STATS (format: Documentation/api.rst).
 * RUN's thread updates a vCPU's counters without a lock; a reader sees each one whole
 * (64-bit loads) but not all of them at one instant.
 */
#include <linux/uaccess.h>

#include <uapi/linux/avcpu.h>

#include "vcpu.h"

void avcpu_vcpu_stats_read(const struct avcpu_vcpu *vcpu, struct avcpu_vcpu_stats *st)
{
	const struct avcpu_hyp_stats *hs = &vcpu->ctx->stats;
	const u64 *src = (const u64 *)&vcpu->stats;
	u64 *dst = (u64 *)st;
	size_t i;

	for (i = 0; i < sizeof(*st) / sizeof(u64); i++)
		dst[i] = READ_ONCE(src[i]);
	st->el2_exits = READ_ONCE(hs->el2_exits);
	st->smc_forwarded = READ_ONCE(hs->smc_forwarded);
	st->sysreg_emulated = READ_ONCE(hs->sysreg_emulated) + READ_ONCE(hs->undef_injected);
	st->irq_changes = atomic64_read(&vcpu->irq_changes);
	st->aborts_injected = READ_ONCE(hs->aborts_injected);
	st->guest_ns = avcpu_counter_to_ns(READ_ONCE(vcpu->guest_ticks));
}

static void avcpu_stats_add(struct avcpu_vcpu_stats *sum, const struct avcpu_vcpu_stats *st)
{
	const u64 *src = (const u64 *)st;
	u64 *dst = (u64 *)sum;
	size_t i;

	BUILD_BUG_ON(sizeof(*st) % sizeof(u64));
	for (i = 0; i < sizeof(*st) / sizeof(u64); i++)
		dst[i] += src[i];
}

long avcpu_vcpu_get_stats(const struct avcpu_vcpu *vcpu, void __user *arg)
{
	struct avcpu_vcpu_stats st;

	avcpu_vcpu_stats_read(vcpu, &st);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

/* Called under vm->lock as a vCPU goes away: its counters stay in the VM's total. */
void avcpu_vm_stats_retire(struct avcpu_vm *vm, const struct avcpu_vcpu *vcpu)
{
	struct avcpu_vcpu_stats st;

	avcpu_vcpu_stats_read(vcpu, &st);
	avcpu_stats_add(&vm->retired_stats, &st);
}

long avcpu_vm_get_stats(struct avcpu_vm *vm, void __user *arg)
{
	struct avcpu_vm_stats vs = {};
	struct avcpu_vcpu_stats st;
	unsigned int i;

	mutex_lock(&vm->lock);
	vs.total = vm->retired_stats;
	vs.vcpus_created = vm->vcpus_created;
	for (i = 0; i < AVCPU_MAX_VCPUS; i++) {
		if (!vm->vcpus[i])
			continue;
		vs.vcpus++;
		avcpu_vcpu_stats_read(vm->vcpus[i], &st);
		avcpu_stats_add(&vs.total, &st);
	}
	for (i = 0; i < AVCPU_MAX_MEM_SLOTS; i++) {
		if (!vm->slots[i].size)
			continue;
		vs.memory_slots++;
		vs.memory_bytes += (u64)vm->slots[i].pinned << PAGE_SHIFT;
	}
	vs.stage2_tables = vm->s2.tables;
	mutex_unlock(&vm->lock);
	return copy_to_user(arg, &vs, sizeof(vs)) ? -EFAULT : 0;
}
