// SPDX-License-Identifier: GPL-2.0
/*
 * What the vGIC needs from the host's GIC: a GICv3 system-register interface at EL2 on
 * every CPU (ICH_VTR_EL2 read at EL2 and logged), no priority masking of host interrupts,
 * the GIC maintenance interrupt (PPI 9, INTID 25) to end a guest run when the list
 * registers need attention, and the EL1 virtual timer's interrupt (PPI 11, INTID 27),
 * which an nVHE host never uses itself: avcpu takes it so that a guest's timer ends the
 * guest run, and forwards it (irq_set_vcpu_affinity) so that the guest's own EOI
 * deactivates it through a hardware-mapped list register.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>

#include "gic_host.h"
#include "hyp_call.h"
#include "vgic_core.h"

/* ICC_SRE_EL2 (Arm IHI 0069 12.2.16): SRE [0] the system registers, Enable [3] at EL1. */
#define ICC_SRE_EL2_SRE		BIT(0)
#define ICC_SRE_EL2_ENABLE	BIT(3)
/* ICH_VTR_EL2 (12.5.26): ListRegs [4:0], PRIbits [31:29]. */
#define ICH_VTR_LISTREGS	GENMASK(4, 0)
#define ICH_VTR_PRIBITS_SHIFT	29

/* The "arm,armv8-timer" node lists: secure phys, non-secure phys, virt, hyp phys. */
#define TIMER_DT_INDEX_VIRT	2

struct avcpu_gic_host avcpu_gic;

/* Per CPU: the physical active state of INTID 27 as last set (-1: not known). */
static DEFINE_PER_CPU(s8, avcpu_vtimer_active);
/* Per CPU: its ICH_VTR_EL2 was logged (once per load, not at every hotplug). */
static DEFINE_PER_CPU(bool, avcpu_gic_logged);
static enum cpuhp_state avcpu_gic_cpuhp;

static irqreturn_t avcpu_vtimer_isr(int irq, void *dev)
{
	/*
	 * A guest's timer fired while it ran: the guest has already left (IMO). The host's
	 * EOI (split EOI/deactivate, the IRQ forwarded) only dropped the priority, so the
	 * interrupt stays active until the guest deactivates it through its HW LR.
	 */
	this_cpu_write(avcpu_vtimer_active, 1);
	return IRQ_HANDLED;
}

static irqreturn_t avcpu_maint_isr(int irq, void *dev)
{
	return IRQ_HANDLED; /* it only ends the guest run; the exit path reads ICH_MISR_EL2 */
}

void avcpu_vtimer_set_phys_active(bool active)
{
	if (this_cpu_read(avcpu_vtimer_active) == active || !avcpu_gic.vtimer_irq)
		return;
	if (!irq_set_irqchip_state(avcpu_gic.vtimer_irq, IRQCHIP_STATE_ACTIVE, active))
		this_cpu_write(avcpu_vtimer_active, active);
	else
		this_cpu_write(avcpu_vtimer_active, -1);
}

void avcpu_vtimer_phys_deactivated(void)
{
	this_cpu_write(avcpu_vtimer_active, 0);
}

static int avcpu_gic_cpu_online(unsigned int cpu)
{
	struct avcpu_hvc_res res;
	unsigned int lrs, pribits;

	res = avcpu_hvc(AVCPU_HC_GIC_INFO, 0, 0, 0, 0);
	if (res.a0 != AVCPU_HYP_OK)
		return -ENODEV;
	if ((res.a2 & (ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE)) !=
	    (ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE)) {
		pr_err("CPU%u: no GICv3 system-register interface at EL2 (ICC_SRE_EL2 %#lx): a vGIC cannot be offered\n",
		       cpu, res.a2);
		return -ENODEV;
	}
	lrs = (res.a1 & ICH_VTR_LISTREGS) + 1;
	pribits = (res.a1 >> ICH_VTR_PRIBITS_SHIFT) + 1;
	if (!this_cpu_read(avcpu_gic_logged))
		pr_info("CPU%u: GICv3 virtual CPU interface: %u list registers, %u priority bits (ICH_VTR_EL2 %#lx)\n",
			cpu, lrs, pribits, res.a1);
	this_cpu_write(avcpu_gic_logged, true);
	/* The vGIC uses what every CPU has. */
	if (!avcpu_gic.nr_lrs || lrs < avcpu_gic.nr_lrs)
		WRITE_ONCE(avcpu_gic.nr_lrs, min_t(unsigned int, lrs, VGIC_MAX_LRS));
	this_cpu_write(avcpu_vtimer_active, -1);
	if (avcpu_gic.vtimer_irq)
		enable_percpu_irq(avcpu_gic.vtimer_irq, IRQ_TYPE_NONE);
	if (avcpu_gic.maint_irq)
		enable_percpu_irq(avcpu_gic.maint_irq, IRQ_TYPE_NONE);
	return 0;
}

