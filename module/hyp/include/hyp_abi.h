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
#define AVCPU_HC_VCPU_RUN	AVCPU_HC(0x20)	/* x1 = PA of avcpu_vcpu_ctx -> x1 exit */
#define AVCPU_HC_FLUSH_VMID	AVCPU_HC(0x21)	/* x1 = VTTBR_EL2 of a VM: its TLB entries */
#define AVCPU_HC_FLUSH_EL2	AVCPU_HC(0x22)	/* EL2's own TLB, after an unmap */
#define AVCPU_HC_GIC_INFO	AVCPU_HC(0x23)	/* -> x1 ICH_VTR_EL2, x2 ICC_SRE_EL2 */
#define AVCPU_HC_COUNT		0x24

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
#define HYP_PCPU_GUEST_CTX	88	/* non-zero while a guest runs: its avcpu_vcpu_ctx */
#define HYP_PCPU_EL2_SP		96	/* EL2's stack while a guest runs */
#define HYP_PCPU_RUN_ACTIVE	104	/* guest state loaded: faults must not reach the host */
#define HYP_PCPU_MITIGATIONS	112	/* HYP_MIT_* bits: chosen at EL1 for this CPU */
#define HYP_PCPU_EXIT_SERROR	120	/* ESR_EL2 of an SError taken in the exit window, or 0 */
#define HYP_PCPU_FEATURES	128	/* EL2's cpu_features() of this CPU, once read */
#define HYP_PCPU_SIZE		136
/* avcpu_hyp_percpu.features: the value is there (the page starts zeroed). */
#define HYP_PCPU_FEATURES_READ	(1ULL << 63)

/*
 * What EL2 does on this CPU when a guest exits or is switched (avcpu_hyp_percpu.mitigations),
 * chosen at EL1 from the CPU's MIDR, ID registers and firmware (module/mitigations.c,
 * Documentation/el2.rst "Mitigations"). Bits [7:0]: k, the iterations of Arm's branch-history
 * clearing loop (Spectre-BHB whitepaper), 0 for none.
 */
#define HYP_MIT_BHB_LOOP_MASK	0xff
#define HYP_MIT_CLRBHB_BIT	8	/* CLRBHB; ISB (ID_AA64ISAR2_EL1.CLRBHB) */
#define HYP_MIT_FW_WA3_BIT	9	/* SMC SMCCC_ARCH_WORKAROUND_3 (branch history, and v2) */
#define HYP_MIT_FW_WA1_BIT	10	/* SMC SMCCC_ARCH_WORKAROUND_1 (branch predictor, v2) */
#define HYP_MIT_SPEC_AT_BIT	11	/* speculative-AT errata: fenced EL1 switch order */
#define HYP_MIT_RAS_BIT		12	/* FEAT_RAS: ESB at exit defers SErrors into DISR_EL1;
					 * without it, an unmasked window takes them at EL2 */
#define HYP_MIT_CLRBHB		(1 << HYP_MIT_CLRBHB_BIT)
#define HYP_MIT_FW_WA3		(1 << HYP_MIT_FW_WA3_BIT)
#define HYP_MIT_FW_WA1		(1 << HYP_MIT_FW_WA1_BIT)
#define HYP_MIT_SPEC_AT		(1 << HYP_MIT_SPEC_AT_BIT)
#define HYP_MIT_RAS		(1 << HYP_MIT_RAS_BIT)

/* SMCCC function IDs of the Arm architecture calls (Arm DEN 0028, "Arm Architecture Calls"). */
#define SMCCC_ARCH_WORKAROUND_1_ID	0x80008000
#define SMCCC_ARCH_WORKAROUND_3_ID	0x80003fff

/*
 * struct avcpu_vcpu_ctx, field by field: the module (kernel C), the EL2 image (C++) and the
 * assembly all see the same layout, each build checks every offset (below) and that the
 * whole context fits the one page EL2 maps for it.
 */
