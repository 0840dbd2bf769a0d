// SPDX-License-Identifier: GPL-2.0
// virtio-net with a fake port: frames the driver transmits reach the port whole whatever
// the chain's shape, frames the port has reach the driver's receive buffers behind a
// header, input waits in the port while there is no buffer, and hostile chains (too short,
// header split, oversized frames, writable buffers to send, readable ones to receive
// into) are dropped or break the device, never more.
#include <gtest/gtest.h>

#include <deque>

#include "avcpu/virtio_net.h"
#include "virtio_guest.h"

namespace
{

using namespace virtio_test;
using namespace avcpu;
namespace net = avcpu::virtio_net;

using Frame = std::vector<uint8_t>;

class FakePort final : public NetPort
{
public:
	Result<size_t> receive(std::span<uint8_t> buf) override
	{
		receives++;
		if (failed)
			return Error{"read tap", EBADFD};
		if (waiting.empty())
			return size_t(0);
		Frame f = std::move(waiting.front());
		waiting.pop_front();
		size_t n = std::min(f.size(), buf.size());
		std::memcpy(buf.data(), f.data(), n);
		return n;
	}
	bool send(std::span<const iovec> frame) override
	{
		Frame f;
		for (const auto &v : frame) {
			auto *p = static_cast<const uint8_t *>(v.iov_base);
			f.insert(f.end(), p, p + v.iov_len);
		}
		sent.push_back(std::move(f));
		return true;
	}

	std::deque<Frame> waiting;
	std::vector<Frame> sent;
	unsigned receives = 0;
	bool failed = false;
};

// The transmit queue's parts this far after the receive queue's.
constexpr uint64_t tx_offset = 0x4000;
constexpr uint64_t tx_avail = avail_gpa + tx_offset, tx_used = used_gpa + tx_offset,
		   tx_desc = desc_gpa + tx_offset;
constexpr VirtioNet::Mac test_mac = {0x02, 0x61, 0x76, 0x63, 0x70, 0x01};
constexpr uint32_t mtu_frame = 1514;

Frame frame_of(size_t n, uint8_t seed)
{
	Frame f(n);
	for (size_t i = 0; i < n; i++)
		f[i] = uint8_t(seed + i * 13);
	return f;
}

class VirtioNetTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		auto p = std::make_unique<FakePort>();
		port = p.get();
		dev = std::make_unique<VirtioNet>(std::move(p), test_mac);
		t = std::make_unique<VirtioMmio>(*dev, guest.view, [this](bool l) { line = l; });
		d = std::make_unique<Driver>(*t);
		ASSERT_TRUE(d->start(virtio::f_version_1 | net::f_mac, tx_offset));
	}

	// A transmit chain of the given buffer lengths, all readable, holding header then
	// frame (header flags and gso_type as given); whether it came back used.
	bool transmit(const std::vector<uint32_t> &lens, const Frame &f, uint8_t flags = 0,
		      uint8_t gso = 0)
	{
		Frame bytes(net::header_size, 0);
		bytes[0] = flags;
		bytes[1] = gso;
		bytes.insert(bytes.end(), f.begin(), f.end());
		uint64_t gpa = buffers_gpa, at = 0;
		for (uint16_t i = 0; i < lens.size(); i++) {
			std::memcpy(guest.at(gpa), bytes.data() + at,
				    std::min<uint64_t>(lens[i], bytes.size() - at));
			bool last = i + 1u == lens.size();
			guest.desc(i, gpa, lens[i], last ? 0 : virtq::desc_f_next, uint16_t(i + 1),
				   tx_desc);
			gpa += lens[i];
			at += lens[i];
		}
		uint16_t before = guest.used_idx(tx_used);
		guest.make_available(0, tx_avail);
		d->notify(net::tx_queue);
		return guest.used_idx(tx_used) == before + 1;
	}

	// Receive buffers of the given lengths (flags: each descriptor's extra flags) as one
	// chain, then a notification.
	void offer_rx(const std::vector<uint32_t> &lens, uint16_t flags = virtq::desc_f_write)
	{
		uint64_t gpa = buffers_gpa + 0x20000;
		for (uint16_t i = 0; i < lens.size(); i++) {
			bool last = i + 1u == lens.size();
			guest.desc(i, gpa, lens[i],
				   uint16_t(flags | (last ? 0 : virtq::desc_f_next)),
				   uint16_t(i + 1));
			gpa += lens[i];
		}
		guest.make_available(0);
		d->notify(net::rx_queue);
	}
	Frame received(uint32_t len) { return Frame(rx_at(0), rx_at(0) + len); }
	uint8_t *rx_at(uint64_t offset) { return guest.at(buffers_gpa + 0x20000 + offset); }

	Guest guest;
	FakePort *port = nullptr;
	std::unique_ptr<VirtioNet> dev;
	std::unique_ptr<VirtioMmio> t;
	std::unique_ptr<Driver> d;
	bool line = false;
};

