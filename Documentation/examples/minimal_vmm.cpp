// SPDX-License-Identifier: GPL-2.0
// The same smallest VMM with libavcpu: errors are values, exits are types.
// Built and run by make test (selftests/avcpu_examples_test.c).
#include <cstdio>
#include <cstring>
#include <variant>

#include "avcpu/device.h"
#include "avcpu/memory.h"

int main()
{
	constexpr uint64_t base = 0x40000000;
	const uint32_t code[] = {0xd2800540 /* mov x0, #42 */, 0xd4000002 /* hvc #0 */};

	auto dev = avcpu::Device::open();
	auto vm = dev ? dev.value().create_vm() : avcpu::Result<avcpu::Vm>(dev.error());
	auto mem = avcpu::GuestMemory::anonymous(1 << 20);
	if (!vm || !mem) {
		std::fprintf(stderr, "minimal_vmm: %s\n",
			     (!vm ? vm.error() : mem.error()).message().c_str());
		return 1;
	}
	std::memcpy(mem.value().data(), code, sizeof(code));
	if (auto st = vm.value().map_memory(0, base, mem.value().data(), mem.value().size()); !st) {
		std::fprintf(stderr, "minimal_vmm: %s\n", st.error().message().c_str());
		return 1;
	}
	auto vcpu = vm.value().create_vcpu(0);
	if (!vcpu || !vcpu.value().set_reg(AVCPU_REG_SP_EL1, base + (1 << 20))) {
		std::fprintf(stderr, "minimal_vmm: cannot create the vCPU\n");
		return 1;
	}
	auto regs = vcpu.value().regs();
	regs.value().pc = base;
	if (!vcpu.value().set_regs(regs.value()))
		return 1;

	for (;;) {
		auto exit = vcpu.value().run();
		if (!exit) {
			std::fprintf(stderr, "minimal_vmm: %s\n", exit.error().message().c_str());
			return 1;
		}
		if (auto *h = std::get_if<avcpu::exits::Hypercall>(&exit.value())) {
			std::printf("guest said %llu\n",
				    static_cast<unsigned long long>(h->args[0]));
			return h->args[0] == 42 ? 0 : 1;
		}
		if (!std::holds_alternative<avcpu::exits::Interrupted>(exit.value())) {
			std::fprintf(stderr, "minimal_vmm: unexpected %s\n",
				     avcpu::describe_exit(exit.value()).c_str());
			return 1;
		}
	}
}
