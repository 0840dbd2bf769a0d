// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU file descriptors: registers, the mmap()ed run struct, and RUN.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cputype.h>
#include <asm/neon.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include <uapi/linux/avcpu.h>

#include "avcpu.h"
#include "el2.h"
#include "hyp_call.h"
#include "avcpu_trace.h"
#include "psci.h"
#include "vm.h"

/*
 * HCR_EL2 while a guest runs (Documentation/api.rst explains each bit):
 *   VM      stage-2 translation on          SWIO   set/way invalidate as clean+invalidate
 *   FMO/IMO/AMO  physical FIQ, IRQ, SError exit the guest (the host takes them)
 *   FB      broadcast TLB/cache maintenance BSU=IS  barriers reach the inner shareable domain
 *   TWI/TWE WFI sleeps in the host, WFE yields
 *   TSC     SMC traps (never reaches firmware unless avcpu forwards it)
 *   TSW     data-cache maintenance by set/way traps (done as clean+invalidate at EL2)
 *   TID3    ID registers read sanitised values   TIDCP  implementation-defined registers trap
 *   TACR    ACTLR_EL1 traps                 TERR/TEA  RAS error records and external aborts
 *   RW      EL1 is AArch64
 * API/APK (pointer authentication) and ATA (MTE tags) stay clear: those trap too.
 */
#define HCR_GUEST (BIT(0) | BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(9) | (1UL << 10) | \
		   BIT(13) | BIT(14) | BIT(19) | BIT(18) | BIT(20) | BIT(21) | BIT(22) | \
		   BIT_ULL(35) | BIT_ULL(36) | BIT_ULL(37) | BIT(31))
/* CPTR_EL2 (nVHE): RES1 bits; SVE, SME, trace and activity monitors trap; FP/SIMD does not. */
#define CPTR_GUEST (BIT(13) | BIT(9) | GENMASK(7, 0) | BIT(8) | BIT(12) | BIT(20) | BIT(30))
/* MDCR_EL2: PMU, debug, OS lock, SPE and trace-filter registers trap. */
#define MDCR_GUEST (BIT(5) | BIT(6) | BIT(9) | BIT(10) | BIT(11) | BIT(14) | BIT(19))
/* CNTHCTL_EL2 (nVHE): the physical counter readable, the physical timer (the host's) trapped. */
#define CNTHCTL_GUEST BIT(0)

#define PSTATE_EL1H_MASKED 0x3c5	/* EL1h, DAIF all masked */
#define SCTLR_EL1_RESET 0x30d00800	/* RES1 bits, MMU and caches off */

/* The EL1 system registers by uapi id, and where they live in the vCPU context. */
static const struct {
	u64 id;
	unsigned int index;
} avcpu_sysreg_ids[] = {
	{ AVCPU_REG_SCTLR_EL1, VSYS_SCTLR },	   { AVCPU_REG_CPACR_EL1, VSYS_CPACR },
	{ AVCPU_REG_TTBR0_EL1, VSYS_TTBR0 },	   { AVCPU_REG_TTBR1_EL1, VSYS_TTBR1 },
	{ AVCPU_REG_TCR_EL1, VSYS_TCR },	   { AVCPU_REG_MAIR_EL1, VSYS_MAIR },
	{ AVCPU_REG_AMAIR_EL1, VSYS_AMAIR },	   { AVCPU_REG_VBAR_EL1, VSYS_VBAR },
	{ AVCPU_REG_CONTEXTIDR_EL1, VSYS_CONTEXTIDR }, { AVCPU_REG_TPIDR_EL0, VSYS_TPIDR_EL0 },
	{ AVCPU_REG_TPIDR_EL1, VSYS_TPIDR_EL1 },   { AVCPU_REG_TPIDRRO_EL0, VSYS_TPIDRRO_EL0 },
	{ AVCPU_REG_ESR_EL1, VSYS_ESR },	   { AVCPU_REG_FAR_EL1, VSYS_FAR },
	{ AVCPU_REG_AFSR0_EL1, VSYS_AFSR0 },	   { AVCPU_REG_AFSR1_EL1, VSYS_AFSR1 },
	{ AVCPU_REG_PAR_EL1, VSYS_PAR },	   { AVCPU_REG_CSSELR_EL1, VSYS_CSSELR },
	{ AVCPU_REG_CNTKCTL_EL1, VSYS_CNTKCTL },   { AVCPU_REG_MDSCR_EL1, VSYS_MDSCR },
	{ AVCPU_REG_SP_EL1, VSYS_SP_EL1 },	   { AVCPU_REG_ELR_EL1, VSYS_ELR_EL1 },
	{ AVCPU_REG_SPSR_EL1, VSYS_SPSR_EL1 },	   { AVCPU_REG_CNTV_CTL_EL0, VSYS_CNTV_CTL },
	{ AVCPU_REG_CNTV_CVAL_EL0, VSYS_CNTV_CVAL },
};

