// SPDX-License-Identifier: GPL-2.0
// The KVM backend's VM: memory slots, interrupt lines and the in-kernel GICv3 by KVM's
// uapi. What only avcpu has (its VM configuration, SMC policy, vGIC queries, statistics)
// fails with EOPNOTSUPP.
#include <sys/eventfd.h>
#include <unistd.h>

#include <utility>

#include "kvm_backend.h"

namespace avcpu
{

namespace kvm
{

namespace
{

// The SGIs and PPIs below the SPIs: KVM_DEV_ARM_VGIC_GRP_NR_IRQS counts them too.
constexpr uint32_t private_irqs = 32;

class Vm final : public VmBackend
{
public:
	Vm(UniqueFd fd, size_t run_size)
	    : fd_(std::move(fd)), run_size_(run_size),
	      shared_(std::make_shared<Shared>(fd_.kernel(), fd_.get()))
	{
	}

	Status set_config(uint64_t flags) override
	{
		// KVM serves PSCI in the kernel and has no WFI exit: only the defaults.
		if (flags)
			return Error{"AVCPU_SET_VM_CONFIG (not on KVM)", EOPNOTSUPP};
		return {};
	}

	Status set_smc_policy(const std::vector<avcpu_smc_range> &) override
	{
		return Error{"AVCPU_SET_SMC_POLICY (not on KVM)", EOPNOTSUPP};
	}

	Status map_memory(uint32_t slot, uint64_t gpa, void *host, uint64_t size,
			  bool read_only) override
	{
		kvm_userspace_memory_region r{};
		r.slot = slot;
		r.flags = read_only ? KVM_MEM_READONLY : 0;
		r.guest_phys_addr = gpa;
		r.memory_size = size;
		r.userspace_addr = reinterpret_cast<uint64_t>(host);
		if (ioctl_ptr(kernel(), fd(), KVM_SET_USER_MEMORY_REGION, &r))
			return last_error("KVM_SET_USER_MEMORY_REGION");
		return {};
	}

	// A slot of size 0 deletes it (KVM API, 4.35 KVM_SET_USER_MEMORY_REGION).
	Status unmap_memory(uint32_t slot) override
	{
		kvm_userspace_memory_region r{};
		r.slot = slot;
		if (ioctl_ptr(kernel(), fd(), KVM_SET_USER_MEMORY_REGION, &r))
			return last_error("KVM_SET_USER_MEMORY_REGION (delete)");
		return {};
	}

	Result<std::unique_ptr<VcpuBackend>> create_vcpu(unsigned id, bool off) override
	{
		return kvm::create_vcpu(shared_, id, off, run_size_);
	}

	// avcpu's AVCPU_IRQ_LINE takes KVM_IRQ_LINE's arm64 encoding (type 31:24, vCPU 23:16,
	// number 15:0; KVM API, 4.25 KVM_IRQ_LINE), so the word passes through.
	Status irq_line(uint32_t irq, bool level) override
	{
		kvm_irq_level l{};
		l.irq = irq;
		l.level = level ? 1 : 0;
		if (ioctl_ptr(kernel(), fd(), KVM_IRQ_LINE, &l))
			return last_error("KVM_IRQ_LINE");
		return {};
	}

	// The redistributors' region is one frame pair per vCPU, sized by KVM from the number
	// of vCPUs when it initialises the GIC, so nr_redists has nothing to tell it.
	Status create_vgic(uint64_t dist_base, uint64_t redist_base, uint32_t nr_spis,
			   uint32_t) override
	{
		kvm_create_device dev{};
		dev.type = KVM_DEV_TYPE_ARM_VGIC_V3;
		if (ioctl_ptr(kernel(), fd(), KVM_CREATE_DEVICE, &dev))
			return last_error("KVM_CREATE_DEVICE (GICv3)");
		UniqueFd vgic(kernel(), int(dev.fd));
		uint32_t nr_irqs = nr_spis + private_irqs;
		const struct {
			uint32_t group;
			uint64_t attr;
			const void *value;
			const char *what;
		} attrs[] = {
			{KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist_base,
			 "KVM_SET_DEVICE_ATTR (GICv3 distributor address)"},
			{KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist_base,
			 "KVM_SET_DEVICE_ATTR (GICv3 redistributor address)"},
			{KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs,
			 "KVM_SET_DEVICE_ATTR (GICv3 number of interrupts)"},
		};
		for (const auto &a : attrs) {
			kvm_device_attr attr{};
			attr.group = a.group;
			attr.attr = a.attr;
			attr.addr = reinterpret_cast<uint64_t>(a.value);
			if (ioctl_ptr(kernel(), vgic.get(), KVM_SET_DEVICE_ATTR, &attr))
				return last_error(a.what);
		}
		shared_->set_vgic(std::move(vgic));
		return {};
	}

	Result<avcpu_vgic_irq> vgic_irq(uint32_t, unsigned) const override
	{
		return Error{"AVCPU_GET_VGIC_IRQ (not on KVM)", EOPNOTSUPP};
	}

