// SPDX-License-Identifier: GPL-2.0
// Shared by the vGIC core's host tests (vgic_*_test.cpp): register offsets, list-register
// helpers and the fixture that owns a vGIC with 64 SPIs and 4 vCPUs.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

extern "C" {
#include "vgic_core.h"
}

namespace vgic_test
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

inline u32 lrIntid(u64 lr)
{
	return static_cast<u32>(lr & VGIC_ICH_LR_VINTID_MASK);
}
inline u32 lrPrio(u64 lr)
{
	return static_cast<u32>((lr & VGIC_ICH_LR_PRIORITY_MASK) >> VGIC_ICH_LR_PRIORITY_SHIFT);
}
inline u64 lrState(u64 lr)
{
	return lr & VGIC_ICH_LR_STATE_MASK;
}

// What the guest does to a list register: acknowledge (pending -> active), end
// (deactivate), or both.
inline void ack(u64 &lr)
{
	if (lr & VGIC_ICH_LR_PENDING)
		lr = (lr & ~VGIC_ICH_LR_PENDING) | VGIC_ICH_LR_ACTIVE;
}
inline void eoi(u64 &lr)
{
	lr &= ~VGIC_ICH_LR_ACTIVE;
}
inline void handle(u64 &lr)
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
		// ap_words, which the flush reads first, says which ap[] words are not zero.
		for (u32 c = 0; c < d.nr_cpus; c++)
			for (u32 w = 0; w < VGIC_AP_WORDS; w++)
				EXPECT_EQ(cpus[c].ap[w] != 0, (cpus[c].ap_words >> w & 1) != 0)
					<< "ap_words bit " << w << " of vCPU " << c;
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

} // namespace vgic_test
