// SPDX-License-Identifier: GPL-2.0
/*
 * What one guest leaves in a CPU must not reach the next guest on that CPU, nor the host:
 * registers a guest can write without trapping on CPUs that have them (SME's TPIDR2_EL0
 * and SMPRI_EL1, S1PIE's PIR/PIRE0, S1POE's POR_EL0/POR_EL1, RAS's deferred-SError record,
 * the GIC's virtual CPU interface), the GIC's ICC_SRE_EL1, HCRX_EL2-gated registers and
 * MPAM. Two VMs run one after the other on one pinned CPU; the second must read its own
 * reset value. A register this CPU does not have is a SKIP, with the reason.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "avcpu_test_util.h"
#include "avcpu_vgic_util.h"
#include "avcpu_isolation_guest.h"

static const char *const iso_reg_name[ISO_NR] = {
	[ISO_TPIDR2_EL0] = "TPIDR2_EL0 (FEAT_SME)",   [ISO_SMPRI_EL1] = "SMPRI_EL1 (FEAT_SME)",
	[ISO_PIRE0_EL1] = "PIRE0_EL1 (FEAT_S1PIE)",   [ISO_PIR_EL1] = "PIR_EL1 (FEAT_S1PIE)",
	[ISO_POR_EL0] = "POR_EL0 (FEAT_S1POE)",	      [ISO_POR_EL1] = "POR_EL1 (FEAT_S1POE)",
	[ISO_DISR_EL1] = "DISR_EL1 (FEAT_RAS)",	      [ISO_ICC_PMR_EL1] = "ICC_PMR_EL1",
	[ISO_MPAM1_EL1] = "MPAM1_EL1 (FEAT_MPAM)",
};

FIXTURE(iso) {
	struct test_vm vm[2];
	bool made[2];
};

FIXTURE_SETUP(iso)
{
	cpu_set_t set;

	if (!avcpu_module_path() && !avcpu_module_loaded())
		SKIP(return, "avcpu.ko not found (set AVCPU_MODULE)");
	if (!test_avcpu_available())
		SKIP(return, "avcpu cannot run guests here (refused to load?)");
	/* Every guest and the host checks of a test run on the same physical CPU. */
	CPU_ZERO(&set);
	CPU_SET(sched_getcpu(), &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
}

FIXTURE_TEARDOWN(iso)
{
	for (int i = 0; i < 2; i++)
		if (self->made[i])
			test_vm_destroy(&self->vm[i]);
}

/* VM i with one vCPU entering fn(arg), and a vGIC if asked. */
static int iso_vm(FIXTURE_DATA(iso) *self, int i, bool vgic, void (*fn)(uint64_t),
		  uint64_t arg)
{
	int ret = test_vm_create(&self->vm[i]);

	if (ret)
		return ret;
	self->made[i] = true;
	if (vgic) {
		ret = vgic_create(&self->vm[i], 1);
		if (ret)
			return ret;
	}
	return test_vcpu_add(&self->vm[i], 0, fn, arg);
}

/*
 * Runs VM i's vCPU to its next exit, which must be a hypercall: returns its immediate
 * (ISO_VECTOR_IMM: the guest took an exception, x0 its ESR), x0 and x1 in *x0, *x1.
 */
static uint64_t iso_run(struct __test_metadata *_metadata, FIXTURE_DATA(iso) *self, int i,
			uint64_t *x0, uint64_t *x1)
{
	struct avcpu_run *run = self->vm[i].run[0];

	EXPECT_EQ(0, test_vcpu_run(&self->vm[i], 0));
	EXPECT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason)
		TH_LOG("VM %d: exit %u", i, run->exit_reason);
	if (run->exit_reason != AVCPU_EXIT_HYPERCALL)
		return ~0ULL;
	*x0 = run->hypercall.args[0];
	*x1 = run->hypercall.args[1];
	return run->hypercall.imm;
}

/* The exception class of an ESR (Arm ARM D24.2.43): 0 is "unknown", an UNDEFINED one. */
static unsigned int esr_ec(uint64_t esr)
{
	return (esr >> 26) & 0x3f;
}