static u64 avcpu_default_mpidr(unsigned int id)
{
	/* Aff0 = id[3:0] (16 CPUs per cluster, as GICv3 targets lists), Aff1, Aff2 above. */
	return BIT(31) | (id & 0xf) | (((id >> 4) & 0xff) << 8) | (((u64)(id >> 12) & 0xff) << 16);
}

static void avcpu_vcpu_reset(struct avcpu_vcpu *vcpu)
{
	struct avcpu_vcpu_ctx *ctx = vcpu->ctx;
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);

	memset(ctx, 0, sizeof(*ctx));
	ctx->magic = VCPU_CTX_MAGIC;
	ctx->pstate = PSTATE_EL1H_MASKED;
	ctx->sys[VSYS_SCTLR] = SCTLR_EL1_RESET;
	ctx->hcr = HCR_GUEST;
	ctx->vttbr = vcpu->vm->vttbr;
	ctx->vtcr = vcpu->vm->vtcr;
	ctx->vmpidr = avcpu_default_mpidr(vcpu->id);
	WRITE_ONCE(vcpu->mpidr, ctx->vmpidr);
	ctx->vpidr = read_cpuid_id();
	ctx->cptr = CPTR_GUEST;
	ctx->mdcr = MDCR_GUEST;
	ctx->cnthctl = CNTHCTL_GUEST;
	ctx->cntvoff = 0;
	if (cpuid_feature_extract_unsigned_field(mmfr1, 40)) /* ID_AA64MMFR1_EL1.HCX */
		ctx->flags |= VCPU_FLAG_HAS_HCRX;
	if (vcpu->vm->config & AVCPU_VM_PSCI_USER)
		ctx->flags |= VCPU_FLAG_PSCI_USER;
	BUILD_BUG_ON(sizeof(ctx->smc_rules) != sizeof(vcpu->vm->smc.ranges));
	memcpy(ctx->smc_rules, vcpu->vm->smc.ranges, sizeof(ctx->smc_rules));
	ctx->nr_smc_rules = vcpu->vm->smc.nr_ranges;
	memset(&vcpu->fp, 0, sizeof(vcpu->fp));
}

/* PSCI CPU_ON's reset: entry point, context id in x0, EL1h, masked, MMU off. */
static void avcpu_vcpu_power_on_reset(struct avcpu_vcpu *vcpu, u64 entry, u64 context)
{
	struct avcpu_vcpu_ctx *ctx = vcpu->ctx;
	u64 vmpidr = ctx->vmpidr, cntvoff = ctx->cntvoff;
	struct avcpu_hyp_stats stats = ctx->stats;

	avcpu_vcpu_reset(vcpu);
	ctx->vmpidr = vmpidr;
	WRITE_ONCE(vcpu->mpidr, vmpidr);
	ctx->cntvoff = cntvoff;
	ctx->stats = stats;
	ctx->pc = entry;
	ctx->x[0] = context;
	vcpu->pending = AVCPU_EXIT_NONE;
}

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

