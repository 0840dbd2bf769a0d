// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI 1.1 decisions (see psci.h). Pure: no kernel calls.
 */
#include "psci.h"

/* MPIDR affinity fields Aff3 (39:32) and Aff2..Aff0 (23:0). */
#define MPIDR_AFF_MASK	0xff00ffffffULL

bool avcpu_psci_is_call(u32 w0)
{
	return (avcpu_smccc_function(w0) & ~(PSCI_FN_SMC64 | 0x1fU)) == 0x84000000U;
}

/* Functions with an SMC64 form in PSCI 1.1 (the others exist only as SMC32). */
static bool has_smc64_form(u32 base)
{
	switch (base) {
	case PSCI_FN_CPU_SUSPEND:
	case PSCI_FN_CPU_ON:
	case PSCI_FN_AFFINITY_INFO:
	case PSCI_FN_MIGRATE:
	case PSCI_FN_MIGRATE_INFO_UP_CPU:
	case PSCI_FN_CPU_DEFAULT_SUSPEND:
	case PSCI_FN_NODE_HW_STATE:
	case PSCI_FN_SYSTEM_SUSPEND:
	case PSCI_FN_SYSTEM_RESET2:
		return true;
	default:
		return false;
	}
}

/* The functions avcpu implements. */
static bool implemented(u32 fn)
{
	u32 base = fn & ~PSCI_FN_SMC64;

	if (fn & PSCI_FN_SMC64 && !has_smc64_form(base))
		return false;
	switch (base) {
	case PSCI_FN_VERSION:
	case PSCI_FN_CPU_SUSPEND:
	case PSCI_FN_CPU_OFF:
	case PSCI_FN_CPU_ON:
	case PSCI_FN_AFFINITY_INFO:
	case PSCI_FN_MIGRATE_INFO_TYPE:
	case PSCI_FN_SYSTEM_OFF:
	case PSCI_FN_SYSTEM_RESET:
	case PSCI_FN_SYSTEM_RESET2:
	case PSCI_FN_FEATURES:
		return true;
	default:
		return false;
	}
}

static void cpu_on(const struct avcpu_psci_vm *vm, u64 mpidr, u64 entry, u64 context,
		   bool smc32, struct avcpu_psci_result *res)
{
	int target;

	if (smc32) {
		/* The SMC32 form takes 32-bit arguments. */
		mpidr &= 0xffffffffULL;
		entry &= 0xffffffffULL;
		context &= 0xffffffffULL;
	}
	target = vm->find_vcpu(vm->ctx, mpidr & MPIDR_AFF_MASK);
	if (target < 0 || mpidr & ~MPIDR_AFF_MASK) {
		res->ret = PSCI_RET_INVALID_PARAMS;
		return;
	}
	switch (vm->affinity_state(vm->ctx, target)) {
	case PSCI_AFF_ON:
		res->ret = PSCI_RET_ALREADY_ON;
		return;
	case PSCI_AFF_ON_PENDING:
		res->ret = PSCI_RET_ON_PENDING;
		return;
	}
	if (entry & 3 || !vm->in_guest_memory(vm->ctx, entry)) {
		res->ret = PSCI_RET_INVALID_ADDRESS;
		return;
	}
	res->ret = PSCI_RET_SUCCESS;
	res->action = PSCI_ACT_CPU_ON;
	res->target = target;
	res->entry = entry;
	res->context = context;
}

void avcpu_psci_call(const struct avcpu_psci_vm *vm, u32 fn, u64 a1, u64 a2, u64 a3,
		     struct avcpu_psci_result *res)
{
	bool smc32 = !(fn & PSCI_FN_SMC64);
	int target;

	fn = avcpu_smccc_function(fn);
	res->ret = PSCI_RET_NOT_SUPPORTED;
	res->action = PSCI_ACT_NONE;
	res->target = -1;
	res->entry = res->context = 0;
	if (!avcpu_psci_is_call(fn) || !implemented(fn))
		return;

