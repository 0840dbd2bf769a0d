/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host <-> EL2 call ABI and the structures the module shares with EL2.
 * Shared between the kernel C (module/) and the EL2 image (C++ and assembly): offsets used
 * by assembly are #defines checked against the structs with static_assert.
 * Documented in Documentation/el2.rst.
 */
#ifndef AVCPU_HYP_ABI_H
#define AVCPU_HYP_ABI_H

/*
 * The kernel's hyp-stub ABI (arch/arm64/include/asm/virt.h, Documentation/virt/kvm/arm/
 * hyp-abi.rst): hvc #0 with the function in x0. avcpu's EL2 keeps this contract.
 */
#define HVC_SET_VECTORS		0
#define HVC_SOFT_RESTART	1
#define HVC_RESET_VECTORS	2
#define HVC_FINALISE_EL2	3
#define HVC_STUB_HCALL_NR	4	/* first number the stub does not implement */
#define HVC_STUB_ERR		0xbadca11

/*
 * avcpu's own calls: hvc #0 with x0 = an SMCCC fast-call ID in the vendor-specific
 * hypervisor service range (owner 6), x1..x6 arguments. Results: x0 a status (0 or a
 * negative AVCPU_HYP_E*), x1..x3 values. All other registers are preserved.
 */
#define AVCPU_HC_BASE		0xc6000000UL
#define AVCPU_HC(n)		(AVCPU_HC_BASE | (n))
#define AVCPU_HC_PING		AVCPU_HC(0x10)	/* -> x1 CurrentEL, x2 VBAR_EL2, x3 SCTLR_EL2 */
#define AVCPU_HC_TEST_FAULT	AVCPU_HC(0x11)	/* x1 = address EL2 reads; for tests */
#define AVCPU_HC_COUNT		0x12

/* Answer to hvc #0, x0 = HVC_STUB_HCALL_NR when avcpu owns EL2 ("AVC2"). */
#define AVCPU_HYP_OWNER_MAGIC	0x41564332UL

#define AVCPU_HYP_OK		0
#define AVCPU_HYP_ENOSYS	-1	/* unknown function (also SMCCC NOT_SUPPORTED) */
#define AVCPU_HYP_EINVAL	-2	/* bad argument */
#define AVCPU_HYP_EFAULT	-3	/* EL2 took an exception: x1 ESR, x2 ELR, x3 FAR */

/*
 * Per-CPU parameters handed to the MMU-off entry point (x0 = their physical address).
 * Everything is identity-mapped at EL2 (VA == PA), so the same values serve before and
 * after the MMU is on.
 */
#define HYP_INIT_MAIR		0
#define HYP_INIT_TCR		8
#define HYP_INIT_TTBR0		16
#define HYP_INIT_SCTLR		24
#define HYP_INIT_VBAR		32
#define HYP_INIT_SP		40
#define HYP_INIT_PERCPU		48
#define HYP_INIT_SIZE		56

/* Per-CPU data at EL2 (TPIDR_EL2 points at it). */
#define HYP_PCPU_STUB_VBAR	0
#define HYP_PCPU_STUB_SCTLR	8
#define HYP_PCPU_STACK_TOP	16
#define HYP_PCPU_HOST_ELR	24
#define HYP_PCPU_HOST_SPSR	32
#define HYP_PCPU_IN_FAULT	40
#define HYP_PCPU_FAULT_ESR	48
#define HYP_PCPU_FAULT_ELR	56
#define HYP_PCPU_FAULT_FAR	64
#define HYP_PCPU_FAULT_COUNT	72
#define HYP_PCPU_HOST_CALLS	80
#define HYP_PCPU_SIZE		88

/*
 * The frame the host-call entry pushes: x0..x30 and a pad. Every register but x0..x3 is
 * given back as it came (callee-saved ones too: a call abandoned on an EL2 exception never
 * runs the C++ epilogues that would restore them).
 */
#define HOST_FRAME_SIZE		(32 * 8)

#ifndef __ASSEMBLY__
#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/types.h>
#else
#include <stdint.h>
typedef uint64_t __u64;
#endif

struct avcpu_hyp_init {
	__u64 mair;
	__u64 tcr;
	__u64 ttbr0;
	__u64 sctlr;
	__u64 vbar;
	__u64 sp;
	__u64 percpu;
};

struct avcpu_hyp_percpu {
	__u64 stub_vbar;	/* the hyp stub's vectors, restored when EL2 is handed back */
	__u64 stub_sctlr;	/* SCTLR_EL2 as the stub had it (MMU off) */
	__u64 stack_top;
	__u64 host_elr;		/* the host call in progress: where to return on a fault */
	__u64 host_spsr;
	__u64 in_fault;		/* an EL2 exception is being reported: a second one hangs */
	__u64 fault_esr;	/* the last exception EL2 took itself */
	__u64 fault_elr;
	__u64 fault_far;
	__u64 fault_count;
	__u64 host_calls;
};

#define HYP_CHECK_OFFSET(type, field, value) \
	static_assert(__builtin_offsetof(struct type, field) == (value), #type "." #field)

HYP_CHECK_OFFSET(avcpu_hyp_init, mair, HYP_INIT_MAIR);
HYP_CHECK_OFFSET(avcpu_hyp_init, tcr, HYP_INIT_TCR);
HYP_CHECK_OFFSET(avcpu_hyp_init, ttbr0, HYP_INIT_TTBR0);
HYP_CHECK_OFFSET(avcpu_hyp_init, sctlr, HYP_INIT_SCTLR);
HYP_CHECK_OFFSET(avcpu_hyp_init, vbar, HYP_INIT_VBAR);
HYP_CHECK_OFFSET(avcpu_hyp_init, sp, HYP_INIT_SP);
HYP_CHECK_OFFSET(avcpu_hyp_init, percpu, HYP_INIT_PERCPU);
static_assert(sizeof(struct avcpu_hyp_init) == HYP_INIT_SIZE, "avcpu_hyp_init size");

HYP_CHECK_OFFSET(avcpu_hyp_percpu, stub_vbar, HYP_PCPU_STUB_VBAR);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, stub_sctlr, HYP_PCPU_STUB_SCTLR);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, stack_top, HYP_PCPU_STACK_TOP);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, host_elr, HYP_PCPU_HOST_ELR);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, host_spsr, HYP_PCPU_HOST_SPSR);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, in_fault, HYP_PCPU_IN_FAULT);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, fault_esr, HYP_PCPU_FAULT_ESR);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, fault_elr, HYP_PCPU_FAULT_ELR);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, fault_far, HYP_PCPU_FAULT_FAR);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, fault_count, HYP_PCPU_FAULT_COUNT);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, host_calls, HYP_PCPU_HOST_CALLS);
static_assert(sizeof(struct avcpu_hyp_percpu) == HYP_PCPU_SIZE, "avcpu_hyp_percpu size");

#endif /* __ASSEMBLY__ */
#endif /* AVCPU_HYP_ABI_H */
