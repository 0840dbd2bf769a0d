// SPDX-License-Identifier: GPL-2.0
#include "machine.h"

#include <linux/avcpu.h>

namespace vmm
{

void MachineDevice::drive_irq(bool level)
{
	if (level == irq_level_)
		return;
	irq_level_ = level;
	if (irq_line_)
		irq_line_(level);
}

void MachineDevice::write_fdt_interrupts(FdtWriter &w, const FdtRefs &refs) const
{
	if (refs.gic && spi_)
		w.prop_u32s("interrupts", {fdt_irq_spi, spi_ - 32, fdt_irq_level_high});
}

Platform Machine::platform() const
{
	return {config_.ram_base, config_.ram_size, config_.cpus,
		config_.gic,	  gicd_base,	    gicr_base};
}

// The GIC's frames are the kernel's whether or not this machine has a GIC: keeping them
// free keeps the layout the same with --gic=on and off.
bool Machine::overlaps_gic(uint64_t base, uint64_t size) const
{
	uint64_t gic_end = gicr_base + uint64_t(config_.cpus) * AVCPU_VGIC_REDIST_SIZE;
	return base < gic_end && gicd_base < base + size;
}

avcpu::Status Machine::add(std::unique_ptr<MachineDevice> device)
{
	uint32_t spi = device->spi();
	if (spi && (spi < 32 || spi >= 32 + nr_spis))
		return avcpu::Error{"Machine::add", EINVAL};
	if (overlaps_gic(device->base(), device->size()))
		return avcpu::Error{"Machine::add", EEXIST};
	if (auto st = bus_.add(device->base(), device->size(), *device); !st)
		return avcpu::Error{"Machine::add", st.error().error};
	devices_.push_back(std::move(device));
	return {};
}

avcpu::Status Machine::attach(avcpu::Vm &vm, const IrqError &on_error)
{
	if (!config_.gic)
		return {};
	if (auto st = vm.create_vgic(gicd_base, gicr_base, nr_spis, config_.cpus); !st)
		return st;
	for (auto &d : devices_) {
		if (!d->spi())
			continue;
		d->connect_irq([&vm, on_error, device = d.get()](bool level) {
			if (auto st = vm.set_spi_line(device->spi(), level); !st && on_error)
				on_error(*device, st.error());
		});
	}
	return {};
}

std::vector<uint8_t> Machine::device_tree(const Chosen &chosen, std::string &error) const
{
	FdtWriter w;
	FdtRefs refs;
	refs.clock = clock_phandle;
	if (config_.gic)
		refs.gic = gic_phandle;
	Platform p = platform();

	w.begin_node("");
	w.prop_u32("#address-cells", 2);
	w.prop_u32("#size-cells", 2);
	w.prop_string("compatible", "linux,dummy-virt");
	w.prop_string("model", "avcpu-run");
	if (refs.gic)
		w.prop_u32("interrupt-parent", refs.gic);
	write_memory_node(w, p);
	write_cpus_node(w, p);
	write_psci_node(w);
	if (refs.gic) {
		write_gic_node(w, p, refs.gic);
		write_timer_node(w);
	}
	write_clock_node(w, refs.clock);
	for (const auto &d : devices_)
		d->write_fdt(w, refs);
	write_chosen_node(w, chosen);
	w.end_node();
	return w.finish(error);
}

} // namespace vmm
