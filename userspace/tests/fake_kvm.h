// SPDX-License-Identifier: GPL-2.0
// A fake /dev/kvm (arm64) for host unit tests of libavcpu's KVM backend: it records every
// ioctl in order, keeps ONE_REG values, device attributes and interrupt lines, and RUN
// plays back a script of kvm_run exits per vCPU, otherwise waiting to be kicked.
#pragma once

#include <sys/mman.h>

#include <linux/kvm.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "fake_fds.h"

class FakeKvm final : public FakeFds
{
public:
	using Step = std::function<void(kvm_run &)>;
	struct Attr {
		uint32_t group;
		uint64_t attr;
		uint64_t value;
	};
	static constexpr uint32_t target = 5; // KVM_ARM_TARGET_GENERIC_V8

	std::map<unsigned long, int> fail;		     // ioctl request -> errno
	std::vector<unsigned long> calls;		     // every ioctl request, in order
	std::map<int, std::deque<Step>> script;		     // by vCPU id
	std::map<int, std::map<uint64_t, uint64_t>> regs;    // by vCPU id, ONE_REG id
	std::map<int, kvm_vcpu_init> inits;		     // by vCPU id, as last initialised
	std::map<int, uint32_t> mp_state;		     // by vCPU id
	std::vector<kvm_userspace_memory_region> slots;	     // every KVM_SET_USER_MEMORY_REGION
	std::vector<uint32_t> device_types;		     // every KVM_CREATE_DEVICE
	std::vector<Attr> attrs;			     // every KVM_SET_DEVICE_ATTR
	std::vector<kvm_irq_level> irq_levels;		     // every KVM_IRQ_LINE
	std::vector<kvm_ioeventfd> ioeventfds;		     // every KVM_IOEVENTFD
	std::vector<kvm_irqfd> irqfds;			     // every KVM_IRQFD
	std::map<int, std::vector<uint64_t>> mmio_data_seen; // mmio.data at each KVM_RUN

	int ioctl(int fd, unsigned long req, unsigned long arg) override;

private:
	int vcpu_ioctl(int id, unsigned long req, unsigned long arg);
	int run(int id);
};

inline int FakeKvm::ioctl(int fd, unsigned long req, unsigned long arg)
{
	Fd f;
	{
		std::lock_guard g(lock_);
		calls.push_back(req);
		auto it = fds_.find(fd);
		if (it == fds_.end())
			return errno = EBADF, -1;
		f = it->second;
		if (auto e = fail.find(req); e != fail.end())
			return errno = e->second, -1;
	}
	void *p = reinterpret_cast<void *>(arg);
	switch (req) {
	case KVM_GET_API_VERSION:
		return f.kind == Kind::device ? 12 : (errno = ENOTTY, -1);
	case KVM_GET_VCPU_MMAP_SIZE:
		return int(sizeof(kvm_run) + 4095) & ~4095;
	case KVM_CREATE_VM:
		return new_fd(Kind::vm, 0);
	case KVM_CREATE_VCPU:
		return new_fd(Kind::vcpu, int(arg));
	case KVM_ARM_PREFERRED_TARGET:
		std::memset(p, 0, sizeof(kvm_vcpu_init));
		static_cast<kvm_vcpu_init *>(p)->target = target;
		return 0;
	case KVM_CREATE_DEVICE: {
		auto *d = static_cast<kvm_create_device *>(p);
		{
			std::lock_guard g(lock_);
			device_types.push_back(d->type);
		}
		d->fd = uint32_t(new_fd(Kind::interrupt_controller, 0));
		return 0;
	}
	case KVM_SET_DEVICE_ATTR: {
		auto *a = static_cast<kvm_device_attr *>(p);
		uint64_t value = 0;
		if (a->group == KVM_DEV_ARM_VGIC_GRP_NR_IRQS)
			value = *reinterpret_cast<uint32_t *>(a->addr);
		else if (a->group == KVM_DEV_ARM_VGIC_GRP_ADDR)
			value = *reinterpret_cast<uint64_t *>(a->addr);
		std::lock_guard g(lock_);
		attrs.push_back({a->group, a->attr, value});
		return 0;
	}
	case KVM_SET_USER_MEMORY_REGION: {
		std::lock_guard g(lock_);
		slots.push_back(*static_cast<kvm_userspace_memory_region *>(p));
		return 0;
	}
	case KVM_IRQ_LINE: {
		std::lock_guard g(lock_);
		irq_levels.push_back(*static_cast<kvm_irq_level *>(p));
		return 0;
	}
	case KVM_IOEVENTFD: {
		std::lock_guard g(lock_);
		ioeventfds.push_back(*static_cast<kvm_ioeventfd *>(p));
		return 0;
	}
	case KVM_IRQFD: {
		std::lock_guard g(lock_);
		irqfds.push_back(*static_cast<kvm_irqfd *>(p));
		return 0;
	}
	default:
		if (f.kind == Kind::vcpu)
			return vcpu_ioctl(f.id, req, arg);
		return errno = ENOTTY, -1;
	}
}

inline int FakeKvm::vcpu_ioctl(int id, unsigned long req, unsigned long arg)
{
	void *p = reinterpret_cast<void *>(arg);
	std::unique_lock g(lock_);
	switch (req) {
	case KVM_ARM_VCPU_INIT: {
		auto *init = static_cast<kvm_vcpu_init *>(p);
		if (init->target != target)
			return errno = EINVAL, -1;
		inits[id] = *init;
		bool off = init->features[0] & (1U << KVM_ARM_VCPU_POWER_OFF);
		mp_state[id] = off ? KVM_MP_STATE_STOPPED : KVM_MP_STATE_RUNNABLE;
		return 0;
	}
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG: {
		auto *one = static_cast<kvm_one_reg *>(p);
		size_t size = 1U << ((one->id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
		if (size > sizeof(uint64_t))
			return errno = EINVAL, -1;
		auto *value = reinterpret_cast<void *>(one->addr);
		if (req == KVM_SET_ONE_REG) {
			uint64_t v = 0;
			std::memcpy(&v, value, size);
			regs[id][one->id] = v;
		} else {
			std::memcpy(value, &regs[id][one->id], size);
		}
		return 0;
	}
	case KVM_GET_MP_STATE:
		static_cast<kvm_mp_state *>(p)->mp_state = mp_state[id];
		return 0;
	case KVM_SET_MP_STATE:
		mp_state[id] = static_cast<kvm_mp_state *>(p)->mp_state;
		return 0;
	case KVM_RUN:
		g.unlock();
		return run(id);
	default:
		return errno = ENOTTY, -1;
	}
}

// The next scripted exit, or an interruptible wait like a guest that never exits.
inline int FakeKvm::run(int id)
{
	kvm_run *r;
	Step step;
	{
		std::lock_guard g(lock_);
		r = run_of<kvm_run>(id);
		uint64_t data = 0;
		std::memcpy(&data, r->mmio.data, sizeof(data));
		mmio_data_seen[id].push_back(data);
		auto &q = script[id];
		if (!q.empty()) {
			step = q.front();
			q.pop_front();
		}
	}
	if (step && !__atomic_load_n(&r->immediate_exit, __ATOMIC_SEQ_CST)) {
		step(*r);
		return 0;
	}
	while (!__atomic_load_n(&r->immediate_exit, __ATOMIC_SEQ_CST))
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	return errno = EINTR, -1;
}
