/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PSCI 1.1 (Arm DEN 0022) as avcpu serves it in the kernel: the decisions, kept apart
 * from how vCPUs are found, woken and stopped, so that the host unit tests run them.
 */
#ifndef AVCPU_PSCI_H
#define AVCPU_PSCI_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint64_t u64;
typedef uint32_t u32;
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define PSCI_FN_VERSION			0x84000000U
#define PSCI_FN_CPU_SUSPEND		0x84000001U
#define PSCI_FN_CPU_OFF			0x84000002U
#define PSCI_FN_CPU_ON			0x84000003U
#define PSCI_FN_AFFINITY_INFO		0x84000004U
#define PSCI_FN_MIGRATE			0x84000005U
#define PSCI_FN_MIGRATE_INFO_TYPE	0x84000006U
#define PSCI_FN_MIGRATE_INFO_UP_CPU	0x84000007U
#define PSCI_FN_SYSTEM_OFF		0x84000008U
#define PSCI_FN_SYSTEM_RESET		0x84000009U
#define PSCI_FN_FEATURES		0x8400000aU
#define PSCI_FN_CPU_FREEZE		0x8400000bU
#define PSCI_FN_CPU_DEFAULT_SUSPEND	0x8400000cU
#define PSCI_FN_NODE_HW_STATE		0x8400000dU
#define PSCI_FN_SYSTEM_SUSPEND		0x8400000eU
#define PSCI_FN_SYSTEM_RESET2		0x84000012U
#define PSCI_FN_SMC64			0x40000000U	/* OR-ed in: the SMC64 form */

/*
 * SMCCC function ID bits (Arm DEN 0028): bit 31 marks a fast call; in a fast call bit 16
 * is the SVE live state hint (SMCCC v1.3), which firmware drops before dispatching, and
 * bits 23:17 are reserved (must be zero).
 */
#define SMCCC_FAST_CALL			0x80000000U
#define SMCCC_SVE_HINT			0x00010000U
#define SMCCC_FAST_RESERVED		0x00fe0000U

#define PSCI_RET_SUCCESS		0
#define PSCI_RET_NOT_SUPPORTED		-1
#define PSCI_RET_INVALID_PARAMS		-2
#define PSCI_RET_DENIED			-3
#define PSCI_RET_ALREADY_ON		-4
#define PSCI_RET_ON_PENDING		-5
#define PSCI_RET_INVALID_ADDRESS	-9

#define PSCI_VERSION_1_1		0x10001

/* AFFINITY_INFO answers. */
#define PSCI_AFF_ON			0
#define PSCI_AFF_OFF			1
#define PSCI_AFF_ON_PENDING		2

/* What the caller must do after the decision. */
enum avcpu_psci_action {
	PSCI_ACT_NONE,		/* just return ret in x0 */
	PSCI_ACT_CPU_ON,	/* start .target at .entry with x0 = .context, then ret */
	PSCI_ACT_CPU_OFF,	/* power the calling vCPU off */
	PSCI_ACT_SUSPEND,	/* x0 = ret, then wait like WFI */
	PSCI_ACT_SYSTEM_OFF,	/* stop every vCPU, system-event exit */
	PSCI_ACT_SYSTEM_RESET,
	PSCI_ACT_SYSTEM_RESET2,
};

struct avcpu_psci_vm {
	/* The vCPU index with this MPIDR affinity, or -1. */
	int (*find_vcpu)(void *ctx, u64 mpidr);
	/* PSCI_AFF_ON, _OFF or _ON_PENDING of a vCPU. */
	int (*affinity_state)(void *ctx, int vcpu);
	/* Whether an entry point lies in guest memory. */
	bool (*in_guest_memory)(void *ctx, u64 gpa);
	void *ctx;
};

struct avcpu_psci_result {
	long ret;
	enum avcpu_psci_action action;
	int target;
	u64 entry, context;
};

/* The function a guest's W0 names, as firmware sees it: a fast call's hint bit dropped. */
static inline u32 avcpu_smccc_function(u32 w0)
{
	return w0 & SMCCC_FAST_CALL ? w0 & ~SMCCC_SVE_HINT : w0;
}

/* Whether W0 names a PSCI function (the hint bit dropped). */
bool avcpu_psci_is_call(u32 w0);

/*
 * Whether the call's decision reads no VM state (no vCPU looked up) and its action changes
 * none (VERSION, FEATURES, MIGRATE_INFO_TYPE, CPU_SUSPEND): it needs no lock.
 */
bool avcpu_psci_is_stateless(u32 w0);

/* Decides a PSCI call fn(a1, a2, a3). */
void avcpu_psci_call(const struct avcpu_psci_vm *vm, u32 fn, u64 a1, u64 a2, u64 a3,
		     struct avcpu_psci_result *res);

/*
 * Whether a function ID range includes a PSCI call other than the read-only queries
 * (VERSION, FEATURES, AFFINITY_INFO, MIGRATE_INFO_*, NODE_HW_STATE, STAT_*), in its SMC32
 * or SMC64 form, with or without the SVE hint bit: never forwarded.
 */
bool avcpu_psci_range_changes_power(u32 first, u32 last);

/*
 * Whether a range includes a fast-call ID with reserved bits (23:17) set: no such function
 * exists, and firmware may decode one as something else, so no ALLOW rule may name it.
 */
bool avcpu_smc_range_reserved(u32 first, u32 last);

#endif /* AVCPU_PSCI_H */
