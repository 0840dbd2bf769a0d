// SPDX-License-Identifier: GPL-2.0
// The vGIC's pure logic (module/vgic_core.c, module/vgic_mmio.c), run natively: every GICD_ and
// GICR_ register, bad accesses and a sweep of every offset and width.
#include "vgic_test.h"

namespace
{
using namespace vgic_test;

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

} // namespace
