// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU file descriptors: one ioctl dispatch, the mmap()ed run struct, and RUN, the loop
 * that enters the guest and asks of every exit "handled in the kernel, or to userspace?".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/context_tracking.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vtime.h>

#include <asm/esr.h>
#include <asm/neon.h>

#include <clocksource/arm_arch_timer.h>

#include <uapi/linux/avcpu.h>

#include "avcpu_trace.h"
#include "eventfd.h"
#include "hyp_call.h"
#include "psci.h"
#include "gic_host.h"
#include "vcpu.h"
#include "vgic.h"

/* The guest physical address an exit is about, for tracing: 0 unless an MMIO exit. */
static u64 avcpu_exit_ipa(const struct avcpu_hyp_exit *e)
{
	return e->reason == AVCPU_EXIT_MMIO || e->reason == AVCPU_EXIT_MMIO_NO_SYNDROME ?
		       e->mmio.ipa : 0;
}

/* An exit userspace would have seen, resolved by mapping guest memory, is the kernel's. */
static u32 avcpu_exit_traced_reason(const struct avcpu_hyp_exit *e, int mapped)
{
	return mapped > 0 && e->reason < AVCPU_EXIT_MAX ? HYP_EXIT_STAGE2_MAP : e->reason;
}

/* After the guest left: handled in the kernel (the guest resumes) or to userspace? */
static enum avcpu_exit_action avcpu_vcpu_handle_exit(struct avcpu_vcpu *vcpu)
{
	const struct avcpu_hyp_exit *e = &vcpu->ctx->exit;

	switch (e->reason) {
	case HYP_EXIT_IRQ:
		/* Taken by the host as the hvc returned; the guest just goes on. */
		vcpu->stats.host_irqs++;
		return AVCPU_ACTION_RESUME;
	case HYP_EXIT_WFE:
		/* The guest waits for another CPU: let whoever the scheduler prefers run. */
		cond_resched();
		return AVCPU_ACTION_RESUME;
	case HYP_EXIT_WFI:
		if (vcpu->vm->config & AVCPU_VM_WFI_EXIT)
			return avcpu_exit_wfi(vcpu);
		avcpu_vcpu_wait(vcpu);
		return AVCPU_ACTION_RESUME;
	case AVCPU_EXIT_HYPERCALL:
		if (avcpu_psci_is_call((u32)vcpu->ctx->x[0]))
			return avcpu_vcpu_psci(vcpu);
		break;
	case AVCPU_EXIT_MMIO:
	case AVCPU_EXIT_SYSREG:
		if (avcpu_vgic_handle_exit(vcpu) || avcpu_ioeventfd_handle_exit(vcpu))
			return AVCPU_ACTION_RESUME;
		break;
	}
	return avcpu_exit_report(vcpu);
}

/*
 * The kernel's notion of a guest context (the KVM headers cannot be included here: their
 * vGIC types clash with ours). Entering: time goes to guest time (PF_VCPU, or vtime on
 * nohz_full CPUs), and RCU sees a quiescent state, as for a return to user mode: with
 * context tracking on, an extended one that needs no IPI to end.
 */
static __always_inline void avcpu_guest_timing_enter(void)
{
	vtime_account_guest_enter();
}

static __always_inline void avcpu_guest_timing_exit(void)
{
	vtime_account_guest_exit();
}

static __always_inline void avcpu_guest_context_enter(void)
{
	if (context_tracking_guest_enter())
		return;
#if KERNEL_VERSION(6, 4, 0) > LINUX_VERSION_CODE
	rcu_virt_note_context_switch(smp_processor_id());
#else
	rcu_virt_note_context_switch();
#endif
}

static __always_inline void avcpu_guest_context_exit(void)
{
#if KERNEL_VERSION(6, 4, 0) > LINUX_VERSION_CODE
	context_tracking_guest_exit();
#else
	if (!context_tracking_guest_exit())
		rcu_virt_note_context_switch();
#endif
}

/*
 * The guest's FP/SIMD registers (EL2 never touches them: they are simply live while the
 * guest runs) are the task's kernel-mode FP/SIMD state, between kernel_neon_begin() and
 * kernel_neon_end(). Since 6.8 the kernel keeps that state across preemption and sleeps
 * (TIF_KERNEL_FPSTATE: saved and restored at context switch, and around a softirq's own
 * use), so the registers are loaded at the first entry of a RUN and saved once, when RUN
 * returns to userspace: an exit handled in the kernel moves no FP state. Before 6.8
 * kernel-mode FP/SIMD runs with preemption off, so they move around every entry.
 */
