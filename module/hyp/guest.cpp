// SPDX-License-Identifier: GPL-2.0
// Running a guest: the world switch between the host's EL1 context and a vCPU's, and the
// loop that asks of every exit "handled here at EL2, or back to the host?".
#include "feat_sr.h"
#include "guest_exit.h"
#include "host_call.h"
#include "percpu.h"
#include "serror_exit.h"
#include "sysreg.h"
#include "vgic_sr.h"

extern "C" uint64_t __guest_enter(avcpu_vcpu_ctx *ctx, avcpu_hyp_percpu *cpu);
// entry.S: SMC #0 with regs[0..7] in x0..x7, results back in regs[0..3]. An SMC that is
// UNDEFINED at EL2 (no EL3) comes back as SMCCC NOT_SUPPORTED.
extern "C" void hyp_forward_smc(uint64_t *regs);

namespace hyp
{
namespace
{

// The EL1 context both worlds own (ARM ARM D1.2: everything EL1 and EL0 can change), with
// the registers of optional features this CPU has (feat_sr.cpp).
void save_el1(__u64 *s, uint32_t features)
{
	s[VSYS_SCTLR] = read_sysreg(sctlr_el1);
	s[VSYS_CPACR] = read_sysreg(cpacr_el1);
	s[VSYS_TTBR0] = read_sysreg(ttbr0_el1);
	s[VSYS_TTBR1] = read_sysreg(ttbr1_el1);
	s[VSYS_TCR] = read_sysreg(tcr_el1);
	s[VSYS_MAIR] = read_sysreg(mair_el1);
	s[VSYS_AMAIR] = read_sysreg(amair_el1);
	s[VSYS_VBAR] = read_sysreg(vbar_el1);
	s[VSYS_CONTEXTIDR] = read_sysreg(contextidr_el1);
	s[VSYS_TPIDR_EL0] = read_sysreg(tpidr_el0);
	s[VSYS_TPIDR_EL1] = read_sysreg(tpidr_el1);
	s[VSYS_TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
	s[VSYS_ESR] = read_sysreg(esr_el1);
	s[VSYS_FAR] = read_sysreg(far_el1);
	s[VSYS_AFSR0] = read_sysreg(afsr0_el1);
	s[VSYS_AFSR1] = read_sysreg(afsr1_el1);
	s[VSYS_PAR] = read_par_el1(features);
	s[VSYS_CSSELR] = read_sysreg(csselr_el1);
	s[VSYS_CNTKCTL] = read_sysreg(cntkctl_el1);
	s[VSYS_MDSCR] = read_sysreg(mdscr_el1);
	s[VSYS_SP_EL1] = read_sysreg(sp_el1);
	s[VSYS_ELR_EL1] = read_sysreg(elr_el1);
	s[VSYS_SPSR_EL1] = read_sysreg(spsr_el1);
	s[VSYS_CNTV_CTL] = read_sysreg(cntv_ctl_el0);
	s[VSYS_CNTV_CVAL] = read_sysreg(cntv_cval_el0);
	save_feature_el1(s, features);
}

void restore_el1(const __u64 *s, uint32_t features)
{
	// The outgoing context's translation table walks complete before its EL1 MMU state is
	// replaced (Arm ARM R_LFHQG; EL2 came in from EL1 without a barrier of its own).
	asm volatile("dsb nsh" : : : "memory");
	write_sysreg(s[VSYS_SCTLR], sctlr_el1);
	write_sysreg(s[VSYS_CPACR], cpacr_el1);
	write_sysreg(s[VSYS_TTBR0], ttbr0_el1);
	write_sysreg(s[VSYS_TTBR1], ttbr1_el1);
	write_sysreg(s[VSYS_TCR], tcr_el1);
	write_sysreg(s[VSYS_MAIR], mair_el1);
	write_sysreg(s[VSYS_AMAIR], amair_el1);
	write_sysreg(s[VSYS_VBAR], vbar_el1);
	write_sysreg(s[VSYS_CONTEXTIDR], contextidr_el1);
	write_sysreg(s[VSYS_TPIDR_EL0], tpidr_el0);
	write_sysreg(s[VSYS_TPIDR_EL1], tpidr_el1);
	write_sysreg(s[VSYS_TPIDRRO_EL0], tpidrro_el0);
	write_sysreg(s[VSYS_ESR], esr_el1);
	write_sysreg(s[VSYS_FAR], far_el1);
	write_sysreg(s[VSYS_AFSR0], afsr0_el1);
	write_sysreg(s[VSYS_AFSR1], afsr1_el1);
	write_sysreg(s[VSYS_PAR], par_el1);
	write_sysreg(s[VSYS_CSSELR], csselr_el1);
	write_sysreg(s[VSYS_CNTKCTL], cntkctl_el1);
	write_sysreg(s[VSYS_MDSCR], mdscr_el1);
	write_sysreg(s[VSYS_SP_EL1], sp_el1);
	write_sysreg(s[VSYS_ELR_EL1], elr_el1);
	write_sysreg(s[VSYS_SPSR_EL1], spsr_el1);
	write_sysreg(s[VSYS_CNTV_CVAL], cntv_cval_el0);
	write_sysreg(s[VSYS_CNTV_CTL], cntv_ctl_el0);
	restore_feature_el1(s, features);
}

// The EL2 controls a guest changes; the host's come back after every run.
struct El2Controls {
	uint64_t hcr, vttbr, vtcr, vmpidr, vpidr, cptr, mdcr, hstr, cnthctl, cntvoff, hcrx;
	uint64_t sp_el0;
	HostFeatureState feat; // MPAM, ICC_SRE, SPE/TRBE: this CPU's, feat_sr.cpp
};

// HCRX_EL2 by its encoding (S3_4_C1_C2_2): older assemblers do not know the name. Whether
// it exists is this CPU's ID_AA64MMFR1_EL1.HCX, read at EL2 once per run (cpu_features()).

void save_el2(El2Controls &c, uint32_t features)
{
	c.hcr = read_sysreg(hcr_el2);
	c.vttbr = read_sysreg(vttbr_el2);
	c.vtcr = read_sysreg(vtcr_el2);
	c.vmpidr = read_sysreg(vmpidr_el2);
	c.vpidr = read_sysreg(vpidr_el2);
	c.cptr = read_sysreg(cptr_el2);
	c.mdcr = read_sysreg(mdcr_el2);
	c.hstr = read_sysreg(hstr_el2);
	c.cnthctl = read_sysreg(cnthctl_el2);
	c.cntvoff = read_sysreg(cntvoff_el2);
	c.hcrx = (features & feat_hcx) ? read_sysreg(S3_4_C1_C2_2) : 0;
	c.sp_el0 = read_sysreg(sp_el0);
	save_host_features(c.feat, features);
}

void restore_el2(const El2Controls &c, bool hcrx)
{
	write_sysreg(c.vttbr, vttbr_el2);
	write_sysreg(c.vtcr, vtcr_el2);
	write_sysreg(c.vmpidr, vmpidr_el2);
	write_sysreg(c.vpidr, vpidr_el2);
	write_sysreg(c.cptr, cptr_el2);
	write_sysreg(c.mdcr, mdcr_el2);
	write_sysreg(c.hstr, hstr_el2);
	write_sysreg(c.cnthctl, cnthctl_el2);
	write_sysreg(c.cntvoff, cntvoff_el2);
	if (hcrx)
		write_sysreg(c.hcrx, S3_4_C1_C2_2);
	write_sysreg(c.sp_el0, sp_el0);
	write_sysreg(c.hcr, hcr_el2);
	isb();
	restore_host_features(c.feat);
}

void load_guest_el2(const avcpu_vcpu_ctx &ctx, const El2Controls &host)
{
	const uint64_t mdcr_hpmn = 0x1f; // the host's PMU partition stays as it is
	bool hcrx = host.feat.features & feat_hcx;

	write_sysreg(ctx.vttbr, vttbr_el2);
	write_sysreg(ctx.vtcr, vtcr_el2);
	write_sysreg(ctx.vmpidr, vmpidr_el2);
	write_sysreg(ctx.vpidr, vpidr_el2);
	write_sysreg(ctx.cptr, cptr_el2);
	write_sysreg((host.mdcr & mdcr_hpmn) | (ctx.mdcr & ~mdcr_hpmn), mdcr_el2);
	write_sysreg(ctx.hstr, hstr_el2);
	write_sysreg(ctx.cnthctl, cnthctl_el2);
	write_sysreg(ctx.cntvoff, cntvoff_el2);
	if (hcrx)
		write_sysreg(ctx.hcrx, S3_4_C1_C2_2);
	write_sysreg(ctx.sp_el0, sp_el0);
	load_guest_features(host.feat);
	write_sysreg(ctx.hcr, hcr_el2);
	isb();
}

// ID registers (op0 3, op1 0, CRn 0, CRm 1..7): the host's sanitised view (the same on
// every CPU), which the vCPU context carries.
uint64_t read_id_register(const avcpu_vcpu_ctx &ctx, unsigned crm, unsigned op2)
{
	return crm >= 1 && crm <= 7 && op2 <= 7 ? ctx.id_regs[VCPU_ID_REG_INDEX(crm, op2)] : 0;
}

void write_reg(avcpu_vcpu_ctx &ctx, unsigned reg, uint64_t value)
{
	if (reg != 31)
		ctx.x[reg] = value;
}

// The entry check vcpu_run makes: an AArch32 EL0 state only where this CPU has AArch32 at
// EL0 (an ERET to it elsewhere would be an illegal return, which stays at EL2).
bool guest_pstate_valid(uint64_t pstate)
{
	return hyp::guest_pstate_valid(pstate, cpu_has_aarch32_el0(read_sysreg(id_aa64pfr0_el1)));
}

// A synchronous exception taken to the guest's EL1 at the current PC (Arm ARM D1.10.2).
// The guest's EL1 registers are the live ones here.
void inject_sync(avcpu_vcpu_ctx &ctx, uint64_t esr)
{
	write_sysreg(esr, esr_el1);
	write_sysreg(ctx.pc, elr_el1);
	write_sysreg(ctx.pstate, spsr_el1);
	ExceptionEntry e =
		el1_exception_entry(ctx.pstate, read_sysreg(vbar_el1), read_sysreg(sctlr_el1));
	ctx.pc = e.pc;
	ctx.pstate = e.pstate;
}

void inject_undef(avcpu_vcpu_ctx &ctx)
{
	inject_sync(ctx, undef_esr);
	ctx.stats.undef_injected++;
}

// FAR_EL1 gets the virtual address the fetch faulted on (FAR_EL2 holds it).
void inject_external_fetch_abort(avcpu_vcpu_ctx &ctx, uint64_t far)
{
	write_sysreg(far, far_el1);
	inject_sync(ctx, external_fetch_abort_esr(ctx.pstate));
	ctx.stats.aborts_injected++;
}

// System-register traps: answered here, or left to the host.
avcpu_exit_action handle_sysreg(avcpu_vcpu_ctx &ctx, uint64_t esr)
{
	SysRegAccess sr{Syndrome{esr}.iss()};
	bool has_vgic = ctx.flags & VCPU_FLAG_VGIC;

	switch (classify_sysreg(sr, has_vgic)) {
	case SysregAction::emulate_id:
		write_reg(ctx, sr.reg(),
			  guest_id_value(sr.crm(), sr.op2(),
					 read_id_register(ctx, sr.crm(), sr.op2()), has_vgic));
		break;
	case SysregAction::emulate_mdscr:
		if (sr.read())
			write_reg(ctx, sr.reg(), read_sysreg(mdscr_el1));
		else
			write_sysreg(read_xreg(ctx, sr.reg()), mdscr_el1);
		break;
	case SysregAction::raz_wi:
		if (sr.read())
			write_reg(ctx, sr.reg(), 0);
		break;
	case SysregAction::emulate_icc_sre:
		if (sr.read())
			write_reg(ctx, sr.reg(), icc_sre_el1_guest);
		break;
	case SysregAction::set_way:
		// Ignored: a guest-chosen set/way/level may be out of range, which the Arm ARM
		// allows to be UNDEFINED at EL2. Guest memory is mapped cacheable at stage 2
		// and was cleaned to PoC when mapped, so nothing a guest could lose is hidden
		// in the caches of a set/way operation's reach.
		break;
	case SysregAction::undef:
		inject_undef(ctx);
		return AVCPU_ACTION_RESUME;
	case SysregAction::exit:
	case SysregAction::exit_kernel:
		decode_sysreg_exit(ctx, esr);
		return AVCPU_ACTION_HOST;
	}
	ctx.stats.sysreg_emulated++;
	ctx.pc += 4;
	return AVCPU_ACTION_RESUME;
}

// SMC: never reaches firmware unless the VM's policy allows that function.
avcpu_exit_action handle_smc(avcpu_vcpu_ctx &ctx, uint64_t esr)
{
	uint32_t w0 = static_cast<uint32_t>(ctx.x[0]);

	ctx.pc += 4; // ELR points at the SMC itself (Arm ARM D1.10.4)
	if (is_psci_function(w0) && !(ctx.flags & VCPU_FLAG_PSCI_USER)) {
		decode_hvc(ctx, esr); // in-kernel PSCI: the host serves it
		return AVCPU_ACTION_HOST;
	}
	switch (smc_action(ctx, w0)) {
	case AVCPU_SMC_ALLOW: {
		uint64_t regs[8];
		for (unsigned i = 0; i < 8; i++)
			regs[i] = ctx.x[i];
		// The function ID is W0 (SMCCC): firmware gets exactly the one the rules
		// allowed, upper bits clear and without the hint that would let it drop the
		// host's SVE state.
		regs[0] = smccc_function(w0);
		hyp_forward_smc(regs);
		for (unsigned i = 0; i < 4; i++)
			ctx.x[i] = regs[i];
		ctx.stats.smc_forwarded++;
		return AVCPU_ACTION_RESUME;
	}
	case AVCPU_SMC_DENY:
		ctx.x[0] = ~0ULL; // SMCCC NOT_SUPPORTED
		return AVCPU_ACTION_RESUME;
	default:
		decode_hvc(ctx, esr);
		return AVCPU_ACTION_HOST;
	}
}

// Handled at EL2 (resume the guest), or back to the host with ctx.exit saying what it was?
avcpu_exit_action handle_exit(avcpu_vcpu_ctx &ctx, uint64_t kind)
{
	uint64_t esr = EsrEl2::read();

	ctx.exit = {};
	ctx.stats.el2_exits++;
	switch (kind) {
	case GUEST_EXIT_IRQ:
	case GUEST_EXIT_FIQ:
		ctx.exit.reason = HYP_EXIT_IRQ;
		return AVCPU_ACTION_HOST;
	case GUEST_EXIT_SERROR:
		return handle_serror(ctx, esr);
	default:
		break;
	}
	if (from_aarch32(ctx.pstate)) {
		// AArch32 EL0 is hidden from the guest (ID_AA64PFR0_EL1.EL0), but a guest
		// EL1 may ERET to it where the CPU has it. Nothing avcpu emulates is defined
		// for it: whatever trapped (MMIO, WFx, CP15 ID registers...) is UNDEFINED
		// at the guest's EL1, which keeps RUN going whatever the guest does.
		inject_undef(ctx);
		return AVCPU_ACTION_RESUME;
	}
	switch (Syndrome{esr}.ec()) {
	case ExceptionClass::data_abort_lower:
		if (is_unbacked_cache_maintenance(esr)) {
			ctx.pc += Syndrome{esr}.il32() ? 4 : 2;
			return AVCPU_ACTION_RESUME;
		}
		decode_data_abort(ctx, esr, FarEl2::read(), HpfarEl2::read());
		return AVCPU_ACTION_HOST;
	case ExceptionClass::hvc64:
		decode_hvc(ctx, esr);
		return AVCPU_ACTION_HOST;
	case ExceptionClass::instruction_abort_lower:
		if (!is_unbacked_fetch(esr)) {
			decode_unhandled(ctx, esr, FarEl2::read(), HpfarEl2::read());
			return AVCPU_ACTION_HOST;
		}
		decode_fetch_fault(ctx, esr, FarEl2::read(), HpfarEl2::read());
		return AVCPU_ACTION_HOST;
	case ExceptionClass::smc64:
		return handle_smc(ctx, esr);
	case ExceptionClass::sys64:
		return handle_sysreg(ctx, esr);
	case ExceptionClass::wfx:
		// ISS.TI: 0 WFI, 1 WFE (2, 3: the timeout forms WFIT, WFET).
		ctx.exit.reason = (Syndrome{esr}.iss() & 1) ? HYP_EXIT_WFE : HYP_EXIT_WFI;
		ctx.pc += 4;
		return AVCPU_ACTION_HOST;
	case ExceptionClass::unknown:
	case ExceptionClass::sve:
	case ExceptionClass::sme:
	case ExceptionClass::pauth:
		// Features the guest was told it does not have: UNDEFINED, as on such a CPU.
		inject_undef(ctx);
		return AVCPU_ACTION_RESUME;
	default:
		decode_unhandled(ctx, esr, FarEl2::read(), HpfarEl2::read());
		return AVCPU_ACTION_HOST;
	}
}

// Speculative-AT errata (Cortex-A55 #1530923, A57 #1319537, A72 #1319367, A76 #1165522): an
// AT instruction executed speculatively at EL2 while the EL1 translation regime and stage 2
// belong to different worlds can leave a TLB entry built from one world's stage-1 tables
// tagged with the other's VMID. The workaround: while they are switched, EL1 stage-1 walks
// are impossible: SCTLR_EL1.M set (stage 1 on, so that the EPD bits apply) and TCR_EL1.EPD0
// and EPD1 set (a TTBR0_EL1/TTBR1_EL1 walk faults instead of filling the TLB); stage 2 is
// switched first, the EL1 registers after it, SCTLR_EL1 and TCR_EL1 last.
constexpr uint64_t tcr_epd0 = 1ULL << 7;  // TCR_EL1.EPD0 (Arm ARM D19.2 TCR_EL1)
constexpr uint64_t tcr_epd1 = 1ULL << 23; // TCR_EL1.EPD1
constexpr uint64_t sctlr_m = 1ULL << 0;	  // SCTLR_EL1.M (Arm ARM D19.2 SCTLR_EL1)

bool speculative_at_fence()
{
	return this_cpu().mitigations & HYP_MIT_SPEC_AT;
}

// From here on no EL1 stage-1 walk, whatever the other EL1 registers say.
void fence_el1_walks()
{
	write_sysreg(read_sysreg(tcr_el1) | tcr_epd0 | tcr_epd1, tcr_el1);
	isb();
	write_sysreg(read_sysreg(sctlr_el1) | sctlr_m, sctlr_el1);
	isb();
}

// Loads an EL1 context while walks stay fenced, then its own SCTLR_EL1 and, last, TCR_EL1.
void restore_el1_fenced(const __u64 *s, uint32_t features)
{
	__u64 fenced[VSYS_NR];

	for (unsigned i = 0; i < VSYS_NR; i++)
		fenced[i] = s[i];
	fenced[VSYS_TCR] |= tcr_epd0 | tcr_epd1;
	fenced[VSYS_SCTLR] |= sctlr_m;
	restore_el1(fenced, features);
	isb();
	write_sysreg(s[VSYS_SCTLR], sctlr_el1);
	isb();
	write_sysreg(s[VSYS_TCR], tcr_el1);
	isb();
}

// The guest's stage 2 and EL1 context, in the order the CPU needs.
void enter_guest_context(const avcpu_vcpu_ctx &ctx, const El2Controls &host, bool fence,
			 uint32_t features)
{
	if (!fence) {
		restore_el1(ctx.sys, features);
		load_guest_el2(ctx, host);
		return;
	}
	fence_el1_walks();
	load_guest_el2(ctx, host); // stage 2 live (ends with an ISB)
	restore_el1_fenced(ctx.sys, features);
}

// Back to the host's stage 2 (VMID 0, HCR_EL2.VM clear) and EL1 context.
void enter_host_context(const __u64 *host_el1, const El2Controls &host, bool hcrx, bool fence,
			uint32_t features)
{
	if (fence)
		fence_el1_walks();
	restore_el2(host, hcrx); // ends with an ISB
	if (fence)
		restore_el1_fenced(host_el1, features);
	else
		restore_el1(host_el1, features);
}

} // namespace

// Every TLB entry of one VM (its VMID is in the VTTBR value), on every CPU.
CallResult flush_vmid(uint64_t vttbr)
{
	uint64_t host_vttbr = read_sysreg(vttbr_el2);
	uint64_t host_tcr = read_sysreg(tcr_el1);
	bool fence = speculative_at_fence();

	// The host's EL1 regime under the VM's VMID: no walk may fill the TLB meanwhile.
	if (fence)
		fence_el1_walks();
	write_sysreg(vttbr, vttbr_el2);
	isb();
	asm volatile("dsb ishst\n tlbi vmalls12e1is\n dsb ish\n isb" : : : "memory");
	write_sysreg(host_vttbr, vttbr_el2);
	isb();
	if (fence) {
		// SCTLR_EL1.M was set already: the host runs with it.
		write_sysreg(host_tcr, tcr_el1);
		isb();
	}
	return {AVCPU_HYP_OK};
}

// EL2's own stage-1 entries, after the host unmapped something from EL2's tables.
CallResult flush_el2()
{
	asm volatile("dsb ishst\n tlbi alle2is\n dsb ish\n isb" : : : "memory");
	return {AVCPU_HYP_OK};
}

CallResult vcpu_run(uint64_t ctx_pa)
{
	if (ctx_pa & 0xfff)
		return {AVCPU_HYP_EINVAL};
	auto &ctx = *reinterpret_cast<avcpu_vcpu_ctx *>(ctx_pa);
	if (ctx.magic != VCPU_CTX_MAGIC || !guest_pstate_valid(ctx.pstate))
		return {AVCPU_HYP_EINVAL};
	// This CPU's optional features (its own ID registers), read at its first run: ID
	// registers do not change, and five reads and a decode were on every kernel exit.
	avcpu_hyp_percpu &cpu = this_cpu();
	if (!(cpu.features & HYP_PCPU_FEATURES_READ))
		cpu.features = cpu_features() | HYP_PCPU_FEATURES_READ;
	auto features = static_cast<uint32_t>(cpu.features);
	bool hcrx = features & feat_hcx;
	bool fence = speculative_at_fence();
	constexpr uint64_t isr_a = 1ULL << 8; // ISR_EL1.A: a physical SError is pending

	// The host's own SError, pending before any guest state is loaded: return so that the
	// host takes it at EL1 (its PSTATE.A is clear) instead of it becoming a guest exit.
	if (read_sysreg(isr_el1) & isr_a) {
		ctx.exit = {};
		ctx.exit.reason = HYP_EXIT_IRQ;
		return {AVCPU_HYP_OK, ctx.exit.reason};
	}

	__u64 host_el1[VSYS_NR];
	El2Controls host_el2;
	// From here until the host's state is back, an exception EL2 takes must not return
	// to the host (entry.S parks the CPU instead).
	this_cpu().run_active = 1;
	save_el1(host_el1, features);
	save_el2(host_el2, features);
	enter_guest_context(ctx, host_el2, fence, features);

	// Completions after the guest's EL1 state is live: injecting needs it.
	switch (ctx.complete) {
	case VCPU_COMPLETE_MMIO:
		complete_mmio(ctx, ctx.complete_value);
		break;
	case VCPU_COMPLETE_SYSREG:
		complete_sysreg(ctx, ctx.complete_value);
		break;
	case VCPU_COMPLETE_UNDEF:
		inject_undef(ctx);
		break;
	case VCPU_COMPLETE_FETCH_ABORT:
		inject_external_fetch_abort(ctx, ctx.complete_value);
		break;
	}
	ctx.complete = VCPU_COMPLETE_NONE;
	vgic_enter(ctx.gic, ctx.flags & VCPU_FLAG_VGIC);
	if (ctx.flags & VCPU_FLAG_FLUSH_STAGE1) {
		// Another vCPU of this VM ran on this CPU last: its stage-1 entries (same VMID)
		// must not be visible to this one.
		asm volatile("tlbi vmalle1\n dsb nsh\n isb" : : : "memory");
		ctx.flags &= ~VCPU_FLAG_FLUSH_STAGE1;
	}

	for (;;) {
		// Checked again here: a guest must never be entered at EL2.
		if (!guest_pstate_valid(ctx.pstate)) {
			decode_unhandled(ctx, 0, 0, 0);
			break;
		}
		ElrEl2::write(ctx.pc);
		SpsrEl2::write(ctx.pstate);
		uint64_t kind = __guest_enter(&ctx, &this_cpu());
		ctx.pc = ElrEl2::read();
		ctx.pstate = SpsrEl2::read();
		ctx.sp_el0 = read_sysreg(sp_el0);
		avcpu_exit_action serror_action;
		if (take_deferred_serror(ctx, serror_action))
			break;
		if (handle_exit(ctx, kind) != AVCPU_ACTION_RESUME)
			break;
	}
	// A virtual SError the guest has not taken yet stays pending for its next run.
	ctx.hcr = (ctx.hcr & ~hcr_vse) | (read_sysreg(hcr_el2) & hcr_vse);

	vgic_exit(ctx.gic, ctx.flags & VCPU_FLAG_VGIC);
	save_el1(ctx.sys, features);
	// The guest's virtual timer must not fire at the host, which has no handler for it.
	write_sysreg(0, cntv_ctl_el0);
	enter_host_context(host_el1, host_el2, hcrx, fence, features);
	this_cpu().run_active = 0;
	if (ctx.exit.reason == HYP_EXIT_HOST_SERROR) {
		// Not the guest's to see, nor its VMM's: the host gets it as an EL2 report
		// (ESR with EC 0x2f, SError), the run fails.
		constexpr uint64_t esr_ec_serror = 0x2fULL << 26;
		return {AVCPU_HYP_EFAULT, esr_ec_serror | ctx.exit.esr, ctx.pc, 0};
	}
	return {AVCPU_HYP_OK, ctx.exit.reason};
}

} // namespace hyp
