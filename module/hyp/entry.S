/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Image header and EL2 exception vectors.
 */
#include "hyp_image.h"

	.section .hyp.header, "ax"
	.globl __hyp_header
__hyp_header:
	.quad	AVCPU_HYP_MAGIC
	.quad	AVCPU_HYP_ABI
	.quad	__hyp_text_end - __hyp_header
	.quad	__hyp_rodata_end - __hyp_header
	.quad	__hyp_bss_start - __hyp_header
	.quad	__hyp_end - __hyp_header
	.quad	__hyp_rela_start - __hyp_header
	.quad	__hyp_rela_end - __hyp_header
	.quad	__hyp_vectors - __hyp_header
	.if	(. - __hyp_header) != HYP_HDR_SIZE
	.error	"image header does not match struct avcpu_hyp_header"
	.endif

/*
 * One 128-byte slot per vector (Arm ARM D1.10.2, "Exception vectors"). An entry that
 * outgrows its slot fails the build at .org.
 */
.macro	vector_slot, label
	.balign	0x80
\label:
.endm

	.section .hyp.vectors, "ax"
	.balign	2048
	.globl	__hyp_vectors
__hyp_vectors:
	.irp	el, cur_sp0, cur_spx, lower64, lower32
	.irp	kind, sync, irq, fiq, serror
	vector_slot	vec_\el\()_\kind
	b	hyp_unexpected
	.org	vec_\el\()_\kind + 0x80
	.endr
	.endr

	.text
hyp_unexpected:
	wfe
	b	hyp_unexpected
