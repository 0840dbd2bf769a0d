// SPDX-License-Identifier: GPL-2.0
// The guest campaign's interrupt gadgets: short instruction sequences that reach the vGIC
// and the timers. A register is loaded with an address inside the distributor or a
// redistributor frame (any register block, any width, sometimes one frame past the last
// or misaligned) and read or written through; ICC_* system registers are read and written,
// SGIs sent to random target lists and affinities; the virtual and physical timers are
// programmed to fire soon; interrupts are switched on at every level they pass.
#include <cstdint>

#include "fuzz.h"

namespace fuzz
{
namespace
{

// MRS/MSR Xt, <op0, op1, CRn, CRm, op2> (Arm ARM C5.2 "System register encodings").
constexpr uint32_t sysreg(uint32_t op0, uint32_t op1, uint32_t crn, uint32_t crm, uint32_t op2)
{
	return ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5);
}
constexpr uint32_t mrs_base = 0xd5300000, msr_base = 0xd5100000;

// The GICv3 CPU interface registers at EL1 (IHI 0069 12.2).
const uint32_t icc_regs[] = {
	sysreg(3, 0, 12, 8, 0),	 sysreg(3, 0, 12, 8, 1),
	sysreg(3, 0, 12, 8, 2), // IAR0 EOIR0 HPPIR0
	sysreg(3, 0, 12, 8, 3),	 sysreg(3, 0, 12, 8, 4),
	sysreg(3, 0, 12, 9, 0), // BPR0 AP0R0 AP1R0
	sysreg(3, 0, 12, 11, 1), sysreg(3, 0, 12, 11, 3),
	sysreg(3, 0, 12, 11, 5), // DIR RPR SGI1R
	sysreg(3, 0, 12, 11, 6), sysreg(3, 0, 12, 11, 7),
	sysreg(3, 0, 12, 12, 0), // ASGI1R SGI0R IAR1
	sysreg(3, 0, 12, 12, 1), sysreg(3, 0, 12, 12, 2),
	sysreg(3, 0, 12, 12, 3), // EOIR1 HPPIR1 BPR1
	sysreg(3, 0, 12, 12, 4), sysreg(3, 0, 12, 12, 5),
	sysreg(3, 0, 12, 12, 6),			// CTLR SRE IGRPEN0
	sysreg(3, 0, 12, 12, 7), sysreg(3, 0, 4, 6, 0), // IGRPEN1 PMR
};
constexpr uint32_t icc_sgi1r = sysreg(3, 0, 12, 11, 5), icc_asgi1r = sysreg(3, 0, 12, 11, 6);
constexpr uint32_t icc_sgi0r = sysreg(3, 0, 12, 11, 7), icc_pmr = sysreg(3, 0, 4, 6, 0);
constexpr uint32_t icc_igrpen1 = sysreg(3, 0, 12, 12, 7);

// The generic timer's EL0/EL1 registers (Arm ARM D11.2): the counters, CNTP_*, CNTV_*.
const uint32_t timer_regs[] = {
	sysreg(3, 3, 14, 0, 1), sysreg(3, 3, 14, 0, 2),
	sysreg(3, 3, 14, 2, 0), // CNTPCT CNTVCT CNTP_TVAL
	sysreg(3, 3, 14, 2, 1), sysreg(3, 3, 14, 2, 2),
	sysreg(3, 3, 14, 3, 0), // CNTP_CTL _CVAL CNTV_TVAL
	sysreg(3, 3, 14, 3, 1), sysreg(3, 3, 14, 3, 2),
	sysreg(3, 0, 14, 1, 0), // CNTV_CTL _CVAL CNTKCTL
};
constexpr uint32_t cnt_ctl_enable = 1; // CNT{P,V}_CTL.ENABLE, IMASK clear

// Register blocks of the distributor and of a redistributor frame (IHI 0069 12.8, 12.10).
constexpr uint32_t gicd_blocks[][2] = {
	{0x0000, 0x10},	  {0x0080, 0x380}, {0x0400, 0x400},   {0x0c00, 0x100},
	{0x6000, 0x2000}, {0xffd0, 0x30},  {0x0000, 0x10000},
};
constexpr uint32_t gicr_blocks[][2] = {
	{0x00000, 0x20}, {0x10080, 0x380}, {0x10400, 0x20},    {0x10c00, 0x8},
	{0x0ffd0, 0x30}, {0x1ffd0, 0x30},  {0x00000, 0x20000},
};
constexpr uint64_t redist_frame = 0x20000, sgi_frame = 0x10000;

// Loads and stores of 1, 2, 4 and 8 bytes, and a pair (no syndrome): Rt, [Xn].
constexpr uint32_t loads[] = {0x39400000, 0x79400000, 0xb9400000, 0xf9400000, 0x29400000};
constexpr uint32_t stores[] = {0x39000000, 0x79000000, 0xb9000000, 0xf9000000, 0x29000000};

// MOVZ/MOVK of value into Xd, 16 bits at a time: at most 4 instructions, returns how many.
size_t load_imm(uint32_t *w, uint32_t rd, uint64_t value)
{
	size_t n = 0;
	w[n++] = 0xd2800000 | uint32_t(value & 0xffff) << 5 | rd; // MOVZ
	for (uint32_t hw = 1; hw < 4; hw++)
		if (value >> (16 * hw) & 0xffff)
			w[n++] = 0xf2800000 | hw << 21 |
				 uint32_t(value >> (16 * hw) & 0xffff) << 5 | rd; // MOVK
	return n;
}

uint64_t block_offset(Rng &rng, const uint32_t (*blocks)[2], size_t nblocks, unsigned width)
{
	const uint32_t *b = blocks[rng.below(nblocks)];
	uint64_t off = b[0] + rng.below(b[1]);
	return rng.chance(95) ? off & ~uint64_t(width - 1) : off; // mostly aligned
}

// A load or store of a random width at a random register of the GIC.
size_t gic_mmio(Rng &rng, uint32_t *w, const GicLayout &gic)
{
	unsigned kind = unsigned(rng.below(5)), width = kind < 4 ? 1U << kind : 4;
	uint32_t rn = uint32_t(rng.below(30)), rt = uint32_t(rng.below(30));
	uint64_t addr;
	if (rng.chance(40)) {
		addr = gic.dist + block_offset(rng, gicd_blocks, 7, width);
	} else {
		uint64_t frame = rng.below(gic.frames + 1); // one past the last: not the GIC
		addr = gic.redist + frame * redist_frame + block_offset(rng, gicr_blocks, 7, width);
	}
	size_t n = load_imm(w, rn, addr);
	bool store = rng.chance(50);
	if (store && rng.chance(60))
		n += load_imm(w + n, rt, rng.chance(50) ? 0xffffffff : rng.edgy() & 0xffffffff);
	uint32_t rt2 = uint32_t(rng.below(30)) << 10; // pairs only
	w[n++] = (store ? stores : loads)[kind] | (kind == 4 ? rt2 : 0) | rn << 5 | rt;
	return n;
}

// ICC_SGI1R/ASGI1R/SGI0R (IHI 0069 12.2.20): TargetList [15:0], Aff1 [23:16], INTID
// [27:24], Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. Mostly the VM's own
// affinity (Aff3-1 and RS zero), sometimes anything.
size_t sgi(Rng &rng, uint32_t *w)
{
	uint64_t v = rng.below(0x10000) | rng.below(16) << 24;
	if (rng.chance(10))
		v |= 1ULL << 40; // IRM: everyone but me
	if (rng.chance(15))
		v |= rng.u64() & (0xffULL << 16 | 0xffULL << 32 | 0xfULL << 44 | 0xffULL << 48);
	uint32_t rt = uint32_t(rng.below(30));
	size_t n = load_imm(w, rt, v);
	static const uint32_t regs[] = {icc_sgi1r, icc_sgi1r, icc_asgi1r, icc_sgi0r};
	w[n++] = msr_base | regs[rng.below(4)] | rt;
	return n;
}

// A timer read, or a write that makes it fire soon (or never, or masked).
size_t timer(Rng &rng, uint32_t *w)
{
	uint32_t reg = timer_regs[rng.below(sizeof(timer_regs) / sizeof(timer_regs[0]))];
	uint32_t rt = uint32_t(rng.below(30));
	if (rng.chance(30)) {
		w[0] = mrs_base | reg | rt;
		return 1;
	}
	// Small values: a TVAL a few ticks ahead, a CVAL long past, CTL enabled or masked.
	uint64_t v = rng.chance(70) ? rng.below(4096) : rng.edgy();
	if (reg == timer_regs[3] || reg == timer_regs[6])
		v = rng.chance(80) ? cnt_ctl_enable : rng.below(8);
	size_t n = load_imm(w, rt, v);
	w[n++] = msr_base | reg | rt;
	return n;
}

// One step towards interrupts actually flowing: groups, enables, priority mask, PSTATE.I.
size_t enable(Rng &rng, uint32_t *w, const GicLayout &gic)
{
	uint32_t rn = uint32_t(rng.below(30)), rt = uint32_t(rng.below(30));
	uint64_t frame = gic.redist + rng.below(gic.frames) * redist_frame;
	uint64_t addr = 0, value = 0xffffffff;
	switch (rng.below(8)) {
	case 0:
		addr = gic.dist, value = 3; // GICD_CTLR: EnableGrp0 | EnableGrp1
		break;
	case 1:
		addr = gic.dist + 0x100 + 4 * (1 + rng.below(4)); // GICD_ISENABLER<n>: SPIs
		break;
	case 2:
		addr = gic.dist + 0x80 + 4 * (1 + rng.below(4)); // GICD_IGROUPR<n>: Group 1
		break;
	case 3:
		addr = frame + sgi_frame + 0x100; // GICR_ISENABLER0: SGIs, PPIs, timers
		break;
	case 4:
		addr = frame + sgi_frame + 0x80; // GICR_IGROUPR0
		break;
	case 5:
		addr = frame + 0x14, value = 0; // GICR_WAKER: awake
		break;
	case 6: {
		size_t n = load_imm(w, rt, rng.chance(50) ? 1 : 0xff);
		w[n++] = msr_base | (rng.chance(50) ? icc_igrpen1 : icc_pmr) | rt;
		return n;
	}
	default:
		w[0] = 0xd50342ff; // MSR DAIFClr, #2: take IRQs
		return 1;
	}
	size_t n = load_imm(w, rn, addr);
	n += load_imm(w + n, rt, value);
	w[n++] = 0xb9000000 | rn << 5 | rt; // STR Wt, [Xn]
	return n;
}

// STR Wt, [Xn] of value at addr, through x0 and x1.
size_t store32(uint32_t *w, uint64_t addr, uint32_t value)
{
	size_t n = load_imm(w, 0, addr);
	n += load_imm(w + n, 1, value);
	w[n++] = 0xb9000000 | 0 << 5 | 1; // STR W1, [X0]
	return n;
}

// MSR <reg>, Xt of value, through x1.
size_t msr(uint32_t *w, uint32_t reg, uint64_t value)
{
	size_t n = load_imm(w, 1, value);
	w[n++] = msr_base | reg | 1;
	return n;
}

} // namespace

