/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The header at offset 0 of the EL2 image, read by the module's loader. Shared between the
 * kernel C (module/) and the freestanding C++ of the EL2 image; every offset is relative to
 * the start of the image, which is linked at 0.
 */
#ifndef AVCPU_HYP_IMAGE_H
#define AVCPU_HYP_IMAGE_H

#define AVCPU_HYP_MAGIC		0x324c455550435641ULL /* "AVCPUEL2" in memory order */
#define AVCPU_HYP_ABI		1

#define HYP_HDR_MAGIC		0
#define HYP_HDR_ABI		8
#define HYP_HDR_TEXT_END	16
#define HYP_HDR_RODATA_END	24
#define HYP_HDR_BSS_START	32
#define HYP_HDR_END		40
#define HYP_HDR_RELA_START	48
#define HYP_HDR_RELA_END	56
#define HYP_HDR_VECTORS		64
#define HYP_HDR_INIT		72
#define HYP_HDR_SOFT_RESTART_PROBE 80
#define HYP_HDR_SIZE		88

#ifndef __ASSEMBLY__
#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <linux/types.h>
#endif

struct avcpu_hyp_header {
	__u64 magic;
	__u64 abi;
	__u64 text_end;		/* [0, text_end): code, mapped read-only + executable */
	__u64 rodata_end;	/* [text_end, rodata_end): read-only data and relocations */
	__u64 bss_start;	/* [rodata_end, bss_start): data; the flat file ends here */
	__u64 end;		/* [bss_start, end): zeroed by the loader */
	__u64 rela_start;	/* Elf64_Rela entries, all R_AARCH64_RELATIVE */
	__u64 rela_end;
	__u64 vectors;		/* the 2 KiB-aligned EL2 vector table */
	__u64 init;		/* MMU-off entry point, HVC_SOFT_RESTART target */
	__u64 soft_restart_probe; /* HVC_SOFT_RESTART target for stub-contract tests */
};

#ifdef __cplusplus
static_assert(sizeof(avcpu_hyp_header) == HYP_HDR_SIZE);
static_assert(__builtin_offsetof(avcpu_hyp_header, vectors) == HYP_HDR_VECTORS);
static_assert(__builtin_offsetof(avcpu_hyp_header, rela_start) == HYP_HDR_RELA_START);
static_assert(__builtin_offsetof(avcpu_hyp_header, soft_restart_probe) == HYP_HDR_SOFT_RESTART_PROBE);
#endif
#endif /* __ASSEMBLY__ */
#endif /* AVCPU_HYP_IMAGE_H */
