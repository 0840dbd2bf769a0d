// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu: a hypervisor at EL2 beside the host kernel, from an out-of-tree module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/printk.h>

#include "avcpu.h"
#include "hyp/include/hyp_image.h"

static int avcpu_check_image(void)
{
	const struct avcpu_hyp_header *hdr = (const void *)avcpu_hyp_blob;
	size_t size = avcpu_hyp_blob_end - avcpu_hyp_blob;

	if (size < sizeof(*hdr) || hdr->magic != AVCPU_HYP_MAGIC ||
	    hdr->abi != AVCPU_HYP_ABI || hdr->bss_start != size ||
	    hdr->end < hdr->bss_start) {
		pr_err("embedded EL2 image is corrupt (%zu bytes)\n", size);
		return -ENOEXEC;
	}
	return 0;
}

static int __init avcpu_init(void)
{
	int ret;

	ret = avcpu_check_image();
	if (ret)
		return ret;
	ret = avcpu_dev_init();
	if (ret)
		return ret;
	pr_info("loaded, EL2 image %zu bytes\n",
		(size_t)(avcpu_hyp_blob_end - avcpu_hyp_blob));
	return 0;
}

static void __exit avcpu_exit(void)
{
	avcpu_dev_exit();
}

module_init(avcpu_init);
module_exit(avcpu_exit);

MODULE_DESCRIPTION("avcpu: a small nVHE hypervisor for arm64 Linux");
MODULE_LICENSE("GPL");
