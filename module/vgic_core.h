/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vGIC's pure logic: the interrupt state of an emulated GICv3 distributor and its
 * redistributors, their MMIO registers, ICC_SGI1R_EL1, and the list-register flush and
 * fold around each guest run. No locks, no allocation, no kernel calls: the caller
 * (vgic.c) holds the VM's vGIC lock and owns the memory; the host unit tests
 * (userspace/tests/vgic_test.cpp) run this file natively.
 *
 * Sources: Arm IHI 0069 (GICv3/v4 architecture specification), chapters 8 (CPU interface
 * virtualization: ICH_LR<n>_EL2, VGIC_ICH_HCR_EL2), 12 (the GICD_ and GICR_ registers).
 */
#ifndef AVCPU_VGIC_CORE_H
#define AVCPU_VGIC_CORE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
#endif

#define VGIC_NR_SGIS		16
#define VGIC_NR_PRIVATE		32		/* SGIs 0-15, PPIs 16-31 */
#define VGIC_MAX_SPIS		960		/* INTIDs 32-991 */
#define VGIC_MAX_INTID		(VGIC_NR_PRIVATE + VGIC_MAX_SPIS)
#define VGIC_MAX_VCPUS		64		/* = AVCPU_MAX_VCPUS: kick masks are u64 */
#define VGIC_MAX_LRS		16		/* ICH_VTR_EL2.ListRegs allows 1-16 */
#define VGIC_AP_WORDS		((VGIC_MAX_INTID + 63) / 64)	/* 992 INTIDs: 16 words */
#define VGIC_PRIO_MASK		0xf8		/* 5 priority bits kept, as QEMU's and KVM's */

#define VGIC_INTID_MAINT	25		/* GIC maintenance PPI */
#define VGIC_INTID_VTIMER	27		/* EL1 virtual timer PPI */
#define VGIC_INTID_PTIMER	30		/* EL1 physical timer PPI */
#define VGIC_INTID_SPURIOUS	1023

/* ICH_LR<n>_EL2 (IHI 0069 12.? "ICH_LR<n>_EL2"; Arm ARM D23 names the same fields). */
#define VGIC_ICH_LR_VINTID_MASK	0xffffffffULL
#define VGIC_ICH_LR_PINTID_SHIFT	32
#define VGIC_ICH_LR_PINTID_MASK	(0x1fffULL << VGIC_ICH_LR_PINTID_SHIFT)
#define VGIC_ICH_LR_EOI		(1ULL << 41)	/* HW = 0: maintenance when the guest ends it */
#define VGIC_ICH_LR_PRIORITY_SHIFT	48
#define VGIC_ICH_LR_PRIORITY_MASK	(0xffULL << VGIC_ICH_LR_PRIORITY_SHIFT)
#define VGIC_ICH_LR_GROUP		(1ULL << 60)	/* 1: Group 1 (IRQ), 0: Group 0 (FIQ) */
#define VGIC_ICH_LR_HW		(1ULL << 61)	/* deactivation also deactivates pINTID */
#define VGIC_ICH_LR_PENDING		(1ULL << 62)	/* State[63:62] = 01 */
#define VGIC_ICH_LR_ACTIVE		(1ULL << 63)	/* State[63:62] = 10 */
#define VGIC_ICH_LR_STATE_MASK	(VGIC_ICH_LR_PENDING | VGIC_ICH_LR_ACTIVE)

/* VGIC_ICH_HCR_EL2 */
#define VGIC_ICH_HCR_EN		(1ULL << 0)	/* virtual CPU interface enabled */
#define VGIC_ICH_HCR_UIE		(1ULL << 1)	/* maintenance when <= 1 LR is valid */
#define VGIC_ICH_HCR_NPIE		(1ULL << 3)	/* maintenance when no LR is pending */
#define VGIC_ICH_HCR_TC		(1ULL << 10)	/* trap common ICC registers (DIR, RPR, CTLR, PMR) */
#define VGIC_ICH_HCR_TALL0		(1ULL << 11)	/* trap Group 0 ICC registers */
#define VGIC_ICH_HCR_TALL1		(1ULL << 12)	/* trap Group 1 ICC registers */

/* VGIC_ICH_VMCR_EL2: the guest's ICC_CTLR/PMR/BPR/IGRPEN as the virtual interface keeps them. */
#define VGIC_ICH_VMCR_ENG0		(1ULL << 0)
#define VGIC_ICH_VMCR_ENG1		(1ULL << 1)
#define VGIC_ICH_VMCR_PMR_SHIFT	24
#define VGIC_ICH_VMCR_PMR_MASK	(0xffULL << VGIC_ICH_VMCR_PMR_SHIFT)

