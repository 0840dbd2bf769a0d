// SPDX-License-Identifier: GPL-2.0
// Split virtqueues (virtio 1.2, section 2.7) from the device's side: the driver's
// descriptor table and available ring are read, the used ring written, all through a
// GuestView. A driver is hostile: a descriptor chain that leaves guest memory, loops, is
// longer than the queue, nests indirect tables, puts a readable buffer after a writable one
// or adds up to more than a used-ring length can say makes pop() report the queue broken,
// and the transport then marks the device DEVICE_NEEDS_RESET (section 2.1.2).
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "avcpu/guest_view.h"

namespace avcpu
{

static_assert(std::endian::native == std::endian::little,
	      "virtio 1.x rings are little-endian; this code reads them natively");

namespace virtq
{
// struct virtq_desc flags (section 2.7.5).
constexpr uint16_t desc_f_next = 1, desc_f_write = 2, desc_f_indirect = 4;
// struct virtq_avail flags (section 2.7.6).
constexpr uint16_t avail_f_no_interrupt = 1;
// Sizes of the ring structures (sections 2.7.5-2.7.8).
constexpr uint64_t desc_size = 16, ring_header = 4, avail_entry = 2, used_entry = 8;
// Alignment the driver must give each part (section 2.7, table "Virtqueue Part Alignment").
constexpr uint64_t desc_align = 16, avail_align = 2, used_align = 4;
// The largest split queue (section 2.7: Queue Size is at most 32768).
constexpr uint16_t max_size = 32768;
// What the used ring's 32-bit len can report, and so the most a chain may hold.
constexpr uint64_t max_chain_bytes = UINT32_MAX;
} // namespace virtq

// One buffer of a chain, already translated into host memory.
struct VirtqBuffer {
	uint8_t *host;
	uint32_t len;
	bool writable;
};

// A descriptor chain the driver made available: its readable buffers, then its writable
// ones (section 2.7.4.2 requires that order).
class VirtqChain
{
public:
	uint16_t head = 0;
	std::vector<VirtqBuffer> buffers;

	uint64_t readable_bytes() const { return readable_; }
	uint64_t writable_bytes() const { return writable_; }

	// Copies out of the readable bytes at offset, or into the writable bytes at offset
	// (offsets count within those bytes only); false when the range is not all there.
	bool copy_from(uint64_t offset, void *out, uint64_t length) const;
	bool copy_to(uint64_t offset, const void *in, uint64_t length) const;

	// Calls fn(host, length) for each piece of [offset, offset + length) of the readable
	// (or writable) bytes; stops and returns false when fn does or the range is short.
	template <typename Fn>
	bool segments(bool writable, uint64_t offset, uint64_t length, Fn &&fn) const
	{
		for (const auto &b : buffers) {
			if (b.writable != writable || !length)
				continue;
			if (offset >= b.len) {
				offset -= b.len;
				continue;
			}
			uint64_t n = b.len - offset < length ? b.len - offset : length;
			if (!fn(b.host + offset, n))
				return false;
			offset = 0;
			length -= n;
		}
		return length == 0;
	}

private:
	friend class Virtqueue;
	void clear();
	uint64_t readable_ = 0, writable_ = 0;
};

class Virtqueue
{
public:
	// What the driver wrote to the transport's queue registers (section 4.2.2).
	uint16_t size = 0; // QueueNum
	uint64_t desc = 0, driver = 0, device = 0;

	explicit Virtqueue(uint16_t max_size = 256) : max_size_(max_size) {}
	uint16_t max_size() const { return max_size_; }

	// Back to the state after a device reset: not ready, registers 0.
	void reset();

	// QueueReady = 1: checks the size and the rings' alignment and place in guest memory
	// and starts consuming from the ring's current indices. false (and the queue stays
	// not ready) for a layout no driver could have meant.
	bool enable(const GuestView *memory, bool indirect);
	// QueueReady = 0: stops consuming; the registers stay as written.
	void disable() { ready_ = false; }
	bool ready() const { return ready_; }

	// Whether pop() would find a chain (or the queue broken): a device whose input waits
	// elsewhere (a tap) takes it only when there is a buffer to put it in.
	bool available() const;

	enum class Pop { empty, chain, broken };
	// The next available chain. broken: the queue is unusable until reset; every later
	// call says broken too.
	Pop pop(VirtqChain &chain);
	// Returns the chain at head to the driver with written bytes in its writable buffers.
	// false (and broken) if the used ring is not in guest memory any more.
	bool push(uint16_t head, uint32_t written);
	// Takes up to a ring's worth of chains, calls handle(chain, written) on each and
	// returns it with written bytes. At most a ring's worth: a driver adding requests as
	// fast as they complete cannot keep the caller here; it notifies again for what it
	// adds later. false when the queue broke or handle refused a chain as malformed.
	template <typename Fn> bool serve(Fn &&handle)
	{
		VirtqChain c;
		for (unsigned i = 0; i < size; i++) {
			Pop popped = pop(c);
			if (popped != Pop::chain)
				return popped == Pop::empty;
			uint32_t written = 0;
			if (!handle(c, written) || !push(c.head, written))
				return false;
		}
		return true;
	}
	// Whether the driver wants an interrupt for used buffers (no VIRTQ_AVAIL_F_NO_INTERRUPT;
	// section 2.7.7, without VIRTIO_F_EVENT_IDX).
	bool wants_interrupt() const;

	bool broken() const { return broken_; }
	// Whether push() ran since the last call: the transport's cue to interrupt.
	bool take_used()
	{
		bool used = used_;
		used_ = false;
		return used;
	}

private:
	bool walk(uint64_t table, uint32_t entries, uint16_t index, bool in_indirect,
		  VirtqChain &chain);
	bool add_buffer(uint64_t gpa, uint32_t len, bool writable, VirtqChain &chain);
	Pop fail();

	const GuestView *memory_ = nullptr;
	uint16_t max_size_;
	bool ready_ = false, broken_ = false, indirect_ = false, used_ = false;
	uint16_t last_avail_ = 0, used_idx_ = 0;
	uint16_t *avail_idx_ = nullptr, *avail_flags_ = nullptr, *used_idx_ptr_ = nullptr;
	uint16_t *avail_ring_ = nullptr;
	uint8_t *used_ring_ = nullptr;
};

} // namespace avcpu
