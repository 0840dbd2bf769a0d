// SPDX-License-Identifier: GPL-2.0
// The KVM backend: the same VM shape on /dev/kvm (an in-kernel GICv3 at the same
// addresses, PSCI 0.2+ in the kernel), for a side-by-side figure in the same test machine.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include <linux/kvm.h>

#include "backend.h"

namespace bench
{
namespace
{

uint64_t core_reg(size_t offset)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (offset / sizeof(__u32));
}

class KvmBackend final : public Backend
{
public:
	~KvmBackend() override
	{
		for (auto &v : vcpus_) {
			if (v.run)
				munmap(v.run, run_size_);
			if (v.fd >= 0)
				close(v.fd);
		}
		for (int fd : {stats_, vgic_, vm_, kvm_})
			if (fd >= 0)
				close(fd);
	}
	const char *name() const override { return "kvm"; }

	avcpu::Status setup(const void *image, size_t size, const Shape &shape)
	{
		kvm_ = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (kvm_ < 0)
			return avcpu::last_error("open /dev/kvm");
		vm_ = ioctl(kvm_, KVM_CREATE_VM, 0);
		if (vm_ < 0)
			return avcpu::last_error("KVM_CREATE_VM");
		if (auto st = ram_.allocate(shape.ram_size, shape.backing, image, size); !st)
			return st;
		kvm_userspace_memory_region mem{};
		mem.guest_phys_addr = guest_ram_gpa;
		mem.memory_size = shape.ram_size;
		mem.userspace_addr = reinterpret_cast<uintptr_t>(ram_.base());
		if (ioctl(vm_, KVM_SET_USER_MEMORY_REGION, &mem))
			return avcpu::last_error("KVM_SET_USER_MEMORY_REGION");
		long sz = ioctl(kvm_, KVM_GET_VCPU_MMAP_SIZE, 0);
		if (sz <= 0)
			return avcpu::last_error("KVM_GET_VCPU_MMAP_SIZE");
		run_size_ = size_t(sz);
		for (unsigned id = 0; id < shape.vcpus; id++)
			if (auto st = create_vcpu(id); !st)
				return st;
		if (auto st = create_vgic(shape.vcpus); !st)
			return st;
		stats_ = ioctl(vcpus_.front().fd, KVM_GET_STATS_FD, 0); // optional: -1: no counts
		return {};
	}

	// KVM API 4.7 KVM_CREATE_VCPU, its kvm_run mapped, and 4.82 KVM_ARM_VCPU_INIT with
	// PSCI 0.2 (every vCPU powered on).
	avcpu::Status create_vcpu(unsigned id)
	{
		VcpuFd &v = vcpus_.emplace_back();
		v.fd = ioctl(vm_, KVM_CREATE_VCPU, id);
		if (v.fd < 0)
			return avcpu::last_error("KVM_CREATE_VCPU");
		void *run = mmap(nullptr, run_size_, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, 0);
		if (run == MAP_FAILED)
			return avcpu::last_error("mmap kvm_run");
		v.run = static_cast<kvm_run *>(run);
		kvm_vcpu_init init{};
		if (ioctl(vm_, KVM_ARM_PREFERRED_TARGET, &init))
			return avcpu::last_error("KVM_ARM_PREFERRED_TARGET");
		init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
		if (ioctl(v.fd, KVM_ARM_VCPU_INIT, &init))
			return avcpu::last_error("KVM_ARM_VCPU_INIT");
		return {};
	}

	// KVM API 4.80 KVM_CREATE_DEVICE and Documentation/virt/kvm/devices/arm-vgic-v3.rst:
	// the device, its two base addresses and its number of interrupts (SGIs and PPIs
	// included), then CTRL_INIT once every vCPU exists. The redistributors of the vCPUs
	// follow each other from the base, vCPU id order.
	avcpu::Status create_vgic(unsigned vcpus)
	{
		kvm_create_device dev{};
		dev.type = KVM_DEV_TYPE_ARM_VGIC_V3;
		if (ioctl(vm_, KVM_CREATE_DEVICE, &dev))
			return avcpu::last_error("KVM_CREATE_DEVICE (GICv3)");
		vgic_ = int(dev.fd);
		const uint64_t dist = gicd_gpa, redist = gicr_gpa;
		const uint32_t nr_irqs = gic_nr_spis + private_irqs;
		if (vcpus != vcpus_.size())
			return avcpu::Error{"KVM GICv3: create every vCPU first", EINVAL};
		const struct {
			uint32_t group;
			uint64_t attr;
			const void *value;
		} attrs[] = {
			{KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist},
			{KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist},
			{KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs},
			{KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, nullptr},
		};
		for (const auto &a : attrs) {
			kvm_device_attr attr{};
			attr.group = a.group;
			attr.attr = a.attr;
			attr.addr = reinterpret_cast<uintptr_t>(a.value);
			if (ioctl(vgic_, KVM_SET_DEVICE_ATTR, &attr))
				return avcpu::last_error("KVM_SET_DEVICE_ATTR (GICv3)");
		}
		return {};
	}