TEST_F(VirtioNetTest, DescribesItself)
{
	EXPECT_EQ(virtio::id_network, d->r(virtio::reg_device_id));
	d->w(virtio::reg_device_features_sel, 0);
	EXPECT_TRUE(d->r(virtio::reg_device_features) & net::f_mac);
	for (unsigned i = 0; i < net::mac_size; i++) {
		uint64_t v = 0;
		ASSERT_TRUE(t->read(virtio::reg_config + i, 1, v));
		EXPECT_EQ(test_mac[i], v);
	}
	uint64_t v;
	EXPECT_FALSE(t->read(virtio::reg_config + net::mac_size, 1, v)) << "past the MAC";
}

TEST_F(VirtioNetTest, TransmitsAFrameWhateverTheChainsShape)
{
	Frame f = frame_of(mtu_frame, 1);
	ASSERT_TRUE(transmit({uint32_t(net::header_size), mtu_frame}, f));
	// The header split across descriptors, the frame too.
	ASSERT_TRUE(transmit({5, 7, 100, mtu_frame - 100}, f));
	// Header and frame in one buffer.
	ASSERT_TRUE(transmit({uint32_t(net::header_size) + mtu_frame}, f));
	ASSERT_EQ(3u, port->sent.size());
	for (const auto &s : port->sent)
		EXPECT_EQ(f, s);
	EXPECT_EQ(0u, guest.used(0, tx_used).second) << "nothing written into a transmit chain";
	EXPECT_TRUE(line);
	EXPECT_EQ(3u, dev->stats().tx_frames);
	EXPECT_FALSE(t->needs_reset());
}

TEST_F(VirtioNetTest, DropsFramesItCannotSend)
{
	// Offloads never offered: a checksum to fill in, a segmentation type.
	EXPECT_TRUE(transmit({12, 100}, frame_of(100, 2), net::hdr_f_needs_csum));
	EXPECT_TRUE(transmit({12, 100}, frame_of(100, 2), 0, 1));
	// Shorter than an Ethernet header; longer than any frame.
	EXPECT_TRUE(transmit({12, 10}, frame_of(10, 2)));
	uint32_t huge = uint32_t(net::max_frame + 1);
	EXPECT_TRUE(transmit({12, huge}, frame_of(huge, 2)));
	EXPECT_TRUE(port->sent.empty());
	EXPECT_EQ(4u, dev->stats().tx_dropped);
	EXPECT_FALSE(t->needs_reset()) << "a dropped frame is no broken driver";
	// The largest frame goes.
	uint32_t largest = uint32_t(net::max_frame);
	EXPECT_TRUE(transmit({12, largest}, frame_of(largest, 3)));
	EXPECT_EQ(1u, port->sent.size());
}

TEST_F(VirtioNetTest, ATransmitChainWithoutAHeaderBreaksTheDevice)
{
	EXPECT_FALSE(transmit({11}, {}));
	EXPECT_TRUE(t->needs_reset());
	EXPECT_TRUE(port->sent.empty());
}

