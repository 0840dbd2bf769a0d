// SPDX-License-Identifier: GPL-2.0
// Physical SErrors met while a guest runs: whose they are, and what happens to them.
#pragma once

#include <stdint.h>

namespace hyp
{

// The SError syndrome (ESR_ELx ISS for EC 0x2f, and DISR_EL1, which has the same fields;
// Arm ARM D19.2 "ISS encoding for an SError exception"): IDS [24] says the rest is
// IMPLEMENTATION DEFINED; with FEAT_RAS and IDS 0, AET [12:10] is the error's severity and
// DFSC [5:0] 0x11 marks an asynchronous SError.
constexpr uint64_t serror_ids = 1ULL << 24;
constexpr unsigned serror_aet_shift = 10;
constexpr uint64_t serror_aet_mask = 7;
constexpr uint64_t serror_dfsc_mask = 0x3f;
constexpr uint64_t serror_dfsc_async = 0x11;

enum class SErrorSeverity : uint64_t {
	uc = 0,	 // uncontainable: the machine's state cannot be trusted
	ueu = 1, // unrecoverable: the context that consumed it cannot go on
	ueo = 2, // restartable: not consumed yet
	uer = 3, // recoverable: consumed, the context may be killed or retried
	ce = 6,	 // corrected
};

enum class SErrorAction {
	ignore,	    // nothing was lost: resume the guest
	inject,	    // the guest's: a virtual SError for it, the host goes on
	host_fatal, // not containable: the host kernel must decide (it panics)
};

// An SError taken or deferred while the guest ran (or at its exit's error barrier).
constexpr SErrorAction classify_serror(uint64_t syndrome, bool ras)
{
	// Without an architected severity, it arrived while the guest ran: the guest's.
	if (!ras || (syndrome & serror_ids) || (syndrome & serror_dfsc_mask) != serror_dfsc_async)
		return SErrorAction::inject;
	switch (static_cast<SErrorSeverity>((syndrome >> serror_aet_shift) & serror_aet_mask)) {
	case SErrorSeverity::ce:
	case SErrorSeverity::ueo:
		return SErrorAction::ignore;
	case SErrorSeverity::ueu:
	case SErrorSeverity::uer:
		return SErrorAction::inject;
	case SErrorSeverity::uc:
	default:
		return SErrorAction::host_fatal;
	}
}

} // namespace hyp
