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
#define GICR_IPRIORITYR6	0x0418	/* INTIDs 24-27 */
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
	mov	x0, #CNTV_CTL_ENABLE
	msr	cntv_ctl_el0, x0
	isb
2:	wfi
	mrs	x1, ICC_IAR1_EL1
	cmp	x1, #BENCH_TIMER_INTID
	b.ne	2b			/* spurious (1023): not delivered yet */
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
 * handled.
 */
	.globl	bench_spi
bench_spi:
	bl	gic_setup
	str	xzr, [x20]
1:	wfi
	mrs	x1, ICC_IAR1_EL1
	cmp	x1, #BENCH_SPI_INTID
	b.ne	1b
	msr	ICC_EOIR1_EL1, x1
	str	x19, [x20]
	subs	x19, x19, #1
	b.ne	1b
	b	bench_done

/*
 * The GIC as a guest driver sets it up (Arm IHI 0069 4.1 and 9.2): system-register
 * interface, priority mask open, Group 1 on; distributor with Group 1 and affinity
 * routing; the SPI edge-triggered, Group 1, routed to vCPU 0 and enabled; redistributor
 * awake, the timer's PPI Group 1 and enabled. Clobbers x0-x2.
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
	ldr	w0, [x1, #GICR_WAKER]
	bic	w0, w0, #(1 << GICR_WAKER_SLEEP)
	str	w0, [x1, #GICR_WAKER]
1:	ldr	w0, [x1, #GICR_WAKER]
	tbnz	w0, #GICR_WAKER_ASLEEP, 1b
	add	x1, x1, #GICR_SGI_FRAME
	mov	w0, #-1
	str	w0, [x1, #GICR_IGROUPR0]
	str	w2, [x1, #GICR_IPRIORITYR6]
	mov	w0, #(1 << BENCH_TIMER_INTID)
	str	w0, [x1, #GICR_ISENABLER0]
	dsb	sy
	isb
	ret

bench_done:
	str	xzr, [x20, #8]
bench_park:
1:	wfi
	b	1b

	.globl	bench_guest_end
bench_guest_end:
