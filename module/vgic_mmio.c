// SPDX-License-Identifier: GPL-2.0
/*
 * The vGIC's GICD_ and GICR_ registers (see vgic_core.h, vgic_dist_access and
 * vgic_redist_access): GICv3 with one Security state (GICD_CTLR.DS = 1) and affinity
 * routing always on (ARE = 1), no LPIs, no extended ranges. Pure: no kernel calls.
 */
#include "vgic_core.h"

/* Distributor register map (IHI 0069 12.8) and fields (12.9). */
#define GICD_SIZE		0x10000U
#define GICD_CTLR		0x0000U
#define GICD_CTLR_ARE		0x10U		/* ARE: affinity routing, RAO/WI */
#define GICD_CTLR_DS		0x40U		/* DS: one Security state, RAO/WI */
#define GICD_TYPER		0x0004U
#define GICD_TYPER_CPUNUM_SHIFT	5		/* CPUNumber [7:5] */
#define GICD_TYPER_IDBITS_SHIFT	19		/* IDbits [23:19]: INTID bits - 1 */
#define GICD_TYPER_IDBITS	9		/* 10 INTID bits: 0-1023 */
#define GICD_TYPER_NO1N		0x2000000U	/* No1N [25]: no 1-of-N SPI routing */
#define GICD_IIDR		0x0008U
#define GICD_IGROUPR		0x0080U		/* then IS/ICENABLER ... ICACTIVER */
#define GICD_ICACTIVER_END	0x0400U
#define GICD_IPRIORITYR		0x0400U
#define GICD_ICFGR		0x0c00U
#define GICD_ICFGR_END		0x0d00U
#define GICD_ICFGR_EDGE		0x2U		/* Int_config[1] of a field: edge */
#define GICD_IROUTER		0x6000U
#define GICD_PIDR2		0xffe8U

/*
 * Redistributor register map (IHI 0069 12.10) and fields (12.11). GICR_CTLR (0x0, no LPIs)
 * and GICR_ICFGR1 (SGI_base 0xc04, the PPIs level-sensitive) read as zero like the others.
 */
#define GICR_FRAME_SIZE		0x20000U	/* RD_base, then SGI_base */
#define GICR_SGI_BASE		0x10000U
#define GICR_IIDR		0x0004U
#define GICR_TYPER		0x0008U
#define GICR_TYPER_LAST		0x10ULL		/* Last [4]: the last redistributor */
#define GICR_TYPER_PROCNUM_SHIFT 8		/* Processor_Number [23:8] */
#define GICR_TYPER_AFF_SHIFT	32		/* Affinity_Value [63:32]: Aff3..Aff0 */
#define GICR_WAKER		0x0014U
#define GICR_WAKER_PS		0x2U		/* ProcessorSleep */
#define GICR_WAKER_CA		0x4U		/* ChildrenAsleep */
#define GICR_PIDR2		0xffe8U
#define GICR_IGROUPR0		0x0080U		/* SGI_base: like GICD_, one register */
#define GICR_IPRIORITYR0	0x0400U
#define GICR_IPRIORITYR_END	0x0420U
#define GICR_ICFGR0		0x0c00U
#define GICR_ICFGR0_VALUE	0xaaaaaaaaU	/* SGIs edge-triggered, read-only */

/* The bit-per-INTID registers, in the order of their offsets from IGROUPR, 0x80 apart. */
enum vgic_bitreg { VGIC_IGROUPR, VGIC_ISENABLER, VGIC_ICENABLER, VGIC_ISPENDR, VGIC_ICPENDR,
		   VGIC_ISACTIVER, VGIC_ICACTIVER };

static bool vgic_bit_read(const struct vgic_irq *irq, enum vgic_bitreg reg)
{
	switch (reg) {
	case VGIC_IGROUPR:
		return irq->group;
	case VGIC_ISENABLER:
	case VGIC_ICENABLER:
		return irq->enabled;
	case VGIC_ISPENDR:
	case VGIC_ICPENDR:
		return vgic_pending(irq);
	default:
		return irq->active;
	}
}

