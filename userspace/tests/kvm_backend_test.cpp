// SPDX-License-Identifier: GPL-2.0
// libavcpu's KVM backend against a fake /dev/kvm: how the node is told apart, the ioctl
// sequence of a VM with a GICv3 and two vCPUs, registers, exits in libavcpu's terms, the
// runner on KVM, and the errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "avcpu/device.h"
#include "avcpu/runner.h"
#include "fake_kernel.h"
#include "fake_kvm.h"

using namespace avcpu;

namespace
{

// ONE_REG ids as KVM's API documentation lists them for arm64 (0x6030 0000 0010 <offset
// in 32-bit words>), written out here rather than computed like the backend does.
constexpr uint64_t kvm_x0 = 0x6030000000100000, kvm_x1 = 0x6030000000100002;
constexpr uint64_t kvm_pc = 0x6030000000100040, kvm_pstate = 0x6030000000100042;
constexpr uint64_t kvm_sp_el1 = 0x6030000000100044, kvm_spsr_el1 = 0x6030000000100048;
constexpr uint64_t kvm_mpidr_el1 = 0x603000000013c005; // sysreg 3,0,0,0,5
constexpr uint64_t kvm_fpcr = 0x60200000001000d5;      // 32 bits, after V0-V31 and FPSR

constexpr uint64_t gicd = 0x08000000, gicr = 0x080a0000;

struct KvmFixture : testing::Test {
	FakeKvm k; // first: destroyed last
	std::optional<Device> dev;
	std::optional<Vm> vm;
	std::vector<Vcpu> vcpus;

