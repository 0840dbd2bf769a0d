// SPDX-License-Identifier: GPL-2.0
#include "devices.h"

#include <unistd.h>

namespace vmm
{

namespace
{
// PL011 register offsets and flag bits (ARM DDI 0183).
constexpr uint64_t uartdr = 0x000, uartfr = 0x018, periph_id0 = 0xfe0;
constexpr uint32_t fr_rxfe = 1u << 4, fr_txfe = 1u << 7;
constexpr uint8_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
} // namespace

uint64_t Pl011::read(uint64_t offset, unsigned)
{
	std::lock_guard guard(lock_);
	if (offset == uartdr) {
		if (input_.empty())
			return 0;
		uint8_t c = input_.front();
		input_.pop_front();
		return c;
	}
	if (offset == uartfr)
		return fr_txfe | (input_.empty() ? fr_rxfe : 0);
	if (offset >= periph_id0 && offset < periph_id0 + 0x20)
		return ids[(offset - periph_id0) / 4];
	if (offset < sizeof(regs_))
		return regs_[offset / 4];
	return 0;
}

void Pl011::write(uint64_t offset, unsigned, uint64_t value)
{
	if (offset == uartdr) {
		char c = char(value);
		ssize_t n = ::write(out_fd_, &c, 1);
		(void)n; // a console that went away does not stop the guest
		return;
	}
	std::lock_guard guard(lock_);
	if (offset < sizeof(regs_))
		regs_[offset / 4] = uint32_t(value);
}

void Pl011::push_input(uint8_t byte)
{
	std::lock_guard guard(lock_);
	input_.push_back(byte);
}

void TestDevice::write(uint64_t offset, unsigned, uint64_t value)
{
	if (offset == 0)
		on_exit_(int(value & 0xff));
}

} // namespace vmm
