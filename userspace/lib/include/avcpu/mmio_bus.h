// SPDX-License-Identifier: GPL-2.0
// Devices at guest physical address ranges, and the dispatch of MMIO exits to them.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "avcpu/result.h"

namespace avcpu
{

class MmioDevice
{
public:
	virtual ~MmioDevice() = default;
	virtual const char *name() const = 0;
	// offset from the device's base; length 1, 2, 4 or 8.
	virtual uint64_t read(uint64_t offset, unsigned length) = 0;
	virtual void write(uint64_t offset, unsigned length, uint64_t value) = 0;
};

class MmioBus
{
public:
	// EEXIST if the range overlaps a registered one, EINVAL if empty or wrapping.
	Status add(uint64_t base, uint64_t size, MmioDevice &device);

	// A read or write at address: false when no device claims it. Devices are called
	// under the bus's lock, one access at a time.
	bool read(uint64_t address, unsigned length, uint64_t &value);
	bool write(uint64_t address, unsigned length, uint64_t value);

private:
	struct Range {
		uint64_t base, size;
		MmioDevice *device;
	};
	const Range *find(uint64_t address, unsigned length) const;

	std::vector<Range> ranges_;
	std::mutex lock_;
};

} // namespace avcpu
