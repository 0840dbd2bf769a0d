// SPDX-License-Identifier: GPL-2.0
// The translation-table builder of module/pgtable.c, against a fake physical memory.
#include <gtest/gtest.h>

#include <cerrno>

#include "fake_tables.h"

namespace
{

class PageTable : public testing::Test
{
protected:
	void SetUp() override { ASSERT_EQ(0, avcpu_pgt_init(&pgt_, mem_.mm(), 48)); }
	void TearDown() override
	{
		avcpu_pgt_destroy(&pgt_);
		EXPECT_EQ(0u, mem_.live()) << "tables leaked";
		EXPECT_EQ(0u, pgt_.tables);
	}

	FakeMemory mem_;
	avcpu_pgt pgt_{};
};

TEST_F(PageTable, StartLevelFollowsVaBits)
{
	EXPECT_EQ(0u, pgt_.start_level);
	avcpu_pgt small{};
	ASSERT_EQ(0, avcpu_pgt_init(&small, mem_.mm(), 39));
	EXPECT_EQ(1u, small.start_level);
	avcpu_pgt_destroy(&small);
	EXPECT_EQ(-EINVAL, avcpu_pgt_init(&small, mem_.mm(), 49));
}

TEST_F(PageTable, MapsOnePageWithAttributes)
{
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, 0x40001000, 0x40001000, 4096, AVCPU_EL2_TEXT, false));
	unsigned int level = 0;
	u64 desc = avcpu_pgt_lookup(&pgt_, 0x40001abc, &level);
	EXPECT_EQ(3u, level);
	EXPECT_EQ(0x40001000u, desc & AVCPU_PTE_ADDR_MASK);
	EXPECT_EQ(AVCPU_PTE_VALID | AVCPU_PTE_TABLE, desc & 3);
	EXPECT_TRUE(desc & AVCPU_PTE_AF);
	EXPECT_TRUE(desc & AVCPU_PTE_AP_RO);
	EXPECT_FALSE(desc & AVCPU_PTE_XN) << "text must be executable";
	EXPECT_EQ(0u, avcpu_pgt_lookup(&pgt_, 0x40000000, nullptr)) << "neighbour mapped";
	EXPECT_EQ(0u, avcpu_pgt_lookup(&pgt_, 0x40002000, nullptr)) << "neighbour mapped";
	EXPECT_EQ(4u, pgt_.tables) << "one table per level";
}

TEST_F(PageTable, DataIsWritableAndNeverExecutable)
{
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, 0x1000, 0x9000, 0x2000, AVCPU_EL2_DATA, false));
	u64 desc = avcpu_pgt_lookup(&pgt_, 0x2000, nullptr);
	EXPECT_EQ(0xa000u, desc & AVCPU_PTE_ADDR_MASK);
	EXPECT_FALSE(desc & AVCPU_PTE_AP_RO);
	EXPECT_TRUE(desc & AVCPU_PTE_XN);
}

TEST_F(PageTable, UsesBlocksOnlyWhereAligned)
{
	// 4 KiB + 2 MiB + 4 KiB: the middle, 2 MiB-aligned part becomes one level-2 block.
	const u64 base = 0x40200000 - 0x1000;
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, base, base, 0x200000 + 0x2000, AVCPU_EL2_DATA, true));
	unsigned int level = 0;
	EXPECT_NE(0u, avcpu_pgt_lookup(&pgt_, base, &level));
	EXPECT_EQ(3u, level);
	u64 block = avcpu_pgt_lookup(&pgt_, 0x40212345, &level);
	EXPECT_EQ(2u, level);
	EXPECT_EQ(AVCPU_PTE_VALID, block & 3) << "a block descriptor";
	EXPECT_EQ(0x40200000u, block & AVCPU_PTE_ADDR_MASK);
	EXPECT_NE(0u, avcpu_pgt_lookup(&pgt_, 0x40400000, &level));
	EXPECT_EQ(3u, level);
}

TEST_F(PageTable, NoBlocksWhenPaMisaligned)
{
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, 0x200000, 0x201000, 0x200000, AVCPU_EL2_DATA, true));
	unsigned int level = 0;
	EXPECT_EQ(0x201000u, avcpu_pgt_lookup(&pgt_, 0x200000, &level) & AVCPU_PTE_ADDR_MASK);
	EXPECT_EQ(3u, level);
}

TEST_F(PageTable, GigabyteBlock)
{
	ASSERT_EQ(0,
		  avcpu_pgt_map(&pgt_, 1ULL << 30, 1ULL << 30, 1ULL << 30, AVCPU_EL2_DATA, true));
	unsigned int level = 0;
	EXPECT_NE(0u, avcpu_pgt_lookup(&pgt_, (1ULL << 30) + 12345, &level));
	EXPECT_EQ(1u, level);
}

