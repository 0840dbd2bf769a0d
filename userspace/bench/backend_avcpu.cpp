// SPDX-License-Identifier: GPL-2.0
// The avcpu backend: set up through libavcpu, RUN as a bare ioctl as the KVM backend does.
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

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
	AvcpuBackend(avcpu::Device dev, avcpu::Vm vm, avcpu::Vcpu vcpu, void *ram)
	    : dev_(std::move(dev)), vm_(std::move(vm)), vcpu_(std::move(vcpu)), ram_(ram)
	{
	}
	~AvcpuBackend() override
	{
		vcpu_.reset();
		vm_.reset();
		munmap(ram_, guest_ram_size);
	}
	const char *name() const override { return "avcpu"; }

	// SET_REGS voids the last exit's completion (Documentation/api.rst): no RUN first.
	avcpu::Status enter(uint64_t pc, uint64_t x19, uint64_t x20) override
	{
		auto regs = vcpu_->regs();
		if (!regs)
			return regs.error();
		auto r = regs.value();
		r.pc = pc;
		r.pstate = 0x3c5; // EL1h, DAIF masked
		r.x[19] = x19;
		r.x[20] = x20;
		return vcpu_->set_regs(r);
	}

	avcpu::Result<MmioWrite> run_to_mmio_write() override
	{
		avcpu_run &run = *vcpu_->run_struct();
		for (;;) {
			if (ioctl(vcpu_->fd(), AVCPU_RUN, 0))
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
		avcpu_run &run = *vcpu_->run_struct();
		run.immediate_exit = 1;
		int r = ioctl(vcpu_->fd(), AVCPU_RUN, 0);
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
		auto st = vcpu_->stats();
		if (!st)
			return std::nullopt;
		return st.value().el2_exits;
	}

private:
	avcpu::Device dev_;
	std::optional<avcpu::Vm> vm_;
	std::optional<avcpu::Vcpu> vcpu_;
	void *ram_;
};

} // namespace

avcpu::Result<std::unique_ptr<Backend>> make_avcpu_backend(const void *image, size_t size)
{
	auto dev = avcpu::Device::open();
	if (!dev)
		return dev.error();
	auto vm = dev.value().create_vm();
	if (!vm)
		return vm.error();
	void *ram = mmap(nullptr, guest_ram_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		return avcpu::last_error("mmap guest RAM");
	std::memcpy(ram, image, size);
	if (auto st = vm.value().map_memory(0, guest_ram_gpa, ram, guest_ram_size); !st) {
		munmap(ram, guest_ram_size);
		return st.error();
	}
	if (auto st = vm.value().create_vgic(gicd_gpa, gicr_gpa, gic_nr_spis, 1); !st) {
		munmap(ram, guest_ram_size);
		return st.error();
	}
	auto vcpu = vm.value().create_vcpu(0);
	if (!vcpu) {
		munmap(ram, guest_ram_size);
		return vcpu.error();
	}
	return std::unique_ptr<Backend>(new AvcpuBackend(
		std::move(dev).value(), std::move(vm).value(), std::move(vcpu).value(), ram));
}

} // namespace bench
