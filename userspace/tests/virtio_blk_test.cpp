// SPDX-License-Identifier: GPL-2.0
// virtio-blk requests on a temporary image file: reads and writes land where the sector
// says, flush, get-id, discard, a read-only disk refusing writes, and requests out of range
// or malformed answered with an error status (or the device broken) instead of touching
// anything outside the image.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "avcpu/virtio_blk.h"
#include "temp_file.h"
#include "virtio_guest.h"

namespace
{

using namespace virtio_test;
using namespace avcpu;
namespace blk = avcpu::virtio_blk;

constexpr uint64_t image_sectors = 64;
constexpr uint64_t header_gpa = buffers_gpa, data_gpa = buffers_gpa + 0x1000,
		   status_gpa = buffers_gpa + 0x800;

std::vector<uint8_t> pattern(size_t n, uint8_t seed)
{
	std::vector<uint8_t> v(n);
	for (size_t i = 0; i < n; i++)
		v[i] = uint8_t(seed + i * 7);
	return v;
}

std::vector<uint8_t> file_bytes(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	return {std::istreambuf_iterator<char>(f), {}};
}

class VirtioBlkTest : public ::testing::Test
{
protected:
	void open(bool read_only)
	{
		auto b = VirtioBlock::open(file.path(), read_only);
		ASSERT_TRUE(b) << b.error().message();
		dev = std::move(b).value();
		t = std::make_unique<VirtioMmio>(*dev, guest.view, [](bool) {});
		d = std::make_unique<Driver>(*t);
		uint64_t features = virtio::f_version_1 | blk::f_flush |
				    (dev->can_discard() ? blk::f_discard : 0) |
				    (read_only ? blk::f_ro : 0);
		ASSERT_TRUE(d->start(features));
	}
	// One request: header, then data of len bytes (device-writable for IN and GET_ID),
	// then the status byte. Its status, or -1 if it was not completed.
	int request(uint32_t type, uint64_t sector, uint32_t len, bool data_writable)
	{
		uint32_t h[4] = {type, 0, uint32_t(sector), uint32_t(sector >> 32)};
		std::memcpy(guest.at(header_gpa), h, sizeof(h));
		*guest.at(status_gpa) = 0xff;
		uint16_t status_desc = len ? 2 : 1;
		guest.desc(0, header_gpa, blk::header_size, virtq::desc_f_next, 1);
		if (len)
			guest.desc(1, data_gpa, len,
				   virtq::desc_f_next | (data_writable ? virtq::desc_f_write : 0),
				   2);
		guest.desc(status_desc, status_gpa, 1, virtq::desc_f_write);
		uint16_t before = guest.used_idx();
		guest.make_available(0);
		d->notify();
		if (guest.used_idx() != before + 1)
			return -1;
		last_written = guest.used(before).second;
		return *guest.at(status_gpa);
	}

