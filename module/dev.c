// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/avcpu: the system-wide ioctls.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include <uapi/linux/avcpu.h>

#include "avcpu.h"
#include "eventfd.h"
#include "gic_host.h"
#include "vgic_core.h"
#include "vm.h"

static long avcpu_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case AVCPU_GET_API_VERSION:
		return arg ? -EINVAL : AVCPU_API_VERSION;
	case AVCPU_CREATE_VM:
		return avcpu_vm_create(arg);
	case AVCPU_GET_VCPU_MMAP_SIZE:
		return PAGE_SIZE;
	case AVCPU_CHECK_CAP:
		switch (arg) {
		case AVCPU_CAP_MAX_VCPUS:
			return AVCPU_MAX_VCPUS;
		case AVCPU_CAP_MAX_MEM_SLOTS:
			return AVCPU_MAX_MEM_SLOTS;
		case AVCPU_CAP_IPA_BITS:
			return avcpu_ipa_bits();
		case AVCPU_CAP_READONLY_MEM:
		case AVCPU_CAP_IMMEDIATE_EXIT:
			return 1;
		case AVCPU_CAP_MAX_VMS:
			/* VMIDs are recycled (vmid.c): memory and files are the limit. */
			return INT_MAX;
		case AVCPU_CAP_PSCI_VERSION:
			return 0x10001;
		case AVCPU_CAP_SMC_RANGES:
			return AVCPU_SMC_MAX_RANGES;
		case AVCPU_CAP_IRQ_LINE:
			return BIT(AVCPU_IRQ_TYPE_CPU) |
			       (avcpu_gic_vgic_available() ?
					BIT(AVCPU_IRQ_TYPE_SPI) | BIT(AVCPU_IRQ_TYPE_PPI) : 0);
		case AVCPU_CAP_VGIC:
			return avcpu_gic_vgic_available() ? VGIC_MAX_SPIS : 0;
		case AVCPU_CAP_VM_STATS:
			return 1;
		case AVCPU_CAP_IOEVENTFD:
			return AVCPU_MAX_IOEVENTFDS;
		case AVCPU_CAP_IRQFD:
			return avcpu_gic_vgic_available() ? AVCPU_MAX_IRQFDS : 0;
		default:
			return 0;
		}
	default:
		return -ENOTTY;
	}
}

static const struct file_operations avcpu_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = avcpu_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice avcpu_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "avcpu",
	.fops = &avcpu_dev_fops,
	.mode = 0660,
};

int avcpu_dev_init(void)
{
	return misc_register(&avcpu_misc);
}

void avcpu_dev_exit(void)
{
	misc_deregister(&avcpu_misc);
}
