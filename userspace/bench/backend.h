// SPDX-License-Identifier: GPL-2.0
// What a benchmark needs of a hypervisor: one vCPU running guest code from one memory
// slot, entered with two registers set, and RUN until the next exit to userspace.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "avcpu/result.h"

namespace bench
{

inline constexpr uint64_t guest_ram_gpa = 0x40000000;
inline constexpr uint64_t guest_ram_size = 2 << 20;
inline constexpr uint64_t guest_mmio_gpa = 0x0a000000; // no memory there

class Backend
{
public:
	virtual ~Backend() = default;
	virtual const char *name() const = 0;
	// Sets PC, x19 and x20 (and resets PSTATE to EL1h, masked) for the next RUN.
	virtual avcpu::Status enter(uint64_t pc, uint64_t x19, uint64_t x20) = 0;
	// RUN until the guest exits to userspace with an MMIO write; returns its address.
	virtual avcpu::Result<uint64_t> run_to_mmio_write() = 0;
};

// Each creates a VM with guest_ram_size bytes at guest_ram_gpa holding image[0, size).
avcpu::Result<std::unique_ptr<Backend>> make_avcpu_backend(const void *image, size_t size);
avcpu::Result<std::unique_ptr<Backend>> make_kvm_backend(const void *image, size_t size);

} // namespace bench
