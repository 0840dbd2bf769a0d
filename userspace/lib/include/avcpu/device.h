// SPDX-License-Identifier: GPL-2.0
// /dev/avcpu itself.
#pragma once

#include <string>

#include "avcpu/fd.h"
#include "avcpu/result.h"

namespace avcpu {

class Device {
public:
	static constexpr const char *default_path = "/dev/avcpu";

	// Opens the device; fails with the errno of open(2).
	static Result<Device> open(const std::string &path = default_path);

	// The API version the module speaks (AVCPU_GET_API_VERSION).
	Result<int> api_version() const;

	int fd() const { return fd_.get(); }

private:
	explicit Device(UniqueFd fd) : fd_(std::move(fd)) {}
	UniqueFd fd_;
};

} // namespace avcpu
