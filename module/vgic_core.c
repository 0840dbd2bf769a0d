// SPDX-License-Identifier: GPL-2.0
/*
 * The vGIC's interrupt state, SGIs, input lines, and the list-register flush and fold
 * (see vgic_core.h). The GICD_/GICR_ registers are in vgic_mmio.c. Pure: no kernel calls.
 *
 * Invariant of the ap[] bitmaps: an interrupt that is in no list register (lr < 0) is in
 * the ap[] of its target, and only there, exactly while it is pending or active; one in a
 * list register (lr >= 0) is in the ap[] of lr_cpu, and only there, until vgic_fold.
 *
 * edge_in_lr, while an interrupt is in a list register, means "pending_latch holds a
 * pending state that the list register does not": set by the flush when it withholds the
 * latched pending state (pending + active level-sensitive or HW interrupts, never both in
 * one LR; an active edge interrupt that is pending but not deliverable), by an edge, an SGI
 * or a GICD_ISPENDR write arriving meanwhile, cleared by GICD_ICPENDR. The fold then knows
 * what the guest acknowledged. touched: the active state was written meanwhile.
 */
#include "vgic_core.h"

#ifdef __KERNEL__
#include <linux/compiler.h>
#include <linux/string.h>
#else
#include <string.h>
#endif

/* ICC_SGI1R_EL1, ICC_SGI0R_EL1, ICC_ASGI1R_EL1 (IHI 0069 12.2, ICC_SGI1R_EL1). */
#define ICC_SGI_TARGETS(v)	((u32)(v) & 0xffffU)		/* TargetList [15:0] */
#define ICC_SGI_AFF1(v)		(((v) >> 16) & 0xffULL)		/* Aff1 [23:16] */
#define ICC_SGI_INTID(v)	((u32)((v) >> 24) & 0xfU)	/* INTID [27:24] */
#define ICC_SGI_AFF2(v)		(((v) >> 32) & 0xffULL)		/* Aff2 [39:32] */
#define ICC_SGI_IRM		(1ULL << 40)			/* IRM: all but self */
#define ICC_SGI_RS(v)		((u32)((v) >> 44) & 0xfU)	/* RS [47:44] */
#define ICC_SGI_AFF3(v)		(((v) >> 48) & 0xffULL)		/* Aff3 [55:48] */

/*
 * ap_words summarises ap[]: a vCPU with nothing pending or active (most entries) is seen
 * from one word, without reading the sixteen.
 */
_Static_assert(VGIC_AP_WORDS <= 32, "ap_words has a bit per ap[] word");

static void vgic_ap_set(struct vgic_cpu *c, u32 intid)
{
	c->ap[intid / 64] |= 1ULL << (intid % 64);
	c->ap_words |= 1U << (intid / 64);
}

static void vgic_ap_clear(struct vgic_cpu *c, u32 intid)
{
	c->ap[intid / 64] &= ~(1ULL << (intid % 64));
	if (!c->ap[intid / 64])
		c->ap_words &= ~(1U << (intid / 64));
}

/* The lookup behind vgic_get_irq, usable with a const distributor. */
struct vgic_irq *vgic_lookup(const struct vgic_dist *d, u32 cpu, u32 intid)
{
	if (cpu >= d->nr_cpus)
		return NULL;
	if (intid < VGIC_NR_PRIVATE)
		return &d->cpus[cpu].priv[intid];
	if (intid - VGIC_NR_PRIVATE < d->nr_spis)
		return &d->spis[intid - VGIC_NR_PRIVATE];
	return NULL;
}

struct vgic_irq *vgic_get_irq(struct vgic_dist *d, u32 cpu, u32 intid)
{
	return vgic_lookup(d, cpu, intid);
}

bool vgic_pending(const struct vgic_irq *irq)
{
	return irq->pending_latch || (irq->config == VGIC_CFG_LEVEL && irq->line_level);
}

/* Pending, enabled, and its group enabled in GICD_CTLR (bit 0 Group 0, bit 1 Group 1). */
static bool vgic_deliverable(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	return vgic_pending(irq) && irq->enabled &&
	       (d->ctlr & (irq->group ? GICD_CTLR_ENABLE_G1 : GICD_CTLR_ENABLE_G0));
}

