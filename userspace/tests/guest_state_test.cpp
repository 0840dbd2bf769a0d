// SPDX-License-Identifier: GPL-2.0
// Guest-visible state rules: the PSTATE entry check (hyp_abi.h), exception entry and the
// SMCCC hint bit (guest_exit.h), PSCI and SMC-policy IDs (module/psci.c), cache
// maintenance on nothing, the ID-register fields hidden or forced.
#include <gtest/gtest.h>

#include <cstring>

#include "guest_exit.h"

extern "C" {
#include "psci.h"
}

using namespace hyp;

namespace
{

constexpr uint64_t tco = 1ULL << 25, allint = 1ULL << 13, pm = 1ULL << 32, pacm = 1ULL << 35,
		   pan = 1ULL << 22, span = 1ULL << 23;

TEST(GuestPstate, FlagsHardwareSetsAtEl0AndEl1Pass)
{
	EXPECT_TRUE(guest_pstate_valid(0x0 | tco, false)) << "EL0 MSR TCO, #1";
	EXPECT_TRUE(guest_pstate_valid(0x3c5 | tco | allint, false));
	EXPECT_TRUE(guest_pstate_valid(0x0 | pacm | pm, false));
	EXPECT_FALSE(guest_pstate_valid(0x3c5 | 1ULL << 26, true)) << "RES0 bit 26";
	EXPECT_FALSE(guest_pstate_valid(0x3c5 | 1ULL << 63, true)) << "RES0 bit 63";
	EXPECT_FALSE(guest_pstate_valid(0x3c5 | tco | 0x8, true)) << "EL2t";
	EXPECT_FALSE(guest_pstate_valid(0x3c9 | tco, true)) << "EL2h";
	EXPECT_FALSE(guest_pstate_valid(0x3cc, true)) << "EL3t";
	EXPECT_FALSE(guest_pstate_valid(0x3c1, true)) << "reserved mode";
}

TEST(GuestPstate, AArch32OnlyUserModeWhereTheCpuHasIt)
{
	const uint64_t usr = 0x10, cpsr = 0xf80f0000ULL | 0xfc00 | 0x3e0 | usr; // every flag
	EXPECT_TRUE(guest_pstate_valid(usr, true));
	EXPECT_TRUE(guest_pstate_valid(cpsr, true));
	EXPECT_FALSE(guest_pstate_valid(usr, false)) << "an illegal return at EL2 otherwise";
	EXPECT_FALSE(guest_pstate_valid(usr | 1ULL << 32, true)) << "upper half RES0";
	for (uint64_t mode : {0x11, 0x12, 0x13, 0x16, 0x17, 0x1a, 0x1b, 0x1f})
		EXPECT_FALSE(guest_pstate_valid(mode, true)) << "AArch32 mode " << mode;
	EXPECT_TRUE(cpu_has_aarch32_el0(0x2));
	EXPECT_FALSE(cpu_has_aarch32_el0(0x1));
}

TEST(ExceptionEntry, PanUnchangedWithSpan)
{
	const uint64_t vbar = 0x40080000;
	EXPECT_EQ(pan, el1_exception_entry(0x3c5 | pan, vbar, span).pstate & pan);
	EXPECT_EQ(0u, el1_exception_entry(0x3c5, vbar, span).pstate & pan) << "stays clear";
	EXPECT_EQ(0u, el1_exception_entry(0x0, vbar, span).pstate & pan) << "from EL0 too";
	EXPECT_EQ(pan, el1_exception_entry(0x3c5, vbar, 0).pstate & pan) << "SPAN=0 sets it";
	EXPECT_EQ(0x3c5u | pan, el1_exception_entry(0x3c5, vbar, 0).pstate);
}

TEST(ExceptionEntry, AArch32LowerElUsesOffset0x600)
{
	const uint64_t vbar = 0x40080000;
	EXPECT_EQ(vbar + 0x600, el1_exception_entry(0x10, vbar, 0).pc);
	EXPECT_EQ(vbar + 0x600, el1_exception_entry(0x10 | 0x20 /* T32 */, vbar, 0).pc);
	EXPECT_EQ(vbar + 0x400, el1_exception_entry(0x0, vbar, 0).pc);
	EXPECT_EQ(0x20ULL << 26 | 1ULL << 25 | 0x10, external_fetch_abort_esr(0x10))
		<< "an AArch32 EL0 fetch is from a lower EL";
}

TEST(SmcHint, PsciIdsWithTheSveHint)
{
	EXPECT_TRUE(is_psci_function(0x84010008)) << "SYSTEM_OFF with the hint";
	EXPECT_TRUE(is_psci_function(0xc4010003)) << "CPU_ON SMC64 with the hint";
	EXPECT_FALSE(is_psci_function(0x84020008)) << "a reserved bit is not the hint";
	EXPECT_EQ(0x84000008u, smccc_function(0x84010008));
	EXPECT_EQ(0x04010008u, smccc_function(0x04010008)) << "yielding calls: no hint bit";
	EXPECT_TRUE(avcpu_psci_is_call(0x84010008));
	EXPECT_TRUE(avcpu_psci_is_call(0xc4010003));
	EXPECT_EQ(0x84000009u, avcpu_smccc_function(0x84010009));
}

TEST(SmcHint, PolicyMatchesTheFunctionWithoutTheHint)
{
	avcpu_vcpu_ctx ctx;
	std::memset(&ctx, 0, sizeof(ctx));
	ctx.smc_rules[0] = {0x82000000, 0x8200ffff, AVCPU_SMC_ALLOW, 0};
	ctx.nr_smc_rules = 1;
	EXPECT_EQ(uint32_t(AVCPU_SMC_ALLOW), smc_action(ctx, 0x82010005)) << "SiP 5, hinted";
	ctx.smc_rules[0] = {0x84010000, 0x8401ffff, AVCPU_SMC_ALLOW, 0};
	EXPECT_EQ(0u, smc_action(ctx, 0x84010008)) << "matched as 0x84000008";
}

TEST(SmcHint, PowerChangingRangesWithTheHintRefused)
{
	EXPECT_TRUE(avcpu_psci_range_changes_power(0x84000020, 0x8401ffff)) << "the review's";
	EXPECT_TRUE(avcpu_psci_range_changes_power(0x84010008, 0x84010008));
	EXPECT_TRUE(avcpu_psci_range_changes_power(0xc4010003, 0xc4010003));
	EXPECT_FALSE(avcpu_psci_range_changes_power(0x84010000, 0x84010000)) << "VERSION";
	EXPECT_FALSE(avcpu_psci_range_changes_power(0x84000020, 0x8400ffff));
	EXPECT_FALSE(avcpu_psci_range_changes_power(0x82000000, 0x8201ffff));
}

TEST(SmcHint, ReservedFastCallBitsRefused)
{
	EXPECT_FALSE(avcpu_smc_range_reserved(0x82000000, 0x8201ffff));
	EXPECT_FALSE(avcpu_smc_range_reserved(0x00000000, 0x7fffffff)) << "yielding calls";
	EXPECT_FALSE(avcpu_smc_range_reserved(0x7fff0000, 0x8001ffff));
	EXPECT_TRUE(avcpu_smc_range_reserved(0x82000000, 0x82020000)) << "bit 17";
	EXPECT_TRUE(avcpu_smc_range_reserved(0xc2020000, 0xc2020fff));
	EXPECT_TRUE(avcpu_smc_range_reserved(0x8201ffff, 0x83000000)) << "spans owners";
	EXPECT_TRUE(avcpu_smc_range_reserved(0x84000020, 0x85ffffff));
}

TEST(SmcHint, InKernelPsciServesHintedIds)
{
	avcpu_psci_vm ops{};
	ops.find_vcpu = [](void *, u64) { return -1; };
	ops.affinity_state = [](void *, int) { return PSCI_AFF_OFF; };
	ops.in_guest_memory = [](void *, u64) { return false; };
	avcpu_psci_result r{};
	avcpu_psci_call(&ops, 0x84010008, 0, 0, 0, &r);
	EXPECT_EQ(PSCI_ACT_SYSTEM_OFF, r.action);
	avcpu_psci_call(&ops, 0x8401000a, 0x84010009, 0, 0, &r);
	EXPECT_EQ(PSCI_RET_SUCCESS, r.ret) << "FEATURES(SYSTEM_RESET, hinted)";
}

constexpr uint64_t dabt(uint32_t iss)
{
	return 0x24ULL << 26 | 1ULL << 25 | iss;
}

TEST(CacheMaintenance, OnNothingIsSkipped)
{
	const uint32_t cm = 1U << 8, wnr = 1U << 6, s1ptw = 1U << 7;
	EXPECT_TRUE(is_unbacked_cache_maintenance(dabt(cm | wnr | 0x06))) << "translation L2";
	EXPECT_TRUE(is_unbacked_cache_maintenance(dabt(cm | wnr | 0x0f))) << "permission L3";
	EXPECT_FALSE(is_unbacked_cache_maintenance(dabt(wnr | 0x06))) << "a store: MMIO";
	EXPECT_FALSE(is_unbacked_cache_maintenance(dabt(cm | s1ptw | 0x06))) << "walk";
	EXPECT_FALSE(is_unbacked_cache_maintenance(dabt(cm | 0x10))) << "external abort";
	EXPECT_FALSE(is_unbacked_cache_maintenance(0x20ULL << 26 | cm | 0x06)) << "fetch";
}

TEST(IdRegisters, ReviewFieldsHiddenOrForced)
{
	EXPECT_EQ(0u, guest_id_value(6, 0, 1ULL << 24, false)) << "ISAR0.TME";
	EXPECT_EQ(0u, guest_id_value(4, 1, 0xffffULL << 48, false)) << "PFR1 THE/MTEX/DF2/PFAR";
	EXPECT_EQ(0u, guest_id_value(4, 2, 1ULL << 32 | 0x111, false)) << "PFR2 FPMR, MTE*";
	EXPECT_EQ(0u, guest_id_value(6, 2, 0x11ULL << 32 | 1 | 1ULL << 16, false))
		<< "ISAR2 SYSREG_128/SYSINSTR_128, WFxT, MOPS";
	// DFR0: 6 breakpoints, 4 watchpoints, 2 context comparators become the minimum.
	uint64_t dfr0 =
		guest_id_value(5, 0, 0x5ULL << 12 | 0x3ULL << 20 | 0x1ULL << 28 | 0x6, false);
	EXPECT_EQ(1u, dfr0 >> 12 & 0xf);
	EXPECT_EQ(1u, dfr0 >> 20 & 0xf);
	EXPECT_EQ(0u, dfr0 >> 28 & 0xf);
	EXPECT_EQ(6u, dfr0 & 0xf) << "DebugVer kept";
	EXPECT_EQ(1u, guest_id_value(4, 0, 0x2, false) & 0xf) << "EL0: AArch64 only";
}

} // namespace
