// SPDX-License-Identifier: GPL-2.0
// The PSCI decisions of module/psci.c against a fake VM.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

extern "C" {
#include "psci.h"
}

namespace
{

struct FakeVm {
	std::map<u64, int> mpidr_to_vcpu{{0x0, 0}, {0x1, 1}, {0x100, 2}};
	std::map<int, int> state{{0, PSCI_AFF_ON}, {1, PSCI_AFF_OFF}, {2, PSCI_AFF_ON_PENDING}};
	u64 mem_start = 0x40000000, mem_end = 0x50000000;

	avcpu_psci_vm ops()
	{
		avcpu_psci_vm v{};
		v.find_vcpu = [](void *c, u64 mpidr) {
			auto &m = static_cast<FakeVm *>(c)->mpidr_to_vcpu;
			auto it = m.find(mpidr);
			return it == m.end() ? -1 : it->second;
		};
		v.affinity_state = [](void *c, int i) {
			return static_cast<FakeVm *>(c)->state.at(i);
		};
		v.in_guest_memory = [](void *c, u64 gpa) {
			auto *vm = static_cast<FakeVm *>(c);
			return gpa >= vm->mem_start && gpa < vm->mem_end;
		};
		v.ctx = this;
		return v;
	}
};

avcpu_psci_result call(FakeVm &vm, u32 fn, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0)
{
	avcpu_psci_vm ops = vm.ops();
	avcpu_psci_result r{};
	avcpu_psci_call(&ops, fn, a1, a2, a3, &r);
	return r;
}

constexpr u32 smc64(u32 fn)
{
	return fn | PSCI_FN_SMC64;
}

TEST(Psci, VersionIs11)
{
	FakeVm vm;
	EXPECT_EQ(PSCI_VERSION_1_1, call(vm, PSCI_FN_VERSION).ret);
	EXPECT_EQ(PSCI_RET_NOT_SUPPORTED, call(vm, smc64(PSCI_FN_VERSION)).ret)
		<< "VERSION has no SMC64 form";
}

TEST(Psci, CpuOnStartsAnOffVcpu)
{
	FakeVm vm;
	auto r = call(vm, smc64(PSCI_FN_CPU_ON), 0x1, 0x40001000, 0xc0ffee);
	EXPECT_EQ(PSCI_RET_SUCCESS, r.ret);
	EXPECT_EQ(PSCI_ACT_CPU_ON, r.action);
	EXPECT_EQ(1, r.target);
	EXPECT_EQ(0x40001000u, r.entry);
	EXPECT_EQ(0xc0ffeeu, r.context);
}

TEST(Psci, CpuOnErrors)
{
	FakeVm vm;
	EXPECT_EQ(PSCI_RET_ALREADY_ON, call(vm, smc64(PSCI_FN_CPU_ON), 0x0, 0x40001000).ret);
	EXPECT_EQ(PSCI_RET_ON_PENDING, call(vm, smc64(PSCI_FN_CPU_ON), 0x100, 0x40001000).ret);
	EXPECT_EQ(PSCI_RET_INVALID_PARAMS, call(vm, smc64(PSCI_FN_CPU_ON), 0x7, 0x40001000).ret);
	EXPECT_EQ(PSCI_RET_INVALID_PARAMS,
		  call(vm, smc64(PSCI_FN_CPU_ON), 1ULL << 60 | 1, 0x40001000).ret)
		<< "bits outside the affinity fields";
	EXPECT_EQ(PSCI_RET_INVALID_ADDRESS, call(vm, smc64(PSCI_FN_CPU_ON), 0x1, 0x1000).ret);
	EXPECT_EQ(PSCI_RET_INVALID_ADDRESS, call(vm, smc64(PSCI_FN_CPU_ON), 0x1, 0x40001002).ret)
		<< "misaligned entry";
	auto r = call(vm, PSCI_FN_CPU_ON, 0xffffffff00000001ULL, 0x40001000);
	EXPECT_EQ(PSCI_RET_SUCCESS, r.ret) << "SMC32 ignores the upper halves";
	EXPECT_EQ(1, r.target);
}

TEST(Psci, AffinityInfo)
{
	FakeVm vm;
	EXPECT_EQ(PSCI_AFF_ON, call(vm, PSCI_FN_AFFINITY_INFO, 0x0, 0).ret);
	EXPECT_EQ(PSCI_AFF_OFF, call(vm, smc64(PSCI_FN_AFFINITY_INFO), 0x1, 0).ret);
	EXPECT_EQ(PSCI_AFF_ON_PENDING, call(vm, PSCI_FN_AFFINITY_INFO, 0x100, 0).ret);
	EXPECT_EQ(PSCI_RET_INVALID_PARAMS, call(vm, PSCI_FN_AFFINITY_INFO, 0x0, 1).ret)
		<< "levels above 0";
	EXPECT_EQ(PSCI_RET_INVALID_PARAMS, call(vm, PSCI_FN_AFFINITY_INFO, 0x5, 0).ret);
}

TEST(Psci, PowerActions)
{
	FakeVm vm;
	EXPECT_EQ(PSCI_ACT_CPU_OFF, call(vm, PSCI_FN_CPU_OFF).action);
	EXPECT_EQ(PSCI_ACT_SUSPEND, call(vm, smc64(PSCI_FN_CPU_SUSPEND)).action);
	EXPECT_EQ(PSCI_ACT_SYSTEM_OFF, call(vm, PSCI_FN_SYSTEM_OFF).action);
	EXPECT_EQ(PSCI_ACT_SYSTEM_RESET, call(vm, PSCI_FN_SYSTEM_RESET).action);
	auto r = call(vm, smc64(PSCI_FN_SYSTEM_RESET2), 0x80000001, 0x1234);
	EXPECT_EQ(PSCI_ACT_SYSTEM_RESET2, r.action);
	EXPECT_EQ(0x80000001u, r.entry);
	EXPECT_EQ(0x1234u, r.context);
	EXPECT_EQ(PSCI_RET_INVALID_PARAMS, call(vm, PSCI_FN_SYSTEM_RESET2, 5).ret);
	EXPECT_EQ(2, call(vm, PSCI_FN_MIGRATE_INFO_TYPE).ret);
}

TEST(Psci, FeaturesAndUnknown)
{
	FakeVm vm;
	EXPECT_EQ(PSCI_RET_SUCCESS, call(vm, PSCI_FN_FEATURES, smc64(PSCI_FN_CPU_ON)).ret);
	EXPECT_EQ(PSCI_RET_SUCCESS, call(vm, PSCI_FN_FEATURES, PSCI_FN_SYSTEM_RESET2).ret);
	EXPECT_EQ(PSCI_RET_NOT_SUPPORTED, call(vm, PSCI_FN_FEATURES, PSCI_FN_MIGRATE).ret);
	EXPECT_EQ(PSCI_RET_NOT_SUPPORTED, call(vm, PSCI_FN_FEATURES, 0x82000000).ret);
	EXPECT_EQ(PSCI_RET_NOT_SUPPORTED, call(vm, PSCI_FN_SYSTEM_SUSPEND).ret);
	EXPECT_EQ(PSCI_RET_NOT_SUPPORTED, call(vm, PSCI_FN_CPU_FREEZE).ret);
	EXPECT_FALSE(avcpu_psci_is_call(0x84000020));
	EXPECT_TRUE(avcpu_psci_is_call(0xc4000003));
}

// The calls the kernel serves without vm->lock: their decisions look up no vCPU and ask
// for nothing but a suspend, whatever the arguments.
TEST(Psci, StatelessCallsTouchNoVmState)
{
	avcpu_psci_vm trap{};
	trap.find_vcpu = [](void *, u64) -> int { throw std::logic_error("find_vcpu"); };
	trap.affinity_state = [](void *, int) -> int { throw std::logic_error("affinity"); };
	trap.in_guest_memory = [](void *, u64) -> bool { throw std::logic_error("memory"); };
	unsigned stateless = 0;
	for (u32 id = 0x84000000; id <= 0x8400001f; id++) {
		for (u32 fn : {id, smc64(id), id | SMCCC_SVE_HINT}) {
			if (!avcpu_psci_is_stateless(fn))
				continue;
			stateless++;
			for (u64 a : {0ULL, 1ULL, 0x100ULL, 0x84000003ULL, ~0ULL}) {
				avcpu_psci_result r{};
				EXPECT_NO_THROW(avcpu_psci_call(&trap, fn, a, a, a, &r)) << fn;
				EXPECT_TRUE(r.action == PSCI_ACT_NONE ||
					    r.action == PSCI_ACT_SUSPEND)
					<< std::hex << fn;
			}
		}
	}
	// VERSION, FEATURES, MIGRATE_INFO_TYPE, CPU_SUSPEND in each form tried (an SMC64 form
	// that does not exist is answered NOT_SUPPORTED, stateless too).
	EXPECT_EQ(12U, stateless);
	EXPECT_FALSE(avcpu_psci_is_stateless(PSCI_FN_CPU_ON));
	EXPECT_FALSE(avcpu_psci_is_stateless(PSCI_FN_AFFINITY_INFO));
	EXPECT_FALSE(avcpu_psci_is_stateless(PSCI_FN_SYSTEM_OFF));
	EXPECT_FALSE(avcpu_psci_is_stateless(0x82000000));
}

TEST(Psci, PowerRangesCannotBeForwarded)
{
	EXPECT_TRUE(avcpu_psci_range_changes_power(0x84000000, 0x8400001f));
	EXPECT_TRUE(avcpu_psci_range_changes_power(0xc4000003, 0xc4000003));
	EXPECT_TRUE(avcpu_psci_range_changes_power(0x84000008, 0x84000009));
	EXPECT_FALSE(avcpu_psci_range_changes_power(0x84000000, 0x84000000)) << "VERSION";
	EXPECT_FALSE(avcpu_psci_range_changes_power(0x8400000a, 0x8400000a)) << "FEATURES";
	EXPECT_FALSE(avcpu_psci_range_changes_power(0x82000000, 0x8200ffff));
	EXPECT_FALSE(avcpu_psci_range_changes_power(0xc4000004, 0xc4000004)) << "AFFINITY_INFO";
	EXPECT_TRUE(avcpu_psci_range_changes_power(0x8400000f, 0x8400000f)) << "SET_SUSPEND_MODE";
	EXPECT_TRUE(avcpu_psci_range_changes_power(0x84000013, 0x84000013)) << "MEM_PROTECT";
	EXPECT_TRUE(avcpu_psci_range_changes_power(0x8400001f, 0x8400001f)) << "unassigned";
}

} // namespace
