// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: libavcpu's virtio-mmio transport and split virtqueues driven by a
// hostile driver, with virtio-blk (on a memfd), virtio-rng or virtio-net (on a port that
// always has a frame to give, of a size the input chose) behind them. The input is the
// guest's RAM (rings, descriptors, indirect tables, buffers) followed by register accesses,
// notifications and RAM writes between them. Under ASan a device access outside the RAM
// buffer is a crash; the properties checked are that the interrupt line follows
// InterruptStatus and that a device needing reset uses no more buffers until it is reset.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "avcpu/virtio_blk.h"
#include "avcpu/virtio_net.h"
#include "avcpu/virtio_rng.h"

using namespace avcpu;

namespace
{

constexpr uint64_t ram_base = 0x40000000, ram_size = 64 * 1024, disk_size = 64 * 1024;
// The layout the quick start uses (the input may move the queue anywhere).
constexpr uint64_t desc_gpa = ram_base, avail_gpa = ram_base + 0x1000, used_gpa = ram_base + 0x2000;
constexpr uint16_t queue_size = 16;
constexpr unsigned op_size = 6, register_stride = 4;

void check(bool ok)
{
	if (!ok)
		std::abort();
}

// Frames of frame_size bytes, as many as asked for; what is sent is checked for size.
class FuzzPort final : public NetPort
{
public:
	explicit FuzzPort(size_t frame_size) : frame_size_(frame_size) {}
	Result<size_t> receive(std::span<uint8_t> buf) override
	{
		size_t n = std::min(frame_size_, buf.size());
		std::memset(buf.data(), 0xab, n);
		return n;
	}
	bool send(std::span<const iovec> frame) override
	{
		size_t n = 0;
		for (const auto &v : frame)
			n += v.iov_len;
		check(n >= virtio_net::min_frame && n <= virtio_net::max_frame);
		return true;
	}

private:
	size_t frame_size_;
};

std::unique_ptr<VirtioBackend> make_backend(uint8_t flags)
{
	if (flags & 4)
		return std::make_unique<VirtioNet>(std::make_unique<FuzzPort>(size_t(flags) * 64),
						   VirtioNet::Mac{2, 0, 0, 0, 0, 1});
	if (!(flags & 1))
		return std::make_unique<VirtioRng>();
	static int fd = -1;
	if (fd < 0) {
		fd = memfd_create("virtio-fuzz-disk", 0);
		check(fd >= 0 && ftruncate(fd, disk_size) == 0);
	}
	auto b = VirtioBlock::open("/proc/self/fd/" + std::to_string(fd), false);
	check(b.ok());
	return std::move(b).value();
}

// Section 3.1.1 done right, so that the ops start with a live queue.
void quick_start(VirtioMmio &t)
{
	using namespace virtio;
	const std::pair<uint64_t, uint64_t> writes[] = {
		{reg_status, status_acknowledge | status_driver},
		{reg_driver_features_sel, 1},
		{reg_driver_features, 1}, // VERSION_1
		{reg_driver_features_sel, 0},
		{reg_driver_features, uint32_t(f_indirect_desc | virtio_blk::f_flush)},
		{reg_status, status_acknowledge | status_driver | status_features_ok},
		{reg_queue_num, queue_size},
		{reg_queue_desc_low, uint32_t(desc_gpa)},
		{reg_queue_driver_low, uint32_t(avail_gpa)},
		{reg_queue_device_low, uint32_t(used_gpa)},
		{reg_queue_ready, 1},
		{reg_status,
		 status_acknowledge | status_driver | status_features_ok | status_driver_ok},
	};
	for (const auto &[offset, value] : writes)
		t.write(offset, 4, value);
}

uint16_t used_idx(const std::vector<uint8_t> &ram)
{
	uint16_t idx;
	std::memcpy(&idx, ram.data() + (used_gpa - ram_base) + 2, 2);
	return idx;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t flags = data[0];
	size_t ram_bytes = std::min<size_t>(size - 1, data[1] * size_t(256));
	data += 2;
	size -= 2;
	ram_bytes = std::min(ram_bytes, size);
	// Exactly the RAM's size on the heap: ASan reports any byte touched beyond it.
	std::vector<uint8_t> ram(ram_size);
	std::memcpy(ram.data(), data, ram_bytes);
	data += ram_bytes;
	size -= ram_bytes;

	GuestView view;
	view.add(ram_base, ram.data(), ram_size);
	auto backend = make_backend(flags);
	bool line = false;
	VirtioMmio t(*backend, view, [&line](bool level) { line = level; });
	if (flags & 2)
		quick_start(t);

	for (; size >= op_size; data += op_size, size -= op_size) {
		uint32_t value;
		std::memcpy(&value, data + 2, 4);
		uint64_t offset = uint64_t(data[1]) * register_stride;
		uint64_t v;
		switch (data[0] % 4) {
		case 0:
			t.write(offset, 4, value);
			break;
		case 1:
			t.read(offset, 1u << (data[0] / 4 % 4), v);
			break;
		case 2: {
			// A device that needs a reset uses no more buffers.
			bool broken = t.needs_reset();
			uint16_t before = used_idx(ram);
			t.notify(value % 3);
			check(!broken || used_idx(ram) == before);
			break;
		}
		default: // the driver changes its RAM between accesses
			std::memcpy(ram.data() + (value % (ram_size - 4)), data + 1, 1);
			break;
		}
		check(line == (t.interrupt_status() != 0));
	}
	return 0;
}
