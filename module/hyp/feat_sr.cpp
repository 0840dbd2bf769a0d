// SPDX-License-Identifier: GPL-2.0
// The parts of the world switch that depend on what this CPU implements: registers a guest
// can write without trapping although it was told the feature is absent (the fine-grained
// traps the host's EL2 setup opened stay open), MPAM's partition registers, the GIC's
// ICC_SRE_EL1, and the host's statistical-profiling and trace buffers.
#include "feat_sr.h"
#include "sysreg.h"

namespace hyp
{
namespace
{

// An ID register field [shift+3:shift] (Arm ARM D24.2, the ID_AA64*_EL1 registers).
constexpr uint64_t id_field(uint64_t reg, unsigned shift)
{
	return (reg >> shift) & 0xf;
}

constexpr unsigned pfr0_ras_shift = 28;		// ID_AA64PFR0_EL1.RAS
constexpr unsigned pfr0_mpam_shift = 40;	// ID_AA64PFR0_EL1.MPAM
constexpr unsigned pfr1_sme_shift = 24;		// ID_AA64PFR1_EL1.SME
constexpr unsigned pfr1_mpam_frac_shift = 16;	// ID_AA64PFR1_EL1.MPAM_frac
constexpr unsigned mmfr1_hcx_shift = 40;	// ID_AA64MMFR1_EL1.HCX
constexpr unsigned mmfr3_s1pie_shift = 8;	// ID_AA64MMFR3_EL1.S1PIE
constexpr unsigned mmfr3_s1poe_shift = 16;	// ID_AA64MMFR3_EL1.S1POE
constexpr unsigned dfr0_pmsver_shift = 32;	// ID_AA64DFR0_EL1.PMSVer (SPE)
constexpr unsigned dfr0_tracebuffer_shift = 44; // ID_AA64DFR0_EL1.TraceBuffer (TRBE)

// MIDR_EL1 (D24.2.100): Implementer [31:24], Variant [23:20], PartNum [15:4], Revision [3:0].
constexpr uint64_t midr_model_mask = 0xff00fff0ULL;
constexpr uint64_t midr_cortex_a77 = 0x4100d0d0ULL;
constexpr unsigned midr_variant_shift = 20;

// Cortex-A77 erratum 1508412 (Arm's SDEN): r0p0 and r1p0.
constexpr bool midr_has_a77_1508412(uint64_t midr)
{
	uint64_t variant = (midr >> midr_variant_shift) & 0xf, revision = midr & 0xf;
	return (midr & midr_model_mask) == midr_cortex_a77 && variant <= 1 && revision == 0;
}

// MPAM2_EL2 (D24.2.107): the guest's MPAM1_EL1/MPAM0_EL1 accesses trap, MPAMSM_EL1 too.
constexpr uint64_t mpam2_trap_mpam1_el1 = 1ULL << 48;
constexpr uint64_t mpam2_trap_mpam0_el1 = 1ULL << 49;
constexpr uint64_t mpam2_en_mpamsm = 1ULL << 50;

// ICC_SRE_EL2 (IHI 0069 12.7.9): Enable clear makes EL1's ICC_SRE_EL1 accesses trap to
// EL2, so a guest cannot turn off the physical system-register interface the host uses.
// ICC_SRE_EL1.SRE (bit 0) must be 1 whenever the host runs.
constexpr uint64_t icc_sre_el2_enable = 1ULL << 3;
constexpr uint64_t icc_sre_sre = 1ULL << 0;

// PMBIDR_EL1.P / TRBIDR_EL1.P (bit 4): the buffer is owned by a higher EL or the other
// Security state, so this EL must not program it. PMBLIMITR_EL1.E / TRBLIMITR_EL1.E
// (bit 0): the buffer is enabled.
constexpr uint64_t buffer_idr_p = 1ULL << 4;
constexpr uint64_t buffer_limitr_e = 1ULL << 0;

} // namespace

uint32_t cpu_features()
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1), pfr1 = read_sysreg(id_aa64pfr1_el1);
	uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1), dfr0 = read_sysreg(id_aa64dfr0_el1);
	uint64_t mmfr3 = read_sysreg(S3_0_C0_C7_3); // ID_AA64MMFR3_EL1: RAZ before Armv8.9
	uint32_t f = 0;

	if (id_field(pfr1, pfr1_sme_shift))
		f |= feat_sme;
	if (id_field(mmfr3, mmfr3_s1pie_shift))
		f |= feat_s1pie;
	if (id_field(mmfr3, mmfr3_s1poe_shift))
		f |= feat_s1poe;
	if (id_field(pfr0, pfr0_ras_shift))
		f |= feat_ras;
	if (id_field(mmfr1, mmfr1_hcx_shift))
		f |= feat_hcx;
	if (id_field(pfr0, pfr0_mpam_shift) || id_field(pfr1, pfr1_mpam_frac_shift))
		f |= feat_mpam;
	if (id_field(dfr0, dfr0_pmsver_shift))
		f |= feat_spe;
	if (id_field(dfr0, dfr0_tracebuffer_shift))
		f |= feat_trbe;
	if (midr_has_a77_1508412(read_sysreg(midr_el1)))
		f |= feat_a77_1508412;
	return f;
}

