/* SPDX-License-Identifier: GPL-2.0 */
/* Guest functions of avcpu_isolation_test. */
#ifndef AVCPU_ISOLATION_GUEST_H
#define AVCPU_ISOLATION_GUEST_H

#include <stdint.h>

/* Registers a guest can write without a trap on CPUs that have them. */
enum iso_reg {
	ISO_TPIDR2_EL0,		/* FEAT_SME */
	ISO_SMPRI_EL1,		/* FEAT_SME */
	ISO_PIRE0_EL1,		/* FEAT_S1PIE */
	ISO_PIR_EL1,		/* FEAT_S1PIE */
	ISO_POR_EL0,		/* FEAT_S1POE */
	ISO_POR_EL1,		/* FEAT_S1POE */
	ISO_DISR_EL1,		/* FEAT_RAS: VDISR_EL2 while HCR_EL2.AMO is set */
	ISO_ICC_PMR_EL1,	/* the GIC's virtual CPU interface (ICH_VMCR_EL2) */
	ISO_MPAM1_EL1,		/* FEAT_MPAM */
	ISO_NR
};

/* What each register gets written. */
extern const uint64_t iso_reg_pattern[ISO_NR];

#define ISO_VECTOR_IMM	0xe1	/* guest_vectors' report: the access was UNDEFINED */

/*
 * Reads register `which` (hvc #0, x0 = 1, x1 = value), writes its pattern and reads back
 * (x0 = 2), reads again after that exit (x0 = 3), then DONE. An UNDEFINED access arrives
 * as guest_vectors' hvc #0xe1 instead.
 */
void guest_iso_reg(uint64_t which);

/* Writes 0 to ICC_SRE_EL1 and reports what it reads back (x0 = 1, x1). */
void guest_iso_icc_sre(uint64_t unused);

/* Reads TCR2_EL1 (HCRX_EL2.TCR2En keeps it from the guest) and reports it (x0 = 1). */
void guest_iso_tcr2(uint64_t unused);

#endif
