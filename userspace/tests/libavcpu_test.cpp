// SPDX-License-Identifier: GPL-2.0
// libavcpu against a fake /dev/avcpu: exit decoding, the MMIO bus, the runner, errors.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>

#include "avcpu/device.h"
#include "avcpu/mmio_bus.h"
#include "avcpu/runner.h"
#include "fake_kernel.h"

using namespace avcpu;

namespace
{

avcpu_run blank_run()
{
	avcpu_run r;
	std::memset(&r, 0, sizeof(r));
	return r;
}

TEST(DecodeExit, MmioWriteTruncatesToLength)
{
	auto r = blank_run();
	r.exit_reason = AVCPU_EXIT_MMIO;
	r.mmio.phys_addr = 0x9000000;
	r.mmio.len = 2;
	r.mmio.is_write = 1;
	uint64_t data = 0x1122334455667788ULL;
	std::memcpy(r.mmio.data, &data, 8);
	auto e = decode_exit(r);
	auto *m = std::get_if<exits::Mmio>(&e);
	ASSERT_NE(nullptr, m);
	EXPECT_EQ(0x9000000u, m->address);
	EXPECT_EQ(2u, m->length);
	EXPECT_TRUE(m->write);
	EXPECT_EQ(0x7788u, m->data);
	EXPECT_STREQ("mmio", exit_name(e));
	EXPECT_EQ("mmio write 0x9000000 len 2 data 0x7788", describe_exit(e));
}

TEST(DecodeExit, EveryReason)
{
	auto r = blank_run();
	r.exit_reason = AVCPU_EXIT_HYPERCALL;
	r.hypercall.imm = 0x42;
	r.hypercall.args[0] = 7;
	r.hypercall.flags = AVCPU_HYPERCALL_SMC;
	auto h = std::get<exits::Hypercall>(decode_exit(r));
	EXPECT_EQ(0x42, h.immediate);
	EXPECT_EQ(7u, h.args[0]);
	EXPECT_TRUE(h.smc);

	r = blank_run();
	r.exit_reason = AVCPU_EXIT_SYSREG;
	r.sysreg.op0 = 3;
	r.sysreg.crn = 1;
	r.sysreg.op2 = 1;
	r.sysreg.is_write = 1;
	r.sysreg.value = 5;
	auto s = std::get<exits::Sysreg>(decode_exit(r));
	EXPECT_TRUE(s.write);
	EXPECT_EQ(5u, s.value);
	EXPECT_EQ("msr S3_0_C1_C0_1 x0 (written)", describe_exit(decode_exit(r)));

	struct {
		uint32_t reason;
		size_t index;
	} cases[] = {
		{AVCPU_EXIT_MMIO_NO_SYNDROME, 1},
		{AVCPU_EXIT_EXCEPTION, 3},
		{AVCPU_EXIT_INTR, 4},
		{AVCPU_EXIT_SYSTEM_EVENT, 6},
		{AVCPU_EXIT_CPU_ON, 7},
		{AVCPU_EXIT_CPU_OFF, 8},
		{AVCPU_EXIT_WFI, 9},
		{99, 10},
	};
	for (auto c : cases) {
		r = blank_run();
		r.exit_reason = c.reason;
		EXPECT_EQ(c.index, decode_exit(r).index()) << "reason " << c.reason;
	}
	EXPECT_EQ(99u, std::get<exits::Unknown>(decode_exit(r)).reason);
}

class Recorder final : public MmioDevice
{
public:
	const char *name() const override { return "recorder"; }
	uint64_t read(uint64_t offset, unsigned length) override { return offset * 100 + length; }
	void write(uint64_t offset, unsigned length, uint64_t value) override
	{
		last = {offset, length, value};
	}
	struct {
		uint64_t offset;
		unsigned length;
		uint64_t value;
	} last{};
};

TEST(MmioBus, DispatchesByRangeAndRejectsOverlaps)
{
	MmioBus bus;
	Recorder a, b;
	ASSERT_TRUE(bus.add(0x1000, 0x100, a).ok());
	ASSERT_TRUE(bus.add(0x2000, 0x100, b).ok());
	auto overlap = bus.add(0x10f0, 0x20, b);
	ASSERT_FALSE(overlap.ok());
	EXPECT_EQ(EEXIST, overlap.error().error);
	EXPECT_EQ(EINVAL, bus.add(0x3000, 0, b).error().error);
	EXPECT_EQ(EINVAL, bus.add(~0ULL - 4, 0x10, b).error().error);

	uint64_t v = 0;
	EXPECT_TRUE(bus.read(0x1010, 4, v));
	EXPECT_EQ(0x10u * 100 + 4, v);
	EXPECT_TRUE(bus.write(0x2008, 8, 0xabc));
	EXPECT_EQ(8u, b.last.offset);
	EXPECT_EQ(0xabcu, b.last.value);
	EXPECT_FALSE(bus.read(0x1500, 4, v)) << "between devices";
	EXPECT_FALSE(bus.write(0x10fe, 4, 0)) << "straddles the end of a device";
}

TEST(Device, ErrorsCarryErrnoAndOperation)
{
	FakeKernel k;
	k.fail_open = EACCES;
	auto dev = Device::open("/dev/avcpu", k);
	ASSERT_FALSE(dev.ok());
	EXPECT_EQ(EACCES, dev.error().error);
	EXPECT_EQ("open /dev/avcpu: Permission denied", dev.error().message());

	k.fail_open = 0;
	auto ok = Device::open("/dev/avcpu", k);
	ASSERT_TRUE(ok.ok());
	EXPECT_EQ(AVCPU_API_VERSION, ok.value().api_version().value());
	auto vm = ok.value().create_vm();
	ASSERT_TRUE(vm.ok());
	k.fail_create_vcpu = EEXIST;
	auto vcpu = vm.value().create_vcpu(0);
	ASSERT_FALSE(vcpu.ok());
	EXPECT_EQ(EEXIST, vcpu.error().error);
	EXPECT_EQ("AVCPU_CREATE_VCPU", vcpu.error().operation);
}

TEST(Vm, CpuIrqLineEncodesTypeVcpuAndInput)
{
	FakeKernel k;
	auto dev = Device::open("/dev/avcpu", k);
	auto vm = dev.value().create_vm();
	ASSERT_TRUE(vm.value().set_cpu_irq_line(3, AVCPU_IRQ_CPU_FIQ, true).ok());
	ASSERT_TRUE(vm.value().set_cpu_irq_line(0, AVCPU_IRQ_CPU_IRQ, false).ok());
	ASSERT_EQ(2u, k.irq_levels.size());
	EXPECT_EQ(0x00030001u, k.irq_levels[0].irq);
	EXPECT_EQ(1u, k.irq_levels[0].level);
	EXPECT_EQ(0x00000000u, k.irq_levels[1].irq);
	EXPECT_EQ(0u, k.irq_levels[1].level);
	// A vCPU id that does not fit the field is refused before the kernel sees it.
	auto bad = vm.value().set_cpu_irq_line(256, AVCPU_IRQ_CPU_IRQ, true);
	EXPECT_EQ(EINVAL, bad.error().error);
	EXPECT_EQ(2u, k.irq_levels.size());
	EXPECT_EQ(2u, vm.value().stats().value().total.irq_changes);
	// The vGIC's line types: KVM_IRQ_LINE's encoding, the INTID as the number.
	ASSERT_TRUE(vm.value().set_spi_line(33, true).ok());
	ASSERT_TRUE(vm.value().set_ppi_line(2, 23, true).ok());
	ASSERT_EQ(4u, k.irq_levels.size());
	EXPECT_EQ(0x01000021u, k.irq_levels[2].irq);
	EXPECT_EQ(0x02020017u, k.irq_levels[3].irq);
	// Without a vGIC behind it the fake refuses the query as the kernel does not know it.
	EXPECT_FALSE(vm.value().vgic_irq(33).ok());
}

TEST(Device, FdsAreClosed)
{
	FakeKernel k;
	{
		auto dev = Device::open("/dev/avcpu", k);
		auto vm = dev.value().create_vm();
		auto v0 = vm.value().create_vcpu(0);
		ASSERT_TRUE(v0.ok());
		EXPECT_EQ(3u, k.open_fds());
	}
	EXPECT_EQ(0u, k.open_fds());
}

struct RunnerFixture : testing::Test {
	FakeKernel k; // first: destroyed last, after everything that closes fds through it
	std::optional<Result<Device>> dev;
	std::vector<Vcpu> vcpus;
	MmioBus bus;
	Recorder uart;

