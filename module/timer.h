/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's EL1 timers (timer.c): the virtual timer runs on the hardware and is only
 * read here; the physical timer is emulated (CNTP_* trap) with a host hrtimer.
 */
#ifndef AVCPU_TIMER_H
#define AVCPU_TIMER_H

#include <linux/hrtimer.h>
#include <linux/types.h>

struct avcpu_vcpu;
struct avcpu_vcpu_ctx;

/* The emulated EL1 physical timer of a vCPU (CNTP_CTL_EL0 and CNTP_CVAL_EL0). */
struct avcpu_ptimer {
	u64 ctl;			/* ENABLE and IMASK as the guest wrote them */
	u64 cval;
	struct hrtimer hrtimer;		/* kicks the vCPU at cval */
};

/* The timers' output lines now (CNTx_CTL.ENABLE && !IMASK && the deadline passed). */
struct avcpu_timer_levels {
	bool vtimer, ptimer;
};

/* Generic-timer counter ticks (CNTFRQ_EL0 per second) in nanoseconds. */
u64 avcpu_counter_to_ns(u64 ticks);
void avcpu_timer_vcpu_init(struct avcpu_vcpu *vcpu);
void avcpu_timer_vcpu_destroy(struct avcpu_vcpu *vcpu);
void avcpu_timer_levels(struct avcpu_vcpu *vcpu, struct avcpu_timer_levels *lv);
/*
 * Nanoseconds until the earliest armed timer fires (0: one has, for a VM without a vGIC),
 * false if none is armed.
 */
bool avcpu_timer_next_ns(struct avcpu_vcpu *vcpu, u64 *ns);
/* A trapped CNTP_CTL/CVAL/TVAL_EL0 access (the VM has a vGIC): true when served. */
bool avcpu_ptimer_sysreg(struct avcpu_vcpu *vcpu);

#endif /* AVCPU_TIMER_H */
