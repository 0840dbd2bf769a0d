// SPDX-License-Identifier: GPL-2.0
#include "avcpu/kernel.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace avcpu
{
namespace
{

class SystemKernel final : public Kernel
{
public:
	int open(const char *path, int flags) override { return ::open(path, flags); }
	int close(int fd) override { return ::close(fd); }
	int ioctl(int fd, unsigned long request, unsigned long arg) override
	{
		return ::ioctl(fd, request, arg);
	}
	void *mmap(size_t length, int fd) override
	{
		return ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	}
	int munmap(void *addr, size_t length) override { return ::munmap(addr, length); }
};

} // namespace

Kernel &system_kernel()
{
	static SystemKernel kernel;
	return kernel;
}

} // namespace avcpu