/*
 * A written bit (IGROUPR: 0 or 1; the others: a 1). For an interrupt in a list register
 * (of another vCPU: the caller folds the accessing vCPU's own first) the change wins over
 * that register's copy at the fold: a pending change through edge_in_lr (the pending state
 * the list register does not hold), an active change through touched. The guest's own
 * acknowledgement in the list register still counts for what the access did not change.
 */
static void vgic_bit_write(struct vgic_irq *irq, enum vgic_bitreg reg, bool bit)
{
	switch (reg) {
	case VGIC_IGROUPR:
		irq->group = bit;
		break;
	case VGIC_ISENABLER:
	case VGIC_ICENABLER:
		irq->enabled = reg == VGIC_ISENABLER;
		break;
	case VGIC_ISPENDR:
	case VGIC_ICPENDR:
		irq->pending_latch = reg == VGIC_ISPENDR;
		irq->edge_in_lr = irq->lr >= 0 && irq->pending_latch;
		break;
	default:
		irq->active = reg == VGIC_ISACTIVER;
		irq->touched = irq->lr >= 0;
		break;
	}
}

/* One 32-bit register of reg for INTIDs first .. first + 31 (private ones: of vCPU owner). */
static u64 vgic_bits(struct vgic_dist *d, u32 owner, u32 first, enum vgic_bitreg reg,
		     bool write, u64 *v)
{
	u64 kick = 0;
	u32 i;

	for (i = 0; i < 32; i++) {
		struct vgic_irq *irq = vgic_lookup(d, owner, first + i);
		bool bit = *v >> i & 1;

		if (!irq)
			continue;
		if (!write) {
			*v |= (u64)vgic_bit_read(irq, reg) << i;
			continue;
		}
		if (reg == VGIC_IGROUPR ? bit == irq->group : !bit)
			continue;
		vgic_bit_write(irq, reg, bit);
		kick |= vgic_update(d, irq);
	}
	return kick;
}

/* len (1 or 4) priority bytes from INTID first. */
static u64 vgic_prio(struct vgic_dist *d, u32 owner, u32 first, u32 len, bool write, u64 *v)
{
	u64 kick = 0;
	u32 i;

	if (len != 1 && len != 4)
		return 0;
	for (i = 0; i < len; i++) {
		struct vgic_irq *irq = vgic_lookup(d, owner, first + i);
		u8 prio = (*v >> (8 * i)) & VGIC_PRIO_MASK;

		if (!irq)
			continue;
		if (!write) {
			*v |= (u64)irq->priority << (8 * i);
		} else if (prio != irq->priority) {
			irq->priority = prio;
			kick |= vgic_update(d, irq);	/* it may now pass a vCPU's PMR */
		}
	}
	return kick;
}

/* GICD_ICFGR<n>: 16 INTIDs from first, writable for SPIs (the caller keeps n >= 2). */
static u64 vgic_icfgr(struct vgic_dist *d, u32 cpu, u32 first, bool write, u64 *v)
{
	u64 kick = 0;
	u32 i;

	for (i = 0; i < 16; i++) {
		struct vgic_irq *irq = vgic_lookup(d, cpu, first + i);
		u8 config = *v >> (2 * i) & GICD_ICFGR_EDGE ? VGIC_CFG_EDGE : VGIC_CFG_LEVEL;

		if (!irq)
			continue;
		if (!write) {
			if (irq->config == VGIC_CFG_EDGE)
				*v |= (u64)GICD_ICFGR_EDGE << (2 * i);
		} else if (config != irq->config) {
			irq->config = config;
			kick |= vgic_update(d, irq);
		}
	}
	return kick;
}

