// SPDX-License-Identifier: GPL-2.0
// The KVM backend: the same VM shape on /dev/kvm (no in-kernel GIC, PSCI 0.2+ in the
// kernel), for a side-by-side figure in the same test machine.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstddef>
#include <cstring>

#include <linux/kvm.h>

#include "backend.h"

namespace bench
{
namespace
{

uint64_t core_reg(size_t offset)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (offset / sizeof(__u32));
}

class KvmBackend final : public Backend
{
public:
	~KvmBackend() override
	{
		if (run_)
			munmap(run_, run_size_);
		for (int fd : {vcpu_, vm_, kvm_})
			if (fd >= 0)
				close(fd);
		if (ram_)
			munmap(ram_, guest_ram_size);
	}
	const char *name() const override { return "kvm"; }

	avcpu::Status setup(const void *image, size_t size)
	{
		kvm_ = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (kvm_ < 0)
			return avcpu::last_error("open /dev/kvm");
		vm_ = ioctl(kvm_, KVM_CREATE_VM, 0);
		if (vm_ < 0)
			return avcpu::last_error("KVM_CREATE_VM");
		ram_ = mmap(nullptr, guest_ram_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ram_ == MAP_FAILED) {
			ram_ = nullptr;
			return avcpu::last_error("mmap guest RAM");
		}
		std::memcpy(ram_, image, size);
		kvm_userspace_memory_region mem{};
		mem.guest_phys_addr = guest_ram_gpa;
		mem.memory_size = guest_ram_size;
		mem.userspace_addr = reinterpret_cast<uintptr_t>(ram_);
		if (ioctl(vm_, KVM_SET_USER_MEMORY_REGION, &mem))
			return avcpu::last_error("KVM_SET_USER_MEMORY_REGION");
		vcpu_ = ioctl(vm_, KVM_CREATE_VCPU, 0);
		if (vcpu_ < 0)
			return avcpu::last_error("KVM_CREATE_VCPU");
		long sz = ioctl(kvm_, KVM_GET_VCPU_MMAP_SIZE, 0);
		if (sz <= 0)
			return avcpu::last_error("KVM_GET_VCPU_MMAP_SIZE");
		run_size_ = size_t(sz);
		void *run = mmap(nullptr, run_size_, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_, 0);
		if (run == MAP_FAILED)
			return avcpu::last_error("mmap kvm_run");
		run_ = static_cast<kvm_run *>(run);
		kvm_vcpu_init init{};
		if (ioctl(vm_, KVM_ARM_PREFERRED_TARGET, &init))
			return avcpu::last_error("KVM_ARM_PREFERRED_TARGET");
		init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
		if (ioctl(vcpu_, KVM_ARM_VCPU_INIT, &init))
			return avcpu::last_error("KVM_ARM_VCPU_INIT");
		return {};
	}

	// KVM applies the last MMIO exit's completion (the PC step) at the next KVM_RUN, on
	// top of registers set before it; its API says to complete with immediate_exit first.
	avcpu::Status enter(uint64_t pc, uint64_t x19, uint64_t x20) override
	{
		if (run_->exit_reason == KVM_EXIT_MMIO) {
			run_->immediate_exit = 1;
			int r = ioctl(vcpu_, KVM_RUN, 0);
			run_->immediate_exit = 0;
			if (r == 0 || errno != EINTR)
				return avcpu::Error{"KVM_RUN (completion)", r ? errno : EPROTO};
		}
		const struct {
			size_t offset;
			uint64_t value;
		} regs[] = {
			{offsetof(kvm_regs, regs.pc), pc},
			{offsetof(kvm_regs, regs.pstate), 0x3c5},
			{offsetof(kvm_regs, regs.regs) + 19 * 8, x19},
			{offsetof(kvm_regs, regs.regs) + 20 * 8, x20},
		};
		for (const auto &r : regs) {
			kvm_one_reg one{};
			one.id = core_reg(r.offset);
			one.addr = reinterpret_cast<uintptr_t>(&r.value);
			if (ioctl(vcpu_, KVM_SET_ONE_REG, &one))
				return avcpu::last_error("KVM_SET_ONE_REG");
		}
		return {};
	}

	avcpu::Result<uint64_t> run_to_mmio_write() override
	{
		for (;;) {
			if (ioctl(vcpu_, KVM_RUN, 0) && errno != EINTR)
				return avcpu::last_error("KVM_RUN");
			if (run_->exit_reason == KVM_EXIT_MMIO && run_->mmio.is_write)
				return run_->mmio.phys_addr;
			if (run_->exit_reason != KVM_EXIT_INTR) {
				std::fprintf(stderr, "avcpu-bench: KVM exit %u\n",
					     run_->exit_reason);
				return avcpu::Error{"KVM_RUN: unexpected exit", EPROTO};
			}
		}
	}

private:
	int kvm_ = -1, vm_ = -1, vcpu_ = -1;
	void *ram_ = nullptr;
	kvm_run *run_ = nullptr;
	size_t run_size_ = 0;
};

} // namespace

avcpu::Result<std::unique_ptr<Backend>> make_kvm_backend(const void *image, size_t size)
{
	auto kvm = std::make_unique<KvmBackend>();
	if (auto st = kvm->setup(image, size); !st)
		return st.error();
	return std::unique_ptr<Backend>(std::move(kvm));
}

} // namespace bench
