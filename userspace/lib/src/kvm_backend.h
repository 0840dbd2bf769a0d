// SPDX-License-Identifier: GPL-2.0
// The KVM backend's parts (kvm_vm.cpp, kvm_vcpu.cpp): /dev/kvm on arm64, by KVM's uapi
// (<linux/kvm.h>, the kernel's Documentation/virt/kvm/api.rst, "KVM API" below).
#pragma once

#include <linux/kvm.h>

#include <memory>
#include <mutex>

#include "avcpu/backend.h"
#include "avcpu/fd.h"

namespace avcpu::kvm
{

// ioctl() with a pointer argument.
template <typename T> int ioctl_ptr(Kernel &k, int fd, unsigned long req, T *arg)
{
	return k.ioctl(fd, req, reinterpret_cast<unsigned long>(arg));
}

// What a VM's vCPUs share with it: the in-kernel GICv3, which KVM wants initialised
// after every vCPU exists and before any runs (KVM API, "ARM Virtual Generic Interrupt
// Controller v3", KVM_DEV_ARM_VGIC_CTRL_INIT). The first RUN of any vCPU does it.
class Shared
{
public:
	Shared(Kernel &kernel, int vm_fd) : kernel_(kernel), vm_fd_(vm_fd) {}

	Kernel &kernel() const { return kernel_; }
	int vm_fd() const { return vm_fd_; }
	void set_vgic(UniqueFd vgic);
	// KVM_DEV_ARM_VGIC_CTRL_INIT once; its result for every later caller.
	Status ready_to_run();

private:
	Kernel &kernel_;
	int vm_fd_;
	std::mutex lock_;
	UniqueFd vgic_;
	bool initialised_ = false;
	Status init_result_;
};

// A vCPU fd with its kvm_run mapped, initialised by KVM_ARM_VCPU_INIT.
Result<std::unique_ptr<VcpuBackend>> create_vcpu(std::shared_ptr<Shared> shared, unsigned id,
						 bool off, size_t run_size);

// What a kvm_run after KVM_RUN returned 0 means in libavcpu's terms.
Exit translate_exit(const kvm_run &run);

} // namespace avcpu::kvm
