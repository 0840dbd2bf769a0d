/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EL2 control registers' values while a guest runs, built from named bits. Section
 * numbers are those of the Arm ARM (DDI 0487 K.a), chapter D24 "AArch64 System Register
 * Descriptions"; Documentation/api.rst explains each choice for VMM authors.
 */
#ifndef AVCPU_EL2_CONTROLS_H
#define AVCPU_EL2_CONTROLS_H

#include <linux/bits.h>

/* HCR_EL2, D24.2.51 "HCR_EL2, Hypervisor Configuration Register". */
#define AVCPU_HCR_VM		BIT_ULL(0)	/* stage-2 translation on */
#define AVCPU_HCR_SWIO		BIT_ULL(1)	/* set/way invalidate as clean+invalidate */
#define AVCPU_HCR_FMO		BIT_ULL(3)	/* physical FIQs exit; virtual FIQs on */
#define AVCPU_HCR_IMO		BIT_ULL(4)	/* physical IRQs exit; virtual IRQs on */
#define AVCPU_HCR_AMO		BIT_ULL(5)	/* SErrors exit; virtual SErrors on */
#define AVCPU_HCR_VF		BIT_ULL(6)	/* a virtual FIQ is pending */
#define AVCPU_HCR_VI		BIT_ULL(7)	/* a virtual IRQ is pending */
#define AVCPU_HCR_FB		BIT_ULL(9)	/* TLB/cache maintenance broadcast */
#define AVCPU_HCR_BSU_IS	(1ULL << 10)	/* BSU[11:10] = 01: barriers inner shareable */
#define AVCPU_HCR_TWI		BIT_ULL(13)	/* WFI traps: the vCPU sleeps in the host */
#define AVCPU_HCR_TWE		BIT_ULL(14)	/* WFE traps: the host yields */
#define AVCPU_HCR_TID3		BIT_ULL(18)	/* ID registers read sanitised values */
#define AVCPU_HCR_TSC		BIT_ULL(19)	/* SMC traps, never reaches firmware itself */
#define AVCPU_HCR_TIDCP		BIT_ULL(20)	/* implementation-defined registers trap */
#define AVCPU_HCR_TACR		BIT_ULL(21)	/* ACTLR_EL1 traps */
#define AVCPU_HCR_TSW		BIT_ULL(22)	/* data-cache maintenance by set/way traps */
#define AVCPU_HCR_RW		BIT_ULL(31)	/* EL1 is AArch64 */
#define AVCPU_HCR_TLOR		BIT_ULL(35)	/* LORegion registers trap (not switched) */
#define AVCPU_HCR_TERR		BIT_ULL(36)	/* RAS error-record registers trap */
#define AVCPU_HCR_TEA		BIT_ULL(37)	/* external aborts exit */

/*
 * API/APK (pointer authentication) and ATA (MTE tags) stay clear: those instructions and
 * registers trap too, and the guest is told it has neither.
 */
#define AVCPU_HCR_GUEST \
	(AVCPU_HCR_VM | AVCPU_HCR_SWIO | AVCPU_HCR_FMO | AVCPU_HCR_IMO | AVCPU_HCR_AMO | \
	 AVCPU_HCR_FB | AVCPU_HCR_BSU_IS | AVCPU_HCR_TWI | AVCPU_HCR_TWE | AVCPU_HCR_TID3 | \
	 AVCPU_HCR_TSC | AVCPU_HCR_TIDCP | AVCPU_HCR_TACR | AVCPU_HCR_TSW | AVCPU_HCR_RW | \
	 AVCPU_HCR_TLOR | AVCPU_HCR_TERR | AVCPU_HCR_TEA)

/* CPTR_EL2 with HCR_EL2.E2H = 0, D24.2.37 "CPTR_EL2, Architectural Feature Trap Register". */
#define AVCPU_CPTR_RES1		(GENMASK_ULL(7, 0) | BIT_ULL(9) | BIT_ULL(13))
#define AVCPU_CPTR_TZ		BIT_ULL(8)	/* SVE traps */
#define AVCPU_CPTR_TSM		BIT_ULL(12)	/* SME traps */
#define AVCPU_CPTR_TTA		BIT_ULL(20)	/* trace registers trap */
#define AVCPU_CPTR_TAM		BIT_ULL(30)	/* activity monitors trap */

/* FP/SIMD (TFP) does not trap: the host switches it around RUN. */
#define AVCPU_CPTR_GUEST \
	(AVCPU_CPTR_RES1 | AVCPU_CPTR_TZ | AVCPU_CPTR_TSM | AVCPU_CPTR_TTA | AVCPU_CPTR_TAM)

/* MDCR_EL2, D24.2.93 "MDCR_EL2, Monitor Debug Configuration Register (EL2)". */
#define AVCPU_MDCR_TPMCR	BIT_ULL(5)	/* PMCR_EL0 traps */
#define AVCPU_MDCR_TPM		BIT_ULL(6)	/* all PMU registers trap */
#define AVCPU_MDCR_TDA		BIT_ULL(9)	/* debug registers trap */
#define AVCPU_MDCR_TDOSA	BIT_ULL(10)	/* OS lock and power-down registers trap */
#define AVCPU_MDCR_TDRA		BIT_ULL(11)	/* debug ROM registers trap */
#define AVCPU_MDCR_TPMS		BIT_ULL(14)	/* statistical profiling (SPE) traps */
#define AVCPU_MDCR_TTRF		BIT_ULL(19)	/* trace filter control traps */

/* HPMN (the host's PMU partition) is kept from the host's value at EL2. */
#define AVCPU_MDCR_GUEST \
	(AVCPU_MDCR_TPMCR | AVCPU_MDCR_TPM | AVCPU_MDCR_TDA | AVCPU_MDCR_TDOSA | \
	 AVCPU_MDCR_TDRA | AVCPU_MDCR_TPMS | AVCPU_MDCR_TTRF)

/* CNTHCTL_EL2 with E2H = 0, D24.8.2 "CNTHCTL_EL2, Counter-timer Hypervisor Control". */
#define AVCPU_CNTHCTL_EL1PCTEN	BIT_ULL(0)	/* EL1/EL0 read CNTPCT_EL0 without a trap */
#define AVCPU_CNTHCTL_EL1PCEN	BIT_ULL(1)	/* EL1/EL0 use the physical timer (the host's) */

/* The physical counter is readable; the physical timer (CNTP_*) traps. */
#define AVCPU_CNTHCTL_GUEST	AVCPU_CNTHCTL_EL1PCTEN

/* SCTLR_EL1's RES1 bits at reset (D24.2.161): MMU, caches and alignment checks off. */
#define AVCPU_SCTLR_EL1_EOS	BIT_ULL(11)
#define AVCPU_SCTLR_EL1_TSCXT	BIT_ULL(20)
#define AVCPU_SCTLR_EL1_EIS	BIT_ULL(22)
#define AVCPU_SCTLR_EL1_SPAN	BIT_ULL(23)
#define AVCPU_SCTLR_EL1_NTLSMD	BIT_ULL(28)
#define AVCPU_SCTLR_EL1_LSMAOE	BIT_ULL(29)
#define AVCPU_SCTLR_EL1_RESET \
	(AVCPU_SCTLR_EL1_EOS | AVCPU_SCTLR_EL1_TSCXT | AVCPU_SCTLR_EL1_EIS | \
	 AVCPU_SCTLR_EL1_SPAN | AVCPU_SCTLR_EL1_NTLSMD | AVCPU_SCTLR_EL1_LSMAOE)

#endif /* AVCPU_EL2_CONTROLS_H */
