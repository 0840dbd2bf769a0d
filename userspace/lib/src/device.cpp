// SPDX-License-Identifier: GPL-2.0
#include "avcpu/device.h"

#include <fcntl.h>
#include <sys/mman.h>

#include <cstring>
#include <utility>

namespace avcpu
{

namespace
{

// ioctl() with a pointer argument.
template <typename T> int ioctl_ptr(Kernel &k, int fd, unsigned long req, T *arg)
{
	return k.ioctl(fd, req, reinterpret_cast<unsigned long>(arg));
}

} // namespace

Result<Device> Device::open(const std::string &path, Kernel &kernel)
{
	int fd = kernel.open(path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return last_error("open /dev/avcpu");
	return Device(UniqueFd(kernel, fd));
}

Result<int> Device::api_version() const
{
	int version = kernel().ioctl(fd(), AVCPU_GET_API_VERSION, 0);
	if (version < 0)
		return last_error("AVCPU_GET_API_VERSION");
	return version;
}

Result<long> Device::check_cap(unsigned long cap) const
{
	int value = kernel().ioctl(fd(), AVCPU_CHECK_CAP, cap);
	if (value < 0)
		return last_error("AVCPU_CHECK_CAP");
	return long(value);
}

Result<Vm> Device::create_vm() const
{
	int size = kernel().ioctl(fd(), AVCPU_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0)
		return last_error("AVCPU_GET_VCPU_MMAP_SIZE");
	int fd = kernel().ioctl(this->fd(), AVCPU_CREATE_VM, 0);
	if (fd < 0)
		return last_error("AVCPU_CREATE_VM");
	return Vm(UniqueFd(kernel(), fd), size_t(size));
}

Status Vm::set_config(uint64_t flags)
{
	avcpu_vm_config cfg{};
	cfg.flags = flags;
	if (ioctl_ptr(kernel(), fd(), AVCPU_SET_VM_CONFIG, &cfg))
		return last_error("AVCPU_SET_VM_CONFIG");
	return {};
}

Status Vm::set_smc_policy(const std::vector<avcpu_smc_range> &ranges)
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

Status Vm::irq_line(uint32_t type, unsigned vcpu_id, uint32_t number, bool level)
{
	avcpu_irq_level l{};
	if (vcpu_id > 0xff || number > 0xffff)
		return Error{"AVCPU_IRQ_LINE", EINVAL};
	l.irq = AVCPU_IRQ(type, vcpu_id, number);
	l.level = level ? 1 : 0;
	if (ioctl_ptr(kernel(), fd(), AVCPU_IRQ_LINE, &l))
		return last_error("AVCPU_IRQ_LINE");
	return {};
}

Status Vm::set_cpu_irq_line(unsigned vcpu_id, uint32_t input, bool level)
{
	return irq_line(AVCPU_IRQ_TYPE_CPU, vcpu_id, input, level);
}

Status Vm::set_spi_line(uint32_t intid, bool level)
{
	return irq_line(AVCPU_IRQ_TYPE_SPI, 0, intid, level);
}

Status Vm::set_ppi_line(unsigned vcpu_id, uint32_t intid, bool level)
{
	return irq_line(AVCPU_IRQ_TYPE_PPI, vcpu_id, intid, level);
}

Status Vm::create_vgic(uint64_t dist_base, uint64_t redist_base, uint32_t nr_spis,
		       uint32_t nr_redists)
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

Result<avcpu_vgic_irq> Vm::vgic_irq(uint32_t intid, unsigned vcpu_id) const
{
	avcpu_vgic_irq q{};
	q.intid = intid;
	q.vcpu = vcpu_id;
	if (ioctl_ptr(kernel(), fd(), AVCPU_GET_VGIC_IRQ, &q))
		return last_error("AVCPU_GET_VGIC_IRQ");
	return q;
}

Result<avcpu_vm_stats> Vm::stats() const
{
	avcpu_vm_stats st{};
	if (ioctl_ptr(kernel(), fd(), AVCPU_GET_VM_STATS, &st))
		return last_error("AVCPU_GET_VM_STATS");
	return st;
}

Status Vm::map_memory(uint32_t slot, uint64_t gpa, void *host, uint64_t size, bool read_only)
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

Status Vm::unmap_memory(uint32_t slot)
{
	avcpu_memory_region r{};
	r.slot = slot;
	if (ioctl_ptr(kernel(), fd(), AVCPU_SET_MEMORY_REGION, &r))
		return last_error("AVCPU_SET_MEMORY_REGION (delete)");
	return {};
}

Result<Vcpu> Vm::create_vcpu(unsigned id)
{
	int fd = kernel().ioctl(this->fd(), AVCPU_CREATE_VCPU, id);
	if (fd < 0)
		return last_error("AVCPU_CREATE_VCPU");
	UniqueFd owned(kernel(), fd);
	void *run = kernel().mmap(run_size_, fd);
	if (run == MAP_FAILED)
		return last_error("mmap of the vCPU run struct");
	return Vcpu(std::move(owned), id, static_cast<avcpu_run *>(run), run_size_);
}

Vcpu::Vcpu(Vcpu &&other) noexcept
    : fd_(std::move(other.fd_)), id_(other.id_), run_(std::exchange(other.run_, nullptr)),
      run_size_(other.run_size_)
{
}

Vcpu &Vcpu::operator=(Vcpu &&other) noexcept
{
	if (this != &other) {
		if (run_)
			fd_.kernel().munmap(run_, run_size_);
		fd_ = std::move(other.fd_);
		id_ = other.id_;
		run_ = std::exchange(other.run_, nullptr);
		run_size_ = other.run_size_;
	}
	return *this;
}

Vcpu::~Vcpu()
{
	if (run_)
		fd_.kernel().munmap(run_, run_size_);
}

Result<Exit> Vcpu::run()
{
	if (fd_.kernel().ioctl(fd(), AVCPU_RUN, 0) < 0 && errno != EINTR)
		return last_error("AVCPU_RUN");
	return decode_exit(*run_);
}

void Vcpu::complete_read(uint64_t value)
{
	if (run_->exit_reason == AVCPU_EXIT_SYSREG)
		run_->sysreg.value = value;
	else
		std::memcpy(run_->mmio.data, &value, sizeof(value)); // little-endian, as the uapi
}

void Vcpu::set_results(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	run_->hypercall.ret[0] = x0;
	run_->hypercall.ret[1] = x1;
	run_->hypercall.ret[2] = x2;
	run_->hypercall.ret[3] = x3;
}

void Vcpu::refuse_sysreg()
{
	run_->sysreg.inject_undef = 1;
}

void Vcpu::set_psci_result(int64_t ret)
{
	run_->psci.ret = uint64_t(ret);
}

void Vcpu::request_exit(bool on)
{
	__atomic_store_n(&run_->immediate_exit, on ? 1 : 0, __ATOMIC_SEQ_CST);
}

Result<avcpu_regs> Vcpu::regs() const
{
	avcpu_regs r{};
	if (ioctl_ptr(fd_.kernel(), fd(), AVCPU_GET_REGS, &r))
		return last_error("AVCPU_GET_REGS");
	return r;
}

Status Vcpu::set_regs(const avcpu_regs &regs)
{
	if (ioctl_ptr(fd_.kernel(), fd(), AVCPU_SET_REGS, &regs))
		return last_error("AVCPU_SET_REGS");
	return {};
}

Result<uint64_t> Vcpu::reg(uint64_t id) const
{
	uint64_t value = 0;
	avcpu_one_reg one{id, reinterpret_cast<uint64_t>(&value)};
	if (ioctl_ptr(fd_.kernel(), fd(), AVCPU_GET_ONE_REG, &one))
		return last_error("AVCPU_GET_ONE_REG");
	return value;
}

Status Vcpu::set_reg(uint64_t id, uint64_t value)
{
	avcpu_one_reg one{id, reinterpret_cast<uint64_t>(&value)};
	if (ioctl_ptr(fd_.kernel(), fd(), AVCPU_SET_ONE_REG, &one))
		return last_error("AVCPU_SET_ONE_REG");
	return {};
}

Result<avcpu_power_state> Vcpu::power_state() const
{
	avcpu_power_state ps{};
	if (ioctl_ptr(fd_.kernel(), fd(), AVCPU_GET_POWER_STATE, &ps))
		return last_error("AVCPU_GET_POWER_STATE");
	return ps;
}

Status Vcpu::set_power(uint32_t state, bool reset, uint64_t entry, uint64_t context)
{
	avcpu_power_state ps{};
	ps.state = state;
	ps.flags = reset ? AVCPU_POWER_RESET : 0;
	ps.entry = entry;
	ps.context = context;
	if (ioctl_ptr(fd_.kernel(), fd(), AVCPU_SET_POWER_STATE, &ps))
		return last_error("AVCPU_SET_POWER_STATE");
	return {};
}

Result<avcpu_vcpu_stats> Vcpu::stats() const
{
	avcpu_vcpu_stats st{};
	if (ioctl_ptr(fd_.kernel(), fd(), AVCPU_GET_VCPU_STATS, &st))
		return last_error("AVCPU_GET_VCPU_STATS");
	return st;
}

} // namespace avcpu
