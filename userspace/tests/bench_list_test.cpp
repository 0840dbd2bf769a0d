// SPDX-License-Identifier: GPL-2.0
// avcpu-bench's --workload LIST (userspace/bench/workload_list.h).
#include <gtest/gtest.h>

#include "../bench/workload_list.h"

namespace
{

const std::vector<std::string_view> known = {"ioctl_floor", "timer_tick", "spi_user"};

TEST(BenchList, NamesAreWholeEntries)
{
	EXPECT_TRUE(bench::listed("timer_tick", "timer_tick"));
	EXPECT_TRUE(bench::listed("ioctl_floor,timer_tick,spi_user", "timer_tick"));
	EXPECT_TRUE(bench::listed("ioctl_floor,spi_user", "spi_user"));
	EXPECT_FALSE(bench::listed("timer_tick", "timer"));
	EXPECT_FALSE(bench::listed("timer_tick_x,spi", "timer_tick"));
	EXPECT_FALSE(bench::listed("", "spi_user"));
}

TEST(BenchList, UnknownEntriesAreNamed)
{
	EXPECT_EQ(std::nullopt, bench::unknown_entry("", known));
	EXPECT_EQ(std::nullopt, bench::unknown_entry("spi_user", known));
	EXPECT_EQ(std::nullopt, bench::unknown_entry("ioctl_floor,timer_tick,spi_user", known));
	EXPECT_EQ("nosuch", bench::unknown_entry("nosuch", known));
	EXPECT_EQ("nosuch", bench::unknown_entry("timer_tick,nosuch,spi_user", known));
	EXPECT_EQ("timer", bench::unknown_entry("timer", known));
	// An empty entry names no workload.
	EXPECT_EQ("", bench::unknown_entry("timer_tick,,spi_user", known));
	EXPECT_EQ("", bench::unknown_entry("spi_user,", known));
}

} // namespace