TEST_F(VirtioNetTest, AWritableBufferToTransmitBreaksTheDevice)
{
	guest.desc(0, buffers_gpa, 12, virtq::desc_f_next, 1, tx_desc);
	guest.desc(1, buffers_gpa + 12, 100, virtq::desc_f_write, 0, tx_desc);
	guest.make_available(0, tx_avail);
	d->notify(net::tx_queue);
	EXPECT_TRUE(t->needs_reset());
	EXPECT_TRUE(port->sent.empty());
}

TEST_F(VirtioNetTest, ReceivesIntoBuffersBehindAHeader)
{
	Frame f = frame_of(mtu_frame, 4);
	port->waiting.push_back(f);
	// The header split over two descriptors, the frame over two more.
	offer_rx({4, 8, 1000, 600});
	ASSERT_EQ(1, guest.used_idx());
	uint32_t len = guest.used(0).second;
	ASSERT_EQ(net::header_size + mtu_frame, len);
	Frame got = received(len);
	Frame header(got.begin(), got.begin() + net::header_size);
	Frame want_header(net::header_size, 0);
	want_header[10] = 1; // num_buffers (section 5.1.6.4.1)
	EXPECT_EQ(want_header, header);
	EXPECT_EQ(f, Frame(got.begin() + net::header_size, got.end()));
	EXPECT_TRUE(line);
}

TEST_F(VirtioNetTest, InputWaitsInThePortWithoutBuffers)
{
	port->waiting.push_back(frame_of(60, 5));
	d->notify(net::rx_queue);
	EXPECT_EQ(0u, port->receives) << "taken from the port with nowhere to put it";
	EXPECT_FALSE(dev->input_wanted());
	EXPECT_EQ(1u, port->waiting.size());
	offer_rx({2048});
	EXPECT_TRUE(port->waiting.empty());
	EXPECT_EQ(1, guest.used_idx());
	EXPECT_FALSE(dev->input_wanted()) << "its only buffer used";
}

TEST_F(VirtioNetTest, AFrameTooLongForTheBuffersIsDropped)
{
	port->waiting.push_back(frame_of(1000, 6));
	port->waiting.push_back(frame_of(60, 7));
	offer_rx({12 + 100});
	ASSERT_EQ(1, guest.used_idx());
	EXPECT_EQ(0u, guest.used(0).second);
	EXPECT_EQ(1u, dev->stats().rx_dropped);
	offer_rx({12 + 100});
	ASSERT_EQ(2, guest.used_idx());
	EXPECT_EQ(12u + 60, guest.used(1).second);
	EXPECT_FALSE(t->needs_reset());
}

TEST_F(VirtioNetTest, HostileReceiveChainsBreakTheDevice)
{
	port->waiting.push_back(frame_of(60, 8));
	offer_rx({net::header_size + net::min_frame - 1});
	EXPECT_TRUE(t->needs_reset()) << "no room even for a header and an Ethernet header";
	EXPECT_FALSE(dev->input_wanted());

	SetUp();
	port->waiting.push_back(frame_of(60, 8));
	offer_rx({2048}, 0);
	EXPECT_TRUE(t->needs_reset()) << "a device-readable receive buffer";
	EXPECT_EQ(0, guest.used_idx());
}

TEST_F(VirtioNetTest, AFailedPortIsNotAskedAgain)
{
	port->failed = true;
	offer_rx({2048});
	EXPECT_FALSE(dev->input_wanted());
	EXPECT_FALSE(t->needs_reset());
}

TEST_F(VirtioNetTest, AResetLeavesInputWaiting)
{
	offer_rx({2048});
	EXPECT_TRUE(dev->input_wanted()) << "a buffer and the port empty: wait on the port";
	d->w(virtio::reg_status, 0);
	EXPECT_FALSE(dev->input_wanted());
	EXPECT_FALSE(t->can_serve(net::rx_queue));
}

} // namespace
