// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's register state: its reset, and the ioctls that read and write it
 * (GET/SET_REGS, GET/SET_ONE_REG, GET_REG_LIST). Called with vcpu->lock held.
 */
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/cputype.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>

#include <uapi/linux/avcpu.h>

#include "el2_controls.h"
#include "vcpu.h"
#include "vgic.h"

/* Where a vCPU starts, and where CPU_ON puts it: EL1h with D, A, I and F masked. */
#define PSTATE_EL1H_MASKED (PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT)
/* MPIDR_EL1 bit 31 is RES1 (Arm ARM D24.2.103). */
#define MPIDR_EL1_RES1 BIT_ULL(31)
/* MPIDR_EL1.U [30] (uniprocessor system) and MT [24] (multithreaded affinity levels). */
#define MPIDR_EL1_U BIT_ULL(30)
#define MPIDR_EL1_MT BIT_ULL(24)
/* The affinity fields a VMM may choose: Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0. */
#define MPIDR_EL1_AFF_MASK 0xff00ffffffULL
/* What SET_ONE_REG takes: what GET_ONE_REG can return (RES1 read back is accepted). */
#define MPIDR_EL1_WRITABLE (MPIDR_EL1_AFF_MASK | MPIDR_EL1_RES1 | MPIDR_EL1_U | MPIDR_EL1_MT)

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

/*
 * The ID registers a guest starts from: the kernel's sanitised value (the safe value of
 * each field across every CPU, fields it does not know cleared) for the AArch64 ones it
 * tracks; zero for the rest, the AArch32 ones included (the guest has no AArch32, see
 * guest_exit.h). The kernel's table covers these on 6.1 and 6.12 alike.
 */
static const u32 avcpu_id_regs_known[] = {
	SYS_ID_AA64PFR0_EL1,  SYS_ID_AA64PFR1_EL1,  SYS_ID_AA64ZFR0_EL1, SYS_ID_AA64SMFR0_EL1,
	SYS_ID_AA64DFR0_EL1,  SYS_ID_AA64DFR1_EL1,  SYS_ID_AA64ISAR0_EL1, SYS_ID_AA64ISAR1_EL1,
	SYS_ID_AA64ISAR2_EL1, SYS_ID_AA64MMFR0_EL1, SYS_ID_AA64MMFR1_EL1, SYS_ID_AA64MMFR2_EL1,
};

static void avcpu_vcpu_id_regs(u64 *regs)
{
	unsigned int i;

	memset(regs, 0, VCPU_ID_REGS * sizeof(*regs));
	for (i = 0; i < ARRAY_SIZE(avcpu_id_regs_known); i++) {
		u32 id = avcpu_id_regs_known[i];

		regs[VCPU_ID_REG_INDEX(sys_reg_CRm(id), sys_reg_Op2(id))] =
			read_sanitised_ftr_reg(id);
	}
}

static int avcpu_cpus_have_aarch32_el0(void)
{
	return id_aa64pfr0_32bit_el0(read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1));
}

static u64 avcpu_default_mpidr(unsigned int id)
{
	/* Aff0 = id[3:0] (16 CPUs per cluster, as GICv3 targets lists), Aff1, Aff2 above. */
	return MPIDR_EL1_RES1 | (id & 0xf) | (((id >> 4) & 0xff) << 8) | (((u64)(id >> 12) & 0xff) << 16);
}

