// SPDX-License-Identifier: GPL-2.0
// A fake /dev/avcpu for host unit tests of libavcpu: VMs and vCPUs are numbers, RUN
// plays back a script of exits per vCPU and otherwise waits to be kicked.
#pragma once

#include <sys/mman.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <linux/avcpu.h>

#include "fake_fds.h"

class FakeKernel final : public FakeFds
{
public:
	// Fills the run struct for the next exit of a vCPU.
	using Step = std::function<void(avcpu_run &)>;

	int fail_create_vcpu = 0;			   // errno for AVCPU_CREATE_VCPU
	std::map<int, std::deque<Step>> script;		   // by vCPU id
	std::map<int, std::vector<uint64_t>> results_seen; // hypercall ret[0] at each RUN
	std::vector<avcpu_irq_level> irq_levels;	   // every AVCPU_IRQ_LINE, in order
	std::vector<avcpu_vgic_config> vgics;		   // every AVCPU_CREATE_VGIC
	int fail_create_vgic = 0;			   // errno for AVCPU_CREATE_VGIC
	int fail_irq_line = 0;				   // errno for AVCPU_IRQ_LINE
	std::map<int, avcpu_regs> regs;			   // by vCPU id, as last set
	bool eventfds = false; // AVCPU_IOEVENTFD and AVCPU_IRQFD work (else ENOTTY)
	std::vector<avcpu_ioeventfd> ioeventfds; // every AVCPU_IOEVENTFD, in order
	std::vector<avcpu_irqfd> irqfds;	 // every AVCPU_IRQFD, in order

	int ioctl(int fd, unsigned long req, unsigned long arg) override;
	uint32_t power(int vcpu_id)
	{
		std::lock_guard g(lock_);
		return power_[vcpu_id];
	}

private:
	int run(int id);

	std::map<int, uint32_t> power_;
};

inline int FakeKernel::ioctl(int fd, unsigned long req, unsigned long arg)
{
	Fd f;
	{
		std::lock_guard g(lock_);
		auto it = fds_.find(fd);
		if (it == fds_.end()) {
			errno = EBADF;
			return -1;
		}
		f = it->second;
	}
	switch (req) {
	case AVCPU_GET_API_VERSION:
		return f.kind == Kind::device ? AVCPU_API_VERSION : (errno = ENOTTY, -1);
	case AVCPU_GET_VCPU_MMAP_SIZE:
		return 4096;
	case AVCPU_CREATE_VM:
		return new_fd(Kind::vm, 0);
	case AVCPU_CREATE_VCPU:
		if (fail_create_vcpu) {
			errno = fail_create_vcpu;
			return -1;
		}
		{
			std::lock_guard g(lock_);
			power_[int(arg)] = AVCPU_POWER_ON;
		}
		return new_fd(Kind::vcpu, int(arg));
	case AVCPU_RUN:
		return run(f.id);
	case AVCPU_SET_POWER_STATE: {
		std::lock_guard g(lock_);
		power_[f.id] = reinterpret_cast<avcpu_power_state *>(arg)->state;
		return 0;
	}
	case AVCPU_GET_POWER_STATE: {
		std::lock_guard g(lock_);
		std::memset(reinterpret_cast<void *>(arg), 0, sizeof(avcpu_power_state));
		reinterpret_cast<avcpu_power_state *>(arg)->state = power_[f.id];
		return 0;
	}
	case AVCPU_GET_ONE_REG: {
		auto *one = reinterpret_cast<avcpu_one_reg *>(arg);
		if (one->id != AVCPU_REG_MPIDR_EL1) {
			errno = ENOENT;
			return -1;
		}
		*reinterpret_cast<uint64_t *>(one->addr) = 0x80000000ULL | uint64_t(f.id);
		return 0;
	}
	case AVCPU_SET_MEMORY_REGION:
	case AVCPU_SET_VM_CONFIG:
		return 0;
	case AVCPU_CREATE_VGIC: {
		if (fail_create_vgic) {
			errno = fail_create_vgic;
			return -1;
		}
		std::lock_guard g(lock_);
		vgics.push_back(*reinterpret_cast<avcpu_vgic_config *>(arg));
		return 0;
	}
	case AVCPU_GET_REGS: {
		std::lock_guard g(lock_);
		auto it = regs.find(f.id);
		avcpu_regs r{};
		if (it == regs.end())
			r.pstate = 0x3c5; // a new vCPU: EL1h, DAIF masked
		else
			r = it->second;
		*reinterpret_cast<avcpu_regs *>(arg) = r;
		return 0;
	}
	case AVCPU_SET_REGS: {
		std::lock_guard g(lock_);
		regs[f.id] = *reinterpret_cast<avcpu_regs *>(arg);
		return 0;
	}
	case AVCPU_IRQ_LINE: {
		auto *l = reinterpret_cast<avcpu_irq_level *>(arg);
		if (fail_irq_line) {
			errno = fail_irq_line;
			return -1;
		}
		if (l->level > 1) {
			errno = EINVAL;
			return -1;
		}
		std::lock_guard g(lock_);
		irq_levels.push_back(*l);
		return 0;
	}
	case AVCPU_IOEVENTFD:
	case AVCPU_IRQFD: {
		if (!eventfds)
			break;
		std::lock_guard g(lock_);
		if (req == AVCPU_IOEVENTFD)
			ioeventfds.push_back(*reinterpret_cast<avcpu_ioeventfd *>(arg));
		else
			irqfds.push_back(*reinterpret_cast<avcpu_irqfd *>(arg));
		return 0;
	}
	case AVCPU_GET_VM_STATS: {
		auto *st = reinterpret_cast<avcpu_vm_stats *>(arg);
		std::lock_guard g(lock_);
		*st = {};
		st->total.irq_changes = irq_levels.size();
		return 0;
	}
	default:
		break;
	}
	errno = ENOTTY;
	return -1;
}

// The next scripted exit, or, with none left, an interruptible wait like a guest that
// never exits: returns EINTR once immediate_exit is set.
inline int FakeKernel::run(int id)
{
	avcpu_run *r;
	Step step;
	{
		std::lock_guard g(lock_);
		r = run_of<avcpu_run>(id);
		results_seen[id].push_back(r->hypercall.ret[0]);
		auto &q = script[id];
		if (!q.empty()) {
			step = q.front();
			q.pop_front();
		}
	}
	if (step && !__atomic_load_n(&r->immediate_exit, __ATOMIC_SEQ_CST)) {
		std::memset(r->padding, 0, sizeof(r->padding));
		step(*r);
		return 0;
	}
	while (!__atomic_load_n(&r->immediate_exit, __ATOMIC_SEQ_CST))
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	r->exit_reason = AVCPU_EXIT_INTR;
	errno = EINTR;
	return -1;
}
