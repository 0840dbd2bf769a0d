// SPDX-License-Identifier: GPL-2.0
// The arm64 Linux Image loader: placement by the boot protocol, the initrd after the
// kernel's image_size, and clear refusals of what it cannot boot.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "avcpu/memory.h"
#include "loader.h"
#include "temp_file.h"

namespace
{

constexpr uint64_t ram_base = 0x40000000, mib = 1 << 20;

void put64(std::vector<uint8_t> &v, size_t at, uint64_t x)
{
	for (int i = 0; i < 8; i++)
		v[at + i] = uint8_t(x >> (8 * i));
}

// A synthetic Image: the 64-byte header, then a recognisable payload up to file_size.
std::vector<uint8_t> make_image(uint64_t text_offset, uint64_t image_size, size_t file_size,
				uint64_t flags = 0xa)
{
	std::vector<uint8_t> v(file_size);
	for (size_t i = 64; i < file_size; i++)
		v[i] = uint8_t(i * 7 + 1);
	v[0] = 'M';
	v[1] = 'Z';
	put64(v, 0x08, text_offset);
	put64(v, 0x10, image_size);
	put64(v, 0x18, flags);
	std::memcpy(v.data() + 0x38, "ARM\x64", 4);
	return v;
}

std::vector<uint8_t> pattern(size_t size, uint8_t seed)
{
	std::vector<uint8_t> v(size);
	for (size_t i = 0; i < size; i++)
		v[i] = uint8_t(seed + i * 13);
	return v;
}

struct LinuxLoad : testing::Test {
	avcpu::GuestMemory memory = avcpu::GuestMemory::anonymous(64 * mib).value();
	vmm::GuestRam ram{memory.data(), ram_base, memory.size()};
	uint64_t limit = vmm::linux_dtb_address(ram);
	vmm::LinuxLoaded out;
	std::string error;