u64 vgic_update(struct vgic_dist *d, struct vgic_irq *irq)
{
	struct vgic_cpu *c;

	if (irq->lr >= 0)
		return vgic_deliverable(d, irq) ? 1ULL << irq->lr_cpu : 0;
	if (irq->target < 0 || (u32)irq->target >= d->nr_cpus)
		return 0;
	c = &d->cpus[irq->target];
	if (!vgic_pending(irq) && !irq->active) {
		vgic_ap_clear(c, irq->intid);
		return 0;
	}
	vgic_ap_set(c, irq->intid);
	return vgic_deliverable(d, irq) ? 1ULL << irq->target : 0;
}

/* The existing vCPU whose MPIDR affinity is route, or -1. */
static s16 vgic_resolve(const struct vgic_dist *d, u64 route)
{
	u32 i;

	for (i = 0; i < d->nr_cpus; i++)
		if (d->cpus[i].exists && !((d->cpus[i].mpidr ^ route) & VGIC_AFF_MASK))
			return (s16)i;
	return -1;
}

u64 vgic_retarget(struct vgic_dist *d, struct vgic_irq *irq)
{
	s16 t = vgic_resolve(d, irq->route);

	if (t == irq->target)
		return 0;
	if (irq->lr < 0 && irq->target >= 0)
		vgic_ap_clear(&d->cpus[irq->target], irq->intid);
	irq->target = t;
	return vgic_update(d, irq);
}

/*
 * Whether cpu has an interrupt in ap[] that is pending, enabled, in a group of grp (GICD_CTLR
 * bit layout) and of a priority below pmr.
 */
bool vgic_cpu_has(const struct vgic_dist *d, u32 cpu, u32 grp, u32 pmr)
{
	const struct vgic_cpu *c = &d->cpus[cpu];
	u32 words, w;

	for (words = c->ap_words; words; words &= words - 1) {
		u64 bits;

		w = __builtin_ctz(words);
		bits = c->ap[w];

		while (bits) {
			u32 intid = w * 64 + __builtin_ctzll(bits);
			const struct vgic_irq *irq = vgic_lookup(d, cpu, intid);

			bits &= bits - 1;
			if (irq && vgic_pending(irq) && irq->enabled && irq->priority < pmr &&
			    (grp & (irq->group ? GICD_CTLR_ENABLE_G1 : GICD_CTLR_ENABLE_G0)))
				return true;
		}
	}
	return false;
}

static void vgic_irq_init(struct vgic_irq *irq, u32 intid, u8 config, s16 target)
{
	memset(irq, 0, sizeof(*irq));
	irq->intid = intid;
	irq->config = config;
	irq->lr = -1;
	irq->target = target;
}

void vgic_init(struct vgic_dist *d, u32 nr_spis, u32 nr_cpus, struct vgic_irq *spis,
	       struct vgic_cpu *cpus)
{
	u32 i, j;

	if (nr_spis > VGIC_MAX_SPIS)
		nr_spis = VGIC_MAX_SPIS;
	if (nr_cpus > VGIC_MAX_VCPUS)
		nr_cpus = VGIC_MAX_VCPUS;
	d->nr_spis = nr_spis;
	d->nr_cpus = nr_cpus;
	d->ctlr = 0;
	d->spis = spis;
	d->cpus = cpus;
	for (i = 0; i < nr_spis; i++)
		vgic_irq_init(&spis[i], VGIC_NR_PRIVATE + i, VGIC_CFG_LEVEL, -1);
	for (i = 0; i < nr_cpus; i++) {
		struct vgic_cpu *c = &cpus[i];

		memset(c, 0, sizeof(*c));
		for (j = 0; j < VGIC_NR_PRIVATE; j++)
			vgic_irq_init(&c->priv[j], j,
				      j < VGIC_NR_SGIS ? VGIC_CFG_EDGE : VGIC_CFG_LEVEL, (s16)i);
		c->mpidr = (u64)(i / 16) << 8 | (i % 16);
		c->sleep = true;
	}
}

u64 vgic_set_vcpu(struct vgic_dist *d, u32 cpu, bool exists, u64 mpidr)
{
	u64 kick = 0;
	u32 i;

	if (cpu >= d->nr_cpus)
		return 0;
	d->cpus[cpu].exists = exists;
	d->cpus[cpu].mpidr = mpidr;
	for (i = 0; i < d->nr_spis; i++)
		kick |= vgic_retarget(d, &d->spis[i]);
	return kick;
}

