// SPDX-License-Identifier: GPL-2.0
// avcpu-run's ELF and raw-binary loader, natively.
#include <gtest/gtest.h>

#include <elf.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "loader.h"

namespace
{

std::string write_temp(const std::vector<uint8_t> &bytes)
{
	char path[] = "/tmp/avcpu-loader-XXXXXX";
	int fd = mkstemp(path);
	EXPECT_GE(fd, 0);
	EXPECT_EQ(ssize_t(bytes.size()), write(fd, bytes.data(), bytes.size()));
	close(fd);
	return path;
}

std::vector<uint8_t> make_elf(uint16_t machine, uint64_t paddr, uint64_t entry,
			      const std::vector<uint8_t> &payload, uint64_t memsz)
{
	Elf64_Ehdr eh{};
	std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_type = ET_EXEC;
	eh.e_machine = machine;
	eh.e_entry = entry;
	eh.e_phoff = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 1;
	Elf64_Phdr ph{};
	ph.p_type = PT_LOAD;
	ph.p_offset = sizeof(eh) + sizeof(ph);
	ph.p_paddr = ph.p_vaddr = paddr;
	ph.p_filesz = payload.size();
	ph.p_memsz = memsz;
	std::vector<uint8_t> out(sizeof(eh) + sizeof(ph));
	std::memcpy(out.data(), &eh, sizeof(eh));
	std::memcpy(out.data() + sizeof(eh), &ph, sizeof(ph));
	out.insert(out.end(), payload.begin(), payload.end());
	return out;
}

struct Ram {
	std::vector<uint8_t> bytes = std::vector<uint8_t>(1 << 20, 0xee);
	vmm::GuestRam view() { return {bytes.data(), 0x40000000, bytes.size()}; }
};

TEST(Loader, ElfSegmentsAndBss)
{
	Ram ram;
	auto path = write_temp(make_elf(EM_AARCH64, 0x40001000, 0x40001004, {1, 2, 3, 4}, 16));
	vmm::Loaded l{};
	std::string err;
	ASSERT_TRUE(vmm::load_guest(path, ram.view(), 0, l, err)) << err;
	EXPECT_TRUE(l.elf);
	EXPECT_EQ(0x40001004u, l.entry);
	EXPECT_EQ(1, ram.bytes[0x1000]);
	EXPECT_EQ(4, ram.bytes[0x1003]);
	EXPECT_EQ(0, ram.bytes[0x100f]) << "bss not cleared";
	EXPECT_EQ(0xee, ram.bytes[0x1010]);
	std::remove(path.c_str());
}

TEST(Loader, RefusesWhatDoesNotFit)
{
	Ram ram;
	vmm::Loaded l{};
	std::string err;
	auto x86 = write_temp(make_elf(EM_X86_64, 0x40001000, 0x40001000, {1}, 1));
	EXPECT_FALSE(vmm::load_guest(x86, ram.view(), 0, l, err));
	EXPECT_NE(std::string::npos, err.find("not a little-endian AArch64")) << err;
	auto outside = write_temp(make_elf(EM_AARCH64, 0x10000000, 0x10000000, {1}, 1));
	EXPECT_FALSE(vmm::load_guest(outside, ram.view(), 0, l, err));
	EXPECT_NE(std::string::npos, err.find("outside guest memory")) << err;
	auto raw = write_temp(std::vector<uint8_t>(4096, 1));
	EXPECT_FALSE(vmm::load_guest(raw, ram.view(), 0x40000000 + (1 << 20) - 100, l, err));
	EXPECT_TRUE(vmm::load_guest(raw, ram.view(), 0x40080000, l, err)) << err;
	EXPECT_FALSE(l.elf);
	EXPECT_EQ(0x40080000u, l.entry);
	EXPECT_FALSE(vmm::load_guest("/nonexistent/guest", ram.view(), 0x40080000, l, err));
	EXPECT_NE(std::string::npos, err.find("cannot open")) << err;
	for (auto &p : {x86, outside, raw})
		std::remove(p.c_str());
}

} // namespace
