// SPDX-License-Identifier: GPL-2.0
// The vGIC's pure logic (module/vgic_core.c, module/vgic_mmio.c), run natively: state, list
// registers, level and edge interrupts.
#include "vgic_test.h"

namespace
{
using namespace vgic_test;

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

} // namespace
