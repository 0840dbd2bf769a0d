// SPDX-License-Identifier: GPL-2.0
// What the fake kernels of the host unit tests (fake_kernel.h: /dev/avcpu, fake_kvm.h:
// /dev/kvm) share: file descriptors that are numbers standing for an object of a kind
// with an id, closing them, and a vCPU fd's run struct as anonymous memory.
#pragma once

#include <sys/mman.h>

#include <cerrno>
#include <map>
#include <mutex>

#include "avcpu/kernel.h"

class FakeFds : public avcpu::Kernel
{
public:
	// device: the node opened; interrupt_controller: an in-kernel device (KVM's GICv3).
	enum class Kind { device, vm, vcpu, interrupt_controller };

	int fail_open = 0; // errno for open(), 0: succeed

	int open(const char *, int) override
	{
		if (fail_open)
			return errno = fail_open, -1;
		return new_fd(Kind::device, -1);
	}
	int close(int fd) override
	{
		std::lock_guard g(lock_);
		return fds_.erase(fd) ? 0 : (errno = EBADF, -1);
	}
	int munmap(void *addr, size_t length) override
	{
		std::lock_guard g(lock_);
		unmapped_++;
		return ::munmap(addr, length);
	}

	size_t open_fds()
	{
		std::lock_guard g(lock_);
		return fds_.size();
	}
	size_t mapped_runs()
	{
		std::lock_guard g(lock_);
		return mapped_ - unmapped_;
	}

protected:
	struct Fd {
		Kind kind;
		int id;
	};
	int new_fd(Kind kind, int id)
	{
		std::lock_guard g(lock_);
		fds_[next_] = {kind, id};
		return next_++;
	}
	// A vCPU fd's run struct is anonymous memory; MAP_FAILED (ENODEV) for any other fd.
	void *mmap(size_t length, int fd) override
	{
		std::lock_guard g(lock_);
		auto it = fds_.find(fd);
		if (it == fds_.end() || it->second.kind != Kind::vcpu)
			return errno = ENODEV, MAP_FAILED;
		void *p = ::mmap(nullptr, length, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			runs_[it->second.id] = p;
			mapped_++;
		}
		return p;
	}
	// The run struct of vCPU id as the hypervisor's type. Called with lock_ held.
	template <typename Run> Run *run_of(int id) { return static_cast<Run *>(runs_[id]); }

	std::mutex lock_;
	std::map<int, Fd> fds_;

private:
	std::map<int, void *> runs_;
	size_t mapped_ = 0, unmapped_ = 0;
	int next_ = 100;
};
