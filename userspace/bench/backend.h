// SPDX-License-Identifier: GPL-2.0
// What a benchmark needs of a hypervisor: one vCPU running guest code from one memory
// slot with an in-kernel GICv3, entered with two registers set, and RUN until the next
// exit to userspace.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "avcpu/result.h"
#include "layout.h"

namespace bench
{

inline constexpr uint64_t guest_ram_gpa = BENCH_RAM_GPA;
inline constexpr uint64_t guest_ram_size = 2 << 20;
inline constexpr uint64_t guest_mmio_gpa = BENCH_MMIO_GPA; // no memory there
inline constexpr uint64_t gicd_gpa = BENCH_GICD_GPA;
inline constexpr uint64_t gicr_gpa = BENCH_GICR_GPA;
inline constexpr uint32_t gic_nr_spis = BENCH_GIC_NR_SPIS;
inline constexpr uint32_t spi_intid = BENCH_SPI_INTID;

struct MmioWrite {
	uint64_t addr;
	uint64_t data; // the store's bytes, little-endian, zero-extended
};

class Backend
{
public:
	virtual ~Backend() = default;
	virtual const char *name() const = 0;
	// Sets PC, x19 and x20 (and resets PSTATE to EL1h, masked) for the next RUN.
	virtual avcpu::Status enter(uint64_t pc, uint64_t x19, uint64_t x20) = 0;
	// RUN until the guest exits to userspace with an MMIO write.
	virtual avcpu::Result<MmioWrite> run_to_mmio_write() = 0;
	// One RUN with immediate_exit set: back with EINTR before any guest entry.
	virtual avcpu::Status run_immediate_exit() = 0;
	// An edge on SPI intid: the line raised, then lowered (AVCPU_IRQ_LINE / KVM_IRQ_LINE).
	virtual avcpu::Status pulse_spi(uint32_t intid) = 0;
	// Guest exits of every kind so far, where the hypervisor counts them (avcpu).
	virtual std::optional<uint64_t> guest_exits() const = 0;
};

// Each creates a VM with guest_ram_size bytes at guest_ram_gpa holding image[0, size), an
// in-kernel GICv3 (distributor at gicd_gpa, redistributor at gicr_gpa, gic_nr_spis SPIs)
// and vCPU 0.
avcpu::Result<std::unique_ptr<Backend>> make_avcpu_backend(const void *image, size_t size);
avcpu::Result<std::unique_ptr<Backend>> make_kvm_backend(const void *image, size_t size);

} // namespace bench
