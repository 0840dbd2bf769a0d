// SPDX-License-Identifier: GPL-2.0
// An owned file descriptor, closed through the Kernel it came from.
#pragma once

#include <utility>

#include "avcpu/kernel.h"

namespace avcpu
{

class UniqueFd
{
public:
	UniqueFd() = default;
	UniqueFd(Kernel &kernel, int fd) : kernel_(&kernel), fd_(fd) {}
	UniqueFd(UniqueFd &&other) noexcept
	    : kernel_(other.kernel_), fd_(std::exchange(other.fd_, -1))
	{
	}
	UniqueFd &operator=(UniqueFd &&other) noexcept
	{
		if (this != &other) {
			reset();
			kernel_ = other.kernel_;
			fd_ = std::exchange(other.fd_, -1);
		}
		return *this;
	}
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd() { reset(); }

	int get() const { return fd_; }
	bool valid() const { return fd_ >= 0; }
	Kernel &kernel() const { return *kernel_; }
	void reset()
	{
		if (fd_ >= 0)
			kernel_->close(fd_);
		fd_ = -1;
	}

private:
	Kernel *kernel_ = nullptr;
	int fd_ = -1;
};

} // namespace avcpu
