// SPDX-License-Identifier: GPL-2.0
#include "avcpu/mmio_bus.h"

namespace avcpu
{

Status MmioBus::add(uint64_t base, uint64_t size, MmioDevice &device)
{
	if (size == 0 || base + size < base)
		return Error{"MmioBus::add", EINVAL};
	std::unique_lock guard(table_lock_);
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

bool MmioBus::dispatch(MmioAccess &access)
{
	std::shared_lock table(table_lock_);
	const Range *r = find(access.address, access.length);
	if (!r)
		return false;
	MmioDevice &device = *r->device;
	access.device = &device;
	access.offset = access.address - r->base;

	std::lock_guard guard(device.mutex_);
	device.not_emulated_ = false;
	if (access.write)
		device.write(access.offset, access.length, access.value);
	else
		access.value = device.read(access.offset, access.length);
	access.not_emulated = device.not_emulated_;
	return true;
}

bool MmioBus::read(uint64_t address, unsigned length, uint64_t &value)
{
	MmioAccess a;
	a.address = address;
	a.length = length;
	if (!dispatch(a))
		return false;
	value = a.value;
	return true;
}

bool MmioBus::write(uint64_t address, unsigned length, uint64_t value)
{
	MmioAccess a;
	a.address = address;
	a.length = length;
	a.write = true;
	a.value = value;
	return dispatch(a);
}

} // namespace avcpu
