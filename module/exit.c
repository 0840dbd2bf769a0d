// SPDX-License-Identifier: GPL-2.0
/*
 * Exit records: what userspace reads in struct avcpu_run after RUN returns, and how its
 * answer completes the exit on the next RUN. Every write of run->exit_reason is here, and
 * vcpu->pending (the kernel's own copy: userspace may change the page at any time) always
 * goes with it.
 */
#include <linux/string.h>

#include <uapi/linux/avcpu.h>

#include "avcpu_trace.h"
#include "psci.h"
#include "vcpu.h"

/* Starts an exit record: the union cleared, the reason set in both copies. */
static struct avcpu_run *avcpu_exit_begin(struct avcpu_vcpu *vcpu, u32 reason)
{
	struct avcpu_run *run = vcpu->run;

	memset(run->padding, 0, sizeof(run->padding));
	run->exit_reason = reason;
	vcpu->pending = reason;
	return run;
}

/* Applies what userspace answered to the last exit before the guest runs again. */
void avcpu_exit_complete(struct avcpu_vcpu *vcpu)
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

static void avcpu_exit_mmio(struct avcpu_vcpu *vcpu, const struct avcpu_hyp_exit *e)
{
	struct avcpu_run *run = avcpu_exit_begin(vcpu, AVCPU_EXIT_MMIO);
	u64 value = cpu_to_le64(e->mmio.value);

	trace_avcpu_mmio(vcpu->id, e->mmio.ipa, e->mmio.len, e->mmio.is_write, e->mmio.value);
	run->mmio.phys_addr = e->mmio.ipa;
	run->mmio.len = e->mmio.len;
	run->mmio.is_write = e->mmio.is_write;
	memcpy(run->mmio.data, &value, sizeof(value));
}

static void avcpu_exit_hypercall(struct avcpu_vcpu *vcpu, const struct avcpu_hyp_exit *e)
{
	struct avcpu_run *run = avcpu_exit_begin(vcpu, AVCPU_EXIT_HYPERCALL);

	trace_avcpu_hypercall(vcpu->id, e->hypercall.smc, e->hypercall.imm, e->hypercall.args[0]);
	run->hypercall.imm = e->hypercall.imm;
	memcpy(run->hypercall.args, e->hypercall.args, sizeof(run->hypercall.args));
	/* Unless userspace says otherwise, x0..x3 keep their values. */
	memcpy(run->hypercall.ret, e->hypercall.args, sizeof(run->hypercall.ret));
	run->hypercall.flags = e->hypercall.smc ? AVCPU_HYPERCALL_SMC : 0;
}

static void avcpu_exit_sysreg(struct avcpu_vcpu *vcpu, const struct avcpu_hyp_exit *e)
{
	struct avcpu_run *run = avcpu_exit_begin(vcpu, AVCPU_EXIT_SYSREG);

	run->sysreg.op0 = e->sysreg.op0;
	run->sysreg.op1 = e->sysreg.op1;
	run->sysreg.crn = e->sysreg.crn;
	run->sysreg.crm = e->sysreg.crm;
	run->sysreg.op2 = e->sysreg.op2;
	run->sysreg.rt = e->sysreg.rt;
	run->sysreg.is_write = e->sysreg.is_write;
	run->sysreg.value = e->sysreg.value;
}

/* An exit EL2 decoded for userspace: the record from ctx->exit. */
enum avcpu_exit_action avcpu_exit_report(struct avcpu_vcpu *vcpu)
{
	const struct avcpu_hyp_exit *e = &vcpu->ctx->exit;
	struct avcpu_run *run;

	switch (e->reason) {
	case AVCPU_EXIT_MMIO:
		avcpu_exit_mmio(vcpu, e);
		break;
	case AVCPU_EXIT_MMIO_NO_SYNDROME:
		run = avcpu_exit_begin(vcpu, AVCPU_EXIT_MMIO_NO_SYNDROME);
		run->mmio_no_syndrome.esr = e->esr;
		run->mmio_no_syndrome.phys_addr = e->mmio.ipa;
		run->mmio_no_syndrome.far = e->far;
		break;
	case AVCPU_EXIT_HYPERCALL:
		avcpu_exit_hypercall(vcpu, e);
		break;
	case AVCPU_EXIT_SYSREG:
		avcpu_exit_sysreg(vcpu, e);
		break;
	default:
		run = avcpu_exit_begin(vcpu, AVCPU_EXIT_EXCEPTION);
		run->exception.esr = e->esr;
		run->exception.far = e->far;
		run->exception.hpfar = e->hpfar;
		run->exception.pc = e->exception.pc;
		run->exception.pstate = e->exception.pstate;
		break;
	}
	return AVCPU_ACTION_USER;
}

enum avcpu_exit_action avcpu_exit_wfi(struct avcpu_vcpu *vcpu)
{
	avcpu_exit_begin(vcpu, AVCPU_EXIT_WFI);
	return AVCPU_ACTION_USER;
}

enum avcpu_exit_action avcpu_exit_system_event(struct avcpu_vcpu *vcpu, u32 type,
					       u64 reset_type, u64 cookie)
{
	struct avcpu_run *run = avcpu_exit_begin(vcpu, AVCPU_EXIT_SYSTEM_EVENT);

	run->system_event.type = type;
	run->system_event.reset_type = reset_type;
	run->system_event.cookie = cookie;
	return AVCPU_ACTION_USER;
}

/* Userspace PSCI: CPU_ON or CPU_OFF with the call's arguments from x1..x3. */
enum avcpu_exit_action avcpu_exit_psci(struct avcpu_vcpu *vcpu, u32 reason, u32 fn)
{
	struct avcpu_run *run = avcpu_exit_begin(vcpu, reason);
	const u64 *x = vcpu->ctx->x;

	run->psci.function = fn;
	run->psci.target_mpidr = x[1];
	run->psci.entry = x[2];
	run->psci.context = x[3];
	run->psci.ret = PSCI_RET_SUCCESS;
	return AVCPU_ACTION_USER;
}