/* VGIC_ICH_MISR_EL2: why the maintenance interrupt fired. */
#define VGIC_ICH_MISR_EOI		(1ULL << 0)
#define VGIC_ICH_MISR_U		(1ULL << 1)

/* Trigger configuration (GICD_ICFGR: 2 bits per INTID, bit 1 = edge). */
#define VGIC_CFG_LEVEL		0
#define VGIC_CFG_EDGE		1

/* The identification the guest reads (GICD_IIDR/GICR_IIDR, GICD/GICR_PIDR2). */
#define VGIC_IIDR		0x6100043bU	/* implementer Arm (0x43b), product 0x61: avcpu */
#define VGIC_PIDR2		0x3bU		/* ArchRev 3: GICv3 */

struct vgic_irq {
	u32 intid;
	u8 priority;		/* top 5 bits kept (VGIC_PRIO_MASK) */
	u8 config;		/* VGIC_CFG_*: SGIs edge, PPIs level, SPIs as the guest sets */
	bool group;		/* 1: Group 1 */
	bool enabled;
	bool pending_latch;	/* edge seen, or set through ISPENDR / an SGI */
	bool line_level;	/* the input line (level-sensitive meaning) */
	bool active;
	bool hw;		/* delivered as a HW LR with pINTID = intid (the vtimer) */
	bool touched;		/* active changed by MMIO while in a list register */
	bool edge_in_lr;	/* in an LR: a pending state the LR does not hold */
	s8 lr;			/* its list register after a flush, -1: none */
	u8 lr_cpu;		/* whose list registers, when lr >= 0 */
	s16 target;		/* vCPU it is queued to (ap bitmap), -1: none */
	u64 route;		/* SPIs: GICD_IROUTER, affinity fields only (IRM RAZ/WI) */
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	u64 ap[VGIC_AP_WORDS];	/* INTIDs pending or active routed to this vCPU */
	u32 ap_words;		/* bit w set: ap[w] is not zero */
	u64 mpidr;		/* MPIDR_EL1 of the vCPU: Aff3[39:32] Aff2[23:16] Aff1[15:8] Aff0 */
	bool exists;		/* a vCPU with this id exists (SGI broadcast, SPI routing) */
	bool sleep;		/* GICR_WAKER.ProcessorSleep (ChildrenAsleep reads the same) */
	u32 lr_intid[VGIC_MAX_LRS];	/* what the last flush put in each LR */
	u32 nr_lr_used;
};

struct vgic_dist {
	u32 nr_spis;		/* multiple of 32, at most VGIC_MAX_SPIS */
	u32 nr_cpus;		/* redistributor frames: vCPU ids 0 .. nr_cpus - 1 */
	u32 ctlr;		/* GICD_CTLR.EnableGrp0 (bit 0) | EnableGrp1 (bit 1) */
	struct vgic_irq *spis;	/* nr_spis entries, INTID 32 first */
	struct vgic_cpu *cpus;	/* nr_cpus entries */
};

/*
 * Every function returning u64 returns a kick mask: bit n set means vCPU n now has an
 * interrupt it did not have before (pending, enabled, in an enabled group), so the caller
 * makes it leave the guest or a WFI sleep to take it.
 */

/*
 * Resets all state (GICv3 reset values: disabled, inactive, not pending, priority 0,
 * Group 0, SPIs level, SGIs edge, PPIs level; IROUTER 0; GICD_CTLR 0; redistributors
 * asleep). mpidr of each vCPU defaults to vCPU id n: Aff0 = n % 16, Aff1 = n / 16.
 */
void vgic_init(struct vgic_dist *d, u32 nr_spis, u32 nr_cpus, struct vgic_irq *spis,
	       struct vgic_cpu *cpus);

/*
 * The state of an interrupt as vCPU cpu sees it: an SGI or PPI of that vCPU, or an SPI.
 * NULL when intid is outside 0 .. 32 + nr_spis - 1 or cpu >= nr_cpus.
 */
struct vgic_irq *vgic_get_irq(struct vgic_dist *d, u32 cpu, u32 intid);

/*
 * vCPU cpu came into existence (exists = true) or has a new MPIDR: SPI routes resolve
 * again.
 */
u64 vgic_set_vcpu(struct vgic_dist *d, u32 cpu, bool exists, u64 mpidr);

/*
 * An input line: SPIs (cpu ignored) and PPIs. Level-sensitive: pending while high.
 * Edge-triggered: a rising edge latches pending.
 */
u64 vgic_set_level(struct vgic_dist *d, u32 cpu, u32 intid, bool level);

