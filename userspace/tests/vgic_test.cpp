// SPDX-License-Identifier: GPL-2.0
// The vGIC's pure logic (module/vgic_core.c, module/vgic_mmio.c): interrupt state, list
// registers, SGIs, routing, and every GICD_/GICR_ register, run natively.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

extern "C" {
#include "vgic_core.h"
}

namespace
{

// Distributor offsets (IHI 0069 12.8).
constexpr u32 GICD_CTLR = 0x0, GICD_TYPER = 0x4, GICD_IIDR = 0x8, GICD_TYPER2 = 0xc;
constexpr u32 GICD_IGROUPR = 0x80, GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180;
constexpr u32 GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280, GICD_ISACTIVER = 0x300;
constexpr u32 GICD_ICACTIVER = 0x380, GICD_IPRIORITYR = 0x400, GICD_ICFGR = 0xc00;
constexpr u32 GICD_IROUTER = 0x6000, GICD_PIDR2 = 0xffe8;
// Redistributor offsets (IHI 0069 12.10), within RD_base and SGI_base.
constexpr u32 GICR_CTLR = 0x0, GICR_IIDR = 0x4, GICR_TYPER = 0x8, GICR_STATUSR = 0x10;
constexpr u32 GICR_WAKER = 0x14, GICR_PIDR2 = 0xffe8, GICR_ICFGR0 = 0xc00, GICR_ICFGR1 = 0xc04;

constexpr u32 kCtlrRao = 0x50; // ARE (bit 4) and DS (bit 6)
constexpr u32 kG0 = 1, kG1 = 2;

// The register and bit of an INTID in a bit-per-INTID register block.
constexpr u32 reg(u32 base, u32 intid)
{
	return base + intid / 32 * 4;
}
constexpr u64 bit(u32 intid)
{
	return 1ULL << (intid % 32);
}
constexpr u64 rdOff(u32 frame, u32 off)
{
	return u64{frame} * 0x20000 + off;
}
constexpr u64 sgiOff(u32 frame, u32 off)
{
	return rdOff(frame, 0x10000 + off);
}

constexpr u64 sgiValue(u32 intid, u32 targets, u32 aff1 = 0, u32 aff2 = 0, u32 aff3 = 0, u32 rs = 0,
		       bool irm = false)
{
	return u64{targets} | u64{aff1} << 16 | u64{intid} << 24 | u64{aff2} << 32 |
	       (irm ? 1ULL << 40 : 0) | u64{rs} << 44 | u64{aff3} << 48;
}

constexpr u64 vmcr(u32 groups, u32 pmr)
{
	return groups | u64{pmr} << VGIC_ICH_VMCR_PMR_SHIFT;
}

u32 lrIntid(u64 lr)
{
	return static_cast<u32>(lr & VGIC_ICH_LR_VINTID_MASK);
}
u32 lrPrio(u64 lr)
{
	return static_cast<u32>((lr & VGIC_ICH_LR_PRIORITY_MASK) >> VGIC_ICH_LR_PRIORITY_SHIFT);
}
u64 lrState(u64 lr)
{
	return lr & VGIC_ICH_LR_STATE_MASK;
}

// What the guest does to a list register: acknowledge (pending -> active), end
// (deactivate), or both.
void ack(u64 &lr)
{
	if (lr & VGIC_ICH_LR_PENDING)
		lr = (lr & ~VGIC_ICH_LR_PENDING) | VGIC_ICH_LR_ACTIVE;
}
void eoi(u64 &lr)
{
	lr &= ~VGIC_ICH_LR_ACTIVE;
}
void handle(u64 &lr)
{
	lr &= ~VGIC_ICH_LR_STATE_MASK;
}

struct Lrs {
	std::array<u64, VGIC_MAX_LRS> lr{};
	u32 n = 0;
	u64 hcr = 0;
	bool overflow = false;

	std::vector<u32> intids() const
	{
		std::vector<u32> v;
		for (u32 i = 0; i < n; i++)
			v.push_back(lrIntid(lr[i]));
		return v;
	}
};

class Vgic : public ::testing::Test
{
protected:
	static constexpr u32 kSpis = 64, kCpus = 4;
	std::vector<vgic_irq> spis;
	std::vector<vgic_cpu> cpus;
	vgic_dist d{};

	void SetUp() override { reset(kSpis, kCpus); }
	void TearDown() override { checkInvariants(); }

	// A vGIC of nr_spis SPIs and nr_cpus vCPUs, which exist with their default MPIDR.
	void reset(u32 nr_spis, u32 nr_cpus, bool create = true)
	{
		spis.assign(std::max(nr_spis, 1u), vgic_irq{});
		cpus.assign(nr_cpus, vgic_cpu{});
		vgic_init(&d, nr_spis, nr_cpus, spis.data(), cpus.data());
		for (u32 i = 0; create && i < nr_cpus; i++)
			vgic_set_vcpu(&d, i, true, cpus[i].mpidr);
	}

	vgic_irq *irq(u32 intid, u32 cpu = 0) { return vgic_get_irq(&d, cpu, intid); }
	bool pending(u32 intid, u32 cpu = 0)
	{
		vgic_irq *i = irq(intid, cpu);
		return i->pending_latch || (i->config == VGIC_CFG_LEVEL && i->line_level);
	}
	bool inAp(u32 cpu, u32 intid) { return cpus[cpu].ap[intid / 64] >> (intid % 64) & 1; }

	u64 dread(u32 off, u32 len = 4, u32 cpu = 0)
	{
		u64 v = 0xdeadbeefdeadbeefULL;
		EXPECT_EQ(0u, vgic_dist_access(&d, cpu, off, len, false, &v));
		return v;
	}
	u64 dwrite(u32 off, u64 v, u32 len = 4, u32 cpu = 0)
	{
		return vgic_dist_access(&d, cpu, off, len, true, &v);
	}
	u64 rread(u64 off, u32 len = 4, u32 cpu = 0)
	{
		u64 v = 0xdeadbeefdeadbeefULL;
		EXPECT_EQ(0u, vgic_redist_access(&d, cpu, off, len, false, &v));
		return v;
	}
	u64 rwrite(u64 off, u64 v, u32 len = 4, u32 cpu = 0)
	{
		return vgic_redist_access(&d, cpu, off, len, true, &v);
	}

	// An interrupt that is delivered once pending: Group 1 (enabled in GICD_CTLR),
	// enabled, priority prio, edge or level (SPIs). Through the guest's registers.
	void arm(u32 intid, u32 prio, bool edge = false, u32 cpu = 0, bool group1 = true)
	{
		d.ctlr |= group1 ? kG1 : kG0;
		if (intid < VGIC_NR_PRIVATE) {
			u64 g = rread(sgiOff(cpu, GICD_IGROUPR));
			rwrite(sgiOff(cpu, GICD_IGROUPR),
			       group1 ? g | bit(intid) : g & ~bit(intid));
			rwrite(sgiOff(cpu, GICD_ISENABLER), bit(intid));
			rwrite(sgiOff(cpu, GICD_IPRIORITYR + intid), prio, 1);
			return;
		}
		u64 g = dread(reg(GICD_IGROUPR, intid));
		dwrite(reg(GICD_IGROUPR, intid), group1 ? g | bit(intid) : g & ~bit(intid));
		dwrite(reg(GICD_ISENABLER, intid), bit(intid));
		dwrite(GICD_IPRIORITYR + intid, prio, 1);
		u32 cfg = GICD_ICFGR + intid / 16 * 4;
		u64 c = dread(cfg) & ~(3ULL << (intid % 16 * 2));
		dwrite(cfg, c | (edge ? 2ULL << (intid % 16 * 2) : 0));
	}

	Lrs flush(u32 cpu = 0, u32 nr_lrs = 4)
	{
		Lrs r;
		r.n = vgic_flush(&d, cpu, r.lr.data(), nr_lrs, &r.hcr, &r.overflow);
		EXPECT_LE(r.n, std::min<u32>(nr_lrs, VGIC_MAX_LRS));
		EXPECT_TRUE(r.hcr & VGIC_ICH_HCR_EN);
		EXPECT_EQ(r.overflow, (r.hcr & VGIC_ICH_HCR_UIE) != 0);
		for (u32 i = 0; i < r.n; i++) {
			EXPECT_EQ(lrIntid(r.lr[i]), cpus[cpu].lr_intid[i]);
			EXPECT_EQ(static_cast<s8>(i), irq(lrIntid(r.lr[i]), cpu)->lr);
			EXPECT_NE(0u, lrState(r.lr[i])) << "an LR with nothing to deliver";
		}
		return r;
	}
	u64 fold(u32 cpu, const Lrs &r) { return vgic_fold(&d, cpu, r.lr.data(), r.n); }

