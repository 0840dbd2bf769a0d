// SPDX-License-Identifier: GPL-2.0
// The machine: its MMIO dispatch with a lock per device (two devices at once from two
// threads, one device never twice at once), the layout rules, and the vGIC wiring.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "avcpu/device.h"
#include "fake_kernel.h"
#include "machine.h"
#include "pl011.h"

namespace
{

using namespace std::chrono_literals;
using vmm::Machine;

// A device whose read waits inside the device (holding its lock) until its partner's read
// has started too, or gives up after a while. Both reads meet only if the two devices are
// entered at the same time.
class Rendezvous final : public vmm::MachineDevice
{
public:
	Rendezvous(uint64_t base) : MachineDevice(base, 0x1000) {}
	const char *name() const override { return "rendezvous"; }
	uint64_t read(uint64_t, unsigned) override
	{
		arrived = true;
		auto deadline = std::chrono::steady_clock::now() + 2s;
		while (!partner->arrived)
			if (std::chrono::steady_clock::now() > deadline)
				return 0;
		return 1;
	}
	void write(uint64_t, unsigned, uint64_t) override {}
	void write_fdt(vmm::FdtWriter &, const vmm::FdtRefs &) const override {}

	std::atomic<bool> arrived{false};
	Rendezvous *partner = nullptr;
};

// Counts the accesses inside it at once.
class Occupancy final : public vmm::MachineDevice
{
public:
	Occupancy(uint64_t base) : MachineDevice(base, 0x1000) {}
	const char *name() const override { return "occupancy"; }
	uint64_t read(uint64_t, unsigned) override
	{
		int now = ++inside;
		int seen = most.load();
		while (now > seen && !most.compare_exchange_weak(seen, now)) {
		}
		std::this_thread::sleep_for(200us);
		--inside;
		return 0;
	}
	void write(uint64_t, unsigned, uint64_t) override {}
	void write_fdt(vmm::FdtWriter &, const vmm::FdtRefs &) const override {}

