// SPDX-License-Identifier: GPL-2.0
// The virtio-mmio transport and split virtqueues (libavcpu) against a driver that follows
// the spec and one that does not: hostile descriptor chains, initialisation out of order,
// resets mid-transfer. Whatever the driver does, the device either works or says
// DEVICE_NEEDS_RESET with a configuration interrupt, and touches nothing outside RAM.
#include <gtest/gtest.h>

#include "avcpu/virtio_rng.h"
#include "virtio_guest.h"

namespace
{

using namespace virtio_test;
using namespace avcpu;

class VirtioTest : public ::testing::Test
{
protected:
	VirtioTest() : t(rng, guest.view, [this](bool level) { irq = level; }), d(t) {}

	bool broken() { return d.r(virtio::reg_status) & virtio::status_needs_reset; }
	// The device is broken, said so with a config interrupt, and used nothing.
	void expect_broken(uint16_t used_before = 0)
	{
		EXPECT_TRUE(broken());
		EXPECT_TRUE(irq);
		EXPECT_EQ(virtio::int_config_change,
			  d.r(virtio::reg_interrupt_status) & virtio::int_config_change);
		EXPECT_EQ(used_before, guest.used_idx());
	}
	// After a reset the same device serves a good request again.
	void expect_recovers()
	{
		std::memset(guest.at(avail_gpa), 0, 0x2000);
		ASSERT_TRUE(d.start());
		EXPECT_FALSE(irq);
		guest.desc(0, buffers_gpa, 32, virtq::desc_f_write);
		guest.make_available(0);
		d.notify();
		EXPECT_EQ(1, guest.used_idx());
		EXPECT_EQ(32u, guest.used(0).second);
	}

