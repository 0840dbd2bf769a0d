// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/avcpu: the system-wide ioctls.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include <uapi/linux/avcpu.h>

#include "avcpu.h"

static long avcpu_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case AVCPU_GET_API_VERSION:
		return AVCPU_API_VERSION;
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
