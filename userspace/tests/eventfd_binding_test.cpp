// SPDX-License-Identifier: GPL-2.0
// libavcpu's eventfd bindings (avcpu/eventfd.h): the AVCPU_IOEVENTFD and AVCPU_IRQFD
// arguments they build, and the kernel's errno handed back.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <linux/avcpu.h>

#include "avcpu/eventfd.h"

namespace
{

constexpr int vm_fd = 7;

// Records the two ioctls' arguments; fails each with fail_errno when set.
class RecordingKernel final : public avcpu::Kernel
{
public:
	int fail_errno = 0;
	std::vector<avcpu_ioeventfd> io;
	std::vector<avcpu_irqfd> irq;
	int last_fd = -1;

	int open(const char *, int) override { return -1; }
	int close(int) override { return 0; }
	void *mmap(size_t, int) override { return nullptr; }
	int munmap(void *, size_t) override { return 0; }
	int ioctl(int fd, unsigned long req, unsigned long arg) override
	{
		last_fd = fd;
		if (req == AVCPU_IOEVENTFD)
			io.push_back(*reinterpret_cast<const avcpu_ioeventfd *>(arg));
		else if (req == AVCPU_IRQFD)
			irq.push_back(*reinterpret_cast<const avcpu_irqfd *>(arg));
		if (fail_errno) {
			errno = fail_errno;
			return -1;
		}
		return 0;
	}
};

TEST(EventfdBinding, IoeventfdAnyValueAndDatamatch)
{
	RecordingKernel k;
	ASSERT_TRUE(avcpu::bind_ioeventfd(k, vm_fd, {0x0a000050, 4, std::nullopt}, 11).ok());
	ASSERT_TRUE(avcpu::bind_ioeventfd(k, vm_fd, {0x0a000050, 0, 3}, 12).ok());
	ASSERT_TRUE(avcpu::unbind_ioeventfd(k, vm_fd, {0x0a000050, 0, 3}).ok());
	ASSERT_EQ(3u, k.io.size());
	EXPECT_EQ(vm_fd, k.last_fd);
	EXPECT_EQ(0x0a000050u, k.io[0].addr);
	EXPECT_EQ(4u, k.io[0].len);
	EXPECT_EQ(11, k.io[0].fd);
	EXPECT_EQ(0u, k.io[0].flags);
	EXPECT_EQ(uint32_t(AVCPU_IOEVENTFD_DATAMATCH), k.io[1].flags);
	EXPECT_EQ(3u, k.io[1].datamatch);
	EXPECT_EQ(0u, k.io[1].len);
	EXPECT_EQ(uint32_t(AVCPU_IOEVENTFD_DATAMATCH | AVCPU_IOEVENTFD_DEASSIGN), k.io[2].flags);
	EXPECT_EQ(3u, k.io[2].datamatch);
	EXPECT_EQ(0u, k.io[2].pad);
	EXPECT_EQ(0u, k.io[2].reserved[0] | k.io[2].reserved[1]);
}

TEST(EventfdBinding, IrqfdPulseResampleAndUnbind)
{
	RecordingKernel k;
	ASSERT_TRUE(avcpu::bind_irqfd(k, vm_fd, 40, 5).ok());
	ASSERT_TRUE(avcpu::bind_irqfd(k, vm_fd, 41, 6, 8).ok());
	ASSERT_TRUE(avcpu::unbind_irqfd(k, vm_fd, 41).ok());
	ASSERT_EQ(3u, k.irq.size());
	EXPECT_EQ(40u, k.irq[0].intid);
	EXPECT_EQ(5, k.irq[0].fd);
	EXPECT_EQ(0u, k.irq[0].flags);
	EXPECT_EQ(uint32_t(AVCPU_IRQFD_RESAMPLE), k.irq[1].flags);
	EXPECT_EQ(8, k.irq[1].resample_fd);
	EXPECT_EQ(41u, k.irq[2].intid);
	EXPECT_EQ(uint32_t(AVCPU_IRQFD_DEASSIGN), k.irq[2].flags);
}

TEST(EventfdBinding, KernelErrnosComeBack)
{
	RecordingKernel k;
	k.fail_errno = EEXIST;
	avcpu::Status s = avcpu::bind_irqfd(k, vm_fd, 40, 5);
	ASSERT_FALSE(s.ok());
	EXPECT_EQ(EEXIST, s.error().error);
	EXPECT_EQ("AVCPU_IRQFD", s.error().operation);
	k.fail_errno = ENOSPC;
	s = avcpu::bind_ioeventfd(k, vm_fd, {0x0a000000, 2, std::nullopt}, 5);
	ASSERT_FALSE(s.ok());
	EXPECT_EQ(ENOSPC, s.error().error);
}

} // namespace
