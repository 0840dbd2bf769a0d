// SPDX-License-Identifier: GPL-2.0
// avcpu-info: prints what the loaded avcpu module offers.
#include <cstdio>
#include <string>

#include <linux/avcpu.h>

#include "avcpu/device.h"

int main(int argc, char **argv)
{
	std::string path = argc > 1 ? argv[1] : avcpu::Device::default_path;
	auto dev = avcpu::Device::open(path);
	if (!dev) {
		std::fprintf(stderr, "avcpu-info: %s (%s)\n", dev.error().message().c_str(),
			     path.c_str());
		return 1;
	}
	auto version = dev.value().api_version();
	if (!version) {
		std::fprintf(stderr, "avcpu-info: %s\n", version.error().message().c_str());
		return 1;
	}
	std::printf("api_version %d (this tool speaks %d)\n", version.value(), AVCPU_API_VERSION);
	return version.value() == AVCPU_API_VERSION ? 0 : 2;
}
