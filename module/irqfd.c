// SPDX-License-Identifier: GPL-2.0
/*
 * irqfds (AVCPU_IRQFD; see eventfd.h, and eventfd.c for the locks): each one waits on its
 * eventfd's wait queue. The wakeup comes in atomic context (the eventfd's lock held,
 * interrupts off) and raises the SPI there and then: the vGIC's lock is a raw spinlock,
 * and the vCPUs it kicks cannot go away meanwhile, as a closing vCPU waits for an RCU
 * grace period (which a region with interrupts off holds back) before it is freed. No
 * thread hop between the signal and the kick. A closed eventfd (EPOLLHUP) undoes its
 * binding from the VM's workqueue. Whoever takes an irqfd off the VM's list (deassign,
 * EPOLLHUP, the VM's end) tears it down, exactly once.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <uapi/linux/avcpu.h>

#include "eventfd.h"
#include "vcpu.h"
#include "vgic.h"

struct avcpu_irqfd_bind {
	struct avcpu_vm *vm;
	struct list_head node;		/* ev->irqfds (RCU for the fold's resample lookup) */
	struct eventfd_ctx *ctx, *resample;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct shutdown;
	u32 intid;
	bool listed;			/* on ev->irqfds (ev->irq_lock) */
};

/*
 * Raises the SPI (interrupts off): a pulse, or a level held until the guest ends it
 * (resample). Only while listed, checked under ev->irq_lock: a level raised after the
 * unlisting would stay.
 */
static void avcpu_irqfd_raise(struct avcpu_irqfd_bind *f)
{
	struct avcpu_vm *vm = f->vm;
	struct avcpu_vgic *vgic = vm->vgic;
	u64 kick = 0;

	lockdep_assert_irqs_disabled();
	spin_lock(&vm->evfd->irq_lock);
	if (f->listed) {
		raw_spin_lock(&vgic->lock);
		kick = vgic_set_level(&vgic->dist, 0, f->intid, true);
		if (!f->resample)
			vgic_set_level(&vgic->dist, 0, f->intid, false);
		raw_spin_unlock(&vgic->lock);
	}
	spin_unlock(&vm->evfd->irq_lock);
	avcpu_vgic_kick(vm, kick);
}

/*
 * Takes f off the VM's list (ev->irq_lock held, interrupts off), with the level it may
 * hold; its teardown is then for the caller, the only one that can have unlisted it.
 */
static void avcpu_irqfd_unlist(struct avcpu_vm *vm, struct avcpu_irqfd_bind *f)
{
	struct avcpu_evfd *ev = vm->evfd;
	struct avcpu_vgic *vgic = vm->vgic;

	list_del_rcu(&f->node);
	f->listed = false;
	ev->nr_irqfds--;
	if (!f->resample)
		return;
	raw_spin_lock(&vgic->lock);
	clear_bit(f->intid - VGIC_NR_PRIVATE, ev->resample_spis);
	ev->nr_resample--;
	vgic_set_level(&vgic->dist, 0, f->intid, false);
	raw_spin_unlock(&vgic->lock);
}

/*
 * Undoes an unlisted irqfd (process context).
 * rcu: wait for the fold's resample lookups, which a VM without vCPUs has none of.
 */
static void avcpu_irqfd_teardown(struct avcpu_irqfd_bind *f, bool rcu)
{
	u64 cnt;

	/* After this no wakeup can raise the SPI. */
	eventfd_ctx_remove_wait_queue(f->ctx, &f->wait, &cnt);
	if (rcu)
		synchronize_rcu();
	eventfd_ctx_put(f->ctx);
	if (f->resample)
		eventfd_ctx_put(f->resample);
	kfree(f);
}

static void avcpu_irqfd_shutdown(struct work_struct *work)
{
	avcpu_irqfd_teardown(container_of(work, struct avcpu_irqfd_bind, shutdown), true);
}

/* The eventfd's wakeup: its lock held, interrupts off. */
static int avcpu_irqfd_wake(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct avcpu_irqfd_bind *f = container_of(wait, struct avcpu_irqfd_bind, wait);
	struct avcpu_evfd *ev = f->vm->evfd;
	__poll_t events = key_to_poll(key);
	unsigned long flags;
	u64 cnt;

	if (events & EPOLLIN) {
		/* The count is the kernel's: consumed, so that it never saturates. */
		eventfd_ctx_do_read(f->ctx, &cnt);
		avcpu_irqfd_raise(f);
	}
	/* The eventfd's file is being released: nobody can signal it again. */
	if (events & EPOLLHUP) {
		spin_lock_irqsave(&ev->irq_lock, flags);
		if (f->listed) {
			avcpu_irqfd_unlist(f->vm, f);
			queue_work(ev->wq, &f->shutdown);
		}
		spin_unlock_irqrestore(&ev->irq_lock, flags);
	}
	return 0;
}

