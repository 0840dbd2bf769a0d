// SPDX-License-Identifier: GPL-2.0
// The benchmark VM's memory, as both backends take it: anonymous, private, and backed by
// 4 KiB pages, by transparent huge pages, or as the system's THP setting has it.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "avcpu/result.h"

namespace bench
{

enum class Backing {
	plain, // what a VMM gets by default (the system's THP setting), untouched
	small, // MADV_NOHUGEPAGE, every page written: 4 KiB pages, 4 KiB stage-2 entries
	huge,  // 2 MiB-aligned, MADV_HUGEPAGE, every page written: THP, 2 MiB stage-2 blocks
};

// Both hypervisors map 2 MiB stage-2 blocks only where the host backs an aligned 2 MiB
// run with one huge page (avcpu: physically contiguous pinned pages, module/vm.c).
inline constexpr size_t huge_page_size = size_t(2) << 20;

class GuestRam
{
public:
	GuestRam() = default;
	GuestRam(const GuestRam &) = delete;
	GuestRam &operator=(const GuestRam &) = delete;
	~GuestRam()
	{
		if (map_)
			munmap(map_, map_size_);
	}

	// size bytes holding image[0, image_size) at the start.
	avcpu::Status allocate(size_t size, Backing backing, const void *image, size_t image_size)
	{
		map_size_ = size + (backing == Backing::huge ? huge_page_size : 0);
		void *m = mmap(nullptr, map_size_, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return avcpu::last_error("mmap guest RAM");
		map_ = m;
		auto at = reinterpret_cast<uintptr_t>(m);
		if (backing == Backing::huge)
			at = (at + huge_page_size - 1) & ~(uintptr_t(huge_page_size) - 1);
		base_ = reinterpret_cast<char *>(at);
		size_ = size;
		if (backing != Backing::plain) {
			if (madvise(base_, size,
				    backing == Backing::huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
				return avcpu::last_error("madvise guest RAM");
			// Written, so that every page is the backing asked for: a page never
			// written is the shared zero page, which KVM maps at stage 2 as 4 KiB.
			std::memset(base_, 0, size);
		}
		std::memcpy(base_, image, image_size);
		return {};
	}

	char *base() const { return base_; }
	size_t size() const { return size_; }

private:
	void *map_ = nullptr;
	size_t map_size_ = 0;
	char *base_ = nullptr;
	size_t size_ = 0;
};

} // namespace bench
