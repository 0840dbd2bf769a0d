// SPDX-License-Identifier: GPL-2.0
// module/pgtable.c: empty tables are unlinked after an unmap and freed afterwards, so that
// slot add/delete churn does not grow a VM's stage-2 tables without bound.
#include <gtest/gtest.h>

#include "fake_tables.h"

namespace
{

constexpr u64 kPage = 4096;
constexpr u64 k2M = 2ULL << 20;
constexpr u64 k1G = 1ULL << 30;

class DetachEmpty : public testing::Test
{
protected:
	void SetUp() override
	{
		mem_.expect_empty_frees();
		ASSERT_EQ(0, avcpu_pgt_init(&pgt_, mem_.mm(), 48));
	}
	void TearDown() override
	{
		avcpu_pgt_destroy(&pgt_);
		EXPECT_EQ(0u, mem_.live()) << "tables leaked";
		EXPECT_EQ(0u, pgt_.tables);
	}
	// What a slot delete does: unmap, unlink, (invalidate), free.
	void remove(u64 va, u64 size)
	{
		ASSERT_EQ(0, avcpu_pgt_unmap(&pgt_, va, size));
		avcpu_pgt_free_detached(&pgt_, avcpu_pgt_detach_empty(&pgt_, va, size));
	}

	FakeMemory mem_;
	avcpu_pgt pgt_{};
};

TEST_F(DetachEmpty, ChurnAtNewAddressesStaysBounded)
{
	// One 4 KiB page at 2000 successive 2 MiB-aligned addresses: one level-3 table each.
	for (u64 i = 0; i < 2000; i++) {
		u64 va = 0x40000000 + i * k2M;
		ASSERT_EQ(0, avcpu_pgt_map(&pgt_, va, 0x1000000, kPage, AVCPU_S2_RW, true));
		ASSERT_EQ(4u, pgt_.tables) << "iteration " << i;
		remove(va, kPage);
		ASSERT_EQ(1u, pgt_.tables) << "only the root is left, iteration " << i;
	}
	EXPECT_EQ(1u, mem_.live());
}

TEST_F(DetachEmpty, KeepsTablesThatStillMapSomething)
{
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, 0x40000000, 0x1000000, kPage, AVCPU_S2_RW, true));
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, 0x40001000, 0x2000000, kPage, AVCPU_S2_RW, true));
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, 0x40200000, 0x3000000, kPage, AVCPU_S2_RW, true));
	ASSERT_EQ(5u, pgt_.tables);
	remove(0x40000000, kPage);
	EXPECT_EQ(5u, pgt_.tables) << "the level-3 table still maps 0x40001000";
	EXPECT_EQ(0x2000000u, avcpu_pgt_lookup(&pgt_, 0x40001000, nullptr) & AVCPU_PTE_ADDR_MASK);
	remove(0x40001000, kPage);
	EXPECT_EQ(4u, pgt_.tables) << "one level-3 table freed, the 2 MiB neighbour's kept";
	EXPECT_EQ(0x3000000u, avcpu_pgt_lookup(&pgt_, 0x40200000, nullptr) & AVCPU_PTE_ADDR_MASK);
	remove(0x40200000, kPage);
	EXPECT_EQ(1u, pgt_.tables);
}

TEST_F(DetachEmpty, BlocksAndRangesAcrossTables)
{
	// 1 GiB + 2 MiB + 4 KiB from 1 GiB - 4 KiB: pages, a 1 GiB block, a 2 MiB block, a page.
	const u64 va = k1G - kPage, size = kPage + k1G + k2M + kPage;
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, va, va, size, AVCPU_S2_RW, true));
	unsigned int level = 0;
	ASSERT_NE(0u, avcpu_pgt_lookup(&pgt_, k1G, &level));
	ASSERT_EQ(1u, level);
	remove(va, size);
	EXPECT_EQ(1u, pgt_.tables);
	EXPECT_EQ(0u, avcpu_pgt_lookup(&pgt_, k1G, nullptr));
	// The space can be mapped again afterwards.
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, va, va, size, AVCPU_S2_RW, true));
	remove(va, size);
}

TEST_F(DetachEmpty, UnlinkedTablesReadAsInvalidUntilFreed)
{
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, 0x40000000, 0x1000000, kPage, AVCPU_S2_RW, true));
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, 0x40200000, 0x1000000, kPage, AVCPU_S2_RW, true));
	ASSERT_EQ(0, avcpu_pgt_unmap(&pgt_, 0x40000000, 0x400000));
	u64 list = avcpu_pgt_detach_empty(&pgt_, 0x40000000, 0x400000);
	ASSERT_NE(0u, list);
	EXPECT_EQ(0u, avcpu_pgt_lookup(&pgt_, 0x40000000, nullptr));
	// Still counted (not yet freed); what a stale walk could read has bit 0 (valid) clear.
	EXPECT_EQ(5u, pgt_.tables);
	for (u64 pa = list; pa;) {
		auto *t = static_cast<u64 *>(mem_.mm()->phys_to_virt(mem_.mm()->ctx, pa));
		for (u64 i = 0; i < AVCPU_PTRS_PER_TABLE; i++)
			EXPECT_EQ(0u, t[i] & AVCPU_PTE_VALID);
		pa = t[0];
	}
	avcpu_pgt_free_detached(&pgt_, list);
	EXPECT_EQ(1u, pgt_.tables);
}

TEST_F(DetachEmpty, NothingToDetach)
{
	EXPECT_EQ(0u, avcpu_pgt_detach_empty(&pgt_, 0x40000000, k2M));
	EXPECT_EQ(0u, avcpu_pgt_detach_empty(&pgt_, 0, 0));
	EXPECT_EQ(0u, avcpu_pgt_detach_empty(&pgt_, 1ULL << 48, kPage)) << "beyond va_bits";
	avcpu_pgt_free_detached(&pgt_, 0);
	EXPECT_EQ(1u, pgt_.tables);
}

} // namespace
