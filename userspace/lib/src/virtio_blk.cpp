// SPDX-License-Identifier: GPL-2.0
// virtio-blk requests, virtio 1.2 section 5.2.6.
#include "avcpu/virtio_blk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace avcpu
{

using namespace virtio_blk;

namespace
{

template <typename T> void put_le(std::span<uint8_t> config, size_t offset, T value)
{
	std::memcpy(config.data() + offset, &value, sizeof(value));
}

// Whether the file system under fd punches holes: a hole past the end of the file changes
// nothing, so asking costs nothing.
bool punches_holes(int fd, uint64_t size)
{
	return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(size),
			 off_t(sector_size)) == 0;
}

// All of [p, p + n) to or from the file at offset; short transfers and EINTR retried.
bool file_io(int fd, bool read, uint8_t *p, uint64_t n, uint64_t offset)
{
	while (n) {
		ssize_t done =
			read ? ::pread(fd, p, n, off_t(offset)) : ::pwrite(fd, p, n, off_t(offset));
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return false;
		p += done;
		n -= uint64_t(done);
		offset += uint64_t(done);
	}
	return true;
}

} // namespace

Result<std::unique_ptr<VirtioBlock>> VirtioBlock::open(const std::string &path, bool read_only)
{
	int fd = ::open(path.c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return last_error("open");
	UniqueFd owned(system_kernel(), fd);
	struct stat st;
	if (fstat(fd, &st))
		return last_error("fstat");
	if (!S_ISREG(st.st_mode))
		return Error{"open", EINVAL};
	bool discard = !read_only && punches_holes(fd, uint64_t(st.st_size));
	return std::unique_ptr<VirtioBlock>(new VirtioBlock(
		std::move(owned), uint64_t(st.st_size) / sector_size, read_only, discard, path));
}

VirtioBlock::VirtioBlock(UniqueFd fd, uint64_t sectors, bool read_only, bool discard,
			 const std::string &path)
    : fd_(std::move(fd)), sectors_(sectors), read_only_(read_only), discard_(discard)
{
	// The ID (section 5.2.6: up to 20 bytes, NUL-padded): the image's file name.
	std::string name = path.substr(path.find_last_of('/') + 1);
	std::memcpy(id_.data(), name.data(), std::min(name.size(), id_.size()));
	put_le<uint64_t>(config_, cfg_capacity, sectors_);
	put_le<uint32_t>(config_, cfg_seg_max, seg_max);
	put_le<uint32_t>(config_, cfg_blk_size, uint32_t(sector_size));
	if (discard_) {
		put_le<uint32_t>(config_, cfg_max_discard_sectors, UINT32_MAX);
		put_le<uint32_t>(config_, cfg_max_discard_seg, max_discard_seg);
		put_le<uint32_t>(config_, cfg_discard_sector_alignment, 1);
	}
}

uint64_t VirtioBlock::features() const
{
	return f_seg_max | f_blk_size | f_flush | (read_only_ ? f_ro : 0) |
	       (discard_ ? f_discard : 0);
}

bool VirtioBlock::process(unsigned, Virtqueue &q)
{
	return q.serve(
		[this](const VirtqChain &c, uint32_t &written) { return handle(c, written); });
}

bool VirtioBlock::in_range(uint64_t sector, uint64_t sectors) const
{
	return sector <= sectors_ && sectors <= sectors_ - sector;
}

// Section 5.2.6: a header the device reads, data, and a status byte it writes, last.
bool VirtioBlock::handle(const VirtqChain &c, uint32_t &written)
{
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} h;
	static_assert(sizeof(h) == header_size);
	if (!c.writable_bytes() || !c.copy_from(0, &h, sizeof(h)))
		return false;
	uint64_t status_at = c.writable_bytes() - 1;
	uint64_t data = 0;
	uint8_t status = s_unsupp;
	switch (h.type) {
	case t_in:
		data = status_at;
		status = transfer(c, true, h.sector, data);
		break;
	case t_out:
		// Section 5.2.6.2: a read-only device fails writes and writes nothing.
		status = read_only_
				 ? s_ioerr
				 : transfer(c, false, h.sector, c.readable_bytes() - header_size);
		break;
	case t_flush:
		status = (negotiated_ & f_flush) && fdatasync(fd_.get()) ? s_ioerr : s_ok;
		break;
	case t_get_id:
		data = std::min<uint64_t>(status_at, id_size);
		c.copy_to(0, id_.data(), data);
		status = s_ok;
		break;
	case t_discard:
		if (negotiated_ & f_discard)
			status = discard(c);
		break;
	default:
		break;
	}
	if (status != s_ok && h.type == t_in)
		data = 0;
	c.copy_to(status_at, &status, 1);
	written = uint32_t(data + 1);
	return true;
}

uint8_t VirtioBlock::transfer(const VirtqChain &c, bool to_guest, uint64_t sector, uint64_t bytes)
{
	if (bytes % sector_size || !in_range(sector, bytes / sector_size))
		return s_ioerr;
	uint64_t offset = sector * sector_size;
	int fd = fd_.get();
	bool ok = c.segments(to_guest, to_guest ? 0 : header_size, bytes,
			     [&](uint8_t *p, uint64_t n) {
				     bool done = file_io(fd, to_guest, p, n, offset);
				     offset += n;
				     return done;
			     });
	return ok ? s_ok : s_ioerr;
}

// Section 5.2.6: struct virtio_blk_discard_write_zeroes { le64 sector; le32 num_sectors;
// le32 flags; } after the header, as many as fit in the readable bytes.
uint8_t VirtioBlock::discard(const VirtqChain &c)
{
	uint64_t bytes = c.readable_bytes() - header_size;
	if (bytes % discard_segment_size || bytes / discard_segment_size > max_discard_seg)
		return s_ioerr;
	for (uint64_t at = header_size; at < c.readable_bytes(); at += discard_segment_size) {
		struct {
			uint64_t sector;
			uint32_t sectors, flags;
		} s;
		static_assert(sizeof(s) == discard_segment_size);
		if (!c.copy_from(at, &s, sizeof(s)))
			return s_ioerr;
		if (s.flags & ~discard_flag_unmap)
			return s_unsupp;
		if (!in_range(s.sector, s.sectors))
			return s_ioerr;
		if (fallocate(fd_.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      off_t(s.sector * sector_size), off_t(s.sectors) * off_t(sector_size)))
			return s_ioerr;
	}
	return s_ok;
}

} // namespace avcpu
