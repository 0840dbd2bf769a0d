// SPDX-License-Identifier: GPL-2.0
// Decoding a guest's synchronous exits into what the host is told, and completing them on
// the next entry. Pure functions over the vCPU context: shared by the EL2 image and the
// host unit tests.
#pragma once

#include <stdint.h>

#include <linux/avcpu.h>

#include "esr.h"
#include "hyp_abi.h"

namespace hyp
{

inline bool guest_pstate_valid(uint64_t pstate, bool aarch32_el0)
{
	return avcpu_guest_pstate_valid(pstate, aarch32_el0);
}

// ID_AA64PFR0_EL1.EL0 [3:0]: 0b0010 when EL0 can run AArch32 as well as AArch64.
constexpr bool cpu_has_aarch32_el0(uint64_t pfr0)
{
	return (pfr0 & 0xf) >= 2;
}

// Whether the guest was in AArch32 (only ever at EL0) when the exception was taken.
constexpr bool from_aarch32(uint64_t pstate)
{
	return pstate & AVCPU_PSTATE_NRW;
}

// The register an instruction names as Rt/SRT: 31 is XZR for these accesses.
inline uint64_t read_xreg(const avcpu_vcpu_ctx &ctx, unsigned reg)
{
	return reg == 31 ? 0 : ctx.x[reg];
}

// HPFAR_EL2.FIPA is IPA[51:12] at bits [43:4] (Arm ARM D23.2.62); FAR gives the page offset.
constexpr uint64_t fault_ipa(uint64_t hpfar, uint64_t far)
{
	return ((hpfar & 0x00000ffffffffff0ULL) << 8) | (far & 0xfff);
}

// DFSC values (ISS of a data abort): translation faults 0b0001LL, permission 0b0011LL.
constexpr bool is_translation_fault(unsigned dfsc)
{
	return (dfsc & 0x3c) == 0x04;
}
constexpr bool is_permission_fault(unsigned dfsc)
{
	return (dfsc & 0x3c) == 0x0c;
}

// ISS.CM of a data abort (Arm ARM D24.2.43 ESR_ELx, ISS encoding for a Data Abort): the
// abort came from a cache maintenance or address translation instruction.
constexpr uint32_t dabt_iss_cm = 1U << 8;

// A cache maintenance by VA (DC CIVAC, DC IVAC, ...) on a guest physical address without
// memory behind it, or on read-only memory: there is no cached copy of guest data there
// to maintain, and the Arm ARM lets the hypervisor complete such an instruction without
// performing it. EL2 steps over it instead of reporting an access no MMIO model can
// describe (no ISV, no data).
constexpr bool is_unbacked_cache_maintenance(uint64_t esr)
{
	Syndrome s{esr};
	DataAbort da{s.iss()};

	return s.ec() == ExceptionClass::data_abort_lower && (s.iss() & dabt_iss_cm) &&
	       !da.stage1_walk() &&
	       (is_translation_fault(da.status()) || is_permission_fault(da.status()));
}

// Fills ctx.exit for a stage-2 data abort. A translation fault is an access outside the
// memory mapped so far and a permission fault a write to read-only memory: both are
// decoded as MMIO. Guest memory is mapped on first touch, so the host looks at every
// translation fault (these and a stage-1 walk's, an exception exit here) before userspace
// does: one inside a memory slot is mapped and the guest resumes at the same instruction.
// Anything else (external aborts, ...) is an exception exit.
inline void decode_data_abort(avcpu_vcpu_ctx &ctx, uint64_t esr, uint64_t far, uint64_t hpfar)
{
	DataAbort da{Syndrome{esr}.iss()};
	avcpu_hyp_exit &exit = ctx.exit;

	exit.esr = esr;
	exit.far = far;
	exit.hpfar = hpfar;
	bool mmio = !da.stage1_walk() && (is_translation_fault(da.status()) ||
					  (is_permission_fault(da.status()) && da.write()));
	if (!mmio) {
		exit.reason = AVCPU_EXIT_EXCEPTION;
		exit.exception.pc = ctx.pc;
		exit.exception.pstate = ctx.pstate;
		return;
	}
	exit.mmio.ipa = fault_ipa(hpfar, far);
	if (!da.valid()) {
		// LDP/STP, writeback forms, ...: nothing to decode from the syndrome, and
		// avcpu does not guess from the instruction.
		exit.reason = AVCPU_EXIT_MMIO_NO_SYNDROME;
		return;
	}
	unsigned len = da.size();
	uint64_t value = read_xreg(ctx, da.reg());
	if (len < 8)
		value &= (1ULL << (len * 8)) - 1;
	exit.reason = AVCPU_EXIT_MMIO;
	exit.mmio.len = len;
	exit.mmio.is_write = da.write();
	exit.mmio.value = da.write() ? value : 0;
}

// Completes an MMIO exit before the next entry: a read puts the value userspace supplied
// into the target register (sign-extended per SSE, truncated to 32 bits without SF, XZR
// dropped); both directions step over the access.
inline void complete_mmio(avcpu_vcpu_ctx &ctx, uint64_t value)
{
	Syndrome esr{ctx.exit.esr};
	DataAbort da{esr.iss()};

	if (!da.write()) {
		unsigned bits_ = da.size() * 8;
		if (bits_ < 64) {
			value &= (1ULL << bits_) - 1;
			if (da.sign_extend() && (value >> (bits_ - 1)) & 1)
				value |= ~0ULL << bits_;
		}
		if (!da.reg64())
			value &= 0xffffffffULL;
		if (da.reg() != 31)
			ctx.x[da.reg()] = value;
	}
	ctx.pc += esr.il32() ? 4 : 2;
}

// Completes a system-register exit: an MRS gets the value userspace supplied (XZR
// dropped); both directions step over the instruction.
inline void complete_sysreg(avcpu_vcpu_ctx &ctx, uint64_t value)
{
	SysRegAccess sr{Syndrome{ctx.exit.esr}.iss()};

	if (sr.read() && sr.reg() != 31)
		ctx.x[sr.reg()] = value;
	ctx.pc += 4;
}

// Fills ctx.exit for an MSR/MRS left to the host: the encoding, Rt, the direction and the
// value written.
inline void decode_sysreg_exit(avcpu_vcpu_ctx &ctx, uint64_t esr)
{
	SysRegAccess sr{Syndrome{esr}.iss()};
	avcpu_hyp_exit &exit = ctx.exit;

	exit.reason = AVCPU_EXIT_SYSREG;
	exit.esr = esr;
	exit.sysreg.value = sr.read() ? 0 : read_xreg(ctx, sr.reg());
	exit.sysreg.op0 = static_cast<uint8_t>(sr.op0());
	exit.sysreg.op1 = static_cast<uint8_t>(sr.op1());
	exit.sysreg.crn = static_cast<uint8_t>(sr.crn());
	exit.sysreg.crm = static_cast<uint8_t>(sr.crm());
	exit.sysreg.op2 = static_cast<uint8_t>(sr.op2());
	exit.sysreg.rt = static_cast<uint8_t>(sr.reg());
	exit.sysreg.is_write = !sr.read();
}

// Fills ctx.exit for an HVC or SMC: its immediate and x0..x6. The PC is past the call
// (ELR points past an HVC already; the caller steps over an SMC).
inline void decode_hvc(avcpu_vcpu_ctx &ctx, uint64_t esr)
{
	ctx.exit.esr = esr;
	ctx.exit.reason = AVCPU_EXIT_HYPERCALL;
	ctx.exit.hypercall.smc = Syndrome{esr}.ec() == ExceptionClass::smc64;
	ctx.exit.hypercall.imm = HvcSmc{Syndrome{esr}.iss()}.imm();
	for (unsigned i = 0; i < 7; i++)
		ctx.exit.hypercall.args[i] = ctx.x[i];
}

// An exit nothing at EL2 handles: the raw syndrome, addresses and where the guest was.
inline void decode_unhandled(avcpu_vcpu_ctx &ctx, uint64_t esr, uint64_t far, uint64_t hpfar)
{
	ctx.exit.reason = AVCPU_EXIT_EXCEPTION;
	ctx.exit.esr = esr;
	ctx.exit.far = far;
	ctx.exit.hpfar = hpfar;
	ctx.exit.exception.pc = ctx.pc;
	ctx.exit.exception.pstate = ctx.pstate;
}

// ID registers as the guest sees them (HCR_EL2.TID3): features the world switch does not
// handle read as absent. Fields are 4 bits wide; each mask clears the ones to hide.
constexpr uint64_t field(unsigned shift)
{
	return 0xfULL << shift;
}

// ID_AA64PFR0_EL1.GIC [27:24]: the GIC system-register interface; shown with a vGIC only.
constexpr unsigned id_pfr0_gic_shift = 24;

// ID_AA64DFR0_EL1.BRPs [15:12], WRPs [23:20], CTX_CMPs [31:28]: counts minus one.
constexpr unsigned id_dfr0_brps_shift = 12;
constexpr unsigned id_dfr0_wrps_shift = 20;
constexpr unsigned id_dfr0_ctx_cmps_shift = 28;

constexpr uint64_t id_hidden_bits(unsigned crm, unsigned op2, bool has_vgic = false)
{
	switch (crm << 3 | op2) {
	case 4 << 3 | 0: // ID_AA64PFR0_EL1: EL0/EL1 (forced below), SVE, EL2 (no nested
			 // virt), SEL2, MPAM, AMU, RAS (error records trap: TERR); GIC
		return field(0) | field(4) | field(32) | field(8) | field(36) | field(40) |
		       field(44) | field(28) | (has_vgic ? 0 : field(id_pfr0_gic_shift));
	case 4 << 3 | 1: // ID_AA64PFR1_EL1: MTE, SME, MPAM_frac, NMI, GCS, MTE_frac, RAS_frac
		return field(8) | field(24) | field(16) | field(36) | field(44) | field(40) |
		       field(12) |
		       // THE (RCWMASK registers not switched), MTEX, DF2 (SCTLR2 off in
		       // HCRX_EL2), PFAR (PFAR_EL1 not switched)
		       field(48) | field(52) | field(56) | field(60);
	case 4 << 3 | 2: // ID_AA64PFR2_EL1: MTEPERM, MTESTOREONLY, MTEFAR (MTE is hidden),
			 // FPMR (HCRX_EL2.EnFPM is 0: FPMR accesses trap)
		return field(0) | field(4) | field(8) | field(32);
	case 4 << 3 | 4: // ID_AA64ZFR0_EL1: SVE features
	case 4 << 3 | 5: // ID_AA64SMFR0_EL1: SME features
		return ~0ULL;
	case 5 << 3 | 0: // ID_AA64DFR0_EL1: PMUVer, TraceVer, PMSVer, TraceFilt, TraceBuffer, BRBE;
			 // BRPs, WRPs, CTX_CMPs (replaced below: the debug registers are RAZ/WI)
		return field(8) | field(4) | field(32) | field(40) | field(44) | field(52) |
		       field(id_dfr0_brps_shift) | field(id_dfr0_wrps_shift) |
		       field(id_dfr0_ctx_cmps_shift);
	case 6 << 3 | 0: // ID_AA64ISAR0_EL1: TME (HCR_EL2.TME is 0: TSTART and co. UNDEFINED)
		return field(24);
	case 6 << 3 | 1: // ID_AA64ISAR1_EL1: APA, API, GPA, GPI (pointer authentication),
			 // LS64 (its accesses to device memory are not emulated)
		return field(4) | field(8) | field(24) | field(28) | field(60);
	case 6 << 3 | 2: // ID_AA64ISAR2_EL1: WFxT (timeouts not honoured), GPA3, APA3, MOPS
			 // (HCRX_EL2.MSCEn is 0), SYSREG_128, SYSINSTR_128 (HCRX_EL2.D128En is 0)
		return field(0) | field(8) | field(12) | field(16) | field(32) | field(36);
	case 7 << 3 | 1: // ID_AA64MMFR1_EL1: LO (limited ordering regions, not switched)
		return field(16);
	case 7 << 3 | 3: // ID_AA64MMFR3_EL1: TCRX, SCTLRX (HCRX_EL2 keeps TCR2_EL1/SCTLR2_EL1
			 // off), S1PIE, S1POE (their registers are switched but unused)
		return field(0) | field(4) | field(8) | field(16);
	default:
		return 0;
	}
}

// Fields given a value rather than hidden: ID_AA64PFR0_EL1.EL0 and .EL1 = 1, AArch64
// only (HCR_EL2.RW makes EL1 AArch64; what a guest that uses AArch32 EL0 anyway gets is
// in handle_exit); ID_AA64DFR0_EL1.BRPs and WRPs = 1 (two breakpoints and watchpoints, the
// architectural minimum) and CTX_CMPs = 0 (one): the debug registers read as zero and
// ignore writes, so the guest is told the least there can be.
constexpr uint64_t id_forced_bits(unsigned crm, unsigned op2)
{
	switch (crm << 3 | op2) {
	case 4 << 3 | 0:
		return 1ULL << 0 | 1ULL << 4;
	case 5 << 3 | 0:
		return 1ULL << id_dfr0_brps_shift | 1ULL << id_dfr0_wrps_shift;
	default:
		return 0;
	}
}

// An ID register as the guest reads it, from the hardware's value.
constexpr uint64_t guest_id_value(unsigned crm, unsigned op2, uint64_t hw, bool has_vgic)
{
	return (hw & ~id_hidden_bits(crm, op2, has_vgic)) | id_forced_bits(crm, op2);
}

} // namespace hyp