#define AVCPU_FP_PER_RUN (KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE)

/* Before the first entry of a RUN (one that never enters, e.g. immediate_exit, pays none). */
static void avcpu_fp_run_begin(struct avcpu_vcpu *vcpu)
{
	if (!AVCPU_FP_PER_RUN || vcpu->fp_neon)
		return;
	kernel_neon_begin();
	vcpu->fp_neon = true;
}

static void avcpu_fp_run_end(struct avcpu_vcpu *vcpu)
{
	if (!vcpu->fp_neon)
		return;
	if (vcpu->fp_loaded)
		avcpu_fpsimd_save(&vcpu->fp);
	vcpu->fp_loaded = false;
	vcpu->fp_neon = false;
	kernel_neon_end();
}

/* One guest run with the CPU to ourselves; false when work turned up first. */
static bool avcpu_vcpu_enter(struct avcpu_vcpu *vcpu, struct avcpu_hvc_res *res)
{
	struct avcpu_vm *vm = vcpu->vm;
	bool entered = false;
	u64 start;

	if (AVCPU_FP_PER_RUN)
		avcpu_fp_run_begin(vcpu);
	else
		kernel_neon_begin();
	/* One CPU from the stage-1 check until the guest's FP is saved. */
	preempt_disable();
	if (!vcpu->fp_loaded) {
		avcpu_fpsimd_load(&vcpu->fp);
		vcpu->fp_loaded = true;
	}
	/*
	 * Interrupts stay off from the last look at pending work to the guest entry: a
	 * kick (signal, line change, power change) after the look leaves its IPI
	 * pending, and a pending physical interrupt makes the guest exit at once
	 * (HCR_EL2.IMO), instead of the kick waiting for the next host tick. The list
	 * registers are filled and emptied on this CPU with interrupts off too: INTID 27's
	 * physical state is this CPU's.
	 */
	local_irq_disable();
	WRITE_ONCE(vcpu->in_guest, true);
	/* Kicks from here on IPI this CPU: pairs with the barrier in avcpu_vcpu_kick(). */
	smp_mb();
	if (!avcpu_vcpu_has_work(vcpu) && !signal_pending(current)) {
		/*
		 * Past the last way out before the entry: a CPU_ON reset applied after a
		 * way out would clear the flag while last_vcpu_ran already named us.
		 */
		if (*this_cpu_ptr(vm->last_vcpu_ran) != vcpu->id) {
			vcpu->ctx->flags |= VCPU_FLAG_FLUSH_STAGE1;
			*this_cpu_ptr(vm->last_vcpu_ran) = vcpu->id;
		}
		vcpu->ctx->hcr = avcpu_irq_hcr(vcpu, vcpu->ctx->hcr);
		if (vm->vgic)
			avcpu_vgic_flush(vcpu);
		else
			/*
			 * No GIC in the guest: its virtual timer must never interrupt the
			 * host (it would end every entry, the line dropping before the host
			 * could acknowledge it). INTID 27 held active keeps it quiet, as
			 * when nothing had enabled it.
			 */
			avcpu_vtimer_set_phys_active(true);
		trace_avcpu_entry(vm->vmid, vcpu->id, vcpu->ctx->pc);
		/*
		 * Guest time in ticks of the counter the kernel's clocksource reads: one
		 * counter read each side, converted only when the statistics are read.
		 */
		start = arch_timer_read_counter();
		/*
		 * The kernel's guest context: RCU and nohz_full see a quiescent state, as
		 * for user mode, and time goes to guest time (PF_VCPU, or vtime). The VMID
		 * comes first: it takes a lock, which wants RCU watching.
		 */
		avcpu_guest_timing_enter();
		if (avcpu_vmid_load(vm, vcpu->ctx)) {
			avcpu_guest_context_enter();
			*res = avcpu_hvc(AVCPU_HC_VCPU_RUN, virt_to_phys(vcpu->ctx), 0, 0, 0);
			avcpu_guest_context_exit();
		} else {
			res->a0 = HVC_STUB_ERR;	/* EL2 here did not flush: nothing can run */
		}
		vcpu->guest_ticks += arch_timer_read_counter() - start;
		if (vm->vgic && !res->a0)
			avcpu_vgic_fold(vcpu);
		entered = true;
	}
	WRITE_ONCE(vcpu->in_guest, false);
	local_irq_enable();
	if (entered) {
		/*
		 * Guest timing ends only after the interrupts that ended the run (the tick
		 * among them) were taken, so that tick-based accounting counts them as
		 * guest time.
		 */
		local_irq_disable();
		avcpu_guest_timing_exit();
		local_irq_enable();
		if (!AVCPU_FP_PER_RUN)
			avcpu_fpsimd_save(&vcpu->fp);
	}
	preempt_enable();
	if (!AVCPU_FP_PER_RUN) {
		vcpu->fp_loaded = false;
		kernel_neon_end();
	}
	return entered;
}