/* Runs with vcpu->lock held: applies a CPU_ON reset; false if the vCPU is off. */
static bool avcpu_vcpu_power_check(struct avcpu_vcpu *vcpu)
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

static bool avcpu_vcpu_has_work(struct avcpu_vcpu *vcpu)
{
	return READ_ONCE(vcpu->wake) || READ_ONCE(vcpu->reset_pending) ||
	       READ_ONCE(vcpu->run->immediate_exit);
}

/* A WFI ends on a pending interrupt even while PSTATE masks it (Arm ARM D1.6.2). */
static bool avcpu_vcpu_irq_pending(struct avcpu_vcpu *vcpu)
{
	return READ_ONCE(vcpu->irq_lines) != 0;
}

/*
 * WFI (or PSCI CPU_SUSPEND): sleep until a kick, a signal, a power change or the guest's
 * virtual timer deadline. A timer that has already fired ends the wait at once.
 */
static void avcpu_vcpu_wait(struct avcpu_vcpu *vcpu)
{
	const struct avcpu_vcpu_ctx *ctx = vcpu->ctx;
	u64 ctl = ctx->sys[VSYS_CNTV_CTL], cval = ctx->sys[VSYS_CNTV_CVAL], now, ns;

	if (avcpu_vcpu_irq_pending(vcpu))
		return;
	vcpu->stats.wfi_sleeps++;
	if ((ctl & 3) == 1) { /* ENABLE set, IMASK clear */
		now = read_sysreg(cntpct_el0) - ctx->cntvoff;
		if (cval <= now)
			return;
		ns = mul_u64_u64_div_u64(cval - now, NSEC_PER_SEC, read_sysreg(cntfrq_el0));
		wait_event_interruptible_hrtimeout(vcpu->wq, avcpu_vcpu_has_work(vcpu) ||
							   avcpu_vcpu_irq_pending(vcpu),
						   ns_to_ktime(ns));
	} else {
		wait_event_interruptible(vcpu->wq, avcpu_vcpu_has_work(vcpu) ||
						   avcpu_vcpu_irq_pending(vcpu));
	}
	WRITE_ONCE(vcpu->wake, false);
}

/* Applies what userspace answered to the last exit before the guest runs again. */
static void avcpu_complete_exit(struct avcpu_vcpu *vcpu)
{
	struct avcpu_run *run = vcpu->run;
	struct avcpu_vcpu_ctx *ctx = vcpu->ctx;
	u64 value = 0;

	switch (vcpu->pending) {
	case AVCPU_EXIT_MMIO:
		memcpy(&value, run->mmio.data, sizeof(value));
		ctx->complete = VCPU_COMPLETE_MMIO;
		ctx->complete_value = le64_to_cpu(value);
		break;
	case AVCPU_EXIT_HYPERCALL:
		memcpy(ctx->x, run->hypercall.ret, sizeof(run->hypercall.ret));
		break;
	case AVCPU_EXIT_SYSREG:
		ctx->complete = run->sysreg.inject_undef ? VCPU_COMPLETE_UNDEF : VCPU_COMPLETE_SYSREG;
		ctx->complete_value = run->sysreg.value;
		break;
	case AVCPU_EXIT_CPU_ON:
	case AVCPU_EXIT_CPU_OFF:
		ctx->x[0] = run->psci.ret;
		break;
	}
	vcpu->pending = AVCPU_EXIT_NONE;
}