static int avcpu_gic_cpu_offline(unsigned int cpu)
{
	if (avcpu_gic.maint_irq)
		disable_percpu_irq(avcpu_gic.maint_irq);
	if (avcpu_gic.vtimer_irq) {
		disable_percpu_irq(avcpu_gic.vtimer_irq);
		irq_set_irqchip_state(avcpu_gic.vtimer_irq, IRQCHIP_STATE_ACTIVE, false);
	}
	return 0;
}

static unsigned int avcpu_dt_irq(const char *compatible, int index)
{
	struct device_node *np = of_find_compatible_node(NULL, NULL, compatible);
	unsigned int irq;

	if (!np)
		return 0;
	irq = irq_of_parse_and_map(np, index);
	of_node_put(np);
	return irq;
}

/* The two PPIs; a vGIC is offered only with both. */
static void avcpu_gic_request_irqs(void)
{
	unsigned int vtimer = avcpu_dt_irq("arm,armv8-timer", TIMER_DT_INDEX_VIRT);
	unsigned int maint = avcpu_dt_irq("arm,gic-v3", 0);

	if (!vtimer || !maint) {
		pr_info("no virtual-timer or GIC maintenance interrupt in the device tree: no vGIC\n");
		return;
	}
	if (request_percpu_irq(vtimer, avcpu_vtimer_isr, "avcpu-vtimer", &avcpu_vtimer_active))
		return;
	if (irq_set_vcpu_affinity(vtimer, &avcpu_gic)) {
		free_percpu_irq(vtimer, &avcpu_vtimer_active);
		return;
	}
	if (request_percpu_irq(maint, avcpu_maint_isr, "avcpu-vgic-maint", &avcpu_vtimer_active)) {
		irq_set_vcpu_affinity(vtimer, NULL);
		free_percpu_irq(vtimer, &avcpu_vtimer_active);
		return;
	}
	avcpu_gic.vtimer_irq = vtimer;
	avcpu_gic.maint_irq = maint;
}

static void avcpu_gic_free_irqs(void)
{
	if (avcpu_gic.maint_irq)
		free_percpu_irq(avcpu_gic.maint_irq, &avcpu_vtimer_active);
	if (avcpu_gic.vtimer_irq) {
		irq_set_vcpu_affinity(avcpu_gic.vtimer_irq, NULL);
		free_percpu_irq(avcpu_gic.vtimer_irq, &avcpu_vtimer_active);
	}
	avcpu_gic.maint_irq = 0;
	avcpu_gic.vtimer_irq = 0;
}

int avcpu_gic_host_init(void)
{
	int ret;

	/* local_irq_disable() would only raise PMR: the guest would run with host IRQs masked. */
	if (system_uses_irq_prio_masking()) {
		pr_err("the host masks interrupts by GIC priority (pseudo-NMI, irqchip.gicv3_pseudo_nmi=1): not supported\n");
		return -ENODEV;
	}
	avcpu_gic_request_irqs();
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "avcpu/gic:online", avcpu_gic_cpu_online,
				avcpu_gic_cpu_offline);
	if (ret < 0) {
		avcpu_gic_free_irqs();
		return ret;
	}
	avcpu_gic_cpuhp = ret;
	return 0;
}

void avcpu_gic_host_exit(void)
{
	unsigned int cpu;

	cpuhp_remove_state(avcpu_gic_cpuhp);
	avcpu_gic_free_irqs();
	for_each_possible_cpu(cpu)
		per_cpu(avcpu_gic_logged, cpu) = false;
}

bool avcpu_gic_vgic_available(void)
{
	return avcpu_gic.vtimer_irq && avcpu_gic.maint_irq && avcpu_gic.nr_lrs;
}
