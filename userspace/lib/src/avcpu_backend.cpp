// SPDX-License-Identifier: GPL-2.0
// The avcpu backend: /dev/avcpu's VM and vCPU ioctls (Documentation/api.rst).
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "avcpu/backend.h"
#include "avcpu/eventfd.h"
#include "avcpu/fd.h"

namespace avcpu
{

namespace
{

// ioctl() with a pointer argument.
template <typename T> int ioctl_ptr(Kernel &k, int fd, unsigned long req, T *arg)
{
	return k.ioctl(fd, req, reinterpret_cast<unsigned long>(arg));
}

class AvcpuVcpu final : public VcpuBackend
{
public:
	AvcpuVcpu(UniqueFd fd, avcpu_run *run, size_t run_size)
	    : fd_(std::move(fd)), run_(run), run_size_(run_size)
	{
	}
	AvcpuVcpu(const AvcpuVcpu &) = delete;
	AvcpuVcpu &operator=(const AvcpuVcpu &) = delete;
	~AvcpuVcpu() override { kernel().munmap(run_, run_size_); }

	Result<Exit> run() override
	{
		if (kernel().ioctl(fd(), AVCPU_RUN, 0) < 0 && errno != EINTR)
			return last_error("AVCPU_RUN");
		return decode_exit(*run_);
	}

	void complete_read(uint64_t value) override
	{
		if (run_->exit_reason == AVCPU_EXIT_SYSREG)
			run_->sysreg.value = value;
		else
			std::memcpy(run_->mmio.data, &value, sizeof(value)); // little-endian
	}

	void set_results(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3) override
	{
		run_->hypercall.ret[0] = x0;
		run_->hypercall.ret[1] = x1;
		run_->hypercall.ret[2] = x2;
		run_->hypercall.ret[3] = x3;
	}

	void refuse_sysreg() override { run_->sysreg.inject_undef = 1; }
	void set_psci_result(int64_t ret) override { run_->psci.ret = uint64_t(ret); }

	void request_exit(bool on) override
	{
		__atomic_store_n(&run_->immediate_exit, on ? 1 : 0, __ATOMIC_SEQ_CST);
	}

	Result<avcpu_regs> regs() const override
	{
		avcpu_regs r{};
		if (ioctl_ptr(kernel(), fd(), AVCPU_GET_REGS, &r))
			return last_error("AVCPU_GET_REGS");
		return r;
	}

	Status set_regs(const avcpu_regs &regs) override
	{
		if (ioctl_ptr(kernel(), fd(), AVCPU_SET_REGS, &regs))
			return last_error("AVCPU_SET_REGS");
		return {};
	}

	Result<uint64_t> reg(uint64_t id) const override
	{
		uint64_t value = 0;
		avcpu_one_reg one{id, reinterpret_cast<uint64_t>(&value)};
		if (ioctl_ptr(kernel(), fd(), AVCPU_GET_ONE_REG, &one))
			return last_error("AVCPU_GET_ONE_REG");
		return value;
	}

	Status set_reg(uint64_t id, uint64_t value) override
	{
		avcpu_one_reg one{id, reinterpret_cast<uint64_t>(&value)};
		if (ioctl_ptr(kernel(), fd(), AVCPU_SET_ONE_REG, &one))
			return last_error("AVCPU_SET_ONE_REG");
		return {};
	}

	Result<avcpu_power_state> power_state() const override
	{
		avcpu_power_state ps{};
		if (ioctl_ptr(kernel(), fd(), AVCPU_GET_POWER_STATE, &ps))
			return last_error("AVCPU_GET_POWER_STATE");
		return ps;
	}

	Status set_power(uint32_t state, bool reset, uint64_t entry, uint64_t context) override
	{
		avcpu_power_state ps{};
		ps.state = state;
		ps.flags = reset ? AVCPU_POWER_RESET : 0;
		ps.entry = entry;
		ps.context = context;
		if (ioctl_ptr(kernel(), fd(), AVCPU_SET_POWER_STATE, &ps))
			return last_error("AVCPU_SET_POWER_STATE");
		return {};
	}

	Result<avcpu_vcpu_stats> stats() const override
	{
		avcpu_vcpu_stats st{};
		if (ioctl_ptr(kernel(), fd(), AVCPU_GET_VCPU_STATS, &st))
			return last_error("AVCPU_GET_VCPU_STATS");
		return st;
	}

	avcpu_run *avcpu_run_struct() override { return run_; }
	int fd() const override { return fd_.get(); }

private:
	Kernel &kernel() const { return fd_.kernel(); }
	UniqueFd fd_;
	avcpu_run *run_;
	size_t run_size_;
};

class AvcpuVm final : public VmBackend
{
public:
	AvcpuVm(UniqueFd fd, size_t run_size) : fd_(std::move(fd)), run_size_(run_size) {}

	Status set_config(uint64_t flags) override
	{
		avcpu_vm_config cfg{};
		cfg.flags = flags;
		if (ioctl_ptr(kernel(), fd(), AVCPU_SET_VM_CONFIG, &cfg))
			return last_error("AVCPU_SET_VM_CONFIG");
		return {};
	}

