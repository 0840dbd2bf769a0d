// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware-dependent mitigations on the guest-exit path, chosen at EL1 for each CPU as it
 * comes online and handed to EL2 in that CPU's data (HYP_MIT_* in hyp_abi.h):
 *
 *  - Spectre-v2 (branch target injection) and Spectre-BHB (branch history injection): a
 *    guest trains predictors that EL2's and the host kernel's indirect branches consume
 *    after the exit. Arm's Spectre-BHB whitepaper gives, per core, the branch-history loop
 *    count k, CLRBHB (ID_AA64ISAR2_EL1.CLRBHB), ECBHB (ID_AA64MMFR1_EL1.ECBHB: an exception
 *    to a higher EL already clears the history) and CSV2_3 (ID_AA64PFR0_EL1.CSV2 == 3:
 *    not affected); firmware offers SMCCC_ARCH_WORKAROUND_3 (history) and _1 (predictors,
 *    the only v2 mitigation for cores without CSV2, e.g. Cortex-A57/A72).
 *  - The speculative-AT errata (Cortex-A55 #1530923, A57 #1319537, A72 #1319367, A76
 *    #1165522): EL2 fences the EL1 translation regime while it switches it (guest.cpp).
 *
 * A CPU that needs a mitigation avcpu cannot apply is refused (Documentation/el2.rst,
 * "Mitigations"), except under an emulator, whose CPU models execute nothing
 * speculatively: the gap is then only named in the report.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/arm-smccc.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <asm/cpufeature.h>
#include <asm/cputype.h>
#include <asm/sysreg.h>

#include "el2.h"
#include "mitigations.h"

/* ID register fields (Arm ARM D19.2, the ID_AA64*_EL1 descriptions). */
#define AVCPU_PFR0_CSV2_SHIFT	56	/* ID_AA64PFR0_EL1.CSV2 [59:56] */
#define AVCPU_PFR0_CSV2_3		3	/* FEAT_CSV2_3: branch history not exploitable */
#define AVCPU_PFR0_RAS_SHIFT	28	/* ID_AA64PFR0_EL1.RAS [31:28] */
#define AVCPU_MMFR1_ECBHB_SHIFT	60	/* ID_AA64MMFR1_EL1.ECBHB [63:60] */
#define AVCPU_ISAR2_CLRBHB_SHIFT	28	/* ID_AA64ISAR2_EL1.CLRBHB [31:28] */
#define AVCPU_SYS_ID_ISAR2		sys_reg(3, 0, 0, 6, 2)	/* ID_AA64ISAR2_EL1 */

/* SMCCC_ARCH_FEATURES answers (Arm DEN 0028): 0 implemented, 1 not required here. */
#define SMCCC_FEATURE_PRESENT	0
#define SMCCC_FEATURE_UNNEEDED	1

#define IMPL_ARM		0x41
#define IMPL_BROADCOM		0x42
#define IMPL_HISILICON		0x48
#define IMPL_QUALCOMM		0x51
#define IMPL_AMPERE		0xc0

#define MODEL_V2_SAFE		BIT(0)	/* not exposed to branch target injection */
#define MODEL_BHB_FIRMWARE	BIT(1)	/* branch history: only the firmware's WORKAROUND_3 */

/* Erratum ranges as (Variant << 4 | Revision): affected up to and including that rNpM. */
#define RV_ALL			0xff
#define RV_NONE			-1

struct avcpu_cpu_model {
	u8 impl;
	u16 part;
	u8 bhb_k;	/* Spectre-BHB whitepaper loop count; 0: no loop */
	u8 flags;
	s16 spec_at_max_rv;	/* speculative-AT erratum up to this revision */
	const char *name;
};

static const struct avcpu_cpu_model avcpu_models[] = {
	{ IMPL_ARM, 0xd03, 0, MODEL_V2_SAFE, RV_NONE, "cortex-a53" },
	{ IMPL_ARM, 0xd04, 0, MODEL_V2_SAFE, RV_NONE, "cortex-a35" },
	{ IMPL_ARM, 0xd05, 0, MODEL_V2_SAFE, 0x20, "cortex-a55" },	/* #1530923 r0p0-r2p0 */
	{ IMPL_ARM, 0xd07, 8, 0, RV_ALL, "cortex-a57" },		/* #1319537 */
	{ IMPL_ARM, 0xd08, 8, 0, RV_ALL, "cortex-a72" },		/* #1319367 */
	{ IMPL_ARM, 0xd09, 0, MODEL_BHB_FIRMWARE, RV_NONE, "cortex-a73" },
	{ IMPL_ARM, 0xd0a, 0, MODEL_BHB_FIRMWARE, RV_NONE, "cortex-a75" },
	{ IMPL_ARM, 0xd0b, 24, 0, 0x30, "cortex-a76" },		/* #1165522 r0p0-r3p0 */
	{ IMPL_ARM, 0xd0e, 24, 0, RV_NONE, "cortex-a76ae" },
	{ IMPL_ARM, 0xd0d, 24, 0, RV_NONE, "cortex-a77" },
	{ IMPL_ARM, 0xd0c, 24, 0, RV_NONE, "neoverse-n1" },
	{ IMPL_ARM, 0xd41, 32, 0, RV_NONE, "cortex-a78" },
	{ IMPL_ARM, 0xd42, 32, 0, RV_NONE, "cortex-a78ae" },
	{ IMPL_ARM, 0xd4b, 32, 0, RV_NONE, "cortex-a78c" },
	{ IMPL_ARM, 0xd44, 32, 0, RV_NONE, "cortex-x1" },
	{ IMPL_ARM, 0xd47, 32, 0, RV_NONE, "cortex-a710" },
	{ IMPL_ARM, 0xd48, 32, 0, RV_NONE, "cortex-x2" },
	{ IMPL_ARM, 0xd49, 32, 0, RV_NONE, "neoverse-n2" },
	{ IMPL_ARM, 0xd40, 32, 0, RV_NONE, "neoverse-v1" },
	{ IMPL_ARM, 0xd4d, 38, 0, RV_NONE, "cortex-a715" },
	{ IMPL_ARM, 0xd81, 38, 0, RV_NONE, "cortex-a720" },
	{ IMPL_ARM, 0xd4e, 132, 0, RV_NONE, "cortex-x3" },
	{ IMPL_ARM, 0xd4f, 132, 0, RV_NONE, "neoverse-v2" },
	{ IMPL_AMPERE, 0xac3, 11, 0, RV_NONE, "ampere-1" },
	{ IMPL_BROADCOM, 0x100, 0, MODEL_V2_SAFE, RV_NONE, "brahma-b53" },
	{ IMPL_HISILICON, 0xd01, 0, MODEL_V2_SAFE, RV_NONE, "tsv110" },
	{ IMPL_QUALCOMM, 0x801, 0, MODEL_V2_SAFE, RV_NONE, "kryo-2xx-silver" },
	{ IMPL_QUALCOMM, 0x803, 0, MODEL_V2_SAFE, RV_NONE, "kryo-3xx-silver" },
	{ IMPL_QUALCOMM, 0x805, 0, MODEL_V2_SAFE, RV_NONE, "kryo-4xx-silver" },
};

enum avcpu_bhb { BHB_UNAFFECTED, BHB_ECBHB, BHB_CLRBHB, BHB_LOOP, BHB_FIRMWARE, BHB_NONE };
enum avcpu_v2 { V2_UNAFFECTED, V2_FIRMWARE, V2_NONE };

static const char *const avcpu_bhb_names[] = {
	[BHB_UNAFFECTED] = "unaffected", [BHB_ECBHB] = "ecbhb", [BHB_CLRBHB] = "clrbhb",
	[BHB_LOOP] = "loop", [BHB_FIRMWARE] = "firmware-wa3", [BHB_NONE] = "none",
};

static const char *const avcpu_v2_names[] = {
	[V2_UNAFFECTED] = "unaffected", [V2_FIRMWARE] = "firmware-wa1", [V2_NONE] = "none",
};

struct avcpu_cpu_mitigation {
	u32 midr;
	u8 bhb, v2;
	bool spec_at, emulated_gap, valid;
	const char *model;
};

static DEFINE_PER_CPU(struct avcpu_cpu_mitigation, avcpu_mitigation);
static bool avcpu_mitigations_after_load;

static bool trust_emulator = true;
module_param(trust_emulator, bool, 0444);
MODULE_PARM_DESC(trust_emulator,
		 "under QEMU's virt machine, accept CPUs whose missing firmware mitigation cannot matter (no speculation); N: decide as on hardware");

void avcpu_mitigations_loaded(bool loaded)
{
	WRITE_ONCE(avcpu_mitigations_after_load, loaded);
}

static const struct avcpu_cpu_model *avcpu_find_model(u32 midr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(avcpu_models); i++)
		if (avcpu_models[i].impl == MIDR_IMPLEMENTOR(midr) &&
		    avcpu_models[i].part == MIDR_PARTNUM(midr))
			return &avcpu_models[i];
	return NULL;
}

/* SMCCC_ARCH_FEATURES for an Arm architecture call, asked on this CPU. */
static long avcpu_fw_feature(u32 fn)
{
	struct arm_smccc_res res;

	if (arm_smccc_1_1_get_conduit() != SMCCC_CONDUIT_SMC)
		return SMCCC_RET_NOT_SUPPORTED;
	arm_smccc_1_1_invoke(ARM_SMCCC_ARCH_FEATURES_FUNC_ID, fn, &res);
	return (long)res.a0;
}

static enum avcpu_v2 avcpu_choose_v2(const struct avcpu_cpu_model *model, u64 pfr0)
{
	long fw;

	if (cpuid_feature_extract_unsigned_field(pfr0, AVCPU_PFR0_CSV2_SHIFT) ||
	    (model && (model->flags & MODEL_V2_SAFE)))
		return V2_UNAFFECTED;
	fw = avcpu_fw_feature(ARM_SMCCC_ARCH_WORKAROUND_1);
	if (fw == SMCCC_FEATURE_PRESENT)
		return V2_FIRMWARE;
	if (fw == SMCCC_FEATURE_UNNEEDED)
		return V2_UNAFFECTED;
	/* The kernel's own safe list may know CPUs this table does not. */
	return this_cpu_has_cap(ARM64_SPECTRE_V2) ? V2_NONE : V2_UNAFFECTED;
}

