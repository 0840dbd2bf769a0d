// SPDX-License-Identifier: GPL-2.0
// A pretend guest for the virtio tests: RAM behind a GuestView, a driver that writes the
// transport's registers, and helpers that lay out one split virtqueue in that RAM.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "avcpu/virtio_mmio.h"

namespace virtio_test
{

using namespace avcpu;

constexpr uint64_t ram_base = 0x40000000, ram_size = 1 << 20;
// Where the test driver puts the queue's parts and its buffers.
constexpr uint64_t desc_gpa = ram_base, avail_gpa = ram_base + 0x1000, used_gpa = ram_base + 0x2000,
		   buffers_gpa = ram_base + 0x10000;
constexpr uint16_t queue_size = 8;

class Guest
{
public:
	Guest() : ram_(ram_size / sizeof(uint64_t)) { view.add(ram_base, bytes(), ram_size); }
	uint8_t *bytes() { return reinterpret_cast<uint8_t *>(ram_.data()); }
	uint8_t *at(uint64_t gpa) { return bytes() + (gpa - ram_base); }

	void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next = 0,
		  uint64_t table = desc_gpa)
	{
		uint8_t *d = at(table + i * virtq::desc_size);
		std::memcpy(d, &addr, 8);
		std::memcpy(d + 8, &len, 4);
		std::memcpy(d + 12, &flags, 2);
		std::memcpy(d + 14, &next, 2);
	}
	// Makes the chain at head available and returns the new avail idx.
	// (avail: the queue's available ring, for a device with more than one queue.)
	uint16_t make_available(uint16_t head, uint64_t avail = avail_gpa)
	{
		uint16_t idx = avail_idx(avail);
		std::memcpy(at(avail + 4 + (idx % queue_size) * 2), &head, 2);
		set_avail_idx(uint16_t(idx + 1), avail);
		return uint16_t(idx + 1);
	}
	uint16_t avail_idx(uint64_t avail = avail_gpa) { return load16(avail + 2); }
	void set_avail_idx(uint16_t idx, uint64_t avail = avail_gpa)
	{
		std::memcpy(at(avail + 2), &idx, 2);
	}
	void set_avail_flags(uint16_t flags) { std::memcpy(at(avail_gpa), &flags, 2); }
	uint16_t used_idx(uint64_t used = used_gpa) { return load16(used + 2); }
	// The used element i: {id, len}.
	std::pair<uint32_t, uint32_t> used(uint16_t i, uint64_t used = used_gpa)
	{
		uint32_t e[2];
		std::memcpy(e, at(used + 4 + (i % queue_size) * virtq::used_entry), 8);
		return {e[0], e[1]};
	}

	GuestView view;

private:
	uint16_t load16(uint64_t gpa)
	{
		uint16_t v;
		std::memcpy(&v, at(gpa), 2);
		return v;
	}
	std::vector<uint64_t> ram_;
};

// The driver side of the transport: what Linux's virtio_mmio does, step by step.
class Driver
{
public:
	explicit Driver(VirtioMmio &t) : t_(t) {}

	uint32_t r(uint64_t offset)
	{
		uint64_t v = 0;
		EXPECT_TRUE(t_.read(offset, 4, v)) << offset;
		return uint32_t(v);
	}
	void w(uint64_t offset, uint32_t value) { EXPECT_TRUE(t_.write(offset, 4, value)); }

	// Section 3.1.1 up to FEATURES_OK; whether the device accepted the features.
	bool negotiate(uint64_t features)
	{
		w(virtio::reg_status, 0);
		w(virtio::reg_status, virtio::status_acknowledge);
		w(virtio::reg_status, virtio::status_acknowledge | virtio::status_driver);
		for (uint32_t sel = 0; sel < 2; sel++) {
			w(virtio::reg_driver_features_sel, sel);
			w(virtio::reg_driver_features, uint32_t(features >> (32 * sel)));
		}
		w(virtio::reg_status, ack_driver | virtio::status_features_ok);
		return r(virtio::reg_status) & virtio::status_features_ok;
	}
	void setup_queue(uint16_t size = queue_size, uint64_t desc = desc_gpa,
			 uint64_t avail = avail_gpa, uint64_t used = used_gpa, uint32_t queue = 0)
	{
		w(virtio::reg_queue_sel, queue);
		w(virtio::reg_queue_num, size);
		w(virtio::reg_queue_desc_low, uint32_t(desc));
		w(virtio::reg_queue_desc_high, uint32_t(desc >> 32));
		w(virtio::reg_queue_driver_low, uint32_t(avail));
		w(virtio::reg_queue_driver_high, uint32_t(avail >> 32));
		w(virtio::reg_queue_device_low, uint32_t(used));
		w(virtio::reg_queue_device_high, uint32_t(used >> 32));
		w(virtio::reg_queue_ready, 1);
	}
	// The whole initialisation with the given features and one queue (or, with
	// second_queue, queue 1 too at that offset from the first's parts).
	bool start(uint64_t features = virtio::f_version_1 | virtio::f_indirect_desc,
		   uint64_t second_queue = 0)
	{
		if (!negotiate(features))
			return false;
		setup_queue();
		if (second_queue)
			setup_queue(queue_size, desc_gpa + second_queue, avail_gpa + second_queue,
				    used_gpa + second_queue, 1);
		w(virtio::reg_status,
		  ack_driver | virtio::status_features_ok | virtio::status_driver_ok);
		return r(virtio::reg_status) ==
		       (ack_driver | virtio::status_features_ok | virtio::status_driver_ok);
	}
	void notify(uint32_t queue = 0) { w(virtio::reg_queue_notify, queue); }

	static constexpr uint32_t ack_driver = virtio::status_acknowledge | virtio::status_driver;

private:
	VirtioMmio &t_;
};

} // namespace virtio_test
