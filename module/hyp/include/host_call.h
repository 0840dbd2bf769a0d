// SPDX-License-Identifier: GPL-2.0
// Calls from the host kernel to EL2 (hvc #0 from EL1): the registers the entry code saved
// and the typed handlers of avcpu's own calls.
#pragma once

#include <stdint.h>

#include "hyp_abi.h"

namespace hyp
{

// Laid out by entry.S: x0..x30 and a pad that keeps the stack 16-byte aligned.
struct HostFrame {
	uint64_t x[31];
	uint64_t pad;
};
static_assert(sizeof(HostFrame) == HOST_FRAME_SIZE);

// What a call hands back: a status in x0 and up to three values in x1..x3.
struct CallResult {
	int64_t status;
	uint64_t r1 = 0, r2 = 0, r3 = 0;
};

CallResult vcpu_run(uint64_t ctx_pa);
CallResult flush_vmid(uint64_t vttbr);
CallResult flush_el2();
CallResult gic_info();

} // namespace hyp
