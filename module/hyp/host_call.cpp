// SPDX-License-Identifier: GPL-2.0
// The host-call table: every call avcpu's EL2 answers for the host kernel, with its
// arguments unpacked from the saved registers by the handler's own signature.
#include "host_call.h"

#include <stddef.h>

#include <utility>

#include "esr.h"
#include "percpu.h"
#include "sysreg.h"

namespace hyp
{
namespace
{

CallResult ping()
{
	return {AVCPU_HYP_OK, CurrentEl::read(), VbarEl2::read(), SctlrEl2::read()};
}

// Reads an address at EL2 so that tests can watch an EL2 exception being reported: an
// unmapped address makes the entry code abandon this call and return AVCPU_HYP_EFAULT.
CallResult test_fault(uint64_t address)
{
	uint64_t value = *reinterpret_cast<volatile uint64_t *>(address);
	return {AVCPU_HYP_OK, value};
}

// Calls x1.. into the handler's parameters, in order.
template <typename... Args, size_t... I>
CallResult invoke(CallResult (*fn)(Args...), const HostFrame &frame, std::index_sequence<I...>)
{
	return fn(static_cast<Args>(frame.x[I + 1])...);
}

template <auto Fn> CallResult unpack(const HostFrame &frame)
{
	return [&]<typename... Args>(CallResult (*fn)(Args...)) {
		static_assert(sizeof...(Args) <= 6, "host calls take at most x1..x6");
		return invoke(fn, frame, std::index_sequence_for<Args...>{});
	}(Fn);
}

using Handler = CallResult (*)(const HostFrame &);

struct CallTable {
	Handler entries[AVCPU_HC_COUNT] = {};

	constexpr CallTable()
	{
		entries[AVCPU_HC_PING & 0xffff] = unpack<ping>;
		entries[AVCPU_HC_TEST_FAULT & 0xffff] = unpack<test_fault>;
		entries[AVCPU_HC_VCPU_RUN & 0xffff] = unpack<vcpu_run>;
		entries[AVCPU_HC_FLUSH_VMID & 0xffff] = unpack<flush_vmid>;
		entries[AVCPU_HC_FLUSH_EL2 & 0xffff] = unpack<flush_el2>;
		entries[AVCPU_HC_GIC_INFO & 0xffff] = unpack<gic_info>;
	}
};

constexpr CallTable call_table;

void set_result(HostFrame &frame, const CallResult &result)
{
	frame.x[0] = static_cast<uint64_t>(result.status);
	frame.x[1] = result.r1;
	frame.x[2] = result.r2;
	frame.x[3] = result.r3;
}

// The hyp stub's functions the kernel may still call while avcpu owns EL2. RESET_VECTORS
// and SOFT_RESTART never get here: entry.S hands EL2 back to the stub for those.
void handle_stub_call(HostFrame &frame)
{
	switch (frame.x[0]) {
	case HVC_STUB_HCALL_NR:
		frame.x[0] = AVCPU_HYP_OWNER_MAGIC;
		break;
	// Someone else wants EL2: refuse, as the stub does for KVM calls. A hibernation restore
	// (the one legitimate caller while avcpu is loaded) is preceded by el2.c's PM notifier,
	// which hands EL2 back to the stub on every CPU first.
	case HVC_SET_VECTORS:
	case HVC_FINALISE_EL2: // boot-time only
	default:
		frame.x[0] = HVC_STUB_ERR;
		break;
	}
}

} // namespace
} // namespace hyp

// Called by entry.S for every synchronous exception from the host at EL1.
extern "C" void hyp_handle_host_sync(hyp::HostFrame *frame)
{
	using namespace hyp;
	Syndrome esr{EsrEl2::read()};
	this_cpu().host_calls++;

	if (esr.ec() != ExceptionClass::hvc64 || HvcSmc{esr.iss()}.imm() != 0) {
		// Nothing else from the host traps to EL2; answer like the stub would.
		frame->x[0] = HVC_STUB_ERR;
		return;
	}
	uint64_t fn = frame->x[0];
	if (fn <= HVC_STUB_HCALL_NR || (fn & ~0xffffULL) != AVCPU_HC_BASE) {
		handle_stub_call(*frame);
		return;
	}
	uint64_t index = fn & 0xffff;
	Handler handler = index < AVCPU_HC_COUNT ? call_table.entries[index] : nullptr;
	set_result(*frame, handler ? handler(*frame) : CallResult{AVCPU_HYP_ENOSYS});
}
