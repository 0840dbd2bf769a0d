// SPDX-License-Identifier: GPL-2.0
/*
 * Owning EL2 on every CPU: taking it from the hyp stub through HVC_SOFT_RESTART, giving
 * it back with HVC_RESET_VECTORS, and keeping it through CPU hotplug, power-down idle,
 * suspend and reboot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpu_pm.h>
#include <linux/cpuhotplug.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/suspend.h>
#include <asm/virt.h>

#include "avcpu.h"
#include "el2.h"
#include "hyp_call.h"
#include "mitigations.h"
#include "vm.h"

struct avcpu_hyp avcpu_hyp;

/* CPUs avcpu is meant to own; cleared when a CPU goes offline or on reboot. */
static DEFINE_PER_CPU(bool, avcpu_el2_wanted);
static enum cpuhp_state avcpu_cpuhp_state;
static bool avcpu_el2_handed_back;

bool avcpu_el2_owned_here(void)
{
	return avcpu_hvc(HVC_STUB_HCALL_NR, 0, 0, 0, 0).a0 == AVCPU_HYP_OWNER_MAGIC;
}

int avcpu_el2_install_here(void)
{
	struct avcpu_hyp_cpu *c = this_cpu_ptr(avcpu_hyp.cpu);
	unsigned int cpu = smp_processor_id();
	struct avcpu_hvc_res res;

	res = avcpu_hvc(HVC_STUB_HCALL_NR, 0, 0, 0, 0);
	if (res.a0 == AVCPU_HYP_OWNER_MAGIC)
		return 0;
	if (res.a0 != HVC_STUB_ERR) {
		pr_err("CPU%u: EL2 is not the hyp stub (hvc answered %#lx): not taking it\n",
		       cpu, res.a0);
		return -ENODEV;
	}
	res = avcpu_hvc(HVC_SOFT_RESTART, avcpu_hyp_pa(&avcpu_hyp, avcpu_hyp.hdr.init),
			virt_to_phys(c->init), 0, 0);
	if (res.a0) {
		pr_err("CPU%u: EL2 entry failed (%#lx)\n", cpu, res.a0);
		return -ENODEV;
	}
	res = avcpu_hvc(AVCPU_HC_PING, 0, 0, 0, 0);
	if (res.a0 != AVCPU_HYP_OK || res.a1 != CurrentEL_EL2 ||
	    res.a2 != avcpu_hyp_pa(&avcpu_hyp, avcpu_hyp.hdr.vectors)) {
		pr_err("CPU%u: EL2 does not answer after entry (status %ld, EL %#lx, VBAR %#lx)\n",
		       cpu, (long)res.a0, res.a1, res.a2);
		avcpu_el2_release_here();
		return -ENODEV;
	}
	return 0;
}

int avcpu_el2_release_here(void)
{
	struct avcpu_hvc_res res;

	if (!avcpu_el2_owned_here())
		return 0;
	res = avcpu_hvc(HVC_RESET_VECTORS, 0, 0, 0, 0);
	if (res.a0 || avcpu_hvc(HVC_STUB_HCALL_NR, 0, 0, 0, 0).a0 != HVC_STUB_ERR) {
		pr_err("CPU%u: EL2 was not handed back to the hyp stub\n", smp_processor_id());
		return -EIO;
	}
	return 0;
}

/*
 * cpuhp callbacks run on the CPU concerned, at CPUHP_AP_ONLINE_DYN. What EL2 must do on
 * guest exit is chosen for this CPU (its MIDR, ID registers, firmware) before EL2 is taken.
 */
static int avcpu_cpu_online(unsigned int cpu)
{
	struct avcpu_hyp_percpu *data = per_cpu_ptr(avcpu_hyp.cpu, cpu)->data;
	u64 mitigations;
	int ret = 0;

	preempt_disable();
	if (!READ_ONCE(avcpu_el2_handed_back)) {
		ret = avcpu_mitigations_choose(&mitigations);
		if (!ret)
			WRITE_ONCE(data->mitigations, mitigations);
		if (!ret)
			ret = avcpu_el2_install_here();
		if (!ret)
			this_cpu_write(avcpu_el2_wanted, true);
	}
	preempt_enable();
	return ret;
}

