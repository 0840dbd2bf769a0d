/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvc #0 from the host to whatever owns EL2 (the hyp stub or avcpu's EL2).
 */
#ifndef AVCPU_HYP_CALL_H
#define AVCPU_HYP_CALL_H

#include <linux/types.h>

#include "hyp/include/hyp_abi.h"

struct avcpu_hvc_res {
	unsigned long a0, a1, a2, a3;
};

/*
 * x0 = fn, x1..x4 = args. The hyp stub may clobber caller-saved registers (its
 * HVC_SOFT_RESTART path shuffles x0..x4 and our MMU-off entry uses x9..x12), so all of
 * x5..x17 are declared clobbered even though avcpu's EL2 preserves them.
 */
static inline struct avcpu_hvc_res avcpu_hvc(unsigned long fn, unsigned long a1,
					     unsigned long a2, unsigned long a3,
					     unsigned long a4)
{
	register unsigned long x0 asm("x0") = fn;
	register unsigned long x1 asm("x1") = a1;
	register unsigned long x2 asm("x2") = a2;
	register unsigned long x3 asm("x3") = a3;
	register unsigned long x4 asm("x4") = a4;

	asm volatile("hvc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
		     :
		     : "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
		       "x15", "x16", "x17", "memory");
	return (struct avcpu_hvc_res){ x0, x1, x2, x3 };
}

static inline long avcpu_hyp_call(unsigned long fn, unsigned long a1, struct avcpu_hvc_res *res)
{
	*res = avcpu_hvc(fn, a1, 0, 0, 0);
	return (long)res->a0;
}

#endif /* AVCPU_HYP_CALL_H */
