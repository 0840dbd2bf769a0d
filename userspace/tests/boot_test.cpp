// SPDX-License-Identifier: GPL-2.0
// A whole boot against the fake /dev/avcpu: what --kernel hands the vCPUs and the vGIC,
// the device tree in guest memory, a guest without a GIC, and --reboot; and the same
// boot against the fake /dev/kvm.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <future>
#include <string>
#include <vector>

extern "C" {
#include <libfdt.h>
}

#include "boot.h"
#include "fake_kernel.h"
#include "fake_kvm.h"
#include "temp_file.h"

namespace
{

using namespace std::chrono_literals;
constexpr uint64_t ram_base = 0x40000000, mib = 1 << 20;

std::vector<uint8_t> tiny_image()
{
	std::vector<uint8_t> v(8192, 0x5a);
	std::memset(v.data(), 0, 64);
	v[0x10 + 2] = 0x40; // image_size 0x400000: 4 MiB
	v[0x18] = 0xa;
	std::memcpy(v.data() + 0x38, "ARM\x64", 4);
	return v;
}

struct BootTest : testing::Test {
	FakeKernel k;
	TempFile image{tiny_image()};
	TempFile initrd{std::vector<uint8_t>(5000, 0x17)};
	vmm::Options o;

	void SetUp() override
	{
		o.kernel = image.path();
		o.initrd = initrd.path();
		o.cpus = 2;
		o.memory_mib = 64;
		o.bootargs = "console=ttyAMA0 earlycon";
	}
};

TEST_F(BootTest, KernelGetsTheBootProtocolsRegistersAndAGic)
{
	vmm::Boot boot(o, k);
	ASSERT_TRUE(boot.prepare()) << boot.failure().message;
	ASSERT_EQ(1u, k.vgics.size());
	EXPECT_EQ(2u, k.vgics[0].nr_redists);
	const avcpu_regs &r = k.regs[0];
	EXPECT_EQ(0x40200000u, r.pc);
	EXPECT_EQ(ram_base + 62 * mib, r.x[0]) << "x0: the device tree";
	EXPECT_EQ(0u, r.x[1]);
	EXPECT_EQ(0u, r.x[2]);
	EXPECT_EQ(0u, r.x[3]);
	EXPECT_EQ(0x3c5u, r.pstate) << "EL1h, DAIF masked";
	EXPECT_EQ(AVCPU_POWER_OFF, k.power(1));
	EXPECT_EQ(0x5a, boot.ram()[2 * mib + 100]) << "the Image at RAM + 2 MiB";
	EXPECT_EQ(0x17, boot.ram()[6 * mib]) << "the initrd at the 2 MiB boundary after it";

	const void *fdt = boot.ram() + 62 * mib;
	ASSERT_EQ(0, fdt_check_header(fdt));
	int chosen = fdt_path_offset(fdt, "/chosen");
	auto u64 = [&](const char *prop) {
		auto *p = static_cast<const fdt64_t *>(fdt_getprop(fdt, chosen, prop, nullptr));
		return p ? fdt64_to_cpu(*p) : 0;
	};
	EXPECT_EQ(ram_base + 6 * mib, u64("linux,initrd-start"));
	EXPECT_EQ(ram_base + 6 * mib + 5000, u64("linux,initrd-end"));
	EXPECT_STREQ("console=ttyAMA0 earlycon",
		     static_cast<const char *>(fdt_getprop(fdt, chosen, "bootargs", nullptr)));
	EXPECT_GE(fdt_path_offset(fdt, "/intc@8000000"), 0);
}

TEST_F(BootTest, GicOffLeavesTheVmWithout)
{
	o.gic = vmm::Options::Gic::off;
	vmm::Boot boot(o, k);
	ASSERT_TRUE(boot.prepare()) << boot.failure().message;
	EXPECT_TRUE(k.vgics.empty());
	EXPECT_LT(fdt_path_offset(boot.ram() + 62 * mib, "/intc@8000000"), 0);
}

TEST_F(BootTest, HostWithoutVgicIsUnavailable)
{
	k.fail_create_vgic = ENODEV;
	vmm::Boot boot(o, k);
	EXPECT_FALSE(boot.prepare());
	EXPECT_EQ(vmm::status_unavailable, boot.failure().status);
	EXPECT_NE(std::string::npos, boot.failure().message.find("cannot give the guest a GICv3"))
		<< boot.failure().message;
}

// The same machine on KVM: its GICv3 at the machine's addresses, vCPU 0 entered by the
// boot protocol through ONE_REG, the secondary created powered off.
TEST_F(BootTest, KernelOnKvm)
{
	FakeKvm kvm;
	o.device = "/dev/kvm";
	vmm::Boot boot(o, kvm);
	ASSERT_TRUE(boot.prepare()) << boot.failure().message;
	ASSERT_EQ(3u, kvm.attrs.size()) << "distributor, redistributors, number of interrupts";
	EXPECT_EQ(vmm::Machine::gicd_base, kvm.attrs[0].value);
	EXPECT_EQ(vmm::Machine::gicr_base, kvm.attrs[1].value);
	constexpr uint64_t kvm_x0 = 0x6030000000100000, kvm_pc = 0x6030000000100040;
	EXPECT_EQ(boot.entry(), kvm.regs[0][kvm_pc]);
	EXPECT_EQ(boot.dtb_address(), kvm.regs[0][kvm_x0]);
	EXPECT_EQ(uint32_t(KVM_MP_STATE_STOPPED), kvm.mp_state[1]);
	EXPECT_EQ(uint32_t(KVM_MP_STATE_RUNNABLE), kvm.mp_state[0]);
	EXPECT_EQ(0,
		  fdt_node_check_compatible(boot.ram() + 62 * mib,
					    fdt_path_offset(boot.ram() + 62 * mib, "/intc@8000000"),
					    "arm,gic-v3"));

	o.user_psci = true;
	vmm::Boot user_psci(o, kvm);
	EXPECT_FALSE(user_psci.prepare());
	EXPECT_EQ(vmm::status_unavailable, user_psci.failure().status);
	EXPECT_NE(std::string::npos, user_psci.failure().message.find("--psci=user needs avcpu"))
		<< user_psci.failure().message;
}

TEST_F(BootTest, KernelTooBigForMemory)
{
	o.memory_mib = 6; // 4 MiB of kernel from 2 MiB, and the device tree at 4 MiB
	vmm::Boot boot(o, k);
	EXPECT_FALSE(boot.prepare());
	EXPECT_EQ(vmm::status_bad_guest, boot.failure().status);
	EXPECT_NE(std::string::npos, boot.failure().message.find("use more --mem"))
		<< boot.failure().message;
}

// A reset boots a new VM with --reboot=restart; the second boot's power-off ends the run.
TEST_F(BootTest, RebootRestartBootsAgain)
{
	o.reboot = vmm::Options::Reboot::restart;
	k.script[0].push_back([](avcpu_run &r) {
		r.exit_reason = AVCPU_EXIT_SYSTEM_EVENT;
		r.system_event.type = AVCPU_SYSTEM_EVENT_RESET;
	});
	k.script[0].push_back([](avcpu_run &r) {
		r.exit_reason = AVCPU_EXIT_SYSTEM_EVENT;
		r.system_event.type = AVCPU_SYSTEM_EVENT_OFF;
	});
	auto console = vmm::Console::start(-1, {});
	ASSERT_TRUE(console.ok());
	vmm::StopControl control;
	EXPECT_EQ(vmm::status_ok, vmm::run_boots(o, *console.value(), control, k));
	EXPECT_EQ(2u, k.vgics.size()) << "two VMs";
	EXPECT_TRUE(k.script[0].empty());
}

TEST_F(BootTest, RebootExitEndsWithTheResetStatus)
{
	k.script[0].push_back([](avcpu_run &r) {
		r.exit_reason = AVCPU_EXIT_SYSTEM_EVENT;
		r.system_event.type = AVCPU_SYSTEM_EVENT_RESET;
	});
	auto console = vmm::Console::start(-1, {});
	ASSERT_TRUE(console.ok());
	vmm::StopControl control;
	EXPECT_EQ(vmm::status_reset, vmm::run_boots(o, *console.value(), control, k));
	EXPECT_EQ(1u, k.vgics.size());
}

// A quit or signal that comes before the runner exists still stops the boot, at once.
TEST_F(BootTest, StopRequestedBeforeTheRunStopsIt)
{
	auto console = vmm::Console::start(-1, {});
	ASSERT_TRUE(console.ok());
	vmm::StopControl control;
	control.request_stop(SIGTERM);
	auto status = std::async(std::launch::async,
				 [&] { return vmm::run_boots(o, *console.value(), control, k); });
	if (status.wait_for(5s) != std::future_status::ready) {
		ADD_FAILURE() << "the boot ran on after the stop request";
		control.request_stop(SIGTERM); // a running boot does stop: end the test
	}
	EXPECT_EQ(128 + SIGTERM, status.get());
	EXPECT_EQ(SIGTERM, control.signal());
}

} // namespace