#define VCPU_CTX_X0		0
#define VCPU_CTX_X30		240
#define VCPU_CTX_SP_EL0		248
#define VCPU_CTX_PC		256
#define VCPU_CTX_PSTATE		264
#define VCPU_CTX_SYS		272
#define VCPU_CTX_HCR		528
#define VCPU_CTX_VTTBR		536
#define VCPU_CTX_VTCR		544
#define VCPU_CTX_VMPIDR		552
#define VCPU_CTX_VPIDR		560
#define VCPU_CTX_CPTR		568
#define VCPU_CTX_MDCR		576
#define VCPU_CTX_HSTR		584
#define VCPU_CTX_CNTHCTL	592
#define VCPU_CTX_CNTVOFF	600
#define VCPU_CTX_HCRX		608
#define VCPU_CTX_FLAGS		616
#define VCPU_CTX_COMPLETE	624
#define VCPU_CTX_COMPLETE_VALUE	632
#define VCPU_CTX_EXIT		640
#define VCPU_CTX_SMC_RULES	744
#define VCPU_CTX_NR_SMC_RULES	1000
#define VCPU_CTX_STATS		1008
#define VCPU_CTX_GIC		1048
#define VCPU_CTX_ID_REGS	1272
#define VCPU_CTX_MAGIC_OFF	1720
#define VCPU_CTX_SIZE		1728
#define VCPU_CTX_PAGE		4096

/* Exit kinds from the vectors (guest_exit in entry.S). */
#define GUEST_EXIT_SYNC		0
#define GUEST_EXIT_IRQ		1
#define GUEST_EXIT_FIQ		2
#define GUEST_EXIT_SERROR	3

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
#include <linux/types.h>
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
	__u64 guest_ctx;
	__u64 el2_sp;
	__u64 run_active;
	__u64 mitigations;	/* HYP_MIT_*: written at EL1 before EL2 is taken on this CPU */
	__u64 exit_serror;	/* without FEAT_RAS: the guest's SError, taken at its exit */
	__u64 features;		/* EL2 only: cpu_features() | HYP_PCPU_FEATURES_READ */
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
HYP_CHECK_OFFSET(avcpu_hyp_percpu, guest_ctx, HYP_PCPU_GUEST_CTX);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, el2_sp, HYP_PCPU_EL2_SP);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, run_active, HYP_PCPU_RUN_ACTIVE);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, mitigations, HYP_PCPU_MITIGATIONS);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, exit_serror, HYP_PCPU_EXIT_SERROR);
HYP_CHECK_OFFSET(avcpu_hyp_percpu, features, HYP_PCPU_FEATURES);
static_assert(sizeof(struct avcpu_hyp_percpu) == HYP_PCPU_SIZE, "avcpu_hyp_percpu size");

/* The EL1 system registers switched between host and guest, by index. */
enum avcpu_sysreg {
	VSYS_SCTLR, VSYS_CPACR, VSYS_TTBR0, VSYS_TTBR1, VSYS_TCR, VSYS_MAIR, VSYS_AMAIR, VSYS_VBAR,
	VSYS_CONTEXTIDR, VSYS_TPIDR_EL0, VSYS_TPIDR_EL1, VSYS_TPIDRRO_EL0, VSYS_ESR, VSYS_FAR,
	VSYS_AFSR0, VSYS_AFSR1, VSYS_PAR, VSYS_CSSELR, VSYS_CNTKCTL, VSYS_MDSCR, VSYS_SP_EL1,
	VSYS_ELR_EL1, VSYS_SPSR_EL1, VSYS_CNTV_CTL, VSYS_CNTV_CVAL,
	/*
	 * Switched only on CPUs that have them (EL2 reads its own ID registers, feat_sr.cpp):
	 * FEAT_SME's TPIDR2_EL0 and SMPRI_EL1, FEAT_S1PIE's PIRE0_EL1 and PIR_EL1, FEAT_S1POE's
	 * POR_EL0 and POR_EL1, FEAT_RAS's deferred-SError record (a guest's DISR_EL1 is
	 * VDISR_EL2 while HCR_EL2.AMO is set). None is shown to the guest; each still gets its
	 * own copy, reset to 0, because none of them traps without fine-grained traps.
	 */
	VSYS_TPIDR2_EL0, VSYS_SMPRI_EL1, VSYS_PIRE0_EL1, VSYS_PIR_EL1, VSYS_POR_EL0, VSYS_POR_EL1,
	VSYS_VDISR,
	VSYS_NR
};

/*
 * One exit-number space for both worlds: the uapi's AVCPU_EXIT_* (below AVCPU_EXIT_MAX)
 * for exits userspace may see, and these for exits the kernel always handles itself.
 */
