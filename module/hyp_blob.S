/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EL2 image (module/hyp/, built as hyp.bin) embedded in avcpu.ko. The module copies it
 * into pages of its own and relocates it there; this copy is never executed.
 */
#include <linux/linkage.h>

	.section .rodata.avcpu_hyp, "a"
	.balign	4096
SYM_DATA_START(avcpu_hyp_blob)
	.incbin	AVCPU_HYP_BIN
SYM_DATA_END_LABEL(avcpu_hyp_blob, SYM_L_GLOBAL, avcpu_hyp_blob_end)
