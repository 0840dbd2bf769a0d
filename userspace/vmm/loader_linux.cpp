// SPDX-License-Identifier: GPL-2.0
// The arm64 Linux boot protocol's loading half (Linux Documentation/arch/arm64/booting.rst):
// the Image header, where the Image and the initramfs go, reading them into guest RAM.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "loader.h"

namespace vmm
{

namespace
{

constexpr uint64_t mib = 1ULL << 20;
constexpr uint64_t image_alignment = 2 * mib; // "a 2MB aligned base address"
constexpr uint32_t image_magic = 0x644d5241;  // "ARM\x64" at offset 0x38
constexpr uint64_t flag_big_endian = 1;

uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint32_t le32(const uint8_t *p)
{
	return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

std::string hex(uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof(buf), "%#" PRIx64, v);
	return buf;
}

// The compression an EFI zboot image names at offset 24 ("gzip", "zstd", ...), printable.
std::string zboot_compression(const uint8_t *data, size_t size)
{
	std::string name;
	for (size_t i = 24; i < size && i < 56 && data[i]; i++)
		name += (data[i] >= 0x20 && data[i] < 0x7f) ? char(data[i]) : '?';
	return name.empty() ? "unknown" : name;
}

// A file opened for reading, closed on every path.
struct InputFile {
	int fd = -1;
	uint64_t size = 0;
	~InputFile()
	{
		if (fd >= 0)
			::close(fd);
	}
	bool open(const std::string &path, std::string &error)
	{
		fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
		struct stat st {
		};
		if (fd < 0 || ::fstat(fd, &st)) {
			error = "cannot open '" + path + "': " + std::strerror(errno);
			return false;
		}
		size = uint64_t(st.st_size);
		return true;
	}
	// Reads [offset, offset + count) to dst; short files are an error.
	bool read_at(uint64_t offset, uint8_t *dst, uint64_t count, const std::string &path,
		     std::string &error) const
	{
		while (count) {
			ssize_t n = ::pread(fd, dst, count, off_t(offset));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				error = "cannot read '" + path +
					"': " + (n < 0 ? std::strerror(errno) : "file shrank");
				return false;
			}
			dst += n;
			offset += uint64_t(n);
			count -= uint64_t(n);
		}
		return true;
	}
};

} // namespace

bool parse_image_header(const uint8_t *data, size_t size, ImageHeader &out, std::string &error)
{
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		error = "gzip-compressed; avcpu-run boots an uncompressed Image "
			"(zcat FILE > Image)";
		return false;
	}
	if (size >= 8 && std::memcmp(data, "MZ", 2) == 0 && std::memcmp(data + 4, "zimg", 4) == 0) {
		error = "an EFI zboot image (" + zboot_compression(data, size) +
			"-compressed payload for EFI firmware); avcpu-run boots the uncompressed "
			"Image (arch/arm64/boot/Image)";
		return false;
	}
	if (size < image_header_size) {
		error = "too short for an arm64 Image header (64 bytes)";
		return false;
	}
	if (le32(data + 0x38) != image_magic) {
		error = "not an arm64 Linux Image (no \"ARM\\x64\" magic at offset 0x38)";
		return false;
	}
	out = {le64(data + 0x08), le64(data + 0x10), le64(data + 0x18)};
	if (out.flags & flag_big_endian) {
		error = "a big-endian kernel; avcpu-run boots little-endian guests";
		return false;
	}
	if (out.image_size == 0) {
		error = "image_size is 0 (a kernel older than 3.17), so the space the kernel "
			"needs is unknown";
		return false;
	}
	return true;
}

uint64_t linux_dtb_address(const GuestRam &ram)
{
	return ram.base + ram.size - image_alignment;
}

namespace
{

bool place_kernel(const InputFile &file, const ImageHeader &h, const GuestRam &ram, uint64_t limit,
		  LinuxLoaded &out, std::string &error)
{
	if (h.image_size < file.size) {
		error = "image_size " + hex(h.image_size) + " is smaller than the file (" +
			hex(file.size) + " bytes): a corrupt header";
		return false;
	}
	uint64_t base = ram.base + image_alignment + h.text_offset;
	if (h.text_offset > limit || h.image_size > limit || base > limit - h.image_size) {
		error = "the kernel needs " + std::to_string(h.image_size >> 20) + " MiB from " +
			hex(base) + " and guest RAM has room up to " + hex(limit) +
			" (the device tree); use more --mem";
		return false;
	}
	out.kernel_base = base;
	out.kernel_end = base + h.image_size;
	return true;
}

bool load_initrd(const std::string &path, const GuestRam &ram, uint64_t limit, LinuxLoaded &out,
		 std::string &error)
{
	InputFile file;
	if (!file.open(path, error))
		return false;
	if (file.size == 0) {
		error = "initrd '" + path + "' is empty";
		return false;
	}
	uint64_t start = align_up(out.kernel_end, image_alignment);
	if (start > limit || file.size > limit - start) {
		error = "initrd '" + path + "' (" + std::to_string((file.size + mib - 1) >> 20) +
			" MiB) does not fit between the kernel, which ends at " +
			hex(out.kernel_end) + ", and the device tree at " + hex(limit) +
			"; use more --mem";
		return false;
	}
	if (!file.read_at(0, ram.host + (start - ram.base), file.size, path, error))
		return false;
	out.initrd_start = start;
	out.initrd_end = start + file.size;
	return true;
}

} // namespace

bool load_linux(const std::string &kernel, const std::string &initrd, const GuestRam &ram,
		uint64_t limit, LinuxLoaded &out, std::string &error)
{
	out = {};
	if (limit < ram.base || limit - ram.base > ram.size) {
		error = "the load limit " + hex(limit) + " is outside guest RAM";
		return false;
	}
	InputFile file;
	if (!file.open(kernel, error))
		return false;
	uint8_t header[image_header_size] = {};
	size_t header_bytes = file.size < image_header_size ? size_t(file.size) : sizeof(header);
	ImageHeader h{};
	if (!file.read_at(0, header, header_bytes, kernel, error))
		return false;
	if (!parse_image_header(header, header_bytes, h, error) ||
	    !place_kernel(file, h, ram, limit, out, error)) {
		error = "kernel '" + kernel + "': " + error;
		return false;
	}
	if (!file.read_at(0, ram.host + (out.kernel_base - ram.base), file.size, kernel, error))
		return false;
	return initrd.empty() || load_initrd(initrd, ram, limit, out, error);
}

} // namespace vmm
