// SPDX-License-Identifier: GPL-2.0
// Exit decoding and completion rules of the EL2 image (module/hyp/include/guest_exit.h).
#include <gtest/gtest.h>

#include <cstring>

#include "guest_exit.h"

using namespace hyp;

namespace
{

constexpr uint64_t esr_of(unsigned ec, uint32_t iss)
{
	return (uint64_t(ec) << 26) | (1ULL << 25) | iss;
}

constexpr uint32_t da_iss(bool isv, unsigned sas, bool sse, unsigned srt, bool sf, bool wnr,
			  unsigned dfsc)
{
	return (uint32_t(isv) << 24) | (sas << 22) | (uint32_t(sse) << 21) | (srt << 16) |
	       (uint32_t(sf) << 15) | (uint32_t(wnr) << 6) | dfsc;
}

constexpr uint32_t sys_iss(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
			   unsigned rt, bool read)
{
	return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) |
	       uint32_t(read);
}

avcpu_vcpu_ctx make_ctx()
{
	avcpu_vcpu_ctx ctx;
	std::memset(&ctx, 0, sizeof(ctx));
	ctx.pc = 0x40001000;
	ctx.pstate = 0x3c5;
	for (unsigned i = 0; i < 31; i++)
		ctx.x[i] = 0x1000 + i;
	return ctx;
}

TEST(DecodeDataAbort, TranslationFaultIsMmioWithValue)
{
	auto ctx = make_ctx();
	ctx.x[3] = 0x1122334455667788ULL;
	// STRH w3: 2 bytes, a write, IPA from HPFAR + FAR's page offset.
	decode_data_abort(ctx, esr_of(0x24, da_iss(true, 1, false, 3, false, true, 0x07)),
			  0xdead0abc, 0x9000000ULL >> 8);
	EXPECT_EQ(AVCPU_EXIT_MMIO, int(ctx.exit.reason));
	EXPECT_EQ(0x9000abcULL, ctx.exit.mmio.ipa);
	EXPECT_EQ(2u, ctx.exit.mmio.len);
	EXPECT_EQ(1u, ctx.exit.mmio.is_write);
	EXPECT_EQ(0x7788u, ctx.exit.mmio.value);
}

TEST(DecodeDataAbort, PermissionFaultOnlyForWrites)
{
	auto ctx = make_ctx();
	decode_data_abort(ctx, esr_of(0x24, da_iss(true, 3, false, 1, true, true, 0x0f)), 0, 0);
	EXPECT_EQ(AVCPU_EXIT_MMIO, int(ctx.exit.reason)) << "write to read-only memory";
	decode_data_abort(ctx, esr_of(0x24, da_iss(true, 3, false, 1, true, false, 0x0f)), 0, 0);
	EXPECT_EQ(AVCPU_EXIT_EXCEPTION, int(ctx.exit.reason)) << "a read cannot fault on RO";
}

TEST(DecodeDataAbort, NoSyndromeAndStage1Walk)
{
	auto ctx = make_ctx();
	decode_data_abort(ctx, esr_of(0x24, da_iss(false, 0, false, 0, false, false, 0x06)), 0, 0);
	EXPECT_EQ(AVCPU_EXIT_MMIO_NO_SYNDROME, int(ctx.exit.reason));
	decode_data_abort(ctx, esr_of(0x24, da_iss(true, 3, false, 0, true, false, 0x06) | 1 << 7),
			  0, 0);
	EXPECT_EQ(AVCPU_EXIT_EXCEPTION, int(ctx.exit.reason)) << "S1PTW is never MMIO";
	EXPECT_EQ(ctx.pc, ctx.exit.exception.pc);
}

struct LoadCase {
	unsigned sas;
	bool sse, sf;
	unsigned rt;
	uint64_t expect;
};

class CompleteMmio : public testing::TestWithParam<LoadCase>
{
};

TEST_P(CompleteMmio, ExtendsTruncatesAndAdvances)
{
	const auto &c = GetParam();
	auto ctx = make_ctx();
	ctx.exit.esr = esr_of(0x24, da_iss(true, c.sas, c.sse, c.rt, c.sf, false, 0x07));
	complete_mmio(ctx, 0x8081828384858687ULL);
	if (c.rt != 31)
		EXPECT_EQ(c.expect, ctx.x[c.rt]);
	else
		for (unsigned i = 0; i < 31; i++)
			EXPECT_EQ(0x1000u + i, ctx.x[i]) << "XZR load changed x" << i;
	EXPECT_EQ(0x40001004u, ctx.pc);
}