/*
 * VM 0 reads register `which`, writes it and reads it again after an exit (its own value
 * must survive its exits); then VM 1 on the same CPU must read what VM 0 first read (the
 * reset value), not VM 0's. Returns false when the test was skipped.
 */
static void iso_two_vms(struct __test_metadata *_metadata, FIXTURE_DATA(iso) *self,
			unsigned int which, bool vgic)
{
	uint64_t x0, first, written, again, other;
	uint64_t imm;

	ASSERT_EQ(0, iso_vm(self, 0, vgic, guest_iso_reg, which));
	imm = iso_run(_metadata, self, 0, &x0, &first);
	ASSERT_NE(~0ULL, imm);
	if (imm == ISO_VECTOR_IMM) {
		ASSERT_EQ(0, esr_ec(x0)) TH_LOG("ESR %#llx", (unsigned long long)x0);
		SKIP(return, "%s is UNDEFINED here: the CPU does not have it",
		     iso_reg_name[which]);
	}
	ASSERT_EQ(1, x0);
	ASSERT_EQ(0, iso_run(_metadata, self, 0, &x0, &written));
	ASSERT_EQ(2, x0);
	if (written == first)
		SKIP(return, "%s: writing %#llx does not change it here", iso_reg_name[which],
		     (unsigned long long)iso_reg_pattern[which]);
	ASSERT_EQ(0, iso_run(_metadata, self, 0, &x0, &again));
	ASSERT_EQ(3, x0);
	EXPECT_EQ(written, again) TH_LOG("%s: the guest's own value lost across an exit",
					 iso_reg_name[which]);

	ASSERT_EQ(0, iso_vm(self, 1, vgic, guest_iso_reg, which));
	ASSERT_EQ(0, iso_run(_metadata, self, 1, &x0, &other));
	ASSERT_EQ(1, x0);
	EXPECT_EQ(first, other) TH_LOG("%s: VM 1 reads %#llx, VM 0 wrote %#llx",
				       iso_reg_name[which], (unsigned long long)other,
				       (unsigned long long)written);
}

TEST_F(iso, tpidr2_el0_per_vm)
{
	RETURN_IF_SKIPPED();
	iso_two_vms(_metadata, self, ISO_TPIDR2_EL0, false);
}

TEST_F(iso, smpri_el1_per_vm)
{
	RETURN_IF_SKIPPED();
	iso_two_vms(_metadata, self, ISO_SMPRI_EL1, false);
}

TEST_F(iso, pire0_el1_per_vm)
{
	RETURN_IF_SKIPPED();
	iso_two_vms(_metadata, self, ISO_PIRE0_EL1, false);
}

TEST_F(iso, pir_el1_per_vm)
{
	RETURN_IF_SKIPPED();
	iso_two_vms(_metadata, self, ISO_PIR_EL1, false);
}

TEST_F(iso, por_el0_per_vm)
{
	RETURN_IF_SKIPPED();
	iso_two_vms(_metadata, self, ISO_POR_EL0, false);
}

TEST_F(iso, por_el1_per_vm)
{
	RETURN_IF_SKIPPED();
	iso_two_vms(_metadata, self, ISO_POR_EL1, false);
}

TEST_F(iso, disr_el1_per_vm)
{
	RETURN_IF_SKIPPED();
	iso_two_vms(_metadata, self, ISO_DISR_EL1, false);
}

/* With a vGIC, ICC_PMR_EL1 is ICH_VMCR_EL2.VPMR: one per vCPU. */
TEST_F(iso, icc_pmr_el1_per_vm_vgic)
{
	RETURN_IF_SKIPPED();
	iso_two_vms(_metadata, self, ISO_ICC_PMR_EL1, true);
}

/* Without one, the guest has no GIC CPU interface: every access is UNDEFINED. */
TEST_F(iso, icc_pmr_el1_undefined_without_vgic)
{
	uint64_t x0, x1;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, iso_vm(self, 0, false, guest_iso_reg, ISO_ICC_PMR_EL1));
	ASSERT_EQ(ISO_VECTOR_IMM, iso_run(_metadata, self, 0, &x0, &x1));
	EXPECT_EQ(0, esr_ec(x0));
}

/*
 * MPAM1_EL1 is UNDEFINED for the guest: trapped (MPAM2_EL2.TRAPMPAM1EL1) on MPAM CPUs, and
 * absent elsewhere (where this test cannot tell the fix from the CPU).
 */
