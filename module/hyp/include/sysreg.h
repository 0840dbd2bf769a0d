// SPDX-License-Identifier: GPL-2.0
// System registers at EL2: one typed accessor per register, and the bits avcpu relies on.
#pragma once

#include <stdint.h>

namespace hyp
{

#define HYP_SYSREG(type, name)                                                                     \
	struct type {                                                                              \
		static uint64_t read()                                                             \
		{                                                                                  \
			uint64_t v;                                                                \
			asm volatile("mrs %0, " #name : "=r"(v));                                  \
			return v;                                                                  \
		}                                                                                  \
		static void write(uint64_t v)                                                      \
		{                                                                                  \
			asm volatile("msr " #name ", %0" : : "r"(v) : "memory");                   \
		}                                                                                  \
	}

HYP_SYSREG(CurrentEl, CurrentEL);
HYP_SYSREG(EsrEl2, esr_el2);
HYP_SYSREG(ElrEl2, elr_el2);
HYP_SYSREG(SpsrEl2, spsr_el2);
HYP_SYSREG(FarEl2, far_el2);
HYP_SYSREG(HpfarEl2, hpfar_el2);
HYP_SYSREG(VbarEl2, vbar_el2);
HYP_SYSREG(SctlrEl2, sctlr_el2);
HYP_SYSREG(TpidrEl2, tpidr_el2);
HYP_SYSREG(HcrEl2, hcr_el2);

#undef HYP_SYSREG

// Any register by name, for the world switch's long lists.
#define read_sysreg(name)                                                                          \
	({                                                                                         \
		uint64_t __v;                                                                      \
		asm volatile("mrs %0, " #name : "=r"(__v));                                        \
		__v;                                                                               \
	})
#define write_sysreg(v, name) asm volatile("msr " #name ", %0" : : "r"((uint64_t)(v)) : "memory")

inline void isb()
{
	asm volatile("isb" : : : "memory");
}

} // namespace hyp
