/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark guest workloads: position-independent EL1 code run with the MMU off from a
 * copy at the guest's load address. On entry x19 = iterations, x20 = the MMIO base;
 * each loop ends with a store to x20 + 8 ("done") and then parks. PSTATE.I stays masked:
 * the interrupt workloads wait with WFI (which wakes on a pending interrupt whether or
 * not it is masked, Arm ARM D1.6.2) and take the interrupt by reading ICC_IAR1_EL1, so
 * that no vector table is needed.
 */
#include "layout.h"

/* GICv3 registers (Arm IHI 0069): distributor, redistributor RD and SGI frames. */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IGROUPR1		0x0084	/* INTIDs 32-63 */
#define GICD_ISENABLER1		0x0104
#define GICD_IPRIORITYR8	0x0420	/* INTIDs 32-35 */
#define GICD_ICFGR2		0x0c08	/* INTIDs 32-47, two bits each */
#define GICD_IROUTER32		0x6100
#define GICD_CTLR_ENABLE_G1	(1 << 1)	/* EnableGrp1 with DS = 1 */
#define GICD_CTLR_ARE		(1 << 4)
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	1	/* ProcessorSleep, bit number */
#define GICR_WAKER_ASLEEP	2	/* ChildrenAsleep, bit number */
#define GICR_SGI_FRAME		0x10000
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_IPRIORITYR0	0x0400	/* INTIDs 0-3: the SGIs used */
#define GICR_IPRIORITYR6	0x0418	/* INTIDs 24-27 */
#define GICR_ENABLED_LO		((1 << BENCH_SGI_PING) | (1 << BENCH_SGI_PONG) | (1 << BENCH_SGI_STOP))
#define GICR_ENABLED_HI		((1 << BENCH_TIMER_INTID) >> 16)
#define GICR_STRIDE_SHIFT	17	/* BENCH_REDIST_STRIDE */
#define MPIDR_AFF0_MASK		0xff
#if (1 << GICR_STRIDE_SHIFT) != BENCH_REDIST_STRIDE
#error "GICR_STRIDE_SHIFT must match BENCH_REDIST_STRIDE"
#endif
#define GIC_PRIORITY_X4		0xa0a0	/* 0xa0 in each byte: below the PMR's 0xff */
#define ICC_SRE_ON		0x7	/* SRE, DFB, DIB */
#define ICC_PMR_ALL		0xff
#define CNTV_CTL_ENABLE		1
#define SPI_ICFG_EDGE		(2 << (2 * (BENCH_SPI_INTID - 32)))

/* The GICv3 system registers by encoding (Arm IHI 0069 12.2), whatever the assembler knows. */
#define ICC_PMR_EL1		s3_0_c4_c6_0
#define ICC_IAR1_EL1		s3_0_c12_c12_0
#define ICC_EOIR1_EL1		s3_0_c12_c12_1
#define ICC_SRE_EL1		s3_0_c12_c12_5
#define ICC_IGRPEN1_EL1		s3_0_c12_c12_7
#define ICC_SGI1R_EL1		s3_0_c12_c11_5

/*
 * ICC_SGI1R_EL1 (Arm IHI 0069 12.2.23): TargetList in bits 15:0 (one bit per Aff0 in the
 * target's cluster), INTID in bits 27:24; Aff1-3 and IRM 0: vCPUs 0 and 1 of cluster 0.
 */
#define SGI1R_TARGET(aff0)	(1 << (aff0))
#define SGI1R_INTID_HI(intid)	((intid) << 8)	/* bits 27:24, as the upper half-word */

/*
 * The copy workload's stage 1 (Arm ARM D8, VMSAv8-64, 4 KiB granule): T0SZ 25 (a 39-bit
 * VA: the walk starts at level 1, 1 GiB per entry), write-back cacheable inner-shareable
 * walks, TTBR1 walks off, a 36-bit IPA; MAIR attribute 0 Device-nGnRnE, 1 Normal
 * write-back; SCTLR_EL1 M, C and I.
 */