TEST_F(iso, mpam1_el1_undefined)
{
	uint64_t x0, x1;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, iso_vm(self, 0, false, guest_iso_reg, ISO_MPAM1_EL1));
	ASSERT_EQ(ISO_VECTOR_IMM, iso_run(_metadata, self, 0, &x0, &x1))
		TH_LOG("MPAM1_EL1 read %#llx", (unsigned long long)x1);
	EXPECT_EQ(0, esr_ec(x0));
}

/*
 * A vGIC guest that clears ICC_SRE_EL1.SRE still reads SRE = 1 (ICC_SRE_EL1 traps and is
 * RAO/WI, or on GICs without a legacy interface it is RAO/WI itself), and the host's
 * interrupts keep arriving afterwards (the host would oops in its IRQ handler otherwise).
 */
TEST_F(iso, icc_sre_el1_stays_set)
{
	uint64_t x0, sre;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, iso_vm(self, 0, true, guest_iso_icc_sre, 0));
	ASSERT_EQ(0, iso_run(_metadata, self, 0, &x0, &sre));
	ASSERT_EQ(1, x0);
	EXPECT_EQ(1, sre & 1) TH_LOG("ICC_SRE_EL1 %#llx", (unsigned long long)sre);
	usleep(50 * 1000); /* host timer interrupts on this CPU */
}

/*
 * TCR2_EL1 is never the guest's: HCRX_EL2.TCR2En is 0 while it runs (on CPUs with
 * FEAT_HCX, whatever the host kernel's sanitised ID view says), so a read is UNDEFINED
 * (no FEAT_TCR2) or a system-register exit (trapped), never a value.
 */
TEST_F(iso, tcr2_el1_not_guest_accessible)
{
	struct avcpu_run *run;

	RETURN_IF_SKIPPED();
	ASSERT_EQ(0, iso_vm(self, 0, false, guest_iso_tcr2, 0));
	run = self->vm[0].run[0];
	ASSERT_EQ(0, test_vcpu_run(&self->vm[0], 0));
	if (run->exit_reason == AVCPU_EXIT_SYSREG) {
		EXPECT_EQ(2, run->sysreg.crn);
		EXPECT_EQ(3, run->sysreg.op2);
		return;
	}
	ASSERT_EQ(AVCPU_EXIT_HYPERCALL, run->exit_reason);
	EXPECT_EQ(ISO_VECTOR_IMM, run->hypercall.imm)
		TH_LOG("TCR2_EL1 read %#llx", (unsigned long long)run->hypercall.args[1]);
}

/* The host thread's TPIDR2_EL0, where its EL0 may read it (SCTLR_EL1.EnTP2 set). */
static sigjmp_buf iso_sigill_jmp;

static void iso_on_sigill(int sig)
{
	siglongjmp(iso_sigill_jmp, 1);
}

static bool host_read_tpidr2(uint64_t *v)
{
	struct sigaction sa = { .sa_handler = iso_on_sigill }, old;
	bool ok = false;

	sigaction(SIGILL, &sa, &old);
	if (!sigsetjmp(iso_sigill_jmp, 1)) {
		asm volatile("mrs %0, S3_3_C13_C0_5" : "=r"(*v));
		ok = true;
	}
	sigaction(SIGILL, &old, NULL);
	return ok;
}

TEST_F(iso, host_tpidr2_el0_survives_run)
{
	uint64_t before, after, x0, x1;

	RETURN_IF_SKIPPED();
	if (!host_read_tpidr2(&before))
		SKIP(return, "TPIDR2_EL0 is UNDEFINED at the host's EL0 (no SME, or the kernel "
			     "does not enable it)");
	ASSERT_EQ(0, iso_vm(self, 0, false, guest_iso_reg, ISO_TPIDR2_EL0));
	ASSERT_EQ(1, iso_run(_metadata, self, 0, &x0, &x1) == 0 ? x0 : 0);
	ASSERT_EQ(0, iso_run(_metadata, self, 0, &x0, &x1));
	ASSERT_TRUE(host_read_tpidr2(&after));
	EXPECT_EQ(before, after);
}

TEST_HARNESS_MAIN