	// KVM applies the last MMIO exit's completion (the PC step) at the next KVM_RUN, on
	// top of registers set before it; its API says to complete with immediate_exit first.
	avcpu::Status enter(unsigned vcpu, uint64_t pc, uint64_t x19, uint64_t x20) override
	{
		const VcpuFd &v = vcpus_.at(vcpu);
		if (v.run->exit_reason == KVM_EXIT_MMIO) {
			v.run->immediate_exit = 1;
			int r = ioctl(v.fd, KVM_RUN, 0);
			v.run->immediate_exit = 0;
			if (r == 0 || errno != EINTR)
				return avcpu::Error{"KVM_RUN (completion)", r ? errno : EPROTO};
		}
		const struct {
			size_t offset;
			uint64_t value;
		} regs[] = {
			{offsetof(kvm_regs, regs.pc), pc},
			{offsetof(kvm_regs, regs.pstate), 0x3c5},
			{offsetof(kvm_regs, regs.regs) + 19 * 8, x19},
			{offsetof(kvm_regs, regs.regs) + 20 * 8, x20},
		};
		for (const auto &r : regs) {
			kvm_one_reg one{};
			one.id = core_reg(r.offset);
			one.addr = reinterpret_cast<uintptr_t>(&r.value);
			if (ioctl(v.fd, KVM_SET_ONE_REG, &one))
				return avcpu::last_error("KVM_SET_ONE_REG");
		}
		return {};
	}

	avcpu::Result<MmioWrite> run_to_mmio_write(unsigned vcpu) override
	{
		const VcpuFd &v = vcpus_.at(vcpu);
		for (;;) {
			if (ioctl(v.fd, KVM_RUN, 0) && errno != EINTR)
				return avcpu::last_error("KVM_RUN");
			if (v.run->exit_reason == KVM_EXIT_MMIO && v.run->mmio.is_write) {
				MmioWrite w{v.run->mmio.phys_addr, 0};
				std::memcpy(&w.data, v.run->mmio.data,
					    std::min<size_t>(v.run->mmio.len, sizeof(w.data)));
				return w;
			}
			if (v.run->exit_reason != KVM_EXIT_INTR) {
				std::fprintf(stderr, "avcpu-bench: KVM exit %u\n",
					     v.run->exit_reason);
				return avcpu::Error{"KVM_RUN: unexpected exit", EPROTO};
			}
		}
	}

	avcpu::Status run_immediate_exit() override
	{
		const VcpuFd &v = vcpus_.front();
		v.run->immediate_exit = 1;
		int r = ioctl(v.fd, KVM_RUN, 0);
		int err = errno;
		v.run->immediate_exit = 0;
		if (r == 0 || err != EINTR)
			return avcpu::Error{"KVM_RUN (immediate_exit)", r ? err : EPROTO};
		return {};
	}

	// KVM API 4.25 KVM_IRQ_LINE: an SPI is type 1 with its INTID in bits 15:0.
	avcpu::Status pulse_spi(uint32_t intid) override
	{
		for (uint32_t level : {1U, 0U}) {
			kvm_irq_level l{};
			l.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | intid;
			l.level = level;
			if (ioctl(vm_, KVM_IRQ_LINE, &l))
				return avcpu::last_error("KVM_IRQ_LINE");
		}
		return {};
	}

	// The vCPU's "exits" statistic (KVM API 4.133 KVM_GET_STATS_FD): the exits that
	// reached the host kernel's run loop (nVHE fast paths at EL2 are not counted).
	std::optional<uint64_t> guest_exits() const override
	{
		if (stats_ < 0)
			return std::nullopt;
		kvm_stats_header h{};
		if (pread(stats_, &h, sizeof(h), 0) != ssize_t(sizeof(h)))
			return std::nullopt;
		const size_t desc_size = sizeof(kvm_stats_desc) + h.name_size;
		std::string buf(desc_size, '\0');
		for (uint32_t i = 0; i < h.num_desc; i++) {
			off_t at = off_t(h.desc_offset + i * desc_size);
			if (pread(stats_, buf.data(), desc_size, at) != ssize_t(desc_size))
				return std::nullopt;
			kvm_stats_desc d{};
			std::memcpy(&d, buf.data(), sizeof(d));
			if (std::strcmp(buf.data() + sizeof(d), "exits"))
				continue;
			uint64_t v = 0;
			if (pread(stats_, &v, sizeof(v), off_t(h.data_offset + d.offset)) !=
			    ssize_t(sizeof(v)))
				return std::nullopt;
			return v;
		}
		return std::nullopt;
	}

private:
	struct VcpuFd {
		int fd = -1;
		kvm_run *run = nullptr;
	};
	// The SGIs and PPIs below the SPIs: KVM_DEV_ARM_VGIC_GRP_NR_IRQS counts them too.
	static constexpr uint32_t private_irqs = 32;
	GuestRam ram_; // declared first: unmapped after the VM is gone
	int kvm_ = -1, vm_ = -1, vgic_ = -1, stats_ = -1;
	std::vector<VcpuFd> vcpus_;
	size_t run_size_ = 0;
};

} // namespace

avcpu::Result<std::unique_ptr<Backend>> make_kvm_backend(const void *image, size_t size,
							 const Shape &shape)
{
	auto kvm = std::make_unique<KvmBackend>();
	if (auto st = kvm->setup(image, size, shape); !st)
		return st.error();
	return std::unique_ptr<Backend>(std::move(kvm));
}

} // namespace bench
