// SPDX-License-Identifier: GPL-2.0
// The virtio over MMIO transport, version 2 ("modern", virtio 1.2 section 4.2): the
// register window a driver (Linux's virtio_mmio, bound from a "virtio,mmio" device-tree
// node) finds a device through, with feature negotiation, the device status, the
// virtqueues' registers, the interrupt status and the device's configuration space. A
// device type (block, entropy) is a VirtioBackend: it says what it is and handles its
// queues' chains; the transport does the rest. It has no lock of its own: its owner
// serialises read(), write() and notify() (avcpu-run's bus holds the device's lock).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "avcpu/guest_view.h"
#include "avcpu/virtqueue.h"

namespace avcpu
{

namespace virtio
{
// Register offsets (section 4.2.2, table "MMIO Device Register Layout").
constexpr uint64_t reg_magic = 0x000, reg_version = 0x004, reg_device_id = 0x008,
		   reg_vendor_id = 0x00c, reg_device_features = 0x010,
		   reg_device_features_sel = 0x014, reg_driver_features = 0x020,
		   reg_driver_features_sel = 0x024, reg_queue_sel = 0x030,
		   reg_queue_num_max = 0x034, reg_queue_num = 0x038, reg_queue_ready = 0x044,
		   reg_queue_notify = 0x050, reg_interrupt_status = 0x060,
		   reg_interrupt_ack = 0x064, reg_status = 0x070, reg_queue_desc_low = 0x080,
		   reg_queue_desc_high = 0x084, reg_queue_driver_low = 0x090,
		   reg_queue_driver_high = 0x094, reg_queue_device_low = 0x0a0,
		   reg_queue_device_high = 0x0a4, reg_shm_sel = 0x0ac, reg_shm_len_low = 0x0b0,
		   reg_shm_len_high = 0x0b4, reg_shm_base_low = 0x0b8, reg_shm_base_high = 0x0bc,
		   reg_config_generation = 0x0fc, reg_config = 0x100;
// MagicValue ("virt") and Version of the modern layout.
constexpr uint32_t magic_value = 0x74726976, mmio_version = 2;
// VendorID: "AVCP", ours.
constexpr uint32_t vendor_avcpu = 0x50435641;
// Device status bits (section 2.1).
constexpr uint32_t status_acknowledge = 1, status_driver = 2, status_driver_ok = 4,
		   status_features_ok = 8, status_needs_reset = 64, status_failed = 128;
// InterruptStatus bits (section 4.2.2).
constexpr uint32_t int_used_buffer = 1, int_config_change = 2;
// Reserved feature bits (section 6).
constexpr uint64_t f_indirect_desc = 1ULL << 28, f_version_1 = 1ULL << 32;
// Device IDs (section 5).
constexpr uint32_t id_network = 1, id_block = 2, id_entropy = 4;
// The register window a device occupies.
constexpr uint64_t mmio_window = 0x200;
} // namespace virtio

// A device type on the transport.
class VirtioBackend
{
public:
	VirtioBackend() = default;
	VirtioBackend(const VirtioBackend &) = delete;
	VirtioBackend &operator=(const VirtioBackend &) = delete;
	virtual ~VirtioBackend() = default;

	virtual uint32_t device_id() const = 0;
	// Its device-type feature bits; the transport adds VIRTIO_F_VERSION_1 and
	// VIRTIO_F_INDIRECT_DESC.
	virtual uint64_t features() const = 0;
	virtual unsigned queue_count() const = 0;
	virtual uint16_t queue_max_size() const { return 256; }
	// The configuration space, little-endian as the driver reads it; read-only here.
	virtual std::span<const uint8_t> config() const { return {}; }
	// The driver accepted these features (FEATURES_OK), or reset the device (0).
	virtual void set_features(uint64_t) {}
	// Takes the queue's available chains and returns each through q.push(). false: the
	// driver made a request no correct driver makes, and the device must be reset.
	virtual bool process(unsigned queue, Virtqueue &q) = 0;

	// Input from outside the guest (a network device's tap): a descriptor that polls
	// readable when some waits, and the queue whose process() takes it in. Its owner
	// polls fd while input_wanted() and the queue can be served, and then notifies queue.
	struct Input {
		int fd;
		unsigned queue;
	};
	virtual std::optional<Input> input() const { return std::nullopt; }
	// false while the device has no buffer to take input into: polling then would only
	// find the same input waiting, again and again. The queue's next notification (the
	// driver adding buffers) runs process() again, which says anew.
	virtual bool input_wanted() const { return false; }
};

class VirtioMmio
{
public:
	// irq hears the level of the device's interrupt line (InterruptStatus != 0).
	VirtioMmio(VirtioBackend &backend, const GuestView &memory, std::function<void(bool)> irq);

	// Accesses at offset in the window; false when the access is not one the transport
	// emulates (a width other than 32 bits on a control register, an unknown register,
	// past the configuration space): it reads 0 and a write does nothing.
	bool read(uint64_t offset, unsigned length, uint64_t &value);
	bool write(uint64_t offset, unsigned length, uint64_t value);

	// What a write to QueueNotify does: the queue's chains go to the backend. For a
	// doorbell that comes another way (an eventfd) too, under the same serialisation.
	void notify(unsigned queue);

	// Whether notify(queue) would reach the backend: DRIVER_OK, not broken, the queue ready.
	bool can_serve(unsigned queue) const;

	uint32_t status() const { return status_; }
	uint32_t interrupt_status() const { return interrupt_status_; }
	uint64_t driver_features() const { return driver_features_; }
	bool needs_reset() const { return status_ & virtio::status_needs_reset; }
	const Virtqueue &queue(unsigned i) const { return queues_.at(i); }

	// Section 2.1.2: the device cannot go on; the driver must reset it.
	void mark_broken();

private:
	uint64_t offered() const;
	uint32_t read_register(uint64_t offset);
	void write_register(uint64_t offset, uint32_t value);
	bool write_queue_register(uint64_t offset, uint32_t value);
	void write_status(uint32_t value);
	void reset();
	void update_irq();
	Virtqueue *selected();

	VirtioBackend &backend_;
	const GuestView &memory_;
	std::function<void(bool)> irq_;
	std::vector<Virtqueue> queues_;
	uint32_t status_ = 0, interrupt_status_ = 0;
	uint32_t device_features_sel_ = 0, driver_features_sel_ = 0, queue_sel_ = 0;
	uint64_t driver_features_ = 0;
	bool irq_level_ = false;
};

} // namespace avcpu