namespace hyp
{

// What EL2 does with a trapped MSR/MRS or system instruction (EC 0x18).
enum class SysregAction {
	emulate_id,	 // sanitised ID register read
	emulate_mdscr,	 // MDSCR_EL1 on the guest's own copy
	emulate_icc_sre, // ICC_SRE_EL1 with a vGIC: RAO/WI (icc_sre_el1_guest)
	raz_wi,		 // debug registers: read as zero, writes ignored (no guest debug)
	set_way,	 // DC ISW/CSW/CISW: done as clean+invalidate, which never loses data
	undef,		 // a feature hidden from the guest: UNDEFINED, as on a CPU without it
	exit,		 // the host (userspace) decides
	exit_kernel,	 // the host kernel decides: the vGIC's SGI registers
};

// The GIC CPU interface's EL1 registers (Arm IHI 0069 12.2): ICC_PMR_EL1 (3,0,4,6,0) and
// op0 3, op1 0, CRn 12, CRm 8-12 (IAR/EOIR/HPPIR/BPR/APR, DIR, RPR, the SGI registers,
// CTLR, SRE, IGRPEN).
constexpr bool is_gic_cpu_interface(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
				    unsigned op2)
{
	return op0 == 3 && op1 == 0 &&
	       ((crn == 12 && crm >= 8 && crm <= 12) || (crn == 4 && crm == 6 && op2 == 0));
}

// ICC_SRE_EL1 (3,0,12,12,5) traps while a guest runs: EL2 clears ICC_SRE_EL2.Enable (IHI
// 0069 12.7.9) so that a guest cannot disable the host's system-register interface. A
// guest with a vGIC reads SRE, DFB and DIB as 1 (the only configuration a GICv3 guest
// needs: no legacy interface, bypass disabled) and its writes are ignored.
constexpr bool is_icc_sre_el1(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
	return op0 == 3 && op1 == 0 && crn == 12 && crm == 12 && op2 == 5;
}
constexpr uint64_t icc_sre_el1_guest = 0x7; // SRE [0], DFB [1], DIB [2]

// ICC_SGI1R_EL1 (3,0,12,11,5), ICC_ASGI1R_EL1 (.., 6), ICC_SGI0R_EL1 (.., 7): they trap
// while HCR_EL2.IMO/FMO are set, whatever ICH_HCR_EL2 says.
constexpr bool is_gic_sgi_register(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
				   unsigned op2)
{
	return op0 == 3 && op1 == 0 && crn == 12 && crm == 11 && op2 >= 5;
}

constexpr SysregAction classify_sysreg(SysRegAccess sr, bool has_vgic = false)
{
	unsigned op0 = sr.op0(), op1 = sr.op1(), crn = sr.crn(), crm = sr.crm(), op2 = sr.op2();

	// Without a vGIC the guest has no GIC CPU interface at all; with one, only a write
	// to an SGI register reaches here (the rest runs on the hardware's virtual
	// interface), and reading one is UNDEFINED (they are write-only).
	if (is_icc_sre_el1(op0, op1, crn, crm, op2))
		return has_vgic ? SysregAction::emulate_icc_sre : SysregAction::undef;
	if (is_gic_cpu_interface(op0, op1, crn, crm, op2))
		return has_vgic && !sr.read() && is_gic_sgi_register(op0, op1, crn, crm, op2)
			       ? SysregAction::exit_kernel
			       : SysregAction::undef;
	if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1)
		return sr.read() ? SysregAction::emulate_id : SysregAction::undef;
	if (op0 == 2 && op1 == 0 && crn == 0 && crm == 2 && op2 == 2)
		return SysregAction::emulate_mdscr;
	if (op0 == 2)
		return op1 == 1 ? SysregAction::undef /* trace */ : SysregAction::raz_wi;
	if (op0 == 1 && op1 == 0 && crn == 7 && (crm == 6 || crm == 10 || crm == 14) && op2 == 2)
		return SysregAction::set_way;
	if (op0 != 3)
		return SysregAction::exit;
	// PMU (PMCR_EL0.., PMINTEN*, PMEVCNTR/TYPER), SPE (PMS*/PMB*), AMU.
	if (crn == 9 && (crm == 12 || crm == 13 || crm == 14 || crm == 9 || crm == 10))
		return SysregAction::undef;
	if (op1 == 3 && crn == 14 && crm >= 8)
		return SysregAction::undef;
	if (op1 == 3 && crn == 13 && crm >= 2 && crm <= 7)
		return SysregAction::undef;
	// Pointer-authentication keys; LORegions (HCR_EL2.TLOR).
	if (op1 == 0 && crn == 2 && crm >= 1 && crm <= 3)
		return SysregAction::undef;
	if (op1 == 0 && crn == 10 && crm == 4)
		return SysregAction::undef;
	// MPAM0_EL1, MPAM1_EL1, MPAMSM_EL1: trap on MPAM CPUs (MPAM2_EL2, feat_sr.cpp).
	if (op1 == 0 && crn == 10 && crm == 5)
		return SysregAction::undef;
	// MTE: TFSR_EL1, TFSRE0_EL1, RGSR_EL1, GCR_EL1.
	if (op1 == 0 && ((crn == 5 && crm == 6 && op2 <= 1) ||
			 (crn == 1 && crm == 0 && (op2 == 5 || op2 == 6))))
		return SysregAction::undef;
	// SVE/SME: ZCR_EL1, SMPRI_EL1, SMCR_EL1, SVCR, TPIDR2_EL0, SMIDR_EL1.
	if (op1 == 0 && crn == 1 && crm == 2 && (op2 == 0 || op2 == 4 || op2 == 6))
		return SysregAction::undef;
	if (op1 == 3 && ((crn == 4 && crm == 2 && op2 == 2) || (crn == 13 && crm == 0 && op2 == 5)))
		return SysregAction::undef;
	if (op1 == 1 && crn == 0 && crm == 0 && op2 == 6)
		return SysregAction::undef;
	return SysregAction::exit;
}