INSTANTIATE_TEST_SUITE_P(Loads, CompleteMmio,
			 testing::Values(LoadCase{0, false, false, 1, 0x87},
					 LoadCase{1, false, false, 1, 0x8687},
					 LoadCase{2, false, false, 1, 0x84858687},
					 LoadCase{3, false, true, 1, 0x8081828384858687ULL},
					 LoadCase{0, true, false, 2, 0xffffff87},
					 LoadCase{0, true, true, 2, ~0x78ULL},
					 LoadCase{1, true, false, 3, 0xffff8687},
					 LoadCase{1, true, true, 3, 0xffffffffffff8687ULL},
					 LoadCase{2, true, true, 4, 0xffffffff84858687ULL},
					 LoadCase{3, false, true, 31, 0}));

TEST(CompleteSysreg, ReadWritesRtExceptXzr)
{
	auto ctx = make_ctx();
	ctx.exit.esr = esr_of(0x18, sys_iss(3, 0, 15, 2, 0, 7, true));
	complete_sysreg(ctx, 0xabcd);
	EXPECT_EQ(0xabcdu, ctx.x[7]);
	EXPECT_EQ(0x40001004u, ctx.pc);
	ctx.exit.esr = esr_of(0x18, sys_iss(3, 0, 15, 2, 0, 31, true));
	complete_sysreg(ctx, 0xabcd);
	EXPECT_EQ(0x40001008u, ctx.pc);
	ctx.exit.esr = esr_of(0x18, sys_iss(3, 0, 15, 2, 0, 8, false));
	complete_sysreg(ctx, 0xabcd);
	EXPECT_EQ(0x1008u, ctx.x[8]) << "a write changes no register";
}

TEST(ClassifySysreg, EachClass)
{
	auto cls = [](unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
		      bool read = true) {
		return classify_sysreg(SysRegAccess{sys_iss(op0, op1, crn, crm, op2, 0, read)});
	};
	EXPECT_EQ(SysregAction::emulate_id, cls(3, 0, 0, 4, 0));   // ID_AA64PFR0_EL1
	EXPECT_EQ(SysregAction::undef, cls(3, 0, 0, 4, 0, false)); // writing an ID register
	EXPECT_EQ(SysregAction::emulate_mdscr, cls(2, 0, 0, 2, 2));
	EXPECT_EQ(SysregAction::raz_wi, cls(2, 0, 1, 0, 4));	      // OSLAR_EL1
	EXPECT_EQ(SysregAction::raz_wi, cls(2, 0, 0, 0, 4));	      // DBGBVR0_EL1
	EXPECT_EQ(SysregAction::undef, cls(2, 1, 0, 0, 0));	      // trace
	EXPECT_EQ(SysregAction::set_way, cls(1, 0, 7, 6, 2, false));  // DC ISW
	EXPECT_EQ(SysregAction::set_way, cls(1, 0, 7, 14, 2, false)); // DC CISW
	EXPECT_EQ(SysregAction::undef, cls(3, 3, 9, 12, 0));	      // PMCR_EL0
	EXPECT_EQ(SysregAction::undef, cls(3, 0, 9, 14, 1));	      // PMINTENSET_EL1
	EXPECT_EQ(SysregAction::undef, cls(3, 3, 14, 8, 0));	      // PMEVCNTR0_EL0
	EXPECT_EQ(SysregAction::undef, cls(3, 0, 9, 9, 0));	      // PMSCR_EL1 (SPE)
	EXPECT_EQ(SysregAction::undef, cls(3, 3, 13, 2, 0));	      // AMCR_EL0
	EXPECT_EQ(SysregAction::undef, cls(3, 0, 2, 1, 0));	      // APIAKeyLo_EL1
	EXPECT_EQ(SysregAction::undef, cls(3, 0, 1, 0, 6));	      // GCR_EL1 (MTE)
	EXPECT_EQ(SysregAction::undef, cls(3, 0, 1, 2, 0));	      // ZCR_EL1
	EXPECT_EQ(SysregAction::undef, cls(3, 3, 4, 2, 2));	      // SVCR
	EXPECT_EQ(SysregAction::undef, cls(3, 0, 10, 5, 0));	      // MPAM1_EL1
	EXPECT_EQ(SysregAction::undef, cls(3, 0, 10, 5, 1, false));   // MPAM0_EL1
	EXPECT_EQ(SysregAction::undef, cls(3, 3, 13, 0, 5));	      // TPIDR2_EL0
	EXPECT_EQ(SysregAction::undef, cls(3, 0, 1, 2, 4));	      // SMPRI_EL1
	EXPECT_EQ(SysregAction::exit, cls(3, 0, 1, 0, 1));	      // ACTLR_EL1
	EXPECT_EQ(SysregAction::exit, cls(3, 3, 14, 2, 1));	      // CNTP_CTL_EL0
	EXPECT_EQ(SysregAction::exit, cls(3, 1, 15, 2, 0));	      // implementation defined
}

