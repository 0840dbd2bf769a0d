// SPDX-License-Identifier: GPL-2.0
// The device side of split virtqueues, virtio 1.2 section 2.7.
#include "avcpu/virtqueue.h"

#include <atomic>
#include <cstring>

namespace avcpu
{

namespace
{

// struct virtq_desc (section 2.7.5), as the driver lays it out.
struct Desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
static_assert(sizeof(Desc) == virtq::desc_size);

bool aligned(uint64_t gpa, const uint8_t *host, uint64_t align)
{
	return gpa % align == 0 && reinterpret_cast<uintptr_t>(host) % align == 0;
}

// The avail and used rings are shared with a driver running on another CPU: their idx
// fields are read with acquire and written with release (section 2.7.13 and 2.7.8: the
// driver publishes ring entries before idx; the device writes used entries before idx).
uint16_t load_acquire(uint16_t *p)
{
	return std::atomic_ref<uint16_t>(*p).load(std::memory_order_acquire);
}

} // namespace

void VirtqChain::clear()
{
	buffers.clear();
	readable_ = writable_ = 0;
}

bool VirtqChain::copy_from(uint64_t offset, void *out, uint64_t length) const
{
	auto *dst = static_cast<uint8_t *>(out);
	return segments(false, offset, length, [&dst](uint8_t *p, uint64_t n) {
		std::memcpy(dst, p, n);
		dst += n;
		return true;
	});
}

bool VirtqChain::copy_to(uint64_t offset, const void *in, uint64_t length) const
{
	const auto *src = static_cast<const uint8_t *>(in);
	return segments(true, offset, length, [&src](uint8_t *p, uint64_t n) {
		std::memcpy(p, src, n);
		src += n;
		return true;
	});
}

void Virtqueue::reset()
{
	size = 0;
	desc = driver = device = 0;
	memory_ = nullptr;
	ready_ = broken_ = indirect_ = used_ = false;
	last_avail_ = used_idx_ = 0;
	avail_idx_ = avail_flags_ = avail_ring_ = used_idx_ptr_ = nullptr;
	used_ring_ = nullptr;
}

// Section 2.7: the queue size is a power of 2 no larger than QueueNumMax, and each part
// has its alignment; each part (with its event field) must lie in guest memory.
bool Virtqueue::enable(const GuestView *memory, bool indirect)
{
	if (!memory || !size || size > max_size_ || !std::has_single_bit(size))
		return false;
	const uint64_t n = size;
	uint8_t *d = memory->translate(desc, n * virtq::desc_size);
	uint8_t *a = memory->translate(driver, virtq::ring_header + n * virtq::avail_entry +
						       virtq::avail_entry);
	uint8_t *u = memory->translate(device, virtq::ring_header + n * virtq::used_entry +
						       virtq::avail_entry);
	if (!d || !a || !u || !aligned(desc, d, virtq::desc_align) ||
	    !aligned(driver, a, virtq::avail_align) || !aligned(device, u, virtq::used_align))
		return false;
	memory_ = memory;
	indirect_ = indirect;
	avail_flags_ = reinterpret_cast<uint16_t *>(a);
	avail_idx_ = avail_flags_ + 1;
	avail_ring_ = avail_flags_ + 2;
	used_idx_ptr_ = reinterpret_cast<uint16_t *>(u) + 1;
	used_ring_ = u + virtq::ring_header;
	last_avail_ = used_idx_ = 0;
	broken_ = false;
	ready_ = true;
	return true;
}

Virtqueue::Pop Virtqueue::fail()
{
	broken_ = true;
	return Pop::broken;
}

bool Virtqueue::available() const
{
	return broken_ || (ready_ && load_acquire(avail_idx_) != last_avail_);
}

Virtqueue::Pop Virtqueue::pop(VirtqChain &chain)
{
	if (broken_)
		return Pop::broken;
	if (!ready_)
		return Pop::empty;
	uint16_t idx = load_acquire(avail_idx_);
	if (idx == last_avail_)
		return Pop::empty;
	// More new entries than the ring holds: the driver's idx is garbage.
	if (uint16_t(idx - last_avail_) > size)
		return fail();
	uint16_t head = std::atomic_ref<uint16_t>(avail_ring_[last_avail_ % size])
				.load(std::memory_order_relaxed);
	chain.clear();
	chain.head = head;
	if (head >= size || !walk(desc, size, head, false, chain))
		return fail();
	last_avail_++;
	return Pop::chain;
}

// Follows a chain in the table at gpa table of entries descriptors, from index. Every
// step is bounded: at most entries descriptors (a longer walk is a loop), each read and
// each buffer translated through the GuestView.
bool Virtqueue::walk(uint64_t table, uint32_t entries, uint16_t index, bool in_indirect,
		     VirtqChain &chain)
{
	for (uint32_t steps = 0;; steps++) {
		Desc d;
		if (index >= entries || steps >= entries ||
		    !memory_->read(table + uint64_t(index) * virtq::desc_size, &d, sizeof(d)))
			return false;
		if (d.flags & virtq::desc_f_indirect) {
			// Section 2.7.5.3.1: only with VIRTIO_F_INDIRECT_DESC, never inside an
			// indirect table, never together with NEXT; a table is whole descriptors.
			if (!indirect_ || in_indirect || (d.flags & virtq::desc_f_next) || !d.len ||
			    d.len % virtq::desc_size || d.len / virtq::desc_size > virtq::max_size)
				return false;
			return walk(d.addr, uint32_t(d.len / virtq::desc_size), 0, true, chain);
		}
		if (!add_buffer(d.addr, d.len, d.flags & virtq::desc_f_write, chain))
			return false;
		if (!(d.flags & virtq::desc_f_next))
			return true;
		index = d.next;
	}
}

bool Virtqueue::add_buffer(uint64_t gpa, uint32_t len, bool writable, VirtqChain &chain)
{
	// Section 2.7.4.2: device-writable buffers come after all device-readable ones.
	if (!writable && chain.writable_)
		return false;
	if (chain.readable_ + chain.writable_ + len > virtq::max_chain_bytes)
		return false;
	uint8_t *host = memory_->translate(gpa, len);
	if (!host)
		return false;
	if (!len)
		return true;
	chain.buffers.push_back({host, len, writable});
	(writable ? chain.writable_ : chain.readable_) += len;
	return true;
}

bool Virtqueue::push(uint16_t head, uint32_t written)
{
	if (!ready_ || broken_)
		return false;
	// struct virtq_used_elem (section 2.7.8): le32 id, le32 len.
	uint32_t elem[2] = {head, written};
	std::memcpy(used_ring_ + (used_idx_ % size) * virtq::used_entry, elem, sizeof(elem));
	used_idx_++;
	used_ = true;
	std::atomic_ref<uint16_t>(*used_idx_ptr_).store(used_idx_, std::memory_order_release);
	return true;
}

bool Virtqueue::wants_interrupt() const
{
	if (!ready_)
		return false;
	// The used idx store must be visible before the driver's flags are read, or a driver
	// that just re-enabled interrupts and found nothing new would never hear of this.
	std::atomic_thread_fence(std::memory_order_seq_cst);
	uint16_t flags = std::atomic_ref<uint16_t>(*avail_flags_).load(std::memory_order_relaxed);
	return !(flags & virtq::avail_f_no_interrupt);
}

} // namespace avcpu