	// The ap[] invariant (vgic_core.c): outside list registers, an interrupt is in the ap[]
	// of its target exactly while pending or active, and in no other.
	void checkInvariants()
	{
		for (u32 c = 0; c < d.nr_cpus; c++)
			for (u32 intid = 0; intid < VGIC_NR_PRIVATE + d.nr_spis; intid++) {
				vgic_irq *i = irq(intid, c);
				if (intid >= VGIC_NR_PRIVATE && c > 0)
					break;
				bool live = pending(intid, c) || i->active;
				for (u32 t = 0; t < d.nr_cpus; t++) {
					if (intid < VGIC_NR_PRIVATE && t != c)
						continue;
					bool want = i->lr >= 0 ? t == i->lr_cpu
							       : live && t == u32(i->target);
					if (i->lr < 0 && i->target < 0)
						want = false;
					EXPECT_EQ(want, inAp(t, intid))
						<< "INTID " << intid << " of vCPU " << c
						<< " in ap of " << t;
				}
			}
	}

	struct State {
		std::vector<vgic_irq> spis;
		std::vector<vgic_cpu> cpus;
		u32 ctlr;
	};
	State snap() const { return {spis, cpus, d.ctlr}; }
	bool same(const State &s) const
	{
		return s.ctlr == d.ctlr &&
		       !std::memcmp(s.spis.data(), spis.data(), spis.size() * sizeof(vgic_irq)) &&
		       !std::memcmp(s.cpus.data(), cpus.data(), cpus.size() * sizeof(vgic_cpu));
	}

	// Every SPI and private interrupt enabled, Group 1, edge, pending, active, priority
	// 0xf8, routed to vCPU 1; both groups on: nothing reads as zero by accident.
	void busy()
	{
		for (u32 r = 0; r < 32; r++) {
			for (u32 base :
			     {GICD_IGROUPR, GICD_ISENABLER, GICD_ISPENDR, GICD_ISACTIVER})
				dwrite(base + 4 * r, 0xffffffff);
			dwrite(GICD_ICFGR + 8 * r, 0xaaaaaaaa);
			dwrite(GICD_ICFGR + 8 * r + 4, 0xaaaaaaaa);
		}
		for (u32 b = 0; b < 1024; b += 4)
			dwrite(GICD_IPRIORITYR + b, 0xf8f8f8f8);
		for (u32 intid = 32; intid < 1020; intid++)
			dwrite(GICD_IROUTER + 8 * intid, 1, 8);
		for (u32 c = 0; c < d.nr_cpus; c++) {
			for (u32 base :
			     {GICD_IGROUPR, GICD_ISENABLER, GICD_ISPENDR, GICD_ISACTIVER})
				rwrite(sgiOff(c, base), 0xffffffff);
			for (u32 b = 0; b < 32; b += 4)
				rwrite(sgiOff(c, GICD_IPRIORITYR + b), 0xf8f8f8f8);
		}
		dwrite(GICD_CTLR, kG0 | kG1);
	}
};

TEST_F(Vgic, ResetValues)
{
	reset(64, 3, false);
	EXPECT_EQ(0u, d.ctlr);
	for (u32 c = 0; c < 3; c++) {
		EXPECT_FALSE(cpus[c].exists);
		EXPECT_TRUE(cpus[c].sleep);
		EXPECT_EQ(c, cpus[c].mpidr);
		EXPECT_EQ(0u, cpus[c].nr_lr_used);
		for (u32 intid = 0; intid < 32; intid++) {
			const vgic_irq *i = irq(intid, c);
			EXPECT_EQ(intid, i->intid);
			EXPECT_EQ(intid < 16 ? VGIC_CFG_EDGE : VGIC_CFG_LEVEL, i->config);
			EXPECT_EQ(c, u32(i->target));
			EXPECT_EQ(-1, i->lr);
			EXPECT_FALSE(i->enabled || i->group || i->active || i->pending_latch);
			EXPECT_EQ(0, i->priority);
		}
	}
	for (u32 intid = 32; intid < 96; intid++) {
		const vgic_irq *i = irq(intid);
		EXPECT_EQ(intid, i->intid);
		EXPECT_EQ(VGIC_CFG_LEVEL, i->config);
		EXPECT_EQ(0u, i->route);
		EXPECT_EQ(-1, i->target) << "no vCPU exists yet";
	}
	EXPECT_EQ(0u, vgic_set_vcpu(&d, 0, true, 0));
	EXPECT_EQ(0, irq(40)->target) << "IROUTER 0 resolves to the vCPU with affinity 0";

	reset(32, 40, false);
	EXPECT_EQ(0x207u, cpus[39].mpidr) << "Aff0 = n % 16, Aff1 = n / 16";
}

TEST_F(Vgic, GetIrqBounds)
{
	EXPECT_EQ(&cpus[2].priv[5], irq(5, 2));
	EXPECT_EQ(&spis[0], irq(32, 3));
	EXPECT_EQ(&spis[63], irq(95));
	EXPECT_EQ(nullptr, irq(96));
	EXPECT_EQ(nullptr, irq(1023));
	EXPECT_EQ(nullptr, irq(0xffffffffu));
	EXPECT_EQ(nullptr, irq(0, 4));
	EXPECT_EQ(nullptr, irq(40, 4)) << "cpu >= nr_cpus, even for an SPI";
}

TEST_F(Vgic, FlushGivesAllInPriorityOrderExactlyOnce)
{
	std::vector<std::pair<u32, u32>> want; // (priority, intid)
	for (u32 k = 0; k < 32; k++) {
		u32 intid = 32 + k, prio = (k * 13 % 32) * 8;
		arm(intid, prio, true);
		vgic_set_level(&d, 0, intid, true);
		want.emplace_back(prio, intid);
	}
	std::sort(want.begin(), want.end());
	std::vector<u32> seen;
	for (u32 round = 0; round < 8; round++) {
		Lrs r = flush(0, 4);
		ASSERT_EQ(4u, r.n);
		EXPECT_EQ(round < 7, r.overflow) << "round " << round;
		for (u32 i = 0; i < r.n; i++) {
			EXPECT_EQ(VGIC_ICH_LR_PENDING, lrState(r.lr[i]));
			EXPECT_EQ(irq(lrIntid(r.lr[i]))->priority, lrPrio(r.lr[i]));
			EXPECT_TRUE(r.lr[i] & VGIC_ICH_LR_GROUP);
			seen.push_back(lrIntid(r.lr[i]));
			handle(r.lr[i]);
		}
		EXPECT_EQ(0u, fold(0, r));
	}
	ASSERT_EQ(want.size(), seen.size());
	for (size_t i = 0; i < want.size(); i++)
		EXPECT_EQ(want[i].second, seen[i]) << "position " << i;
	Lrs r = flush(0, 4);
	EXPECT_EQ(0u, r.n);
	EXPECT_FALSE(r.overflow);
	EXPECT_EQ(VGIC_ICH_HCR_EN, r.hcr);
	for (u64 w : cpus[0].ap)
		EXPECT_EQ(0u, w);
}

TEST_F(Vgic, FlushTiesGoToTheLowerIntid)
{
	for (u32 intid : {70u, 33u, 50u, 34u}) {
		arm(intid, 0x40, true);
		vgic_set_level(&d, 0, intid, true);
	}
	arm(20, 0x40, false);
	vgic_set_level(&d, 0, 20, true);
	EXPECT_EQ((std::vector<u32>{20, 33, 34, 50, 70}), flush(0, 8).intids());
}

TEST_F(Vgic, FlushPutsActiveFirst)
{
	arm(40, 0x80, true);
	dwrite(reg(GICD_ISACTIVER, 40), bit(40)); // active, not pending
	arm(41, 0xf0, true);
	dwrite(reg(GICD_ISACTIVER, 41), bit(41));
	dwrite(reg(GICD_ICENABLER, 41), bit(41)); // active interrupts go in even when disabled
	arm(42, 0x00, true);
	vgic_set_level(&d, 0, 42, true);
	arm(43, 0x10, true);
	vgic_set_level(&d, 0, 43, true);

	Lrs r = flush(0, 2);
	EXPECT_EQ((std::vector<u32>{40, 41}), r.intids());
	EXPECT_TRUE(r.overflow);
	EXPECT_EQ(VGIC_ICH_LR_ACTIVE, lrState(r.lr[0]));
	fold(0, r);
	r = flush(0, 3);
	EXPECT_EQ((std::vector<u32>{40, 41, 42}), r.intids());
	fold(0, r);
	r = flush(0, 16);
	EXPECT_EQ((std::vector<u32>{40, 41, 42, 43}), r.intids());
	EXPECT_FALSE(r.overflow);
	fold(0, r);
}

TEST_F(Vgic, FlushSkipsWhatCannotBeDelivered)
{
	arm(40, 0x10, false);
	vgic_set_level(&d, 0, 40, true);
	dwrite(reg(GICD_ICENABLER, 40), bit(40));
	EXPECT_EQ(0u, flush().n) << "disabled";
	dwrite(reg(GICD_ISENABLER, 40), bit(40));
	dwrite(GICD_CTLR, kG0);
	EXPECT_EQ(0u, flush().n) << "Group 1 disabled in GICD_CTLR";
	dwrite(GICD_CTLR, kG1);
	EXPECT_EQ(1u, flush().n);
	EXPECT_EQ(0u, flush(1).n) << "routed to vCPU 0";
	Lrs r = flush(0, 0);
	EXPECT_EQ(0u, r.n);
	EXPECT_TRUE(r.overflow) << "no list registers at all";
}

TEST_F(Vgic, FlushWithoutFoldLosesNothing)
{
	arm(40, 0x10, true);
	vgic_set_level(&d, 0, 40, true);
	Lrs r = flush();
	ASSERT_EQ(1u, r.n);
	r = flush(); // the guest did not run: the first flush's LRs are dropped, not lost
	ASSERT_EQ(1u, r.n);
	EXPECT_EQ(VGIC_ICH_LR_PENDING, lrState(r.lr[0]));
	handle(r.lr[0]);
	fold(0, r);
	EXPECT_EQ(0u, flush().n);
}

struct LrCase {
	const char *what;
	u8 config;
	bool hw, group, active, latch, line;
	u64 state;
	u64 flags; // VGIC_ICH_LR_EOI, VGIC_ICH_LR_HW
};

TEST_F(Vgic, ListRegisterEncoding)
{
	constexpr u8 E = VGIC_CFG_EDGE, L = VGIC_CFG_LEVEL;
	constexpr u64 P = VGIC_ICH_LR_PENDING, A = VGIC_ICH_LR_ACTIVE;
	const LrCase cases[] = {
		{"edge pending", E, false, true, false, true, false, P, 0},
		{"edge active", E, false, true, true, false, false, A, 0},
		{"edge pending+active", E, false, false, true, true, false, P | A, 0},
		{"level line high", L, false, true, false, false, true, P, VGIC_ICH_LR_EOI},
		{"level latched", L, false, true, false, true, false, P, VGIC_ICH_LR_EOI},
		{"level active", L, false, true, true, false, false, A, VGIC_ICH_LR_EOI},
		{"level pending+active", L, false, true, true, false, true, A, VGIC_ICH_LR_EOI},
		{"hw pending", L, true, true, false, false, true, P, VGIC_ICH_LR_HW},
		{"hw pending+active", L, true, true, true, false, true, A, VGIC_ICH_LR_HW},
		{"hw edge pending+active", E, true, true, true, true, false, A, VGIC_ICH_LR_HW},
	};
	for (const LrCase &c : cases) {
		SCOPED_TRACE(c.what);
		reset(32, 1);
		arm(48, 0x68, c.config == E, 0, c.group);
		vgic_irq *i = irq(48);
		i->hw = c.hw;
		vgic_set_level(&d, 0, 48, c.line);
		if (c.latch)
			dwrite(reg(GICD_ISPENDR, 48), bit(48));
		if (c.active)
			dwrite(reg(GICD_ISACTIVER, 48), bit(48));
		Lrs r = flush();
		ASSERT_EQ(1u, r.n);
		u64 lr = r.lr[0];
		EXPECT_EQ(c.state, lrState(lr));
		EXPECT_EQ(48u, lrIntid(lr));
		EXPECT_EQ(0x68u, lrPrio(lr));
		EXPECT_EQ(c.group, (lr & VGIC_ICH_LR_GROUP) != 0);
		EXPECT_EQ(c.flags, lr & (VGIC_ICH_LR_EOI | VGIC_ICH_LR_HW));
		// pINTID only with HW (bit 41 is EOI without it).
		if (c.hw)
			EXPECT_EQ(u64{48},
				  (lr & VGIC_ICH_LR_PINTID_MASK) >> VGIC_ICH_LR_PINTID_SHIFT);
		else
			EXPECT_EQ(0u, lr & VGIC_ICH_LR_PINTID_MASK & ~VGIC_ICH_LR_EOI);
		fold(0, r);
	}
}

TEST_F(Vgic, LevelSpiPendsAgainWhileTheLineIsHigh)
{
	arm(40, 0x20);
	EXPECT_EQ(1u, vgic_set_level(&d, 0, 40, true));
	Lrs r = flush();
	ASSERT_EQ(1u, r.n);
	EXPECT_EQ(VGIC_ICH_LR_PENDING | VGIC_ICH_LR_EOI,
		  r.lr[0] & (VGIC_ICH_LR_STATE_MASK | VGIC_ICH_LR_EOI));
	ack(r.lr[0]);
	fold(0, r);
	EXPECT_TRUE(irq(40)->active);
	EXPECT_TRUE(pending(40)) << "the line is still high";

	r = flush();
	ASSERT_EQ(1u, r.n);
	EXPECT_EQ(VGIC_ICH_LR_ACTIVE, lrState(r.lr[0])) << "never pending+active";
	eoi(r.lr[0]); // the guest's EOI: maintenance (VGIC_ICH_LR_EOI), the caller folds
	fold(0, r);
	r = flush();
	ASSERT_EQ(1u, r.n);
	EXPECT_EQ(VGIC_ICH_LR_PENDING, lrState(r.lr[0])) << "pending again after the EOI";

	ack(r.lr[0]);
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 40, false)); // the device is served
	eoi(r.lr[0]);
	fold(0, r);
	EXPECT_FALSE(pending(40));
	EXPECT_FALSE(irq(40)->active);
	EXPECT_EQ(0u, flush().n) << "not after the line dropped";
}