#define TCR_LO			(25 | (1 << 8) | (1 << 10) | (3 << 12))	/* T0SZ IRGN0 ORGN0 SH0 */
#define TCR_EPD1_HI		(1 << (23 - 16))
#define TCR_IPS_36_TOP		1				/* bits 34:32 */
#define MAIR_DEV_NORMAL		0xff00
#define PTE_BLOCK		1
#define PTE_ATTR_NORMAL		(1 << 2)	/* AttrIndx 1 */
#define PTE_SH_INNER		(3 << 8)
#define PTE_AF			(1 << 10)
#define SCTLR_MCI		((1 << 0) | (1 << 2) | (1 << 12))
#define GIB_SHIFT		30
/*
 * WFI until interrupt intid is acknowledged, its INTID then in x1; anything else (a
 * spurious 1023: not delivered yet) means WFI again.
 */
	.macro	wait_for_irq intid
.Lwait\@:
	wfi
	mrs	x1, ICC_IAR1_EL1
	cmp	x1, #\intid
	b.ne	.Lwait\@
	.endm

/* The virtual timer enabled (its compare value already set), then its interrupt awaited. */
	.macro	timer_on_and_wait
	mov	x0, #CNTV_CTL_ENABLE
	msr	cntv_ctl_el0, x0
	isb
	wait_for_irq BENCH_TIMER_INTID
	.endm

	.text
	.balign	4096
	.globl	bench_guest_start
bench_guest_start:

/* PSCI_VERSION over HVC: an exit the hypervisor's kernel part answers itself. */
	.globl	bench_hvc_psci
bench_hvc_psci:
1:	movz	x0, #0x8400, lsl #16
	hvc	#0
	subs	x19, x19, #1
	b.ne	1b
	b	bench_done

/* A store outside guest memory: an MMIO exit to userspace and back. */
	.globl	bench_mmio_write
bench_mmio_write:
1:	str	x19, [x20]
	subs	x19, x19, #1
	b.ne	1b
	b	bench_done

/* An ID register read (HCR_EL2.TID3): a trap the hypervisor emulates. */
	.globl	bench_sysreg_id
bench_sysreg_id:
1:	mrs	x0, id_aa64pfr0_el1
	subs	x19, x19, #1
	b.ne	1b
	b	bench_done

/*
 * An MDSCR_EL1 read (MDCR_EL2.TDA): avcpu answers it at EL2 from the guest's saved copy,
 * the least an exit can do there. On KVM the same instruction, whatever KVM does with it
 * (its debug registers switch lazily; avcpu-bench's exits= count shows what happened).
 */
	.globl	bench_sysreg_mdscr
bench_sysreg_mdscr:
1:	mrs	x0, mdscr_el1
	subs	x19, x19, #1
	b.ne	1b
	b	bench_done

/* A distributor register read (GICD_TYPER): MMIO emulated in the kernel. */
	.globl	bench_gicd_read
bench_gicd_read:
	movz	x1, #(BENCH_GICD_GPA >> 16), lsl #16