	Result<avcpu_vm_stats> stats() const override
	{
		return Error{"AVCPU_GET_VM_STATS (not on KVM)", EOPNOTSUPP};
	}

	// KVM API 4.59 KVM_IOEVENTFD: MMIO (no PIO flag), len 0 matching any width.
	Status ioeventfd(const IoEventfdMatch &m, int efd, uint32_t flags, const char *what)
	{
		kvm_ioeventfd a{};
		a.addr = m.addr;
		a.len = m.len;
		a.fd = efd;
		a.flags = flags;
		if (m.datamatch) {
			a.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
			a.datamatch = *m.datamatch;
		}
		if (ioctl_ptr(kernel(), fd(), KVM_IOEVENTFD, &a))
			return last_error(what);
		return {};
	}
	Status bind_ioeventfd(const IoEventfdMatch &m, int efd) override
	{
		return ioeventfd(m, efd, 0, "KVM_IOEVENTFD");
	}
	// KVM finds the binding by address, width and datamatch, and wants a valid eventfd
	// in the request even so: a throwaway one (not the Kernel seam's: only KVM sees it).
	Status unbind_ioeventfd(const IoEventfdMatch &m) override
	{
		int any = ::eventfd(0, EFD_CLOEXEC);
		if (any < 0)
			return last_error("eventfd");
		Status st =
			ioeventfd(m, any, KVM_IOEVENTFD_FLAG_DEASSIGN, "KVM_IOEVENTFD (deassign)");
		::close(any);
		return st;
	}

	// KVM API 4.75 KVM_IRQFD: on arm64 without routing, GSI n is INTID n + 32 (an SPI).
	Status irqfd(uint32_t intid, int efd, std::optional<int> resample_fd, uint32_t flags,
		     const char *what)
	{
		if (intid < private_irqs) // SGIs and PPIs have no GSI: as avcpu, EINVAL
			return Error{what, EINVAL};
		kvm_irqfd a{};
		a.fd = uint32_t(efd);
		a.gsi = intid - private_irqs;
		a.flags = flags;
		if (resample_fd) {
			a.flags |= KVM_IRQFD_FLAG_RESAMPLE;
			a.resamplefd = uint32_t(*resample_fd);
		}
		if (ioctl_ptr(kernel(), fd(), KVM_IRQFD, &a))
			return last_error(what);
		return {};
	}
	// KVM takes an irqfd only once the vGIC is initialised (EAGAIN before), which the
	// first run would do; done here instead, so the vCPUs must all exist by now.
	Status bind_irqfd(uint32_t intid, int efd, std::optional<int> resample_fd) override
	{
		if (auto st = shared_->ready_to_run(); !st)
			return st;
		return irqfd(intid, efd, resample_fd, 0, "KVM_IRQFD");
	}
	Status unbind_irqfd(uint32_t intid, int efd) override
	{
		return irqfd(intid, efd, std::nullopt, KVM_IRQFD_FLAG_DEASSIGN,
			     "KVM_IRQFD (deassign)");
	}

	int fd() const override { return fd_.get(); }

private:
	Kernel &kernel() const { return fd_.kernel(); }
	UniqueFd fd_;
	size_t run_size_;
	std::shared_ptr<Shared> shared_;
};

} // namespace

void Shared::set_vgic(UniqueFd vgic)
{
	std::lock_guard guard(lock_);
	vgic_ = std::move(vgic);
}

Status Shared::ready_to_run()
{
	std::lock_guard guard(lock_);
	if (initialised_ || !vgic_.valid())
		return init_result_;
	initialised_ = true;
	kvm_device_attr attr{};
	attr.group = KVM_DEV_ARM_VGIC_GRP_CTRL;
	attr.attr = KVM_DEV_ARM_VGIC_CTRL_INIT;
	if (ioctl_ptr(kernel_, vgic_.get(), KVM_SET_DEVICE_ATTR, &attr))
		init_result_ = last_error("KVM_DEV_ARM_VGIC_CTRL_INIT");
	return init_result_;
}

} // namespace kvm

int kvm_api_version(Kernel &kernel, int fd)
{
	return kernel.ioctl(fd, KVM_GET_API_VERSION, 0);
}

Result<std::unique_ptr<VmBackend>> create_kvm_vm(Kernel &kernel, int device_fd)
{
	int size = kernel.ioctl(device_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0)
		return last_error("KVM_GET_VCPU_MMAP_SIZE");
	// Type 0: the default 40-bit IPA space, more than the machine's layout needs.
	int fd = kernel.ioctl(device_fd, KVM_CREATE_VM, 0);
	if (fd < 0)
		return last_error("KVM_CREATE_VM");
	return std::unique_ptr<VmBackend>(
		std::make_unique<kvm::Vm>(UniqueFd(kernel, fd), size_t(size)));
}

} // namespace avcpu
