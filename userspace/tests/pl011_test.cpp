// SPDX-License-Identifier: GPL-2.0
// The PL011 model as Linux's amba-pl011 driver uses it: the interrupt logic, the receive
// FIFO, the flags, and the interrupt line hearing of level changes only. Accesses go
// through an MmioBus, as the guest's do.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "avcpu/mmio_bus.h"
#include "pl011.h"

namespace
{

namespace reg = vmm::pl011;
constexpr uint64_t base = 0x09000000;

struct Pl011Test : testing::Test {
	std::string output;
	std::vector<bool> line; // every call of the interrupt line, in order
	vmm::Pl011 uart{base, 33, [this](uint8_t c) { output += char(c); }};
	avcpu::MmioBus bus;

	void SetUp() override
	{
		ASSERT_TRUE(bus.add(base, vmm::Pl011::size, uart).ok());
		uart.connect_irq([this](bool level) { line.push_back(level); });
	}
	uint64_t read(uint64_t offset, unsigned length = 4)
	{
		uint64_t v = ~0ULL;
		EXPECT_TRUE(bus.read(base + offset, length, v));
		return v;
	}
	void write(uint64_t offset, uint64_t value, unsigned length = 4)
	{
		EXPECT_TRUE(bus.write(base + offset, length, value));
	}
	void receive(const std::string &s)
	{
		EXPECT_EQ(s.size(),
			  uart.receive(reinterpret_cast<const uint8_t *>(s.data()), s.size()));
	}
};

TEST_F(Pl011Test, ResetStateAndIdentification)
{
	EXPECT_EQ(reg::fr_txfe | reg::fr_rxfe, read(reg::fr)) << "0x90: both FIFOs empty";
	EXPECT_EQ(0u, read(reg::ris));
	EXPECT_EQ(0u, read(reg::mis));
	EXPECT_EQ(0u, read(reg::imsc));
	EXPECT_EQ(0x300u, read(reg::cr));
	EXPECT_EQ(0x12u, read(reg::ifls));
	const uint8_t ids[] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
	for (unsigned i = 0; i < 8; i++)
		EXPECT_EQ(ids[i], read(0xfe0 + 4 * i)) << "ID register " << i;
	EXPECT_TRUE(line.empty());
}

TEST_F(Pl011Test, TransmitSetsTxInterruptAndIcrClearsIt)
{
	write(reg::dr, 'A');
	write(reg::dr, 'b', 1); // earlycon's byte-wide store
	EXPECT_EQ("Ab", output);
	EXPECT_EQ(reg::int_tx, read(reg::ris));
	EXPECT_EQ(0u, read(reg::mis)) << "masked";
	EXPECT_TRUE(line.empty()) << "a masked interrupt keeps the line low";
	EXPECT_EQ(0u, read(reg::fr) & (reg::fr_txff | reg::fr_busy));

	write(reg::imsc, reg::int_tx); // the driver unmasks TX with bytes still to send
	EXPECT_EQ(reg::int_tx, read(reg::mis));
	write(reg::dr, 'c');
	write(reg::icr, reg::int_tx);
	EXPECT_EQ(0u, read(reg::ris));
	EXPECT_EQ(0u, read(reg::mis));
	EXPECT_EQ((std::vector<bool>{true, false}), line);
}

TEST_F(Pl011Test, MisIsRisAndImsc)
{
	write(reg::dr, 'x');
	receive("y");
	EXPECT_EQ(reg::int_tx | reg::int_rx, read(reg::ris));
	write(reg::imsc, reg::int_rx | reg::int_rt);
	EXPECT_EQ(reg::int_rx, read(reg::mis));
	write(reg::imsc, reg::int_tx);
	EXPECT_EQ(reg::int_tx, read(reg::mis));
	write(reg::imsc, 0xffffffff);
	EXPECT_EQ(uint64_t(reg::int_all), read(reg::imsc)) << "11 mask bits";
	EXPECT_EQ(reg::int_tx | reg::int_rx, read(reg::mis));
	write(reg::imsc, 0);
	EXPECT_EQ(0u, read(reg::mis));
	EXPECT_EQ((std::vector<bool>{true, false}), line) << "RX, then TX, then both, then none";
}

TEST_F(Pl011Test, ReceiveFifoAndFlags)
{
	write(reg::imsc, reg::int_rx | reg::int_rt);
	receive("hi");
	EXPECT_EQ(0u, read(reg::fr) & reg::fr_rxfe);
	EXPECT_EQ(reg::int_rx, read(reg::mis));
	EXPECT_EQ(std::vector<bool>{true}, line);
	write(reg::icr, reg::int_all); // the driver clears everything but RX/RT/TX
	EXPECT_EQ(reg::int_rx, read(reg::ris)) << "RX is the FIFO's level, not a latch";
	EXPECT_EQ('h', read(reg::dr));
	EXPECT_EQ(std::vector<bool>{true}, line) << "a byte still waits";
	EXPECT_EQ('i', read(reg::dr));
	EXPECT_NE(0u, read(reg::fr) & reg::fr_rxfe);
	EXPECT_EQ(0u, read(reg::ris));
	EXPECT_EQ((std::vector<bool>{true, false}), line);
	EXPECT_EQ(0u, read(reg::dr)) << "reading an empty FIFO";
	EXPECT_EQ((std::vector<bool>{true, false}), line);
}

TEST_F(Pl011Test, FullFifoTakesWhatFitsAndSaysWhenThereIsRoom)
{
	int room_calls = 0;
	uart.on_rx_room([&] { room_calls++; });
	std::string many = "0123456789abcdefGHIJ";
	EXPECT_EQ(vmm::Pl011::rx_fifo_depth,
		  uart.receive(reinterpret_cast<const uint8_t *>(many.data()), many.size()));
	EXPECT_EQ(0u, uart.rx_room());
	EXPECT_NE(0u, read(reg::fr) & reg::fr_rxff);
	EXPECT_EQ('0', read(reg::dr));
	EXPECT_EQ(1, room_calls);
	EXPECT_EQ(0u, read(reg::fr) & reg::fr_rxff);
	EXPECT_EQ('1', read(reg::dr));
	EXPECT_EQ(1, room_calls) << "only the full-to-not-full transition wakes the reader";
	EXPECT_EQ(2u, uart.rx_room());
}

// The interrupt line is told of every change and of nothing else, whatever the mix of
// unmasking, data and acknowledgements (a level that would be set again is not).
TEST_F(Pl011Test, LineHearsOfLevelChangesOnly)
{
	write(reg::imsc, reg::int_rx | reg::int_tx);
	receive("a");		       // up
	write(reg::dr, 'z');	       // still up (TX too)
	receive("b");		       // still up
	EXPECT_EQ('a', read(reg::dr)); // still up
	EXPECT_EQ('b', read(reg::dr)); // TX keeps it up
	write(reg::icr, reg::int_tx);  // down
	write(reg::icr, reg::int_tx);  // still down
	write(reg::imsc, reg::int_rx); // still down
	write(reg::dr, 'y');	       // masked TX: still down
	write(reg::imsc, reg::int_tx); // up: unmasking an already-raised interrupt
	write(reg::imsc, 0);	       // down
	EXPECT_EQ((std::vector<bool>{true, false, true, false}), line);
	EXPECT_EQ("zy", output);
}

TEST_F(Pl011Test, ControlRegistersKeepTheirWidth)
{
	write(reg::ibrd, 0x12345);
	write(reg::fbrd, 0xff);
	write(reg::lcr_h, 0x1ff);
	write(reg::cr, 0xffff);
	write(reg::ifls, 0xff);
	write(reg::dmacr, 0xff);
	EXPECT_EQ(0x2345u, read(reg::ibrd));
	EXPECT_EQ(0x3fu, read(reg::fbrd));
	EXPECT_EQ(0xffu, read(reg::lcr_h));
	EXPECT_EQ(0xff87u, read(reg::cr));
	EXPECT_EQ(0x3fu, read(reg::ifls));
	EXPECT_EQ(0x7u, read(reg::dmacr));
	EXPECT_TRUE(output.empty());
}

TEST_F(Pl011Test, UnknownRegistersAreMarkedNotEmulated)
{
	struct {
		uint64_t offset;
		bool write;
		bool not_emulated;
	} cases[] = {
		{reg::fr, false, false}, {reg::dr, true, false},     {reg::ibrd, true, false},
		{0x090, false, true},	 {0x008, true, true},	     {reg::fr, true, true},
		{reg::ris, true, true},	 {reg::dr + 1, false, true}, {0xffc, false, false},
		{0x080, false, true},
	};
	for (auto c : cases) {
		avcpu::MmioAccess a;
		a.address = base + c.offset;
		a.length = c.offset % 4 ? 1 : 4;
		a.write = c.write;
		ASSERT_TRUE(bus.dispatch(a));
		EXPECT_EQ(&uart, a.device);
		EXPECT_EQ(c.offset, a.offset);
		EXPECT_EQ(c.not_emulated, a.not_emulated)
			<< (c.write ? "write" : "read") << " at " << c.offset;
	}
}

} // namespace
