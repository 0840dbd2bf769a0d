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
#include "guest_ram.h"
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
inline constexpr unsigned max_vcpus = 2; // the SGI round trip's

// The VM a workload needs: how many vCPUs, how much memory, backed how.
struct Shape {
	unsigned vcpus = 1;
	uint64_t ram_size = guest_ram_size;
	Backing backing = Backing::plain;
};

struct MmioWrite {
	uint64_t addr;
	uint64_t data; // the store's bytes, little-endian, zero-extended
};

class Backend
{
public:
	virtual ~Backend() = default;
	virtual const char *name() const = 0;
	// Sets vCPU vcpu's PC, x19 and x20 (and resets PSTATE to EL1h, masked) for its next RUN.
	virtual avcpu::Status enter(unsigned vcpu, uint64_t pc, uint64_t x19, uint64_t x20) = 0;
	// RUN vCPU vcpu until the guest exits to userspace with an MMIO write.
	virtual avcpu::Result<MmioWrite> run_to_mmio_write(unsigned vcpu) = 0;
	// One RUN of vCPU 0 with immediate_exit set: back with EINTR before any guest entry.
	virtual avcpu::Status run_immediate_exit() = 0;
	// An edge on SPI intid: the line raised, then lowered (AVCPU_IRQ_LINE / KVM_IRQ_LINE).
	virtual avcpu::Status pulse_spi(uint32_t intid) = 0;
	// vCPU 0's guest exits of every kind so far, where the hypervisor counts them.
	virtual std::optional<uint64_t> guest_exits() const = 0;
};

// Each creates a VM with shape.ram_size bytes at guest_ram_gpa holding image[0, size), an
// in-kernel GICv3 (distributor at gicd_gpa, shape.vcpus redistributors from gicr_gpa,
// gic_nr_spis SPIs) and shape.vcpus vCPUs (1 to max_vcpus).
avcpu::Result<std::unique_ptr<Backend>> make_avcpu_backend(const void *image, size_t size,
							   const Shape &shape);
avcpu::Result<std::unique_ptr<Backend>> make_kvm_backend(const void *image, size_t size,
							 const Shape &shape);

} // namespace bench