// Taking an exception to the guest's EL1 (Arm ARM D1.3.2 "Exception entry" and D1.3.3
// "Exception vectors"): where it goes and with which PSTATE. vbar is VBAR_EL1, sctlr
// SCTLR_EL1, pstate the state the exception is taken from (it becomes SPSR_EL1).
struct ExceptionEntry {
	uint64_t pc, pstate;
};

// Vector offsets from VBAR_EL1: current EL with SP_EL0, with SP_ELx, lower EL in AArch64,
// lower EL in AArch32.
constexpr uint64_t vector_current_sp0 = 0x000;
constexpr uint64_t vector_current_spx = 0x200;
constexpr uint64_t vector_lower_a64 = 0x400;
constexpr uint64_t vector_lower_a32 = 0x600;

constexpr uint64_t sctlr_span = 1ULL << 23;  // SCTLR_EL1.SPAN: 0 = set PAN on entry to EL1
constexpr uint64_t sctlr_dssbs = 1ULL << 44; // SCTLR_EL1.DSSBS: PSTATE.SSBS on entry
constexpr uint64_t pstate_pan = 1ULL << 22;  // same bit in the AArch32 and AArch64 SPSR
constexpr uint64_t pstate_ssbs = 1ULL << 12;
constexpr uint64_t pstate_el1h_daif = 0x3c5; // EL1h with D, A, I and F masked

