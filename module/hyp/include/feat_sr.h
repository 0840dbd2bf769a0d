// SPDX-License-Identifier: GPL-2.0
// World-switch state that only some CPUs have (feat_sr.cpp): which of it this CPU has is
// read from this CPU's own ID registers at EL2, never from a value the host handed over,
// so that a heterogeneous system or a kernel whose sanitised view lacks a field (6.1 has
// no ID_AA64MMFR1_EL1.HCX) cannot make EL2 skip a register the guest can write.
#pragma once

#include <stdint.h>

#include "hyp_abi.h"

namespace hyp
{

// What this CPU implements, of the features the world switch must know about.
enum CpuFeature : uint32_t {
	feat_sme = 1U << 0,	    // TPIDR2_EL0, SMPRI_EL1
	feat_s1pie = 1U << 1,	    // PIRE0_EL1, PIR_EL1
	feat_s1poe = 1U << 2,	    // POR_EL0, POR_EL1
	feat_ras = 1U << 3,	    // VDISR_EL2
	feat_hcx = 1U << 4,	    // HCRX_EL2
	feat_mpam = 1U << 5,	    // MPAM2_EL2
	feat_spe = 1U << 6,	    // PMBLIMITR_EL1 (the profiling buffer)
	feat_trbe = 1U << 7,	    // TRBLIMITR_EL1 (the trace buffer)
	feat_a77_1508412 = 1U << 8, // Cortex-A77 erratum 1508412: PAR_EL1 reads need dmb sy
};

uint32_t cpu_features();

// PAR_EL1, read as Cortex-A77 erratum 1508412 requires where it applies.
uint64_t read_par_el1(uint32_t features);

// The feature-dependent entries of a VSYS_* array (VSYS_TPIDR2_EL0 onwards).
void save_feature_el1(__u64 *s, uint32_t features);
void restore_feature_el1(const __u64 *s, uint32_t features);

// The host's debug buffers, the MPAM traps and the GIC's ICC_SRE_EL2 around a run.
struct HostFeatureState {
	uint32_t features;
	uint64_t mpam2, icc_sre_el2, icc_sre_el1, pmblimitr, trblimitr;
};

// Before any guest EL2 control is loaded: saves the host's values, drains and disables
// its SPE/TRBE buffers.
void save_host_features(HostFeatureState &h, uint32_t features);
// While loading the guest's EL2 controls: the traps a guest runs under.
void load_guest_features(const HostFeatureState &h);
// After the host's EL2 controls are back: the host's values, buffers re-enabled.
void restore_host_features(const HostFeatureState &h);

} // namespace hyp