	Guest guest;
	VirtioRng rng;
	bool irq = false;
	VirtioMmio t;
	Driver d;
};

TEST_F(VirtioTest, IdentifiesAsAModernDevice)
{
	EXPECT_EQ(virtio::magic_value, d.r(virtio::reg_magic));
	EXPECT_EQ(2u, d.r(virtio::reg_version));
	EXPECT_EQ(virtio::id_entropy, d.r(virtio::reg_device_id));
	d.w(virtio::reg_device_features_sel, 1);
	EXPECT_EQ(1u, d.r(virtio::reg_device_features) & 1) << "VIRTIO_F_VERSION_1";
	EXPECT_EQ(256u, d.r(virtio::reg_queue_num_max));
	d.w(virtio::reg_queue_sel, 1);
	EXPECT_EQ(0u, d.r(virtio::reg_queue_num_max)) << "only one queue";
	uint64_t v = 0;
	EXPECT_FALSE(t.read(virtio::reg_magic, 1, v)) << "control registers are 32-bit only";
	EXPECT_FALSE(t.write(virtio::reg_status, 2, 1));
	EXPECT_FALSE(t.read(virtio::reg_config, 4, v)) << "no configuration space";
}

TEST_F(VirtioTest, RefusesALegacyDriverAndUnofferedFeatures)
{
	EXPECT_FALSE(d.negotiate(0)) << "no VERSION_1";
	EXPECT_FALSE(d.negotiate(virtio::f_version_1 | (1ULL << 29))) << "EVENT_IDX not offered";
	EXPECT_TRUE(d.negotiate(virtio::f_version_1));
	// Features are fixed once FEATURES_OK is set.
	d.w(virtio::reg_driver_features_sel, 0);
	d.w(virtio::reg_driver_features, 0xffffffff);
	EXPECT_EQ(virtio::f_version_1, t.driver_features());
}

TEST_F(VirtioTest, FillsABufferAndInterrupts)
{
	ASSERT_TRUE(d.start());
	std::memset(guest.at(buffers_gpa), 0, 64);
	guest.desc(0, buffers_gpa, 16, virtq::desc_f_write | virtq::desc_f_next, 1);
	guest.desc(1, buffers_gpa + 16, 48, virtq::desc_f_write);
	guest.make_available(0);
	d.notify();
	ASSERT_EQ(1, guest.used_idx());
	EXPECT_EQ(0u, guest.used(0).first);
	EXPECT_EQ(64u, guest.used(0).second);
	std::vector<uint8_t> zero(64);
	EXPECT_NE(0, std::memcmp(zero.data(), guest.at(buffers_gpa), 64));
	EXPECT_TRUE(irq);
	EXPECT_EQ(virtio::int_used_buffer, d.r(virtio::reg_interrupt_status));
	d.w(virtio::reg_interrupt_ack, virtio::int_used_buffer);
	EXPECT_FALSE(irq);
}

TEST_F(VirtioTest, IndirectTableIsFollowed)
{
	ASSERT_TRUE(d.start());
	uint64_t table = buffers_gpa + 0x1000;
	guest.desc(0, buffers_gpa, 8, virtq::desc_f_write | virtq::desc_f_next, 1, table);
	guest.desc(1, buffers_gpa + 8, 8, virtq::desc_f_write, 0, table);
	guest.desc(0, table, 2 * virtq::desc_size, virtq::desc_f_indirect);
	guest.make_available(0);
	d.notify();
	ASSERT_EQ(1, guest.used_idx());
	EXPECT_EQ(16u, guest.used(0).second);
	EXPECT_FALSE(broken());
}

TEST_F(VirtioTest, NoInterruptFlagIsHonoured)
{
	ASSERT_TRUE(d.start());
	guest.set_avail_flags(virtq::avail_f_no_interrupt);
	guest.desc(0, buffers_gpa, 8, virtq::desc_f_write);
	guest.make_available(0);
	d.notify();
	EXPECT_EQ(1, guest.used_idx());
	EXPECT_FALSE(irq);
}

// One hostile chain per case: what the descriptors say, set up by a function.
struct HostileChain {
	const char *name;
	void (*setup)(Guest &g);
};

const HostileChain hostile_chains[] = {
	{"address_past_ram",
	 [](Guest &g) { g.desc(0, ram_base + ram_size - 4, 8, virtq::desc_f_write); }},
	{"address_below_ram", [](Guest &g) { g.desc(0, 0x1000, 8, virtq::desc_f_write); }},
	{"address_wraps", [](Guest &g) { g.desc(0, ~0ULL - 3, 8, virtq::desc_f_write); }},
	{"huge_length", [](Guest &g) { g.desc(0, buffers_gpa, 0xffffffff, virtq::desc_f_write); }},
	{"loop_of_two",
	 [](Guest &g) {
		 g.desc(0, buffers_gpa, 8, virtq::desc_f_write | virtq::desc_f_next, 1);
		 g.desc(1, buffers_gpa, 8, virtq::desc_f_write | virtq::desc_f_next, 0);
	 }},
	{"loop_to_itself",
	 [](Guest &g) { g.desc(0, buffers_gpa, 8, virtq::desc_f_write | virtq::desc_f_next, 0); }},
	{"next_past_table",
	 [](Guest &g) {
		 g.desc(0, buffers_gpa, 8, virtq::desc_f_write | virtq::desc_f_next, queue_size);
	 }},
	{"readable_after_writable",
	 [](Guest &g) {
		 g.desc(0, buffers_gpa, 8, virtq::desc_f_write | virtq::desc_f_next, 1);
		 g.desc(1, buffers_gpa, 8, 0);
	 }},
	{"indirect_in_indirect",
	 [](Guest &g) {
		 uint64_t t1 = buffers_gpa + 0x1000, t2 = buffers_gpa + 0x2000;
		 g.desc(0, buffers_gpa, 8, virtq::desc_f_write, 0, t2);
		 g.desc(0, t2, virtq::desc_size, virtq::desc_f_indirect, 0, t1);
		 g.desc(0, t1, virtq::desc_size, virtq::desc_f_indirect);
	 }},
	{"indirect_with_next",
	 [](Guest &g) {
		 uint64_t t1 = buffers_gpa + 0x1000;
		 g.desc(0, buffers_gpa, 8, virtq::desc_f_write, 0, t1);
		 g.desc(0, t1, virtq::desc_size, virtq::desc_f_indirect | virtq::desc_f_next, 1);
		 g.desc(1, buffers_gpa, 8, virtq::desc_f_write);
	 }},
	{"indirect_partial_descriptor",
	 [](Guest &g) { g.desc(0, buffers_gpa + 0x1000, 17, virtq::desc_f_indirect); }},
	{"indirect_table_past_ram",
	 [](Guest &g) {
		 g.desc(0, ram_base + ram_size - virtq::desc_size, 4 * virtq::desc_size,
			virtq::desc_f_indirect);
	 }},
	{"indirect_loop",
	 [](Guest &g) {
		 uint64_t t1 = buffers_gpa + 0x1000;
		 g.desc(0, buffers_gpa, 8, virtq::desc_f_write | virtq::desc_f_next, 1, t1);
		 g.desc(1, buffers_gpa, 8, virtq::desc_f_write | virtq::desc_f_next, 0, t1);
		 g.desc(0, t1, 2 * virtq::desc_size, virtq::desc_f_indirect);
	 }},
	{"indirect_huge_table",
	 [](Guest &g) { g.desc(0, buffers_gpa, 0xfffffff0, virtq::desc_f_indirect); }},
};

class HostileChainTest : public VirtioTest, public ::testing::WithParamInterface<HostileChain>
{
};

TEST_P(HostileChainTest, BreaksTheDeviceUntilReset)
{
	ASSERT_TRUE(d.start());
	GetParam().setup(guest);
	guest.make_available(0);
	d.notify();
	expect_broken();
	// Broken stays broken: later notifications consume nothing.
	guest.desc(0, buffers_gpa, 8, virtq::desc_f_write);
	guest.make_available(0);
	d.notify();
	EXPECT_EQ(0, guest.used_idx());
	expect_recovers();
}

INSTANTIATE_TEST_SUITE_P(Virtqueue, HostileChainTest, ::testing::ValuesIn(hostile_chains),
			 [](const auto &p) { return std::string(p.param.name); });

TEST_F(VirtioTest, HeadPastTheTableBreaksIt)
{
	ASSERT_TRUE(d.start());
	guest.make_available(queue_size);
	d.notify();
	expect_broken();
	expect_recovers();
}

TEST_F(VirtioTest, AvailIndexRunningAheadBreaksIt)
{
	ASSERT_TRUE(d.start());
	guest.desc(0, buffers_gpa, 8, virtq::desc_f_write);
	guest.set_avail_idx(queue_size + 1);
	d.notify();
	expect_broken();
	expect_recovers();
}

TEST_F(VirtioTest, IndirectWithoutTheFeatureBreaksIt)
{
	ASSERT_TRUE(d.start(virtio::f_version_1));
	guest.desc(0, buffers_gpa, 8, virtq::desc_f_write, 0, buffers_gpa + 0x1000);
	guest.desc(0, buffers_gpa + 0x1000, virtq::desc_size, virtq::desc_f_indirect);
	guest.make_available(0);
	d.notify();
	expect_broken();
}

TEST_F(VirtioTest, QueueBeforeFeaturesOkBreaksIt)
{
	d.w(virtio::reg_status, virtio::status_acknowledge | virtio::status_driver);
	d.setup_queue();
	EXPECT_TRUE(broken());
	EXPECT_FALSE(t.queue(0).ready());
	expect_recovers();
}

TEST_F(VirtioTest, DriverOkWithoutFeaturesOkBreaksIt)
{
	d.w(virtio::reg_status, Driver::ack_driver);
	d.w(virtio::reg_status, Driver::ack_driver | virtio::status_driver_ok);
	EXPECT_TRUE(broken());
	EXPECT_FALSE(d.r(virtio::reg_status) & virtio::status_driver_ok);
	expect_recovers();
}

TEST_F(VirtioTest, NothingIsConsumedBeforeDriverOk)
{
	ASSERT_TRUE(d.negotiate(virtio::f_version_1));
	d.setup_queue();
	guest.desc(0, buffers_gpa, 8, virtq::desc_f_write);
	guest.make_available(0);
	d.notify();
	EXPECT_EQ(0, guest.used_idx());
	EXPECT_FALSE(broken());
}

// Each bad layout of a queue, refused at QueueReady.
TEST_F(VirtioTest, BadQueueLayoutsBreakIt)
{
	struct {
		uint16_t size;
		uint64_t desc, avail, used;
	} layouts[] = {
		{6, desc_gpa, avail_gpa, used_gpa},		   // not a power of 2
		{512, desc_gpa, avail_gpa, used_gpa},		   // more than QueueNumMax
		{0, desc_gpa, avail_gpa, used_gpa},		   // empty
		{8, desc_gpa + 8, avail_gpa, used_gpa},		   // descriptors unaligned
		{8, desc_gpa, avail_gpa + 1, used_gpa},		   // avail unaligned
		{8, desc_gpa, avail_gpa, used_gpa + 2},		   // used unaligned
		{8, 0x1000, avail_gpa, used_gpa},		   // descriptors outside RAM
		{8, desc_gpa, avail_gpa, ram_base + ram_size - 8}, // used runs off RAM
	};
	for (const auto &l : layouts) {
		ASSERT_TRUE(d.negotiate(virtio::f_version_1));
		d.setup_queue(l.size, l.desc, l.avail, l.used);
		EXPECT_TRUE(broken()) << l.size << " " << l.desc << " " << l.avail << " " << l.used;
		EXPECT_FALSE(t.queue(0).ready());
	}
}

TEST_F(VirtioTest, ResetMidTransferForgetsTheQueue)
{
	ASSERT_TRUE(d.start());
	guest.desc(0, buffers_gpa, 8, virtq::desc_f_write);
	guest.make_available(0);
	d.notify();
	EXPECT_TRUE(irq);
	guest.make_available(0);
	d.w(virtio::reg_status, 0); // the second request is never taken
	EXPECT_FALSE(irq) << "a reset clears the interrupt";
	EXPECT_EQ(0u, d.r(virtio::reg_status));
	EXPECT_FALSE(t.queue(0).ready());
	d.notify();
	EXPECT_EQ(1, guest.used_idx());
	expect_recovers();
}

TEST_F(VirtioTest, QueueLayoutIsFixedWhileReady)
{
	ASSERT_TRUE(d.start());
	uint64_t v = 0;
	EXPECT_TRUE(t.write(virtio::reg_queue_desc_low, 4, 0x1000));
	EXPECT_EQ(desc_gpa, t.queue(0).desc);
	EXPECT_TRUE(t.read(virtio::reg_queue_ready, 4, v));
	EXPECT_EQ(1u, v);
}

} // namespace
