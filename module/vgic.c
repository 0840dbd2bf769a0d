// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel vGIC of a VM: creation (AVCPU_CREATE_VGIC), the list registers flushed
 * before and folded after every guest run, the distributor and redistributor MMIO and the
 * SGI registers served on the exit path, interrupt lines from userspace, and kicks. The
 * interrupt state itself and every register's semantics are vgic_core.c's; this file adds
 * the lock, the memory and the vCPUs.
 *
 * Locks: vm->lock (mutex) keeps vCPUs from going away while they are kicked; inside it,
 * vgic->lock (raw spinlock: the entry path takes it with interrupts off) guards all of
 * the interrupt state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/linux/avcpu.h>

#include "avcpu_trace.h"
#include "eventfd.h"
#include "gic_host.h"
#include "timer.h"
#include "vcpu.h"
#include "vgic.h"

/* VGIC_ICH_VMCR_EL2 at reset: everything off, VFIQEn (bit 3) RES1 with SRE = 1 (IHI 0069). */
#define VGIC_VMCR_RESET		BIT_ULL(3)
/* Without a vGIC, every ICC_* access traps to EL2 and is made UNDEFINED (guest_exit.h). */
#define VGIC_HCR_NO_VGIC	(VGIC_ICH_HCR_TC | VGIC_ICH_HCR_TALL0 | VGIC_ICH_HCR_TALL1)

/* vm->lock held: the vCPUs cannot go away meanwhile. */
void avcpu_vgic_kick(struct avcpu_vm *vm, u64 mask)
{
	while (mask) {
		unsigned int id = __ffs64(mask);
		struct avcpu_vcpu *vcpu;

		mask &= mask - 1;
		/* Under vm->lock, or in an RCU reader (irqfd.c): see avcpu_vcpu_release. */
		vcpu = id < AVCPU_MAX_VCPUS ? READ_ONCE(vm->vcpus[id]) : NULL;
		if (vcpu)
			avcpu_vcpu_kick(vcpu);
	}
}

static bool avcpu_vgic_range_ok(struct avcpu_vm *vm, u64 base, u64 size)
{
	return !(base & (AVCPU_VGIC_DIST_SIZE - 1)) && base + size > base &&
	       base + size <= (1ULL << vm->ipa_bits) &&
	       !avcpu_vm_range_is_memory(vm, base, size);
}

static int avcpu_vgic_check_config(struct avcpu_vm *vm, const struct avcpu_vgic_config *c)
{
	u64 rsize = (u64)c->nr_redists * AVCPU_VGIC_REDIST_SIZE;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c->reserved); i++)
		if (c->reserved[i])
			return -EINVAL;
	if (!c->nr_spis || c->nr_spis % 32 || c->nr_spis > VGIC_MAX_SPIS)
		return -EINVAL;
	if (!c->nr_redists || c->nr_redists > AVCPU_MAX_VCPUS)
		return -EINVAL;
	if (!avcpu_vgic_range_ok(vm, c->dist_base, AVCPU_VGIC_DIST_SIZE) ||
	    !avcpu_vgic_range_ok(vm, c->redist_base, rsize))
		return -EINVAL;
	if (c->dist_base < c->redist_base + rsize &&
	    c->redist_base < c->dist_base + AVCPU_VGIC_DIST_SIZE)
		return -EINVAL;
	for (i = c->nr_redists; i < AVCPU_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			return -EINVAL;
	return 0;
}

static struct avcpu_vgic *avcpu_vgic_alloc(const struct avcpu_vgic_config *c)
{
	struct avcpu_vgic *vgic = kzalloc(sizeof(*vgic), GFP_KERNEL_ACCOUNT);

	if (!vgic)
		return NULL;
	vgic->spis = kvcalloc(c->nr_spis, sizeof(*vgic->spis), GFP_KERNEL_ACCOUNT);
	vgic->cpus = kvcalloc(c->nr_redists, sizeof(*vgic->cpus), GFP_KERNEL_ACCOUNT);
	if (!vgic->spis || !vgic->cpus) {
		kvfree(vgic->spis);
		kvfree(vgic->cpus);
		kfree(vgic);
		return NULL;
	}
	raw_spin_lock_init(&vgic->lock);
	vgic->dist_base = c->dist_base;
	vgic->redist_base = c->redist_base;
	vgic_init(&vgic->dist, c->nr_spis, c->nr_redists, vgic->spis, vgic->cpus);
	return vgic;
}

void avcpu_vgic_vcpu_reset(struct avcpu_vcpu *vcpu)
{
	struct avcpu_vgic_cpu_if *gic = &vcpu->ctx->gic;

	memset(gic, 0, sizeof(*gic));
	if (vcpu->vm->vgic) {
		vcpu->ctx->flags |= VCPU_FLAG_VGIC;
		gic->vmcr = VGIC_VMCR_RESET;
	} else {
		vcpu->ctx->flags &= ~VCPU_FLAG_VGIC;
		gic->hcr = VGIC_HCR_NO_VGIC;
	}
}

long avcpu_vgic_create(struct avcpu_vm *vm, const void __user *arg)
{
	struct avcpu_vgic_config c;
	struct avcpu_vgic *vgic;
	unsigned int i;
	int ret;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (!avcpu_gic_vgic_available())
		return -ENODEV;
	mutex_lock(&vm->lock);
	ret = vm->vgic ? -EEXIST : vm->ran ? -EBUSY : avcpu_vgic_check_config(vm, &c);
	if (ret)
		goto out;
	vgic = avcpu_vgic_alloc(&c);
	if (!vgic) {
		ret = -ENOMEM;
		goto out;
	}
	/* Pairs with the acquire in avcpu_vgic_has_irq(): a WFI may look without vm->lock. */
	smp_store_release(&vm->vgic, vgic);
	for (i = 0; i < c.nr_redists; i++) {
		if (!vm->vcpus[i])
			continue;
		avcpu_vgic_vcpu_reset(vm->vcpus[i]); /* nothing runs yet: vm->ran is false */
		avcpu_vgic_vcpu_update(vm, i, true, READ_ONCE(vm->vcpus[i]->mpidr));
	}
out:
	mutex_unlock(&vm->lock);
	return ret;
}

void avcpu_vgic_destroy(struct avcpu_vm *vm)
{
	struct avcpu_vgic *vgic = vm->vgic;

	if (!vgic)
		return;
	kvfree(vgic->spis);
	kvfree(vgic->cpus);
	kfree(vgic);
	vm->vgic = NULL;
}

void avcpu_vgic_vcpu_update(struct avcpu_vm *vm, unsigned int id, bool exists, u64 mpidr)
{
	struct avcpu_vgic *vgic = vm->vgic;
	unsigned long flags;
	u64 kick;

	if (!vgic || id >= vgic->dist.nr_cpus)
		return;
	raw_spin_lock_irqsave(&vgic->lock, flags);
	/* INTID 27 goes to the guest as a HW list register (gic_host.c). */
	vgic_get_irq(&vgic->dist, id, VGIC_INTID_VTIMER)->hw = true;
	kick = vgic_set_vcpu(&vgic->dist, id, exists, mpidr);
	raw_spin_unlock_irqrestore(&vgic->lock, flags);
	avcpu_vgic_kick(vm, kick);
}

/* Which of lr[0..n) deliver a timer interrupt (pending): counted once acknowledged. */
static u32 avcpu_vgic_timer_lrs(const u64 *lr, u32 n)
{
	u32 i, mask = 0;

	for (i = 0; i < n; i++) {
		u32 intid = lr[i] & VGIC_ICH_LR_VINTID_MASK;

		if ((intid == VGIC_INTID_VTIMER || intid == VGIC_INTID_PTIMER) &&
		    (lr[i] & VGIC_ICH_LR_PENDING))
			mask |= BIT(i);
	}
	return mask;
}

/* Before entry, interrupts off: the timers' levels, then the list registers. */
void avcpu_vgic_flush(struct avcpu_vcpu *vcpu)
{
	struct avcpu_vgic *vgic = vcpu->vm->vgic;
	struct avcpu_vgic_cpu_if *gic = &vcpu->ctx->gic;
	struct avcpu_timer_levels lv;
	struct vgic_irq *vtimer;
	bool overflow, hw_live;
	u32 n;

	avcpu_timer_levels(vcpu, &lv);
	raw_spin_lock(&vgic->lock);
	vgic_set_level(&vgic->dist, vcpu->id, VGIC_INTID_VTIMER, lv.vtimer);
	vgic_set_level(&vgic->dist, vcpu->id, VGIC_INTID_PTIMER, lv.ptimer);
	n = vgic_flush(&vgic->dist, vcpu->id, gic->lr, avcpu_gic.nr_lrs, &gic->hcr, &overflow);
	vtimer = vgic_get_irq(&vgic->dist, vcpu->id, VGIC_INTID_VTIMER);
	hw_live = vtimer->lr >= 0;
	raw_spin_unlock(&vgic->lock);

	gic->nr_lr = n;
	vcpu->stats.vgic_injected += n;
	vcpu->timer_lrs = avcpu_vgic_timer_lrs(gic->lr, n);
	if (overflow) {
		vcpu->stats.vgic_lr_overflows++;
		trace_avcpu_vgic_overflow(vcpu->id, n);
	}
	/*
	 * A HW list register needs INTID 27 physically active (IHI 0069 4.8 "Virtual
	 * interrupt handling"); a timer whose level is high but cannot be delivered is held
	 * off the same way, or it would end every guest entry at once.
	 */
	avcpu_vtimer_set_phys_active(hw_live || lv.vtimer);
}

/* After the run, interrupts still off and on the same CPU. */
void avcpu_vgic_fold(struct avcpu_vcpu *vcpu)
{
	struct avcpu_vgic *vgic = vcpu->vm->vgic;
	struct avcpu_vgic_cpu_if *gic = &vcpu->ctx->gic;
	u32 i, ended;

	for (i = 0; i < gic->nr_lr; i++) {
		u64 lr = gic->lr[i];

		/* Deactivated by the guest: the hardware deactivated INTID 27 too. */
		if ((lr & VGIC_ICH_LR_HW) && !(lr & VGIC_ICH_LR_STATE_MASK))
			avcpu_vtimer_phys_deactivated();
		/* A timer interrupt the guest acknowledged. */
		if ((vcpu->timer_lrs & BIT(i)) && !(lr & VGIC_ICH_LR_PENDING))
			vcpu->stats.timer_irqs++;
	}
	if (gic->misr) {
		vcpu->stats.vgic_maintenance++;
		trace_avcpu_vgic_maintenance(vcpu->id, gic->misr);
	}
	/*
	 * No list register went in (the flush found nothing pending or active): there is
	 * nothing to take back, and vgic_fold() would find nr_lr_used 0 too.
	 */
	if (!gic->nr_lr) {
		gic->misr = 0;
		return;
	}
	raw_spin_lock(&vgic->lock);
	vcpu->vgic_kick |= vgic_fold(&vgic->dist, vcpu->id, gic->lr, gic->nr_lr);
	ended = avcpu_irqfd_lower_ended(vcpu->vm, &vgic->dist, gic->lr, gic->nr_lr);
	raw_spin_unlock(&vgic->lock);
	if (unlikely(ended))
		avcpu_irqfd_resample(vcpu->vm, gic->lr, ended);
	gic->nr_lr = 0;
	gic->misr = 0;
}

/* A distributor or redistributor access; false when the address is neither. */
static bool avcpu_vgic_mmio(struct avcpu_vcpu *vcpu, struct avcpu_vgic *vgic)
{
	const struct avcpu_hyp_exit *e = &vcpu->ctx->exit;
	u64 ipa = e->mmio.ipa, rsize = (u64)vgic->dist.nr_cpus * AVCPU_VGIC_REDIST_SIZE;
	u64 value = e->mmio.value, kick;
	struct avcpu_vm *vm = vcpu->vm;
	bool dist;

	dist = ipa - vgic->dist_base < AVCPU_VGIC_DIST_SIZE;
	if (!dist && ipa - vgic->redist_base >= rsize)
		return false;
	mutex_lock(&vm->lock);
	raw_spin_lock_irq(&vgic->lock);
	if (dist)
		kick = vgic_dist_access(&vgic->dist, vcpu->id, ipa - vgic->dist_base,
					e->mmio.len, e->mmio.is_write, &value);
	else
		kick = vgic_redist_access(&vgic->dist, vcpu->id, ipa - vgic->redist_base,
					  e->mmio.len, e->mmio.is_write, &value);
	raw_spin_unlock_irq(&vgic->lock);
	avcpu_vgic_kick(vm, kick);
	mutex_unlock(&vm->lock);
	vcpu->stats.vgic_mmio++;
	vcpu->ctx->complete = VCPU_COMPLETE_MMIO;
	vcpu->ctx->complete_value = e->mmio.is_write ? 0 : value;
	return true;
}

/* ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1 (EL2 sends only writes to these here). */
static bool avcpu_vgic_sgi(struct avcpu_vcpu *vcpu, struct avcpu_vgic *vgic)
{
	static const enum vgic_sgi_reg regs[] = { VGIC_SGI1R, VGIC_ASGI1R, VGIC_SGI0R };
	const struct avcpu_hyp_exit *e = &vcpu->ctx->exit;
	struct avcpu_vm *vm = vcpu->vm;
	u64 kick;

	if (e->sysreg.op0 != 3 || e->sysreg.op1 != 0 || e->sysreg.crn != 12 ||
	    e->sysreg.crm != 11 || e->sysreg.op2 < 5 || !e->sysreg.is_write)
		return false;
	mutex_lock(&vm->lock);
	raw_spin_lock_irq(&vgic->lock);
	kick = vgic_write_sgi(&vgic->dist, vcpu->id, regs[e->sysreg.op2 - 5], e->sysreg.value);
	raw_spin_unlock_irq(&vgic->lock);
	avcpu_vgic_kick(vm, kick);
	mutex_unlock(&vm->lock);
	trace_avcpu_vgic_sgi(vcpu->id, e->sysreg.value, kick);
	vcpu->stats.vgic_sgis++;
	vcpu->ctx->complete = VCPU_COMPLETE_SYSREG;
	vcpu->ctx->complete_value = 0;
	return true;
}

void avcpu_vgic_kick_after_fold(struct avcpu_vcpu *vcpu)
{
	u64 kick = vcpu->vgic_kick;

	vcpu->vgic_kick = 0;
	mutex_lock(&vcpu->vm->lock);
	avcpu_vgic_kick(vcpu->vm, kick);
	mutex_unlock(&vcpu->vm->lock);
}

bool avcpu_vgic_handle_exit(struct avcpu_vcpu *vcpu)
{
	struct avcpu_vgic *vgic = vcpu->vm->vgic;

	if (!vgic)
		return false;
	switch (vcpu->ctx->exit.reason) {
	case AVCPU_EXIT_MMIO:
		return avcpu_vgic_mmio(vcpu, vgic);
	case AVCPU_EXIT_SYSREG:
		return avcpu_vgic_sgi(vcpu, vgic) || avcpu_ptimer_sysreg(vcpu);
	default:
		return false;
	}
}