/* GICD_IROUTER<n>: 64-bit, or either 32-bit half; IRM and the reserved bits RAZ/WI. */
static u64 vgic_irouter(struct vgic_dist *d, u32 cpu, u32 offset, u32 len, bool write, u64 *v)
{
	u32 intid = (offset - GICD_IROUTER) / 8;
	struct vgic_irq *irq = vgic_lookup(d, cpu, intid);
	bool high = offset & 4;
	u64 route;

	if (intid < VGIC_NR_PRIVATE || !irq || (len != 4 && len != 8))
		return 0;
	if (!write) {
		*v = len == 8 ? irq->route : high ? irq->route >> 32 : irq->route & 0xffffffffULL;
		return 0;
	}
	if (len == 8)
		route = *v;
	else if (high)
		route = *v << 32 | (irq->route & 0xffffffffULL);
	else
		route = (irq->route & ~0xffffffffULL) | *v;
	irq->route = route & VGIC_AFF_MASK;
	return vgic_retarget(d, irq);
}

/* GICD_CTLR: the group enables; a newly enabled group may make interrupts deliverable. */
static u64 vgic_dist_ctlr(struct vgic_dist *d, bool write, u64 *v)
{
	u32 old = d->ctlr;
	u64 kick = 0;
	u32 i;

	if (!write) {
		*v = d->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
		return 0;
	}
	d->ctlr = *v & GICD_CTLR_ENABLE_MASK;
	if (!(d->ctlr & ~old))
		return 0;
	for (i = 0; i < d->nr_cpus; i++)
		if (vgic_cpu_has(d, i, d->ctlr & ~old, 0x100))
			kick |= 1ULL << i;
	return kick;
}

static u32 vgic_dist_typer(const struct vgic_dist *d)
{
	u32 cpus = d->nr_cpus < 8 ? d->nr_cpus : 8;

	return d->nr_spis / 32 | (cpus ? cpus - 1 : 0) << GICD_TYPER_CPUNUM_SHIFT |
	       GICD_TYPER_IDBITS << GICD_TYPER_IDBITS_SHIFT | GICD_TYPER_NO1N;
}

static bool vgic_width_ok(u64 offset, u32 len)
{
	return (len == 1 || len == 2 || len == 4 || len == 8) && !(offset & (len - 1));
}

/* The 32-bit-only distributor registers. With ARE = 1 those of INTIDs 0-31 are RAZ/WI. */
static u64 vgic_dist_reg32(struct vgic_dist *d, u32 cpu, u32 offset, bool write, u64 *v)
{
	u32 first;

	if (offset >= GICD_IGROUPR && offset < GICD_ICACTIVER_END) {
		first = offset % 0x80 * 8;
		if (!first)
			return 0;
		return vgic_bits(d, cpu, first, offset / 0x80 - 1, write, v);
	}
	if (offset >= GICD_ICFGR && offset < GICD_ICFGR_END) {
		first = (offset - GICD_ICFGR) * 4;
		return first < VGIC_NR_PRIVATE ? 0 : vgic_icfgr(d, cpu, first, write, v);
	}
	if (offset == GICD_CTLR)
		return vgic_dist_ctlr(d, write, v);
	if (write)
		return 0;
	if (offset == GICD_TYPER)
		*v = vgic_dist_typer(d);
	else if (offset == GICD_IIDR)
		*v = VGIC_IIDR;
	else if (offset == GICD_PIDR2)
		*v = VGIC_PIDR2;
	return 0;
}

