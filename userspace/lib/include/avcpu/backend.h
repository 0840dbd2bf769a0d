// SPDX-License-Identifier: GPL-2.0
// The hypervisor behind a Vm and its Vcpus: /dev/avcpu or /dev/kvm. Vm and Vcpu forward
// every operation to one of these, so the run loop, the devices and avcpu-run do not know
// which hypervisor they run on. The vocabulary is libavcpu's (the avcpu uapi's register,
// interrupt-line and exit types); the KVM backend translates to and from KVM's uapi
// (Documentation/userspace.rst, "Two hypervisors").
#pragma once

#include <linux/avcpu.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "avcpu/exit.h"
#include "avcpu/kernel.h"
#include "avcpu/result.h"

namespace avcpu
{

enum class Hypervisor { avcpu, kvm };

// "avcpu" or "kvm".
const char *hypervisor_name(Hypervisor hypervisor);

class VcpuBackend
{
public:
	virtual ~VcpuBackend() = default;

	virtual Result<Exit> run() = 0;
	virtual void complete_read(uint64_t value) = 0;
	virtual void set_results(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3) = 0;
	virtual void refuse_sysreg() = 0;
	virtual void set_psci_result(int64_t ret) = 0;
	virtual void request_exit(bool on) = 0;

	virtual Result<avcpu_regs> regs() const = 0;
	virtual Status set_regs(const avcpu_regs &regs) = 0;
	virtual Result<uint64_t> reg(uint64_t id) const = 0;
	virtual Status set_reg(uint64_t id, uint64_t value) = 0;
	virtual Result<avcpu_power_state> power_state() const = 0;
	virtual Status set_power(uint32_t state, bool reset, uint64_t entry, uint64_t context) = 0;
	virtual Result<avcpu_vcpu_stats> stats() const = 0;

	// avcpu's run struct; nullptr on other hypervisors.
	virtual avcpu_run *avcpu_run_struct() { return nullptr; }
	virtual int fd() const = 0;
};

// Which guest writes an ioeventfd catches (Documentation/api.rst, "Eventfds").
struct IoEventfdMatch {
	uint64_t addr = 0;
	uint32_t len = 0;		   // 1, 2, 4 or 8 bytes; 0: any width
	std::optional<uint64_t> datamatch; // only writes of this value; none: any value
};

class VmBackend
{
public:
	virtual ~VmBackend() = default;

	virtual Status set_config(uint64_t flags) = 0;
	virtual Status set_smc_policy(const std::vector<avcpu_smc_range> &ranges) = 0;
	virtual Status map_memory(uint32_t slot, uint64_t gpa, void *host, uint64_t size,
				  bool read_only) = 0;
	virtual Status unmap_memory(uint32_t slot) = 0;
	// A vCPU that starts powered off when off (PSCI CPU_ON starts it).
	virtual Result<std::unique_ptr<VcpuBackend>> create_vcpu(unsigned id, bool off) = 0;
	// AVCPU_IRQ(type, vcpu_id, number): the encoding KVM_IRQ_LINE shares.
	virtual Status irq_line(uint32_t irq, bool level) = 0;
	virtual Status create_vgic(uint64_t dist_base, uint64_t redist_base, uint32_t nr_spis,
				   uint32_t nr_redists) = 0;
	virtual Result<avcpu_vgic_irq> vgic_irq(uint32_t intid, unsigned vcpu_id) const = 0;
	virtual Result<avcpu_vm_stats> stats() const = 0;
	// AVCPU_IOEVENTFD / AVCPU_IRQFD (KVM_IOEVENTFD / KVM_IRQFD on KVM).
	virtual Status bind_ioeventfd(const IoEventfdMatch &m, int fd) = 0;
	virtual Status unbind_ioeventfd(const IoEventfdMatch &m) = 0;
	virtual Status bind_irqfd(uint32_t intid, int fd, std::optional<int> resample_fd) = 0;
	// fd: the eventfd bound to intid (KVM names a binding by both).
	virtual Status unbind_irqfd(uint32_t intid, int fd) = 0;
	virtual int fd() const = 0;
};

// A new VM on the device fd of /dev/avcpu or /dev/kvm.
Result<std::unique_ptr<VmBackend>> create_avcpu_vm(Kernel &kernel, int device_fd);
Result<std::unique_ptr<VmBackend>> create_kvm_vm(Kernel &kernel, int device_fd);

// KVM_GET_API_VERSION on fd: what the ioctl returns (-1 with errno on /dev/avcpu).
int kvm_api_version(Kernel &kernel, int fd);
// The only version KVM has had (KVM API document, 4.1 KVM_GET_API_VERSION).
inline constexpr int kvm_api_version_expected = 12;

} // namespace avcpu