size_t gic_prologue(Rng &rng, uint32_t *w, const GicLayout &gic, unsigned vcpu)
{
	uint64_t frame = gic.redist + vcpu * redist_frame;
	size_t n = 0;
	n += store32(w + n, gic.dist, 3);			    // GICD_CTLR: both groups
	n += store32(w + n, frame + 0x14, 0);			    // GICR_WAKER: awake
	n += store32(w + n, frame + sgi_frame + 0x80, ~0U);	    // GICR_IGROUPR0: Group 1
	n += store32(w + n, frame + sgi_frame + 0x100, ~0U);	    // GICR_ISENABLER0
	for (uint32_t r = 1; r <= 2; r++) {			    // SPIs 32-95
		n += store32(w + n, gic.dist + 0x80 + 4 * r, ~0U);  // GICD_IGROUPR<r>
		n += store32(w + n, gic.dist + 0x100 + 4 * r, ~0U); // GICD_ISENABLER<r>
	}
	n += msr(w + n, icc_pmr, 0xff);
	n += msr(w + n, icc_igrpen1, 1);
	n += msr(w + n, timer_regs[5], 1 + rng.below(20000)); // CNTV_TVAL: soon
	n += msr(w + n, timer_regs[6], cnt_ctl_enable);	      // CNTV_CTL
	if (rng.chance(50)) {
		n += msr(w + n, timer_regs[2], 1 + rng.below(20000)); // CNTP_TVAL
		n += msr(w + n, timer_regs[3], cnt_ctl_enable);	      // CNTP_CTL
	}
	w[n++] = 0xd50342ff; // MSR DAIFClr, #2
	return n;
}

size_t gic_gadget(Rng &rng, uint32_t *w, size_t room, const GicLayout &gic)
{
	if (room < max_gadget)
		return 0;
	switch (rng.below(10)) {
	case 0:
	case 1:
	case 2:
		return gic_mmio(rng, w, gic);
	case 3: {
		uint32_t reg = icc_regs[rng.below(sizeof(icc_regs) / sizeof(icc_regs[0]))];
		w[0] = (rng.chance(50) ? mrs_base : msr_base) | reg | uint32_t(rng.below(31));
		return 1;
	}
	case 4:
	case 5:
		return sgi(rng, w);
	case 6:
	case 7:
		return timer(rng, w);
	case 8:
		return enable(rng, w, gic);
	default:
		w[0] = 0xd503207f; // WFI: wait for what was just set up
		return 1;
	}
}

} // namespace fuzz