/* The first RUN of any vCPU fixes the VM's vGIC (or its absence). */
static void avcpu_vm_mark_ran(struct avcpu_vm *vm)
{
	if (READ_ONCE(vm->ran))
		return;
	mutex_lock(&vm->lock);
	WRITE_ONCE(vm->ran, true);
	mutex_unlock(&vm->lock);
}

static long avcpu_vcpu_run(struct avcpu_vcpu *vcpu)
{
	struct avcpu_vm *vm = vcpu->vm;
	struct avcpu_run *run = vcpu->run;
	struct avcpu_hvc_res res;
	long ret = 0;

	if (!mutex_trylock(&vcpu->lock))
		return -EBUSY;
	avcpu_vm_mark_ran(vm);
	WRITE_ONCE(vcpu->task, current);
	avcpu_exit_complete(vcpu);
	for (;;) {
		if (READ_ONCE(run->immediate_exit) || signal_pending(current)) {
			run->exit_reason = AVCPU_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		if (!avcpu_vcpu_power_check(vcpu)) {
			avcpu_vcpu_wait_off(vcpu);
			continue;
		}
		WRITE_ONCE(vcpu->wake, false);
		cond_resched();
		if (!avcpu_vcpu_enter(vcpu, &res))
			continue;
		if (unlikely(vcpu->vgic_kick))
			avcpu_vgic_kick_after_fold(vcpu);
		if (res.a0 == HVC_STUB_ERR) {
			/* EL2 was handed back (reboot): nothing can run any more. */
			ret = -ENODEV;
			break;
		}
		if ((long)res.a0 == AVCPU_HYP_EFAULT) {
			/*
			 * EL2 fails a run with an SError syndrome only for an uncontainable
			 * error (serror.h): the machine's state cannot be trusted, and the
			 * kernel's own answer to one is to panic (arm64_serror_panic()).
			 */
			if (ESR_ELx_EC(res.a1) == ESR_ELx_EC_SERROR)
				panic("avcpu: uncontainable SError during a guest run: ESR %#lx\n",
				      res.a1);
			pr_err("vCPU %u: EL2 took an exception: ESR %#lx ELR %#lx FAR %#lx\n",
			       vcpu->id, res.a1, res.a2, res.a3);
			ret = -EFAULT;
			break;
		}
		if (res.a0) {
			ret = -EINVAL;
			break;
		}
		/* Guest memory is mapped on first touch (memslot_fault.c). */
		ret = avcpu_vm_stage2_fault(vm, vcpu->ctx, vcpu->id);
		trace_avcpu_exit(vm->vmid, vcpu->id, avcpu_exit_traced_reason(&vcpu->ctx->exit, ret),
				 vcpu->ctx->exit.esr, vcpu->ctx->pc, avcpu_exit_ipa(&vcpu->ctx->exit));
		if (ret < 0)
			break;
		if (ret) {
			ret = 0;
			continue;
		}
		if (avcpu_vcpu_handle_exit(vcpu) == AVCPU_ACTION_USER) {
			/* pending is ours; run->exit_reason is userspace's page. */
			if (vcpu->pending < AVCPU_EXIT_MAX)
				vcpu->stats.exits[vcpu->pending]++;
			break;
		}
	}
	avcpu_fp_run_end(vcpu);
	WRITE_ONCE(vcpu->task, NULL);
	mutex_unlock(&vcpu->lock);
	return ret;
}

static long avcpu_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct avcpu_vcpu *vcpu = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (avcpu_vm_foreign(vcpu->vm))
		return -EIO;
	/* These never wait for a running vCPU. */
	switch (cmd) {
	case AVCPU_RUN:
		return arg ? -EINVAL : avcpu_vcpu_run(vcpu);
	case AVCPU_GET_POWER_STATE:
	case AVCPU_SET_POWER_STATE:
		return avcpu_vcpu_power_ioctl(vcpu, cmd, uarg);
	case AVCPU_GET_VCPU_STATS:
		return avcpu_vcpu_get_stats(vcpu, uarg);
	}
	if (mutex_lock_interruptible(&vcpu->lock))
		return -EINTR;
	ret = avcpu_vcpu_regs_ioctl(vcpu, cmd, uarg);
	mutex_unlock(&vcpu->lock);
	return ret;
}

