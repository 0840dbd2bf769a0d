// SPDX-License-Identifier: GPL-2.0
// avcpu-run's machine: RAM, the vCPUs, optionally the in-kernel GICv3 and the architected
// timer, and devices that each know their MMIO range, their interrupt and their own
// device-tree node. The machine owns the MMIO bus (each device its own lock), wires the
// devices' interrupt outputs to the vGIC and writes the device tree from its parts, so the
// layout is described in one place: here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "avcpu/device.h"
#include "avcpu/mmio_bus.h"
#include "avcpu/result.h"
#include "device_tree.h"

namespace vmm
{

// Level changes of a device's interrupt output.
using IrqLine = std::function<void(bool level)>;

class MachineDevice : public avcpu::MmioDevice
{
public:
	// spi: the INTID of the SPI it raises (32 up), 0 for none.
	MachineDevice(uint64_t base, uint64_t size, uint32_t spi = 0)
	    : base_(base), size_(size), spi_(spi)
	{
	}

	uint64_t base() const { return base_; }
	uint64_t size() const { return size_; }
	uint32_t spi() const { return spi_; }
	// Its device-tree path, "/name@base" (stdout-path points at one).
	std::string fdt_path() const { return "/" + fdt_node_name(name(), base_); }

	// Writes its node under the root: "name@base", reg, and interrupts when refs.gic says
	// there is an interrupt controller to deliver them.
	virtual void write_fdt(FdtWriter &w, const FdtRefs &refs) const = 0;

	// The machine connects the output before the guest runs; unconnected (no GIC) the
	// device still keeps its interrupt state, it just goes nowhere.
	void connect_irq(IrqLine line) { irq_line_ = std::move(line); }

protected:
	// Sets the output level; the line hears of changes only, never of a level it has.
	// Called with the device's lock held, which orders the changes of one device.
	void drive_irq(bool level);
	// interrupts = <SPI (intid - 32) level-high>, when there is a GIC and an SPI.
	void write_fdt_interrupts(FdtWriter &w, const FdtRefs &refs) const;

private:
	uint64_t base_, size_;
	uint32_t spi_;
	IrqLine irq_line_;
	bool irq_level_ = false;
};

struct MachineConfig {
	uint64_t ram_base = 0x40000000;
	uint64_t ram_size = 128ULL << 20;
	unsigned cpus = 1;
	bool gic = false; // the in-kernel GICv3 and the timer node
};

class Machine
{
public:
	// Where the parts are (QEMU virt's layout, which guests and people know).
	static constexpr uint64_t gicd_base = 0x08000000;
	static constexpr uint64_t gicr_base = 0x080a0000;
	static constexpr uint64_t uart_base = 0x09000000;
	static constexpr uint64_t test_device_base = 0x09010000;
	static constexpr uint32_t uart_spi = 33; // SPI 1
	// virtio-mmio devices: one 0x200-byte window each from here, SPI 16 up (INTID 48),
	// as on QEMU's virt machine.
	static constexpr uint64_t virtio_base = 0x0a000000;
	static constexpr uint32_t virtio_spi = 48;
	static constexpr unsigned max_virtio_devices = 32;
	// SPIs the vGIC gets: INTIDs 32-95, room for every device here and more.
	static constexpr uint32_t nr_spis = 64;

	explicit Machine(const MachineConfig &config) : config_(config) {}

	const MachineConfig &config() const { return config_; }
	Platform platform() const;

	// Takes the device and puts it on the bus. EEXIST: its range overlaps another
	// device's or the GIC's frames; EINVAL: an SPI outside the vGIC's 32..32+nr_spis-1.
	avcpu::Status add(std::unique_ptr<MachineDevice> device);
	const std::vector<std::unique_ptr<MachineDevice>> &devices() const { return devices_; }

	// Gives vm the machine's interrupt controller (AVCPU_CREATE_VGIC, when there is one)
	// and connects every device's SPI to AVCPU_IRQ_LINE; a failing line change goes to
	// on_error with the device. Before any vCPU runs.
	using IrqError = std::function<void(const MachineDevice &, const avcpu::Error &)>;
	avcpu::Status attach(avcpu::Vm &vm, const IrqError &on_error);

	avcpu::MmioBus &bus() { return bus_; }

	// The whole device tree: the platform's nodes, then each device's, /chosen last.
	std::vector<uint8_t> device_tree(const Chosen &chosen, std::string &error) const;

	// Phandles in the device tree.
	static constexpr uint32_t gic_phandle = 1, clock_phandle = 2;

private:
	bool overlaps_gic(uint64_t base, uint64_t size) const;

	MachineConfig config_;
	avcpu::MmioBus bus_;
	std::vector<std::unique_ptr<MachineDevice>> devices_;
};

} // namespace vmm