	switch (fn & ~PSCI_FN_SMC64) {
	case PSCI_FN_VERSION:
		res->ret = PSCI_VERSION_1_1;
		break;
	case PSCI_FN_CPU_SUSPEND:
		/* Every power state is treated as standby: a WFI that returns SUCCESS. */
		res->ret = PSCI_RET_SUCCESS;
		res->action = PSCI_ACT_SUSPEND;
		break;
	case PSCI_FN_CPU_OFF:
		res->ret = PSCI_RET_SUCCESS;
		res->action = PSCI_ACT_CPU_OFF;
		break;
	case PSCI_FN_CPU_ON:
		cpu_on(vm, a1, a2, a3, smc32, res);
		break;
	case PSCI_FN_AFFINITY_INFO:
		if (smc32)
			a1 &= 0xffffffffULL;
		/* Only level 0 (a single vCPU) is supported. */
		target = vm->find_vcpu(vm->ctx, a1 & MPIDR_AFF_MASK);
		if (a2 != 0 || target < 0 || a1 & ~MPIDR_AFF_MASK)
			res->ret = PSCI_RET_INVALID_PARAMS;
		else
			res->ret = vm->affinity_state(vm->ctx, target);
		break;
	case PSCI_FN_MIGRATE_INFO_TYPE:
		res->ret = 2; /* no Trusted OS: migration not needed */
		break;
	case PSCI_FN_SYSTEM_OFF:
		res->action = PSCI_ACT_SYSTEM_OFF;
		res->ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_FN_SYSTEM_RESET:
		res->action = PSCI_ACT_SYSTEM_RESET;
		res->ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_FN_SYSTEM_RESET2:
		/* Architectural warm reset (0) or vendor-specific (bit 31) only. */
		if (smc32)
			a1 &= 0xffffffffULL;
		if (a1 != 0 && !(a1 & 0x80000000ULL)) {
			res->ret = PSCI_RET_INVALID_PARAMS;
			break;
		}
		res->action = PSCI_ACT_SYSTEM_RESET2;
		res->ret = PSCI_RET_SUCCESS;
		res->entry = a1;	/* reset type */
		res->context = a2;	/* cookie */
		break;
	case PSCI_FN_FEATURES:
		/* 0: implemented (for CPU_SUSPEND: the original power-state format). */
		res->ret = avcpu_psci_is_call((u32)a1) &&
					   implemented(avcpu_smccc_function((u32)a1)) ?
				   PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
		break;
	}
}

bool avcpu_psci_is_stateless(u32 w0)
{
	u32 fn = avcpu_smccc_function(w0);

	if (!avcpu_psci_is_call(fn))
		return false;
	switch (fn & ~PSCI_FN_SMC64) {
	case PSCI_FN_VERSION:
	case PSCI_FN_FEATURES:
	case PSCI_FN_MIGRATE_INFO_TYPE:
	case PSCI_FN_CPU_SUSPEND:
		return true;
	default:
		return false;
	}
}

/*
 * Within PSCI's function IDs only these queries may be forwarded: everything else there
 * changes power state or platform behaviour (CPU_SUSPEND, SET_SUSPEND_MODE, MEM_PROTECT,
 * ...), now or in a future PSCI version.
 */
static bool psci_read_only(u32 base)
{
	switch (base) {
	case PSCI_FN_VERSION:
	case PSCI_FN_AFFINITY_INFO:
	case PSCI_FN_MIGRATE_INFO_TYPE:
	case PSCI_FN_MIGRATE_INFO_UP_CPU:
	case PSCI_FN_FEATURES:
	case PSCI_FN_NODE_HW_STATE:
	case 0x84000010: /* PSCI_STAT_RESIDENCY */
	case 0x84000011: /* PSCI_STAT_COUNT */
		return true;
	default:
		return false;
	}
}

static bool fn_in_range(u32 fn, u32 first, u32 last)
{
	return fn >= first && fn <= last;
}

bool avcpu_psci_range_changes_power(u32 first, u32 last)
{
	static const u32 forms[] = { 0, PSCI_FN_SMC64, SMCCC_SVE_HINT,
				     PSCI_FN_SMC64 | SMCCC_SVE_HINT };
	unsigned int i;
	u32 fn;

	for (fn = 0x84000000U; fn <= 0x8400001fU; fn++) {
		if (psci_read_only(fn))
			continue;
		for (i = 0; i < ARRAY_SIZE(forms); i++)
			if (fn_in_range(fn | forms[i], first, last))
				return true;
	}
	return false;
}

bool avcpu_smc_range_reserved(u32 first, u32 last)
{
	if (last < SMCCC_FAST_CALL)
		return false;
	if (first < SMCCC_FAST_CALL)
		first = SMCCC_FAST_CALL;
	/*
	 * IDs with bits 23:17 clear come in blocks [X << 24, X << 24 | 0x1ffff]: the range
	 * has none of the others exactly when it lies within one block.
	 */
	return (first >> 24) != (last >> 24) || (first & SMCCC_FAST_RESERVED) ||
	       (last & SMCCC_FAST_RESERVED);
}
