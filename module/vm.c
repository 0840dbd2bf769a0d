// SPDX-License-Identifier: GPL-2.0
/*
 * VM file descriptors: their lifetime, configuration and ioctl dispatch; guest memory is
 * memslot.c's, VMIDs vmid.c's, vCPUs vcpu.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include <uapi/linux/avcpu.h>

#include "avcpu.h"
#include "eventfd.h"
#include "memslot.h"
#include "psci.h"
#include "vcpu.h"
#include "vgic.h"

unsigned int avcpu_ipa_bits(void)
{
	static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned int parange = cpuid_feature_extract_unsigned_field(
		read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1), ID_AA64MMFR0_EL1_PARANGE_SHIFT);

	return parange < ARRAY_SIZE(bits) ? min(bits[parange], 48U) : 48;
}

static long avcpu_set_vm_config(struct avcpu_vm *vm, const void __user *arg)
{
	struct avcpu_vm_config cfg;
	unsigned int i;

	if (copy_from_user(&cfg, arg, sizeof(cfg)))
		return -EFAULT;
	if (cfg.flags & ~(AVCPU_VM_PSCI_USER | AVCPU_VM_WFI_EXIT))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(cfg.reserved); i++)
		if (cfg.reserved[i])
			return -EINVAL;
	if (vm->vcpus_created)
		return -EBUSY;
	vm->config = cfg.flags;
	return 0;
}

static long avcpu_set_smc_policy(struct avcpu_vm *vm, const void __user *arg)
{
	struct avcpu_smc_policy p;
	unsigned int i;

	if (copy_from_user(&p, arg, sizeof(p)))
		return -EFAULT;
	if (p.nr_ranges > AVCPU_SMC_MAX_RANGES || p.pad)
		return -EINVAL;
	for (i = 0; i < p.nr_ranges; i++) {
		const struct avcpu_smc_range *r = &p.ranges[i];

		if (r->first > r->last || r->pad ||
		    (r->action != AVCPU_SMC_ALLOW && r->action != AVCPU_SMC_DENY))
			return -EINVAL;
		if (r->action != AVCPU_SMC_ALLOW)
			continue;
		/*
		 * Firmware acts for the whole machine (and SDEI or FF-A calls take addresses
		 * it would trust): forwarding is for the administrator to allow, and never
		 * for PSCI calls beyond read-only queries.
		 */
		if (!capable(CAP_SYS_ADMIN) || avcpu_psci_range_changes_power(r->first, r->last) ||
		    avcpu_smc_range_reserved(r->first, r->last))
			return -EPERM;
	}
	if (vm->vcpus_created)
		return -EBUSY;
	memset(&p.ranges[p.nr_ranges], 0,
	       (AVCPU_SMC_MAX_RANGES - p.nr_ranges) * sizeof(p.ranges[0]));
	vm->smc = p;
	return 0;
}

static long avcpu_vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct avcpu_vm *vm = file->private_data;
	long ret;

	/*
	 * Memory is pinned from, and charged to, the VM's own address space: another
	 * process holding the file (inherited or passed) may not use it.
	 */
	if (avcpu_vm_foreign(vm))
		return -EIO;
	switch (cmd) {
	case AVCPU_SET_MEMORY_REGION:
		return avcpu_vm_set_memory_region(vm, (void __user *)arg);
	case AVCPU_CREATE_VCPU:
		return avcpu_vcpu_create(vm, arg);
	case AVCPU_GET_VCPU_MMAP_SIZE:
		return PAGE_SIZE;
	case AVCPU_TRANSLATE_GPA:
		return avcpu_vm_translate(vm, (void __user *)arg);
	case AVCPU_SET_VM_CONFIG:
		mutex_lock(&vm->lock);
		ret = avcpu_set_vm_config(vm, (void __user *)arg);
		mutex_unlock(&vm->lock);
		return ret;
	case AVCPU_SET_SMC_POLICY:
		mutex_lock(&vm->lock);
		ret = avcpu_set_smc_policy(vm, (void __user *)arg);
		mutex_unlock(&vm->lock);
		return ret;
	default:
		return avcpu_vm_irq_ioctl(vm, cmd, arg);
	}
}

static void avcpu_vm_free(struct kref *ref)
{
	struct avcpu_vm *vm = container_of(ref, struct avcpu_vm, ref);

	avcpu_vm_memory_destroy(vm);
	avcpu_eventfd_destroy(vm);	/* irqfds still use the vGIC */
	avcpu_vgic_destroy(vm);
	free_percpu(vm->last_vcpu_ran);
	mmdrop(vm->mm);
	kfree(vm);
}

void avcpu_vm_put(struct avcpu_vm *vm)
{
	kref_put(&vm->ref, avcpu_vm_free);
}

static int avcpu_vm_release(struct inode *inode, struct file *file)
{
	avcpu_vm_put(file->private_data);
	return 0;
}

static const struct file_operations avcpu_vm_fops = {
	.owner = THIS_MODULE,
	.release = avcpu_vm_release,
	.unlocked_ioctl = avcpu_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

int avcpu_vm_create(unsigned long flags)
{
	struct avcpu_vm *vm;
	int ret, cpu;

	if (flags)
		return -EINVAL;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	vm->last_vcpu_ran = alloc_percpu(int);
	if (!vm->last_vcpu_ran) {
		ret = -ENOMEM;
		goto err_free;
	}
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(vm->last_vcpu_ran, cpu) = -1;
	vm->ipa_bits = avcpu_ipa_bits();
	ret = avcpu_vm_memory_init(vm);
	if (ret)
		goto err_percpu;
	/* The VMID comes at the first entry (vmid.c); traces name the VM by its serial. */
	vm->serial = avcpu_vmid_new_serial();
	vm->vmid = (unsigned int)vm->serial;
	vm->vtcr = avcpu_vtcr(&vm->s2, cpuid_feature_extract_unsigned_field(
		read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1), ID_AA64MMFR0_EL1_PARANGE_SHIFT));
	vm->vttbr = vm->s2.root_pa;

	ret = anon_inode_getfd("avcpu-vm", &avcpu_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (ret < 0)
		goto err_pgt;
	return ret;

err_pgt:
	avcpu_pgt_destroy(&vm->s2);
err_percpu:
	free_percpu(vm->last_vcpu_ran);
err_free:
	mmdrop(vm->mm);
	kfree(vm);
	return ret;
}
