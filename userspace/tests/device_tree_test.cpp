// SPDX-License-Identifier: GPL-2.0
// The device tree avcpu-run builds, decoded back with libfdt: every node and property a
// Linux guest relies on, and nothing the machine does not emulate.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <libfdt.h>
}

#include "machine.h"
#include "pl011.h"
#include "test_device.h"
#include "virtio_device.h"
#include "avcpu/virtio_rng.h"

namespace
{

using vmm::Machine;

struct Tree {
	std::vector<uint8_t> blob;
	const void *fdt() const { return blob.data(); }

	int node(const char *path) const { return fdt_path_offset(fdt(), path); }
	std::string bytes(const char *path, const char *prop) const
	{
		int len = -1;
		auto *p = static_cast<const char *>(fdt_getprop(fdt(), node(path), prop, &len));
		return p ? std::string(p, size_t(len)) : std::string("<absent>");
	}
	std::string str(const char *path, const char *prop) const
	{
		std::string b = bytes(path, prop);
		return b.empty() || b.back() != '\0' ? "<not a string>" : b.substr(0, b.size() - 1);
	}
	std::vector<uint32_t> u32s(const char *path, const char *prop) const
	{
		int len = 0;
		auto *p = static_cast<const fdt32_t *>(fdt_getprop(fdt(), node(path), prop, &len));
		std::vector<uint32_t> v;
		for (int i = 0; p && i < len / 4; i++)
			v.push_back(fdt32_to_cpu(p[i]));
		return v;
	}
	std::vector<uint64_t> u64s(const char *path, const char *prop) const
	{
		int len = 0;
		auto *p = static_cast<const fdt64_t *>(fdt_getprop(fdt(), node(path), prop, &len));
		std::vector<uint64_t> v;
		for (int i = 0; p && i < len / 8; i++)
			v.push_back(fdt64_to_cpu(p[i]));
		return v;
	}
	bool has(const char *path, const char *prop) const
	{
		return fdt_getprop(fdt(), node(path), prop, nullptr) != nullptr;
	}
};

Tree build(unsigned cpus, bool gic, const vmm::Chosen &chosen)
{
	vmm::MachineConfig config;
	config.ram_size = 512ULL << 20;
	config.cpus = cpus;
	config.gic = gic;
	Machine m(config);
	EXPECT_TRUE(
		m.add(std::make_unique<vmm::Pl011>(Machine::uart_base, Machine::uart_spi, nullptr))
			.ok());
	EXPECT_TRUE(
		m.add(std::make_unique<vmm::TestDevice>(Machine::test_device_base, nullptr)).ok());
	std::string error;
	Tree t{m.device_tree(chosen, error)};
	EXPECT_FALSE(t.blob.empty()) << error;
	EXPECT_EQ(0, fdt_check_full(t.fdt(), t.blob.size()));
	return t;
}

vmm::Chosen linux_chosen()
{
	vmm::Chosen c;
	c.bootargs = "console=ttyAMA0 earlycon rdinit=/init";
	c.stdout_path = "/pl011@9000000";
	c.initrd_start = 0x42c00000;
	c.initrd_end = 0x42d23456;
	return c;
}

TEST(DeviceTree, RootMemoryAndChosen)
{
	Tree t = build(4, true, linux_chosen());
	EXPECT_EQ(std::vector<uint32_t>{2}, t.u32s("/", "#address-cells"));
	EXPECT_EQ(std::vector<uint32_t>{2}, t.u32s("/", "#size-cells"));
	EXPECT_EQ(std::vector<uint32_t>{Machine::gic_phandle}, t.u32s("/", "interrupt-parent"));
	EXPECT_EQ("memory", t.str("/memory@40000000", "device_type"));
	EXPECT_EQ((std::vector<uint64_t>{0x40000000, 512ULL << 20}),
		  t.u64s("/memory@40000000", "reg"));
	EXPECT_EQ("console=ttyAMA0 earlycon rdinit=/init", t.str("/chosen", "bootargs"));
	EXPECT_EQ("/pl011@9000000", t.str("/chosen", "stdout-path"));
	EXPECT_EQ(t.node("/pl011@9000000"), t.node(t.str("/chosen", "stdout-path").c_str()))
		<< "stdout-path names the UART's node";
	EXPECT_EQ(std::vector<uint64_t>{0x42c00000}, t.u64s("/chosen", "linux,initrd-start"));
	EXPECT_EQ(std::vector<uint64_t>{0x42d23456}, t.u64s("/chosen", "linux,initrd-end"));
}

TEST(DeviceTree, CpusAndPsci)
{
	Tree t = build(4, true, linux_chosen());
	int cpus = t.node("/cpus");
	ASSERT_GE(cpus, 0);
	EXPECT_EQ(std::vector<uint32_t>{1}, t.u32s("/cpus", "#address-cells"));
	EXPECT_EQ(std::vector<uint32_t>{0}, t.u32s("/cpus", "#size-cells"));
	int n = 0;
	for (int c = fdt_first_subnode(t.fdt(), cpus); c >= 0; c = fdt_next_subnode(t.fdt(), c))
		n++;
	EXPECT_EQ(4, n);
	for (unsigned i = 0; i < 4; i++) {
		std::string path = "/cpus/cpu@" + std::to_string(i);
		EXPECT_EQ(std::vector<uint32_t>{i}, t.u32s(path.c_str(), "reg")) << path;
		EXPECT_EQ("cpu", t.str(path.c_str(), "device_type")) << path;
		EXPECT_EQ("arm,armv8", t.str(path.c_str(), "compatible")) << path;
		EXPECT_EQ("psci", t.str(path.c_str(), "enable-method")) << path;
	}
	EXPECT_EQ(std::string("arm,psci-1.0\0arm,psci-0.2\0", 26), t.bytes("/psci", "compatible"));
	EXPECT_EQ("hvc", t.str("/psci", "method"));
}

// Past 16 vCPUs the affinity moves to Aff1: vCPU 17 is MPIDR 0x101.
TEST(DeviceTree, CpuRegIsTheMpidrAffinity)
{
	Tree t = build(20, true, {});
	EXPECT_EQ(std::vector<uint32_t>{0x101}, t.u32s("/cpus/cpu@101", "reg"));
	EXPECT_EQ(std::vector<uint32_t>{0x103}, t.u32s("/cpus/cpu@103", "reg"));
	EXPECT_LT(t.node("/cpus/cpu@10"), 0) << "vCPU 16 is cpu@100, not cpu@10";
	EXPECT_EQ((std::vector<uint64_t>{0x08000000, 0x10000, 0x080a0000, 20 * 0x20000}),
		  t.u64s("/intc@8000000", "reg"));
}

TEST(DeviceTree, GicV3AndTimer)
{
	Tree t = build(4, true, linux_chosen());
	const char *gic = "/intc@8000000";
	EXPECT_EQ("arm,gic-v3", t.str(gic, "compatible"));
	EXPECT_EQ(std::vector<uint32_t>{3}, t.u32s(gic, "#interrupt-cells"));
	EXPECT_EQ("", t.bytes(gic, "interrupt-controller"));
	EXPECT_EQ(std::vector<uint32_t>{2}, t.u32s(gic, "#address-cells"));
	EXPECT_EQ(std::vector<uint32_t>{2}, t.u32s(gic, "#size-cells"));
	EXPECT_EQ("", t.bytes(gic, "ranges"));
	EXPECT_EQ(std::vector<uint32_t>{1}, t.u32s(gic, "#redistributor-regions"));
	EXPECT_EQ((std::vector<uint64_t>{0x08000000, 0x10000, 0x080a0000, 4 * 0x20000}),
		  t.u64s(gic, "reg"));
	EXPECT_EQ(std::vector<uint32_t>{Machine::gic_phandle}, t.u32s(gic, "phandle"));
	EXPECT_FALSE(t.has(gic, "interrupts")) << "no maintenance interrupt without nesting";

	EXPECT_EQ("arm,armv8-timer", t.str("/timer", "compatible"));
	EXPECT_EQ((std::vector<uint32_t>{1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4}),
		  t.u32s("/timer", "interrupts"));
	EXPECT_EQ("", t.bytes("/timer", "always-on"));
}

TEST(DeviceTree, Pl011WithInterruptAndClocks)
{
	Tree t = build(4, true, linux_chosen());
	const char *uart = "/pl011@9000000";
	EXPECT_EQ(std::string("arm,pl011\0arm,primecell\0", 24), t.bytes(uart, "compatible"));
	EXPECT_EQ((std::vector<uint64_t>{0x09000000, 0x1000}), t.u64s(uart, "reg"));
	EXPECT_EQ((std::vector<uint32_t>{0, 1, 4}), t.u32s(uart, "interrupts"))
		<< "SPI 1 = INTID 33, level-high";
	auto clock = t.u32s("/apb-pclk", "phandle");
	ASSERT_EQ(1u, clock.size());
	EXPECT_EQ((std::vector<uint32_t>{clock[0], clock[0]}), t.u32s(uart, "clocks"));
	EXPECT_EQ(std::string("uartclk\0apb_pclk\0", 17), t.bytes(uart, "clock-names"));
	EXPECT_EQ("fixed-clock", t.str("/apb-pclk", "compatible"));
	EXPECT_EQ(std::vector<uint32_t>{24000000}, t.u32s("/apb-pclk", "clock-frequency"));
	EXPECT_EQ(std::vector<uint32_t>{0}, t.u32s("/apb-pclk", "#clock-cells"));
	EXPECT_EQ("avcpu,test-device", t.str("/test-device@9010000", "compatible"));
	EXPECT_EQ((std::vector<uint64_t>{0x09010000, 0x1000}),
		  t.u64s("/test-device@9010000", "reg"));
}

// The virtio-mmio binding: compatible, reg (the 0x200-byte window), interrupts (SPI 16 =
// INTID 48, level-high) and dma-coherent; the transport behind it answers on the bus.
TEST(DeviceTree, VirtioMmioNode)
{
	vmm::MachineConfig config;
	config.gic = true;
	Machine m(config);
	avcpu::GuestView memory;
	ASSERT_TRUE(m.add(std::make_unique<vmm::VirtioDevice>(
				  Machine::virtio_base, Machine::virtio_spi,
				  std::make_unique<avcpu::VirtioRng>(), memory))
			    .ok());
	std::string error;
	Tree t{m.device_tree({}, error)};
	ASSERT_FALSE(t.blob.empty()) << error;
	const char *node = "/virtio_mmio@a000000";
	EXPECT_EQ("virtio,mmio", t.str(node, "compatible"));
	EXPECT_EQ((std::vector<uint64_t>{0x0a000000, 0x200}), t.u64s(node, "reg"));
	EXPECT_EQ((std::vector<uint32_t>{0, 16, 4}), t.u32s(node, "interrupts"));
	EXPECT_TRUE(t.has(node, "dma-coherent"));
	uint64_t v = 0;
	ASSERT_TRUE(m.bus().read(Machine::virtio_base + avcpu::virtio::reg_device_id, 4, v));
	EXPECT_EQ(avcpu::virtio::id_entropy, v);
}

// Without a GIC there is nothing to deliver interrupts: no controller, no timer node, no
// interrupts properties; and no initrd, no initrd properties.
TEST(DeviceTree, WithoutGicNothingDescribesInterrupts)
{
	vmm::Chosen chosen;
	chosen.stdout_path = "/pl011@9000000";
	Tree t = build(2, false, chosen);
	EXPECT_FALSE(t.has("/", "interrupt-parent"));
	EXPECT_LT(t.node("/intc@8000000"), 0);
	EXPECT_LT(t.node("/timer"), 0);
	EXPECT_FALSE(t.has("/pl011@9000000", "interrupts"));
	EXPECT_FALSE(t.has("/chosen", "linux,initrd-start"));
	EXPECT_FALSE(t.has("/chosen", "linux,initrd-end"));
	EXPECT_EQ("", t.str("/chosen", "bootargs"));
	EXPECT_GE(t.node("/cpus/cpu@1"), 0);
}

TEST(DeviceTree, WriterReportsOverflow)
{
	vmm::FdtWriter w(256);
	w.begin_node("");
	for (int i = 0; i < 20; i++)
		w.prop_string(("property-" + std::to_string(i)).c_str(), "a long enough value");
	w.end_node();
	std::string error;
	EXPECT_TRUE(w.finish(error).empty());
	EXPECT_EQ(0u, error.find("device tree: ")) << error;
}

} // namespace
