// SPDX-License-Identifier: GPL-2.0
// The system calls libavcpu makes, behind one interface: the real kernel in production,
// a fake one in the host unit tests.
#pragma once

#include <cstddef>

namespace avcpu
{

class Kernel
{
public:
	virtual ~Kernel() = default;
	// Each returns what the system call returns (-1 with errno set on failure).
	virtual int open(const char *path, int flags) = 0;
	virtual int close(int fd) = 0;
	virtual int ioctl(int fd, unsigned long request, unsigned long arg) = 0;
	// MAP_SHARED, read/write, offset 0; MAP_FAILED with errno on failure.
	virtual void *mmap(size_t length, int fd) = 0;
	virtual int munmap(void *addr, size_t length) = 0;
};

// The running kernel.
Kernel &system_kernel();

} // namespace avcpu
