// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt lines (AVCPU_IRQ_LINE). A CPU line is a bit in its vCPU's irq_lines; RUN
 * turns the bits into HCR_EL2.VI/VF on every entry (avcpu_irq_hcr() in vcpu.h), so a
 * change reaches a running guest by kicking it out of the guest once. SPI and PPI lines
 * go to the vGIC's distributor and redistributors (vgic.c).
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/uaccess.h>

#include <uapi/linux/avcpu.h>

#include "avcpu_trace.h"
#include "eventfd.h"
#include "vcpu.h"
#include "vgic.h"

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
	if (l.level > 1 || id >= AVCPU_MAX_VCPUS)
		return -EINVAL;
	if (type == AVCPU_IRQ_TYPE_SPI || type == AVCPU_IRQ_TYPE_PPI) {
		int ret;

		mutex_lock(&vm->lock);
		ret = avcpu_vgic_irq_line(vm, type, id, num, l.level);
		mutex_unlock(&vm->lock);
		if (!ret)
			trace_avcpu_irq_line(vm->vmid, id, type, num, l.level);
		return ret;
	}
	if (type != AVCPU_IRQ_TYPE_CPU || num > AVCPU_IRQ_CPU_FIQ)
		return -EINVAL;

	mutex_lock(&vm->lock);		/* keeps the vCPU from being released */
	if (vm->vgic) {
		/* The vCPU's IRQ input belongs to the vGIC's virtual CPU interface. */
		mutex_unlock(&vm->lock);
		return -EBUSY;
	}
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

long avcpu_vm_irq_ioctl(struct avcpu_vm *vm, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case AVCPU_IRQ_LINE:
		return avcpu_irq_line(vm, uarg);
	case AVCPU_GET_VM_STATS:
		return avcpu_vm_get_stats(vm, uarg);
	case AVCPU_CREATE_VGIC:
		return avcpu_vgic_create(vm, uarg);
	case AVCPU_GET_VGIC_IRQ:
		return avcpu_vgic_get_irq(vm, uarg);
	case AVCPU_IOEVENTFD:
		return avcpu_ioeventfd_ioctl(vm, uarg);
	case AVCPU_IRQFD:
		return avcpu_irqfd_ioctl(vm, uarg);
	default:
		return -ENOTTY;
	}
}
