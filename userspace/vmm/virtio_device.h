// SPDX-License-Identifier: GPL-2.0
// A virtio device of the machine: libavcpu's virtio-mmio transport with a device type
// behind it, at its MMIO window with its SPI, and its "virtio,mmio" device-tree node.
// Requests run under the device's lock: on the device's I/O thread for doorbells the
// hypervisor delivers by eventfd and for input from outside (a tap), else on the vCPU
// thread that writes QueueNotify. Its interrupt goes by irqfd where the hypervisor has
// one (the I/O thread, or a vCPU, signals an eventfd), else by the SPI-line ioctl.
#pragma once

#include <atomic>
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

	// What start_io() could not bind; each falls back on its own.
	struct IoBindings {
		avcpu::Status doorbells, irqfd;
	};
	// Binds each queue's QueueNotify write (datamatch: the queue's index) to an eventfd
	// (AVCPU_IOEVENTFD, KVM_IOEVENTFD), the SPI to an irqfd with a resample eventfd
	// (AVCPU_IRQFD, KVM_IRQFD: the virtio-mmio interrupt is level-sensitive), and starts
	// the device's I/O thread, which serves the doorbells, the resamples and the
	// backend's input. Without eventfd doorbells a QueueNotify exits to the vCPU thread,
	// which serves it; without an irqfd the interrupt goes by the SPI-line ioctl. Call it
	// once the machine's GIC exists. vm outlives the device.
	// With use_eventfds false (avcpu-run --no-eventfd) nothing is bound: every doorbell
	// is an MMIO exit and every interrupt an ioctl, which is what the eventfds save.
	IoBindings start_io(avcpu::Vm &vm, bool use_eventfds = true);

	// Interrupts raised so far: by irqfd signals (resamples that re-raise included), and
	// by the SPI-line ioctl.
	struct Counts {
		uint64_t irqfd_signals, line_raises;
	};
	Counts counts() const { return {irqfd_signals_.load(), line_raises_.load()}; }
	const avcpu::VirtioBackend &backend() const { return *backend_; }

	const char *name() const override { return "virtio_mmio"; }
	uint64_t read(uint64_t offset, unsigned length) override;
	void write(uint64_t offset, unsigned length, uint64_t value) override;
	void write_fdt(FdtWriter &w, const FdtRefs &refs) const override;

	avcpu::VirtioMmio &transport() { return transport_; }

private:
	avcpu::Status bind_doorbells(avcpu::Vm &vm);
	avcpu::Status bind_irqfd(avcpu::Vm &vm);
	void raise(bool level);
	void serve();
	bool input_wanted();
	void handle(int fd, int kind);
	void stop_io();

	std::unique_ptr<avcpu::VirtioBackend> backend_;
	avcpu::VirtioMmio transport_;
	std::optional<avcpu::VirtioBackend::Input> input_;
	avcpu::Vm *vm_ = nullptr;	 // while something is bound
	std::vector<int> doorbells_;	 // an eventfd per queue, bound
	int irqfd_ = -1, resample_ = -1; // bound to the SPI
	int stop_ = -1;			 // an eventfd: the I/O thread's end
	int wake_ = -1;			 // an eventfd: the I/O thread looks at the input again
	std::thread io_;
	std::atomic<uint64_t> irqfd_signals_{0}, line_raises_{0};
};

} // namespace vmm