TEST_F(PageTable, RejectsBadRanges)
{
	EXPECT_EQ(-EINVAL, avcpu_pgt_map(&pgt_, 0x1001, 0x1000, 4096, AVCPU_EL2_DATA, false));
	EXPECT_EQ(-EINVAL, avcpu_pgt_map(&pgt_, 0x1000, 0x1800, 4096, AVCPU_EL2_DATA, false));
	EXPECT_EQ(-EINVAL, avcpu_pgt_map(&pgt_, 0x1000, 0x1000, 0, AVCPU_EL2_DATA, false));
	EXPECT_EQ(-ERANGE, avcpu_pgt_map(&pgt_, 1ULL << 48, 0, 4096, AVCPU_EL2_DATA, false));
	EXPECT_EQ(-ERANGE,
		  avcpu_pgt_map(&pgt_, (1ULL << 48) - 4096, 0, 8192, AVCPU_EL2_DATA, false));
	EXPECT_EQ(-ERANGE, avcpu_pgt_map(&pgt_, ~0xfffULL, 0, 8192, AVCPU_EL2_DATA, false));
	EXPECT_EQ(1u, pgt_.tables) << "a rejected map allocated tables";
}

TEST_F(PageTable, OverlapIsEexistAndChangesNothing)
{
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, 0x5000, 0x5000, 4096, AVCPU_EL2_TEXT, false));
	EXPECT_EQ(-EEXIST, avcpu_pgt_map(&pgt_, 0x3000, 0x3000, 0x4000, AVCPU_EL2_DATA, false));
	EXPECT_EQ(0u, avcpu_pgt_lookup(&pgt_, 0x3000, nullptr)) << "partial map left behind";
	EXPECT_TRUE(avcpu_pgt_lookup(&pgt_, 0x5000, nullptr) & AVCPU_PTE_AP_RO)
		<< "old map changed";
}

TEST_F(PageTable, OutOfMemoryIsEnomem)
{
	mem_.fail_after(1);
	EXPECT_EQ(-ENOMEM,
		  avcpu_pgt_map(&pgt_, 0x40000000, 0x40000000, 4096, AVCPU_EL2_DATA, false));
}

TEST(El2Tcr, EncodesGranuleSizeAndPs)
{
	FakeMemory mem;
	avcpu_pgt pgt{};
	ASSERT_EQ(0, avcpu_pgt_init(&pgt, mem.mm(), 48));
	u64 tcr = avcpu_el2_tcr(&pgt, 2); // 40-bit PA
	EXPECT_EQ(16u, tcr & 0x3f);	  // T0SZ
	EXPECT_EQ(0u, (tcr >> 14) & 3);	  // TG0: 4 KiB
	EXPECT_EQ(2u, (tcr >> 16) & 7);	  // PS
	EXPECT_EQ(3u, (tcr >> 12) & 3);	  // SH0
	EXPECT_TRUE(tcr & (1ULL << 31));
	EXPECT_TRUE(tcr & (1ULL << 23));
	EXPECT_EQ(5u, (avcpu_el2_tcr(&pgt, 6) >> 16) & 7) << "52-bit PA clamps to 48";
	avcpu_pgt_destroy(&pgt);
}

} // namespace

namespace
{

TEST_F(PageTable, UnmapClearsLeavesAndRefusesSplittingBlocks)
{
	ASSERT_EQ(0, avcpu_pgt_map(&pgt_, 0x200000, 0x200000, 0x400000, AVCPU_S2_RW, true));
	// Half a block: refused, nothing changed.
	EXPECT_EQ(-EINVAL, avcpu_pgt_unmap(&pgt_, 0x200000, 0x100000));
	EXPECT_NE(0u, avcpu_pgt_lookup(&pgt_, 0x200000, nullptr));
	ASSERT_EQ(0, avcpu_pgt_unmap(&pgt_, 0x200000, 0x200000));
	EXPECT_EQ(0u, avcpu_pgt_lookup(&pgt_, 0x3fffff, nullptr));
	EXPECT_NE(0u, avcpu_pgt_lookup(&pgt_, 0x400000, nullptr));
	// Unmapping an unmapped range is fine; the space can be mapped again.
	EXPECT_EQ(0, avcpu_pgt_unmap(&pgt_, 0x200000, 0x200000));
	EXPECT_EQ(0, avcpu_pgt_map(&pgt_, 0x200000, 0x800000, 0x1000, AVCPU_S2_RO, true));
	EXPECT_EQ(0x800000u, avcpu_pgt_lookup(&pgt_, 0x200000, nullptr) & AVCPU_PTE_ADDR_MASK);
}

TEST(Vtcr, StartLevelAndSize)
{
	FakeMemory mem;
	avcpu_pgt pgt{};
	ASSERT_EQ(0, avcpu_pgt_init(&pgt, mem.mm(), 40));
	u64 vtcr = avcpu_vtcr(&pgt, 2);
	EXPECT_EQ(24u, vtcr & 0x3f);	 // T0SZ: 40-bit IPA
	EXPECT_EQ(2u, (vtcr >> 6) & 3);	 // SL0: start at level 0
	EXPECT_EQ(2u, (vtcr >> 16) & 7); // PS
	EXPECT_EQ(0u, (vtcr >> 19) & 1); // VS: 8-bit VMID
	avcpu_pgt_destroy(&pgt);
	ASSERT_EQ(0, avcpu_pgt_init(&pgt, mem.mm(), 39));
	EXPECT_EQ(1u, (avcpu_vtcr(&pgt, 2) >> 6) & 3) << "39 bits start at level 1";
	avcpu_pgt_destroy(&pgt);
}

} // namespace