enum avcpu_hyp_exit_reason {
	HYP_EXIT_IRQ = 0x100,		/* a host interrupt: the host takes it, then re-enters */
	HYP_EXIT_WFI,			/* WFI (PC already past it) */
	HYP_EXIT_WFE,			/* WFE (PC already past it): the host yields */
	HYP_EXIT_HOST_SERROR,		/* EL2-internal: an uncontainable SError, run fails EFAULT */
	/*
	 * An instruction fetch that took a stage-2 translation fault (esr, far, hpfar set):
	 * guest memory not mapped yet, which the host maps, or nothing there, for which the
	 * host has the next entry inject an external abort (VCPU_COMPLETE_FETCH_ABORT).
	 */
	HYP_EXIT_FETCH_FAULT,
	/*
	 * Never from EL2: the host's name, in its trace, for a data abort EL2 decoded as
	 * MMIO that was guest memory mapped on first touch instead.
	 */
	HYP_EXIT_STAGE2_MAP,
	/*
	 * Others are the uapi's AVCPU_EXIT_* values, decoded at EL2. HYPERCALL covers SMCs
	 * too (hypercall.smc set, PC already past the SMC); SYSREG is an MSR/MRS left to
	 * the host.
	 */
};

/*
 * Who acts next after an exit: the guest again (handled where it was decoded), the host
 * kernel (EL2 -> EL1), or userspace (EL1 -> the VMM, with the run struct filled).
 */
enum avcpu_exit_action {
	AVCPU_ACTION_RESUME,
	AVCPU_ACTION_HOST,
	AVCPU_ACTION_USER,
};

/*
 * What EL2 hands back after a guest ran (struct avcpu_vcpu_ctx.exit): the typed record of
 * the exit, one member per reason, mirroring the uapi's struct avcpu_run.
 */
struct avcpu_hyp_exit {
	__u32 reason;		/* AVCPU_EXIT_* or HYP_EXIT_* */
	__u32 pad;
	__u64 esr, far, hpfar;
	union {
		struct {	/* AVCPU_EXIT_MMIO, AVCPU_EXIT_MMIO_NO_SYNDROME */
			__u64 ipa;
			__u64 value;	/* a write's value, zero-extended from len bytes */
			__u32 len;	/* MMIO: 1, 2, 4 or 8 */
			__u32 is_write;
		} mmio;
		struct {	/* AVCPU_EXIT_HYPERCALL */
			__u64 imm;
			__u64 args[7];	/* x0..x6 */
			__u32 smc;	/* it was an SMC */
			__u32 pad;
		} hypercall;
		struct {	/* AVCPU_EXIT_SYSREG */
			__u8 op0, op1, crn, crm, op2;
			__u8 rt;	/* 31: XZR */
			__u8 is_write;
			__u8 pad;
			__u64 value;	/* the value written (0 for a read) */
		} sysreg;
		struct {	/* AVCPU_EXIT_EXCEPTION */
			__u64 pc, pstate;
		} exception;
	};
};

/* How the next entry completes the last exit (struct avcpu_vcpu_ctx.complete). */
#define VCPU_COMPLETE_NONE	0
#define VCPU_COMPLETE_MMIO	1	/* a read gets complete_value; PC past the access */
#define VCPU_COMPLETE_SYSREG	2	/* an MRS gets complete_value; PC past the MSR/MRS */
#define VCPU_COMPLETE_UNDEF	3	/* the trapped instruction is UNDEFINED in the guest */
#define VCPU_COMPLETE_FETCH_ABORT 4	/* an external fetch abort, FAR_EL1 = complete_value */

/* avcpu_vcpu_ctx.flags */
#define VCPU_FLAG_FLUSH_STAGE1	(1ULL << 0)	/* another vCPU of this VM ran here last */
/* bit 1 unused: EL2 reads whether HCRX_EL2 exists from the CPU's own ID_AA64MMFR1_EL1 */
#define VCPU_FLAG_PSCI_USER	(1ULL << 2)	/* PSCI SMCs go through the SMC policy */
#define VCPU_FLAG_VGIC		(1ULL << 3)	/* the VM has a vGIC: the CPU interface is live */

/* The VM's SMC policy, copied into each vCPU (same layout as the uapi's ranges). */
#define VCPU_SMC_RANGES		16
struct avcpu_smc_rule {
	__u32 first, last, action, pad;
};