uint64_t read_par_el1(uint32_t features)
{
	// The erratum's workaround: a dmb sy on both sides of the read.
	if (!(features & feat_a77_1508412))
		return read_sysreg(par_el1);
	asm volatile("dmb sy" : : : "memory");
	uint64_t par = read_sysreg(par_el1);
	asm volatile("dmb sy" : : : "memory");
	return par;
}

// By encoding: older assemblers know none of these names.
void save_feature_el1(__u64 *s, uint32_t features)
{
	if (features & feat_sme) {
		s[VSYS_TPIDR2_EL0] = read_sysreg(S3_3_C13_C0_5);
		s[VSYS_SMPRI_EL1] = read_sysreg(S3_0_C1_C2_4);
	}
	if (features & feat_s1pie) {
		s[VSYS_PIRE0_EL1] = read_sysreg(S3_0_C10_C2_2);
		s[VSYS_PIR_EL1] = read_sysreg(S3_0_C10_C2_3);
	}
	if (features & feat_s1poe) {
		s[VSYS_POR_EL0] = read_sysreg(S3_3_C10_C2_4);
		s[VSYS_POR_EL1] = read_sysreg(S3_0_C10_C2_4);
	}
	if (features & feat_ras)
		s[VSYS_VDISR] = read_sysreg(S3_4_C12_C1_1);
}

void restore_feature_el1(const __u64 *s, uint32_t features)
{
	if (features & feat_sme) {
		write_sysreg(s[VSYS_TPIDR2_EL0], S3_3_C13_C0_5);
		write_sysreg(s[VSYS_SMPRI_EL1], S3_0_C1_C2_4);
	}
	if (features & feat_s1pie) {
		write_sysreg(s[VSYS_PIRE0_EL1], S3_0_C10_C2_2);
		write_sysreg(s[VSYS_PIR_EL1], S3_0_C10_C2_3);
	}
	if (features & feat_s1poe) {
		write_sysreg(s[VSYS_POR_EL0], S3_3_C10_C2_4);
		write_sysreg(s[VSYS_POR_EL1], S3_0_C10_C2_4);
	}
	if (features & feat_ras)
		write_sysreg(s[VSYS_VDISR], S3_4_C12_C1_1);
}

// The host's buffers must not be live while EL1's translation regime is the guest's (a
// profiling or trace buffer at a host kernel address would be written through the guest's
// tables) nor across the MDCR_EL2.E2PB/E2TB change the guest's controls make (ownership
// moving under an enabled buffer is CONSTRAINED UNPREDICTABLE). Drain, then disable.
void save_host_features(HostFeatureState &h, uint32_t features)
{
	h = {};
	h.features = features;
	if (h.features & feat_mpam)
		h.mpam2 = read_sysreg(S3_4_C10_C5_0);
	h.icc_sre_el2 = read_sysreg(S3_4_C12_C9_5);
	h.icc_sre_el1 = read_sysreg(S3_0_C12_C12_5);
	if ((h.features & feat_spe) && !(read_sysreg(S3_0_C9_C10_7) & buffer_idr_p)) {
		h.pmblimitr = read_sysreg(S3_0_C9_C10_0);
		if (h.pmblimitr & buffer_limitr_e) {
			asm volatile("hint #17\n dsb nsh" : : : "memory"); // psb csync
			write_sysreg(h.pmblimitr & ~buffer_limitr_e, S3_0_C9_C10_0);
			isb();
		}
	}
	if ((h.features & feat_trbe) && !(read_sysreg(S3_0_C9_C11_7) & buffer_idr_p)) {
		h.trblimitr = read_sysreg(S3_0_C9_C11_0);
		if (h.trblimitr & buffer_limitr_e) {
			asm volatile("hint #18\n dsb nsh" : : : "memory"); // tsb csync
			write_sysreg(h.trblimitr & ~buffer_limitr_e, S3_0_C9_C11_0);
			isb();
		}
	}
}

void load_guest_features(const HostFeatureState &h)
{
	if (h.features & feat_mpam)
		write_sysreg((h.mpam2 & ~mpam2_en_mpamsm) | mpam2_trap_mpam1_el1 |
				     mpam2_trap_mpam0_el1,
			     S3_4_C10_C5_0);
	write_sysreg(h.icc_sre_el2 & ~icc_sre_el2_enable, S3_4_C12_C9_5);
}

void restore_host_features(const HostFeatureState &h)
{
	if (h.features & feat_mpam)
		write_sysreg(h.mpam2, S3_4_C10_C5_0);
	write_sysreg(h.icc_sre_el2, S3_4_C12_C9_5);
	isb();
	// Whatever the guest did, the host's interface comes back with SRE set.
	write_sysreg(h.icc_sre_el1 | icc_sre_sre, S3_0_C12_C12_5);
	if (h.pmblimitr & buffer_limitr_e)
		write_sysreg(h.pmblimitr, S3_0_C9_C10_0);
	if (h.trblimitr & buffer_limitr_e)
		write_sysreg(h.trblimitr, S3_0_C9_C11_0);
	isb();
}

} // namespace hyp
