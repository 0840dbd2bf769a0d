// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's power state (PSCI's view), kicks, and the sleeps of RUN: WFI, CPU_SUSPEND and
 * being off. Other vCPUs and ioctls change the state while RUN sleeps; RUN's thread applies
 * it under vcpu->lock.
 */
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/uaccess.h>
#include <asm/sysreg.h>

#include <uapi/linux/avcpu.h>

#include "vcpu.h"
#include "vgic.h"

void avcpu_vcpu_kick(struct avcpu_vcpu *vcpu)
{
	struct task_struct *task;

	WRITE_ONCE(vcpu->wake, true);
	/*
	 * Pairs with the barrier between setting in_guest and the last look at wake before
	 * an entry (avcpu_vcpu_enter): either that look sees wake, or this one sees
	 * in_guest and the IPI makes the guest exit. A vCPU polling or handling an exit in
	 * the kernel sees wake by itself and is spared the IPI.
	 */
	smp_mb();
	/* After the barrier: a sleeper that missed wake is on the queue (prepare_to_wait). */
	if (waitqueue_active(&vcpu->wq))
		wake_up_interruptible(&vcpu->wq);
	if (!READ_ONCE(vcpu->in_guest))
		return;
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

/*
 * Halt polling: a WFI that ends soon is cheaper to wait for on the CPU than asleep, whose
 * wake-up costs a scheduler round trip on each side. Each vCPU keeps a window that grows
 * while its sleeps end within halt_poll_ns and closes after a longer one; a timer deadline
 * within halt_poll_ns is polled up to whatever the window. 0 turns polling off.
 */
static unsigned int halt_poll_ns = 500000;	/* KVM's default on arm64: same policy */
module_param(halt_poll_ns, uint, 0644);
MODULE_PARM_DESC(halt_poll_ns, "Longest a vCPU in WFI polls before it sleeps, ns (0: never)");

/* A window's first size (a wake-up's path, 12 us under -icount), and its growth. */
#define AVCPU_POLL_FIRST_NS	10000U
#define AVCPU_POLL_GROWTH	2U

/*
 * Polls until now_ns reaches end_ns: true if work turned up (a kick: every new interrupt
 * for the vCPU comes with one) or end_ns is the timer's deadline and it came. It stops
 * early when the CPU is wanted by another task or a signal is pending.
 */
static bool avcpu_vcpu_poll(struct avcpu_vcpu *vcpu, u64 end_ns, bool end_is_deadline)
{
	for (;;) {
		if (avcpu_vcpu_has_work(vcpu))
			return true;
		if (ktime_get_ns() >= end_ns)
			return end_is_deadline;
		if (need_resched() || !single_task_running() || signal_pending(current))
			return false;
		cpu_relax();
	}
}

/* Sleeps until work, an interrupt, a signal or deadline_ns (0: none), on a hard timer. */
static void avcpu_vcpu_sleep(struct avcpu_vcpu *vcpu, u64 deadline_ns)
{
	ktime_t expires = ns_to_ktime(deadline_ns);
	DEFINE_WAIT(wait);

	for (;;) {
		prepare_to_wait(&vcpu->wq, &wait, TASK_INTERRUPTIBLE);
		if (avcpu_vcpu_has_work(vcpu) || avcpu_vcpu_has_irq(vcpu) ||
		    signal_pending(current))
			break;
		if (!deadline_ns)
			schedule();
		/* The exact deadline, no slack: the guest's timer is due then. */
		else if (!schedule_hrtimeout_range(&expires, 0, HRTIMER_MODE_ABS))
			break;
	}
	finish_wait(&vcpu->wq, &wait);
}

/* After a sleep of slept_ns: would a poll have caught it? Grow the window, or close it. */
static void avcpu_vcpu_poll_adapt(struct avcpu_vcpu *vcpu, u64 slept_ns, unsigned int max)
{
	if (slept_ns > max)
		vcpu->poll_ns = 0;
	else
		vcpu->poll_ns = min(max, vcpu->poll_ns ? vcpu->poll_ns * AVCPU_POLL_GROWTH :
							 AVCPU_POLL_FIRST_NS);
}

void avcpu_vcpu_wait(struct avcpu_vcpu *vcpu)
{
	unsigned int max = READ_ONCE(halt_poll_ns);
	u64 left, start, poll_end, deadline = 0;
	bool timed;

	if (avcpu_vcpu_has_irq(vcpu))
		return;
	timed = avcpu_timer_next_ns(vcpu, &left);
	if (timed && !left)
		return;
	start = ktime_get_ns();
	if (timed)
		deadline = start + left;
	poll_end = start + min(vcpu->poll_ns, max);
	if (timed && left <= max)
		poll_end = deadline;
	if (poll_end > start && avcpu_vcpu_poll(vcpu, poll_end, poll_end == deadline)) {
		vcpu->stats.wfi_polls++;
	} else {
		vcpu->stats.wfi_sleeps++;
		avcpu_vcpu_sleep(vcpu, deadline);
		avcpu_vcpu_poll_adapt(vcpu, ktime_get_ns() - start, max);
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
