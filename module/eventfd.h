/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Eventfd assists of a VM (eventfd.c): AVCPU_IOEVENTFD binds an eventfd to a guest MMIO
 * address, so that a guest write there signals it without an exit to userspace;
 * AVCPU_IRQFD binds one to an SPI of the vGIC, so that signalling it raises the interrupt
 * (and a level one is lowered again, with a resample eventfd signalled, when the guest
 * ends it).
 */
#ifndef AVCPU_EVENTFD_H
#define AVCPU_EVENTFD_H

#include <linux/eventfd.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/version.h>
#include <linux/workqueue.h>

#include "vgic_core.h"

struct avcpu_vm;
struct avcpu_vcpu;
struct vgic_dist;

/* Bindings per VM: each holds kernel memory and an eventfd reference (ENOSPC beyond). */
#define AVCPU_MAX_IOEVENTFDS	256
#define AVCPU_MAX_IRQFDS	256

/* VM fd ioctls. */
long avcpu_ioeventfd_ioctl(struct avcpu_vm *vm, const void __user *arg);
long avcpu_irqfd_ioctl(struct avcpu_vm *vm, const void __user *arg);
/* As the VM goes (no vCPU left): every binding undone, every reference dropped. */
void avcpu_eventfd_destroy(struct avcpu_vm *vm);

/* An MMIO write exit an ioeventfd serves: true when signalled (the guest resumes). */
bool avcpu_ioeventfd_handle_exit(struct avcpu_vcpu *vcpu);

/*
 * From the vGIC's fold, vgic->lock held: lowers the lines of the level SPIs with a
 * resampler that the guest ended in lr[0..n); returns the mask of those list registers.
 */
u32 avcpu_irqfd_lower_ended(struct avcpu_vm *vm, struct vgic_dist *d, const u64 *lr, u32 n);
/* Then, vgic->lock dropped: signals their resample eventfds. */
void avcpu_irqfd_resample(struct avcpu_vm *vm, const u64 *lr, u32 mask);

/* Between eventfd.c and irqfd.c. */

/* eventfd_signal() lost its count argument in Linux 6.8. */
#if KERNEL_VERSION(6, 8, 0) > LINUX_VERSION_CODE
#define avcpu_eventfd_signal(ctx) eventfd_signal(ctx, 1)
#else
#define avcpu_eventfd_signal(ctx) eventfd_signal(ctx)
#endif

struct avcpu_ioevfd_table;

/* vm->evfd: allocated at the VM's first binding, freed with the VM. */
struct avcpu_evfd {
	struct avcpu_ioevfd_table __rcu *io;	/* replaced under vm->lock */
	spinlock_t irq_lock;
	struct list_head irqfds;
	unsigned int nr_irqfds;			/* ev->irq_lock */
	unsigned int nr_resample;		/* vgic->lock, as resample_spis */
	DECLARE_BITMAP(resample_spis, VGIC_MAX_SPIS);
	struct workqueue_struct *wq;		/* EPOLLHUP teardowns */
};

/* vm->evfd, allocated if need be (vm->lock held); NULL: out of memory. */
struct avcpu_evfd *avcpu_evfd_get(struct avcpu_vm *vm);
/* Undoes every irqfd, then drains and frees the workqueue (the VM's end). */
void avcpu_irqfd_destroy_all(struct avcpu_vm *vm);

#endif /* AVCPU_EVENTFD_H */
