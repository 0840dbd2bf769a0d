// SPDX-License-Identifier: GPL-2.0
// Who owns a physical SError met while a guest runs (module/hyp/include/serror.h).
#include <gtest/gtest.h>

#include "serror.h"

using namespace hyp;

namespace
{

constexpr uint64_t ras_syndrome(SErrorSeverity aet)
{
	return (static_cast<uint64_t>(aet) << serror_aet_shift) | serror_dfsc_async;
}

TEST(SError, WithoutRasItIsTheGuests)
{
	EXPECT_EQ(SErrorAction::inject, classify_serror(0, false));
	EXPECT_EQ(SErrorAction::inject, classify_serror(ras_syndrome(SErrorSeverity::uc), false));
}

TEST(SError, ImplementationDefinedSyndromeIsTheGuests)
{
	EXPECT_EQ(SErrorAction::inject, classify_serror(serror_ids | 0x1234, true));
}

TEST(SError, UncategorizedIsTheGuests)
{
	EXPECT_EQ(SErrorAction::inject, classify_serror(0, true));
}

TEST(SError, SeverityDecides)
{
	EXPECT_EQ(SErrorAction::host_fatal,
		  classify_serror(ras_syndrome(SErrorSeverity::uc), true));
	EXPECT_EQ(SErrorAction::inject, classify_serror(ras_syndrome(SErrorSeverity::ueu), true));
	EXPECT_EQ(SErrorAction::inject, classify_serror(ras_syndrome(SErrorSeverity::uer), true));
	EXPECT_EQ(SErrorAction::ignore, classify_serror(ras_syndrome(SErrorSeverity::ueo), true));
	EXPECT_EQ(SErrorAction::ignore, classify_serror(ras_syndrome(SErrorSeverity::ce), true));
}

TEST(SError, ReservedSeverityIsNotContained)
{
	EXPECT_EQ(SErrorAction::host_fatal,
		  classify_serror((4ULL << serror_aet_shift) | 0x11, true));
	EXPECT_EQ(SErrorAction::host_fatal,
		  classify_serror((7ULL << serror_aet_shift) | 0x11, true));
}

} // namespace