1:	ldr	w0, [x1, #GICD_TYPER]
	subs	x19, x19, #1
	b.ne	1b
	b	bench_done

/*
 * The virtual timer: programmed to fire at once (TVAL 0: the cost is the delivery, not a
 * wait), WFI, acknowledge, disable (else its level fires it again after the EOI), EOI.
 * The guest also times its EOIs on the virtual counter, less the cost of the counter read
 * itself, and stores the sum of counter ticks with "done".
 */
	.globl	bench_timer_tick
bench_timer_tick:
	bl	gic_setup
	mov	x22, #0			/* counter ticks around EOIs */
	mov	x23, #0			/* counter ticks around nothing */
1:	msr	cntv_tval_el0, xzr
	timer_on_and_wait
	msr	cntv_ctl_el0, xzr
	isb
	mrs	x3, cntvct_el0
	isb
	mrs	x4, cntvct_el0
	msr	ICC_EOIR1_EL1, x1
	isb
	mrs	x5, cntvct_el0
	sub	x6, x4, x3
	add	x23, x23, x6
	sub	x6, x5, x4
	add	x22, x22, x6
	subs	x19, x19, #1
	b.ne	1b
	sub	x22, x22, x23
	str	x22, [x20, #8]
	b	bench_park

/*
 * An edge on an SPI raised from userspace: after the set-up a store to x20 says "ready";
 * then per interrupt WFI, acknowledge, EOI and a store to x20 tells userspace it was
 * handled. spi_user raises it before each RUN, wfi_kick from another thread while the
 * vCPU sleeps in WFI.
 */
	.globl	bench_spi
bench_spi:
	bl	gic_setup
	str	xzr, [x20]
1:	wait_for_irq BENCH_SPI_INTID
	msr	ICC_EOIR1_EL1, x1
	str	x19, [x20]
	subs	x19, x19, #1
	b.ne	1b
	b	bench_done

/*
 * The GIC as a guest driver sets it up (Arm IHI 0069 4.1 and 9.2): system-register
 * interface, priority mask open, Group 1 on; distributor with Group 1 and affinity
 * routing; the SPI edge-triggered, Group 1, routed to vCPU 0 and enabled; this vCPU's
 * redistributor (by MPIDR_EL1.Aff0) awake, the timer's PPI and the SGIs used Group 1 and
 * enabled. Clobbers x0-x2.
 */
gic_setup:
	mov	x0, #ICC_SRE_ON
	msr	ICC_SRE_EL1, x0
	isb
	mov	x0, #ICC_PMR_ALL
	msr	ICC_PMR_EL1, x0
	mov	x0, #1
	msr	ICC_IGRPEN1_EL1, x0
	isb
	movz	w2, #GIC_PRIORITY_X4
	movk	w2, #GIC_PRIORITY_X4, lsl #16
	movz	x1, #(BENCH_GICD_GPA >> 16), lsl #16
	mov	w0, #(GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1)
	str	w0, [x1, #GICD_CTLR]
	mov	w0, #-1
	str	w0, [x1, #GICD_IGROUPR1]
	str	w2, [x1, #GICD_IPRIORITYR8]
	mov	w0, #SPI_ICFG_EDGE
	str	w0, [x1, #GICD_ICFGR2]
	str	xzr, [x1, #GICD_IROUTER32]
	mov	w0, #(1 << (BENCH_SPI_INTID - 32))
	str	w0, [x1, #GICD_ISENABLER1]
	movz	x1, #(BENCH_GICR_GPA >> 16), lsl #16
	mrs	x0, mpidr_el1			/* this vCPU's redistributor */
	and	x0, x0, #MPIDR_AFF0_MASK
	add	x1, x1, x0, lsl #GICR_STRIDE_SHIFT
	ldr	w0, [x1, #GICR_WAKER]
	bic	w0, w0, #(1 << GICR_WAKER_SLEEP)
	str	w0, [x1, #GICR_WAKER]
1:	ldr	w0, [x1, #GICR_WAKER]
	tbnz	w0, #GICR_WAKER_ASLEEP, 1b
	add	x1, x1, #GICR_SGI_FRAME
	mov	w0, #-1
	str	w0, [x1, #GICR_IGROUPR0]
	str	w2, [x1, #GICR_IPRIORITYR0]
	str	w2, [x1, #GICR_IPRIORITYR6]
	movz	w0, #GICR_ENABLED_LO
	movk	w0, #GICR_ENABLED_HI, lsl #16
	str	w0, [x1, #GICR_ISENABLER0]
	dsb	sy
	isb
	ret

/*
 * SGI round trip, vCPU 0's side: PING to vCPU 1 through ICC_SGI1R_EL1, WFI until vCPU 1's
 * PONG is acknowledged, EOI: per round trip. Then STOP lets vCPU 1 finish.
 */
	.globl	bench_sgi_ping
bench_sgi_ping:
	bl	gic_setup
	movz	x5, #SGI1R_TARGET(1)
	movk	x5, #SGI1R_INTID_HI(BENCH_SGI_PING), lsl #16
1:	msr	ICC_SGI1R_EL1, x5
	isb
	wait_for_irq BENCH_SGI_PONG
	msr	ICC_EOIR1_EL1, x1
	subs	x19, x19, #1
	b.ne	1b
	movz	x5, #SGI1R_TARGET(1)
	movk	x5, #SGI1R_INTID_HI(BENCH_SGI_STOP), lsl #16
	msr	ICC_SGI1R_EL1, x5
	isb
	b	bench_done

/*
 * vCPU 1's side: its GIC set up, "ready"; then each PING acknowledged, ended and answered
 * with a PONG to vCPU 0, until STOP.
 */
	.globl	bench_sgi_pong
bench_sgi_pong:
	bl	gic_setup
	str	xzr, [x20]
	movz	x5, #SGI1R_TARGET(0)
	movk	x5, #SGI1R_INTID_HI(BENCH_SGI_PONG), lsl #16
1:	wfi
	mrs	x1, ICC_IAR1_EL1
	cmp	x1, #BENCH_SGI_PING
	b.ne	2f
	msr	ICC_EOIR1_EL1, x1
	msr	ICC_SGI1R_EL1, x5
	isb
	b	1b
2:	cmp	x1, #BENCH_SGI_STOP
	b.ne	1b
	msr	ICC_EOIR1_EL1, x1
	b	bench_done

/*
 * WFI woken by the virtual timer: CNTV_CVAL_EL0 a short deadline ahead (CNTFRQ_EL0 /
 * BENCH_WFI_DEADLINE_DIV), WFI until the timer's interrupt is acknowledged. The guest sums
 * the counter ticks from the deadline to the acknowledge (how late each wake is) and
 * stores the sum with "done".
 */
	.globl	bench_wfi_timer
bench_wfi_timer:
	bl	gic_setup
	mrs	x6, cntfrq_el0
	mov	x0, #BENCH_WFI_DEADLINE_DIV
	udiv	x6, x6, x0
	mov	x22, #0
1:	mrs	x3, cntvct_el0
	add	x3, x3, x6
	msr	cntv_cval_el0, x3
	timer_on_and_wait
	isb
	mrs	x4, cntvct_el0
	msr	cntv_ctl_el0, xzr
	isb
	msr	ICC_EOIR1_EL1, x1
	sub	x4, x4, x3
	add	x22, x22, x4
	subs	x19, x19, #1
	b.ne	1b
	str	x22, [x20, #8]
	b	bench_park

/*
 * Memory bandwidth: the MMU on (Normal write-back RAM), one 64 MiB copy to touch every page
 * (KVM maps stage 2 on first touch), then x19 copies timed on the virtual counter; the
 * ticks are stored with "done".
 */
	.globl	bench_copy
bench_copy:
	bl	mmu_on
	bl	copy_once
	isb
	mrs	x22, cntvct_el0
1:	bl	copy_once
	subs	x19, x19, #1
	b.ne	1b
	isb
	mrs	x0, cntvct_el0
	sub	x22, x0, x22
	str	x22, [x20, #8]
	b	bench_park

/* BENCH_COPY_BYTES from RAM + BENCH_COPY_SRC to RAM + BENCH_COPY_DST. Clobbers x0-x6. */
copy_once:
	movz	x0, #((BENCH_RAM_GPA + BENCH_COPY_SRC) >> 16), lsl #16
	movz	x1, #((BENCH_RAM_GPA + BENCH_COPY_DST) >> 16), lsl #16
	movz	x2, #(BENCH_COPY_BYTES >> 16), lsl #16
1:	ldp	x3, x4, [x0], #16
	ldp	x5, x6, [x0], #16
	stp	x3, x4, [x1], #16
	stp	x5, x6, [x1], #16
	subs	x2, x2, #32
	b.ne	1b
	ret

/*
 * An identity map at stage 1: GPA 0-1 GiB (the GIC, the MMIO page) Device-nGnRnE, 1-2 GiB
 * (the RAM) Normal write-back, each one level-1 block, so that the stage-2 mapping is all a
 * copy's TLB misses walk. The table is cleaned to PoC for the cacheable walks that follow
 * its non-cacheable writes. Clobbers x0-x2.
 */
mmu_on:
	movz	x1, #(BENCH_RAM_GPA >> 16), lsl #16
	add	x1, x1, #BENCH_PGTABLE
	mov	x0, #(PTE_AF | PTE_BLOCK)
	str	x0, [x1]
	mov	x0, #(1 << GIB_SHIFT)
	mov	x2, #(PTE_AF | PTE_SH_INNER | PTE_ATTR_NORMAL | PTE_BLOCK)
	orr	x0, x0, x2
	str	x0, [x1, #8]
	dc	civac, x1
	dsb	sy
	mov	x0, #MAIR_DEV_NORMAL
	msr	mair_el1, x0
	movz	x0, #TCR_LO
	movk	x0, #TCR_EPD1_HI, lsl #16
	movk	x0, #TCR_IPS_36_TOP, lsl #32
	msr	tcr_el1, x0
	msr	ttbr0_el1, x1
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mrs	x0, sctlr_el1
	mov	x2, #SCTLR_MCI
	orr	x0, x0, x2
	msr	sctlr_el1, x0
	isb
	ret

/* The creation workload's guest: its first exit is "done". */
	.globl	bench_first_exit
bench_first_exit:
bench_done:
	str	xzr, [x20, #8]
bench_park:
1:	wfi
	b	1b

	.globl	bench_guest_end
bench_guest_end:
