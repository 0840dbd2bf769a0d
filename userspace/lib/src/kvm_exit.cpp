// SPDX-License-Identifier: GPL-2.0
// KVM's exits (KVM API, 5. The kvm_run structure) as libavcpu's, so that the run loop
// and the devices handle both hypervisors alike. Anything else is an Unknown exit naming
// KVM's reason, which the runner reports and stops on.
#include <cstring>

#include "kvm_backend.h"

namespace avcpu::kvm
{

namespace
{

constexpr unsigned max_mmio_len = 8;

const char *exit_reason_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_UNKNOWN:
		return "KVM_EXIT_UNKNOWN";
	case KVM_EXIT_HYPERCALL:
		return "KVM_EXIT_HYPERCALL";
	case KVM_EXIT_MMIO:
		return "KVM_EXIT_MMIO with a length other than 1 to 8";
	case KVM_EXIT_DEBUG:
		return "KVM_EXIT_DEBUG";
	case KVM_EXIT_FAIL_ENTRY:
		return "KVM_EXIT_FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR:
		return "KVM_EXIT_INTERNAL_ERROR";
	case KVM_EXIT_SYSTEM_EVENT:
		return "KVM_EXIT_SYSTEM_EVENT";
	case KVM_EXIT_ARM_NISV:
		return "KVM_EXIT_ARM_NISV";
	default:
		return "an exit reason libavcpu does not know";
	}
}

exits::Unknown unsupported(const kvm_run &run, uint64_t detail)
{
	return exits::Unknown{run.exit_reason, "kvm", exit_reason_name(run.exit_reason), detail};
}

Exit mmio(const kvm_run &run)
{
	uint32_t len = run.mmio.len;
	if (len == 0 || len > max_mmio_len)
		return unsupported(run, len);
	uint64_t data = 0;
	if (run.mmio.is_write)
		std::memcpy(&data, run.mmio.data, len); // little-endian
	return exits::Mmio{run.mmio.phys_addr, len, run.mmio.is_write != 0, data};
}

// PSCI SYSTEM_OFF, SYSTEM_RESET and SYSTEM_RESET2 (the last flagged in data[0]).
Exit system_event(const kvm_run &run)
{
	switch (run.system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		return exits::SystemEvent{AVCPU_SYSTEM_EVENT_OFF, 0, 0};
	case KVM_SYSTEM_EVENT_RESET: {
		bool reset2 = run.system_event.ndata > 0 &&
			      (run.system_event.data[0] & KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2);
		return exits::SystemEvent{reset2 ? uint32_t(AVCPU_SYSTEM_EVENT_RESET2)
						 : AVCPU_SYSTEM_EVENT_RESET,
					  0, 0};
	}
	default:
		return unsupported(run, run.system_event.type);
	}
}

} // namespace

Exit translate_exit(const kvm_run &run)
{
	switch (run.exit_reason) {
	case KVM_EXIT_MMIO:
		return mmio(run);
	case KVM_EXIT_SYSTEM_EVENT:
		return system_event(run);
	case KVM_EXIT_INTR:
		return exits::Interrupted{};
	case KVM_EXIT_FAIL_ENTRY:
		return unsupported(run, run.fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		return unsupported(run, run.internal.suberror);
	default:
		return unsupported(run, 0);
	}
}

} // namespace avcpu::kvm
