// SPDX-License-Identifier: GPL-2.0
// The virtio-mmio transport, virtio 1.2 section 4.2 (register behaviour: 4.2.2 and
// 4.2.3; device status and initialisation order: 2.1 and 3.1).
#include "avcpu/virtio_mmio.h"

#include <cstring>

namespace avcpu
{

using namespace virtio;

namespace
{
constexpr unsigned control_width = 4;
constexpr uint32_t all_ones = 0xffffffff;

void set_half(uint64_t &field, bool high, uint32_t value)
{
	int shift = high ? 32 : 0;
	field = (field & ~(uint64_t(all_ones) << shift)) | (uint64_t(value) << shift);
}
} // namespace

VirtioMmio::VirtioMmio(VirtioBackend &backend, const GuestView &memory,
		       std::function<void(bool)> irq)
    : backend_(backend), memory_(memory), irq_(std::move(irq))
{
	for (unsigned i = 0; i < backend.queue_count(); i++)
		queues_.emplace_back(backend.queue_max_size());
}

// VERSION_1 always: this is a modern-only device, and a driver that does not accept it
// (a legacy one) fails FEATURES_OK (section 6.1).
uint64_t VirtioMmio::offered() const
{
	return backend_.features() | f_version_1 | f_indirect_desc;
}

Virtqueue *VirtioMmio::selected()
{
	return queue_sel_ < queues_.size() ? &queues_[queue_sel_] : nullptr;
}

void VirtioMmio::update_irq()
{
	bool level = interrupt_status_ != 0;
	if (level == irq_level_)
		return;
	irq_level_ = level;
	if (irq_)
		irq_(level);
}

void VirtioMmio::mark_broken()
{
	if (needs_reset())
		return;
	status_ |= status_needs_reset;
	// Section 2.1.2: with DRIVER_OK set, the device says so with a configuration change
	// notification.
	if (status_ & status_driver_ok) {
		interrupt_status_ |= int_config_change;
		update_irq();
	}
}

// Section 4.2.2.1: writing 0 to Status resets the device: queues, features, interrupts.
void VirtioMmio::reset()
{
	for (auto &q : queues_)
		q.reset();
	status_ = interrupt_status_ = 0;
	device_features_sel_ = driver_features_sel_ = queue_sel_ = 0;
	driver_features_ = 0;
	backend_.set_features(0);
	update_irq();
}

bool VirtioMmio::read(uint64_t offset, unsigned length, uint64_t &value)
{
	value = 0;
	if (offset >= reg_config) {
		auto config = backend_.config();
		uint64_t at = offset - reg_config;
		if (at > config.size() || length > config.size() - at || offset % length)
			return false;
		std::memcpy(&value, config.data() + at, length);
		return true;
	}
	// Section 4.2.2.2: control registers are accessed 32 bits wide and aligned.
	if (length != control_width || offset % control_width)
		return false;
	value = read_register(offset);
	return true;
}

uint32_t VirtioMmio::read_register(uint64_t offset)
{
	Virtqueue *q = selected();
	switch (offset) {
	case reg_magic:
		return magic_value;
	case reg_version:
		return mmio_version;
	case reg_device_id:
		return backend_.device_id();
	case reg_vendor_id:
		return vendor_avcpu;
	case reg_device_features:
		return device_features_sel_ > 1
			       ? 0
			       : uint32_t(offered() >> (32 * device_features_sel_));
	case reg_queue_num_max:
		return q ? q->max_size() : 0;
	case reg_queue_ready:
		return q && q->ready();
	case reg_interrupt_status:
		return interrupt_status_;
	case reg_status:
		return status_;
	case reg_shm_len_low: // no shared memory regions: length -1 (section 4.2.2)
	case reg_shm_len_high:
	case reg_shm_base_low:
	case reg_shm_base_high:
		return all_ones;
	default: // ConfigGeneration (the configuration never changes), write-only, reserved
		return 0;
	}
}

bool VirtioMmio::write(uint64_t offset, unsigned length, uint64_t value)
{
	// The configuration space of these devices is read-only (no writable field offered).
	if (offset >= reg_config || length != control_width || offset % control_width)
		return false;
	write_register(offset, uint32_t(value));
	return true;
}

void VirtioMmio::write_register(uint64_t offset, uint32_t value)
{
	switch (offset) {
	case reg_device_features_sel:
		device_features_sel_ = value;
		break;
	case reg_driver_features_sel:
		driver_features_sel_ = value;
		break;
	case reg_driver_features:
		// Only before FEATURES_OK (section 3.1.1) and only the two words that exist.
		if (!(status_ & status_features_ok) && driver_features_sel_ <= 1)
			set_half(driver_features_, driver_features_sel_ == 1, value);
		break;
	case reg_queue_sel:
		queue_sel_ = value;
		break;
	case reg_queue_notify:
		notify(value);
		break;
	case reg_interrupt_ack:
		interrupt_status_ &= ~value;
		update_irq();
		break;
	case reg_status:
		write_status(value);
		break;
	case reg_shm_sel:
		break;
	default:
		write_queue_register(offset, value);
		break;
	}
}

bool VirtioMmio::write_queue_register(uint64_t offset, uint32_t value)
{
	Virtqueue *q = selected();
	if (!q || needs_reset())
		return false;
	if (offset == reg_queue_ready) {
		if (!value) {
			q->disable();
		} else if (!q->ready() &&
			   // Section 3.1.1: queues are set up after FEATURES_OK; a layout that
			   // cannot be used breaks the device rather than the VMM.
			   (!(status_ & status_features_ok) ||
			    !q->enable(&memory_, driver_features_ & f_indirect_desc))) {
			mark_broken();
		}
		return true;
	}
	if (q->ready()) // section 4.2.2: the queue's layout is fixed while it is ready
		return false;
	switch (offset) {
	case reg_queue_num:
		q->size = uint16_t(value > virtq::max_size ? 0 : value);
		return true;
	case reg_queue_desc_low:
	case reg_queue_desc_high:
		set_half(q->desc, offset == reg_queue_desc_high, value);
		return true;
	case reg_queue_driver_low:
	case reg_queue_driver_high:
		set_half(q->driver, offset == reg_queue_driver_high, value);
		return true;
	case reg_queue_device_low:
	case reg_queue_device_high:
		set_half(q->device, offset == reg_queue_device_high, value);
		return true;
	default:
		return false;
	}
}

void VirtioMmio::write_status(uint32_t value)
{
	if (!value) {
		reset();
		return;
	}
	uint32_t set = value & ~status_;
	if (set & status_features_ok) {
		// Section 2.2.2 and 6.1: only features the device offered, and VERSION_1.
		bool acceptable =
			!(driver_features_ & ~offered()) && (driver_features_ & f_version_1);
		if (acceptable)
			backend_.set_features(driver_features_);
		else
			value &= ~status_features_ok;
	}
	if ((set & status_driver_ok) && !(value & status_features_ok)) {
		// DRIVER_OK without negotiated features: a driver out of order (section 3.1.1).
		status_ = (status_ | value) & ~status_driver_ok;
		mark_broken();
		return;
	}
	// The device-owned NEEDS_RESET bit stays until a reset.
	status_ = value | (status_ & status_needs_reset);
}

bool VirtioMmio::can_serve(unsigned queue) const
{
	// Section 3.1.1 and 2.1.2: nothing is consumed before DRIVER_OK or once broken.
	return queue < queues_.size() && (status_ & status_driver_ok) && !needs_reset() &&
	       queues_[queue].ready();
}

void VirtioMmio::notify(unsigned queue)
{
	if (!can_serve(queue))
		return;
	Virtqueue &q = queues_[queue];
	bool ok = backend_.process(queue, q);
	if (q.take_used() && q.wants_interrupt()) {
		interrupt_status_ |= int_used_buffer;
		update_irq();
	}
	if (!ok || q.broken())
		mark_broken();
}

} // namespace avcpu