TEST_F(Vgic, LevelLineDropWhileInAListRegister)
{
	arm(40, 0x20);
	vgic_set_level(&d, 0, 40, true);
	Lrs r = flush();
	vgic_set_level(&d, 0, 40, false); // before the guest took it
	fold(0, r);			  // LR still pending
	EXPECT_FALSE(pending(40));
	EXPECT_EQ(0u, flush().n);
}

TEST_F(Vgic, EdgeSpiTakenOncePerEdge)
{
	arm(50, 0x20, true);
	EXPECT_EQ(1u, vgic_set_level(&d, 0, 50, true));
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 50, true)) << "no edge";
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 50, false));
	EXPECT_EQ(1u, vgic_set_level(&d, 0, 50, true)) << "second edge, same latch";
	Lrs r = flush();
	ASSERT_EQ(1u, r.n);
	EXPECT_EQ(VGIC_ICH_LR_PENDING, r.lr[0] & (VGIC_ICH_LR_STATE_MASK | VGIC_ICH_LR_EOI));
	handle(r.lr[0]);
	fold(0, r);
	EXPECT_EQ(0u, flush().n) << "taken once";
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 50, false));
	EXPECT_EQ(0u, flush().n) << "a falling edge pends nothing";
}

TEST_F(Vgic, EdgeDuringListRegisterResidencyIsKept)
{
	arm(50, 0x20, true);
	vgic_set_level(&d, 0, 50, true);
	vgic_set_level(&d, 0, 50, false);
	Lrs r = flush();
	ack(r.lr[0]);
	// A new edge while the guest handles the first one: vCPU 0 is kicked to fold.
	EXPECT_EQ(1u, vgic_set_level(&d, 0, 50, true));
	EXPECT_TRUE(irq(50)->edge_in_lr);
	eoi(r.lr[0]);
	fold(0, r);
	EXPECT_TRUE(pending(50));
	EXPECT_FALSE(irq(50)->active);
	r = flush();
	ASSERT_EQ(1u, r.n);
	EXPECT_EQ(VGIC_ICH_LR_PENDING, lrState(r.lr[0]));

	// An edge while the LR is still pending (not acknowledged): one interrupt.
	vgic_set_level(&d, 0, 50, false);
	vgic_set_level(&d, 0, 50, true);
	ack(r.lr[0]);
	fold(0, r);
	EXPECT_TRUE(pending(50)) << "the second edge came after the LR was loaded";
	EXPECT_TRUE(irq(50)->active);
	r = flush();
	EXPECT_EQ(VGIC_ICH_LR_PENDING | VGIC_ICH_LR_ACTIVE, lrState(r.lr[0]));
	handle(r.lr[0]);
	fold(0, r);
	EXPECT_EQ(0u, flush().n);
}

TEST_F(Vgic, EdgeWithheldWhileDisabledStaysPending)
{
	arm(50, 0x20, true);
	dwrite(reg(GICD_ISACTIVER, 50), bit(50));
	dwrite(reg(GICD_ICENABLER, 50), bit(50));
	vgic_set_level(&d, 0, 50, true);
	Lrs r = flush();
	ASSERT_EQ(1u, r.n);
	EXPECT_EQ(VGIC_ICH_LR_ACTIVE, lrState(r.lr[0])) << "disabled: the pending state stays here";
	eoi(r.lr[0]);
	fold(0, r);
	EXPECT_TRUE(pending(50));
	dwrite(reg(GICD_ISENABLER, 50), bit(50));
	r = flush();
	EXPECT_EQ(VGIC_ICH_LR_PENDING, lrState(r.lr[0]));
	handle(r.lr[0]);
	fold(0, r);
}

TEST_F(Vgic, HwListRegisterNeverPendingAndActive)
{
	arm(VGIC_INTID_VTIMER, 0xa0, false, 1);
	irq(VGIC_INTID_VTIMER, 1)->hw = true;
	EXPECT_EQ(2u, vgic_set_level(&d, 1, VGIC_INTID_VTIMER, true));
	Lrs r = flush(1);
	ASSERT_EQ(1u, r.n);
	u64 lr = r.lr[0];
	EXPECT_EQ(VGIC_ICH_LR_PENDING, lrState(lr));
	EXPECT_TRUE(lr & VGIC_ICH_LR_HW);
	EXPECT_FALSE(lr & VGIC_ICH_LR_EOI);
	EXPECT_EQ(u64{VGIC_INTID_VTIMER},
		  (lr & VGIC_ICH_LR_PINTID_MASK) >> VGIC_ICH_LR_PINTID_SHIFT);
	ack(r.lr[0]);
	fold(1, r);
	r = flush(1);
	ASSERT_EQ(1u, r.n);
	EXPECT_EQ(VGIC_ICH_LR_ACTIVE, lrState(r.lr[0]));
	EXPECT_TRUE(r.lr[0] & VGIC_ICH_LR_HW);
	// The guest deactivates (the HW bit deactivates the physical timer interrupt), the
	// caller samples the timer: no longer firing.
	eoi(r.lr[0]);
	fold(1, r);
	vgic_set_level(&d, 1, VGIC_INTID_VTIMER, false);
	EXPECT_EQ(0u, flush(1).n);
	EXPECT_EQ(0u, flush(0).n) << "a PPI of vCPU 1";
}

struct SgiCase {
	const char *what;
	u32 sender;
	u64 value;
	u64 targets;
};

TEST_F(Vgic, Sgi1rTargets)
{
	reset(32, 8, false);
	const u64 mpidr[8] = {0x0, 0x1, 0x10, 0x100, 0x10000, 0x100000000ULL, 0x1f, 0x2};
	for (u32 c = 0; c < 7; c++) // vCPU 7 (Aff0 2) does not exist
		vgic_set_vcpu(&d, c, true, mpidr[c]);
	vgic_set_vcpu(&d, 7, false, mpidr[7]);
	for (u32 c = 0; c < 8; c++)
		for (u32 intid : {5u, 15u})
			arm(intid, 0x10, false, c);
	const SgiCase cases[] = {
		{"Aff0 0 and 1, self included", 0, sgiValue(5, 0x3), 0x03},
		{"Aff0 2 does not exist", 0, sgiValue(5, 0x4), 0x00},
		{"RS 1, bit 0: Aff0 16", 1, sgiValue(15, 0x1, 0, 0, 0, 1), 0x04},
		{"RS 1, bit 15: Aff0 31", 1, sgiValue(5, 0x8000, 0, 0, 0, 1), 0x40},
		{"RS 1, both", 1, sgiValue(5, 0x8001, 0, 0, 0, 1), 0x44},
		{"RS 0, bit 15: nobody", 1, sgiValue(5, 0x8000), 0x00},
		{"Aff1 1", 2, sgiValue(5, 0x1, 1), 0x08},
		{"Aff2 1", 2, sgiValue(5, 0x1, 0, 1), 0x10},
		{"Aff3 1", 2, sgiValue(5, 0x1, 0, 0, 1), 0x20},
		{"Aff3 1, Aff0 1: nobody", 2, sgiValue(5, 0x2, 0, 0, 1), 0x00},
		{"empty TargetList", 2, sgiValue(5, 0), 0x00},
		{"IRM: all but self", 3, sgiValue(15, 0, 0, 0, 0, 0, true), 0x77},
		{"IRM ignores the target fields", 0, sgiValue(5, 0x1, 1, 1, 1, 1, true), 0x7e},
		{"reserved bits ignored", 0, sgiValue(5, 0x2) | 0xff00'0e00'f000'0000ULL, 0x02},
	};
	for (const SgiCase &c : cases) {
		SCOPED_TRACE(c.what);
		u32 intid = static_cast<u32>(c.value >> 24 & 0xf);
		u64 kick = vgic_write_sgi(&d, c.sender, VGIC_SGI1R, c.value);
		EXPECT_EQ(c.targets, kick);
		for (u32 t = 0; t < 8; t++) {
			EXPECT_EQ((c.targets >> t & 1) != 0, pending(intid, t)) << "vCPU " << t;
			rwrite(sgiOff(t, GICD_ICPENDR), 0xffffffff);
		}
	}
}

TEST_F(Vgic, Sgi0rAndAsgi1rOnlyWhereTheSgiIsGroup0)
{
	arm(3, 0x10, false, 0, false); // Group 0 on vCPU 0
	arm(3, 0x10, false, 1, true);  // Group 1 on vCPU 1
	arm(3, 0x10, false, 2, false); // Group 0 on vCPU 2
	for (vgic_sgi_reg r : {VGIC_SGI0R, VGIC_ASGI1R}) {
		EXPECT_EQ(0x5u, vgic_write_sgi(&d, 3, r, sgiValue(3, 0x7)));
		EXPECT_TRUE(pending(3, 0));
		EXPECT_FALSE(pending(3, 1));
		EXPECT_TRUE(pending(3, 2));
		for (u32 c = 0; c < 3; c++)
			rwrite(sgiOff(c, GICD_ICPENDR), bit(3));
	}
	EXPECT_EQ(0x7u, vgic_write_sgi(&d, 3, VGIC_SGI1R, sgiValue(3, 0x7))) << "any group";
	EXPECT_EQ(0u, vgic_write_sgi(&d, 4, VGIC_SGI1R, sgiValue(3, 0x7))) << "no vCPU 4";
}

TEST_F(Vgic, SgiWhileInAListRegisterIsKept)
{
	arm(2, 0x10, false, 1);
	vgic_write_sgi(&d, 0, VGIC_SGI1R, sgiValue(2, 0x2));
	Lrs r = flush(1);
	ASSERT_EQ(1u, r.n);
	EXPECT_EQ(VGIC_ICH_LR_PENDING, r.lr[0] & (VGIC_ICH_LR_STATE_MASK | VGIC_ICH_LR_EOI))
		<< "SGIs are edge";
	ack(r.lr[0]);
	EXPECT_EQ(0x2u, vgic_write_sgi(&d, 0, VGIC_SGI1R, sgiValue(2, 0x2)))
		<< "vCPU 1 is kicked to fold";
	fold(1, r);
	EXPECT_TRUE(pending(2, 1));
	EXPECT_TRUE(irq(2, 1)->active);
	r = flush(1);
	EXPECT_EQ(VGIC_ICH_LR_PENDING | VGIC_ICH_LR_ACTIVE, lrState(r.lr[0]));
	handle(r.lr[0]);
	fold(1, r);
	EXPECT_EQ(0u, flush(1).n);
}

TEST_F(Vgic, IrouterRoutesSpis)
{
	const u32 off = GICD_IROUTER + 8 * 33;
	arm(33, 0x10);
	EXPECT_EQ(1u, vgic_set_level(&d, 0, 33, true));
	EXPECT_TRUE(inAp(0, 33));

	EXPECT_EQ(1u << 2, dwrite(off, 0x2, 8));
	EXPECT_EQ(2, irq(33)->target);
	EXPECT_FALSE(inAp(0, 33));
	EXPECT_TRUE(inAp(2, 33));
	EXPECT_EQ(0x2u, dread(off, 8));

	dwrite(off, 0xffff'ffff'ff00'0003ULL, 8); // IRM, reserved bits
	EXPECT_EQ(0xff'0000'0003ULL, irq(33)->route);
	EXPECT_EQ(0xff'0000'0003ULL, dread(off, 8)) << "IRM reads as zero";
	EXPECT_EQ(-1, irq(33)->target) << "Aff3 0xff: no such vCPU";
	for (u32 c = 0; c < kCpus; c++)
		EXPECT_FALSE(inAp(c, 33));
	EXPECT_EQ(0x3u, dread(off, 4));
	EXPECT_EQ(0xffu, dread(off + 4, 4));

	EXPECT_EQ(1u << 3, dwrite(off + 4, 0xffffff00, 4)) << "the high half: Aff3 0";
	EXPECT_EQ(0x3u, irq(33)->route);
	EXPECT_EQ(3, irq(33)->target);
	EXPECT_TRUE(inAp(3, 33));
	dwrite(off, 0x8000'0001, 4); // the low half, IRM set
	EXPECT_EQ(0x1u, dread(off, 8));
	EXPECT_EQ(1, irq(33)->target);
	dwrite(off, 0x7f01'0000, 4); // Aff2 1, bits 30:24 reserved
	EXPECT_EQ(0x10000u, dread(off, 8));
	EXPECT_EQ(-1, irq(33)->target);

	// The vCPU gets that affinity: the SPI follows, the vCPU is kicked.
	EXPECT_EQ(1u << 1, vgic_set_vcpu(&d, 1, true, 0x10000));
	EXPECT_EQ(1, irq(33)->target);
	EXPECT_TRUE(inAp(1, 33));
	EXPECT_EQ(0u, vgic_set_vcpu(&d, 1, false, 0x10000));
	EXPECT_EQ(-1, irq(33)->target) << "a vCPU that does not exist";
	vgic_set_vcpu(&d, 1, true, 0x1);
	dwrite(off, 0x1, 8);
	EXPECT_EQ(1, irq(33)->target);
	vgic_set_vcpu(&d, 2, true, 0x1'0000'0001ULL); // Aff3 only differs
	EXPECT_EQ(1, irq(33)->target);
	dwrite(off + 4, 0x1, 4);
	EXPECT_EQ(2, irq(33)->target);
	EXPECT_EQ(u64{1} << 32 | 1, dread(off, 8));
}

TEST_F(Vgic, RerouteWhileInAListRegisterMovesAtTheFold)
{
	arm(40, 0x10);
	vgic_set_level(&d, 0, 40, true);
	Lrs r = flush(0);
	ASSERT_EQ(1u, r.n);
	dwrite(GICD_IROUTER + 8 * 40, 0x1, 8, 1);
	EXPECT_EQ(1, irq(40)->target);
	EXPECT_TRUE(inAp(0, 40)) << "stays with the LR's vCPU until the fold";
	EXPECT_FALSE(inAp(1, 40));
	EXPECT_EQ(0u, flush(1).n) << "never in two vCPUs' list registers";
	EXPECT_EQ(1u << 1, fold(0, r)) << "LR untouched by the guest: still pending, for vCPU 1";
	EXPECT_FALSE(inAp(0, 40));
	EXPECT_TRUE(inAp(1, 40));
	EXPECT_EQ(0u, flush(0).n);
	EXPECT_EQ((std::vector<u32>{40}), flush(1).intids());
}

struct TyperCase {
	u32 nr_spis, nr_cpus, typer;
};

TEST_F(Vgic, DistributorIdRegisters)
{
	// IDbits 9 << 19, No1N 1 << 25; ITLinesNumber [4:0]; CPUNumber [7:5].
	const TyperCase cases[] = {
		{32, 1, 0x2480001}, {64, 4, 0x2480062},	  {32, 8, 0x24800e1},
		{32, 9, 0x24800e1}, {960, 64, 0x24800fe}, {0, 2, 0x2480020},
	};
	for (const TyperCase &c : cases) {
		SCOPED_TRACE(testing::Message() << c.nr_spis << " SPIs, " << c.nr_cpus << " vCPUs");
		reset(c.nr_spis, c.nr_cpus);
		EXPECT_EQ(c.typer, dread(GICD_TYPER));
		EXPECT_EQ(VGIC_IIDR, dread(GICD_IIDR));
		EXPECT_EQ(0u, dread(GICD_TYPER2));
		EXPECT_EQ(VGIC_PIDR2, dread(GICD_PIDR2));
		dwrite(GICD_TYPER, 0);
		dwrite(GICD_IIDR, 0);
		dwrite(GICD_PIDR2, 0);
		EXPECT_EQ(c.typer, dread(GICD_TYPER)) << "read-only";
		EXPECT_EQ(VGIC_PIDR2, dread(GICD_PIDR2));
	}
}

TEST_F(Vgic, DistributorCtlr)
{
	EXPECT_EQ(kCtlrRao, dread(GICD_CTLR)) << "ARE and DS read as one, RWP as zero";
	dwrite(GICD_CTLR, 0xffffffff);
	EXPECT_EQ(kCtlrRao | kG0 | kG1, dread(GICD_CTLR));
	EXPECT_EQ(kG0 | kG1, d.ctlr);
	dwrite(GICD_CTLR, 0);
	EXPECT_EQ(kCtlrRao, dread(GICD_CTLR)) << "ARE/DS cannot be cleared";
	dwrite(GICD_CTLR, kG1);
	EXPECT_EQ(kCtlrRao | kG1, dread(GICD_CTLR));

	// Enabling a group kicks the vCPUs with something now deliverable.
	arm(40, 0x10);
	arm(41, 0x10, false, 0, false);
	dwrite(GICD_IROUTER + 8 * 41, 2, 8);
	dwrite(GICD_CTLR, 0);
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 40, true));
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 41, true));
	EXPECT_EQ(1u, dwrite(GICD_CTLR, kG1));
	EXPECT_EQ(4u, dwrite(GICD_CTLR, kG0 | kG1));
	EXPECT_EQ(0u, dwrite(GICD_CTLR, kG0 | kG1)) << "nothing newly enabled";
	EXPECT_EQ(0u, dwrite(GICD_CTLR, kG0));
	EXPECT_EQ(1u, dwrite(GICD_CTLR, kG0 | kG1));
}

