// SPDX-License-Identifier: GPL-2.0
// Putting a guest image into guest memory: an ELF64 (AArch64) executable at its physical
// load addresses, or a raw binary at a given address.
#pragma once

#include <cstdint>
#include <string>

namespace vmm
{

struct GuestRam {
	uint8_t *host;
	uint64_t base, size;
};

struct Loaded {
	uint64_t entry;
	uint64_t low, high; // what the image occupies
	bool elf;
};

// Returns false with a one-line reason in error.
bool load_guest(const std::string &path, const GuestRam &ram, uint64_t raw_load_address,
		Loaded &out, std::string &error);

} // namespace vmm
