// SPDX-License-Identifier: GPL-2.0
#include "virtio_device.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <mutex>

namespace vmm
{

VirtioDevice::VirtioDevice(uint64_t base, uint32_t spi,
			   std::unique_ptr<avcpu::VirtioBackend> backend,
			   const avcpu::GuestView &memory)
    : MachineDevice(base, avcpu::virtio::mmio_window, spi), backend_(std::move(backend)),
      transport_(*backend_, memory, [this](bool level) { drive_irq(level); })
{
}

VirtioDevice::~VirtioDevice()
{
	stop_io_thread();
}

avcpu::Status VirtioDevice::start_io_thread(avcpu::Vm &vm)
{
	stop_ = ::eventfd(0, EFD_CLOEXEC);
	if (stop_ < 0)
		return avcpu::last_error("eventfd");
	vm_ = &vm;
	for (unsigned q = 0; q < backend_->queue_count(); q++) {
		int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fd < 0) {
			auto err = avcpu::last_error("eventfd");
			stop_io_thread();
			return err;
		}
		doorbells_.push_back(fd);
		avcpu::IoEventfdMatch m{base() + avcpu::virtio::reg_queue_notify, 4, q};
		if (auto st = vm.bind_ioeventfd(m, fd); !st) {
			doorbells_.back() = -1; // not bound: nothing to unbind
			::close(fd);
			stop_io_thread();
			return st;
		}
	}
	io_ = std::thread([this] { serve_doorbells(); });
	return {};
}

// Until stop_ is signalled: each rung doorbell's queue served under the device's lock,
// as a QueueNotify write from a vCPU would be.
void VirtioDevice::serve_doorbells()
{
	std::vector<pollfd> fds;
	for (int fd : doorbells_)
		fds.push_back({fd, POLLIN, 0});
	fds.push_back({stop_, POLLIN, 0});
	for (;;) {
		if (::poll(fds.data(), fds.size(), -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (fds.back().revents)
			return;
		for (unsigned q = 0; q < doorbells_.size(); q++) {
			uint64_t count;
			if (!fds[q].revents || ::read(doorbells_[q], &count, sizeof(count)) < 0)
				continue;
			std::lock_guard guard(mutex());
			transport_.notify(q);
		}
	}
}

void VirtioDevice::stop_io_thread()
{
	if (io_.joinable()) {
		uint64_t one = 1;
		// An eventfd's counter cannot overflow from one write, so only a signal can
		// stop it; the thread then wakes. (A (void) cast does not silence glibc's
		// warn_unused_result under _FORTIFY_SOURCE, as Debian builds.)
		while (::write(stop_, &one, sizeof(one)) < 0 && errno == EINTR) {
		}
		io_.join();
	}
	for (unsigned q = 0; q < doorbells_.size(); q++) {
		if (doorbells_[q] < 0)
			continue;
		(void)vm_->unbind_ioeventfd({base() + avcpu::virtio::reg_queue_notify, 4, q});
		::close(doorbells_[q]);
	}
	doorbells_.clear();
	if (stop_ >= 0)
		::close(stop_);
	stop_ = -1;
	vm_ = nullptr;
}

uint64_t VirtioDevice::read(uint64_t offset, unsigned length)
{
	uint64_t value = 0;
	if (!transport_.read(offset, length, value))
		mark_not_emulated();
	return value;
}

void VirtioDevice::write(uint64_t offset, unsigned length, uint64_t value)
{
	if (!transport_.write(offset, length, value))
		mark_not_emulated();
}

// The virtio-mmio binding (Documentation/devicetree/bindings/virtio/mmio.yaml in Linux):
// reg, interrupts, and dma-coherent because the device reads guest memory through the
// CPU's own coherent view.
void VirtioDevice::write_fdt(FdtWriter &w, const FdtRefs &refs) const
{
	w.begin_node(fdt_node_name(name(), base()));
	w.prop_string("compatible", "virtio,mmio");
	w.prop_reg("reg", {base(), size()});
	write_fdt_interrupts(w, refs);
	w.prop_empty("dma-coherent");
	w.end_node();
}

} // namespace vmm