static void avcpu_report_exit(struct avcpu_vcpu *vcpu)
{
	const struct avcpu_hyp_exit *e = &vcpu->ctx->exit;
	struct avcpu_run *run = vcpu->run;
	u64 value;

	u32 reason = e->reason;

	memset(run->padding, 0, sizeof(run->padding));
	switch (reason) {
	case AVCPU_EXIT_MMIO:
		trace_avcpu_mmio(vcpu->id, e->ipa, e->data[0], e->data[1], e->data[2]);
		run->mmio.phys_addr = e->ipa;
		run->mmio.len = e->data[0];
		run->mmio.is_write = e->data[1];
		value = cpu_to_le64(e->data[2]);
		memcpy(run->mmio.data, &value, sizeof(value));
		break;
	case AVCPU_EXIT_MMIO_NO_SYNDROME:
		run->mmio_no_syndrome.esr = e->esr;
		run->mmio_no_syndrome.phys_addr = e->ipa;
		run->mmio_no_syndrome.far = e->far;
		break;
	case AVCPU_EXIT_HYPERCALL:
		trace_avcpu_hypercall(vcpu->id, e->smc, e->data[0], e->data[1]);
		run->hypercall.imm = e->data[0];
		memcpy(run->hypercall.args, &e->data[1], sizeof(run->hypercall.args));
		/* Unless userspace says otherwise, x0..x3 keep their values. */
		memcpy(run->hypercall.ret, &e->data[1], sizeof(run->hypercall.ret));
		run->hypercall.flags = e->smc ? AVCPU_HYPERCALL_SMC : 0;
		break;
	case AVCPU_EXIT_SYSREG:
		run->sysreg.op0 = e->data[1];
		run->sysreg.op1 = e->data[2];
		run->sysreg.crn = e->data[3];
		run->sysreg.crm = e->data[4];
		run->sysreg.op2 = e->data[5];
		run->sysreg.rt = e->data[6];
		run->sysreg.is_write = e->data[7];
		run->sysreg.value = e->data[0];
		break;
	default:
		reason = AVCPU_EXIT_EXCEPTION;
		run->exception.esr = e->esr;
		run->exception.far = e->far;
		run->exception.hpfar = e->hpfar;
		run->exception.pc = e->data[0];
		run->exception.pstate = e->data[1];
		break;
	}
	/* pending is the kernel's copy: userspace may change the page at any time. */
	run->exit_reason = reason;
	vcpu->pending = reason;
}

/* What RUN does after the guest left: 0 to run it again, 1 to return to userspace. */
static int avcpu_vcpu_handle_exit(struct avcpu_vcpu *vcpu)
{
	bool psci_user = vcpu->vm->config & AVCPU_VM_PSCI_USER;
	const struct avcpu_hyp_exit *e = &vcpu->ctx->exit;
	int ret;

	switch (e->reason) {
	case HYP_EXIT_IRQ:
		/* Taken by the host as the hvc returned; the guest just goes on. */
		vcpu->stats.host_irqs++;
		return 0;
	case HYP_EXIT_WFE:
		/* The guest waits for another CPU: let whoever the scheduler prefers run. */
		cond_resched();
		return 0;
	case HYP_EXIT_WFI:
		if (!(vcpu->vm->config & AVCPU_VM_WFI_EXIT)) {
			avcpu_vcpu_wait(vcpu);
			return 0;
		}
		memset(vcpu->run->padding, 0, sizeof(vcpu->run->padding));
		vcpu->run->exit_reason = AVCPU_EXIT_WFI;
		vcpu->pending = AVCPU_EXIT_WFI;
		return 1;
	case AVCPU_EXIT_HYPERCALL:
		if (!avcpu_psci_is_call((u32)vcpu->ctx->x[0]))
			break;
		ret = avcpu_vcpu_psci(vcpu, psci_user);
		if (ret == 2)
			avcpu_vcpu_wait(vcpu);
		if (ret == 0 || ret == 2)
			return 0;
		if (ret == 1)
			return 1; /* the PSCI code filled the run struct and pending */
		break;
	}
	avcpu_report_exit(vcpu);
	return 1;
}

