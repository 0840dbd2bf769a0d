// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: avcpu-run's guest loaders on any file, as a GUEST (ELF or raw) and as
// a --kernel Image. Each must either load the image inside guest RAM (entry and every byte
// it wrote within [base, base + size), a kernel below the device tree's place) or refuse
// with a one-line reason; never read or write outside its buffers (ASan) or hit undefined
// behaviour (UBSan).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = memfd_create("guest", 0);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != ssize_t(size))
		std::abort();
	constexpr uint64_t base = 0x40000000, ram_size = 8 << 20;
	static std::vector<uint8_t> ram(ram_size); // what earlier inputs left in it is harmless
	vmm::GuestRam r{ram.data(), base, ram_size};
	vmm::Loaded out{};
	std::string error;
	bool raw_at_base = size && (data[0] & 1);
	std::string path = "/proc/self/fd/" + std::to_string(fd);
	if (vmm::load_guest(path, r, raw_at_base ? base : base + 0x80000, out, error)) {
		if (out.low < base || out.high > base + ram_size || out.low > out.high)
			std::abort();
		if (out.elf && (out.entry < base || out.entry >= base + ram_size))
			std::abort();
	} else if (error.empty() || error.find('\n') != std::string::npos) {
		std::abort();
	}

	vmm::LinuxLoaded linux_out;
	uint64_t limit = vmm::linux_dtb_address(r);
	error.clear();
	if (vmm::load_linux(path, "", r, limit, linux_out, error)) {
		if (linux_out.kernel_base < base + (2 << 20) || linux_out.kernel_end > limit ||
		    linux_out.kernel_base >= linux_out.kernel_end || linux_out.initrd_end)
			std::abort();
	} else if (error.empty() || error.find('\n') != std::string::npos) {
		std::abort();
	}
	return 0;
}
