// SPDX-License-Identifier: GPL-2.0
// avcpu,test-device: where the bundled guests report their result. A 32-bit write of N at
// offset 0 ends the run with exit status N & 0x3f.
#pragma once

#include <cstdint>
#include <functional>

#include "machine.h"

namespace vmm
{

class TestDevice final : public MachineDevice
{
public:
	static constexpr uint64_t size = 0x1000;

	TestDevice(uint64_t base, std::function<void(int)> on_exit)
	    : MachineDevice(base, size), on_exit_(std::move(on_exit))
	{
	}
	const char *name() const override { return "test-device"; }
	uint64_t read(uint64_t offset, unsigned length) override;
	void write(uint64_t offset, unsigned length, uint64_t value) override;
	void write_fdt(FdtWriter &w, const FdtRefs &refs) const override;

private:
	std::function<void(int)> on_exit_;
};

} // namespace vmm
