// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI calls from guests, read top to bottom in avcpu_vcpu_psci(): psci.c decides (pure
 * logic, host-tested), this file applies the decision to real vCPUs and says what the
 * guest does next.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "avcpu_trace.h"
#include "psci.h"
#include "vcpu.h"

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
	return avcpu_vm_gpa_is_memory(ctx, gpa);
}

/* Every vCPU of the VM off and out of the guest: SYSTEM_OFF/RESET come after that. */
static void avcpu_vm_stop_all(struct avcpu_vm *vm)
{
	int i;

	for (i = 0; i < AVCPU_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			avcpu_vcpu_set_power(vm->vcpus[i], AVCPU_POWER_OFF, false, 0, 0);
}

/* AVCPU_VM_PSCI_USER: power changes go to userspace as exits of their own. */
static enum avcpu_exit_action avcpu_psci_user(struct avcpu_vcpu *vcpu, u32 fn)
{
	const u64 *x = vcpu->ctx->x;

	switch (fn & ~PSCI_FN_SMC64) {
	case PSCI_FN_CPU_ON:
		return avcpu_exit_psci(vcpu, AVCPU_EXIT_CPU_ON, fn);
	case PSCI_FN_CPU_OFF:
		return avcpu_exit_psci(vcpu, AVCPU_EXIT_CPU_OFF, fn);
	case PSCI_FN_SYSTEM_OFF:
		avcpu_vm_stop_all(vcpu->vm);
		return avcpu_exit_system_event(vcpu, AVCPU_SYSTEM_EVENT_OFF, 0, 0);
	case PSCI_FN_SYSTEM_RESET:
		avcpu_vm_stop_all(vcpu->vm);
		return avcpu_exit_system_event(vcpu, AVCPU_SYSTEM_EVENT_RESET, 0, 0);
	case PSCI_FN_SYSTEM_RESET2:
		avcpu_vm_stop_all(vcpu->vm);
		return avcpu_exit_system_event(vcpu, AVCPU_SYSTEM_EVENT_RESET2, x[1], x[2]);
	default:
		return avcpu_exit_report(vcpu); /* an ordinary hypercall exit */
	}
}

/* CPU_ON decided under vm->lock; the target's state is rechecked under its own lock. */
static int avcpu_psci_cpu_on(struct avcpu_vm *vm, const struct avcpu_psci_result *res)
{
	struct avcpu_vcpu *target = vm->vcpus[res->target];
	int ret = res->ret;

	spin_lock(&target->power_lock);
	if (target->power == AVCPU_POWER_ON)
		ret = PSCI_RET_ALREADY_ON;
	else if (target->reset_pending)
		ret = PSCI_RET_ON_PENDING;
	spin_unlock(&target->power_lock);
	if (ret == PSCI_RET_SUCCESS)
		avcpu_vcpu_set_power(target, AVCPU_POWER_ON, true, res->entry, res->context);
	return ret;
}

/* Applies a decision with vm->lock held; returns what the guest does next. */
static enum avcpu_exit_action avcpu_psci_apply(struct avcpu_vcpu *vcpu,
					       struct avcpu_psci_result *res)
{
	struct avcpu_vm *vm = vcpu->vm;

	switch (res->action) {
	case PSCI_ACT_CPU_ON:
		res->ret = avcpu_psci_cpu_on(vm, res);
		return AVCPU_ACTION_RESUME;
	case PSCI_ACT_CPU_OFF:
		avcpu_vcpu_set_power(vcpu, AVCPU_POWER_OFF, false, 0, 0);
		return AVCPU_ACTION_RESUME; /* RUN finds it off and sleeps */
	case PSCI_ACT_SYSTEM_OFF:
		avcpu_vm_stop_all(vm);
		return avcpu_exit_system_event(vcpu, AVCPU_SYSTEM_EVENT_OFF, 0, 0);
	case PSCI_ACT_SYSTEM_RESET:
		avcpu_vm_stop_all(vm);
		return avcpu_exit_system_event(vcpu, AVCPU_SYSTEM_EVENT_RESET, 0, 0);
	case PSCI_ACT_SYSTEM_RESET2:
		avcpu_vm_stop_all(vm);
		return avcpu_exit_system_event(vcpu, AVCPU_SYSTEM_EVENT_RESET2, res->entry,
					       res->context);
	default:
		return AVCPU_ACTION_RESUME;
	}
}

enum avcpu_exit_action avcpu_vcpu_psci(struct avcpu_vcpu *vcpu)
{
	struct avcpu_vm *vm = vcpu->vm;
	const struct avcpu_psci_vm ops = {
		.find_vcpu = glue_find_vcpu,
		.affinity_state = glue_affinity_state,
		.in_guest_memory = glue_in_guest_memory,
		.ctx = vm,
	};
	u64 *x = vcpu->ctx->x;
	u32 fn = avcpu_smccc_function((u32)x[0]);
	struct avcpu_psci_result res;
	enum avcpu_exit_action action;

	/* vm->config is fixed once vCPUs exist: read without the lock. */
	if (!(vm->config & AVCPU_VM_PSCI_USER) && avcpu_psci_is_stateless(fn)) {
		avcpu_psci_call(&ops, fn, x[1], x[2], x[3], &res);
		action = AVCPU_ACTION_RESUME;
	} else {
		mutex_lock(&vm->lock);
		if (vm->config & AVCPU_VM_PSCI_USER) {
			action = avcpu_psci_user(vcpu, fn);
			mutex_unlock(&vm->lock);
			return action;
		}
		avcpu_psci_call(&ops, fn, x[1], x[2], x[3], &res);
		action = avcpu_psci_apply(vcpu, &res);
		mutex_unlock(&vm->lock);
	}
	vcpu->stats.psci_calls++;

	trace_avcpu_psci(vcpu->id, fn, x[1], res.ret);
	x[0] = (u64)res.ret;
	if (res.action == PSCI_ACT_SUSPEND)
		avcpu_vcpu_wait(vcpu); /* CPU_SUSPEND: like WFI */
	return action;
}
