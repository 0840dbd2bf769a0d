// SPDX-License-Identifier: GPL-2.0
// The ARM PrimeCell UART (PL011, ARM DDI 0183) as Linux's amba-pl011 driver and earlycon
// use it: a transmitter that completes at once, a receive FIFO fed from the host, the
// control registers kept as written, and the interrupt logic (RIS, IMSC, MIS, ICR) driving
// one level-sensitive SPI.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>

#include "machine.h"

namespace vmm
{

// Register offsets.
namespace pl011
{
constexpr uint64_t dr = 0x000, rsr_ecr = 0x004, fr = 0x018, ilpr = 0x020, ibrd = 0x024,
		   fbrd = 0x028, lcr_h = 0x02c, cr = 0x030, ifls = 0x034, imsc = 0x038, ris = 0x03c,
		   mis = 0x040, icr = 0x044, dmacr = 0x048, periph_id0 = 0xfe0;
// UARTFR bits.
constexpr uint32_t fr_busy = 1u << 3, fr_rxfe = 1u << 4, fr_txff = 1u << 5, fr_rxff = 1u << 6,
		   fr_txfe = 1u << 7;
// Interrupt bits, the same in RIS, IMSC, MIS and ICR.
constexpr uint32_t int_rx = 1u << 4, int_tx = 1u << 5, int_rt = 1u << 6, int_all = 0x7ff;
} // namespace pl011

class Pl011 final : public MachineDevice
{
public:
	static constexpr uint64_t size = 0x1000;
	// PeriphID2 says revision 1, for which Linux sizes both FIFOs at 16 bytes.
	static constexpr size_t rx_fifo_depth = 16;

	// Each transmitted byte goes to output, at once (the caller's console).
	using Output = std::function<void(uint8_t)>;

	Pl011(uint64_t base, uint32_t spi, Output output)
	    : MachineDevice(base, size, spi), output_(std::move(output))
	{
	}

	const char *name() const override { return "pl011"; }
	uint64_t read(uint64_t offset, unsigned length) override;
	void write(uint64_t offset, unsigned length, uint64_t value) override;
	void write_fdt(FdtWriter &w, const FdtRefs &refs) const override;

	// The receive side, for the thread that reads the host's input; each takes the
	// device's lock. receive() takes what fits in the FIFO and returns how many bytes.
	size_t receive(const uint8_t *bytes, size_t count);
	size_t rx_room();
	// Called, under the device's lock, when a guest read makes room in a full FIFO.
	void on_rx_room(std::function<void()> callback);

private:
	uint64_t read_register(uint64_t offset);
	void write_register(uint64_t offset, uint32_t value);
	uint32_t raw_interrupts() const;
	void update_irq();

	Output output_;
	std::function<void()> rx_room_callback_;
	std::deque<uint8_t> rx_fifo_;
	// Latched interrupt status (the transmit interrupt); receive is the FIFO's level.
	uint32_t ris_latched_ = 0;
	uint32_t imsc_ = 0;
	// Kept as written; nothing here depends on baud rate, framing or the enables (a
	// bootloader would have enabled the UART before Linux's earlycon writes to it).
	uint32_t ilpr_ = 0, ibrd_ = 0, fbrd_ = 0, lcr_h_ = 0, cr_ = 0x300, ifls_ = 0x12, dmacr_ = 0;
};

} // namespace vmm