u64 vgic_dist_access(struct vgic_dist *d, u32 cpu, u32 offset, u32 len, bool write, u64 *val)
{
	u64 v = write ? *val : 0;
	u64 kick = 0;

	if (!write)
		*val = 0;
	if (cpu >= d->nr_cpus || offset >= GICD_SIZE || !vgic_width_ok(offset, len))
		return 0;
	if (len < 8)
		v &= (1ULL << (8 * len)) - 1;
	if (offset >= GICD_IROUTER + 8 * VGIC_NR_PRIVATE &&
	    offset < GICD_IROUTER + 8 * VGIC_MAX_INTID)
		kick = vgic_irouter(d, cpu, offset, len, write, &v);
	else if (offset >= GICD_IPRIORITYR + VGIC_NR_PRIVATE &&
		 offset < GICD_IPRIORITYR + VGIC_MAX_INTID)
		kick = vgic_prio(d, cpu, offset - GICD_IPRIORITYR, len, write, &v);
	else if (len == 4)
		kick = vgic_dist_reg32(d, cpu, offset, write, &v);
	if (!write)
		*val = v;
	return kick;
}

/* GICR_TYPER of redistributor f: its vCPU's affinity, f, and whether it is the last. */
static u64 vgic_redist_typer(const struct vgic_dist *d, u32 f)
{
	u64 mpidr = d->cpus[f].mpidr;
	u64 aff = (mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff);

	return aff << GICR_TYPER_AFF_SHIFT | (u64)f << GICR_TYPER_PROCNUM_SHIFT |
	       (f == d->nr_cpus - 1 ? GICR_TYPER_LAST : 0);
}

/* RD_base of redistributor f: GICR_TYPER 64-bit or 32-bit halves, the others 32-bit. */
static void vgic_rd(struct vgic_dist *d, u32 f, u32 offset, u32 len, bool write, u64 *v)
{
	struct vgic_cpu *c = &d->cpus[f];

	if (len == 4 && offset == GICR_WAKER) {
		if (write)
			c->sleep = *v & GICR_WAKER_PS;
		else
			*v = c->sleep ? GICR_WAKER_PS | GICR_WAKER_CA : 0;
	}
	if (write || len < 4)
		return;
	if ((offset & ~4U) == GICR_TYPER)
		*v = vgic_redist_typer(d, f) >> (8 * (offset & 4)) &
		     (len == 8 ? ~0ULL : 0xffffffffULL);
	else if (len == 4 && offset == GICR_IIDR)
		*v = VGIC_IIDR;
	else if (len == 4 && offset == GICR_PIDR2)
		*v = VGIC_PIDR2;
}

/* SGI_base of redistributor f: the SGIs and PPIs of vCPU f. */
static u64 vgic_sgi_page(struct vgic_dist *d, u32 f, u32 offset, u32 len, bool write, u64 *v)
{
	if (offset >= GICR_IPRIORITYR0 && offset < GICR_IPRIORITYR_END)
		return vgic_prio(d, f, offset - GICR_IPRIORITYR0, len, write, v);
	if (len != 4)
		return 0;
	if (offset >= GICR_IGROUPR0 && offset < GICD_ICACTIVER_END && !(offset % 0x80))
		return vgic_bits(d, f, 0, offset / 0x80 - 1, write, v);
	if (!write && offset == GICR_ICFGR0)
		*v = GICR_ICFGR0_VALUE;
	return 0;
}

u64 vgic_redist_access(struct vgic_dist *d, u32 cpu, u64 offset, u32 len, bool write,
		       u64 *val)
{
	u64 v = write ? *val : 0;
	u64 kick = 0;
	u32 f, off;

	if (!write)
		*val = 0;
	if (cpu >= d->nr_cpus || offset / GICR_FRAME_SIZE >= d->nr_cpus ||
	    !vgic_width_ok(offset, len))
		return 0;
	if (len < 8)
		v &= (1ULL << (8 * len)) - 1;
	f = offset / GICR_FRAME_SIZE;
	off = offset % GICR_FRAME_SIZE;
	if (off >= GICR_SGI_BASE)
		kick = vgic_sgi_page(d, f, off - GICR_SGI_BASE, len, write, &v);
	else
		vgic_rd(d, f, off, len, write, &v);
	if (!write)
		*val = v;
	return kick;
}