static long avcpu_vcpu_run(struct avcpu_vcpu *vcpu)
{
	struct avcpu_vm *vm = vcpu->vm;
	struct avcpu_run *run = vcpu->run;
	struct avcpu_hvc_res res;
	long ret = 0;
	u64 start;

	if (!mutex_trylock(&vcpu->lock))
		return -EBUSY;
	WRITE_ONCE(vcpu->task, current);
	avcpu_complete_exit(vcpu);
	for (;;) {
		if (READ_ONCE(run->immediate_exit) || signal_pending(current)) {
			run->exit_reason = AVCPU_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		if (!avcpu_vcpu_power_check(vcpu)) {
			/* Off: sleep until turned on (or a signal). */
			vcpu->stats.wfi_sleeps++;
			wait_event_interruptible(vcpu->wq, avcpu_vcpu_has_work(vcpu));
			WRITE_ONCE(vcpu->wake, false);
			continue;
		}
		WRITE_ONCE(vcpu->wake, false);
		cond_resched();

		kernel_neon_begin();
		/* One CPU from the stage-1 check until the guest's FP is saved. */
		preempt_disable();
		if (*this_cpu_ptr(vm->last_vcpu_ran) != vcpu->id) {
			vcpu->ctx->flags |= VCPU_FLAG_FLUSH_STAGE1;
			*this_cpu_ptr(vm->last_vcpu_ran) = vcpu->id;
		}
		avcpu_fpsimd_load(&vcpu->fp);
		/*
		 * Interrupts stay off from the last look at pending work to the guest entry: a
		 * kick (signal, line change, power change) after the look leaves its IPI
		 * pending, and a pending physical interrupt makes the guest exit at once
		 * (HCR_EL2.IMO), instead of the kick waiting for the next host tick.
		 */
		local_irq_disable();
		if (avcpu_vcpu_has_work(vcpu) || signal_pending(current)) {
			local_irq_enable();
			preempt_enable();
			kernel_neon_end();
			continue;
		}
		vcpu->ctx->hcr = avcpu_irq_hcr(vcpu, vcpu->ctx->hcr);
		trace_avcpu_entry(vm->vmid, vcpu->id, vcpu->ctx->pc);
		start = ktime_get_ns();
		res = avcpu_hvc(AVCPU_HC_VCPU_RUN, virt_to_phys(vcpu->ctx), 0, 0, 0);
		vcpu->stats.guest_ns += ktime_get_ns() - start;
		local_irq_enable();
		avcpu_fpsimd_save(&vcpu->fp);
		preempt_enable();
		kernel_neon_end();

		if (res.a0 == HVC_STUB_ERR) {
			/* EL2 was handed back (reboot): nothing can run any more. */
			ret = -ENODEV;
			break;
		}
		if ((long)res.a0 == AVCPU_HYP_EFAULT) {
			pr_err("vCPU %u: EL2 took an exception: ESR %#lx ELR %#lx FAR %#lx\n",
			       vcpu->id, res.a1, res.a2, res.a3);
			ret = -EFAULT;
			break;
		}
		if (res.a0) {
			ret = -EINVAL;
			break;
		}
		trace_avcpu_exit(vm->vmid, vcpu->id, vcpu->ctx->exit.reason, vcpu->ctx->exit.esr,
				 vcpu->ctx->pc, vcpu->ctx->exit.ipa);
		if (avcpu_vcpu_handle_exit(vcpu)) {
			/* pending is ours; run->exit_reason is userspace's page. */
			if (vcpu->pending < AVCPU_EXIT_MAX)
				vcpu->stats.exits[vcpu->pending]++;
			break;
		}
	}
	WRITE_ONCE(vcpu->task, NULL);
	mutex_unlock(&vcpu->lock);
	return ret;
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

static long avcpu_get_regs(struct avcpu_vcpu *vcpu, void __user *arg)
{
	const struct avcpu_vcpu_ctx *ctx = vcpu->ctx;
	struct avcpu_regs regs = {};

	memcpy(regs.x, ctx->x, sizeof(regs.x));
	regs.sp_el0 = ctx->sp_el0;
	regs.pc = ctx->pc;
	regs.pstate = ctx->pstate;
	regs.sp_el1 = ctx->sys[VSYS_SP_EL1];
	regs.elr_el1 = ctx->sys[VSYS_ELR_EL1];
	regs.spsr_el1 = ctx->sys[VSYS_SPSR_EL1];
	return copy_to_user(arg, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static long avcpu_set_regs(struct avcpu_vcpu *vcpu, const void __user *arg)
{
	struct avcpu_vcpu_ctx *ctx = vcpu->ctx;
	struct avcpu_regs regs;

	if (copy_from_user(&regs, arg, sizeof(regs)))
		return -EFAULT;
	if (!avcpu_guest_pstate_valid(regs.pstate) || regs.reserved)
		return -EINVAL;
	memcpy(ctx->x, regs.x, sizeof(regs.x));
	/* The registers are now exactly these: the last exit's completion is void. */
	vcpu->pending = AVCPU_EXIT_NONE;
	ctx->complete = VCPU_COMPLETE_NONE;
	ctx->sp_el0 = regs.sp_el0;
	ctx->pc = regs.pc;
	ctx->pstate = regs.pstate;
	ctx->sys[VSYS_SP_EL1] = regs.sp_el1;
	ctx->sys[VSYS_ELR_EL1] = regs.elr_el1;
	ctx->sys[VSYS_SPSR_EL1] = regs.spsr_el1;
	return 0;
}

/* Where the value of a register id lives; NULL for an unknown id. */
static void *avcpu_reg_ptr(struct avcpu_vcpu *vcpu, u64 id)
{
	unsigned int i;

	if (id == AVCPU_REG_MPIDR_EL1)
		return &vcpu->ctx->vmpidr;
	if (id == AVCPU_REG_CNTVOFF)
		return &vcpu->ctx->cntvoff;
	if (id == AVCPU_REG_FPSR)
		return &vcpu->fp.fpsr;
	if (id == AVCPU_REG_FPCR)
		return &vcpu->fp.fpcr;
	if ((id & ~0x1fULL) == AVCPU_REG_V(0))
		return &vcpu->fp.v[id & 0x1f];
	for (i = 0; i < ARRAY_SIZE(avcpu_sysreg_ids); i++)
		if (avcpu_sysreg_ids[i].id == id)
			return &vcpu->ctx->sys[avcpu_sysreg_ids[i].index];
	return NULL;
}

static long avcpu_one_reg(struct avcpu_vcpu *vcpu, void __user *arg, bool set)
{
	struct avcpu_one_reg reg;
	void __user *uaddr;
	size_t size;
	void *ptr;

	if (copy_from_user(&reg, arg, sizeof(reg)))
		return -EFAULT;
	ptr = avcpu_reg_ptr(vcpu, reg.id);
	if (!ptr)
		return -ENOENT;
	size = AVCPU_REG_SIZE(reg.id);
	uaddr = u64_to_user_ptr(reg.addr);
	if (!set)
		return copy_to_user(uaddr, ptr, size) ? -EFAULT : 0;
	if (reg.id == AVCPU_REG_MPIDR_EL1) {
		u64 mpidr;

		if (copy_from_user(&mpidr, uaddr, sizeof(mpidr)))
			return -EFAULT;
		/* Only the affinity fields are the VMM's to choose. */
		if (mpidr & ~0xff00ffffffULL)
			return -EINVAL;
		vcpu->ctx->vmpidr = mpidr | BIT(31);
		WRITE_ONCE(vcpu->mpidr, vcpu->ctx->vmpidr);
		return 0;
	}
	return copy_from_user(ptr, uaddr, size) ? -EFAULT : 0;
}

static long avcpu_reg_list(struct avcpu_vcpu *vcpu, struct avcpu_reg_list __user *arg)
{
	const u64 n = ARRAY_SIZE(avcpu_sysreg_ids) + 2 + 32 + 2;
	u64 room, i, j = 0;
	u64 __user *out = arg->reg;

	if (get_user(room, &arg->n))
		return -EFAULT;
	if (put_user(n, &arg->n))
		return -EFAULT;
	if (room < n)
		return -E2BIG;
	for (i = 0; i < ARRAY_SIZE(avcpu_sysreg_ids); i++)
		if (put_user(avcpu_sysreg_ids[i].id, &out[j++]))
			return -EFAULT;
	if (put_user(AVCPU_REG_MPIDR_EL1, &out[j++]) || put_user(AVCPU_REG_CNTVOFF, &out[j++]))
		return -EFAULT;
	for (i = 0; i < 32; i++)
		if (put_user(AVCPU_REG_V(i), &out[j++]))
			return -EFAULT;
	if (put_user(AVCPU_REG_FPSR, &out[j++]) || put_user(AVCPU_REG_FPCR, &out[j++]))
		return -EFAULT;
	return 0;
}

static long avcpu_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct avcpu_vcpu *vcpu = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	/* These never wait for a running vCPU. */
	switch (cmd) {
	case AVCPU_RUN:
		return arg ? -EINVAL : avcpu_vcpu_run(vcpu);
	case AVCPU_GET_POWER_STATE:
		return avcpu_get_power(vcpu, uarg);
	case AVCPU_SET_POWER_STATE:
		return avcpu_set_power(vcpu, uarg);
	case AVCPU_GET_VCPU_STATS:
		return avcpu_vcpu_get_stats(vcpu, uarg);
	}
	if (mutex_lock_interruptible(&vcpu->lock))
		return -EINTR;
	switch (cmd) {
	case AVCPU_GET_REGS:
		ret = avcpu_get_regs(vcpu, uarg);
		break;
	case AVCPU_SET_REGS:
		ret = avcpu_set_regs(vcpu, uarg);
		break;
	case AVCPU_GET_ONE_REG:
		ret = avcpu_one_reg(vcpu, uarg, false);
		break;
	case AVCPU_SET_ONE_REG:
		ret = avcpu_one_reg(vcpu, uarg, true);
		break;
	case AVCPU_GET_REG_LIST:
		ret = avcpu_reg_list(vcpu, uarg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
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

static int avcpu_vcpu_release(struct inode *inode, struct file *file)
{
	struct avcpu_vcpu *vcpu = file->private_data;
	struct avcpu_vm *vm = vcpu->vm;
	int cpu;

	mutex_lock(&vm->lock);
	avcpu_vm_stats_retire(vm, vcpu);
	vm->vcpus[vcpu->id] = NULL;
	/* A vCPU created later with this id must not look like the one that ran here. */
	for_each_possible_cpu(cpu)
		if (*per_cpu_ptr(vm->last_vcpu_ran, cpu) == vcpu->id)
			*per_cpu_ptr(vm->last_vcpu_ran, cpu) = -1;
	mutex_unlock(&vm->lock);
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
	if (vm->vcpus[id]) {
		mutex_unlock(&vm->lock);
		avcpu_vcpu_free(vcpu);
		return -EEXIST;
	}
	avcpu_vcpu_reset(vcpu); /* under vm->lock: the VM's config and SMC policy */
	vm->vcpus[id] = vcpu;
	vm->vcpus_created++;
	kref_get(&vm->ref);
	mutex_unlock(&vm->lock);

	ret = anon_inode_getfd("avcpu-vcpu", &avcpu_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		mutex_lock(&vm->lock);
		vm->vcpus[id] = NULL;
		mutex_unlock(&vm->lock);
		avcpu_vcpu_free(vcpu);
		avcpu_vm_put(vm);
	}
	return ret;
}
