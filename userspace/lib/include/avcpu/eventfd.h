// SPDX-License-Identifier: GPL-2.0
// A VM's eventfd bindings (Documentation/api.rst, "Eventfds"): AVCPU_IOEVENTFD, guest
// writes to an address that signal an eventfd without an exit, and AVCPU_IRQFD, an eventfd
// that raises an SPI of the in-kernel vGIC. The eventfds themselves are the caller's
// (eventfd(2)); the kernel keeps its own references while they are bound.
#pragma once

#include <cstdint>
#include <optional>

#include "avcpu/device.h"
#include "avcpu/kernel.h"
#include "avcpu/result.h"

namespace avcpu
{

// Which guest writes an ioeventfd catches.
struct IoEventfdMatch {
	uint64_t addr = 0;
	uint32_t len = 0;		   // 1, 2, 4 or 8 bytes; 0: any width
	std::optional<uint64_t> datamatch; // only writes of this value; none: any value
};

// Binds eventfd fd to the writes m describes (vm_fd: the VM's descriptor).
Status bind_ioeventfd(Kernel &kernel, int vm_fd, const IoEventfdMatch &m, int fd);
// Removes the binding of exactly m (the eventfd is not needed to name it).
Status unbind_ioeventfd(Kernel &kernel, int vm_fd, const IoEventfdMatch &m);

// Binds eventfd fd to SPI intid: each signal a pulse (an edge-triggered SPI) or, with a
// resample eventfd, a level held until the guest ends the interrupt, resample_fd then
// signalled (a level-sensitive SPI).
Status bind_irqfd(Kernel &kernel, int vm_fd, uint32_t intid, int fd,
		  std::optional<int> resample_fd = std::nullopt);
Status unbind_irqfd(Kernel &kernel, int vm_fd, uint32_t intid);

inline Status bind_ioeventfd(Vm &vm, const IoEventfdMatch &m, int fd)
{
	return bind_ioeventfd(vm.kernel(), vm.fd(), m, fd);
}
inline Status unbind_ioeventfd(Vm &vm, const IoEventfdMatch &m)
{
	return unbind_ioeventfd(vm.kernel(), vm.fd(), m);
}
inline Status bind_irqfd(Vm &vm, uint32_t intid, int fd,
			 std::optional<int> resample_fd = std::nullopt)
{
	return bind_irqfd(vm.kernel(), vm.fd(), intid, fd, resample_fd);
}
inline Status unbind_irqfd(Vm &vm, uint32_t intid)
{
	return unbind_irqfd(vm.kernel(), vm.fd(), intid);
}

} // namespace avcpu
