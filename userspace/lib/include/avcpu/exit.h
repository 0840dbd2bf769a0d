// SPDX-License-Identifier: GPL-2.0
// Every exit of RUN as a value of its own type.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <variant>

#include <linux/avcpu.h>

namespace avcpu
{

namespace exits
{

// A load or store outside guest memory. For a read, answer with Vcpu::complete_read().
struct Mmio {
	uint64_t address;
	uint32_t length;
	bool write;
	uint64_t data; // the value written
};

// The same without a valid syndrome (LDP/STP, writeback forms): not decoded.
struct MmioNoSyndrome {
	uint64_t esr, address, far;
};

// HVC (or an SMC no rule handled, smc set). Results go in through Vcpu::set_results().
struct Hypercall {
	uint16_t immediate;
	std::array<uint64_t, 7> args;
	bool smc;
};

// Nothing handled it: the guest is where it was.
struct Exception {
	uint64_t esr, far, hpfar, pc, pstate;
};

// RUN ended before entering the guest (signal or immediate_exit).
struct Interrupted {
};

// MSR/MRS left to the VMM. Answer a read with Vcpu::complete_read() or refuse it with
// Vcpu::refuse_sysreg().
struct Sysreg {
	uint8_t op0, op1, crn, crm, op2, rt;
	bool write;
	uint64_t value;
};

// PSCI SYSTEM_OFF / SYSTEM_RESET / SYSTEM_RESET2: every vCPU was stopped first.
struct SystemEvent {
	uint32_t type; // AVCPU_SYSTEM_EVENT_*
	uint64_t reset_type, cookie;
};

// Userspace PSCI only.
struct CpuOn {
	uint64_t target_mpidr, entry, context;
};
struct CpuOff {
};

// WFI, with AVCPU_VM_WFI_EXIT.
struct Wfi {
};

// A reason this library does not know (a newer kernel), or an exit of KVM's it does not
// translate (hypervisor "kvm", name KVM's, detail what KVM said more: the entry failure
// reason, the internal error's suberror, the system event's type).
struct Unknown {
	uint32_t reason;
	const char *hypervisor = "avcpu";
	const char *name = nullptr;
	uint64_t detail = 0;
};

} // namespace exits

using Exit = std::variant<exits::Mmio, exits::MmioNoSyndrome, exits::Hypercall, exits::Exception,
			  exits::Interrupted, exits::Sysreg, exits::SystemEvent, exits::CpuOn,
			  exits::CpuOff, exits::Wfi, exits::Unknown>;

// The exit the run struct describes.
Exit decode_exit(const avcpu_run &run);

// A short name ("mmio", "hypercall", ...) and a one-line description, for traces.
const char *exit_name(const Exit &exit);
// The same names by AVCPU_EXIT_* number (as in avcpu_vcpu_stats.exits[]); "unknown" past them.
const char *exit_reason_name(uint32_t reason);
std::string describe_exit(const Exit &exit);

} // namespace avcpu