/* Latches an edge (or an SGI): if it is in a list register, the fold must keep it. */
static u64 vgic_latch(struct vgic_dist *d, struct vgic_irq *irq)
{
	irq->pending_latch = true;
	if (irq->lr >= 0)
		irq->edge_in_lr = true;
	return vgic_update(d, irq);
}

u64 vgic_set_level(struct vgic_dist *d, u32 cpu, u32 intid, bool level)
{
	struct vgic_irq *irq = vgic_get_irq(d, cpu, intid);

	if (!irq || intid < VGIC_NR_SGIS || irq->line_level == level)
		return 0;
	irq->line_level = level;
	if (irq->config == VGIC_CFG_EDGE)
		return level ? vgic_latch(d, irq) : 0;
	return vgic_update(d, irq);
}

/* Whether vCPU j is a target of an ICC_SGI1R_EL1-layout value without IRM. */
static bool vgic_sgi_targets(const struct vgic_cpu *c, u64 value)
{
	u64 aff321 = ICC_SGI_AFF3(value) << 32 | ICC_SGI_AFF2(value) << 16 |
		     ICC_SGI_AFF1(value) << 8;
	u32 aff0 = c->mpidr & 0xff;

	if ((c->mpidr & VGIC_AFF_MASK & ~0xffULL) != aff321)
		return false;
	if (aff0 / 16 != ICC_SGI_RS(value))
		return false;
	return ICC_SGI_TARGETS(value) & (1U << (aff0 % 16));
}

u64 vgic_write_sgi(struct vgic_dist *d, u32 cpu, enum vgic_sgi_reg reg, u64 value)
{
	u32 intid = ICC_SGI_INTID(value);
	u64 kick = 0;
	u32 j;

	if (cpu >= d->nr_cpus)
		return 0;
	for (j = 0; j < d->nr_cpus; j++) {
		struct vgic_cpu *c = &d->cpus[j];
		struct vgic_irq *irq = &c->priv[intid];

		if (!c->exists)
			continue;
		if (value & ICC_SGI_IRM ? j == cpu : !vgic_sgi_targets(c, value))
			continue;
		if (reg != VGIC_SGI1R && irq->group)
			continue;
		kick |= vgic_latch(d, irq);
	}
	return kick;
}

/* Insertion of key into best[0..n), ascending, at most max entries; returns the new n. */
static u32 vgic_best_insert(u32 *best, u32 n, u32 max, u32 key)
{
	u32 i;

	if (n == max) {
		if (!max || key >= best[n - 1])
			return n;
		n--;
	}
	for (i = n; i > 0 && best[i - 1] > key; i--)
		best[i] = best[i - 1];
	best[i] = key;
	return n + 1;
}

/* The order of the flush: active first, then priority, then INTID (key & 0xffff). */
static u32 vgic_flush_key(const struct vgic_irq *irq)
{
	return (u32)!irq->active << 24 | (u32)irq->priority << 16 | irq->intid;
}

static u64 vgic_lr_value(const struct vgic_dist *d, struct vgic_irq *irq)
{
	bool pend = vgic_deliverable(d, irq);
	u64 v = irq->intid | (u64)irq->priority << VGIC_ICH_LR_PRIORITY_SHIFT;

	if (irq->group)
		v |= VGIC_ICH_LR_GROUP;
	if (irq->hw)
		v |= VGIC_ICH_LR_HW | (u64)irq->intid << VGIC_ICH_LR_PINTID_SHIFT;
	else if (irq->config == VGIC_CFG_LEVEL)
		v |= VGIC_ICH_LR_EOI;
	if ((irq->hw || irq->config == VGIC_CFG_LEVEL) && irq->active)
		pend = false;
	if (pend)
		v |= VGIC_ICH_LR_PENDING;
	if (irq->active)
		v |= VGIC_ICH_LR_ACTIVE;
	irq->edge_in_lr = irq->pending_latch && !pend;
	irq->touched = false;
	return v;
}

/*
 * vgic_flush's work once the vCPU has something pending or active. Not inlined: the
 * common entry, with nothing to deliver, then does not pay for setting up best[].
 */
