// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's EL1 timers (Arm ARM D12 "The Generic Timer in AArch64 state"). The virtual
 * timer (CNTV_*, PPI 27) is the hardware's while the guest runs; its level is computed
 * here from the saved registers whenever the host needs it. The physical timer (CNTP_*,
 * PPI 30) is the host's own, so the guest's accesses trap (CNTHCTL_EL2.EL1PCEN = 0) and,
 * with a vGIC, are served here against the physical counter, with an hrtimer that kicks
 * the vCPU at the deadline.
 */
#include <linux/math64.h>
#include <asm/sysreg.h>

#include <uapi/linux/avcpu.h>

#include "timer.h"
#include "vcpu.h"

/* CNTx_CTL_EL0 (D24.8.x): ENABLE, IMASK, ISTATUS (read-only). */
#define CNT_CTL_ENABLE		BIT_ULL(0)
#define CNT_CTL_IMASK		BIT_ULL(1)
#define CNT_CTL_ISTATUS		BIT_ULL(2)

/* CNTP_TVAL_EL0 (3,3,14,2,0), CNTP_CTL_EL0 (3,3,14,2,1), CNTP_CVAL_EL0 (3,3,14,2,2). */
#define CNTP_OP2_TVAL		0
#define CNTP_OP2_CTL		1
#define CNTP_OP2_CVAL		2

static bool avcpu_timer_armed(u64 ctl)
{
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE;
}

u64 avcpu_counter_to_ns(u64 ticks)
{
	return mul_u64_u64_div_u64(ticks, NSEC_PER_SEC, read_sysreg(cntfrq_el0));
}

static enum hrtimer_restart avcpu_ptimer_fire(struct hrtimer *t)
{
	struct avcpu_vcpu *vcpu = container_of(t, struct avcpu_vcpu, ptimer.hrtimer);

	avcpu_vcpu_kick(vcpu);
	return HRTIMER_NORESTART;
}

void avcpu_timer_vcpu_init(struct avcpu_vcpu *vcpu)
{
	hrtimer_init(&vcpu->ptimer.hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	vcpu->ptimer.hrtimer.function = avcpu_ptimer_fire;
}

void avcpu_timer_vcpu_destroy(struct avcpu_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->ptimer.hrtimer);
}

void avcpu_timer_levels(struct avcpu_vcpu *vcpu, struct avcpu_timer_levels *lv)
{
	const struct avcpu_vcpu_ctx *ctx = vcpu->ctx;
	u64 now = read_sysreg(cntpct_el0);

	lv->vtimer = avcpu_timer_armed(ctx->sys[VSYS_CNTV_CTL]) &&
		     now - ctx->cntvoff >= ctx->sys[VSYS_CNTV_CVAL];
	lv->ptimer = avcpu_timer_armed(vcpu->ptimer.ctl) && now >= vcpu->ptimer.cval;
}

static void avcpu_timer_min_ns(u64 ctl, u64 cval, u64 now, bool skip_fired, bool *any,
			       u64 *ns)
{
	u64 left;

	if (!avcpu_timer_armed(ctl) || (skip_fired && cval <= now))
		return;
	left = cval <= now ? 0 : avcpu_counter_to_ns(cval - now);
	if (!*any || left < *ns)
		*ns = left;
	*any = true;
}

bool avcpu_timer_next_ns(struct avcpu_vcpu *vcpu, u64 *ns)
{
	const struct avcpu_vcpu_ctx *ctx = vcpu->ctx;
	u64 now = read_sysreg(cntpct_el0);
	/*
	 * With a vGIC a fired timer is a level the vGIC decides about (it may be disabled or
	 * masked there); without one, a fired virtual timer ends the wait by itself.
	 */
	bool vgic = vcpu->vm->vgic, any = false;

	avcpu_timer_min_ns(ctx->sys[VSYS_CNTV_CTL], ctx->sys[VSYS_CNTV_CVAL], now - ctx->cntvoff,
			   vgic, &any, ns);
	if (vgic)
		avcpu_timer_min_ns(vcpu->ptimer.ctl, vcpu->ptimer.cval, now, true, &any, ns);
	return any;
}

/* After CTL or CVAL changed: the hrtimer follows the new deadline. */
static void avcpu_ptimer_rearm(struct avcpu_vcpu *vcpu)
{
	struct avcpu_ptimer *pt = &vcpu->ptimer;
	u64 now = read_sysreg(cntpct_el0);

	hrtimer_try_to_cancel(&pt->hrtimer);
	if (!avcpu_timer_armed(pt->ctl) || pt->cval <= now)
		return; /* the level is computed again before the next entry */
	hrtimer_start(&pt->hrtimer, ns_to_ktime(avcpu_counter_to_ns(pt->cval - now)),
		      HRTIMER_MODE_REL_HARD);
}

static u64 avcpu_ptimer_read(struct avcpu_vcpu *vcpu, unsigned int op2)
{
	const struct avcpu_ptimer *pt = &vcpu->ptimer;
	u64 now = read_sysreg(cntpct_el0);

	switch (op2) {
	case CNTP_OP2_TVAL: /* the low 32 bits of CVAL - count, a signed down-counter */
		return (u32)(pt->cval - now);
	case CNTP_OP2_CTL:
		return pt->ctl | ((pt->ctl & CNT_CTL_ENABLE) && now >= pt->cval ?
					  CNT_CTL_ISTATUS : 0);
	default:
		return pt->cval;
	}
}

static void avcpu_ptimer_write(struct avcpu_vcpu *vcpu, unsigned int op2, u64 value)
{
	struct avcpu_ptimer *pt = &vcpu->ptimer;

	switch (op2) {
	case CNTP_OP2_TVAL:
		pt->cval = read_sysreg(cntpct_el0) + (s64)(s32)value;
		break;
	case CNTP_OP2_CTL:
		pt->ctl = value & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
		break;
	default:
		pt->cval = value;
		break;
	}
	avcpu_ptimer_rearm(vcpu);
}

bool avcpu_ptimer_sysreg(struct avcpu_vcpu *vcpu)
{
	const struct avcpu_hyp_exit *e = &vcpu->ctx->exit;
	unsigned int op2 = e->sysreg.op2;

	if (e->sysreg.op0 != 3 || e->sysreg.op1 != 3 || e->sysreg.crn != 14 ||
	    e->sysreg.crm != 2 || op2 > CNTP_OP2_CVAL)
		return false;
	if (e->sysreg.is_write) {
		avcpu_ptimer_write(vcpu, op2, e->sysreg.value);
		vcpu->ctx->complete_value = 0;
	} else {
		vcpu->ctx->complete_value = avcpu_ptimer_read(vcpu, op2);
	}
	vcpu->ctx->complete = VCPU_COMPLETE_SYSREG;
	return true;
}
