// SPDX-License-Identifier: GPL-2.0
#include "avcpu/memory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <utility>

namespace avcpu
{

namespace
{
constexpr size_t huge_page = 2UL << 20;
}

Result<GuestMemory> GuestMemory::anonymous(size_t size, bool huge)
{
	if (size == 0 || size % 4096)
		return Error{"guest memory size", EINVAL};
	// Over-allocate to align on 2 MiB, so that stage 2 can use block mappings.
	size_t map_size = size + huge_page;
	void *map = ::mmap(nullptr, map_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return last_error("mmap guest memory");
	auto *data = reinterpret_cast<uint8_t *>(
		(reinterpret_cast<uintptr_t>(map) + huge_page - 1) & ~(huge_page - 1));
	if (huge)
		::madvise(data, size, MADV_HUGEPAGE);
	return GuestMemory(map, map_size, data, size);
}

Result<GuestMemory> GuestMemory::file(const std::string &path, size_t size)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return last_error("open guest memory file");
	void *map = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	int err = errno;
	::close(fd);
	if (map == MAP_FAILED)
		return Error{"mmap guest memory file", err};
	return GuestMemory(map, size, static_cast<uint8_t *>(map), size);
}

GuestMemory::GuestMemory(GuestMemory &&other) noexcept
    : map_(std::exchange(other.map_, nullptr)), map_size_(other.map_size_), data_(other.data_),
      size_(other.size_)
{
}

GuestMemory &GuestMemory::operator=(GuestMemory &&other) noexcept
{
	if (this != &other) {
		if (map_)
			::munmap(map_, map_size_);
		map_ = std::exchange(other.map_, nullptr);
		map_size_ = other.map_size_;
		data_ = other.data_;
		size_ = other.size_;
	}
	return *this;
}

GuestMemory::~GuestMemory()
{
	if (map_)
		::munmap(map_, map_size_);
}

} // namespace avcpu