	TempFile file{std::vector<uint8_t>(image_sectors * blk::sector_size)};
	Guest guest;
	std::unique_ptr<VirtioBlock> dev;
	std::unique_ptr<VirtioMmio> t;
	std::unique_ptr<Driver> d;
	uint32_t last_written = 0;
};

TEST_F(VirtioBlkTest, ConfigSaysCapacityAndFeatures)
{
	open(false);
	uint64_t v = 0;
	ASSERT_TRUE(t->read(virtio::reg_config + blk::cfg_capacity, 8, v));
	EXPECT_EQ(image_sectors, v);
	ASSERT_TRUE(t->read(virtio::reg_config + blk::cfg_seg_max, 4, v));
	EXPECT_EQ(blk::seg_max, v);
	EXPECT_EQ(0u, dev->features() & blk::f_ro);
	EXPECT_TRUE(dev->features() & blk::f_flush);
}

TEST_F(VirtioBlkTest, WritesLandOnTheFileAndReadBack)
{
	open(false);
	auto data = pattern(4 * blk::sector_size, 3);
	std::memcpy(guest.at(data_gpa), data.data(), data.size());
	ASSERT_EQ(blk::s_ok, request(blk::t_out, 10, uint32_t(data.size()), false));
	ASSERT_EQ(blk::s_ok, request(blk::t_flush, 0, 0, false));
	auto on_file = file_bytes(file.path());
	EXPECT_TRUE(std::equal(data.begin(), data.end(), on_file.begin() + 10 * blk::sector_size));

	std::memset(guest.at(data_gpa), 0, data.size());
	ASSERT_EQ(blk::s_ok, request(blk::t_in, 10, uint32_t(data.size()), true));
	EXPECT_EQ(0, std::memcmp(data.data(), guest.at(data_gpa), data.size()));
	EXPECT_EQ(data.size() + 1, last_written);
}

TEST_F(VirtioBlkTest, OutOfRangeAndPartialSectorsFail)
{
	open(false);
	EXPECT_EQ(blk::s_ioerr, request(blk::t_in, image_sectors, blk::sector_size, true));
	EXPECT_EQ(blk::s_ioerr,
		  request(blk::t_out, image_sectors - 1, 2 * blk::sector_size, false));
	EXPECT_EQ(blk::s_ioerr, request(blk::t_in, ~0ULL, blk::sector_size, true));
	EXPECT_EQ(blk::s_ioerr, request(blk::t_in, 0, 100, true));
	EXPECT_EQ(1u, last_written) << "a failed read returns no data";
	EXPECT_EQ(blk::s_unsupp, request(99, 0, 0, false));
	EXPECT_EQ(std::vector<uint8_t>(image_sectors * blk::sector_size), file_bytes(file.path()));
	EXPECT_FALSE(t->needs_reset());
}

TEST_F(VirtioBlkTest, GetIdIsTheFileName)
{
	open(false);
	ASSERT_EQ(blk::s_ok, request(blk::t_get_id, 0, blk::id_size, true));
	std::string name = file.path().substr(file.path().rfind('/') + 1);
	EXPECT_EQ(name, std::string(reinterpret_cast<char *>(guest.at(data_gpa))));
}

TEST_F(VirtioBlkTest, ReadOnlyRefusesWrites)
{
	open(true);
	EXPECT_TRUE(dev->features() & blk::f_ro);
	std::memset(guest.at(data_gpa), 0xaa, blk::sector_size);
	EXPECT_EQ(blk::s_ioerr, request(blk::t_out, 0, blk::sector_size, false));
	EXPECT_EQ(std::vector<uint8_t>(image_sectors * blk::sector_size), file_bytes(file.path()));
	EXPECT_EQ(blk::s_ok, request(blk::t_in, 0, blk::sector_size, true));
}

TEST_F(VirtioBlkTest, DiscardPunchesAHole)
{
	open(false);
	if (!dev->can_discard())
		GTEST_SKIP() << "the file system under /tmp cannot punch holes";
	auto data = pattern(8 * blk::sector_size, 9);
	std::memcpy(guest.at(data_gpa), data.data(), data.size());
	ASSERT_EQ(blk::s_ok, request(blk::t_out, 0, uint32_t(data.size()), false));
	uint32_t seg[4] = {2, 0, 4, 0}; // sector 2, 4 sectors, no flags
	std::memcpy(guest.at(data_gpa), seg, sizeof(seg));
	ASSERT_EQ(blk::s_ok, request(blk::t_discard, 0, sizeof(seg), false));
	auto on_file = file_bytes(file.path());
	for (uint64_t i = 0; i < 8 * blk::sector_size; i++) {
		bool punched = i >= 2 * blk::sector_size && i < 6 * blk::sector_size;
		ASSERT_EQ(punched ? 0 : data[i], on_file[i]) << i;
	}
	seg[0] = image_sectors; // past the end
	std::memcpy(guest.at(data_gpa), seg, sizeof(seg));
	EXPECT_EQ(blk::s_ioerr, request(blk::t_discard, 0, sizeof(seg), false));
}

TEST_F(VirtioBlkTest, RequestWithoutStatusByteBreaksTheDevice)
{
	open(false);
	guest.desc(0, header_gpa, blk::header_size, 0);
	guest.make_available(0);
	d->notify();
	EXPECT_TRUE(t->needs_reset());
	EXPECT_EQ(0, guest.used_idx());
}

TEST_F(VirtioBlkTest, ShortHeaderBreaksTheDevice)
{
	open(false);
	guest.desc(0, header_gpa, 8, virtq::desc_f_next, 1);
	guest.desc(1, status_gpa, 1, virtq::desc_f_write);
	guest.make_available(0);
	d->notify();
	EXPECT_TRUE(t->needs_reset());
}

TEST(VirtioBlkOpen, MissingFileIsAnError)
{
	auto b = VirtioBlock::open("/nonexistent/avcpu-disk.img", false);
	ASSERT_FALSE(b);
	EXPECT_EQ(ENOENT, b.error().error);
}

} // namespace
