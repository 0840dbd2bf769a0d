// SPDX-License-Identifier: GPL-2.0
// avcpu-run's devices: a PL011 UART and the test device guests report their result to.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "avcpu/mmio_bus.h"

namespace vmm
{

// ARM PrimeCell UART (PL011), enough for polled console I/O: DR, FR, the control
// registers kept as written, and the identification registers drivers probe.
class Pl011 final : public avcpu::MmioDevice
{
public:
	static constexpr uint64_t size = 0x1000;

	explicit Pl011(int out_fd) : out_fd_(out_fd) {}
	const char *name() const override { return "pl011"; }
	uint64_t read(uint64_t offset, unsigned length) override;
	void write(uint64_t offset, unsigned length, uint64_t value) override;

	// Bytes for the guest to read (from stdin).
	void push_input(uint8_t byte);

private:
	int out_fd_;
	std::mutex lock_;
	std::deque<uint8_t> input_;
	uint32_t regs_[0x50 / 4] = {};
};

// avcpu,test-device: a 32-bit write at offset 0 ends the run with that exit status.
class TestDevice final : public avcpu::MmioDevice
{
public:
	static constexpr uint64_t size = 0x1000;

	explicit TestDevice(std::function<void(int)> on_exit) : on_exit_(std::move(on_exit)) {}
	const char *name() const override { return "test-device"; }
	uint64_t read(uint64_t, unsigned) override { return 0; }
	void write(uint64_t offset, unsigned length, uint64_t value) override;

private:
	std::function<void(int)> on_exit_;
};

} // namespace vmm
