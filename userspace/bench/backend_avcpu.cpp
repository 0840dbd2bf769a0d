// SPDX-License-Identifier: GPL-2.0
// The avcpu backend: set up through libavcpu, RUN as a bare ioctl as the KVM backend does.
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include <linux/avcpu.h>

#include "avcpu/device.h"
#include "backend.h"

namespace bench
{
namespace
{

class AvcpuBackend final : public Backend
{
public:
	~AvcpuBackend() override
	{
		vcpus_.clear();
		vm_.reset();
	}
	const char *name() const override { return "avcpu"; }

	avcpu::Status setup(const void *image, size_t size, const Shape &shape)
	{
		auto dev = avcpu::Device::open();
		if (!dev)
			return dev.error();
		dev_.emplace(std::move(dev).value());
		auto vm = dev_->create_vm();
		if (!vm)
			return vm.error();
		vm_.emplace(std::move(vm).value());
		if (auto st = ram_.allocate(shape.ram_size, shape.backing, image, size); !st)
			return st;
		if (auto st = vm_->map_memory(0, guest_ram_gpa, ram_.base(), shape.ram_size); !st)
			return st;
		if (auto st = vm_->create_vgic(gicd_gpa, gicr_gpa, gic_nr_spis, shape.vcpus); !st)
			return st;
		for (unsigned id = 0; id < shape.vcpus; id++) {
			auto vcpu = vm_->create_vcpu(id);
			if (!vcpu)
				return vcpu.error();
			vcpus_.push_back(std::move(vcpu).value());
		}
		return {};
	}

	// SET_REGS voids the last exit's completion (Documentation/api.rst): no RUN first.
	avcpu::Status enter(unsigned vcpu, uint64_t pc, uint64_t x19, uint64_t x20) override
	{
		auto regs = vcpus_.at(vcpu).regs();
		if (!regs)
			return regs.error();
		auto r = regs.value();
		r.pc = pc;
		r.pstate = 0x3c5; // EL1h, DAIF masked
		r.x[19] = x19;
		r.x[20] = x20;
		return vcpus_.at(vcpu).set_regs(r);
	}

	avcpu::Result<MmioWrite> run_to_mmio_write(unsigned vcpu) override
	{
		avcpu::Vcpu &v = vcpus_.at(vcpu);
		avcpu_run &run = *v.run_struct();
		for (;;) {
			if (ioctl(v.fd(), AVCPU_RUN, 0))
				return avcpu::last_error("AVCPU_RUN");
			if (run.exit_reason == AVCPU_EXIT_MMIO && run.mmio.is_write) {
				MmioWrite w{run.mmio.phys_addr, 0};
				std::memcpy(&w.data, run.mmio.data,
					    std::min<size_t>(run.mmio.len, sizeof(w.data)));
				return w;
			}
			if (run.exit_reason != AVCPU_EXIT_INTR) {
				std::fprintf(
					stderr,
					"avcpu-bench: exit %u (exception: esr %#llx pc %#llx)\n",
					run.exit_reason,
					static_cast<unsigned long long>(run.exception.esr),
					static_cast<unsigned long long>(run.exception.pc));
				return avcpu::Error{"AVCPU_RUN: unexpected exit", EPROTO};
			}
		}
	}

	avcpu::Status run_immediate_exit() override
	{
		avcpu::Vcpu &v = vcpus_.front();
		avcpu_run &run = *v.run_struct();
		run.immediate_exit = 1;
		int r = ioctl(v.fd(), AVCPU_RUN, 0);
		int err = errno;
		run.immediate_exit = 0;
		if (r == 0 || err != EINTR)
			return avcpu::Error{"AVCPU_RUN (immediate_exit)", r ? err : EPROTO};
		return {};
	}

	avcpu::Status pulse_spi(uint32_t intid) override
	{
		if (auto st = vm_->set_spi_line(intid, true); !st)
			return st;
		return vm_->set_spi_line(intid, false);
	}

	std::optional<uint64_t> guest_exits() const override
	{
		auto st = vcpus_.front().stats();
		if (!st)
			return std::nullopt;
		return st.value().el2_exits;
	}

private:
	std::optional<avcpu::Device> dev_;
	std::optional<avcpu::Vm> vm_;
	std::vector<avcpu::Vcpu> vcpus_;
	GuestRam ram_;
};

} // namespace

avcpu::Result<std::unique_ptr<Backend>> make_avcpu_backend(const void *image, size_t size,
							   const Shape &shape)
{
	auto b = std::make_unique<AvcpuBackend>();
	if (auto st = b->setup(image, size, shape); !st)
		return st.error();
	return std::unique_ptr<Backend>(std::move(b));
}

} // namespace bench