void avcpu_vcpu_reset(struct avcpu_vcpu *vcpu)
{
	struct avcpu_vcpu_ctx *ctx = vcpu->ctx;

	memset(ctx, 0, sizeof(*ctx));
	ctx->magic = VCPU_CTX_MAGIC;
	ctx->pstate = PSTATE_EL1H_MASKED;
	ctx->sys[VSYS_SCTLR] = AVCPU_SCTLR_EL1_RESET;
	ctx->hcr = AVCPU_HCR_GUEST;
	ctx->vttbr = vcpu->vm->vttbr;
	ctx->vtcr = vcpu->vm->vtcr;
	/*
	 * vcpu->mpidr is not touched: a CPU_ON reset keeps the MPIDR the vCPU had, and
	 * other vCPUs' PSCI calls look vCPUs up by it meanwhile. Creation publishes it.
	 */
	ctx->vmpidr = avcpu_default_mpidr(vcpu->id);
	ctx->vpidr = read_cpuid_id();
	ctx->cptr = AVCPU_CPTR_GUEST;
	ctx->mdcr = AVCPU_MDCR_GUEST;
	ctx->cnthctl = AVCPU_CNTHCTL_GUEST;
	ctx->cntvoff = 0;
	if (vcpu->vm->config & AVCPU_VM_PSCI_USER)
		ctx->flags |= VCPU_FLAG_PSCI_USER;
	BUILD_BUG_ON(sizeof(ctx->smc_rules) != sizeof(vcpu->vm->smc.ranges));
	memcpy(ctx->smc_rules, vcpu->vm->smc.ranges, sizeof(ctx->smc_rules));
	ctx->nr_smc_rules = vcpu->vm->smc.nr_ranges;
	memset(&vcpu->fp, 0, sizeof(vcpu->fp));
	vcpu->fp_loaded = false;	/* a reset in RUN: the next entry loads the zeroes */
	avcpu_vcpu_id_regs(ctx->id_regs);
	avcpu_vgic_vcpu_reset(vcpu);
}

/* PSCI CPU_ON's reset: entry point, context id in x0, EL1h, masked, MMU off. */
void avcpu_vcpu_power_on_reset(struct avcpu_vcpu *vcpu, u64 entry, u64 context)
{
	struct avcpu_vcpu_ctx *ctx = vcpu->ctx;
	u64 vmpidr = ctx->vmpidr, cntvoff = ctx->cntvoff;
	struct avcpu_hyp_stats stats = ctx->stats;

	avcpu_vcpu_reset(vcpu);
	ctx->vmpidr = vmpidr;
	ctx->cntvoff = cntvoff;
	ctx->stats = stats;
	ctx->pc = entry;
	ctx->x[0] = context;
	vcpu->pending = AVCPU_EXIT_NONE;
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
	/*
	 * What GET_REGS can return: AArch32 EL0 only where every CPU has it (the check at
	 * EL2 asks the CPU it runs on).
	 */
	if (!avcpu_guest_pstate_valid(regs.pstate, avcpu_cpus_have_aarch32_el0()) ||
	    regs.reserved)
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
		/*
		 * The affinity fields, U and MT are the VMM's to choose; RES1 is accepted
		 * so that the value read back can be written back.
		 */
		if (mpidr & ~MPIDR_EL1_WRITABLE)
			return -EINVAL;
		vcpu->ctx->vmpidr = mpidr | MPIDR_EL1_RES1;
		WRITE_ONCE(vcpu->mpidr, vcpu->ctx->vmpidr);
		/* The vGIC routes SPIs and SGIs by affinity. */
		mutex_lock(&vcpu->vm->lock);
		avcpu_vgic_vcpu_update(vcpu->vm, vcpu->id, true, vcpu->mpidr);
		mutex_unlock(&vcpu->vm->lock);
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

long avcpu_vcpu_regs_ioctl(struct avcpu_vcpu *vcpu, unsigned int cmd, void __user *arg)
{
	switch (cmd) {
	case AVCPU_GET_REGS:
		return avcpu_get_regs(vcpu, arg);
	case AVCPU_SET_REGS:
		return avcpu_set_regs(vcpu, arg);
	case AVCPU_GET_ONE_REG:
		return avcpu_one_reg(vcpu, arg, false);
	case AVCPU_SET_ONE_REG:
		return avcpu_one_reg(vcpu, arg, true);
	case AVCPU_GET_REG_LIST:
		return avcpu_reg_list(vcpu, arg);
	default:
		return -ENOTTY;
	}
}
