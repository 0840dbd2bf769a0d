// SPDX-License-Identifier: GPL-2.0
// Devices at guest physical address ranges, and the dispatch of MMIO exits to them.
#pragma once

#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "avcpu/result.h"

namespace avcpu
{

class MmioDevice
{
public:
	MmioDevice() = default;
	MmioDevice(const MmioDevice &) = delete;
	MmioDevice &operator=(const MmioDevice &) = delete;
	virtual ~MmioDevice() = default;

	virtual const char *name() const = 0;
	// offset from the device's base; length 1, 2, 4 or 8. The bus calls these with mutex()
	// held.
	virtual uint64_t read(uint64_t offset, unsigned length) = 0;
	virtual void write(uint64_t offset, unsigned length, uint64_t value) = 0;

	// The device's own lock: the bus holds it around read() and write(), so accesses to
	// one device are serialised while different devices are accessed in parallel (one
	// vCPU's console output does not wait for another's test-device write). Anything else
	// that touches the device's state (an input thread, say) takes it too.
	std::mutex &mutex() { return mutex_; }

protected:
	// From read() or write(): this access hit nothing the device emulates (a reserved or
	// unimplemented register; it reads 0 and the write is ignored). The bus reports it to
	// its caller, so a VMM can say what a guest poked that it does not model.
	void mark_not_emulated() { not_emulated_ = true; }

private:
	friend class MmioBus;
	std::mutex mutex_;
	bool not_emulated_ = false; // under mutex_, for the access in progress
};

// One access, as the bus saw it.
struct MmioAccess {
	uint64_t address = 0;
	unsigned length = 0;
	bool write = false;
	uint64_t value = 0; // in for a write, out for a read

	// Filled in by MmioBus::dispatch() when a device claims the address.
	MmioDevice *device = nullptr;
	uint64_t offset = 0;	   // from the device's base
	bool not_emulated = false; // the device marked it (see MmioDevice::mark_not_emulated)
};

class MmioBus
{
public:
	// EEXIST if the range overlaps a registered one, EINVAL if empty or wrapping.
	// Registration may run concurrently with accesses (it takes the table exclusively).
	Status add(uint64_t base, uint64_t size, MmioDevice &device);

	// Sends the access to the device that claims its address, under that device's lock;
	// false when none does. The table of ranges is only read here, under a shared lock,
	// so vCPU threads never wait for each other unless they use the same device.
	bool dispatch(MmioAccess &access);

	// The same, for callers that only want the value.
	bool read(uint64_t address, unsigned length, uint64_t &value);
	bool write(uint64_t address, unsigned length, uint64_t value);

private:
	struct Range {
		uint64_t base, size;
		MmioDevice *device;
	};
	const Range *find(uint64_t address, unsigned length) const;

	std::vector<Range> ranges_;
	std::shared_mutex table_lock_;
};

} // namespace avcpu
