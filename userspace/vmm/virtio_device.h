// SPDX-License-Identifier: GPL-2.0
// A virtio device of the machine: libavcpu's virtio-mmio transport with a device type
// behind it, at its MMIO window with its SPI, and its "virtio,mmio" device-tree node.
// Requests run under the device's lock, on the device's I/O thread when the hypervisor
// binds QueueNotify to eventfds (start_io_thread), else on the vCPU thread that writes it.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "avcpu/device.h"

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
	~VirtioDevice() override;

	// Binds each queue's QueueNotify write (datamatch: the queue's index) to an eventfd
	// (AVCPU_IOEVENTFD, KVM_IOEVENTFD) and serves the queues from a thread of the device's
	// own: a doorbell then costs the guest no exit to userspace. vm outlives the device.
	// On failure (a hypervisor without eventfds) nothing is bound and doorbells keep
	// exiting to the vCPU thread, which serves them as before.
	avcpu::Status start_io_thread(avcpu::Vm &vm);

	const char *name() const override { return "virtio_mmio"; }
	uint64_t read(uint64_t offset, unsigned length) override;
	void write(uint64_t offset, unsigned length, uint64_t value) override;
	void write_fdt(FdtWriter &w, const FdtRefs &refs) const override;

	avcpu::VirtioMmio &transport() { return transport_; }

private:
	void serve_doorbells();
	void stop_io_thread();

	std::unique_ptr<avcpu::VirtioBackend> backend_;
	avcpu::VirtioMmio transport_;
	avcpu::Vm *vm_ = nullptr;    // while doorbells are bound
	std::vector<int> doorbells_; // an eventfd per queue, bound or not
	int stop_ = -1;		     // an eventfd: the I/O thread's end
	std::thread io_;
};

} // namespace vmm
