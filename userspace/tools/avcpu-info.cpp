// SPDX-License-Identifier: GPL-2.0
// avcpu-info: prints what the loaded avcpu module offers.
#include <cstdio>
#include <cstring>
#include <string>

#include <linux/avcpu.h>

#include "avcpu/device.h"

// The manual, also the man page avcpu-info(1): avcpu-info.txt.
static const char help_text[] =
#include "avcpu-info.txt.h"
	;

int main(int argc, char **argv)
{
	if (argc > 1 && (!std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help"))) {
		std::fputs(help_text, stdout);
		return 0;
	}
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
