// SPDX-License-Identifier: GPL-2.0
// Physical SErrors at a guest's exit: injected into the guest, ignored, or the run fails
// (classification in serror.h; Documentation/el2.rst, "Mitigations"). For guest.cpp only.
#pragma once

#include "guest_exit.h"
#include "percpu.h"
#include "serror.h"
#include "sysreg.h"

namespace hyp
{

// HCR_EL2.VSE [8]: a virtual SError is pending for the guest (hardware clears it when the
// guest takes it). VSESR_EL2 (S3_4_C5_C2_3, FEAT_RAS) is the syndrome the guest then sees:
// IDS, an IMPLEMENTATION DEFINED error, as the host knows nothing more the guest could use.
constexpr uint64_t hcr_vse = 1ULL << 8;

inline bool cpu_has_ras()
{
	return this_cpu().mitigations & HYP_MIT_RAS;
}

// A physical SError taken from the guest (AMO routes it here) or deferred at its exit.
inline avcpu_exit_action handle_serror(avcpu_vcpu_ctx &ctx, uint64_t syndrome)
{
	switch (classify_serror(syndrome, cpu_has_ras())) {
	case SErrorAction::ignore:
		return AVCPU_ACTION_RESUME;
	case SErrorAction::inject:
		if (cpu_has_ras())
			write_sysreg(serror_ids, S3_4_C5_C2_3);
		ctx.hcr |= hcr_vse;
		write_sysreg(read_sysreg(hcr_el2) | hcr_vse, hcr_el2);
		isb();
		ctx.stats.aborts_injected++;
		return AVCPU_ACTION_RESUME;
	case SErrorAction::host_fatal:
	default:
		ctx.exit.reason = HYP_EXIT_HOST_SERROR;
		ctx.exit.esr = syndrome;
		return AVCPU_ACTION_HOST;
	}
}

// An SError still pending from the guest when it exited, caught before it could reach the
// host (entry.S, guest_exit). With FEAT_RAS, the ESB deferred it into DISR_EL1
// (S3_0_C12_C1_1; A [31] set); without, the error window took it at EL2 and left ESR_EL2
// (EC 0x2f, never 0) in this CPU's exit_serror.
inline bool take_deferred_serror(avcpu_vcpu_ctx &ctx, avcpu_exit_action &action)
{
	constexpr uint64_t disr_a = 1ULL << 31;
	constexpr uint64_t esr_iss_mask = (1ULL << 25) - 1;

	if (!cpu_has_ras()) {
		uint64_t esr = this_cpu().exit_serror;
		if (!esr)
			return false;
		this_cpu().exit_serror = 0;
		action = handle_serror(ctx, esr & esr_iss_mask);
		return action != AVCPU_ACTION_RESUME;
	}
	uint64_t disr = read_sysreg(S3_0_C12_C1_1);
	if (!(disr & disr_a))
		return false;
	write_sysreg(0, S3_0_C12_C1_1);
	action = handle_serror(ctx, disr & ~disr_a);
	return action != AVCPU_ACTION_RESUME;
}

} // namespace hyp
