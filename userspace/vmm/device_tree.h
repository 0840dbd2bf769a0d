// SPDX-License-Identifier: GPL-2.0
// The device tree avcpu-run hands the guest in x0, describing the machine as it exists.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vmm
{

struct MachineLayout {
	uint64_t ram_base, ram_size;
	unsigned cpus;
	uint64_t uart_base, uart_size;
	uint64_t testdev_base, testdev_size;
	std::string bootargs;
};

// A flattened device tree blob, or an empty vector with error set.
std::vector<uint8_t> build_fdt(const MachineLayout &m, std::string &error);

} // namespace vmm
