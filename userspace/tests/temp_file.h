// SPDX-License-Identifier: GPL-2.0
// A file with given contents under /tmp for as long as the test needs it.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

class TempFile
{
public:
	explicit TempFile(const std::vector<uint8_t> &bytes)
	{
		char name[] = "/tmp/avcpu-test-XXXXXX";
		int fd = mkstemp(name);
		EXPECT_GE(fd, 0);
		if (fd < 0)
			return;
		path_ = name;
		EXPECT_EQ(ssize_t(bytes.size()), ::write(fd, bytes.data(), bytes.size()));
		::close(fd);
	}
	TempFile(const TempFile &) = delete;
	TempFile &operator=(const TempFile &) = delete;
	~TempFile()
	{
		if (!path_.empty())
			std::remove(path_.c_str());
	}
	const std::string &path() const { return path_; }

private:
	std::string path_;
};
