// SPDX-License-Identifier: GPL-2.0
// This CPU's EL2 data: TPIDR_EL2 holds its address (set by the init path in entry.S).
#pragma once

#include "hyp_abi.h"
#include "sysreg.h"

namespace hyp
{

inline avcpu_hyp_percpu &this_cpu()
{
	return *reinterpret_cast<avcpu_hyp_percpu *>(TpidrEl2::read());
}

} // namespace hyp
