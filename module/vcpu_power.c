// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's power state (PSCI's view), kicks, and the sleeps of RUN: WFI, CPU_SUSPEND and
 * being off. Other vCPUs and ioctls change the state while RUN sleeps; RUN's thread applies
 * it under vcpu->lock.
 */
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <asm/sysreg.h>

#include <uapi/linux/avcpu.h>

#include "vcpu.h"
#include "vgic.h"

void avcpu_vcpu_kick(struct avcpu_vcpu *vcpu)
{
	struct task_struct *task;

	WRITE_ONCE(vcpu->wake, true);
	wake_up_interruptible(&vcpu->wq);
	/* A vCPU in the guest leaves it on the IPI; one between checks sees wake. */
	rcu_read_lock();
	task = READ_ONCE(vcpu->task);
	if (task && task != current)
		kick_process(task);
	rcu_read_unlock();
}

void avcpu_vcpu_set_power(struct avcpu_vcpu *vcpu, u32 state, bool reset, u64 entry,
			  u64 context)
{
	spin_lock(&vcpu->power_lock);
	if (state == AVCPU_POWER_ON && reset) {
		vcpu->reset_pending = true;
		vcpu->reset_entry = entry;
		vcpu->reset_context = context;
	} else {
		vcpu->power = state;
		if (state == AVCPU_POWER_OFF)
			vcpu->reset_pending = false;
	}
	spin_unlock(&vcpu->power_lock);
	avcpu_vcpu_kick(vcpu);
}

bool avcpu_vcpu_power_check(struct avcpu_vcpu *vcpu)
{
	bool reset, on;
	u64 entry = 0, context = 0;

	spin_lock(&vcpu->power_lock);
	reset = vcpu->reset_pending;
	if (reset) {
		entry = vcpu->reset_entry;
		context = vcpu->reset_context;
		vcpu->reset_pending = false;
		vcpu->power = AVCPU_POWER_ON;
	}
	on = vcpu->power == AVCPU_POWER_ON;
	spin_unlock(&vcpu->power_lock);
	if (reset)
		avcpu_vcpu_power_on_reset(vcpu, entry, context);
	return on;
}

bool avcpu_vcpu_has_work(struct avcpu_vcpu *vcpu)
{
	return READ_ONCE(vcpu->wake) || READ_ONCE(vcpu->reset_pending) ||
	       READ_ONCE(vcpu->run->immediate_exit);
}

/*
 * A WFI ends on a pending interrupt even while PSTATE masks it (Arm ARM D1.6.2): an
 * asserted CPU line, or one the vGIC would deliver (its timers' levels included).
 */
bool avcpu_vcpu_has_irq(struct avcpu_vcpu *vcpu)
{
	return READ_ONCE(vcpu->irq_lines) != 0 || avcpu_vgic_has_irq(vcpu);
}

void avcpu_vcpu_wait(struct avcpu_vcpu *vcpu)
{
	u64 ns;

	if (avcpu_vcpu_has_irq(vcpu))
		return;
	vcpu->stats.wfi_sleeps++;
	if (avcpu_timer_next_ns(vcpu, &ns)) {
		if (!ns)
			return;
		wait_event_interruptible_hrtimeout(vcpu->wq, avcpu_vcpu_has_work(vcpu) ||
							   avcpu_vcpu_has_irq(vcpu),
						   ns_to_ktime(ns));
	} else {
		wait_event_interruptible(vcpu->wq, avcpu_vcpu_has_work(vcpu) ||
						   avcpu_vcpu_has_irq(vcpu));
	}
	WRITE_ONCE(vcpu->wake, false);
}

void avcpu_vcpu_wait_off(struct avcpu_vcpu *vcpu)
{
	vcpu->stats.wfi_sleeps++;
	wait_event_interruptible(vcpu->wq, avcpu_vcpu_has_work(vcpu));
	WRITE_ONCE(vcpu->wake, false);
}

static long avcpu_get_power(struct avcpu_vcpu *vcpu, void __user *arg)
{
	struct avcpu_power_state ps = {};

	spin_lock(&vcpu->power_lock);
	ps.state = vcpu->power == AVCPU_POWER_ON || vcpu->reset_pending ? AVCPU_POWER_ON :
									    AVCPU_POWER_OFF;
	spin_unlock(&vcpu->power_lock);
	return copy_to_user(arg, &ps, sizeof(ps)) ? -EFAULT : 0;
}

static long avcpu_set_power(struct avcpu_vcpu *vcpu, const void __user *arg)
{
	struct avcpu_power_state ps;

	if (copy_from_user(&ps, arg, sizeof(ps)))
		return -EFAULT;
	if (ps.state > AVCPU_POWER_OFF || ps.flags & ~AVCPU_POWER_RESET || ps.reserved ||
	    (ps.flags & AVCPU_POWER_RESET && ps.state != AVCPU_POWER_ON))
		return -EINVAL;
	avcpu_vcpu_set_power(vcpu, ps.state, ps.flags & AVCPU_POWER_RESET, ps.entry, ps.context);
	return 0;
}

long avcpu_vcpu_power_ioctl(struct avcpu_vcpu *vcpu, unsigned int cmd, void __user *arg)
{
	return cmd == AVCPU_GET_POWER_STATE ? avcpu_get_power(vcpu, arg) :
					      avcpu_set_power(vcpu, arg);
}
