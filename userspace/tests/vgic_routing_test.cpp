// SPDX-License-Identifier: GPL-2.0
// The vGIC's pure logic (module/vgic_core.c, module/vgic_mmio.c), run natively: SGIs, routing,
// the largest configuration, WFI wake-up and kick masks.
#include "vgic_test.h"

namespace
{
using namespace vgic_test;

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
