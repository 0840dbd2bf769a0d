/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel vGIC of a VM (vgic.c): the distributor and redistributors emulated around
 * the pure logic of vgic_core.c, the list registers flushed and folded around each run.
 */
#ifndef AVCPU_VGIC_H
#define AVCPU_VGIC_H

#include <linux/spinlock.h>
#include <linux/types.h>

#include "vgic_core.h"

struct avcpu_vm;
struct avcpu_vcpu;

struct avcpu_vgic {
	raw_spinlock_t lock;		/* all of dist; taken with interrupts off on entry */
	struct vgic_dist dist;
	u64 dist_base, redist_base;
	struct vgic_irq *spis;
	struct vgic_cpu *cpus;
};

/* VM fd ioctls. */
long avcpu_vgic_create(struct avcpu_vm *vm, const void __user *arg);
long avcpu_vgic_get_irq(struct avcpu_vm *vm, void __user *arg);
/* AVCPU_IRQ_LINE for SPIs and PPIs (vm->lock held). */
int avcpu_vgic_irq_line(struct avcpu_vm *vm, u32 type, u32 vcpu_id, u32 num, bool level);
void avcpu_vgic_destroy(struct avcpu_vm *vm);

/* Kicks every vCPU in mask, the kick mask of a vgic_core.c call (vm->lock held). */
void avcpu_vgic_kick(struct avcpu_vm *vm, u64 mask);

/* The CPU-interface part of a vCPU reset: live with a vGIC, trapping without. */
void avcpu_vgic_vcpu_reset(struct avcpu_vcpu *vcpu);
/* A vCPU appeared, went away or changed its MPIDR (vm->lock held). */
void avcpu_vgic_vcpu_update(struct avcpu_vm *vm, unsigned int id, bool exists, u64 mpidr);

/* Around each guest run, interrupts off, on the CPU that runs it. */
void avcpu_vgic_flush(struct avcpu_vcpu *vcpu);
void avcpu_vgic_fold(struct avcpu_vcpu *vcpu);
/* Kicks the vCPUs a fold left interrupts to (process context, after the run). */
void avcpu_vgic_kick_after_fold(struct avcpu_vcpu *vcpu);
/* An MMIO or system-register exit the vGIC serves: true when handled (guest resumes). */
bool avcpu_vgic_handle_exit(struct avcpu_vcpu *vcpu);
/* Whether the vCPU has an interrupt to take from its vGIC or its timers. */
bool avcpu_vgic_has_irq(struct avcpu_vcpu *vcpu);

#endif /* AVCPU_VGIC_H */