	std::atomic<int> inside{0}, most{0};
};

vmm::MachineConfig config(unsigned cpus, bool gic)
{
	vmm::MachineConfig c;
	c.cpus = cpus;
	c.gic = gic;
	return c;
}

TEST(Machine, TwoDevicesAreAccessedConcurrently)
{
	Machine m(config(2, false));
	auto a = std::make_unique<Rendezvous>(0x0a000000);
	auto b = std::make_unique<Rendezvous>(0x0a001000);
	a->partner = b.get();
	b->partner = a.get();
	ASSERT_TRUE(m.add(std::move(a)).ok());
	ASSERT_TRUE(m.add(std::move(b)).ok());
	uint64_t va = 0, vb = 0;
	std::thread ta([&] { EXPECT_TRUE(m.bus().read(0x0a000000, 4, va)); });
	std::thread tb([&] { EXPECT_TRUE(m.bus().read(0x0a001004, 4, vb)); });
	ta.join();
	tb.join();
	EXPECT_EQ(1u, va) << "device A's access did not overlap device B's";
	EXPECT_EQ(1u, vb) << "device B's access did not overlap device A's";
}

TEST(Machine, OneDeviceIsAccessedOneAtATime)
{
	Machine m(config(2, false));
	auto dev = std::make_unique<Occupancy>(0x0a000000);
	auto *occupancy = dev.get();
	ASSERT_TRUE(m.add(std::move(dev)).ok());
	auto hammer = [&] {
		for (int i = 0; i < 200; i++) {
			uint64_t v;
			EXPECT_TRUE(m.bus().read(0x0a000000, 4, v));
		}
	};
	std::thread t1(hammer), t2(hammer), t3(hammer);
	t1.join();
	t2.join();
	t3.join();
	EXPECT_EQ(1, occupancy->most.load());
}

TEST(Machine, LayoutRules)
{
	Machine m(config(4, true));
	ASSERT_TRUE(m.add(std::make_unique<vmm::Pl011>(Machine::uart_base, 33, nullptr)).ok());
	auto overlap = m.add(std::make_unique<vmm::Pl011>(Machine::uart_base + 0x800, 34, nullptr));
	EXPECT_EQ(EEXIST, overlap.error().error);
	// The GIC's frames: the distributor and 4 redistributors up to 0x08120000.
	EXPECT_EQ(EEXIST, m.add(std::make_unique<Rendezvous>(0x08000000)).error().error);
	EXPECT_EQ(EEXIST, m.add(std::make_unique<Rendezvous>(0x0811f000)).error().error);
	EXPECT_TRUE(m.add(std::make_unique<Rendezvous>(0x08120000)).ok());
	EXPECT_EQ(EINVAL,
		  m.add(std::make_unique<vmm::Pl011>(0x0b000000, 31, nullptr)).error().error);
	EXPECT_EQ(EINVAL,
		  m.add(std::make_unique<vmm::Pl011>(0x0b000000, 96, nullptr)).error().error);
	EXPECT_TRUE(m.add(std::make_unique<vmm::Pl011>(0x0b000000, 95, nullptr)).ok());
	EXPECT_EQ(3u, m.devices().size());
}

struct MachineVm : testing::Test {
	FakeKernel k;
	avcpu::Device dev = avcpu::Device::open("/dev/avcpu", k).value();
	avcpu::Vm vm = dev.create_vm().value();
	std::vector<avcpu::Error> errors;
};

TEST_F(MachineVm, GicMachineCreatesTheVgicAndDrivesTheUartSpi)
{
	Machine m(config(4, true));
	auto uart = std::make_unique<vmm::Pl011>(Machine::uart_base, Machine::uart_spi, nullptr);
	auto *u = uart.get();
	ASSERT_TRUE(m.add(std::move(uart)).ok());
	ASSERT_TRUE(m.attach(vm, [&](const vmm::MachineDevice &, const avcpu::Error &e) {
			     errors.push_back(e);
		     }).ok());
	ASSERT_EQ(1u, k.vgics.size());
	EXPECT_EQ(0x08000000u, k.vgics[0].dist_base);
	EXPECT_EQ(0x080a0000u, k.vgics[0].redist_base);
	EXPECT_EQ(64u, k.vgics[0].nr_spis);
	EXPECT_EQ(4u, k.vgics[0].nr_redists);

	ASSERT_TRUE(m.bus().write(Machine::uart_base + vmm::pl011::imsc, 4, vmm::pl011::int_rx));
	uint8_t byte = 'k';
	EXPECT_EQ(1u, u->receive(&byte, 1));
	uint64_t v;
	ASSERT_TRUE(m.bus().read(Machine::uart_base + vmm::pl011::dr, 4, v));
	ASSERT_EQ(2u, k.irq_levels.size());
	EXPECT_EQ(AVCPU_IRQ(AVCPU_IRQ_TYPE_SPI, 0, 33), k.irq_levels[0].irq);
	EXPECT_EQ(1u, k.irq_levels[0].level);
	EXPECT_EQ(AVCPU_IRQ(AVCPU_IRQ_TYPE_SPI, 0, 33), k.irq_levels[1].irq);
	EXPECT_EQ(0u, k.irq_levels[1].level);
	EXPECT_TRUE(errors.empty());
}

TEST_F(MachineVm, GiclessMachineTouchesNoInterruptLine)
{
	Machine m(config(2, false));
	auto uart = std::make_unique<vmm::Pl011>(Machine::uart_base, Machine::uart_spi, nullptr);
	auto *u = uart.get();
	ASSERT_TRUE(m.add(std::move(uart)).ok());
	ASSERT_TRUE(m.attach(vm, nullptr).ok());
	ASSERT_TRUE(m.bus().write(Machine::uart_base + vmm::pl011::imsc, 4, vmm::pl011::int_rx));
	uint8_t byte = 'k';
	EXPECT_EQ(1u, u->receive(&byte, 1));
	EXPECT_TRUE(k.vgics.empty());
	EXPECT_TRUE(k.irq_levels.empty());
}

// A line change the kernel refuses reaches on_error, naming the device.
TEST_F(MachineVm, RefusedLineChangeIsReported)
{
	Machine m(config(1, true));
	auto uart = std::make_unique<vmm::Pl011>(Machine::uart_base, Machine::uart_spi, nullptr);
	ASSERT_TRUE(m.add(std::move(uart)).ok());
	std::vector<std::string> seen;
	ASSERT_TRUE(m.attach(vm, [&](const vmm::MachineDevice &d, const avcpu::Error &e) {
			     seen.push_back(std::string(d.name()) + " " + std::to_string(d.spi()) +
					    ": " + e.message());
		     }).ok());
	k.fail_irq_line = EINVAL;
	ASSERT_TRUE(m.bus().write(Machine::uart_base + vmm::pl011::imsc, 4, vmm::pl011::int_tx));
	ASSERT_TRUE(m.bus().write(Machine::uart_base + vmm::pl011::dr, 4, 'x'));
	EXPECT_EQ(std::vector<std::string>{"pl011 33: AVCPU_IRQ_LINE: Invalid argument"}, seen);
}

TEST_F(MachineVm, RefusedVgicIsAnError)
{
	k.fail_create_vgic = ENODEV;
	Machine m(config(1, true));
	auto st = m.attach(vm, nullptr);
	ASSERT_FALSE(st.ok());
	EXPECT_EQ(ENODEV, st.error().error);
	EXPECT_EQ("AVCPU_CREATE_VGIC: No such device", st.error().message());
}

} // namespace