	Status set_smc_policy(const std::vector<avcpu_smc_range> &ranges) override
	{
		avcpu_smc_policy policy{};
		if (ranges.size() > AVCPU_SMC_MAX_RANGES)
			return Error{"AVCPU_SET_SMC_POLICY", EINVAL};
		policy.nr_ranges = uint32_t(ranges.size());
		std::copy(ranges.begin(), ranges.end(), policy.ranges);
		if (ioctl_ptr(kernel(), fd(), AVCPU_SET_SMC_POLICY, &policy))
			return last_error("AVCPU_SET_SMC_POLICY");
		return {};
	}

	Status map_memory(uint32_t slot, uint64_t gpa, void *host, uint64_t size,
			  bool read_only) override
	{
		avcpu_memory_region r{};
		r.slot = slot;
		r.flags = read_only ? AVCPU_MEM_READONLY : 0;
		r.guest_phys_addr = gpa;
		r.memory_size = size;
		r.userspace_addr = reinterpret_cast<uint64_t>(host);
		if (ioctl_ptr(kernel(), fd(), AVCPU_SET_MEMORY_REGION, &r))
			return last_error("AVCPU_SET_MEMORY_REGION");
		return {};
	}

	Status unmap_memory(uint32_t slot) override
	{
		avcpu_memory_region r{};
		r.slot = slot;
		if (ioctl_ptr(kernel(), fd(), AVCPU_SET_MEMORY_REGION, &r))
			return last_error("AVCPU_SET_MEMORY_REGION (delete)");
		return {};
	}

	Result<std::unique_ptr<VcpuBackend>> create_vcpu(unsigned id, bool off) override
	{
		int fd = kernel().ioctl(this->fd(), AVCPU_CREATE_VCPU, id);
		if (fd < 0)
			return last_error("AVCPU_CREATE_VCPU");
		UniqueFd owned(kernel(), fd);
		void *run = kernel().mmap(run_size_, fd);
		if (run == MAP_FAILED)
			return last_error("mmap of the vCPU run struct");
		auto vcpu = std::make_unique<AvcpuVcpu>(std::move(owned),
							static_cast<avcpu_run *>(run), run_size_);
		if (off)
			if (auto st = vcpu->set_power(AVCPU_POWER_OFF, false, 0, 0); !st)
				return st.error();
		return std::unique_ptr<VcpuBackend>(std::move(vcpu));
	}

	Status irq_line(uint32_t irq, bool level) override
	{
		avcpu_irq_level l{};
		l.irq = irq;
		l.level = level ? 1 : 0;
		if (ioctl_ptr(kernel(), fd(), AVCPU_IRQ_LINE, &l))
			return last_error("AVCPU_IRQ_LINE");
		return {};
	}

	Status create_vgic(uint64_t dist_base, uint64_t redist_base, uint32_t nr_spis,
			   uint32_t nr_redists) override
	{
		avcpu_vgic_config c{};
		c.dist_base = dist_base;
		c.redist_base = redist_base;
		c.nr_spis = nr_spis;
		c.nr_redists = nr_redists;
		if (ioctl_ptr(kernel(), fd(), AVCPU_CREATE_VGIC, &c))
			return last_error("AVCPU_CREATE_VGIC");
		return {};
	}

	Result<avcpu_vgic_irq> vgic_irq(uint32_t intid, unsigned vcpu_id) const override
	{
		avcpu_vgic_irq q{};
		q.intid = intid;
		q.vcpu = vcpu_id;
		if (ioctl_ptr(kernel(), fd(), AVCPU_GET_VGIC_IRQ, &q))
			return last_error("AVCPU_GET_VGIC_IRQ");
		return q;
	}

	Result<avcpu_vm_stats> stats() const override
	{
		avcpu_vm_stats st{};
		if (ioctl_ptr(kernel(), fd(), AVCPU_GET_VM_STATS, &st))
			return last_error("AVCPU_GET_VM_STATS");
		return st;
	}

	Status bind_ioeventfd(const IoEventfdMatch &m, int efd) override
	{
		return avcpu::bind_ioeventfd(kernel(), fd(), m, efd);
	}
	Status unbind_ioeventfd(const IoEventfdMatch &m) override
	{
		return avcpu::unbind_ioeventfd(kernel(), fd(), m);
	}
	Status bind_irqfd(uint32_t intid, int efd, std::optional<int> resample_fd) override
	{
		return avcpu::bind_irqfd(kernel(), fd(), intid, efd, resample_fd);
	}
	Status unbind_irqfd(uint32_t intid, int) override
	{
		return avcpu::unbind_irqfd(kernel(), fd(), intid);
	}

	int fd() const override { return fd_.get(); }

private:
	Kernel &kernel() const { return fd_.kernel(); }
	UniqueFd fd_;
	size_t run_size_;
};

} // namespace

Result<std::unique_ptr<VmBackend>> create_avcpu_vm(Kernel &kernel, int device_fd)
{
	int size = kernel.ioctl(device_fd, AVCPU_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0)
		return last_error("AVCPU_GET_VCPU_MMAP_SIZE");
	int fd = kernel.ioctl(device_fd, AVCPU_CREATE_VM, 0);
	if (fd < 0)
		return last_error("AVCPU_CREATE_VM");
	return std::unique_ptr<VmBackend>(
		std::make_unique<AvcpuVm>(UniqueFd(kernel, fd), size_t(size)));
}

} // namespace avcpu
