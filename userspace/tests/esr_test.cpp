// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <string>

#include "esr.h"

using hyp::DataAbort;
using hyp::ExceptionClass;
using hyp::HvcSmc;
using hyp::Syndrome;
using hyp::SysRegAccess;

namespace
{

// Builds a data-abort ISS field by field, in the Arm ARM's layout.
constexpr uint32_t data_abort_iss(bool isv, unsigned sas, bool sse, unsigned srt, bool sf, bool wnr,
				  unsigned dfsc)
{
	return (uint32_t(isv) << 24) | (sas << 22) | (uint32_t(sse) << 21) | (srt << 16) |
	       (uint32_t(sf) << 15) | (uint32_t(wnr) << 6) | dfsc;
}

TEST(Syndrome, SplitsClassLengthAndIss)
{
	// "hvc #0x1234" from a lower EL: EC 0x16, IL 1, imm16 in the ISS.
	Syndrome esr{(0x16ULL << 26) | (1ULL << 25) | 0x1234};
	EXPECT_EQ(esr.ec(), ExceptionClass::hvc64);
	EXPECT_TRUE(esr.il32());
	EXPECT_EQ(esr.iss(), 0x1234u);
	EXPECT_EQ(HvcSmc{esr.iss()}.imm(), 0x1234);
}

TEST(Syndrome, IgnoresBitsAboveEc)
{
	// ISS2 (bits 36:32) must not leak into EC.
	Syndrome esr{(0x1fULL << 32) | (0x24ULL << 26)};
	EXPECT_EQ(esr.ec(), ExceptionClass::data_abort_lower);
}

struct DataAbortCase {
	unsigned sas;
	unsigned size;
	bool sse;
	unsigned srt;
	bool sf;
	bool wnr;
};

class DataAbortFields : public testing::TestWithParam<DataAbortCase>
{
};

TEST_P(DataAbortFields, DecodesEveryField)
{
	const auto &c = GetParam();
	DataAbort da{data_abort_iss(true, c.sas, c.sse, c.srt, c.sf, c.wnr, 0x07)};
	EXPECT_TRUE(da.valid());
	EXPECT_EQ(da.size(), c.size);
	EXPECT_EQ(da.sign_extend(), c.sse);
	EXPECT_EQ(da.reg(), c.srt);
	EXPECT_EQ(da.reg64(), c.sf);
	EXPECT_EQ(da.write(), c.wnr);
	EXPECT_EQ(da.status(), 0x07u);
	EXPECT_FALSE(da.far_invalid());
	EXPECT_FALSE(da.stage1_walk());
}

INSTANTIATE_TEST_SUITE_P(Widths, DataAbortFields,
			 testing::Values(DataAbortCase{0, 1, true, 0, false, false},
					 DataAbortCase{1, 2, true, 5, true, false},
					 DataAbortCase{2, 4, false, 30, true, true},
					 DataAbortCase{3, 8, false, 31, true, true}),
			 [](const auto &p) { return "bytes" + std::to_string(p.param.size); });

TEST(DataAbort, NoSyndromeWhenIsvClear)
{
	DataAbort da{data_abort_iss(false, 3, false, 4, true, true, 0x07)};
	EXPECT_FALSE(da.valid());
}

TEST(SysRegAccess, DecodesCntvCtlRead)
{
	// MRS x3, CNTV_CTL_EL0: op0 3, op1 3, CRn 14, CRm 3, op2 1, read.
	uint32_t iss =
		(3u << 20) | (1u << 17) | (3u << 14) | (14u << 10) | (3u << 5) | (3u << 1) | 1;
	SysRegAccess sr{iss};
	EXPECT_EQ(sr.op0(), 3u);
	EXPECT_EQ(sr.op1(), 3u);
	EXPECT_EQ(sr.crn(), 14u);
	EXPECT_EQ(sr.crm(), 3u);
	EXPECT_EQ(sr.op2(), 1u);
	EXPECT_EQ(sr.reg(), 3u);
	EXPECT_TRUE(sr.read());
}

} // namespace
