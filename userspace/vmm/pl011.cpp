// SPDX-License-Identifier: GPL-2.0
// Register behaviour from the PL011 Technical Reference Manual (ARM DDI 0183), chapter 3.
#include "pl011.h"

#include <mutex>

namespace vmm
{

namespace
{
// PeriphID0-3 (part 0x011, designer ARM, revision 1) and the PrimeCell CellID0-3, which
// the AMBA bus reads to match the driver.
constexpr uint8_t id_registers[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
} // namespace

// The transmitter empties at once, so the transmit interrupt condition (FIFO at or below
// its trigger level) is met after every write; it is latched until ICR clears it, which is
// how the driver's interrupt-driven output makes progress. The receive interrupt is the
// FIFO's level: it stays up while a byte waits, however the guest acknowledges it, so no
// byte is stranded (this stands in for the receive-timeout interrupt as well).
uint32_t Pl011::raw_interrupts() const
{
	return ris_latched_ | (rx_fifo_.empty() ? 0 : pl011::int_rx);
}

void Pl011::update_irq()
{
	drive_irq((raw_interrupts() & imsc_) != 0);
}

uint64_t Pl011::read(uint64_t offset, unsigned)
{
	if (offset % 4) {
		mark_not_emulated();
		return 0;
	}
	if (offset >= pl011::periph_id0 && offset < pl011::periph_id0 + sizeof(id_registers) * 4)
		return id_registers[(offset - pl011::periph_id0) / 4];
	return read_register(offset);
}

uint64_t Pl011::read_register(uint64_t offset)
{
	using namespace pl011;
	switch (offset) {
	case dr: {
		if (rx_fifo_.empty())
			return 0;
		bool was_full = rx_fifo_.size() >= rx_fifo_depth;
		uint8_t byte = rx_fifo_.front();
		rx_fifo_.pop_front();
		update_irq();
		if (was_full && rx_room_callback_)
			rx_room_callback_();
		return byte;
	}
	case rsr_ecr: // no framing, parity, break or overrun errors ever happen here
	case icr:     // write-only
		return 0;
	case fr:
		return fr_txfe | (rx_fifo_.empty() ? fr_rxfe : 0) |
		       (rx_fifo_.size() >= rx_fifo_depth ? fr_rxff : 0);
	case ilpr:
		return ilpr_;
	case ibrd:
		return ibrd_;
	case fbrd:
		return fbrd_;
	case lcr_h:
		return lcr_h_;
	case cr:
		return cr_;
	case ifls:
		return ifls_;
	case imsc:
		return imsc_;
	case ris:
		return raw_interrupts();
	case mis:
		return raw_interrupts() & imsc_;
	case dmacr:
		return dmacr_;
	default:
		mark_not_emulated();
		return 0;
	}
}

void Pl011::write(uint64_t offset, unsigned, uint64_t value)
{
	if (offset % 4) {
		mark_not_emulated();
		return;
	}
	write_register(offset, uint32_t(value));
}

void Pl011::write_register(uint64_t offset, uint32_t value)
{
	using namespace pl011;
	switch (offset) {
	case dr:
		if (output_)
			output_(uint8_t(value));
		ris_latched_ |= int_tx;
		break;
	case rsr_ecr: // clears the error bits, which are always clear
		break;
	case ilpr:
		ilpr_ = value & 0xff;
		break;
	case ibrd:
		ibrd_ = value & 0xffff;
		break;
	case fbrd:
		fbrd_ = value & 0x3f;
		break;
	case lcr_h:
		lcr_h_ = value & 0xff;
		break;
	case cr:
		cr_ = value & 0xff87;
		break;
	case ifls:
		ifls_ = value & 0x3f;
		break;
	case imsc:
		imsc_ = value & int_all;
		break;
	case icr:
		ris_latched_ &= ~value;
		break;
	case dmacr:
		dmacr_ = value & 0x7;
		break;
	default: // FR, RIS, MIS and the identification registers are read-only
		mark_not_emulated();
		return;
	}
	update_irq();
}

size_t Pl011::receive(const uint8_t *bytes, size_t count)
{
	std::lock_guard guard(mutex());
	size_t taken = 0;
	while (taken < count && rx_fifo_.size() < rx_fifo_depth)
		rx_fifo_.push_back(bytes[taken++]);
	if (taken)
		update_irq();
	return taken;
}

size_t Pl011::rx_room()
{
	std::lock_guard guard(mutex());
	return rx_fifo_depth - rx_fifo_.size();
}

void Pl011::on_rx_room(std::function<void()> callback)
{
	std::lock_guard guard(mutex());
	rx_room_callback_ = std::move(callback);
}

void Pl011::write_fdt(FdtWriter &w, const FdtRefs &refs) const
{
	w.begin_node(fdt_node_name(name(), base()));
	w.prop_strings("compatible", {"arm,pl011", "arm,primecell"});
	w.prop_reg("reg", {base(), size});
	write_fdt_interrupts(w, refs);
	if (refs.clock) {
		w.prop_u32s("clocks", {refs.clock, refs.clock});
		w.prop_strings("clock-names", {"uartclk", "apb_pclk"});
	}
	w.end_node();
}

} // namespace vmm
