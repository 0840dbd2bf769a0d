// SPDX-License-Identifier: GPL-2.0
// virtio-net's data path, virtio 1.2 sections 5.1.6.2 (transmit) and 5.1.6.3-5.1.6.4
// (receive), without any of the offload or mergeable-buffer features.
#include "avcpu/virtio_net.h"

#include <cstring>

namespace avcpu
{

using namespace virtio_net;

namespace
{
// struct virtio_net_hdr (section 5.1.6), little-endian like the rings.
struct NetHeader {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
};
static_assert(sizeof(NetHeader) == header_size);
} // namespace

VirtioNet::VirtioNet(std::unique_ptr<NetPort> port, const Mac &mac)
    : port_(std::move(port)), mac_(mac), frame_(max_frame)
{
}

void VirtioNet::set_features(uint64_t features)
{
	// A reset (0): the receive queue is gone until the driver sets it up and notifies.
	if (!features)
		starved_ = true;
}

std::optional<VirtioBackend::Input> VirtioNet::input() const
{
	if (port_->fd() < 0)
		return std::nullopt;
	return Input{port_->fd(), rx_queue};
}

VirtioNet::Stats VirtioNet::stats() const
{
	return {rx_frames_.load(), tx_frames_.load(), rx_dropped_.load(), tx_dropped_.load()};
}

bool VirtioNet::process(unsigned queue, Virtqueue &q)
{
	if (queue == rx_queue)
		return receive(q);
	return q.serve([this](const VirtqChain &c, uint32_t &written) {
		written = 0; // section 5.1.6.2: the device writes nothing into a transmit chain
		return transmit(c);
	});
}

// Frames from the port while the driver has buffers for them; a frame is taken from the
// port only when a chain is there to hold it, so with the queue full frames wait in the
// port (a tap queues them, and drops beyond its own limit), never here. At most a ring's
// worth per call, like Virtqueue::serve().
bool VirtioNet::receive(Virtqueue &q)
{
	starved_ = true;
	for (unsigned i = 0; i < q.size; i++) {
		if (!q.available())
			return true;
		auto got = port_->receive(frame_);
		if (!got) {
			port_failed_ = true;
			return true;
		}
		if (!got.value()) {
			starved_ = false;
			return true;
		}
		VirtqChain c;
		uint32_t written = 0;
		if (q.pop(c) != Virtqueue::Pop::chain || !deliver(c, got.value(), written) ||
		    !q.push(c.head, written))
			return false;
	}
	starved_ = false;
	return true;
}

// Section 5.1.6.3: receive buffers are device-writable, and (without MRG_RXBUF) one chain
// holds the header and the whole frame; section 5.1.6.4.1: no offloads means flags 0 and
// GSO_NONE, and num_buffers is 1.
bool VirtioNet::deliver(const VirtqChain &c, uint64_t n, uint32_t &written)
{
	// A chain with readable buffers, or too short for a header and the smallest frame,
	// is no receive buffer any driver makes.
	if (c.readable_bytes() || c.writable_bytes() < header_size + min_frame)
		return false;
	if (c.writable_bytes() < header_size + n) {
		// Too long for this driver's buffers (section 5.1.6.3.1 only asks for room for
		// an MTU-sized frame): dropped, the chain returned empty.
		rx_dropped_++;
		written = 0;
		return true;
	}
	NetHeader h{};
	h.num_buffers = 1;
	c.copy_to(0, &h, sizeof(h));
	c.copy_to(header_size, frame_.data(), n);
	written = uint32_t(header_size + n);
	rx_frames_++;
	return true;
}

// Section 5.1.6.2: the header, then the frame, all device-readable. A frame that needs an
// offload this device did not offer (checksum, segmentation), or whose size no Ethernet
// frame has, is dropped; the chain goes back either way.
bool VirtioNet::transmit(const VirtqChain &c)
{
	NetHeader h;
	if (c.writable_bytes() || !c.copy_from(0, &h, sizeof(h)))
		return false;
	uint64_t n = c.readable_bytes() - header_size;
	if (h.gso_type != gso_none || (h.flags & hdr_f_needs_csum) || n < min_frame ||
	    n > max_frame) {
		tx_dropped_++;
		return true;
	}
	pieces_.clear();
	c.segments(false, header_size, n, [this](uint8_t *p, uint64_t len) {
		pieces_.push_back({p, size_t(len)});
		return true;
	});
	if (port_->send(pieces_))
		tx_frames_++;
	else
		tx_dropped_++;
	return true;
}

} // namespace avcpu
