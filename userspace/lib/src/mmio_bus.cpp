// SPDX-License-Identifier: GPL-2.0
#include "avcpu/mmio_bus.h"

namespace avcpu
{

Status MmioBus::add(uint64_t base, uint64_t size, MmioDevice &device)
{
	if (size == 0 || base + size < base)
		return Error{"MmioBus::add", EINVAL};
	std::lock_guard guard(lock_);
	for (const auto &r : ranges_)
		if (base < r.base + r.size && r.base < base + size)
			return Error{"MmioBus::add", EEXIST};
	ranges_.push_back({base, size, &device});
	return {};
}

const MmioBus::Range *MmioBus::find(uint64_t address, unsigned length) const
{
	for (const auto &r : ranges_)
		if (address >= r.base && address - r.base + length <= r.size)
			return &r;
	return nullptr;
}

bool MmioBus::read(uint64_t address, unsigned length, uint64_t &value)
{
	std::lock_guard guard(lock_);
	const Range *r = find(address, length);
	if (!r)
		return false;
	value = r->device->read(address - r->base, length);
	return true;
}

bool MmioBus::write(uint64_t address, unsigned length, uint64_t value)
{
	std::lock_guard guard(lock_);
	const Range *r = find(address, length);
	if (!r)
		return false;
	r->device->write(address - r->base, length, value);
	return true;
}

} // namespace avcpu