/*
 * A guest access to the distributor (offset in its 64 KiB frame) or to the redistributor
 * region (offset from the region's base: frame n at n * 0x20000, RD then SGI page), by
 * vCPU cpu. len 1, 2, 4 or 8; *val is the value written, or receives the value read.
 * Widths: 32-bit everywhere, 8-bit for IPRIORITYR, 64-bit for IROUTER and GICR_TYPER (32-
 * bit halves too); any other width or a misaligned access reads as zero and ignores the
 * write (IHI 0069 12.1.3: such accesses are CONSTRAINED UNPREDICTABLE). Reserved and
 * unimplemented registers read as zero and ignore writes. Pending and active registers
 * read and write the state as of the accessing vCPU's last exit, list registers included.
 */
u64 vgic_dist_access(struct vgic_dist *d, u32 cpu, u32 offset, u32 len, bool write, u64 *val);
u64 vgic_redist_access(struct vgic_dist *d, u32 cpu, u64 offset, u32 len, bool write,
		       u64 *val);

/* Which SGI register a guest wrote (ICC_SGI1R_EL1, ICC_SGI0R_EL1, ICC_ASGI1R_EL1). */
enum vgic_sgi_reg { VGIC_SGI1R, VGIC_SGI0R, VGIC_ASGI1R };

/*
 * A guest write to an SGI generation register by vCPU cpu: TargetList[15:0], Aff1[23:16],
 * INTID[27:24], Aff2[39:32], IRM[40] (all but self), RS[47:44] (Aff0 = RS * 16 + bit),
 * Aff3[55:48]. SGI1R delivers to the targets whatever the SGI's group; SGI0R and ASGI1R
 * only to targets where the SGI is Group 0. Targets are the vCPUs that exist.
 */
u64 vgic_write_sgi(struct vgic_dist *d, u32 cpu, enum vgic_sgi_reg reg, u64 value);

/*
 * Before a guest entry of vCPU cpu: fills lr[0..n) with its active interrupts first, then
 * its deliverable pending ones (enabled, group enabled in GICD_CTLR) by priority (lower
 * value first, then lower INTID), and returns n (<= nr_lrs). Sets *hcr to VGIC_ICH_HCR_EN, plus
 * VGIC_ICH_HCR_UIE when some did not fit. Level-sensitive software interrupts carry VGIC_ICH_LR_EOI
 * and are never pending+active; HW interrupts carry VGIC_ICH_LR_HW | intid << 32 and are never
 * pending+active. *overflow is set when not everything fit.
 */
u32 vgic_flush(struct vgic_dist *d, u32 cpu, u64 *lr, u32 nr_lrs, u64 *hcr, bool *overflow);

/*
 * After the guest left: takes back the state of lr[0..n) (n = what vgic_flush returned)
 * as the guest left it: acknowledged, ended, deactivated. A level-sensitive interrupt
 * whose line is still high is pending again. Returns the kick mask of the other vCPUs: an
 * SPI re-routed while it sat in one of cpu's list registers moves to its new target here.
 */
u64 vgic_fold(struct vgic_dist *d, u32 cpu, const u64 *lr, u32 n);

/*
 * Whether vCPU cpu has a pending interrupt it could take: enabled, its group enabled in
 * GICD_CTLR and in vmcr (VGIC_ICH_VMCR_EL2), priority below vmcr's PMR. Ends a WFI.
 */
bool vgic_has_pending(const struct vgic_dist *d, u32 cpu, u64 vmcr);

/*
 * Private to vgic_core.c and vgic_mmio.c (the register accesses), not for other callers.
 */

/* GICD_CTLR (IHI 0069 12.9, GICD_CTLR), single Security state (DS = 1). */
#define GICD_CTLR_ENABLE_G0	0x1U		/* EnableGrp0 */
#define GICD_CTLR_ENABLE_G1	0x2U		/* EnableGrp1 */
#define GICD_CTLR_ENABLE_MASK	(GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1)

/* MPIDR_EL1 and GICD_IROUTER<n> (IHI 0069 12.9) share Aff3 [39:32], Aff2..Aff0 [23:0]. */
#define VGIC_AFF_MASK		0xff00ffffffULL

/* vgic_get_irq for a const distributor. */
struct vgic_irq *vgic_lookup(const struct vgic_dist *d, u32 cpu, u32 intid);
/* pending_latch, or a level-sensitive line that is high. */
bool vgic_pending(const struct vgic_irq *irq);
/* After a change of irq's state: its ap[] membership again, and the kick it needs. */
u64 vgic_update(struct vgic_dist *d, struct vgic_irq *irq);
/* After a change of an SPI's route (or of the vCPUs): its target again, and the kick. */
u64 vgic_retarget(struct vgic_dist *d, struct vgic_irq *irq);
/*
 * Whether ap[] of cpu holds a pending enabled interrupt of a group in grp (GICD_CTLR
 * layout) with a priority below pmr.
 */
bool vgic_cpu_has(const struct vgic_dist *d, u32 cpu, u32 grp, u32 pmr);

#endif /* AVCPU_VGIC_CORE_H */