int avcpu_vgic_irq_line(struct avcpu_vm *vm, u32 type, u32 vcpu_id, u32 num, bool level)
{
	struct avcpu_vgic *vgic = vm->vgic;
	u64 kick;

	if (!vgic)
		return -ENXIO;
	if (type == AVCPU_IRQ_TYPE_SPI) {
		if (vcpu_id || num < VGIC_NR_PRIVATE || num >= VGIC_NR_PRIVATE + vgic->dist.nr_spis)
			return -EINVAL;
	} else if (num < VGIC_NR_SGIS || num >= VGIC_NR_PRIVATE || num == VGIC_INTID_VTIMER ||
		   num == VGIC_INTID_PTIMER || vcpu_id >= vgic->dist.nr_cpus) {
		return -EINVAL;
	}
	raw_spin_lock_irq(&vgic->lock);
	kick = vgic_set_level(&vgic->dist, vcpu_id, num, level);
	raw_spin_unlock_irq(&vgic->lock);
	avcpu_vgic_kick(vm, kick);
	return 0;
}

/* The reply of AVCPU_GET_VGIC_IRQ from an interrupt's state (vgic->lock held). */
static void avcpu_vgic_describe(const struct vgic_irq *irq, u32 vcpu, struct avcpu_vgic_irq *q)
{
	*q = (struct avcpu_vgic_irq){
		.intid = irq->intid,
		.vcpu = vcpu,
		.enabled = irq->enabled,
		.pending = irq->pending_latch ||
			   (irq->config == VGIC_CFG_LEVEL && irq->line_level),
		.active = irq->active,
		.level = irq->line_level,
		.edge = irq->config == VGIC_CFG_EDGE,
		.group = irq->group,
		.priority = irq->priority,
		.route = irq->route,
		.target = irq->intid < VGIC_NR_PRIVATE ? vcpu :
			  irq->target < 0 ? ~0U : (u32)irq->target,
	};
}

long avcpu_vgic_get_irq(struct avcpu_vm *vm, void __user *arg)
{
	struct avcpu_vgic_irq q;
	struct vgic_irq *irq;
	long ret = 0;

	if (copy_from_user(&q, arg, sizeof(q)))
		return -EFAULT;
	mutex_lock(&vm->lock);
	if (!vm->vgic) {
		mutex_unlock(&vm->lock);
		return -ENXIO;
	}
	raw_spin_lock_irq(&vm->vgic->lock);
	irq = vgic_get_irq(&vm->vgic->dist, q.intid < VGIC_NR_PRIVATE ? q.vcpu : 0, q.intid);
	if (irq)
		avcpu_vgic_describe(irq, q.intid < VGIC_NR_PRIVATE ? q.vcpu : 0, &q);
	else
		ret = -EINVAL;
	raw_spin_unlock_irq(&vm->vgic->lock);
	mutex_unlock(&vm->lock);
	if (!ret && copy_to_user(arg, &q, sizeof(q)))
		ret = -EFAULT;
	return ret;
}

bool avcpu_vgic_has_irq(struct avcpu_vcpu *vcpu)
{
	/* Pairs with the release in avcpu_vgic_create(). */
	struct avcpu_vgic *vgic = smp_load_acquire(&vcpu->vm->vgic);
	struct avcpu_timer_levels lv;
	unsigned long flags;
	bool pending;

	if (!vgic)
		return false;
	avcpu_timer_levels(vcpu, &lv);
	raw_spin_lock_irqsave(&vgic->lock, flags);
	vgic_set_level(&vgic->dist, vcpu->id, VGIC_INTID_VTIMER, lv.vtimer);
	vgic_set_level(&vgic->dist, vcpu->id, VGIC_INTID_PTIMER, lv.ptimer);
	pending = vgic_has_pending(&vgic->dist, vcpu->id, vcpu->ctx->gic.vmcr);
	raw_spin_unlock_irqrestore(&vgic->lock, flags);
	return pending;
}
