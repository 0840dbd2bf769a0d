// SPDX-License-Identifier: GPL-2.0
/*
 * avcpu: a hypervisor at EL2 beside the host kernel, from an out-of-tree module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/printk.h>

#include "avcpu.h"
#include "el2.h"
#include "gic_host.h"
#include "mitigations.h"
#include "hyp/include/hyp_image.h"

static int avcpu_check_image(void)
{
	const struct avcpu_hyp_header *hdr = (const void *)avcpu_hyp_blob;
	size_t size = avcpu_hyp_blob_end - avcpu_hyp_blob;

	if (size < sizeof(*hdr) || hdr->magic != AVCPU_HYP_MAGIC ||
	    hdr->abi != AVCPU_HYP_ABI || hdr->bss_start != size ||
	    hdr->end < hdr->bss_start || hdr->text_end > hdr->rodata_end ||
	    hdr->rodata_end > hdr->bss_start || hdr->rela_end > hdr->rodata_end ||
	    hdr->rela_start > hdr->rela_end || hdr->vectors & 2047 ||
	    hdr->init >= hdr->text_end || hdr->soft_restart_probe >= hdr->text_end) {
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
	ret = avcpu_el2_init();
	if (ret)
		return ret;
	ret = avcpu_gic_host_init();
	if (ret) {
		avcpu_el2_exit();
		return ret;
	}
	avcpu_debugfs_init();
	ret = avcpu_dev_init();
	if (ret) {
		avcpu_debugfs_exit();
		avcpu_gic_host_exit();
		avcpu_el2_exit();
		return ret;
	}
	avcpu_mitigations_loaded(true);
	return 0;
}

static void __exit avcpu_exit(void)
{
	avcpu_dev_exit();
	avcpu_mitigations_loaded(false);
	avcpu_debugfs_exit();
	avcpu_gic_host_exit();
	avcpu_el2_exit();
}

module_init(avcpu_init);
module_exit(avcpu_exit);

MODULE_DESCRIPTION("avcpu: a small nVHE hypervisor for arm64 Linux");
MODULE_LICENSE("GPL");