static enum avcpu_bhb avcpu_choose_bhb(const struct avcpu_cpu_model *model, u64 pfr0)
{
	u64 mmfr1 = read_sysreg_s(SYS_ID_AA64MMFR1_EL1);
	u64 isar2 = read_sysreg_s(AVCPU_SYS_ID_ISAR2);
	long fw;

	if (cpuid_feature_extract_unsigned_field(pfr0, AVCPU_PFR0_CSV2_SHIFT) >= AVCPU_PFR0_CSV2_3)
		return BHB_UNAFFECTED;
	if (cpuid_feature_extract_unsigned_field(mmfr1, AVCPU_MMFR1_ECBHB_SHIFT))
		return BHB_ECBHB;
	if (cpuid_feature_extract_unsigned_field(isar2, AVCPU_ISAR2_CLRBHB_SHIFT))
		return BHB_CLRBHB;
	if (model && model->bhb_k)
		return BHB_LOOP;
	fw = avcpu_fw_feature(ARM_SMCCC_ARCH_WORKAROUND_3);
	if (fw == SMCCC_FEATURE_PRESENT)
		return BHB_FIRMWARE;
	if (fw == SMCCC_FEATURE_UNNEEDED)
		return BHB_UNAFFECTED;
	if ((model && (model->flags & MODEL_BHB_FIRMWARE)) || this_cpu_has_cap(ARM64_SPECTRE_BHB))
		return BHB_NONE;
	return BHB_UNAFFECTED;
}

static bool avcpu_spec_at_affected(const struct avcpu_cpu_model *model, u32 midr)
{
	int rv = MIDR_VARIANT(midr) << 4 | MIDR_REVISION(midr);

	if (this_cpu_has_cap(ARM64_WORKAROUND_SPECULATIVE_AT))
		return true;
	return model && model->spec_at_max_rv != RV_NONE && rv <= model->spec_at_max_rv;
}

