// SPDX-License-Identifier: GPL-2.0
// virtio-net, the network device (virtio 1.2 section 5.1), without offloads: one receive
// and one transmit queue, a MAC address in the configuration space (VIRTIO_NET_F_MAC) and
// the 12-byte struct virtio_net_hdr of VERSION_1 in front of every frame. Frames go out
// and come in through a NetPort: a tap in avcpu-run, a fake in the host unit tests.
#pragma once

#include <sys/uio.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "avcpu/result.h"
#include "avcpu/virtio_mmio.h"

namespace avcpu
{

namespace virtio_net
{
// Feature bits (section 5.1.3).
constexpr uint64_t f_mac = 1ULL << 5;
// Virtqueues (section 5.1.2): receiveq1 and transmitq1.
constexpr unsigned rx_queue = 0, tx_queue = 1;
// struct virtio_net_hdr (section 5.1.6): flags, gso_type, hdr_len, gso_size, csum_start,
// csum_offset and, with VERSION_1, num_buffers.
constexpr uint64_t header_size = 12;
// Its flags and gso_type values that a driver may only use with offload features.
constexpr uint8_t hdr_f_needs_csum = 1, gso_none = 0;
constexpr size_t mac_size = 6;
// Frames: at least an Ethernet header; at most a 64 KiB payload behind an Ethernet header
// with an 802.1Q tag (no offload ever makes a frame larger than that).
constexpr uint64_t eth_header = 14, vlan_tag = 4, max_payload = 65535;
constexpr uint64_t min_frame = eth_header, max_frame = eth_header + vlan_tag + max_payload;
} // namespace virtio_net

// Where a network device's frames go and come from.
class NetPort
{
public:
	NetPort() = default;
	NetPort(const NetPort &) = delete;
	NetPort &operator=(const NetPort &) = delete;
	virtual ~NetPort() = default;

	// Takes one waiting frame into buf without waiting: its length, 0 when none waits,
	// or an error when the port is unusable (the device then stops asking).
	virtual Result<size_t> receive(std::span<uint8_t> buf) = 0;
	// Sends one frame gathered from the pieces; false when the port dropped it.
	virtual bool send(std::span<const iovec> frame) = 0;
	// A descriptor that polls readable when a frame waits, or -1.
	virtual int fd() const { return -1; }
};

class VirtioNet final : public VirtioBackend
{
public:
	using Mac = std::array<uint8_t, virtio_net::mac_size>;
	struct Stats {
		uint64_t rx_frames, tx_frames, rx_dropped, tx_dropped;
	};

	VirtioNet(std::unique_ptr<NetPort> port, const Mac &mac);

	uint32_t device_id() const override { return virtio::id_network; }
	uint64_t features() const override { return virtio_net::f_mac; }
	unsigned queue_count() const override { return 2; }
	std::span<const uint8_t> config() const override { return mac_; }
	void set_features(uint64_t features) override;
	bool process(unsigned queue, Virtqueue &q) override;
	std::optional<Input> input() const override;
	bool input_wanted() const override { return !starved_ && !port_failed_; }

	Stats stats() const;

private:
	bool receive(Virtqueue &q);
	// One frame of n bytes (in frame_) into chain c; false when c is malformed.
	bool deliver(const VirtqChain &c, uint64_t n, uint32_t &written);
	bool transmit(const VirtqChain &c);

	std::unique_ptr<NetPort> port_;
	Mac mac_;
	std::vector<uint8_t> frame_; // a received frame on its way into the guest
	std::vector<iovec> pieces_;  // a transmitted frame's buffers on their way out
	// No receive buffer was there at the last look (and none after a reset), so the
	// port's input is left waiting; the port failed.
	bool starved_ = true, port_failed_ = false;
	std::atomic<uint64_t> rx_frames_{0}, tx_frames_{0}, rx_dropped_{0}, tx_dropped_{0};
};

} // namespace avcpu
