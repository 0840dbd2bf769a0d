// SPDX-License-Identifier: GPL-2.0
// The GICv3 virtual CPU interface's world switch (vgic_sr.cpp).
#pragma once

#include <stdint.h>

#include "hyp_abi.h"

namespace hyp
{

unsigned vgic_nr_lrs(uint64_t ich_vtr);
unsigned vgic_nr_aprs(uint64_t ich_vtr);

// After the guest's EL1 state is loaded, just before the first entry of a run.
void vgic_enter(avcpu_vgic_cpu_if &gic, bool has_vgic);
// After the last exit of a run, before the host's state comes back: ICH_HCR_EL2 = 0.
void vgic_exit(avcpu_vgic_cpu_if &gic, bool has_vgic);

} // namespace hyp