/* Counters EL2 keeps in the vCPU context. */
struct avcpu_hyp_stats {
	__u64 el2_exits;
	__u64 sysreg_emulated;
	__u64 smc_forwarded;
	__u64 undef_injected;
	__u64 aborts_injected;
};

/*
 * The GICv3 virtual CPU interface of a vCPU (Arm IHI 0069 12.5, the ICH_*_EL2 registers).
 * The host fills hcr, vmcr, the APRs and lr[0..nr_lr) before a run; EL2 loads them before
 * the guest runs and writes back what the guest left when it exits. Without a vGIC, hcr
 * holds only trap bits and nothing else is touched.
 */
#define VGIC_CPU_IF_LRS		16
struct avcpu_vgic_cpu_if {
	__u64 hcr;		/* ICH_HCR_EL2 while the guest runs; EL2 writes 0 at exit */
	__u64 vmcr;		/* ICH_VMCR_EL2 */
	__u64 ap0r[4], ap1r[4];	/* ICH_AP0R<n>_EL2, ICH_AP1R<n>_EL2: as many as the CPU has */
	__u64 lr[VGIC_CPU_IF_LRS];
	__u32 nr_lr;		/* in: LRs filled; out: LRs saved (at most the CPU's count) */
	__u32 pad;
	__u64 misr;		/* out: ICH_MISR_EL2 as the guest left (why maintenance fired) */
};

/*
 * The ID registers (op0 3, op1 0, CRn 0, CRm 1..7, op2 0..7; index (CRm - 1) * 8 + op2)
 * as the host kernel sanitised them across every CPU, so that a guest reads one view
 * wherever it runs; EL2 hides from them what the world switch does not handle.
 */
#define VCPU_ID_REGS		56
#define VCPU_ID_REG_INDEX(crm, op2) (((crm) - 1) * 8 + (op2))

#define VCPU_CTX_MAGIC		0x5850435641435458ULL

/*
 * PSTATE a guest may have: checked by SET_REGS at EL1, and at EL2 before every entry and
 * re-entry (an ERET from EL2 with SPSR_EL2 naming EL2 would run the guest at EL2). It must
 * accept every value the hardware saves in SPSR_EL2 when it takes an exception from the
 * guest (Arm ARM C5.2.19 SPSR_EL2), so that RUN and GET_REGS/SET_REGS never refuse a
 * state the guest reached by itself, and nothing that enters EL2, EL3 or an AArch32 EL1.
 *
 * From AArch64: NZCV [31:28], TCO 25 (MSR TCO works at EL0 and EL1 whenever FEAT_MTE is
 * implemented, whatever the guest's ID registers say), DIT 24, UAO 23, PAN 22, SS 21,
 * IL 20, ALLINT 13 (FEAT_NMI), SSBS 12, BTYPE [11:10], DAIF [9:6], PM 32 (FEAT_EBEP),
 * PPEND 33 (FEAT_SEBEP), EXLOCK 34 (FEAT_GCS), PACM 35 (FEAT_PAuth_LR); modes EL0t, EL1t,
 * EL1h (M[3:0] 0b0000, 0b0100, 0b0101).
 */
#define AVCPU_PSTATE_MODE_MASK		0x1fULL		/* M[4] (nRW) and M[3:0] */
#define AVCPU_PSTATE_MODE_EL0T		0x00ULL
#define AVCPU_PSTATE_MODE_EL1T		0x04ULL
#define AVCPU_PSTATE_MODE_EL1H		0x05ULL
#define AVCPU_PSTATE_NRW		0x10ULL		/* M[4]: the lower EL was AArch32 */
#define AVCPU_PSTATE_A64_FLAGS	(0xf0000000ULL /* NZCV */ | (1ULL << 25) /* TCO */ |	\
				 (1ULL << 24) /* DIT */ | (1ULL << 23) /* UAO */ |	\
				 (1ULL << 22) /* PAN */ | (1ULL << 21) /* SS */ |	\
				 (1ULL << 20) /* IL */ | (1ULL << 13) /* ALLINT */ |	\
				 (1ULL << 12) /* SSBS */ | (3ULL << 10) /* BTYPE */ |	\
				 (0xfULL << 6) /* DAIF */ | (0xfULL << 32) /* PM, PPEND, EXLOCK, PACM */)
