// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI calls from guests: the decisions of psci.c applied to real vCPUs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "avcpu_trace.h"
#include "psci.h"
#include "vm.h"

#define MPIDR_AFF_MASK 0xff00ffffffULL

static int glue_find_vcpu(void *ctx, u64 mpidr)
{
	struct avcpu_vm *vm = ctx;
	int i;

	for (i = 0; i < AVCPU_MAX_VCPUS; i++)
		if (vm->vcpus[i] && (READ_ONCE(vm->vcpus[i]->mpidr) & MPIDR_AFF_MASK) == mpidr)
			return i;
	return -1;
}

static int glue_affinity_state(void *ctx, int i)
{
	struct avcpu_vcpu *v = ((struct avcpu_vm *)ctx)->vcpus[i];
	int state;

	spin_lock(&v->power_lock);
	if (v->power == AVCPU_POWER_ON)
		state = PSCI_AFF_ON;
	else
		state = v->reset_pending ? PSCI_AFF_ON_PENDING : PSCI_AFF_OFF;
	spin_unlock(&v->power_lock);
	return state;
}

static bool glue_in_guest_memory(void *ctx, u64 gpa)
{
	struct avcpu_vm *vm = ctx;
	int i;

	for (i = 0; i < AVCPU_MAX_MEM_SLOTS; i++) {
		struct avcpu_memslot *s = &vm->slots[i];

		if (s->size && gpa >= s->gpa && gpa - s->gpa < s->size)
			return true;
	}
	return false;
}

/* Every vCPU of the VM off and out of the guest: SYSTEM_OFF/RESET come after that. */
static void avcpu_vm_stop_all(struct avcpu_vm *vm)
{
	int i;

	for (i = 0; i < AVCPU_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			avcpu_vcpu_set_power(vm->vcpus[i], AVCPU_POWER_OFF, false, 0, 0);
}

static void avcpu_report_system_event(struct avcpu_vcpu *vcpu, u32 type, u64 reset_type,
				      u64 cookie)
{
	struct avcpu_run *run = vcpu->run;

	avcpu_vm_stop_all(vcpu->vm);
	memset(run->padding, 0, sizeof(run->padding));
	run->exit_reason = AVCPU_EXIT_SYSTEM_EVENT;
	vcpu->pending = AVCPU_EXIT_SYSTEM_EVENT;
	run->system_event.type = type;
	run->system_event.reset_type = reset_type;
	run->system_event.cookie = cookie;
}

static void avcpu_report_psci(struct avcpu_vcpu *vcpu, u32 reason, u32 fn)
{
	struct avcpu_run *run = vcpu->run;
	const u64 *x = vcpu->ctx->x;

	memset(run->padding, 0, sizeof(run->padding));
	run->exit_reason = reason;
	vcpu->pending = reason;
	run->psci.function = fn;
	run->psci.target_mpidr = x[1];
	run->psci.entry = x[2];
	run->psci.context = x[3];
	run->psci.ret = PSCI_RET_SUCCESS;
}

int avcpu_vcpu_psci(struct avcpu_vcpu *vcpu, bool user)
{
	struct avcpu_vm *vm = vcpu->vm;
	const struct avcpu_psci_vm ops = {
		.find_vcpu = glue_find_vcpu,
		.affinity_state = glue_affinity_state,
		.in_guest_memory = glue_in_guest_memory,
		.ctx = vm,
	};
	u64 *x = vcpu->ctx->x;
	u32 fn = (u32)x[0];
	struct avcpu_psci_result res;

	if (user) {
		/* Userspace serves PSCI: power changes arrive as exits of their own. */
		int ret = 1;

		mutex_lock(&vm->lock);
		switch (fn & ~PSCI_FN_SMC64) {
		case PSCI_FN_CPU_ON:
			avcpu_report_psci(vcpu, AVCPU_EXIT_CPU_ON, fn);
			break;
		case PSCI_FN_CPU_OFF:
			avcpu_report_psci(vcpu, AVCPU_EXIT_CPU_OFF, fn);
			break;
		case PSCI_FN_SYSTEM_OFF:
			avcpu_report_system_event(vcpu, AVCPU_SYSTEM_EVENT_OFF, 0, 0);
			break;
		case PSCI_FN_SYSTEM_RESET:
			avcpu_report_system_event(vcpu, AVCPU_SYSTEM_EVENT_RESET, 0, 0);
			break;
		case PSCI_FN_SYSTEM_RESET2:
			avcpu_report_system_event(vcpu, AVCPU_SYSTEM_EVENT_RESET2, x[1], x[2]);
			break;
		default:
			ret = -1; /* an ordinary hypercall exit */
			break;
		}
		mutex_unlock(&vm->lock);
		return ret;
	}

	mutex_lock(&vm->lock);
	avcpu_psci_call(&ops, fn, x[1], x[2], x[3], &res);
	vcpu->stats.psci_calls++;
	switch (res.action) {
	case PSCI_ACT_CPU_ON: {
		struct avcpu_vcpu *target = vm->vcpus[res.target];

		/* Decided under vm->lock; the target's state is rechecked under its lock. */
		spin_lock(&target->power_lock);
		if (target->power == AVCPU_POWER_ON)
			res.ret = PSCI_RET_ALREADY_ON;
		else if (target->reset_pending)
			res.ret = PSCI_RET_ON_PENDING;
		spin_unlock(&target->power_lock);
		if (res.ret == PSCI_RET_SUCCESS)
			avcpu_vcpu_set_power(target, AVCPU_POWER_ON, true, res.entry, res.context);
		break;
	}
	case PSCI_ACT_CPU_OFF:
		avcpu_vcpu_set_power(vcpu, AVCPU_POWER_OFF, false, 0, 0);
		break;
	case PSCI_ACT_SYSTEM_OFF:
		avcpu_report_system_event(vcpu, AVCPU_SYSTEM_EVENT_OFF, 0, 0);
		break;
	case PSCI_ACT_SYSTEM_RESET:
		avcpu_report_system_event(vcpu, AVCPU_SYSTEM_EVENT_RESET, 0, 0);
		break;
	case PSCI_ACT_SYSTEM_RESET2:
		avcpu_report_system_event(vcpu, AVCPU_SYSTEM_EVENT_RESET2, res.entry, res.context);
		break;
	default:
		break;
	}
	mutex_unlock(&vm->lock);

	trace_avcpu_psci(vcpu->id, fn, x[1], res.ret);
	x[0] = (u64)res.ret;
	switch (res.action) {
	case PSCI_ACT_SYSTEM_OFF:
	case PSCI_ACT_SYSTEM_RESET:
	case PSCI_ACT_SYSTEM_RESET2:
		return 1;
	case PSCI_ACT_SUSPEND:
		return 2; /* like WFI */
	default:
		return 0;
	}
}
