// SPDX-License-Identifier: GPL-2.0
// A virtio device of the machine: libavcpu's virtio-mmio transport with a device type
// behind it, at its MMIO window with its SPI, and its "virtio,mmio" device-tree node.
// Requests run on the vCPU thread that writes QueueNotify, under the device's lock.
#pragma once

#include <memory>

#include "avcpu/guest_view.h"
#include "avcpu/virtio_mmio.h"
#include "machine.h"

namespace vmm
{

class VirtioDevice final : public MachineDevice
{
public:
	// memory: the guest's RAM as the device may touch it; it outlives the device.
	VirtioDevice(uint64_t base, uint32_t spi, std::unique_ptr<avcpu::VirtioBackend> backend,
		     const avcpu::GuestView &memory);

	const char *name() const override { return "virtio_mmio"; }
	uint64_t read(uint64_t offset, unsigned length) override;
	void write(uint64_t offset, unsigned length, uint64_t value) override;
	void write_fdt(FdtWriter &w, const FdtRefs &refs) const override;

	avcpu::VirtioMmio &transport() { return transport_; }

private:
	std::unique_ptr<avcpu::VirtioBackend> backend_;
	avcpu::VirtioMmio transport_;
};

} // namespace vmm
