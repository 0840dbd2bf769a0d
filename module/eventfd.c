// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfd assists (see eventfd.h and Documentation/api.rst, "Eventfds").
 *
 * ioeventfds: a table of bindings, replaced whole on every change and read under RCU by
 * the exit path, which looks at it only when the VM has one (vm->evfd set).
 *
 * irqfds: irqfd.c.
 *
 * Locks: vm->lock (mutex) around every ioctl here, then ev->irq_lock (spinlock, also taken
 * in wakeups under the eventfd's lock, never the other way round) for the irqfd list, and
 * vgic->lock (raw) for the resample bitmap the vGIC's fold reads.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/linux/avcpu.h>

#include "eventfd.h"
#include "vcpu.h"
#include "vgic.h"

struct avcpu_ioevfd {
	u64 addr, datamatch;
	u32 len;			/* 0: any width */
	bool match;			/* AVCPU_IOEVENTFD_DATAMATCH */
	struct eventfd_ctx *ctx;
};

struct avcpu_ioevfd_table {
	struct rcu_head rcu;
	u32 n;
	struct avcpu_ioevfd ent[];
};

/* The VM's state, allocated at its first binding (vm->lock held). */
struct avcpu_evfd *avcpu_evfd_get(struct avcpu_vm *vm)
{
	struct avcpu_evfd *ev = vm->evfd;

	if (ev)
		return ev;
	ev = kzalloc(sizeof(*ev), GFP_KERNEL_ACCOUNT);
	if (!ev)
		return NULL;
	ev->wq = alloc_workqueue("avcpu-irqfd", 0, 0);
	if (!ev->wq) {
		kfree(ev);
		return NULL;
	}
	spin_lock_init(&ev->irq_lock);
	INIT_LIST_HEAD(&ev->irqfds);
	/* Pairs with the acquire of the exit path, which looks without vm->lock. */
	smp_store_release(&vm->evfd, ev);
	return ev;
}

static bool avcpu_ioevfd_same(const struct avcpu_ioevfd *b, const struct avcpu_ioeventfd *a)
{
	bool match = a->flags & AVCPU_IOEVENTFD_DATAMATCH;

	return b->addr == a->addr && b->len == a->len && b->match == match &&
	       (!match || b->datamatch == a->datamatch);
}

static int avcpu_ioevfd_check(struct avcpu_vm *vm, const struct avcpu_ioeventfd *a)
{
	u64 span = a->len ? a->len : 1;

	if (a->flags & ~(AVCPU_IOEVENTFD_DATAMATCH | AVCPU_IOEVENTFD_DEASSIGN) || a->pad ||
	    a->reserved[0] || a->reserved[1])
		return -EINVAL;
	/* The widths of a single load or store with a syndrome: 1, 2, 4 or 8 bytes. */
	if (a->len > sizeof(u64) || (a->len & (a->len - 1)))
		return -EINVAL;
	if (a->addr + span < a->addr || a->addr + span > (1ULL << vm->ipa_bits))
		return -EINVAL;
	/* A value wider than the access could never match. */
	if ((a->flags & AVCPU_IOEVENTFD_DATAMATCH) && a->len && a->len < sizeof(u64) &&
	    a->datamatch >> (8 * a->len))
		return -EINVAL;
	return 0;
}

/* Publishes a copy of the table with entry drop left out, or add added; vm->lock held. */
static int avcpu_ioevfd_replace(struct avcpu_evfd *ev, struct avcpu_ioevfd_table *old,
				int drop, const struct avcpu_ioevfd *add)
{
	u32 n = old ? old->n : 0, i, j = 0;
	struct avcpu_ioevfd_table *t = NULL;

	n += add ? 1 : -1;
	if (n) {
		t = kzalloc(struct_size(t, ent, n), GFP_KERNEL_ACCOUNT);
		if (!t)
			return -ENOMEM;
		for (i = 0; old && i < old->n; i++)
			if (i != drop)
				t->ent[j++] = old->ent[i];
		if (add)
			t->ent[j++] = *add;
		t->n = j;
	}
	rcu_assign_pointer(ev->io, t);
	return 0;
}

static long avcpu_ioevfd_assign(struct avcpu_vm *vm, const struct avcpu_ioeventfd *a)
{
	struct avcpu_evfd *ev = avcpu_evfd_get(vm);
	struct avcpu_ioevfd_table *old;
	struct avcpu_ioevfd b = {
		.addr = a->addr, .len = a->len, .datamatch = a->datamatch,
		.match = a->flags & AVCPU_IOEVENTFD_DATAMATCH,
	};
	u32 i;
	int ret;

	if (!ev)
		return -ENOMEM;
	old = rcu_dereference_protected(ev->io, lockdep_is_held(&vm->lock));
	for (i = 0; old && i < old->n; i++)
		if (avcpu_ioevfd_same(&old->ent[i], a))
			return -EEXIST;
	if (old && old->n >= AVCPU_MAX_IOEVENTFDS)
		return -ENOSPC;
	/* EBADF: no such file; EINVAL: a file that is not an eventfd. */
	b.ctx = eventfd_ctx_fdget(a->fd);
	if (IS_ERR(b.ctx))
		return PTR_ERR(b.ctx);
	ret = avcpu_ioevfd_replace(ev, old, -1, &b);
	if (ret) {
		eventfd_ctx_put(b.ctx);
		return ret;
	}
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

static long avcpu_ioevfd_deassign(struct avcpu_vm *vm, const struct avcpu_ioeventfd *a)
{
	struct avcpu_evfd *ev = vm->evfd;
	struct avcpu_ioevfd_table *old;
	struct eventfd_ctx *ctx;
	u32 i;
	int ret;

	old = ev ? rcu_dereference_protected(ev->io, lockdep_is_held(&vm->lock)) : NULL;
	for (i = 0; old && i < old->n; i++)
		if (avcpu_ioevfd_same(&old->ent[i], a))
			break;
	if (!old || i == old->n)
		return -ENOENT;
	ctx = old->ent[i].ctx;
	ret = avcpu_ioevfd_replace(ev, old, i, NULL);
	if (ret)
		return ret;
	/* No exit path may still be signalling it. */
	synchronize_rcu();
	eventfd_ctx_put(ctx);
	kfree(old);
	return 0;
}

long avcpu_ioeventfd_ioctl(struct avcpu_vm *vm, const void __user *arg)
{
	struct avcpu_ioeventfd a;
	long ret;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	mutex_lock(&vm->lock);
	ret = avcpu_ioevfd_check(vm, &a);
	if (!ret)
		ret = a.flags & AVCPU_IOEVENTFD_DEASSIGN ? avcpu_ioevfd_deassign(vm, &a) :
							   avcpu_ioevfd_assign(vm, &a);
	mutex_unlock(&vm->lock);
	return ret;
}

bool avcpu_ioeventfd_handle_exit(struct avcpu_vcpu *vcpu)
{
	/* Pairs with the release in avcpu_evfd_get(). */
	struct avcpu_evfd *ev = smp_load_acquire(&vcpu->vm->evfd);
	const struct avcpu_hyp_exit *e = &vcpu->ctx->exit;
	const struct avcpu_ioevfd_table *t;
	bool hit = false;
	u32 i;

	if (likely(!ev) || e->reason != AVCPU_EXIT_MMIO || !e->mmio.is_write)
		return false;
	rcu_read_lock();
	t = rcu_dereference(ev->io);
	for (i = 0; t && i < t->n; i++) {
		const struct avcpu_ioevfd *b = &t->ent[i];

		/* e->mmio.value holds the len bytes written, zero-extended (EL2 masks it). */
		if (b->addr != e->mmio.ipa || (b->len && b->len != e->mmio.len) ||
		    (b->match && b->datamatch != e->mmio.value))
			continue;
		avcpu_eventfd_signal(b->ctx);
		hit = true;
	}
	rcu_read_unlock();
	if (!hit)
		return false;
	vcpu->stats.ioeventfd_writes++;
	vcpu->ctx->complete = VCPU_COMPLETE_MMIO;
	vcpu->ctx->complete_value = 0;
	return true;
}

void avcpu_eventfd_destroy(struct avcpu_vm *vm)
{
	struct avcpu_evfd *ev = vm->evfd;
	struct avcpu_ioevfd_table *t;
	u32 i;

	if (!ev)
		return;
	avcpu_irqfd_destroy_all(vm);
	t = rcu_dereference_protected(ev->io, true);
	for (i = 0; t && i < t->n; i++)
		eventfd_ctx_put(t->ent[i].ctx);
	kfree(t);
	kfree(ev);
	vm->evfd = NULL;
}