	bool at(uint64_t gpa, const std::vector<uint8_t> &bytes)
	{
		return std::memcmp(memory.data() + (gpa - ram_base), bytes.data(), bytes.size()) ==
		       0;
	}
};

TEST_F(LinuxLoad, ImageAt2MiBPlusTextOffsetAndInitrdAfterImageSize)
{
	auto image = make_image(0, 7 * mib + 4096, 1 * mib);
	auto initrd = pattern(300 * 1024, 5);
	TempFile kernel_file(image), initrd_file(initrd);
	ASSERT_TRUE(vmm::load_linux(kernel_file.path(), initrd_file.path(), ram, limit, out, error))
		<< error;
	EXPECT_EQ(0x40200000u, out.kernel_base);
	EXPECT_EQ(0x40200000u + 7 * mib + 4096, out.kernel_end) << "image_size, not file size";
	EXPECT_TRUE(at(out.kernel_base, image));
	// The next 2 MiB boundary after base + image_size, not after the file's end.
	EXPECT_EQ(0x40a00000u, out.initrd_start);
	EXPECT_EQ(0x40a00000u + initrd.size(), out.initrd_end);
	EXPECT_TRUE(at(out.initrd_start, initrd));
	EXPECT_EQ(ram_base + 62 * mib, limit);
}

TEST_F(LinuxLoad, TextOffsetOfOlderKernels)
{
	TempFile kernel_file(make_image(0x80000, 2 * mib, 4096));
	ASSERT_TRUE(vmm::load_linux(kernel_file.path(), "", ram, limit, out, error)) << error;
	EXPECT_EQ(0x40280000u, out.kernel_base);
	EXPECT_EQ(0x40480000u, out.kernel_end);
	EXPECT_EQ(0u, out.initrd_start);
	EXPECT_EQ(0u, out.initrd_end);
}

TEST_F(LinuxLoad, RefusesCompressedAndForeignFiles)
{
	struct {
		std::vector<uint8_t> bytes;
		const char *message;
	} cases[] = {
		{{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}, "gzip-compressed"},
		{{'M', 'Z', 0, 0, 'z', 'i', 'm', 'g', 0, 0,   0,   0,	0,   0, 0,
		  0,   0,   0, 0, 0,   0,   0,	 0,   0, 'z', 's', 't', 'd', 0},
		 "an EFI zboot image (zstd-compressed"},
		{std::vector<uint8_t>(4096, 0), "not an arm64 Linux Image (no \"ARM\\x64\" magic"},
		{{'M', 'Z', 0, 0}, "too short for an arm64 Image header"},
		{make_image(0, 2 * mib, 4096, 0xb), "a big-endian kernel"},
		{make_image(0, 0, 4096), "image_size is 0"},
		{make_image(0, 1024, 4096), "smaller than the file"},
	};
	for (const auto &c : cases) {
		TempFile f(c.bytes);
		EXPECT_FALSE(vmm::load_linux(f.path(), "", ram, limit, out, error)) << c.message;
		EXPECT_EQ(0u, error.find("kernel '" + f.path() + "': ")) << error;
		EXPECT_NE(std::string::npos, error.find(c.message)) << error;
		EXPECT_EQ(std::string::npos, error.find('\n')) << error;
	}
}

TEST_F(LinuxLoad, RefusesWhatDoesNotFitBelowTheDeviceTree)
{
	// 60 MiB from 0x40200000 ends exactly at the device tree: fits; one page more not.
	TempFile fits(make_image(0, 60 * mib, 4096));
	EXPECT_TRUE(vmm::load_linux(fits.path(), "", ram, limit, out, error)) << error;
	TempFile too_big(make_image(0, 60 * mib + 4096, 4096));
	EXPECT_FALSE(vmm::load_linux(too_big.path(), "", ram, limit, out, error));
	EXPECT_NE(std::string::npos, error.find("the kernel needs 60 MiB from 0x40200000"))
		<< error;
	EXPECT_NE(std::string::npos, error.find("use more --mem")) << error;
	TempFile huge_offset(make_image(~0ULL - mib, 2 * mib, 4096));
	EXPECT_FALSE(vmm::load_linux(huge_offset.path(), "", ram, limit, out, error));

	// The kernel fits, the initrd after it does not.
	TempFile kernel(make_image(0, 40 * mib, 4096));
	TempFile initrd(pattern(21 * mib, 1));
	EXPECT_FALSE(vmm::load_linux(kernel.path(), initrd.path(), ram, limit, out, error));
	EXPECT_NE(std::string::npos, error.find("initrd '" + initrd.path() +
						"' (21 MiB) does not"
						" fit between the kernel, which ends at "
						"0x42a00000, and the device tree at 0x43e00000"))
		<< error;
	TempFile empty(std::vector<uint8_t>{});
	EXPECT_FALSE(vmm::load_linux(kernel.path(), empty.path(), ram, limit, out, error));
	EXPECT_NE(std::string::npos, error.find("is empty")) << error;
	EXPECT_FALSE(vmm::load_linux("/nonexistent/Image", "", ram, limit, out, error));
	EXPECT_NE(std::string::npos, error.find("cannot open '/nonexistent/Image'")) << error;
}

// The Debian kernels make setup caches, when they are there: real headers parse, and the
// Image loads where the protocol says.
TEST_F(LinuxLoad, CachedDebianKernels)
{
	int seen = 0;
	for (const char *version : {"6.1", "6.12"}) {
		std::string path = std::string(AVCPU_TOP "/.cache/kernel-") + version + "/vmlinuz";
		std::ifstream in(path, std::ios::binary);
		if (!in)
			continue;
		seen++;
		std::vector<uint8_t> head(64);
		in.read(reinterpret_cast<char *>(head.data()), 64);
		vmm::ImageHeader h{};
		ASSERT_TRUE(vmm::parse_image_header(head.data(), head.size(), h, error)) << error;
		EXPECT_EQ(0u, h.text_offset) << path;
		EXPECT_NE(0u, h.flags & 8) << path << ": placement-independent since 5.10";
		auto big = avcpu::GuestMemory::anonymous(256 * mib).value();
		vmm::GuestRam big_ram{big.data(), ram_base, big.size()};
		ASSERT_TRUE(vmm::load_linux(path, "", big_ram, vmm::linux_dtb_address(big_ram), out,
					    error))
			<< error;
		EXPECT_EQ(0x40200000u, out.kernel_base);
		EXPECT_EQ(out.kernel_base + h.image_size, out.kernel_end);
		EXPECT_EQ(0, std::memcmp(big.data() + 2 * mib, head.data(), head.size()));
	}
	if (!seen)
		GTEST_SKIP() << "no kernels under .cache (make setup)";
}

} // namespace