/* QEMU's virt machine with EL2 handed to the kernel and SMC firmware calls: TCG. */
static bool avcpu_emulated(void)
{
	return trust_emulator && of_machine_is_compatible("linux,dummy-virt");
}

static int avcpu_refuse(u32 midr, const char *what)
{
	unsigned int cpu = smp_processor_id();

	if (READ_ONCE(avcpu_mitigations_after_load))
		pr_err("not taking CPU%u (MIDR %#x): %s\n", cpu, midr, what);
	else
		pr_err("refusing to load: CPU%u (MIDR %#x) %s\n", cpu, midr, what);
	return -ENODEV;
}

int avcpu_mitigations_choose(u64 *bits)
{
	struct avcpu_cpu_mitigation *m = this_cpu_ptr(&avcpu_mitigation);
	u64 pfr0 = read_sysreg_s(SYS_ID_AA64PFR0_EL1);
	u32 midr = read_cpuid_id();
	const struct avcpu_cpu_model *model = avcpu_find_model(midr);
	bool emulated = avcpu_emulated();

	*m = (struct avcpu_cpu_mitigation){ .midr = midr, .model = model ? model->name : "?" };
	m->v2 = avcpu_choose_v2(model, pfr0);
	m->bhb = avcpu_choose_bhb(model, pfr0);
	m->spec_at = avcpu_spec_at_affected(model, midr);
	if (m->v2 == V2_NONE && !emulated)
		return avcpu_refuse(midr, "is exposed to Spectre-v2 and the firmware offers no SMCCC_ARCH_WORKAROUND_1 for EL2 to call on guest exit");
	if (m->bhb == BHB_NONE && !emulated)
		return avcpu_refuse(midr, "is exposed to Spectre-BHB and has no branch-history mitigation avcpu can apply (ECBHB, CLRBHB, a known loop count or the firmware's WORKAROUND_3)");
	m->emulated_gap = m->v2 == V2_NONE || m->bhb == BHB_NONE;

	*bits = 0;
	if (m->bhb == BHB_LOOP)
		*bits |= model->bhb_k & HYP_MIT_BHB_LOOP_MASK;
	if (m->bhb == BHB_CLRBHB)
		*bits |= HYP_MIT_CLRBHB;
	if (m->bhb == BHB_FIRMWARE)
		*bits |= HYP_MIT_FW_WA3;	/* supersedes WORKAROUND_1 (Arm DEN 0028) */
	else if (m->v2 == V2_FIRMWARE)
		*bits |= HYP_MIT_FW_WA1;
	if (m->spec_at)
		*bits |= HYP_MIT_SPEC_AT;
	if (cpuid_feature_extract_unsigned_field(pfr0, AVCPU_PFR0_RAS_SHIFT))
		*bits |= HYP_MIT_RAS;
	m->valid = true;
	return 0;
}

void avcpu_mitigations_show(struct seq_file *m)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		const struct avcpu_cpu_mitigation *c = per_cpu_ptr(&avcpu_mitigation, cpu);
		const struct avcpu_hyp_percpu *data = per_cpu_ptr(avcpu_hyp.cpu, cpu)->data;
		u64 word = READ_ONCE(data->mitigations);

		if (!c->valid) {
			seq_printf(m, "cpu%u chosen=0\n", cpu);
			continue;
		}
		seq_printf(m,
			   "cpu%u chosen=1 midr=%#x model=%s bhb=%s bhb_k=%llu v2=%s speculative_at=%d ras_esb=%d residual=%s el2_word=%#llx\n",
			   cpu, c->midr, c->model, avcpu_bhb_names[c->bhb],
			   word & HYP_MIT_BHB_LOOP_MASK, avcpu_v2_names[c->v2],
			   !!(word & HYP_MIT_SPEC_AT), !!(word & HYP_MIT_RAS),
			   c->emulated_gap ? "emulated" : "none", word);
	}
}