// The GIC CPU interface: absent without a vGIC; with one, only SGI writes reach the kernel.
TEST(ClassifySysreg, GicCpuInterface)
{
	auto cls = [](unsigned crn, unsigned crm, unsigned op2, bool read, bool vgic) {
		return classify_sysreg(SysRegAccess{sys_iss(3, 0, crn, crm, op2, 0, read)}, vgic);
	};
	struct Case {
		const char *name;
		unsigned crn, crm, op2;
		bool read;
		SysregAction no_vgic, with_vgic;
	};
	const Case cases[] = {
		{"ICC_SGI1R_EL1", 12, 11, 5, false, SysregAction::undef, SysregAction::exit_kernel},
		{"ICC_ASGI1R_EL1", 12, 11, 6, false, SysregAction::undef,
		 SysregAction::exit_kernel},
		{"ICC_SGI0R_EL1", 12, 11, 7, false, SysregAction::undef, SysregAction::exit_kernel},
		{"ICC_SGI1R_EL1 read", 12, 11, 5, true, SysregAction::undef, SysregAction::undef},
		{"ICC_IAR1_EL1", 12, 12, 0, true, SysregAction::undef, SysregAction::undef},
		{"ICC_PMR_EL1", 4, 6, 0, false, SysregAction::undef, SysregAction::undef},
		{"ICC_AP0R0_EL1", 12, 8, 4, true, SysregAction::undef, SysregAction::undef},
		{"ICC_DIR_EL1", 12, 11, 1, false, SysregAction::undef, SysregAction::undef},
		{"ICC_IGRPEN1_EL1", 12, 12, 7, false, SysregAction::undef, SysregAction::undef},
		// Trapped by ICC_SRE_EL2.Enable = 0: RAO/WI with a vGIC, absent without.
		{"ICC_SRE_EL1", 12, 12, 5, true, SysregAction::undef,
		 SysregAction::emulate_icc_sre},
		{"ICC_SRE_EL1 write", 12, 12, 5, false, SysregAction::undef,
		 SysregAction::emulate_icc_sre},
	};
	for (const auto &c : cases) {
		EXPECT_EQ(c.no_vgic, cls(c.crn, c.crm, c.op2, c.read, false)) << c.name;
		EXPECT_EQ(c.with_vgic, cls(c.crn, c.crm, c.op2, c.read, true)) << c.name;
	}
	EXPECT_EQ(SysregAction::exit, cls(4, 6, 1, true, false)) << "not a GIC register";
}

TEST(ExternalAbort, UnbackedFetchesOnly)
{
	auto iabt = [](unsigned ifsc, bool s1ptw = false) {
		return esr_of(0x20, ifsc | (s1ptw ? 1u << 7 : 0));
	};
	EXPECT_TRUE(is_unbacked_fetch(iabt(0x06))) << "level-2 translation fault";
	EXPECT_TRUE(is_unbacked_fetch(iabt(0x07, true))) << "stage-1 walk into nowhere too";
	EXPECT_FALSE(is_unbacked_fetch(iabt(0x0f))) << "permission fault";
	EXPECT_FALSE(is_unbacked_fetch(esr_of(0x24, 0x06))) << "a data abort is MMIO";
	// From EL1 the guest sees EC 0x21, from EL0 0x20; IL set; IFSC external abort.
	EXPECT_EQ(0x21ULL << 26 | 1ULL << 25 | 0x10, external_fetch_abort_esr(0x3c5));
	EXPECT_EQ(0x20ULL << 26 | 1ULL << 25 | 0x10, external_fetch_abort_esr(0x0));
}

