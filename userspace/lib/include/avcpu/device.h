// SPDX-License-Identifier: GPL-2.0
// /dev/avcpu or /dev/kvm, VMs and vCPUs: a thin RAII layer over the hypervisor's uapi
// (avcpu/backend.h). Every operation returns a Result or Status carrying the errno and the
// operation that failed; nothing throws. What a hypervisor cannot do fails with EOPNOTSUPP.
#pragma once

#include <linux/avcpu.h>

#include <cstdint>
#include <string>
#include <vector>

#include "avcpu/backend.h"
#include "avcpu/exit.h"
#include "avcpu/fd.h"
#include "avcpu/kernel.h"
#include "avcpu/result.h"

namespace avcpu
{

class Vm;
class Vcpu;

class Device
{
public:
	static constexpr const char *default_path = "/dev/avcpu";
	static constexpr const char *kvm_path = "/dev/kvm";

	// Opens the node and tells the hypervisor from its answer to KVM_GET_API_VERSION
	// (12 on /dev/kvm, ENOTTY on /dev/avcpu), whatever the node is called.
	static Result<Device> open(const std::string &path = default_path,
				   Kernel &kernel = system_kernel());

	Hypervisor hypervisor() const { return hypervisor_; }
	// AVCPU_GET_API_VERSION (KVM_GET_API_VERSION on KVM).
	Result<int> api_version() const;
	// AVCPU_CHECK_CAP: 0 for an absent capability. EOPNOTSUPP on KVM.
	Result<long> check_cap(unsigned long cap) const;
	Result<Vm> create_vm() const;

	int fd() const { return fd_.get(); }
	Kernel &kernel() const { return fd_.kernel(); }

private:
	Device(UniqueFd fd, Hypervisor hypervisor) : fd_(std::move(fd)), hypervisor_(hypervisor) {}
	UniqueFd fd_;
	Hypervisor hypervisor_;
};

class Vm
{
public:
	// AVCPU_SET_VM_CONFIG (AVCPU_VM_* flags), before any vCPU. KVM: only 0.
	Status set_config(uint64_t flags);
	// AVCPU_SET_SMC_POLICY, before any vCPU. avcpu only.
	Status set_smc_policy(const std::vector<avcpu_smc_range> &ranges);
	// AVCPU_SET_MEMORY_REGION: host memory at [host, host + size) as guest memory at gpa.
	Status map_memory(uint32_t slot, uint64_t gpa, void *host, uint64_t size,
			  bool read_only = false);
	Status unmap_memory(uint32_t slot);
	// AVCPU_CREATE_VCPU, with its run struct mapped; off: powered off until PSCI CPU_ON
	// (KVM: KVM_CREATE_VCPU and KVM_ARM_VCPU_INIT with PSCI 0.2, POWER_OFF when off).
	Result<Vcpu> create_vcpu(unsigned id, bool off = false);
	// AVCPU_IRQ_LINE: the IRQ or FIQ input (AVCPU_IRQ_CPU_*) of vCPU id, held at level.
	Status set_cpu_irq_line(unsigned vcpu_id, uint32_t input, bool level);
	// AVCPU_CREATE_VGIC: an in-kernel GICv3, before any vCPU runs (KVM: the
	// KVM_DEV_TYPE_ARM_VGIC_V3 device, initialised at the first RUN, after every vCPU).
	Status create_vgic(uint64_t dist_base, uint64_t redist_base, uint32_t nr_spis,
			   uint32_t nr_redists);
	// AVCPU_IRQ_LINE with a vGIC: SPI intid (32..), or PPI intid (16..31) of vCPU id.
	Status set_spi_line(uint32_t intid, bool level);
	Status set_ppi_line(unsigned vcpu_id, uint32_t intid, bool level);
	// AVCPU_GET_VGIC_IRQ: one interrupt's state (vcpu_id for SGIs and PPIs). avcpu only.
	Result<avcpu_vgic_irq> vgic_irq(uint32_t intid, unsigned vcpu_id = 0) const;
	// AVCPU_GET_VM_STATS. avcpu only.
	Result<avcpu_vm_stats> stats() const;
	// Eventfds (Documentation/api.rst): guest writes m describes signal eventfd fd with no
	// exit; eventfd fd raises SPI intid (a pulse, or with resample_fd a level held until
	// the guest ends it, resample_fd then signalled). KVM_IOEVENTFD / KVM_IRQFD on KVM,
	// where bind_irqfd() first initialises the vGIC (KVM takes no irqfd before that:
	// EAGAIN), which it otherwise does at the first run: create every vCPU before.
	Status bind_ioeventfd(const IoEventfdMatch &m, int fd);
	Status unbind_ioeventfd(const IoEventfdMatch &m);
	Status bind_irqfd(uint32_t intid, int fd, std::optional<int> resample_fd = std::nullopt);
	Status unbind_irqfd(uint32_t intid, int fd);

	int fd() const { return backend_->fd(); }

private:
	friend class Device;
	Status irq_line(uint32_t type, unsigned vcpu_id, uint32_t number, bool level);
	explicit Vm(std::unique_ptr<VmBackend> backend) : backend_(std::move(backend)) {}
	std::unique_ptr<VmBackend> backend_;
};

class Vcpu
{
public:
	unsigned id() const { return id_; }

	// AVCPU_RUN. An Interrupted exit is a value, not an error.
	Result<Exit> run();

	// Answers for the last exit, applied by the next run(). KVM has no hypercall, system
	// register or PSCI exits (it answers them itself): only complete_read() applies.
	void complete_read(uint64_t value); // MMIO or system-register read
	void set_results(uint64_t x0, uint64_t x1 = 0, uint64_t x2 = 0, uint64_t x3 = 0);
	void refuse_sysreg();		   // UNDEFINED in the guest
	void set_psci_result(int64_t ret); // userspace PSCI

	// Makes run() return Interrupted before entering the guest (see Runner::kick).
	void request_exit(bool on = true);

	Result<avcpu_regs> regs() const;
	Status set_regs(const avcpu_regs &regs);
	// AVCPU_REG_* ids of 64 bits or less (KVM: the matching KVM_GET/SET_ONE_REG ids).
	Result<uint64_t> reg(uint64_t id) const;
	Status set_reg(uint64_t id, uint64_t value);
	// KVM: KVM_GET/SET_MP_STATE; a reset re-runs KVM_ARM_VCPU_INIT.
	Result<avcpu_power_state> power_state() const;
	Status set_power(uint32_t state, bool reset = false, uint64_t entry = 0,
			 uint64_t context = 0);
	Result<avcpu_vcpu_stats> stats() const; // avcpu only

	// The raw avcpu run struct, for whatever this class does not wrap; nullptr on KVM.
	avcpu_run *run_struct() { return backend_->avcpu_run_struct(); }
	int fd() const { return backend_->fd(); }

private:
	friend class Vm;
	Vcpu(std::unique_ptr<VcpuBackend> backend, unsigned id)
	    : backend_(std::move(backend)), id_(id)
	{
	}
	std::unique_ptr<VcpuBackend> backend_;
	unsigned id_ = 0;
};

} // namespace avcpu
