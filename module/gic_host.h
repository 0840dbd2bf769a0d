/* SPDX-License-Identifier: GPL-2.0 */
/* The host's GIC as the vGIC uses it (gic_host.c). */
#ifndef AVCPU_GIC_HOST_H
#define AVCPU_GIC_HOST_H

#include <linux/types.h>

struct avcpu_gic_host {
	unsigned int nr_lrs;		/* list registers every CPU has */
	unsigned int vtimer_irq;	/* Linux irq of INTID 27, 0: none */
	unsigned int maint_irq;		/* Linux irq of INTID 25, 0: none */
};

extern struct avcpu_gic_host avcpu_gic;

/* At load, after EL2 is avcpu's on every CPU: refuses unsafe GIC setups (-ENODEV). */
int avcpu_gic_host_init(void);
void avcpu_gic_host_exit(void);
bool avcpu_gic_vgic_available(void);

/* With preemption off, on the CPU about to enter a guest: INTID 27's physical active state. */
void avcpu_vtimer_set_phys_active(bool active);
/* The guest deactivated INTID 27 through a HW list register on this CPU. */
void avcpu_vtimer_phys_deactivated(void);

#endif /* AVCPU_GIC_HOST_H */