	void make(unsigned n)
	{
		dev.emplace(Device::open("/dev/avcpu", k));
		vm.emplace(dev->value().create_vm());
		for (unsigned i = 0; i < n; i++)
			vcpus.push_back(std::move(vm->value().create_vcpu(i).value()));
		ASSERT_TRUE(bus.add(0x9000000, 0x1000, uart).ok());
	}
	std::optional<Result<Vm>> vm;
};

void mmio_write(avcpu_run &r, uint64_t addr, uint64_t value)
{
	r.exit_reason = AVCPU_EXIT_MMIO;
	r.mmio.phys_addr = addr;
	r.mmio.len = 4;
	r.mmio.is_write = 1;
	std::memcpy(r.mmio.data, &value, 8);
}

TEST_F(RunnerFixture, SystemOffStopsEveryVcpu)
{
	make(3);
	k.script[0].push_back([](avcpu_run &r) { mmio_write(r, 0x9000000, 'A'); });
	k.script[0].push_back([](avcpu_run &r) {
		r.exit_reason = AVCPU_EXIT_HYPERCALL;
		r.hypercall.args[0] = 0x1234;
	});
	k.script[0].push_back([](avcpu_run &r) {
		r.exit_reason = AVCPU_EXIT_SYSTEM_EVENT;
		r.system_event.type = AVCPU_SYSTEM_EVENT_OFF;
	});
	// vCPUs 1 and 2 have no script: they sit in RUN until the runner kicks them.
	Runner runner(vcpus, bus);
	auto start = std::chrono::steady_clock::now();
	Outcome out = runner.run();
	EXPECT_EQ(StopReason::system_off, out.reason);
	EXPECT_EQ(0, out.exit_code);
	EXPECT_EQ('A', uart.last.value);
	EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
	// The unhandled hypercall got NOT_SUPPORTED before the next RUN.
	ASSERT_LE(3u, k.results_seen[0].size());
	EXPECT_EQ(~0ULL, k.results_seen[0][2]);
}

TEST_F(RunnerFixture, UnclaimedMmioStopsWithAMessage)
{
	make(2);
	k.script[1].push_back([](avcpu_run &r) { mmio_write(r, 0x12340000, 1); });
	Runner runner(vcpus, bus);
	Outcome out = runner.run();
	EXPECT_EQ(StopReason::unclaimed_mmio, out.reason);
	EXPECT_EQ(70, out.exit_code);
	EXPECT_EQ("vCPU 1: MMIO write of 4 bytes at 0x12340000: no device there", out.message);
}

TEST_F(RunnerFixture, UserspaceCpuOnStartsTheTarget)
{
	make(2);
	ASSERT_TRUE(vcpus[1].set_power(AVCPU_POWER_OFF).ok());
	k.script[0].push_back([](avcpu_run &r) {
		r.exit_reason = AVCPU_EXIT_CPU_ON;
		r.psci.target_mpidr = 1;
		r.psci.entry = 0x40080000;
	});
	k.script[0].push_back([](avcpu_run &r) {
		r.exit_reason = AVCPU_EXIT_EXCEPTION;
		r.exception.esr = 0x86000010;
	});
	Runner runner(vcpus, bus);
	Outcome out = runner.run();
	EXPECT_EQ(StopReason::guest_fault, out.reason);
	EXPECT_NE(std::string::npos, out.message.find("exception esr 0x86000010"));
	EXPECT_EQ(AVCPU_POWER_ON, vcpus[1].power_state().value().state);
	EXPECT_EQ(0u, vcpus[0].run_struct()->psci.ret) << "CPU_ON answered SUCCESS";
}

TEST_F(RunnerFixture, StopFromADeviceEndsTheRun)
{
	make(1);
	Runner *runner_ptr = nullptr;
	struct Stopper final : MmioDevice {
		Runner **r;
		const char *name() const override { return "stopper"; }
		uint64_t read(uint64_t, unsigned) override { return 0; }
		void write(uint64_t, unsigned, uint64_t v) override
		{
			(*r)->stop(StopReason::requested, int(v), "");
		}
	} stopper;
	stopper.r = &runner_ptr;
	ASSERT_TRUE(bus.add(0x9010000, 0x1000, stopper).ok());
	k.script[0].push_back([](avcpu_run &r) { mmio_write(r, 0x9010000, 7); });
	Runner runner(vcpus, bus);
	runner_ptr = &runner;
	Outcome out = runner.run();
	EXPECT_EQ(StopReason::requested, out.reason);
	EXPECT_EQ(7, out.exit_code);
}

// What the guest did that nothing emulates reaches the not_emulated hook, with the
// device, direction, size, offset and address or the call; what is emulated does not.
TEST_F(RunnerFixture, NotEmulatedIsReported)
{
	struct Partial final : MmioDevice {
		const char *name() const override { return "partial"; }
		uint64_t read(uint64_t offset, unsigned) override
		{
			if (offset != 0)
				mark_not_emulated();
			return 5;
		}
		void write(uint64_t, unsigned, uint64_t) override {}
	} partial;
	make(1);
	ASSERT_TRUE(bus.add(0x9020000, 0x1000, partial).ok());
	auto mmio_read = [](uint64_t addr) {
		return [addr](avcpu_run &r) {
			r.exit_reason = AVCPU_EXIT_MMIO;
			r.mmio.phys_addr = addr;
			r.mmio.len = 4;
		};
	};
	k.script[0].push_back(mmio_read(0x9020000));
	k.script[0].push_back(mmio_read(0x9020090));
	k.script[0].push_back([](avcpu_run &r) {
		r.exit_reason = AVCPU_EXIT_HYPERCALL;
		r.hypercall.imm = 3;
		r.hypercall.args[0] = 0xc2000000;
	});
	k.script[0].push_back([](avcpu_run &r) {
		r.exit_reason = AVCPU_EXIT_SYSREG;
		r.sysreg.op0 = 3;
		r.sysreg.crn = 15;
	});
	k.script[0].push_back([](avcpu_run &r) {
		r.exit_reason = AVCPU_EXIT_SYSTEM_EVENT;
		r.system_event.type = AVCPU_SYSTEM_EVENT_OFF;
	});
	std::vector<std::string> reported;
	RunnerHooks hooks;
	hooks.not_emulated = [&](const Vcpu &v, const std::string &what) {
		reported.push_back(std::to_string(v.id()) + ": " + what);
	};
	Runner runner(vcpus, bus, hooks);
	EXPECT_EQ(StopReason::system_off, runner.run().reason);
	ASSERT_EQ(3u, reported.size());
	EXPECT_EQ("0: partial read of 4 bytes at offset 0x90 (0x9020090): reads 0", reported[0]);
	EXPECT_EQ(0u, reported[1].find("0: hvc #0x3 x0 0xc2000000")) << reported[1];
	EXPECT_NE(std::string::npos, reported[1].find(": answered NOT_SUPPORTED")) << reported[1];
	EXPECT_EQ("0: mrs S3_0_C15_C0_0 x0: UNDEFINED in the guest", reported[2]);
}

} // namespace
