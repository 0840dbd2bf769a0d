// SPDX-License-Identifier: GPL-2.0
// AVCPU_IOEVENTFD and AVCPU_IRQFD (see avcpu/eventfd.h).
#include "avcpu/eventfd.h"

#include <linux/avcpu.h>

namespace avcpu
{
namespace
{

avcpu_ioeventfd ioeventfd_arg(const IoEventfdMatch &m, int fd, uint32_t flags)
{
	avcpu_ioeventfd a{};
	a.addr = m.addr;
	a.len = m.len;
	a.fd = fd;
	a.flags = flags;
	if (m.datamatch) {
		a.flags |= AVCPU_IOEVENTFD_DATAMATCH;
		a.datamatch = *m.datamatch;
	}
	return a;
}

Status call(Kernel &kernel, int vm_fd, unsigned long request, const void *arg,
	    const char *operation)
{
	if (kernel.ioctl(vm_fd, request, reinterpret_cast<unsigned long>(arg)) < 0)
		return last_error(operation);
	return {};
}

} // namespace

Status bind_ioeventfd(Kernel &kernel, int vm_fd, const IoEventfdMatch &m, int fd)
{
	avcpu_ioeventfd a = ioeventfd_arg(m, fd, 0);
	return call(kernel, vm_fd, AVCPU_IOEVENTFD, &a, "AVCPU_IOEVENTFD");
}

Status unbind_ioeventfd(Kernel &kernel, int vm_fd, const IoEventfdMatch &m)
{
	avcpu_ioeventfd a = ioeventfd_arg(m, -1, AVCPU_IOEVENTFD_DEASSIGN);
	return call(kernel, vm_fd, AVCPU_IOEVENTFD, &a, "AVCPU_IOEVENTFD (deassign)");
}

Status bind_irqfd(Kernel &kernel, int vm_fd, uint32_t intid, int fd, std::optional<int> resample_fd)
{
	avcpu_irqfd a{};
	a.intid = intid;
	a.fd = fd;
	a.resample_fd = resample_fd.value_or(-1);
	a.flags = resample_fd ? AVCPU_IRQFD_RESAMPLE : 0;
	return call(kernel, vm_fd, AVCPU_IRQFD, &a, "AVCPU_IRQFD");
}

Status unbind_irqfd(Kernel &kernel, int vm_fd, uint32_t intid)
{
	avcpu_irqfd a{};
	a.intid = intid;
	a.fd = -1;
	a.resample_fd = -1;
	a.flags = AVCPU_IRQFD_DEASSIGN;
	return call(kernel, vm_fd, AVCPU_IRQFD, &a, "AVCPU_IRQFD (deassign)");
}

} // namespace avcpu
