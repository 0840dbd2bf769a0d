// SPDX-License-Identifier: GPL-2.0
// Putting a guest image into guest memory: an ELF64 (AArch64) executable at its physical
// load addresses, a raw binary at a given address, or an arm64 Linux Image (with an
// initramfs) by the arm64 boot protocol (Linux Documentation/arch/arm64/booting.rst).
#pragma once

#include <cstddef>
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

// The 64-byte header at the start of an arm64 Image.
struct ImageHeader {
	uint64_t text_offset; // from a 2 MiB-aligned base; 0 since Linux 5.10
	uint64_t image_size;  // what the kernel occupies from there, BSS included
	uint64_t flags;	      // bit 0 big-endian, bits 1-2 page size, bit 3 placement-free
};
constexpr size_t image_header_size = 64;

// Checks the first bytes of a kernel file. false with the reason when it is not an Image
// avcpu-run can boot: gzip-compressed, EFI zboot, big-endian, no magic, too short.
bool parse_image_header(const uint8_t *data, size_t size, ImageHeader &out, std::string &error);

// Where a Linux boot put things in guest physical memory.
struct LinuxLoaded {
	uint64_t kernel_base = 0;		   // the start of the Image: the entry point
	uint64_t kernel_end = 0;		   // kernel_base + image_size
	uint64_t initrd_start = 0, initrd_end = 0; // both 0 without an initrd
};

// The device tree's place for a Linux boot: 2 MiB below the end of RAM (8-byte aligned, at
// most 2 MiB, above the kernel and the initrd).
uint64_t linux_dtb_address(const GuestRam &ram);

// Loads the Image at RAM base + 2 MiB + text_offset with image_size bytes free from there,
// and the initrd (if initrd is not empty) at the next 2 MiB boundary after the kernel;
// both must end at or below limit (where the device tree goes). false with a one-line
// reason otherwise.
bool load_linux(const std::string &kernel, const std::string &initrd, const GuestRam &ram,
		uint64_t limit, LinuxLoaded &out, std::string &error);

} // namespace vmm