constexpr uint64_t exception_vector_offset(uint64_t pstate)
{
	if (from_aarch32(pstate))
		return vector_lower_a32;
	switch (pstate & 0xf) {
	case AVCPU_PSTATE_MODE_EL1H:
		return vector_current_spx;
	case AVCPU_PSTATE_MODE_EL1T:
		return vector_current_sp0;
	default:
		return vector_lower_a64;
	}
}

constexpr ExceptionEntry el1_exception_entry(uint64_t pstate, uint64_t vbar, uint64_t sctlr)
{
	uint64_t entry = pstate_el1h_daif;

	// PAN: set when SPAN is 0, otherwise unchanged (Arm ARM D1.3.2, FEAT_PAN).
	if (!(sctlr & sctlr_span))
		entry |= pstate_pan;
	else
		entry |= pstate & pstate_pan;
	if (sctlr & sctlr_dssbs)
		entry |= pstate_ssbs;
	return {vbar + exception_vector_offset(pstate), entry};
}

// An UNDEFINED instruction as the guest's EL1 sees it: EC 0 (unknown), IL set.
constexpr uint64_t undef_esr = 1ULL << 25;

// An instruction fetch (or its stage-1 walk) that took a stage-2 translation fault: guest
// memory not mapped yet, or nothing at all there. EL2 cannot tell (the slots are the
// host's), so it hands the fault to the host (decode_fetch_fault()). Guest memory is
// mapped and the fetch retried; a fetch from neither memory nor a device makes the guest
// take a synchronous external abort on the next entry, as on a machine whose bus answers
// such a fetch with an error (Arm ARM D24.2.43 ESR_ELx: EC 0x20 from EL0 or 0x21 from EL1,
// IL set, IFSC 0b010000), instead of a run that cannot go on.
constexpr unsigned ifsc_external_abort = 0x10;