	void make(unsigned n, bool gic = true)
	{
		auto d = Device::open(Device::kvm_path, k);
		ASSERT_TRUE(d.ok());
		dev.emplace(std::move(d).value());
		auto v = dev->create_vm();
		ASSERT_TRUE(v.ok()) << v.error().message();
		vm.emplace(std::move(v).value());
		if (gic) {
			ASSERT_TRUE(vm->create_vgic(gicd, gicr, 64, n).ok());
		}
		for (unsigned i = 0; i < n; i++) {
			auto c = vm->create_vcpu(i, i != 0);
			ASSERT_TRUE(c.ok()) << c.error().message();
			vcpus.push_back(std::move(c).value());
		}
	}
};

TEST(KvmDevice, ToldApartByKvmGetApiVersion)
{
	FakeKvm kvm;
	auto d = Device::open("/dev/some-name", kvm);
	ASSERT_TRUE(d.ok());
	EXPECT_EQ(Hypervisor::kvm, d.value().hypervisor());
	EXPECT_EQ(12, d.value().api_version().value());
	EXPECT_EQ(EOPNOTSUPP, d.value().check_cap(1).error().error);

	FakeKernel avcpu_kernel; // answers KVM_GET_API_VERSION with ENOTTY
	auto a = Device::open("/dev/kvm", avcpu_kernel);
	ASSERT_TRUE(a.ok());
	EXPECT_EQ(Hypervisor::avcpu, a.value().hypervisor());
	EXPECT_STREQ("avcpu", hypervisor_name(a.value().hypervisor()));
}

TEST(KvmDevice, NoDevKvmAndCreateVmFailing)
{
	FakeKvm k;
	k.fail_open = ENOENT;
	auto d = Device::open(Device::kvm_path, k);
	ASSERT_FALSE(d.ok());
	EXPECT_EQ("open /dev/kvm: No such file or directory", d.error().message());

	k.fail_open = 0;
	k.fail[KVM_CREATE_VM] = ENOMEM;
	auto ok = Device::open(Device::kvm_path, k);
	auto vm = ok.value().create_vm();
	ASSERT_FALSE(vm.ok());
	EXPECT_EQ("KVM_CREATE_VM", vm.error().operation);
	EXPECT_EQ(ENOMEM, vm.error().error);
}

TEST_F(KvmFixture, VmGicAndVcpusInKvmsOrder)
{
	make(2);
	int ram = 0;
	ASSERT_TRUE(vm->map_memory(0, 0x40000000, &ram, 0x200000, true).ok());
	ASSERT_TRUE(vm->set_spi_line(33, true).ok());
	vcpus[0].request_exit(true); // RUN returns at once: only the sequence matters here
	ASSERT_TRUE(std::holds_alternative<exits::Interrupted>(vcpus[0].run().value()));

	const std::vector<unsigned long> want = {
		KVM_GET_API_VERSION,
		KVM_GET_VCPU_MMAP_SIZE,
		KVM_CREATE_VM,
		KVM_CREATE_DEVICE,
		KVM_SET_DEVICE_ATTR,
		KVM_SET_DEVICE_ATTR,
		KVM_SET_DEVICE_ATTR,
		KVM_CREATE_VCPU,
		KVM_ARM_PREFERRED_TARGET,
		KVM_ARM_VCPU_INIT,
		KVM_CREATE_VCPU,
		KVM_ARM_PREFERRED_TARGET,
		KVM_ARM_VCPU_INIT,
		KVM_SET_USER_MEMORY_REGION,
		KVM_IRQ_LINE,
		KVM_SET_DEVICE_ATTR,
		KVM_RUN,
	};
	EXPECT_EQ(want, k.calls);
	EXPECT_EQ(std::vector<uint32_t>{KVM_DEV_TYPE_ARM_VGIC_V3}, k.device_types);
	ASSERT_EQ(4u, k.attrs.size());
	EXPECT_EQ(uint32_t(KVM_DEV_ARM_VGIC_GRP_ADDR), k.attrs[0].group);
	EXPECT_EQ(uint64_t(KVM_VGIC_V3_ADDR_TYPE_DIST), k.attrs[0].attr);
	EXPECT_EQ(gicd, k.attrs[0].value);
	EXPECT_EQ(uint64_t(KVM_VGIC_V3_ADDR_TYPE_REDIST), k.attrs[1].attr);
	EXPECT_EQ(gicr, k.attrs[1].value);
	EXPECT_EQ(uint32_t(KVM_DEV_ARM_VGIC_GRP_NR_IRQS), k.attrs[2].group);
	EXPECT_EQ(96u, k.attrs[2].value) << "64 SPIs and the 32 private interrupts";
	EXPECT_EQ(uint32_t(KVM_DEV_ARM_VGIC_GRP_CTRL), k.attrs[3].group);
	EXPECT_EQ(uint64_t(KVM_DEV_ARM_VGIC_CTRL_INIT), k.attrs[3].attr);

	EXPECT_EQ(1u << KVM_ARM_VCPU_PSCI_0_2, k.inits[0].features[0]);
	EXPECT_EQ((1u << KVM_ARM_VCPU_PSCI_0_2) | (1u << KVM_ARM_VCPU_POWER_OFF),
		  k.inits[1].features[0]);
	EXPECT_EQ(AVCPU_POWER_OFF, vcpus[1].power_state().value().state);
	EXPECT_EQ(AVCPU_POWER_ON, vcpus[0].power_state().value().state);

	ASSERT_EQ(1u, k.slots.size());
	EXPECT_EQ(0x40000000u, k.slots[0].guest_phys_addr);
	EXPECT_EQ(uint32_t(KVM_MEM_READONLY), k.slots[0].flags);
	ASSERT_EQ(1u, k.irq_levels.size());
	EXPECT_EQ(0x01000021u, k.irq_levels[0].irq) << "KVM_ARM_IRQ_TYPE_SPI, INTID 33";
	EXPECT_EQ(1u, k.irq_levels[0].level);
}

TEST_F(KvmFixture, GicIsInitialisedOnceAndItsFailureEndsRun)
{
	make(2);
	k.fail[KVM_SET_DEVICE_ATTR] = EBUSY;
	vcpus[0].request_exit(true);
	auto r = vcpus[0].run();
	ASSERT_FALSE(r.ok());
	EXPECT_EQ("KVM_DEV_ARM_VGIC_CTRL_INIT", r.error().operation);
	vcpus[1].request_exit(true);
	EXPECT_EQ(EBUSY, vcpus[1].run().error().error) << "the same answer for every vCPU";
	size_t runs = std::count(k.calls.begin(), k.calls.end(), KVM_RUN);
	EXPECT_EQ(0u, runs) << "no vCPU enters without its GIC";
}

TEST_F(KvmFixture, CoreAndSystemRegistersByOneReg)
{
	make(1, false);
	avcpu_regs r{};
	r.x[0] = 0x48000000;
	r.x[1] = 7;
	r.pc = 0x40080000;
	r.pstate = 0x3c5;
	r.sp_el1 = 0x1000;
	r.spsr_el1 = 0x5;
	ASSERT_TRUE(vcpus[0].set_regs(r).ok());
	auto &regs = k.regs[0];
	EXPECT_EQ(0x48000000u, regs[kvm_x0]);
	EXPECT_EQ(7u, regs[kvm_x1]);
	EXPECT_EQ(0x40080000u, regs[kvm_pc]);
	EXPECT_EQ(0x3c5u, regs[kvm_pstate]);
	EXPECT_EQ(0x1000u, regs[kvm_sp_el1]);
	EXPECT_EQ(0x5u, regs[kvm_spsr_el1]);
	auto back = vcpus[0].regs();
	ASSERT_TRUE(back.ok());
	EXPECT_EQ(0, std::memcmp(&r, &back.value(), sizeof(r)));

	regs[kvm_mpidr_el1] = 0x80000003;
	EXPECT_EQ(0x80000003u, vcpus[0].reg(AVCPU_REG_MPIDR_EL1).value());
	ASSERT_TRUE(vcpus[0].set_reg(AVCPU_REG_FPCR, 0x3000000).ok());
	EXPECT_EQ(0x3000000u, regs[kvm_fpcr]);
	EXPECT_EQ(EINVAL, vcpus[0].set_reg(AVCPU_REG_FPCR, 1ULL << 32).error().error);
	EXPECT_EQ(EINVAL, vcpus[0].reg(AVCPU_REG_V(3)).error().error) << "128 bits";
	EXPECT_EQ(EOPNOTSUPP, vcpus[0].stats().error().error);
	EXPECT_EQ(nullptr, vcpus[0].run_struct());
}

TEST_F(KvmFixture, CpuOnResetReinitialisesAndSetsEntry)
{
	make(2);
	ASSERT_TRUE(vcpus[1].set_power(AVCPU_POWER_ON, true, 0x40100000, 0x1234).ok());
	EXPECT_EQ(AVCPU_POWER_ON, vcpus[1].power_state().value().state);
	EXPECT_EQ(1u << KVM_ARM_VCPU_PSCI_0_2, k.inits[1].features[0]) << "no POWER_OFF now";
	EXPECT_EQ(0x40100000u, k.regs[1][kvm_pc]);
	EXPECT_EQ(0x1234u, k.regs[1][kvm_x0]);
	ASSERT_TRUE(vcpus[1].set_power(AVCPU_POWER_OFF).ok());
	EXPECT_EQ(uint32_t(KVM_MP_STATE_STOPPED), k.mp_state[1]);
}

TEST_F(KvmFixture, ExitsInLibavcpusTerms)
{
	make(1, false);
	k.script[0].push_back([](kvm_run &r) {
		r.exit_reason = KVM_EXIT_MMIO;
		r.mmio.phys_addr = 0x9000000;
		r.mmio.len = 2;
		r.mmio.is_write = 1;
		uint64_t v = 0xffff1234;
		std::memcpy(r.mmio.data, &v, 8);
	});
	k.script[0].push_back([](kvm_run &r) {
		r.exit_reason = KVM_EXIT_MMIO;
		r.mmio.phys_addr = 0x9000018;
		r.mmio.len = 4;
		r.mmio.is_write = 0;
	});
	k.script[0].push_back([](kvm_run &r) {
		r.exit_reason = KVM_EXIT_SYSTEM_EVENT;
		r.system_event.type = KVM_SYSTEM_EVENT_RESET;
		r.system_event.ndata = 1;
		r.system_event.data[0] = KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2;
	});
	k.script[0].push_back([](kvm_run &r) {
		r.exit_reason = KVM_EXIT_SYSTEM_EVENT;
		r.system_event.type = KVM_SYSTEM_EVENT_SHUTDOWN;
		r.system_event.ndata = 0;
	});
	auto w = std::get<exits::Mmio>(vcpus[0].run().value());
	EXPECT_EQ(0x9000000u, w.address);
	EXPECT_TRUE(w.write);
	EXPECT_EQ(0x1234u, w.data) << "only len bytes";
	auto rd = std::get<exits::Mmio>(vcpus[0].run().value());
	EXPECT_FALSE(rd.write);
	EXPECT_EQ(4u, rd.length);
	vcpus[0].complete_read(0xcafe);
	auto reset = std::get<exits::SystemEvent>(vcpus[0].run().value());
	EXPECT_EQ(0xcafeu, k.mmio_data_seen[0][2]) << "the read's value went in with RUN";
	EXPECT_EQ(uint32_t(AVCPU_SYSTEM_EVENT_RESET2), reset.type);
	auto off = std::get<exits::SystemEvent>(vcpus[0].run().value());
	EXPECT_EQ(uint32_t(AVCPU_SYSTEM_EVENT_OFF), off.type);
}

TEST_F(KvmFixture, UnsupportedExitsAreNamedNotFatal)
{
	make(1, false);
	k.script[0].push_back([](kvm_run &r) {
		r.exit_reason = KVM_EXIT_FAIL_ENTRY;
		r.fail_entry.hardware_entry_failure_reason = 0x2a;
	});
	k.script[0].push_back([](kvm_run &r) { r.exit_reason = 4321; });
	k.script[0].push_back([](kvm_run &r) {
		r.exit_reason = KVM_EXIT_SYSTEM_EVENT;
		r.system_event.type = KVM_SYSTEM_EVENT_CRASH;
	});
	auto fail = vcpus[0].run().value();
	EXPECT_EQ("unsupported kvm exit 9 (KVM_EXIT_FAIL_ENTRY), detail 0x2a", describe_exit(fail));
	auto odd = std::get<exits::Unknown>(vcpus[0].run().value());
	EXPECT_EQ(4321u, odd.reason);
	EXPECT_STREQ("kvm", odd.hypervisor);
	auto crash = vcpus[0].run().value();
	EXPECT_EQ("unsupported kvm exit 24 (KVM_EXIT_SYSTEM_EVENT), detail 0x3",
		  describe_exit(crash));

	// What only avcpu has is refused with EOPNOTSUPP, not pretended.
	EXPECT_EQ(EOPNOTSUPP, vm->set_config(AVCPU_VM_PSCI_USER).error().error);
	EXPECT_TRUE(vm->set_config(0).ok());
	EXPECT_EQ(EOPNOTSUPP, vm->set_smc_policy({}).error().error);
	EXPECT_EQ(EOPNOTSUPP, vm->stats().error().error);
	EXPECT_EQ(EOPNOTSUPP, vm->vgic_irq(33).error().error);
}

TEST_F(KvmFixture, RunnerDrivesKvmLikeAvcpu)
{
	make(2);
	struct Sink final : MmioDevice {
		const char *name() const override { return "sink"; }
		uint64_t read(uint64_t, unsigned) override { return 0; }
		void write(uint64_t, unsigned, uint64_t value) override { last = value; }
		uint64_t last = 0;
	} sink;
	MmioBus bus;
	ASSERT_TRUE(bus.add(0x9000000, 0x1000, sink).ok());
	k.regs[1][kvm_mpidr_el1] = 1;
	k.script[0].push_back([](kvm_run &r) {
		r.exit_reason = KVM_EXIT_MMIO;
		r.mmio.phys_addr = 0x9000000;
		r.mmio.len = 1;
		r.mmio.is_write = 1;
		r.mmio.data[0] = 'k';
	});
	k.script[0].push_back([](kvm_run &r) {
		r.exit_reason = KVM_EXIT_SYSTEM_EVENT;
		r.system_event.type = KVM_SYSTEM_EVENT_SHUTDOWN;
	});
	// vCPU 1 has no script: powered off in KVM_RUN until the runner kicks it.
	Runner runner(vcpus, bus);
	Outcome out = runner.run();
	EXPECT_EQ(StopReason::system_off, out.reason);
	EXPECT_EQ(uint64_t('k'), sink.last);

	FakeKvm k2;
	auto dev2 = Device::open(Device::kvm_path, k2);
	auto vm2 = dev2.value().create_vm();
	std::vector<Vcpu> one;
	one.push_back(std::move(vm2.value().create_vcpu(0).value()));
	k2.script[0].push_back([](kvm_run &r) { r.exit_reason = KVM_EXIT_INTERNAL_ERROR; });
	Runner faulty(one, bus);
	Outcome bad = faulty.run();
	EXPECT_EQ(StopReason::guest_fault, bad.reason);
	EXPECT_NE(std::string::npos, bad.message.find("KVM_EXIT_INTERNAL_ERROR")) << bad.message;
}

// The same eventfd calls as on avcpu, in KVM's terms: SPI INTIDs become GSIs (INTID - 32),
// a binding is removed by its match (ioeventfd) or by its fd and GSI (irqfd).
TEST_F(KvmFixture, EventfdsByKvmIoeventfdAndIrqfd)
{
	make(1);
	ASSERT_TRUE(vm->bind_ioeventfd({0x0a000050, 4, 7}, 11).ok());
	ASSERT_TRUE(vm->unbind_ioeventfd({0x0a000050, 4, 7}).ok());
	ASSERT_TRUE(vm->bind_irqfd(40, 12).ok());
	ASSERT_TRUE(vm->bind_irqfd(41, 13, 14).ok());
	ASSERT_TRUE(vm->unbind_irqfd(41, 13).ok());
	auto ppi = vm->bind_irqfd(27, 15);
	ASSERT_FALSE(ppi.ok());
	EXPECT_EQ(EINVAL, ppi.error().error);

	ASSERT_EQ(2u, k.ioeventfds.size());
	EXPECT_EQ(0x0a000050u, k.ioeventfds[0].addr);
	EXPECT_EQ(4u, k.ioeventfds[0].len);
	EXPECT_EQ(11, k.ioeventfds[0].fd);
	EXPECT_EQ(uint32_t(KVM_IOEVENTFD_FLAG_DATAMATCH), k.ioeventfds[0].flags);
	EXPECT_EQ(7u, k.ioeventfds[0].datamatch);
	EXPECT_EQ(uint32_t(KVM_IOEVENTFD_FLAG_DATAMATCH | KVM_IOEVENTFD_FLAG_DEASSIGN),
		  k.ioeventfds[1].flags);
	ASSERT_EQ(3u, k.irqfds.size()); // the PPI never reached KVM
	EXPECT_EQ(12u, k.irqfds[0].fd);
	EXPECT_EQ(8u, k.irqfds[0].gsi);
	EXPECT_EQ(0u, k.irqfds[0].flags);
	EXPECT_EQ(9u, k.irqfds[1].gsi);
	EXPECT_EQ(uint32_t(KVM_IRQFD_FLAG_RESAMPLE), k.irqfds[1].flags);
	EXPECT_EQ(14u, k.irqfds[1].resamplefd);
	EXPECT_EQ(13u, k.irqfds[2].fd);
	EXPECT_EQ(uint32_t(KVM_IRQFD_FLAG_DEASSIGN), k.irqfds[2].flags);

	// KVM takes an irqfd only with its vGIC initialised (EAGAIN before): the first
	// binding initialises it, once, and the first run does not again.
	auto irqfd = std::find(k.calls.begin(), k.calls.end(), KVM_IRQFD);
	ASSERT_NE(k.calls.end(), irqfd);
	EXPECT_EQ(KVM_SET_DEVICE_ATTR, *(irqfd - 1));
	ASSERT_EQ(4u, k.attrs.size());
	EXPECT_EQ(uint64_t(KVM_DEV_ARM_VGIC_CTRL_INIT), k.attrs[3].attr);
	vcpus[0].request_exit(true);
	ASSERT_TRUE(vcpus[0].run().ok());
	EXPECT_EQ(4u, k.attrs.size());
}

TEST(KvmVcpu, FailedInitClosesEverything)
{
	FakeKvm k;
	{
		auto dev = Device::open(Device::kvm_path, k);
		auto vm = dev.value().create_vm();
		k.fail[KVM_ARM_VCPU_INIT] = EINVAL;
		auto v = vm.value().create_vcpu(0);
		ASSERT_FALSE(v.ok());
		EXPECT_EQ("KVM_ARM_VCPU_INIT", v.error().operation);
		EXPECT_EQ(0u, k.mapped_runs());
	}
	EXPECT_EQ(0u, k.open_fds());
}

} // namespace