TEST(FetchFault, HandedToTheHostWithTheFaultAddresses)
{
	auto ctx = make_ctx();
	const uint64_t esr = esr_of(0x20, 0x07 | 1u << 7); // level-3 translation fault, S1PTW
	decode_fetch_fault(ctx, esr, 0xffff000012345678ULL, 0x40001230ULL);
	EXPECT_EQ(uint32_t(HYP_EXIT_FETCH_FAULT), ctx.exit.reason);
	EXPECT_GE(ctx.exit.reason, uint32_t(AVCPU_EXIT_MAX)) << "never a userspace exit";
	EXPECT_EQ(esr, ctx.exit.esr);
	EXPECT_EQ(0xffff000012345678ULL, ctx.exit.far);
	EXPECT_EQ(0x40001230ULL, ctx.exit.hpfar);
	// The IPA the host maps or rejects: HPFAR's page, FAR's offset.
	EXPECT_EQ(0x4000123678ULL, fault_ipa(ctx.exit.hpfar, ctx.exit.far));
	EXPECT_EQ(0x40001000ULL, ctx.pc) << "the fetch is retried or aborted, not stepped over";
}

TEST(DecodeDataAbort, StageOneWalkFaultKeepsTheTablesIpa)
{
	auto ctx = make_ctx();
	// A load whose stage-1 walk took a stage-2 translation fault (S1PTW, bit 7): an
	// exception exit, which the host maps when the table is guest memory.
	decode_data_abort(ctx,
			  esr_of(0x24, da_iss(false, 0, false, 0, false, false, 0x06) | 1 << 7),
			  0x1000, 0x40000100ULL);
	EXPECT_EQ(uint32_t(AVCPU_EXIT_EXCEPTION), ctx.exit.reason);
	EXPECT_EQ(0x40000100ULL, ctx.exit.hpfar);
	EXPECT_EQ(0x4000010000ULL, fault_ipa(ctx.exit.hpfar, 0));
}

TEST(IdRegisters, AArch64OnlyAndFeaturesNotHandledHidden)
{
	// A Cortex-A72-like PFR0: EL0 and EL1 AArch32-capable (2), RAS v1 (1), GICv3 (1).
	const uint64_t pfr0 = 0x0000000010112222ULL | 1ULL << 28 | 1ULL << 24;
	uint64_t v = guest_id_value(4, 0, pfr0, true);
	EXPECT_EQ(1u, v & 0xf) << "EL0 AArch64 only";
	EXPECT_EQ(1u, v >> 4 & 0xf) << "EL1 AArch64 only";
	EXPECT_EQ(0u, v >> 28 & 0xf) << "RAS hidden";
	EXPECT_EQ(1u, v >> 24 & 0xf) << "GIC shown with a vGIC";
	EXPECT_EQ(0u, guest_id_value(4, 0, pfr0, false) >> 24 & 0xf) << "and hidden without";
	// ISAR2: WFxT [3:0] and MOPS [19:16] hidden, the rest (e.g. CLRBHB [31:28]) kept.
	uint64_t isar2 = 0x2ULL | 1ULL << 16 | 1ULL << 28;
	EXPECT_EQ(1ULL << 28, guest_id_value(6, 2, isar2, true));
	EXPECT_EQ(0u, guest_id_value(7, 3, 1ULL << 8 | 1ULL << 16, true)) << "S1PIE, S1POE";
	EXPECT_EQ(0u, guest_id_value(7, 3, 0x11, true)) << "TCRX, SCTLRX";
	EXPECT_EQ(0u, guest_id_value(4, 1, 1ULL << 24 | 1ULL << 16, true)) << "SME, MPAM_frac";
	EXPECT_EQ(0u, guest_id_value(4, 0, 1ULL << 40, true) >> 40 & 0xf) << "MPAM";
	EXPECT_EQ(0x1234u, guest_id_value(0, 0, 0x1234, true)) << "others untouched";
}

