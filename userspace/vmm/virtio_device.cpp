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

namespace
{

// What an fd the I/O thread polls is for (a doorbell is its queue's index).
constexpr int kind_stop = -1, kind_wake = -2, kind_resample = -3, kind_input = -4;

// An eventfd's counter cannot overflow from one write of 1, so only a signal can stop it.
// (A (void) cast does not silence glibc's warn_unused_result under _FORTIFY_SOURCE, as
// Debian builds.)
void signal_eventfd(int fd)
{
	uint64_t one = 1;
	while (::write(fd, &one, sizeof(one)) < 0 && errno == EINTR) {
	}
}

// Takes an eventfd's count (the fds are non-blocking: nothing there is no error).
void drain_eventfd(int fd)
{
	uint64_t count;
	while (::read(fd, &count, sizeof(count)) < 0 && errno == EINTR) {
	}
}

int new_eventfd()
{
	return ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

} // namespace

VirtioDevice::VirtioDevice(uint64_t base, uint32_t spi,
			   std::unique_ptr<avcpu::VirtioBackend> backend,
			   const avcpu::GuestView &memory)
    : MachineDevice(base, avcpu::virtio::mmio_window, spi), backend_(std::move(backend)),
      transport_(*backend_, memory, [this](bool level) { raise(level); }), input_(backend_->input())
{
}

VirtioDevice::~VirtioDevice()
{
	stop_io();
}

VirtioDevice::IoBindings VirtioDevice::start_io(avcpu::Vm &vm, bool use_eventfds)
{
	IoBindings b;
	vm_ = &vm;
	stop_ = new_eventfd();
	wake_ = new_eventfd();
	if (stop_ < 0 || wake_ < 0) {
		b.doorbells = b.irqfd = avcpu::last_error("eventfd");
		stop_io();
		return b;
	}
	if (use_eventfds) {
		b.doorbells = bind_doorbells(vm);
		b.irqfd = bind_irqfd(vm);
	} else {
		b.doorbells = b.irqfd = avcpu::Error{"--no-eventfd", ENOTSUP};
	}
	io_ = std::thread([this] { serve(); });
	return b;
}

// All queues or none: a doorbell bound for one queue and not another would be served on
// two threads in turn, which the lock allows but nothing needs.
avcpu::Status VirtioDevice::bind_doorbells(avcpu::Vm &vm)
{
	for (unsigned q = 0; q < backend_->queue_count(); q++) {
		int fd = new_eventfd();
		if (fd < 0)
			return avcpu::last_error("eventfd");
		avcpu::IoEventfdMatch m{base() + avcpu::virtio::reg_queue_notify, 4, q};
		if (auto st = vm.bind_ioeventfd(m, fd); !st) {
			::close(fd);
			for (unsigned bound = 0; bound < doorbells_.size(); bound++) {
				(void)vm.unbind_ioeventfd(
					{base() + avcpu::virtio::reg_queue_notify, 4, bound});
				::close(doorbells_[bound]);
			}
			doorbells_.clear();
			return st;
		}
		doorbells_.push_back(fd);
	}
	return {};
}

avcpu::Status VirtioDevice::bind_irqfd(avcpu::Vm &vm)
{
	int fd = new_eventfd(), resample = new_eventfd();
	avcpu::Status st;
	if (fd < 0 || resample < 0)
		st = avcpu::last_error("eventfd");
	else if (!spi())
		st = avcpu::Error{"AVCPU_IRQFD (no SPI)", ENODEV};
	else
		st = vm.bind_irqfd(spi(), fd, resample);
	std::lock_guard guard(mutex());
	if (!st) {
		if (fd >= 0)
			::close(fd);
		if (resample >= 0)
			::close(resample);
		return st;
	}
	irqfd_ = fd;
	resample_ = resample;
	return {};
}

// The transport's level, under the device's lock. By irqfd a signal raises the line and
// the kernel holds it until the guest ends the interrupt, then signals the resample
// eventfd; the transport's lowering (InterruptACK) is then the kernel's business.
void VirtioDevice::raise(bool level)
{
	if (irqfd_ >= 0) {
		if (level) {
			signal_eventfd(irqfd_);
			irqfd_signals_++;
		}
		return;
	}
	if (level)
		line_raises_++;
	drive_irq(level);
}

// The input is polled only when the backend can take it: otherwise it would poll
// readable again at once, for nothing, until the driver gives buffers.
bool VirtioDevice::input_wanted()
{
	std::lock_guard guard(mutex());
	return input_ && transport_.can_serve(input_->queue) && backend_->input_wanted();
}

// Until stop_ is signalled: each rung doorbell's queue served under the device's lock, as
// a QueueNotify write from a vCPU would be; each resample answered; input taken in.
void VirtioDevice::serve()
{
	std::vector<pollfd> fds;
	std::vector<int> kinds;
	for (;;) {
		fds.assign({{stop_, POLLIN, 0}, {wake_, POLLIN, 0}});
		kinds.assign({kind_stop, kind_wake});
		if (resample_ >= 0) {
			fds.push_back({resample_, POLLIN, 0});
			kinds.push_back(kind_resample);
		}
		for (unsigned q = 0; q < doorbells_.size(); q++) {
			fds.push_back({doorbells_[q], POLLIN, 0});
			kinds.push_back(int(q));
		}
		if (input_wanted()) {
			fds.push_back({input_->fd, POLLIN, 0});
			kinds.push_back(kind_input);
		}
		if (::poll(fds.data(), fds.size(), -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (fds[0].revents)
			return;
		for (size_t i = 1; i < fds.size(); i++)
			if (fds[i].revents)
				handle(fds[i].fd, kinds[i]);
	}
}

void VirtioDevice::handle(int fd, int kind)
{
	if (kind != kind_input)
		drain_eventfd(fd);
	std::lock_guard guard(mutex());
	if (kind == kind_resample) {
		// The guest ended the interrupt and the line is low: still pending, raise it.
		if (transport_.interrupt_status())
			raise(true);
	} else if (kind == kind_input) {
		transport_.notify(input_->queue);
	} else if (kind >= 0) {
		transport_.notify(unsigned(kind));
	}
}

void VirtioDevice::stop_io()
{
	if (io_.joinable()) {
		signal_eventfd(stop_);
		io_.join();
	}
	for (unsigned q = 0; q < doorbells_.size(); q++) {
		(void)vm_->unbind_ioeventfd({base() + avcpu::virtio::reg_queue_notify, 4, q});
		::close(doorbells_[q]);
	}
	doorbells_.clear();
	if (irqfd_ >= 0) {
		(void)vm_->unbind_irqfd(spi(), irqfd_);
		::close(irqfd_);
		::close(resample_);
	}
	irqfd_ = resample_ = -1;
	for (int *fd : {&stop_, &wake_}) {
		if (*fd >= 0)
			::close(*fd);
		*fd = -1;
	}
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
	// What may change whether the input can be taken: the status (DRIVER_OK, a reset), a
	// queue's readiness, and a doorbell that came this way.
	bool input_may_change = offset == avcpu::virtio::reg_status ||
				offset == avcpu::virtio::reg_queue_ready ||
				offset == avcpu::virtio::reg_queue_notify;
	if (input_ && wake_ >= 0 && input_may_change)
		signal_eventfd(wake_);
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
