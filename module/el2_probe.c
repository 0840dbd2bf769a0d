// SPDX-License-Identifier: GPL-2.0
/*
 * Deciding whether avcpu may take EL2. Each check runs only once the previous ones have
 * ruled out the cases where the next one could harm someone (Documentation/el2.rst,
 * "Probe order"): no hvc is issued before it is known that EL2 exists, that the kernel is
 * not itself at EL2, and that no hypervisor beneath us would receive it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/arm-smccc.h>
#include <linux/printk.h>
#include <linux/version.h>
#include <asm/cpufeature.h>
#include <asm/virt.h>

#include "avcpu.h"
#include "hyp_call.h"

#if IS_ENABLED(CONFIG_KVM) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/* Set by kvm_init(): only when KVM initialised, i.e. it is enabled. */
extern struct dentry *kvm_debugfs_dir;
#define AVCPU_KVM_LAZY_EL2 1
#endif

int avcpu_el2_probe(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	struct avcpu_hvc_res res;

	/* 1. Without EL2 an hvc is UNDEFINED (or goes to firmware): never issue one. */
	if (!cpuid_feature_extract_unsigned_field(pfr0, ID_AA64PFR0_EL1_EL2_SHIFT)) {
		pr_err("refusing to load: this CPU has no EL2 (ID_AA64PFR0_EL1.EL2 = 0), so there is nowhere to run a hypervisor\n");
		return -ENODEV;
	}
	/* 2. A kernel at EL2 (VHE) owns EL2 itself. */
	if (read_sysreg(CurrentEL) == CurrentEL_EL2) {
		pr_err("refusing to load: the kernel runs at EL2 (VHE) and owns it; boot with 'kvm-arm.mode=none id_aa64mmfr1.vh=0'\n");
		return -ENODEV;
	}
	/*
	 * 3. A kernel booted at EL2 reaches its firmware through SMC: EL1 cannot use HVC for
	 * PSCI while the stub owns EL2. PSCI through HVC means a hypervisor below us handles
	 * hvc, i.e. we are its guest.
	 */
	if (arm_smccc_1_1_get_conduit() == SMCCC_CONDUIT_HVC) {
		pr_err("refusing to load: the kernel runs as a guest (its firmware calls use HVC), EL2 belongs to the host's hypervisor\n");
		return -ENODEV;
	}
#ifdef AVCPU_KVM_LAZY_EL2
	/* 4. This KVM leaves the stub at EL2 until its first VM, then takes EL2 back. */
	if (kvm_debugfs_dir) {
		pr_err("refusing to load: KVM is enabled and takes EL2 when it creates a VM; boot with 'kvm-arm.mode=none'\n");
		return -ENODEV;
	}
#endif
	/*
	 * 5. Who answers hvc #0 with x0 = HVC_STUB_HCALL_NR: the stub says HVC_STUB_ERR, KVM
	 * says SMCCC NOT_SUPPORTED; neither changes state for it.
	 */
	res = avcpu_hvc(HVC_STUB_HCALL_NR, 0, 0, 0, 0);
	if (res.a0 == AVCPU_HYP_OWNER_MAGIC) {
		pr_err("refusing to load: another avcpu instance still owns EL2\n");
		return -ENODEV;
	}
	if (res.a0 != HVC_STUB_ERR) {
		pr_err("refusing to load: EL2 is owned by another hypervisor (hvc answered %#lx, not the hyp stub's %#x); with KVM boot with 'kvm-arm.mode=none'\n",
		       res.a0, HVC_STUB_ERR);
		return -ENODEV;
	}
	return 0;
}