static int avcpu_cpu_offline(unsigned int cpu)
{
	preempt_disable();
	this_cpu_write(avcpu_el2_wanted, false);
	avcpu_el2_release_here();
	preempt_enable();
	return 0;
}

/*
 * Power-down idle states and suspend lose EL2 state: the kernel's resume path puts the
 * stub's vectors back. Retention states keep it, so ask EL2 who it is before reinstalling.
 */
static int avcpu_cpu_pm_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	if ((action == CPU_PM_EXIT || action == CPU_PM_ENTER_FAILED) &&
	    this_cpu_read(avcpu_el2_wanted) && !READ_ONCE(avcpu_el2_handed_back))
		avcpu_el2_install_here();
	return NOTIFY_OK;
}

static struct notifier_block avcpu_cpu_pm_nb = {
	.notifier_call = avcpu_cpu_pm_notify,
};

static void avcpu_release_cpu(void *unused)
{
	this_cpu_write(avcpu_el2_wanted, false);
	avcpu_el2_release_here();
}

/* Reboot, halt, power-off and kexec expect the hyp stub at EL2 on every CPU. */
static int avcpu_reboot_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	WRITE_ONCE(avcpu_el2_handed_back, true);
	on_each_cpu(avcpu_release_cpu, NULL, 1);
	pr_info("EL2 handed back to the hyp stub for reboot\n");
	return NOTIFY_DONE;
}

static struct notifier_block avcpu_reboot_nb = {
	.notifier_call = avcpu_reboot_notify,
};

static void avcpu_reinstall_cpu(void *unused)
{
	this_cpu_write(avcpu_el2_wanted, !avcpu_el2_install_here());
}

/*
 * Restoring a hibernation image: the kernel doing the restore asks the hyp stub
 * (HVC_SET_VECTORS) to run its copy loop at EL2 while the image overwrites memory, avcpu's
 * EL2 pages among it. avcpu refuses HVC_SET_VECTORS, so hand EL2 back to the stub on every
 * CPU first. A restore that fails leaves this kernel running: take EL2 again.
 */
static int avcpu_pm_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	switch (action) {
	case PM_RESTORE_PREPARE:
		WRITE_ONCE(avcpu_el2_handed_back, true);
		on_each_cpu(avcpu_release_cpu, NULL, 1);
		pr_info("EL2 handed back to the hyp stub for a hibernation restore\n");
		break;
	case PM_POST_RESTORE:
		WRITE_ONCE(avcpu_el2_handed_back, false);
		on_each_cpu(avcpu_reinstall_cpu, NULL, 1);
		pr_info("hibernation restore failed: EL2 taken again\n");
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block avcpu_pm_nb = {
	.notifier_call = avcpu_pm_notify,
};

int avcpu_el2_init(void)
{
	int ret;

	ret = avcpu_el2_probe();
	if (ret)
		return ret;
	ret = avcpu_hyp_load(&avcpu_hyp);
	if (ret) {
		pr_err("cannot load the EL2 image (%d)\n", ret);
		return ret;
	}
	ret = cpu_pm_register_notifier(&avcpu_cpu_pm_nb);
	if (ret)
		goto err_unload;
	ret = register_reboot_notifier(&avcpu_reboot_nb);
	if (ret)
		goto err_pm;
	ret = register_pm_notifier(&avcpu_pm_nb);
	if (ret)
		goto err_reboot;
	/* Installs on every online CPU now; on failure undoes the ones that succeeded. */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "avcpu:online", avcpu_cpu_online,
				avcpu_cpu_offline);
	if (ret < 0)
		goto err_hibernate;
	avcpu_cpuhp_state = ret;
	pr_info("EL2 taken on %u CPUs (EL2 image %llu bytes, %lu page-table pages)\n",
		num_online_cpus(), avcpu_hyp.hdr.end, avcpu_hyp.pgt.tables);
	return 0;

err_hibernate:
	unregister_pm_notifier(&avcpu_pm_nb);
err_reboot:
	unregister_reboot_notifier(&avcpu_reboot_nb);
err_pm:
	cpu_pm_unregister_notifier(&avcpu_cpu_pm_nb);
err_unload:
	avcpu_hyp_unload(&avcpu_hyp);
	return ret == -ENOMEM ? ret : -ENODEV;
}

