// SPDX-License-Identifier: GPL-2.0
#include "virtio_device.h"

namespace vmm
{

VirtioDevice::VirtioDevice(uint64_t base, uint32_t spi,
			   std::unique_ptr<avcpu::VirtioBackend> backend,
			   const avcpu::GuestView &memory)
    : MachineDevice(base, avcpu::virtio::mmio_window, spi), backend_(std::move(backend)),
      transport_(*backend_, memory, [this](bool level) { drive_irq(level); })
{
}

uint64_t VirtioDevice::read(uint64_t offset, unsigned length)
{
	uint64_t value = 0;
	if (!transport_.read(offset, length, value))
		mark_not_emulated();
	return value;
}

void VirtioDevice::write(uint64_t offset, unsigned length, uint64_t value)
{
	if (!transport_.write(offset, length, value))
		mark_not_emulated();
}

// The virtio-mmio binding (Documentation/devicetree/bindings/virtio/mmio.yaml in Linux):
// reg, interrupts, and dma-coherent because the device reads guest memory through the
// CPU's own coherent view.
void VirtioDevice::write_fdt(FdtWriter &w, const FdtRefs &refs) const
{
	w.begin_node(fdt_node_name(name(), base()));
	w.prop_string("compatible", "virtio,mmio");
	w.prop_reg("reg", {base(), size()});
	write_fdt_interrupts(w, refs);
	w.prop_empty("dma-coherent");
	w.end_node();
}

} // namespace vmm
