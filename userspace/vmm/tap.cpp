// SPDX-License-Identifier: GPL-2.0
// The tap side of --net: the tun driver's interface (Documentation/networking/tuntap.rst
// in Linux): /dev/net/tun, TUNSETIFF, then read() and write() of whole frames.
#include "tap.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vmm
{

avcpu::Result<std::unique_ptr<TapPort>> TapPort::open(const std::string &name)
{
	ifreq ifr{};
	if (name.empty() || name.size() >= sizeof(ifr.ifr_name))
		return avcpu::Error{"tap name", EINVAL};
	int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return avcpu::last_error("open /dev/net/tun");
	avcpu::UniqueFd owned(avcpu::system_kernel(), fd);
	std::memcpy(ifr.ifr_name, name.data(), name.size());
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (::ioctl(fd, TUNSETIFF, &ifr) < 0)
		return avcpu::last_error("TUNSETIFF");
	return std::unique_ptr<TapPort>(new TapPort(std::move(owned)));
}

avcpu::Result<size_t> TapPort::receive(std::span<uint8_t> buf)
{
	for (;;) {
		ssize_t n = ::read(fd_.get(), buf.data(), buf.size());
		if (n >= 0)
			return size_t(n);
		if (errno == EAGAIN)
			return size_t(0);
		if (errno != EINTR)
			return avcpu::last_error("read tap");
	}
}

// A tap takes a frame whole or not at all. A full transmit queue of the host's (EAGAIN,
// ENOBUFS) or an interface that is down (EIO) drops the frame, as a wire would.
bool TapPort::send(std::span<const iovec> frame)
{
	for (;;) {
		ssize_t n = ::writev(fd_.get(), frame.data(), int(frame.size()));
		if (n >= 0 || errno != EINTR)
			return n >= 0;
	}
}

} // namespace vmm