void avcpu_el2_exit(void)
{
	long held;

	unregister_pm_notifier(&avcpu_pm_nb);
	unregister_reboot_notifier(&avcpu_reboot_nb);
	cpu_pm_unregister_notifier(&avcpu_cpu_pm_nb);
	cpuhp_remove_state(avcpu_cpuhp_state);
	avcpu_hyp_unload(&avcpu_hyp);
	held = avcpu_hyp_pages_held();
	if (held)
		pr_err("unloaded with %ld pages still held\n", held);
	else
		pr_info("EL2 handed back to the hyp stub on every CPU, all pages freed\n");
}

/* EL2's page tables change under this lock only; EL2 itself never changes them. */
static DEFINE_MUTEX(avcpu_el2_pgt_lock);

int avcpu_el2_share_page(void *page)
{
	phys_addr_t pa = virt_to_phys(page);
	int ret;

	mutex_lock(&avcpu_el2_pgt_lock);
	ret = avcpu_pgt_map(&avcpu_hyp.pgt, pa, pa, PAGE_SIZE, AVCPU_EL2_DATA, false);
	mutex_unlock(&avcpu_el2_pgt_lock);
	/* The walker must see the new entry before EL2 is asked to use it. */
	dsb(ishst);
	return ret;
}

/*
 * If EL2 of every CPU stops answering, the caller leaks the page: one extra reference
 * makes the caller's free_page() drop its own only.
 */
void avcpu_el2_unshare_page(void *page)
{
	phys_addr_t pa = virt_to_phys(page);

	mutex_lock(&avcpu_el2_pgt_lock);
	WARN_ON(avcpu_pgt_unmap(&avcpu_hyp.pgt, pa, PAGE_SIZE));
	dsb(ishst);
	if (!avcpu_el2_call_any_cpu(AVCPU_HC_FLUSH_EL2, 0)) {
		get_page(virt_to_page(page));
		avcpu_el2_leaked(1);
	}
	mutex_unlock(&avcpu_el2_pgt_lock);
}

/* Debugfs fault injection (flush_fault): which attempts to pretend EL2 did not answer. */
unsigned int avcpu_flush_fault;
atomic_long_t avcpu_leaked_pages = ATOMIC_LONG_INIT(0);

struct avcpu_el2_call {
	u64 fn, arg;
	bool done;
};

static void avcpu_el2_call_cpu(void *data)
{
	struct avcpu_el2_call *c = data;

	c->done = avcpu_hvc(c->fn, c->arg, 0, 0, 0).a0 == AVCPU_HYP_OK;
}

bool avcpu_el2_call_any_cpu(u64 fn, u64 arg)
{
	struct avcpu_el2_call c = { .fn = fn, .arg = arg };
	unsigned int fault = READ_ONCE(avcpu_flush_fault);
	unsigned int cpu, self;

	self = get_cpu();
	if (fault == AVCPU_FLUSH_FAULT_NONE)
		avcpu_el2_call_cpu(&c);
	put_cpu();
	if (c.done)
		return true;
	if (fault == AVCPU_FLUSH_FAULT_ALL)
		return false;
	/* A stub at EL2 here (failed reinstall, reboot): any CPU avcpu owns will do. */
	for_each_online_cpu(cpu) {
		if (cpu == self || !per_cpu(avcpu_el2_wanted, cpu))
			continue;
		if (smp_call_function_single(cpu, avcpu_el2_call_cpu, &c, 1) || !c.done)
			continue;
		pr_warn_ratelimited("CPU%u: EL2 did not answer a TLB flush, CPU%u ran it\n",
				    self, cpu);
		return true;
	}
	return false;
}

void avcpu_el2_leaked(unsigned long pages)
{
	atomic_long_add(pages, &avcpu_leaked_pages);
	pr_err_ratelimited("no CPU's EL2 ran a TLB flush: %lu pages stay allocated for good\n",
			   pages);
}