struct BitRegCase {
	const char *name;
	u32 set, clear; // the set and the clear register (the same for IGROUPR)
};

TEST_F(Vgic, DistributorBitRegisters)
{
	const BitRegCase cases[] = {
		{"IGROUPR", GICD_IGROUPR, GICD_IGROUPR},
		{"I?ENABLER", GICD_ISENABLER, GICD_ICENABLER},
		{"I?PENDR", GICD_ISPENDR, GICD_ICPENDR},
		{"I?ACTIVER", GICD_ISACTIVER, GICD_ICACTIVER},
	};
	for (const BitRegCase &c : cases) {
		SCOPED_TRACE(c.name);
		reset(kSpis, kCpus);
		for (u32 r = 1; r < 3; r++) { // INTIDs 32-95
			u32 s = c.set + 4 * r, k = c.clear + 4 * r;
			EXPECT_EQ(0u, dread(s));
			dwrite(s, 0x8000'0005);
			EXPECT_EQ(0x8000'0005u, dread(s));
			EXPECT_EQ(0x8000'0005u, dread(k));
			dwrite(s, c.set == c.clear ? 0x8000'0005 : 0); // writing 0 changes nothing
			EXPECT_EQ(0x8000'0005u, dread(k));
			dwrite(k, c.set == c.clear ? 0x8000'0004 : 0x1);
			EXPECT_EQ(0x8000'0004u, dread(s));
			u32 intid = 32 * r + 2;
			vgic_irq *i = irq(intid);
			bool state = c.set == GICD_IGROUPR     ? i->group
				     : c.set == GICD_ISENABLER ? i->enabled
				     : c.set == GICD_ISPENDR   ? i->pending_latch
							       : i->active;
			EXPECT_TRUE(state) << "INTID " << intid;
			EXPECT_FALSE(irq(intid - 2)->group || irq(intid - 2)->enabled ||
				     irq(intid - 2)->pending_latch || irq(intid - 2)->active);
		}
		// INTIDs 0-31 are the redistributors' (ARE = 1); 96+ do not exist.
		for (u32 r : {0u, 3u, 31u}) {
			State before = snap();
			dwrite(c.set + 4 * r, 0xffffffff);
			dwrite(c.clear + 4 * r, 0xffffffff);
			EXPECT_TRUE(same(before)) << "register " << r;
			for (u32 cpu = 0; cpu < kCpus; cpu++)
				rwrite(sgiOff(cpu, c.set), 0xffffffff);
			EXPECT_EQ(0u, dread(c.set + 4 * r)) << "register " << r;
			EXPECT_EQ(0u, dread(c.clear + 4 * r)) << "register " << r;
		}
	}
}

TEST_F(Vgic, PendingRegistersAndTheLine)
{
	arm(40, 0x10);
	vgic_set_level(&d, 0, 40, true);
	EXPECT_EQ(bit(40), dread(reg(GICD_ISPENDR, 40)));
	dwrite(reg(GICD_ICPENDR, 40), bit(40));
	EXPECT_EQ(bit(40), dread(reg(GICD_ICPENDR, 40))) << "a high level line stays pending";
	vgic_set_level(&d, 0, 40, false);
	EXPECT_EQ(0u, dread(reg(GICD_ISPENDR, 40)));
	EXPECT_EQ(1u, dwrite(reg(GICD_ISPENDR, 40), bit(40))) << "latched, deliverable";
	EXPECT_EQ(bit(40), dread(reg(GICD_ISPENDR, 40)));
	Lrs r = flush();
	ASSERT_EQ(1u, r.n);
	ack(r.lr[0]);
	fold(0, r);
	EXPECT_FALSE(pending(40)) << "acknowledging a level interrupt clears the latch";
	EXPECT_EQ(bit(40), dread(reg(GICD_ISACTIVER, 40)));
	dwrite(reg(GICD_ICACTIVER, 40), bit(40));
	EXPECT_EQ(0u, dread(reg(GICD_ISACTIVER, 40)));
	EXPECT_EQ(0u, flush().n);

	arm(41, 0x10, true);
	dwrite(reg(GICD_ISPENDR, 41), bit(41));
	vgic_set_level(&d, 0, 41, true);
	dwrite(reg(GICD_ICPENDR, 41), bit(41));
	EXPECT_FALSE(pending(41)) << "edge: the line does not matter";
}

TEST_F(Vgic, RemoteClearActiveIsNotUndoneByTheFold)
{
	arm(40, 0x10, true);
	vgic_set_level(&d, 0, 40, true);
	Lrs r = flush(0);
	ack(r.lr[0]); // vCPU 0 is in the handler
	dwrite(reg(GICD_ICACTIVER, 40), bit(40), 4, 1);
	EXPECT_TRUE(irq(40)->touched);
	fold(0, r);
	EXPECT_FALSE(irq(40)->active) << "the fold does not resurrect it";
	EXPECT_FALSE(irq(40)->touched);
	EXPECT_EQ(0u, flush(0).n);
}

TEST_F(Vgic, RemotePendingChangesWinOverTheListRegister)
{
	arm(40, 0x10, true);
	vgic_set_level(&d, 0, 40, true);
	Lrs r = flush(0);
	dwrite(reg(GICD_ICPENDR, 40), bit(40), 4, 2); // the LR still says pending
	fold(0, r);
	EXPECT_FALSE(pending(40));
	EXPECT_EQ(0u, flush(0).n);

	dwrite(reg(GICD_ISPENDR, 40), bit(40), 4, 0);
	r = flush(0);
	handle(r.lr[0]);			      // taken and ended by vCPU 0 ...
	dwrite(reg(GICD_ISPENDR, 40), bit(40), 4, 3); // ... while vCPU 3 pends it again
	fold(0, r);
	EXPECT_TRUE(pending(40));
	dwrite(reg(GICD_ISACTIVER, 40), bit(40), 4, 3);
	EXPECT_FALSE(irq(40)->touched) << "not in a list register now";
	r = flush(0);
	EXPECT_EQ(VGIC_ICH_LR_PENDING | VGIC_ICH_LR_ACTIVE, lrState(r.lr[0]));
	handle(r.lr[0]);
	fold(0, r);

	// A redistributor access by another vCPU to this vCPU's SGI.
	arm(1, 0x10, false, 0);
	vgic_write_sgi(&d, 0, VGIC_SGI1R, sgiValue(1, 0x1));
	r = flush(0);
	ack(r.lr[0]);
	rwrite(sgiOff(0, GICD_ICACTIVER), bit(1), 4, 1);
	fold(0, r);
	EXPECT_FALSE(irq(1, 0)->active);
}

TEST_F(Vgic, DistributorPriorities)
{
	dwrite(GICD_IPRIORITYR + 40, 0xff, 1);
	EXPECT_EQ(0xf8u, irq(40)->priority);
	EXPECT_EQ(0xf8u, dread(GICD_IPRIORITYR + 40, 1));
	dwrite(GICD_IPRIORITYR + 44, 0x1020'3047, 4);
	EXPECT_EQ(0x1020'3040u, dread(GICD_IPRIORITYR + 44));
	EXPECT_EQ(0x40u, irq(44)->priority);
	EXPECT_EQ(0x10u, irq(47)->priority);
	EXPECT_EQ(0x30u, dread(GICD_IPRIORITYR + 45, 1));
	EXPECT_EQ(0xf8u, dread(GICD_IPRIORITYR + 40, 4));
	dwrite(GICD_IPRIORITYR + 40, 0x07, 1);
	EXPECT_EQ(0u, irq(40)->priority);
	dwrite(GICD_IPRIORITYR + 92, 0x8888'8888, 4);
	EXPECT_EQ(0x8888'8888u, dread(GICD_IPRIORITYR + 92)) << "INTIDs 92-95";

	State before = snap();
	dwrite(GICD_IPRIORITYR + 0, 0xffffffff); // INTIDs 0-31: the redistributors'
	dwrite(GICD_IPRIORITYR + 27, 0xff, 1);
	dwrite(GICD_IPRIORITYR + 96, 0xffffffff); // no such SPIs
	dwrite(GICD_IPRIORITYR + 44, 0xffff, 2);  // 16-bit
	dwrite(GICD_IPRIORITYR + 42, 0xffffffff); // misaligned
	EXPECT_TRUE(same(before));
	EXPECT_EQ(0u, dread(GICD_IPRIORITYR + 96));
	EXPECT_EQ(0u, dread(GICD_IPRIORITYR + 44, 2));

	// A higher priority than a sleeping vCPU's PMR: kicked.
	arm(50, 0xf0);
	vgic_set_level(&d, 0, 50, true);
	EXPECT_FALSE(vgic_has_pending(&d, 0, vmcr(VGIC_ICH_VMCR_ENG1, 0x80)));
	EXPECT_EQ(1u, dwrite(GICD_IPRIORITYR + 50, 0x40, 1));
	EXPECT_TRUE(vgic_has_pending(&d, 0, vmcr(VGIC_ICH_VMCR_ENG1, 0x80)));
}

TEST_F(Vgic, DistributorIcfgr)
{
	const u32 r2 = GICD_ICFGR + 8; // INTIDs 32-47
	EXPECT_EQ(0u, dread(r2)) << "SPIs reset level-sensitive";
	dwrite(r2, 0xffffffff);
	EXPECT_EQ(0xaaaaaaaau, dread(r2)) << "bit 0 of each field reads as zero";
	EXPECT_EQ(VGIC_CFG_EDGE, irq(32)->config);
	dwrite(r2, 0x5555'5558);
	EXPECT_EQ(0x8u, dread(r2));
	EXPECT_EQ(VGIC_CFG_EDGE, irq(33)->config);
	EXPECT_EQ(VGIC_CFG_LEVEL, irq(32)->config);
	dwrite(GICD_ICFGR + 20, 0x8000'0000); // INTID 95
	EXPECT_EQ(VGIC_CFG_EDGE, irq(95)->config);

	State before = snap();
	dwrite(GICD_ICFGR, 0x5555'5555);      // SGIs: the redistributor's, read-only
	dwrite(GICD_ICFGR + 4, 0xaaaa'aaaa);  // PPIs
	dwrite(GICD_ICFGR + 24, 0xaaaa'aaaa); // INTIDs 96-111: no such SPIs
	EXPECT_TRUE(same(before));
	EXPECT_EQ(0u, dread(GICD_ICFGR));
	EXPECT_EQ(0u, dread(GICD_ICFGR + 4));
	EXPECT_EQ(0u, dread(GICD_ICFGR + 24));

	// Level to edge with the line high: no longer pending unless latched.
	arm(34, 0x10);
	vgic_set_level(&d, 0, 34, true);
	EXPECT_TRUE(inAp(0, 34));
	arm(34, 0x10, true);
	EXPECT_FALSE(pending(34));
	EXPECT_FALSE(inAp(0, 34));
}

TEST_F(Vgic, RedistributorRdPage)
{
	vgic_set_vcpu(&d, 2, true, 0xab'0012'3456ULL);
	EXPECT_EQ(0xab12'3456'0000'0200ULL, rread(rdOff(2, GICR_TYPER), 8));
	EXPECT_EQ(0x200u, rread(rdOff(2, GICR_TYPER), 4));
	EXPECT_EQ(0xab12'3456u, rread(rdOff(2, GICR_TYPER + 4), 4));
	EXPECT_EQ(0x0000'0001'0000'0100ULL, rread(rdOff(1, GICR_TYPER), 8));
	EXPECT_EQ(0x0000'0003'0000'0310ULL, rread(rdOff(3, GICR_TYPER), 8)) << "Last";
	EXPECT_EQ(0u, rread(rdOff(0, GICR_TYPER), 8));
	rwrite(rdOff(0, GICR_TYPER), ~0ULL, 8);
	EXPECT_EQ(0u, rread(rdOff(0, GICR_TYPER), 8)) << "read-only";
	reset(32, 1);
	EXPECT_EQ(0x10u, rread(rdOff(0, GICR_TYPER), 8)) << "one redistributor: the last";
	reset(kSpis, kCpus);

	for (u32 f = 0; f < kCpus; f++) {
		SCOPED_TRACE(testing::Message() << "frame " << f);
		EXPECT_EQ(0u, rread(rdOff(f, GICR_CTLR)));
		rwrite(rdOff(f, GICR_CTLR), 0xffffffff);
		EXPECT_EQ(0u, rread(rdOff(f, GICR_CTLR))) << "no LPIs, RWP 0";
		EXPECT_EQ(VGIC_IIDR, rread(rdOff(f, GICR_IIDR)));
		EXPECT_EQ(VGIC_PIDR2, rread(rdOff(f, GICR_PIDR2)));
		rwrite(rdOff(f, GICR_STATUSR), 0xffffffff);
		EXPECT_EQ(0u, rread(rdOff(f, GICR_STATUSR)));
		EXPECT_EQ(0x6u, rread(rdOff(f, GICR_WAKER))) << "asleep at reset";
	}
	rwrite(rdOff(1, GICR_WAKER), 0);
	EXPECT_EQ(0u, rread(rdOff(1, GICR_WAKER)));
	EXPECT_FALSE(cpus[1].sleep);
	EXPECT_TRUE(cpus[0].sleep);
	rwrite(rdOff(1, GICR_WAKER), 0x4); // ChildrenAsleep is read-only
	EXPECT_EQ(0u, rread(rdOff(1, GICR_WAKER)));
	rwrite(rdOff(1, GICR_WAKER), 0xffffffff);
	EXPECT_EQ(0x6u, rread(rdOff(1, GICR_WAKER)));
	rwrite(rdOff(1, GICR_WAKER), 0xffff'fffd);
	EXPECT_EQ(0u, rread(rdOff(1, GICR_WAKER)));
	EXPECT_EQ(0u, rread(rdOff(4, GICR_TYPER), 8)) << "frame 4: no such redistributor";
	EXPECT_EQ(0u, rread(rdOff(4, GICR_PIDR2)));
}

TEST_F(Vgic, RedistributorSgiPage)
{
	rwrite(sgiOff(1, GICD_ISENABLER), 0x8000'0001);
	EXPECT_TRUE(irq(0, 1)->enabled);
	EXPECT_TRUE(irq(31, 1)->enabled);
	EXPECT_FALSE(irq(0, 0)->enabled) << "frame 1 is vCPU 1's";
	EXPECT_EQ(0x8000'0001u, rread(sgiOff(1, GICD_ICENABLER)));
	rwrite(sgiOff(1, GICD_ICENABLER), 0x1);
	EXPECT_EQ(0x8000'0000u, rread(sgiOff(1, GICD_ISENABLER)));
	rwrite(sgiOff(1, GICD_IGROUPR), 0xffff'0000);
	EXPECT_EQ(0xffff'0000u, rread(sgiOff(1, GICD_IGROUPR)));
	EXPECT_TRUE(irq(VGIC_INTID_VTIMER, 1)->group);
	rwrite(sgiOff(1, GICD_ISPENDR), bit(7));
	EXPECT_TRUE(irq(7, 1)->pending_latch);
	EXPECT_EQ(bit(7), rread(sgiOff(1, GICD_ICPENDR)));
	rwrite(sgiOff(1, GICD_ICPENDR), bit(7));
	EXPECT_EQ(0u, rread(sgiOff(1, GICD_ISPENDR)));
	rwrite(sgiOff(1, GICD_ISACTIVER), bit(20));
	EXPECT_TRUE(irq(20, 1)->active);
	EXPECT_EQ(bit(20), rread(sgiOff(1, GICD_ICACTIVER)));
	rwrite(sgiOff(1, GICD_ICACTIVER), bit(20));
	EXPECT_FALSE(irq(20, 1)->active);

	rwrite(sgiOff(1, GICD_IPRIORITYR + VGIC_INTID_VTIMER), 0xa7, 1);
	EXPECT_EQ(0xa0u, irq(VGIC_INTID_VTIMER, 1)->priority);
	EXPECT_EQ(0xa0u << 24, rread(sgiOff(1, GICD_IPRIORITYR + 24)));
	rwrite(sgiOff(1, GICD_IPRIORITYR + 28), 0x1828'3848);
	EXPECT_EQ(0x48u, irq(28, 1)->priority);
	EXPECT_EQ(0x18u, irq(31, 1)->priority);
	EXPECT_EQ(0x38u, rread(sgiOff(1, GICD_IPRIORITYR + 29), 1));

	EXPECT_EQ(0xaaaa'aaaau, rread(sgiOff(1, GICR_ICFGR0)));
	EXPECT_EQ(0u, rread(sgiOff(1, GICR_ICFGR1)));
	State before = snap();
	rwrite(sgiOff(1, GICR_ICFGR0), 0);
	rwrite(sgiOff(1, GICR_ICFGR1), 0xffffffff);
	rwrite(sgiOff(1, GICD_ISENABLER + 4), 0xffffffff); // there is only register 0
	rwrite(sgiOff(1, GICD_IPRIORITYR + 32), 0xffffffff);
	rwrite(sgiOff(1, 0xd00), 0xffffffff); // GICR_IGRPMODR0
	rwrite(sgiOff(1, 0xe00), 0xffffffff); // GICR_NSACR
	rwrite(sgiOff(4, GICD_ISENABLER), 0xffffffff);
	EXPECT_TRUE(same(before));
	EXPECT_EQ(0xaaaa'aaaau, rread(sgiOff(1, GICR_ICFGR0)));
	EXPECT_EQ(0u, rread(sgiOff(1, GICR_ICFGR1)));
	EXPECT_EQ(0u, rread(sgiOff(1, GICD_IPRIORITYR + 32)));
	EXPECT_EQ(0u, rread(sgiOff(4, GICD_ISENABLER)));
	EXPECT_EQ(0u, rread(sgiOff(1, 0xd00)));
}

struct Access {
	u32 offset, len;
};

TEST_F(Vgic, BadAccessesReadZeroAndIgnoreWrites)
{
	busy();
	const Access dist[] = {
		{GICD_CTLR, 1},
		{GICD_CTLR, 2},
		{GICD_CTLR, 8},
		{GICD_CTLR + 1, 1},
		{GICD_TYPER, 2},
		{GICD_TYPER, 1},
		{GICD_ISENABLER + 4, 8},
		{GICD_ISENABLER + 4, 2},
		{GICD_ISENABLER + 6, 4},
		{GICD_ISENABLER + 5, 1},
		{GICD_ISPENDR + 5, 1},
		{GICD_IPRIORITYR + 40, 2},
		{GICD_IPRIORITYR + 42, 4},
		{GICD_IPRIORITYR + 40, 8},
		{GICD_ICFGR + 8, 8},
		{GICD_ICFGR + 9, 1},
		{GICD_IROUTER + 8 * 40, 2},
		{GICD_IROUTER + 8 * 40, 1},
		{GICD_IROUTER + 8 * 40 + 2, 2},
		{GICD_IROUTER + 8 * 40 + 4, 8},
		{GICD_IROUTER, 8},
		{GICD_IROUTER + 8 * 31, 8},
		{GICD_IROUTER + 8 * 96, 8},
		{GICD_IROUTER + 8 * 1019, 8},
		{GICD_IROUTER + 8 * 1023, 4},
		{0x10, 4}, // GICD_STATUSR
		{0x40, 4}, // GICD_SETSPI_NSR
		{0x48, 4}, // GICD_CLRSPI_NSR
		{0x50, 4}, // GICD_SETSPI_SR
		{0x58, 4}, // GICD_CLRSPI_SR
		{0x800 + 40, 1},
		{0x820, 4}, // GICD_ITARGETSR
		{0xd04, 4}, // GICD_IGRPMODR
		{0xe08, 4}, // GICD_NSACR
		{0xf00, 4}, // GICD_SGIR
		{0xf10, 4}, // GICD_CPENDSGIR
		{0xf20, 4}, // GICD_SPENDSGIR
		{0x1000, 4},
		{0x2000, 4},
		{0x3000, 4}, // extended SPI ranges
		{0xc000, 4},
		{0xffd0, 4},
		{0xffe0, 4},
		{0xffe4, 4},
		{0xffec, 4},
		{0xfffc, 4},
		{GICD_PIDR2, 1},
		{GICD_PIDR2, 8},
		{GICD_PIDR2, 2},
		{0x10000, 4},
		{0x10004, 4},
		{0xffffffff, 1},
		{0xfffffffc, 4},
		{GICD_CTLR, 0},
		{GICD_CTLR, 3},
		{GICD_CTLR, 16},
		{GICD_ISENABLER + 4, 5},
	};
	State before = snap();
	for (const Access &a : dist) {
		SCOPED_TRACE(testing::Message() << std::hex << "offset 0x" << a.offset << " len "
						<< std::dec << a.len);
		EXPECT_EQ(0u, dread(a.offset, a.len));
		EXPECT_EQ(0u, dwrite(a.offset, 0, a.len));
		EXPECT_EQ(0u, dwrite(a.offset, 0x5a5a'5a5a'5a5a'5a5aULL, a.len));
		EXPECT_TRUE(same(before));
	}
	const Access redist[] = {
		{GICR_CTLR, 8},
		{GICR_TYPER, 2},
		{GICR_TYPER + 4, 8},
		{GICR_TYPER + 1, 1},
		{GICR_WAKER, 1},
		{GICR_WAKER, 2},
		{GICR_WAKER + 2, 2},
		{GICR_IIDR, 8},
		{GICR_PIDR2, 8},
		{0x70, 8},
		{0x78, 8}, // GICR_PROPBASER/PENDBASER
		{0x10000 + GICD_ISENABLER, 2},
		{0x10000 + GICD_ISENABLER, 8},
		{0x10000 + GICD_IPRIORITYR + 2, 2},
		{0x10000 + GICD_IPRIORITYR + 2, 4},
		{0x10000 + GICR_ICFGR0, 1},
		{0x10000 + 0xd00, 4},
		{0x10000 + 0xe00, 4},
		{0x10000 + 0xffe8, 4},
		{0x20000 * kCpus, 4},
		{0x20000 * kCpus + 8, 8},
		{0x20000 * kCpus + 0x10100, 4},
	};
	for (u32 f = 0; f < kCpus; f++)
		for (const Access &a : redist) {
			u64 off = a.offset >= 0x20000 ? a.offset : rdOff(f, a.offset);
			SCOPED_TRACE(testing::Message() << std::hex << "offset 0x" << off << " len "
							<< std::dec << a.len);
			EXPECT_EQ(0u, rread(off, a.len));
			EXPECT_EQ(0u, rwrite(off, 0, a.len));
			EXPECT_EQ(0u, rwrite(off, 0x5a5a'5a5a'5a5a'5a5aULL, a.len));
			EXPECT_TRUE(same(before));
		}
	EXPECT_EQ(0u, rread(~0ULL & ~7ULL, 8));
	u64 v = 1;
	EXPECT_EQ(0u, vgic_dist_access(&d, kCpus, GICD_CTLR, 4, false, &v)) << "no such vCPU";
	EXPECT_EQ(0u, v);
	EXPECT_EQ(0u, vgic_redist_access(&d, kCpus, rdOff(0, GICR_PIDR2), 4, false, &v));
	EXPECT_EQ(0u, v);
}

// Every offset of the 64 KiB distributor frame and of the redistributor region (and past
// its end) at every width: nothing crashes (run under ASan/UBSan), reads fit the width,
// and the state stays consistent.
TEST_F(Vgic, SweepEveryOffsetAndWidth)
{
	for (u32 nr_spis : {32u, 960u}) {
		reset(nr_spis, 3);
		busy();
		for (u32 off = 0; off < 0x10000; off++)
			for (u32 len : {1u, 2u, 4u, 8u}) {
				u64 v = dread(off, len);
				if (len < 8) {
					ASSERT_EQ(0u, v >> (8 * len)) << std::hex << off;
				}
				dwrite(off, ~0ULL, len);
				dwrite(off, v, len);
			}
		for (u64 off = 0; off < 4 * 0x20000; off++)
			for (u32 len : {1u, 2u, 4u, 8u}) {
				u64 v = rread(off, len, static_cast<u32>(off % 3));
				if (len < 8) {
					ASSERT_EQ(0u, v >> (8 * len)) << std::hex << off;
				}
				rwrite(off, ~0ULL, len);
				rwrite(off, v, len);
			}
		checkInvariants();
		for (u32 c = 0; c < 3; c++) {
			Lrs r = flush(c, 16);
			for (u32 i = 0; i < r.n; i++)
				handle(r.lr[i]);
			fold(c, r);
		}
		checkInvariants();
	}
}

TEST_F(Vgic, LargestConfigurationFlushesInOrder)
{
	reset(VGIC_MAX_SPIS, 2);
	EXPECT_EQ(0x2480000u | 30 | 1 << 5, dread(GICD_TYPER));
	std::vector<std::pair<u32, u32>> want;
	for (u32 intid = 32; intid < VGIC_MAX_INTID; intid++) {
		u32 prio = (intid * 7 % 32) * 8;
		arm(intid, prio, true);
		dwrite(reg(GICD_ISPENDR, intid), bit(intid));
		want.emplace_back(prio, intid);
	}
	EXPECT_TRUE(inAp(0, VGIC_MAX_INTID - 1)) << "the last INTID has its ap bit";
	EXPECT_EQ(0xffffffffu, dread(reg(GICD_ISPENDR, 991))) << "INTIDs 960-991";
	std::sort(want.begin(), want.end());
	std::vector<u32> seen;
	for (;;) {
		Lrs r = flush(0, 16);
		if (!r.n)
			break;
		for (u32 i = 0; i < r.n; i++) {
			seen.push_back(lrIntid(r.lr[i]));
			handle(r.lr[i]);
		}
		fold(0, r);
	}
	ASSERT_EQ(want.size(), seen.size());
	for (size_t i = 0; i < want.size(); i++)
		ASSERT_EQ(want[i].second, seen[i]) << "position " << i;

	dwrite(GICD_IROUTER + 8 * 991, 1, 8);
	dwrite(reg(GICD_ISPENDR, 991), bit(991));
	EXPECT_EQ((std::vector<u32>{991}), flush(1).intids());
}

struct PendingCase {
	const char *what;
	u32 ctlr;
	u64 vmcr;
	bool enabled, group1;
	u32 prio;
	bool want;
};

TEST_F(Vgic, HasPendingHonoursEnablesAndPmr)
{
	const PendingCase cases[] = {
		{"all enabled", kG1, vmcr(VGIC_ICH_VMCR_ENG1, 0xff), true, true, 0x80, true},
		{"PMR equal", kG1, vmcr(VGIC_ICH_VMCR_ENG1, 0x80), true, true, 0x80, false},
		{"PMR above", kG1, vmcr(VGIC_ICH_VMCR_ENG1, 0x88), true, true, 0x80, true},
		{"PMR 0", kG1, vmcr(VGIC_ICH_VMCR_ENG1, 0), true, true, 0x00, false},
		{"vmcr Group 0 only", kG1, vmcr(VGIC_ICH_VMCR_ENG0, 0xff), true, true, 0x80, false},
		{"ctlr Group 0 only", kG0, vmcr(VGIC_ICH_VMCR_ENG1 | VGIC_ICH_VMCR_ENG0, 0xff),
		 true, true, 0x80, false},
		{"disabled", kG1, vmcr(VGIC_ICH_VMCR_ENG1, 0xff), false, true, 0x80, false},
		{"Group 0", kG0, vmcr(VGIC_ICH_VMCR_ENG0, 0xff), true, false, 0x80, true},
		{"Group 0, vmcr Group 1", kG0 | kG1, vmcr(VGIC_ICH_VMCR_ENG1, 0xff), true, false,
		 0x80, false},
	};
	for (const PendingCase &c : cases) {
		SCOPED_TRACE(c.what);
		reset(32, 2);
		arm(40, c.prio, false, 0, c.group1);
		if (!c.enabled)
			dwrite(reg(GICD_ICENABLER, 40), bit(40));
		dwrite(GICD_CTLR, c.ctlr);
		EXPECT_FALSE(vgic_has_pending(&d, 0, c.vmcr)) << "nothing pending yet";
		vgic_set_level(&d, 0, 40, true);
		EXPECT_EQ(c.want, vgic_has_pending(&d, 0, c.vmcr));
		EXPECT_FALSE(vgic_has_pending(&d, 1, c.vmcr)) << "routed to vCPU 0";
	}
	reset(32, 2);
	arm(40, 0x10);
	dwrite(reg(GICD_ISACTIVER, 40), bit(40));
	EXPECT_FALSE(vgic_has_pending(&d, 0, vmcr(VGIC_ICH_VMCR_ENG1, 0xff))) << "active only";
	EXPECT_FALSE(vgic_has_pending(&d, 2, vmcr(VGIC_ICH_VMCR_ENG1, 0xff))) << "no vCPU 2";
}

TEST_F(Vgic, KickMasks)
{
	arm(40, 0x10);
	dwrite(GICD_IROUTER + 8 * 40, 2, 8);
	EXPECT_EQ(1u << 2, vgic_set_level(&d, 0, 40, true));
	EXPECT_EQ(0u, vgic_set_level(&d, 3, 40, true)) << "no change (cpu ignored for SPIs)";
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 40, false));

	dwrite(reg(GICD_ICENABLER, 40), bit(40));
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 40, true)) << "disabled";
	EXPECT_EQ(1u << 2, dwrite(reg(GICD_ISENABLER, 40), bit(40)));
	EXPECT_EQ(0u, dwrite(reg(GICD_ICENABLER, 40), bit(40)));
	dwrite(reg(GICD_ISENABLER, 40), bit(40));
	EXPECT_EQ(0u, dwrite(reg(GICD_IGROUPR, 40), 0)) << "to Group 0, which is disabled";
	EXPECT_EQ(1u << 2, dwrite(reg(GICD_IGROUPR, 40), bit(40)));

	arm(VGIC_INTID_PTIMER, 0x10, false, 3);
	EXPECT_EQ(1u << 3, vgic_set_level(&d, 3, VGIC_INTID_PTIMER, true));
	EXPECT_TRUE(pending(VGIC_INTID_PTIMER, 3));
	EXPECT_FALSE(pending(VGIC_INTID_PTIMER, 2));
	EXPECT_EQ(0u, vgic_set_level(&d, 4, VGIC_INTID_PTIMER, true)) << "no vCPU 4";
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 3, true)) << "SGIs have no line";
	EXPECT_FALSE(irq(3)->line_level);
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 96, true)) << "no such SPI";
	EXPECT_EQ(0u, vgic_set_level(&d, 0, 1023, true));

	for (u32 c = 0; c < kCpus; c++)
		arm(9, 0x10, false, c);
	EXPECT_EQ(0xeu, vgic_write_sgi(&d, 0, VGIC_SGI1R, sgiValue(9, 0, 0, 0, 0, 0, true)));
	EXPECT_EQ(0u, vgic_set_vcpu(&d, 9, true, 0)) << "no vCPU 9";
}

} // namespace
