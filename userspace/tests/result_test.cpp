// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <fcntl.h>

#include "avcpu/device.h"
#include "avcpu/result.h"

TEST(Result, CarriesValueOrError)
{
	avcpu::Result<int> good(7);
	ASSERT_TRUE(good.ok());
	EXPECT_EQ(good.value(), 7);

	avcpu::Result<int> bad(avcpu::Error{"AVCPU_CREATE_VM", EINVAL});
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error().error, EINVAL);
	EXPECT_EQ(bad.value_or(-1), -1);
	EXPECT_EQ(bad.error().message(), "AVCPU_CREATE_VM: Invalid argument");
}

TEST(Device, OpenReportsErrnoAndOperation)
{
	auto dev = avcpu::Device::open("/nonexistent/avcpu");
	ASSERT_FALSE(dev.ok());
	EXPECT_EQ(dev.error().error, ENOENT);
	EXPECT_EQ(dev.error().operation, "open /dev/avcpu");
}

TEST(Device, ApiVersionFailsOnNonAvcpuFile)
{
	// /dev/null accepts open but not our ioctl: the error must say which ioctl and why.
	auto dev = avcpu::Device::open("/dev/null");
	ASSERT_TRUE(dev.ok());
	auto version = dev.value().api_version();
	ASSERT_FALSE(version.ok());
	EXPECT_EQ(version.error().error, ENOTTY);
	EXPECT_EQ(version.error().operation, "AVCPU_GET_API_VERSION");
}
