// SPDX-License-Identifier: GPL-2.0
#include "loader.h"

#include <elf.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace vmm
{

namespace
{

std::string range_error(const char *what, uint64_t lo, uint64_t hi, const GuestRam &ram)
{
	char buf[200];
	std::snprintf(buf, sizeof(buf),
		      "%s %#" PRIx64 "-%#" PRIx64 " is outside guest memory (%#" PRIx64 "-%#" PRIx64
		      ")",
		      what, lo, hi, ram.base, ram.base + ram.size);
	return buf;
}

bool inside(const GuestRam &ram, uint64_t addr, uint64_t size)
{
	return addr >= ram.base && size <= ram.size && addr - ram.base <= ram.size - size;
}

bool load_elf(const std::vector<uint8_t> &file, const GuestRam &ram, Loaded &out,
	      std::string &error)
{
	Elf64_Ehdr eh;
	if (file.size() < sizeof(eh)) {
		error = "truncated ELF header";
		return false;
	}
	std::memcpy(&eh, file.data(), sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_AARCH64 || eh.e_type != ET_EXEC) {
		error = "not a little-endian AArch64 ELF64 executable";
		return false;
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > file.size() ||
	    uint64_t(eh.e_phnum) * sizeof(Elf64_Phdr) > file.size() - eh.e_phoff) {
		error = "corrupt program headers";
		return false;
	}
	out = {eh.e_entry, ~0ULL, 0, true};
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		std::memcpy(&ph, file.data() + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > file.size() ||
		    ph.p_filesz > file.size() - ph.p_offset) {
			error = "a segment lies beyond the end of the file";
			return false;
		}
		if (!inside(ram, ph.p_paddr, ph.p_memsz)) {
			error = range_error("segment", ph.p_paddr, ph.p_paddr + ph.p_memsz, ram);
			return false;
		}
		uint8_t *dst = ram.host + (ph.p_paddr - ram.base);
		std::memcpy(dst, file.data() + ph.p_offset, ph.p_filesz);
		std::memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
		out.low = std::min<uint64_t>(out.low, ph.p_paddr);
		out.high = std::max<uint64_t>(out.high, ph.p_paddr + ph.p_memsz);
	}
	if (out.high == 0) {
		error = "no loadable segment";
		return false;
	}
	if (!inside(ram, out.entry, 4)) {
		error = range_error("entry point", out.entry, out.entry + 4, ram);
		return false;
	}
	return true;
}

} // namespace

bool load_guest(const std::string &path, const GuestRam &ram, uint64_t raw_load_address,
		Loaded &out, std::string &error)
{
	std::ifstream in(path, std::ios::binary);
	if (!in) {
		error = "cannot open '" + path + "': " + std::strerror(errno);
		return false;
	}
	std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
				  std::istreambuf_iterator<char>());
	if (file.empty()) {
		error = "'" + path + "' is empty";
		return false;
	}
	if (file.size() >= 4 && std::memcmp(file.data(), ELFMAG, SELFMAG) == 0) {
		if (!load_elf(file, ram, out, error)) {
			error = "'" + path + "': " + error;
			return false;
		}
		return true;
	}
	if (!inside(ram, raw_load_address, file.size())) {
		error = "'" + path + "': " +
			range_error("raw image", raw_load_address, raw_load_address + file.size(),
				    ram);
		return false;
	}
	std::memcpy(ram.host + (raw_load_address - ram.base), file.data(), file.size());
	out = {raw_load_address, raw_load_address, raw_load_address + file.size(), false};
	return true;
}

} // namespace vmm
