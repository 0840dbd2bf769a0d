// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt lines (AVCPU_IRQ_LINE). A line is a bit in its vCPU's irq_lines; RUN turns
 * the bits into HCR_EL2.VI/VF on every entry, so a change reaches a running guest by
 * kicking it out of the guest once.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/uaccess.h>

#include <uapi/linux/avcpu.h>

#include "avcpu_trace.h"
#include "vm.h"

/* HCR_EL2.VF (bit 6) and VI (bit 7): a virtual FIQ / IRQ is pending (Arm ARM D19.2.48). */
#define HCR_VF BIT(6)
#define HCR_VI BIT(7)

u64 avcpu_irq_hcr_bits(const struct avcpu_vcpu *vcpu)
{
	unsigned long lines = READ_ONCE(vcpu->irq_lines);

	return (lines & BIT(AVCPU_IRQ_CPU_IRQ) ? HCR_VI : 0) |
	       (lines & BIT(AVCPU_IRQ_CPU_FIQ) ? HCR_VF : 0);
}

u64 avcpu_irq_hcr_mask(void)
{
	return HCR_VI | HCR_VF;
}

long avcpu_irq_line(struct avcpu_vm *vm, const void __user *arg)
{
	struct avcpu_irq_level l;
	unsigned int type, id, num;
	struct avcpu_vcpu *vcpu;
	bool was;

	if (copy_from_user(&l, arg, sizeof(l)))
		return -EFAULT;
	type = l.irq >> AVCPU_IRQ_TYPE_SHIFT;
	id = (l.irq >> AVCPU_IRQ_VCPU_SHIFT) & 0xff;
	num = l.irq & 0xffff;
	if (type != AVCPU_IRQ_TYPE_CPU || num > AVCPU_IRQ_CPU_FIQ || l.level > 1)
		return -EINVAL;
	if (id >= AVCPU_MAX_VCPUS)
		return -EINVAL;

	mutex_lock(&vm->lock);		/* keeps the vCPU from being released */
	vcpu = vm->vcpus[id];
	if (!vcpu) {
		mutex_unlock(&vm->lock);
		return -ENOENT;
	}
	if (l.level)
		was = test_and_set_bit(num, &vcpu->irq_lines);
	else
		was = test_and_clear_bit(num, &vcpu->irq_lines);
	if (was != !!l.level) {
		trace_avcpu_irq_line(vm->vmid, id, type, num, l.level);
		atomic64_inc(&vcpu->irq_changes);
		/* Leave the guest or a WFI sleep so the next entry carries the new level. */
		avcpu_vcpu_kick(vcpu);
	}
	mutex_unlock(&vm->lock);
	return 0;
}