static noinline u32 vgic_flush_fill(struct vgic_dist *d, u32 cpu, u64 *lr, u32 nr_lrs, u64 *hcr,
				    bool *overflow)
{
	struct vgic_cpu *c = &d->cpus[cpu];
	u32 best[VGIC_MAX_LRS];
	u32 n = 0, total = 0, words, w, i;

	if (nr_lrs > VGIC_MAX_LRS)
		nr_lrs = VGIC_MAX_LRS;
	for (words = c->ap_words; words; words &= words - 1) {
		u64 bits;

		w = __builtin_ctz(words);
		bits = c->ap[w];

		while (bits) {
			u32 intid = w * 64 + __builtin_ctzll(bits);
			struct vgic_irq *irq = vgic_get_irq(d, cpu, intid);

			bits &= bits - 1;
			if (!irq || irq->lr >= 0 || !(irq->active || vgic_deliverable(d, irq)))
				continue;
			total++;
			n = vgic_best_insert(best, n, nr_lrs, vgic_flush_key(irq));
		}
	}
	for (i = 0; i < n; i++) {
		struct vgic_irq *irq = vgic_get_irq(d, cpu, best[i] & 0xffff);

		lr[i] = vgic_lr_value(d, irq);
		irq->lr = (s8)i;
		irq->lr_cpu = (u8)cpu;
		c->lr_intid[i] = irq->intid;
	}
	c->nr_lr_used = n;
	if (total > n) {
		*overflow = true;
		*hcr |= VGIC_ICH_HCR_UIE;
	}
	return n;
}

u32 vgic_flush(struct vgic_dist *d, u32 cpu, u64 *lr, u32 nr_lrs, u64 *hcr, bool *overflow)
{
	*hcr = VGIC_ICH_HCR_EN;
	*overflow = false;
	if (cpu >= d->nr_cpus)
		return 0;
	vgic_fold(d, cpu, NULL, 0);	/* a flush without a fold: as if the guest had not run */
	if (!d->cpus[cpu].ap_words)
		return 0;		/* nothing pending or active: no list register */
	return vgic_flush_fill(d, cpu, lr, nr_lrs, hcr, overflow);
}

/*
 * Takes back one list register's state (see the edge_in_lr note at the top). No pending
 * state in it: the guest acknowledged what it held, and what is left is what it did not
 * hold. An active state changed through GICD_/GICR_ meanwhile (touched) stays.
 */
static void vgic_fold_one(struct vgic_irq *irq, u64 lr)
{
	if (!(lr & VGIC_ICH_LR_PENDING))
		irq->pending_latch = irq->edge_in_lr;
	if (!irq->touched)
		irq->active = !!(lr & VGIC_ICH_LR_ACTIVE);
}

u64 vgic_fold(struct vgic_dist *d, u32 cpu, const u64 *lr, u32 n)
{
	struct vgic_cpu *c;
	u64 kick = 0;
	u32 i;

	if (cpu >= d->nr_cpus)
		return 0;
	c = &d->cpus[cpu];
	for (i = 0; i < c->nr_lr_used && i < VGIC_MAX_LRS; i++) {
		struct vgic_irq *irq = vgic_get_irq(d, cpu, c->lr_intid[i]);

		if (!irq || irq->lr != (s8)i || irq->lr_cpu != cpu)
			continue;
		if (i < n)
			vgic_fold_one(irq, lr[i]);
		irq->lr = -1;
		irq->edge_in_lr = false;
		irq->touched = false;
		vgic_ap_clear(c, irq->intid);
		kick |= vgic_update(d, irq);
	}
	c->nr_lr_used = 0;
	return kick & ~(1ULL << cpu);
}

bool vgic_has_pending(const struct vgic_dist *d, u32 cpu, u64 vmcr)
{
	u32 grp = d->ctlr & (u32)vmcr & (VGIC_ICH_VMCR_ENG0 | VGIC_ICH_VMCR_ENG1);

	if (cpu >= d->nr_cpus)
		return false;
	return vgic_cpu_has(d, cpu, grp,
			    (vmcr & VGIC_ICH_VMCR_PMR_MASK) >> VGIC_ICH_VMCR_PMR_SHIFT);
}
