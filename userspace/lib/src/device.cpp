// SPDX-License-Identifier: GPL-2.0
#include "avcpu/device.h"

#include <fcntl.h>
#include <sys/ioctl.h>

#include <linux/avcpu.h>

namespace avcpu {

Result<Device> Device::open(const std::string &path)
{
	int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return last_error("open /dev/avcpu");
	return Device(UniqueFd(fd));
}

Result<int> Device::api_version() const
{
	int version = ::ioctl(fd_.get(), AVCPU_GET_API_VERSION, 0);
	if (version < 0)
		return last_error("AVCPU_GET_API_VERSION");
	return version;
}

} // namespace avcpu