/*
 * From AArch32 EL0 (User mode, M = 0b10000; ID_AA64PFR0_EL1.EL0 hides AArch32 from the
 * guest, but a guest EL1 may still ERET to it where the CPU implements it): every bit of
 * SPSR [31:5] is a flag (NZCVQ, IT, DIT, SSBS, PAN, SS, IL, GE, E, AIF, T), [63:32] RES0.
 */
#define AVCPU_PSTATE_A32_USR		0x10ULL
#define AVCPU_PSTATE_A32_FLAGS		0xffffffe0ULL

/* aarch32_el0: whether every CPU the vCPU may run on implements AArch32 at EL0. */
static inline int avcpu_guest_pstate_valid(__u64 pstate, int aarch32_el0)
{
	__u64 mode = pstate & AVCPU_PSTATE_MODE_MASK;

	if (mode == AVCPU_PSTATE_A32_USR)
		return aarch32_el0 && !(pstate & ~(AVCPU_PSTATE_A32_FLAGS | mode));
	return !(pstate & ~(AVCPU_PSTATE_A64_FLAGS | AVCPU_PSTATE_MODE_MASK)) &&
	       (mode == AVCPU_PSTATE_MODE_EL0T || mode == AVCPU_PSTATE_MODE_EL1T ||
		mode == AVCPU_PSTATE_MODE_EL1H);
}

/*
 * A vCPU's state at EL2: one page, identity-mapped at EL2 while the vCPU exists. FP/SIMD
 * is not here: the host switches it around the RUN call (EL2 never touches it).
 */
struct avcpu_vcpu_ctx {
	__u64 x[31];
	__u64 sp_el0;
	__u64 pc;
	__u64 pstate;
	__u64 sys[VSYS_NR];
	/* EL2 controls while this vCPU runs */
	__u64 hcr, vttbr, vtcr, vmpidr, vpidr, cptr, mdcr, hstr, cnthctl, cntvoff, hcrx;
	__u64 flags;
	__u64 complete;
	__u64 complete_value;
	struct avcpu_hyp_exit exit;
	struct avcpu_smc_rule smc_rules[VCPU_SMC_RANGES];
	__u64 nr_smc_rules;
	struct avcpu_hyp_stats stats;
	struct avcpu_vgic_cpu_if gic;
	__u64 id_regs[VCPU_ID_REGS];
	__u64 magic;
};
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, x, VCPU_CTX_X0);
static_assert(VCPU_CTX_X30 == VCPU_CTX_X0 + 30 * 8, "x30 offset");
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, sp_el0, VCPU_CTX_SP_EL0);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, pc, VCPU_CTX_PC);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, pstate, VCPU_CTX_PSTATE);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, sys, VCPU_CTX_SYS);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, hcr, VCPU_CTX_HCR);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, vttbr, VCPU_CTX_VTTBR);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, vtcr, VCPU_CTX_VTCR);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, vmpidr, VCPU_CTX_VMPIDR);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, vpidr, VCPU_CTX_VPIDR);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, cptr, VCPU_CTX_CPTR);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, mdcr, VCPU_CTX_MDCR);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, hstr, VCPU_CTX_HSTR);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, cnthctl, VCPU_CTX_CNTHCTL);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, cntvoff, VCPU_CTX_CNTVOFF);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, hcrx, VCPU_CTX_HCRX);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, flags, VCPU_CTX_FLAGS);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, complete, VCPU_CTX_COMPLETE);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, complete_value, VCPU_CTX_COMPLETE_VALUE);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, exit, VCPU_CTX_EXIT);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, smc_rules, VCPU_CTX_SMC_RULES);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, nr_smc_rules, VCPU_CTX_NR_SMC_RULES);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, stats, VCPU_CTX_STATS);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, gic, VCPU_CTX_GIC);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, id_regs, VCPU_CTX_ID_REGS);
HYP_CHECK_OFFSET(avcpu_vcpu_ctx, magic, VCPU_CTX_MAGIC_OFF);
static_assert(sizeof(struct avcpu_vcpu_ctx) == VCPU_CTX_SIZE, "avcpu_vcpu_ctx size");
static_assert(VCPU_CTX_SIZE <= VCPU_CTX_PAGE, "avcpu_vcpu_ctx must fit its page");

#endif /* __ASSEMBLY__ */
#endif /* AVCPU_HYP_ABI_H */
