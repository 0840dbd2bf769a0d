// SPDX-License-Identifier: GPL-2.0
// A tap interface of the host as a virtio-net device's port (--net tap=NAME): each frame
// the guest sends is one write to the tap, each read from it one frame for the guest.
#pragma once

#include <memory>
#include <string>

#include "avcpu/fd.h"
#include "avcpu/virtio_net.h"

namespace vmm
{

class TapPort final : public avcpu::NetPort
{
public:
	// Attaches to the tap interface name through /dev/net/tun, as a tap without the
	// packet-information prefix (IFF_TAP | IFF_NO_PI), non-blocking. A missing interface
	// is created, which needs CAP_NET_ADMIN (EPERM otherwise); an existing one needs only
	// to belong to the caller. Errors: ENOENT (no /dev/net/tun: the tun module is not
	// loaded), EPERM, EBUSY (the tap is in use), EINVAL (a name too long or not a tap's).
	static avcpu::Result<std::unique_ptr<TapPort>> open(const std::string &name);

	avcpu::Result<size_t> receive(std::span<uint8_t> buf) override;
	bool send(std::span<const iovec> frame) override;
	int fd() const override { return fd_.get(); }

private:
	explicit TapPort(avcpu::UniqueFd fd) : fd_(std::move(fd)) {}
	avcpu::UniqueFd fd_;
};

} // namespace vmm