static void avcpu_irqfd_queue(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct avcpu_irqfd_bind *f = container_of(pt, struct avcpu_irqfd_bind, pt);

	add_wait_queue(wqh, &f->wait);
}

/* Lists f unless its SPI or its eventfd is bound already, or the VM has its fill. */
static int avcpu_irqfd_list(struct avcpu_evfd *ev, struct avcpu_irqfd_bind *f)
{
	struct avcpu_irqfd_bind *g;
	int ret = 0;

	spin_lock_irq(&ev->irq_lock);
	list_for_each_entry(g, &ev->irqfds, node)
		if (g->intid == f->intid || g->ctx == f->ctx)
			ret = -EEXIST;
	if (!ret && ev->nr_irqfds >= AVCPU_MAX_IRQFDS)
		ret = -ENOSPC;
	if (!ret) {
		list_add_tail_rcu(&f->node, &ev->irqfds);
		f->listed = true;
		ev->nr_irqfds++;
	}
	spin_unlock_irq(&ev->irq_lock);
	return ret;
}

/* The resample eventfd: EBADF (no file), EINVAL (not an eventfd, or the irqfd's own). */
static int avcpu_irqfd_get_resample(struct avcpu_irqfd_bind *f, const struct avcpu_irqfd *a)
{
	struct eventfd_ctx *ctx;

	if (!(a->flags & AVCPU_IRQFD_RESAMPLE))
		return 0;
	ctx = eventfd_ctx_fdget(a->resample_fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	f->resample = ctx;
	/* Its own resample would raise it again at every end: a storm, not a device. */
	return ctx == f->ctx ? -EINVAL : 0;
}

static void avcpu_irqfd_free(struct avcpu_irqfd_bind *f)
{
	if (!IS_ERR_OR_NULL(f->ctx))
		eventfd_ctx_put(f->ctx);
	if (f->resample)
		eventfd_ctx_put(f->resample);
	kfree(f);
}

/* vm->lock held (a deassign cannot race with the poll registration below). */
static long avcpu_irqfd_assign(struct avcpu_vm *vm, const struct avcpu_irqfd *a)
{
	struct avcpu_evfd *ev = avcpu_evfd_get(vm);
	struct avcpu_irqfd_bind *f;
	struct file *file;
	__poll_t events;
	int ret;

	if (!ev)
		return -ENOMEM;
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	f->vm = vm;
	f->intid = a->intid;
	INIT_WORK(&f->shutdown, avcpu_irqfd_shutdown);
	init_waitqueue_func_entry(&f->wait, avcpu_irqfd_wake);
	init_poll_funcptr(&f->pt, avcpu_irqfd_queue);
	/* The file itself, to poll it; held until registered, so that it stays meanwhile. */
	file = fget(a->fd);
	if (!file) {
		kfree(f);
		return -EBADF;
	}
	f->ctx = eventfd_ctx_fileget(file);	/* EINVAL: not an eventfd */
	ret = IS_ERR(f->ctx) ? PTR_ERR(f->ctx) : avcpu_irqfd_get_resample(f, a);
	if (!ret)
		ret = avcpu_irqfd_list(ev, f);
	if (ret) {
		fput(file);
		avcpu_irqfd_free(f);
		return ret;
	}
	if (f->resample) {
		raw_spin_lock_irq(&vm->vgic->lock);
		set_bit(f->intid - VGIC_NR_PRIVATE, ev->resample_spis);
		ev->nr_resample++;
		raw_spin_unlock_irq(&vm->vgic->lock);
	}
	events = vfs_poll(file, &f->pt);
	/*
	 * Signalled before it was bound: that counts too. Raised before the file goes: until
	 * then no EPOLLHUP can unlist f and free it.
	 */
	if (events & EPOLLIN) {
		local_irq_disable();
		avcpu_irqfd_raise(f);
		local_irq_enable();
	}
	fput(file);
	return 0;
}

/* Unlists the irqfd of intid (any one for 0) and returns it, or NULL. */
static struct avcpu_irqfd_bind *avcpu_irqfd_take(struct avcpu_vm *vm, u32 intid)
{
	struct avcpu_irqfd_bind *f;

	spin_lock_irq(&vm->evfd->irq_lock);
	list_for_each_entry(f, &vm->evfd->irqfds, node) {
		if (!intid || f->intid == intid) {
			avcpu_irqfd_unlist(vm, f);
			spin_unlock_irq(&vm->evfd->irq_lock);
			return f;
		}
	}
	spin_unlock_irq(&vm->evfd->irq_lock);
	return NULL;
}

static int avcpu_irqfd_check(struct avcpu_vm *vm, const struct avcpu_irqfd *a)
{
	if (a->flags & ~(AVCPU_IRQFD_RESAMPLE | AVCPU_IRQFD_DEASSIGN) || a->reserved[0] ||
	    a->reserved[1])
		return -EINVAL;
	if (!vm->vgic)
		return -ENXIO;
	if (a->intid < VGIC_NR_PRIVATE || a->intid - VGIC_NR_PRIVATE >= vm->vgic->dist.nr_spis)
		return -EINVAL;
	return 0;
}

long avcpu_irqfd_ioctl(struct avcpu_vm *vm, const void __user *arg)
{
	struct avcpu_irqfd_bind *f = NULL;
	struct avcpu_irqfd a;
	long ret;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	mutex_lock(&vm->lock);
	ret = avcpu_irqfd_check(vm, &a);
	if (!ret && !(a.flags & AVCPU_IRQFD_DEASSIGN))
		ret = avcpu_irqfd_assign(vm, &a);
	else if (!ret)
		f = vm->evfd ? avcpu_irqfd_take(vm, a.intid) : NULL;
	mutex_unlock(&vm->lock);
	if (!ret && (a.flags & AVCPU_IRQFD_DEASSIGN)) {
		if (!f)
			return -ENOENT;
		avcpu_irqfd_teardown(f, true);
	}
	return ret;
}

u32 avcpu_irqfd_lower_ended(struct avcpu_vm *vm, struct vgic_dist *d, const u64 *lr, u32 n)
{
	struct avcpu_evfd *ev = READ_ONCE(vm->evfd);
	u32 i, intid, mask = 0;

	if (likely(!ev || !ev->nr_resample))
		return 0;
	for (i = 0; i < n; i++) {
		intid = lr[i] & VGIC_ICH_LR_VINTID_MASK;
		/*
		 * A level-sensitive software interrupt goes in with EOI set and HW clear
		 * (vgic_flush), pending or active; empty now, the guest deactivated it
		 * (IHI 0069 4.4 "Interrupt handling state machine", ICH_LR<n>_EL2.EOI).
		 */
		if ((lr[i] & (VGIC_ICH_LR_EOI | VGIC_ICH_LR_HW | VGIC_ICH_LR_STATE_MASK)) !=
		    VGIC_ICH_LR_EOI || intid < VGIC_NR_PRIVATE ||
		    intid - VGIC_NR_PRIVATE >= d->nr_spis ||
		    !test_bit(intid - VGIC_NR_PRIVATE, ev->resample_spis))
			continue;
		vgic_set_level(d, 0, intid, false);
		mask |= BIT(i);
	}
	return mask;
}

void avcpu_irqfd_resample(struct avcpu_vm *vm, const u64 *lr, u32 mask)
{
	struct avcpu_evfd *ev = READ_ONCE(vm->evfd);
	struct avcpu_irqfd_bind *f;
	u32 i;

	rcu_read_lock();
	list_for_each_entry_rcu(f, &ev->irqfds, node) {
		if (!f->resample)
			continue;
		for (i = 0; i < VGIC_MAX_LRS; i++)
			if ((mask & BIT(i)) && (lr[i] & VGIC_ICH_LR_VINTID_MASK) == f->intid)
				avcpu_eventfd_signal(f->resample);
	}
	rcu_read_unlock();
}

void avcpu_irqfd_destroy_all(struct avcpu_vm *vm)
{
	struct avcpu_irqfd_bind *f;

	while ((f = avcpu_irqfd_take(vm, 0)))
		avcpu_irqfd_teardown(f, false);
	/* Drains the teardowns of eventfds closed meanwhile (they still use the VM). */
	destroy_workqueue(vm->evfd->wq);
}