constexpr bool is_unbacked_fetch(uint64_t esr)
{
	Syndrome s{esr};
	return s.ec() == ExceptionClass::instruction_abort_lower &&
	       is_translation_fault(DataAbort{s.iss()}.status());
}

// Fills ctx.exit for such a fetch: the host needs the IPA (HPFAR_EL2, valid for stage-2
// translation faults, the stage-1 walk's too: Arm ARM D23.2.62) and, to inject the
// abort, the virtual address (FAR_EL2).
inline void decode_fetch_fault(avcpu_vcpu_ctx &ctx, uint64_t esr, uint64_t far, uint64_t hpfar)
{
	ctx.exit.reason = HYP_EXIT_FETCH_FAULT;
	ctx.exit.esr = esr;
	ctx.exit.far = far;
	ctx.exit.hpfar = hpfar;
}

constexpr uint64_t external_fetch_abort_esr(uint64_t pstate)
{
	// M[3:0] is 0 at EL0 in either execution state (EL0t, AArch32 User).
	uint64_t ec = (pstate & 0xf) == 0 ? 0x20 : 0x21; // from EL0, or from EL1 itself
	return ec << 26 | 1ULL << 25 | ifsc_external_abort;
}

// SMCCC v1.3+ (Arm DEN 0028, "SVE live state hint"): bit 16 of a fast call's function ID
// says the caller has no live SVE state. Firmware drops it before dispatching, so it is no
// part of which function is called: every decision (in-kernel PSCI, the VM's SMC rules)
// is made on the ID without it.
constexpr uint32_t smccc_fast_call = 1U << 31;
constexpr uint32_t smccc_sve_hint = 1U << 16;

constexpr uint32_t smccc_function(uint32_t w0)
{
	return w0 & smccc_fast_call ? w0 & ~smccc_sve_hint : w0;
}

// SMCCC function IDs of PSCI (0x84000000-0x8400001f SMC32, 0xc4000000-0xc400001f SMC64),
// the hint bit dropped.
constexpr bool is_psci_function(uint32_t w0)
{
	return (smccc_function(w0) & ~0x4000001fU) == 0x84000000U;
}

// The VM's SMC rule for a function ID (hint bit dropped): AVCPU_SMC_ALLOW, AVCPU_SMC_DENY
// or 0 (none).
inline uint32_t smc_action(const avcpu_vcpu_ctx &ctx, uint32_t w0)
{
	uint32_t fn = smccc_function(w0);

	for (uint64_t i = 0; i < ctx.nr_smc_rules && i < VCPU_SMC_RANGES; i++)
		if (fn >= ctx.smc_rules[i].first && fn <= ctx.smc_rules[i].last)
			return ctx.smc_rules[i].action;
	return 0;
}

} // namespace hyp
