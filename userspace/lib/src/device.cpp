// SPDX-License-Identifier: GPL-2.0
// The device node, and Vm and Vcpu forwarding to the hypervisor's backend.
#include "avcpu/device.h"

#include <fcntl.h>

#include <utility>

namespace avcpu
{

const char *hypervisor_name(Hypervisor hypervisor)
{
	return hypervisor == Hypervisor::kvm ? "kvm" : "avcpu";
}

Result<Device> Device::open(const std::string &path, Kernel &kernel)
{
	int fd = kernel.open(path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return last_error(path == kvm_path ? "open /dev/kvm" : "open /dev/avcpu");
	UniqueFd owned(kernel, fd);
	bool kvm = kvm_api_version(kernel, fd) == kvm_api_version_expected;
	return Device(std::move(owned), kvm ? Hypervisor::kvm : Hypervisor::avcpu);
}

Result<int> Device::api_version() const
{
	bool kvm = hypervisor_ == Hypervisor::kvm;
	int version = kvm ? kvm_api_version(kernel(), fd())
			  : kernel().ioctl(fd(), AVCPU_GET_API_VERSION, 0);
	if (version < 0)
		return last_error(kvm ? "KVM_GET_API_VERSION" : "AVCPU_GET_API_VERSION");
	return version;
}

Result<long> Device::check_cap(unsigned long cap) const
{
	if (hypervisor_ == Hypervisor::kvm)
		return Error{"AVCPU_CHECK_CAP (not on KVM)", EOPNOTSUPP};
	int value = kernel().ioctl(fd(), AVCPU_CHECK_CAP, cap);
	if (value < 0)
		return last_error("AVCPU_CHECK_CAP");
	return long(value);
}

Result<Vm> Device::create_vm() const
{
	auto vm = hypervisor_ == Hypervisor::kvm ? create_kvm_vm(kernel(), fd())
						 : create_avcpu_vm(kernel(), fd());
	if (!vm)
		return vm.error();
	return Vm(std::move(vm).value());
}

Status Vm::set_config(uint64_t flags)
{
	return backend_->set_config(flags);
}

Status Vm::set_smc_policy(const std::vector<avcpu_smc_range> &ranges)
{
	return backend_->set_smc_policy(ranges);
}

Status Vm::map_memory(uint32_t slot, uint64_t gpa, void *host, uint64_t size, bool read_only)
{
	return backend_->map_memory(slot, gpa, host, size, read_only);
}

Status Vm::unmap_memory(uint32_t slot)
{
	return backend_->unmap_memory(slot);
}

Result<Vcpu> Vm::create_vcpu(unsigned id, bool off)
{
	auto backend = backend_->create_vcpu(id, off);
	if (!backend)
		return backend.error();
	return Vcpu(std::move(backend).value(), id);
}

Status Vm::bind_ioeventfd(const IoEventfdMatch &m, int fd)
{
	return backend_->bind_ioeventfd(m, fd);
}

Status Vm::unbind_ioeventfd(const IoEventfdMatch &m)
{
	return backend_->unbind_ioeventfd(m);
}

Status Vm::bind_irqfd(uint32_t intid, int fd, std::optional<int> resample_fd)
{
	return backend_->bind_irqfd(intid, fd, resample_fd);
}

Status Vm::unbind_irqfd(uint32_t intid, int fd)
{
	return backend_->unbind_irqfd(intid, fd);
}

Status Vm::irq_line(uint32_t type, unsigned vcpu_id, uint32_t number, bool level)
{
	if (vcpu_id > 0xff || number > 0xffff)
		return Error{"AVCPU_IRQ_LINE", EINVAL};
	return backend_->irq_line(AVCPU_IRQ(type, vcpu_id, number), level);
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
	return backend_->create_vgic(dist_base, redist_base, nr_spis, nr_redists);
}

Result<avcpu_vgic_irq> Vm::vgic_irq(uint32_t intid, unsigned vcpu_id) const
{
	return backend_->vgic_irq(intid, vcpu_id);
}

Result<avcpu_vm_stats> Vm::stats() const
{
	return backend_->stats();
}

Result<Exit> Vcpu::run()
{
	return backend_->run();
}

void Vcpu::complete_read(uint64_t value)
{
	backend_->complete_read(value);
}

void Vcpu::set_results(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	backend_->set_results(x0, x1, x2, x3);
}

void Vcpu::refuse_sysreg()
{
	backend_->refuse_sysreg();
}

void Vcpu::set_psci_result(int64_t ret)
{
	backend_->set_psci_result(ret);
}

void Vcpu::request_exit(bool on)
{
	backend_->request_exit(on);
}

Result<avcpu_regs> Vcpu::regs() const
{
	return backend_->regs();
}

Status Vcpu::set_regs(const avcpu_regs &regs)
{
	return backend_->set_regs(regs);
}

Result<uint64_t> Vcpu::reg(uint64_t id) const
{
	return backend_->reg(id);
}

Status Vcpu::set_reg(uint64_t id, uint64_t value)
{
	return backend_->set_reg(id, value);
}

Result<avcpu_power_state> Vcpu::power_state() const
{
	return backend_->power_state();
}

Status Vcpu::set_power(uint32_t state, bool reset, uint64_t entry, uint64_t context)
{
	return backend_->set_power(state, reset, entry, context);
}

Result<avcpu_vcpu_stats> Vcpu::stats() const
{
	return backend_->stats();
}

} // namespace avcpu
