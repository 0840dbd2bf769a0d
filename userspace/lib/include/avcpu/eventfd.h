// SPDX-License-Identifier: GPL-2.0
// A VM's eventfd bindings (Documentation/api.rst, "Eventfds"): AVCPU_IOEVENTFD, guest
// writes to an address that signal an eventfd without an exit, and AVCPU_IRQFD, an eventfd
// that raises an SPI of the in-kernel vGIC. The eventfds themselves are the caller's
// (eventfd(2)); the kernel keeps its own references while they are bound.
#pragma once

#include <cstdint>
#include <optional>

#include "avcpu/backend.h"
#include "avcpu/kernel.h"
#include "avcpu/result.h"

namespace avcpu
{

// avcpu's ioctls on a VM descriptor, which the avcpu backend makes.
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

// On a Vm, whichever its hypervisor: Vm::bind_ioeventfd() and the others (avcpu/device.h).

} // namespace avcpu