static int avcpu_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct avcpu_vcpu *vcpu = file->private_data;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	return vm_insert_page(vma, vma->vm_start, virt_to_page(vcpu->run));
}

static void avcpu_vcpu_free(struct avcpu_vcpu *vcpu)
{
	if (vcpu->ctx) {
		avcpu_el2_unshare_page(vcpu->ctx);
		free_page((unsigned long)vcpu->ctx);
	}
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

/*
 * After a vCPU leaves vm->vcpus[]: an irqfd's wakeup (interrupts off, an RCU reader) may
 * still be kicking it without vm->lock (irqfd.c); a grace period sees it out. Only VMs
 * with eventfds have such readers.
 */
static void avcpu_vcpu_unpublished(struct avcpu_vm *vm)
{
	if (READ_ONCE(vm->evfd))
		synchronize_rcu();
}

static int avcpu_vcpu_release(struct inode *inode, struct file *file)
{
	struct avcpu_vcpu *vcpu = file->private_data;
	struct avcpu_vm *vm = vcpu->vm;
	int cpu;

	avcpu_timer_vcpu_destroy(vcpu);
	mutex_lock(&vm->lock);
	avcpu_vm_stats_retire(vm, vcpu);
	avcpu_vgic_vcpu_update(vm, vcpu->id, false, 0);
	WRITE_ONCE(vm->vcpus[vcpu->id], NULL);
	/* A vCPU created later with this id must not look like the one that ran here. */
	for_each_possible_cpu(cpu)
		if (*per_cpu_ptr(vm->last_vcpu_ran, cpu) == vcpu->id)
			*per_cpu_ptr(vm->last_vcpu_ran, cpu) = -1;
	mutex_unlock(&vm->lock);
	avcpu_vcpu_unpublished(vm);
	avcpu_vcpu_free(vcpu);
	avcpu_vm_put(vm);
	return 0;
}

static const struct file_operations avcpu_vcpu_fops = {
	.owner = THIS_MODULE,
	.release = avcpu_vcpu_release,
	.unlocked_ioctl = avcpu_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = avcpu_vcpu_mmap,
	.llseek = noop_llseek,
};

int avcpu_vcpu_create(struct avcpu_vm *vm, unsigned long id)
{
	struct avcpu_vcpu *vcpu;
	int ret;

	if (id >= AVCPU_MAX_VCPUS)
		return -EINVAL;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->lock);
	spin_lock_init(&vcpu->power_lock);
	init_waitqueue_head(&vcpu->wq);
	avcpu_timer_vcpu_init(vcpu);
	vcpu->power = AVCPU_POWER_ON;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->ctx = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run || !vcpu->ctx) {
		free_page((unsigned long)vcpu->ctx);
		vcpu->ctx = NULL;
		avcpu_vcpu_free(vcpu);
		return -ENOMEM;
	}
	ret = avcpu_el2_share_page(vcpu->ctx);
	if (ret) {
		free_page((unsigned long)vcpu->ctx);
		vcpu->ctx = NULL;
		avcpu_vcpu_free(vcpu);
		return ret;
	}
	mutex_lock(&vm->lock);
	if (vm->vcpus[id] || (vm->vgic && id >= vm->vgic->dist.nr_cpus)) {
		ret = vm->vcpus[id] ? -EEXIST : -EINVAL; /* no redistributor for it */
		mutex_unlock(&vm->lock);
		avcpu_vcpu_free(vcpu);
		return ret;
	}
	avcpu_vcpu_reset(vcpu); /* under vm->lock: the VM's config and SMC policy */
	WRITE_ONCE(vcpu->mpidr, vcpu->ctx->vmpidr);
	/* Initialised first: an irqfd's wakeup may kick it without vm->lock. */
	smp_store_release(&vm->vcpus[id], vcpu);
	vm->vcpus_created++;
	avcpu_vgic_vcpu_update(vm, id, true, vcpu->mpidr);
	kref_get(&vm->ref);
	mutex_unlock(&vm->lock);

	ret = anon_inode_getfd("avcpu-vcpu", &avcpu_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		mutex_lock(&vm->lock);
		avcpu_vgic_vcpu_update(vm, id, false, 0);
		WRITE_ONCE(vm->vcpus[id], NULL);
		mutex_unlock(&vm->lock);
		avcpu_vcpu_unpublished(vm);
		avcpu_vcpu_free(vcpu);
		avcpu_vm_put(vm);
	}
	return ret;
}