TEST(IdRegisters, GicFieldOnlyWithVgic)
{
	const uint64_t gic = 0xfULL << 24;
	EXPECT_EQ(gic, id_hidden_bits(4, 0, false) & gic) << "ID_AA64PFR0_EL1.GIC hidden";
	EXPECT_EQ(0u, id_hidden_bits(4, 0, true) & gic) << "shown with a vGIC";
}

TEST(ExceptionEntry, VectorOffsetsAndPstate)
{
	const uint64_t vbar = 0x40080000, span = 1ULL << 23;
	auto e = el1_exception_entry(0x3c5, vbar, span);
	EXPECT_EQ(vbar + 0x200, e.pc) << "from EL1h";
	EXPECT_EQ(0x3c5u, e.pstate);
	EXPECT_EQ(vbar + 0x000, el1_exception_entry(0x3c4, vbar, span).pc) << "from EL1t";
	EXPECT_EQ(vbar + 0x400, el1_exception_entry(0x0, vbar, span).pc) << "from EL0";
	EXPECT_TRUE(el1_exception_entry(0x0, vbar, 0).pstate & (1ULL << 22)) << "PAN with SPAN=0";
}

TEST(Pstate, OnlyEl0El1AArch64)
{
	EXPECT_TRUE(guest_pstate_valid(0x3c5, false));
	EXPECT_TRUE(guest_pstate_valid(0x3c4, false));
	EXPECT_TRUE(guest_pstate_valid(0x0, false));
	EXPECT_TRUE(guest_pstate_valid(0x600003c5, false));
	EXPECT_FALSE(guest_pstate_valid(0x3c9, true)) << "EL2h";
	EXPECT_FALSE(guest_pstate_valid(0x3cd, true)) << "EL3h";
	EXPECT_FALSE(guest_pstate_valid(0x3d5, true)) << "AArch32 EL1 (SVC mode)";
	EXPECT_FALSE(guest_pstate_valid(0x3c5 | (1ULL << 40), true)) << "unknown bits";
}

TEST(Smc, PsciIdsAndPolicy)
{
	EXPECT_TRUE(is_psci_function(0x84000000));
	EXPECT_TRUE(is_psci_function(0xc4000003));
	EXPECT_FALSE(is_psci_function(0x84000020));
	EXPECT_FALSE(is_psci_function(0x82000000));
	auto ctx = make_ctx();
	ctx.smc_rules[0] = {0x82000000, 0x8200000f, AVCPU_SMC_DENY, 0};
	ctx.smc_rules[1] = {0x82000000, 0x82ffffff, AVCPU_SMC_ALLOW, 0};
	ctx.nr_smc_rules = 2;
	EXPECT_EQ(uint32_t(AVCPU_SMC_DENY), smc_action(ctx, 0x82000003)) << "first match wins";
	EXPECT_EQ(uint32_t(AVCPU_SMC_ALLOW), smc_action(ctx, 0x82000010));
	EXPECT_EQ(0u, smc_action(ctx, 0x83000000));
}

} // namespace

namespace
{

TEST(DecodeSysregExit, FieldsAndWrittenValue)
{
	auto ctx = make_ctx();
	ctx.x[9] = 0x5151;
	// MSR ACTLR_EL1, x9: op0 3, op1 0, CRn 1, CRm 0, op2 1, a write.
	decode_sysreg_exit(ctx, esr_of(0x18, sys_iss(3, 0, 1, 0, 1, 9, false)));
	EXPECT_EQ(AVCPU_EXIT_SYSREG, int(ctx.exit.reason));
	const auto &sr = ctx.exit.sysreg;
	EXPECT_EQ(0x5151u, sr.value);
	const unsigned expect[7] = {3, 0, 1, 0, 1, 9, 1};
	const unsigned got[7] = {sr.op0, sr.op1, sr.crn, sr.crm, sr.op2, sr.rt, sr.is_write};
	for (unsigned i = 0; i < 7; i++)
		EXPECT_EQ(expect[i], got[i]) << "field " << i;
	decode_sysreg_exit(ctx, esr_of(0x18, sys_iss(3, 3, 14, 2, 1, 31, true)));
	EXPECT_EQ(0u, sr.value) << "a read carries no value";
	EXPECT_EQ(0u, sr.is_write);
}

} // namespace
