// SPDX-License-Identifier: GPL-2.0
// Host memory to give a guest: anonymous (optionally huge pages) or a file mapping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "avcpu/result.h"

namespace avcpu
{

class GuestMemory
{
public:
	// Anonymous memory, 2 MiB-aligned; huge asks for transparent huge pages.
	static Result<GuestMemory> anonymous(size_t size, bool huge = false);
	// A private mapping of a file: changes by the guest stay in memory.
	static Result<GuestMemory> file(const std::string &path, size_t size);

	GuestMemory(GuestMemory &&other) noexcept;
	GuestMemory &operator=(GuestMemory &&other) noexcept;
	GuestMemory(const GuestMemory &) = delete;
	GuestMemory &operator=(const GuestMemory &) = delete;
	~GuestMemory();

	uint8_t *data() const { return data_; }
	size_t size() const { return size_; }

private:
	GuestMemory(void *map, size_t map_size, uint8_t *data, size_t size)
	    : map_(map), map_size_(map_size), data_(data), size_(size)
	{
	}
	void *map_ = nullptr;
	size_t map_size_ = 0;
	uint8_t *data_ = nullptr;
	size_t size_ = 0;
};

} // namespace avcpu
