// SPDX-License-Identifier: GPL-2.0
// virtio-blk (virtio 1.2 section 5.2) backed by a raw image file: read, write, flush
// (fdatasync), get-id, discard where the file system can punch holes, and a read-only mode
// that refuses writes with VIRTIO_BLK_S_IOERR. Requests run on the thread that notifies
// (avcpu-run: the vCPU that wrote QueueNotify), under the device's lock.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "avcpu/fd.h"
#include "avcpu/result.h"
#include "avcpu/virtio_mmio.h"

namespace avcpu
{

namespace virtio_blk
{
// Request types and status values (section 5.2.6).
constexpr uint32_t t_in = 0, t_out = 1, t_flush = 4, t_get_id = 8, t_discard = 11;
constexpr uint8_t s_ok = 0, s_ioerr = 1, s_unsupp = 2;
// Feature bits (section 5.2.3).
constexpr uint64_t f_seg_max = 1ULL << 2, f_ro = 1ULL << 5, f_blk_size = 1ULL << 6,
		   f_flush = 1ULL << 9, f_discard = 1ULL << 13;
// struct virtio_blk_config offsets (section 5.2.4) of the fields this device fills.
constexpr size_t cfg_capacity = 0, cfg_seg_max = 12, cfg_blk_size = 20,
		 cfg_max_discard_sectors = 36, cfg_max_discard_seg = 40,
		 cfg_discard_sector_alignment = 44, cfg_size = 60;
// The request header (type, reserved, sector), a discard segment, the ID string.
constexpr uint64_t header_size = 16, discard_segment_size = 16, id_size = 20;
constexpr uint64_t sector_size = 512;
// Limits this device advertises: data segments per request, discard segments per request.
constexpr uint32_t seg_max = 126, max_discard_seg = 32;
// virtio_blk_discard_write_zeroes flags: only "unmap" exists (section 5.2.6).
constexpr uint32_t discard_flag_unmap = 1;
} // namespace virtio_blk

class VirtioBlock final : public VirtioBackend
{
public:
	// Opens path read-write, or read-only with read_only; ENOENT, EACCES and the like
	// come back as the open's error.
	static Result<std::unique_ptr<VirtioBlock>> open(const std::string &path, bool read_only);

	uint32_t device_id() const override { return virtio::id_block; }
	uint64_t features() const override;
	unsigned queue_count() const override { return 1; }
	std::span<const uint8_t> config() const override { return config_; }
	void set_features(uint64_t features) override { negotiated_ = features; }
	bool process(unsigned queue, Virtqueue &q) override;

	uint64_t capacity_sectors() const { return sectors_; }
	bool read_only() const { return read_only_; }
	bool can_discard() const { return discard_; }

private:
	VirtioBlock(UniqueFd fd, uint64_t sectors, bool read_only, bool discard,
		    const std::string &path);
	// One request; false when it is malformed past answering (no header, no status byte).
	bool handle(const VirtqChain &c, uint32_t &written);
	uint8_t transfer(const VirtqChain &c, bool to_guest, uint64_t sector, uint64_t bytes);
	uint8_t discard(const VirtqChain &c);
	bool in_range(uint64_t sector, uint64_t sectors) const;

	UniqueFd fd_;
	uint64_t sectors_;
	bool read_only_, discard_;
	uint64_t negotiated_ = 0;
	std::array<uint8_t, virtio_blk::id_size> id_{};
	std::array<uint8_t, virtio_blk::cfg_size> config_{};
};

} // namespace avcpu
