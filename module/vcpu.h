/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU: its file (vcpu.c), registers (vcpu_regs.c), power state, kicks and sleeps
 * (vcpu_power.c), and the exit records it hands to userspace (exit.c).
 */
#ifndef AVCPU_VCPU_H
#define AVCPU_VCPU_H

#include <linux/atomic.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <uapi/linux/avcpu.h>

#include "el2_controls.h"
#include "hyp/include/hyp_abi.h"
#include "timer.h"
#include "vm.h"

struct avcpu_fpsimd {
	__uint128_t v[32];
	u64 fpsr, fpcr;
};

struct avcpu_vcpu {
	struct avcpu_vm *vm;
	unsigned int id;
	struct mutex lock;		/* RUN (trylock: -EBUSY) and register access */
	struct avcpu_vcpu_ctx *ctx;	/* one page, mapped at EL2 */
	struct avcpu_run *run;		/* one page, mmap()ed by userspace */
	struct avcpu_fpsimd fp;
	bool fp_loaded;			/* fp is in the CPU's registers, not in memory (vcpu.c) */
	bool fp_neon;			/* RUN is between kernel_neon_begin() and _end() */
	u32 pending;			/* the exit userspace is completing: AVCPU_EXIT_* */
	u64 mpidr;			/* = ctx->vmpidr, readable while ctx is being reset */
	struct avcpu_vcpu_stats stats;	/* updated by RUN's thread only */
	u64 guest_ticks;		/* stats.guest_ns in counter ticks (RUN's thread) */
	unsigned long irq_lines;	/* bit AVCPU_IRQ_CPU_*: asserted lines (irq.c) */
	atomic64_t irq_changes;
	struct avcpu_ptimer ptimer;	/* the emulated EL1 physical timer (timer.c) */
	u32 timer_lrs;			/* LRs last flushed with a pending timer interrupt */
	u64 vgic_kick;			/* vCPUs the last fold owes a kick (re-routed SPIs) */

	/* Power state (PSCI): changed by other vCPUs and ioctls while RUN sleeps. */
	spinlock_t power_lock;
	u32 power;			/* AVCPU_POWER_ON or _OFF */
	bool reset_pending;		/* CPU_ON: reset to reset_entry/context, then on */
	u64 reset_entry, reset_context;
	bool wake;			/* something to do: stop sleeping in WFI */
	bool in_guest;			/* from the last look at wake to the exit (kicks) */
	u32 poll_ns;			/* halt-polling window (RUN's thread, vcpu_power.c) */
	wait_queue_head_t wq;
	struct task_struct *task;	/* the thread in RUN, for kicks */
};

/* vcpu.c */
int avcpu_vcpu_create(struct avcpu_vm *vm, unsigned long id);

/* vcpu_regs.c: register state and the ioctls that read and write it. */
void avcpu_vcpu_reset(struct avcpu_vcpu *vcpu);
void avcpu_vcpu_power_on_reset(struct avcpu_vcpu *vcpu, u64 entry, u64 context);
long avcpu_vcpu_regs_ioctl(struct avcpu_vcpu *vcpu, unsigned int cmd, void __user *arg);

/* vcpu_power.c */
/* Makes a vCPU leave the guest (or a sleep) and look at its state again. */
void avcpu_vcpu_kick(struct avcpu_vcpu *vcpu);
/* Powers a vCPU on (resetting it to entry/context if reset) or off, and wakes it. */
void avcpu_vcpu_set_power(struct avcpu_vcpu *vcpu, u32 state, bool reset, u64 entry,
			  u64 context);
/* With vcpu->lock held: applies a pending CPU_ON reset; false if the vCPU is off. */
bool avcpu_vcpu_power_check(struct avcpu_vcpu *vcpu);
/* Something other than an interrupt needs RUN's attention (kick, reset, immediate_exit). */
bool avcpu_vcpu_has_work(struct avcpu_vcpu *vcpu);
/* Does this vCPU have an interrupt to take (a line, the vGIC, a timer)? Ends a WFI. */
bool avcpu_vcpu_has_irq(struct avcpu_vcpu *vcpu);
/* WFI or PSCI CPU_SUSPEND: sleeps until an interrupt, work, a signal or the timer. */
void avcpu_vcpu_wait(struct avcpu_vcpu *vcpu);
/* Off: sleeps until powered on (or work, or a signal). */
void avcpu_vcpu_wait_off(struct avcpu_vcpu *vcpu);
long avcpu_vcpu_power_ioctl(struct avcpu_vcpu *vcpu, unsigned int cmd, void __user *arg);

/* exit.c: every exit record userspace reads is written here. */
void avcpu_exit_complete(struct avcpu_vcpu *vcpu);
enum avcpu_exit_action avcpu_exit_report(struct avcpu_vcpu *vcpu);
enum avcpu_exit_action avcpu_exit_wfi(struct avcpu_vcpu *vcpu);
enum avcpu_exit_action avcpu_exit_system_event(struct avcpu_vcpu *vcpu, u32 type,
					       u64 reset_type, u64 cookie);
enum avcpu_exit_action avcpu_exit_psci(struct avcpu_vcpu *vcpu, u32 reason, u32 fn);

/* psci_glue.c: a PSCI call from the guest, served in the kernel (or by userspace). */
enum avcpu_exit_action avcpu_vcpu_psci(struct avcpu_vcpu *vcpu);

/* HCR_EL2 with VI and VF set as the vCPU's lines are: computed at every guest entry. */
static inline u64 avcpu_irq_hcr(const struct avcpu_vcpu *vcpu, u64 hcr)
{
	unsigned long lines = READ_ONCE(vcpu->irq_lines);

	hcr &= ~(AVCPU_HCR_VI | AVCPU_HCR_VF);
	if (lines & BIT(AVCPU_IRQ_CPU_IRQ))
		hcr |= AVCPU_HCR_VI;
	if (lines & BIT(AVCPU_IRQ_CPU_FIQ))
		hcr |= AVCPU_HCR_VF;
	return hcr;
}

/* stats.c */
void avcpu_vcpu_stats_read(const struct avcpu_vcpu *vcpu, struct avcpu_vcpu_stats *st);
long avcpu_vcpu_get_stats(const struct avcpu_vcpu *vcpu, void __user *arg);
void avcpu_vm_stats_retire(struct avcpu_vm *vm, const struct avcpu_vcpu *vcpu);

/* fpsimd.S */
void avcpu_fpsimd_load(const struct avcpu_fpsimd *fp);
void avcpu_fpsimd_save(struct avcpu_fpsimd *fp);

#endif /* AVCPU_VCPU_H */
