// SPDX-License-Identifier: GPL-2.0
// What a boot tells the runner to do besides MMIO (userspace PSCI queries), and what it
// tells the user: --trace lines and the --summary.
#include <cinttypes>
#include <cstdio>

#include "avcpu/virtio_net.h"
#include "boot.h"
#include "virtio_device.h"

namespace vmm
{

namespace
{

constexpr uint32_t smc64 = 0x40000000;
constexpr uint64_t psci_not_supported = ~0ULL, psci_invalid_params = uint64_t(-2);

bool psci_function_supported(uint32_t fn)
{
	switch (fn & ~smc64) {
	case 0x84000000: // PSCI_VERSION
	case 0x84000002: // CPU_OFF
	case 0x84000003: // CPU_ON
	case 0x84000004: // AFFINITY_INFO
	case 0x84000006: // MIGRATE_INFO_TYPE
	case 0x84000008: // SYSTEM_OFF
	case 0x84000009: // SYSTEM_RESET
	case 0x8400000a: // PSCI_FEATURES
		return true;
	default:
		return false;
	}
}

// With PSCI in userspace the ordinary queries come here (CPU_ON/OFF come as exits).
bool user_psci_call(avcpu::Vcpu &vcpu, const avcpu::exits::Hypercall &h,
		    std::vector<avcpu::Vcpu> &vcpus)
{
	switch (uint32_t(h.args[0]) & ~smc64) {
	case 0x84000000: // PSCI_VERSION
		vcpu.set_results(0x10001);
		return true;
	case 0x84000006: // MIGRATE_INFO_TYPE: no Trusted OS
		vcpu.set_results(2);
		return true;
	case 0x8400000a: // PSCI_FEATURES
		vcpu.set_results(psci_function_supported(uint32_t(h.args[1])) ? 0
									      : psci_not_supported);
		return true;
	case 0x84000004: // AFFINITY_INFO, level 0
		for (auto &v : vcpus) {
			if (avcpu::default_mpidr(v.id()) != (h.args[1] & 0xff00ffffffULL))
				continue;
			auto ps = v.power_state();
			vcpu.set_results(ps && ps.value().state == AVCPU_POWER_ON ? 0 : 1);
			return true;
		}
		vcpu.set_results(psci_invalid_params);
		return true;
	default:
		return false;
	}
}

} // namespace

avcpu::RunnerHooks Boot::hooks()
{
	avcpu::RunnerHooks hooks;
	if (o_.user_psci)
		hooks.hypercall = [this](avcpu::Vcpu &v, const avcpu::exits::Hypercall &h) {
			return user_psci_call(v, h, vcpus_);
		};
	if (o_.trace == Options::Trace::all)
		hooks.trace = [](const avcpu::Vcpu &v, const avcpu::Exit &e) {
			std::fprintf(stderr, "avcpu-run: [vcpu %u] %s\n", v.id(),
				     avcpu::describe_exit(e).c_str());
		};
	if (o_.trace != Options::Trace::off)
		hooks.not_emulated = [](const avcpu::Vcpu &v, const std::string &what) {
			std::fprintf(stderr, "avcpu-run: [vcpu %u] not emulated: %s\n", v.id(),
				     what.c_str());
		};
	return hooks;
}

// Each virtio device's interrupts by irqfd and by ioctl (its doorbells by eventfd are the
// VM's MMIO writes to eventfds, below), and a network device's frames.
void Boot::print_virtio_summary() const
{
	auto u = [](uint64_t n) { return static_cast<unsigned long long>(n); };
	for (const auto *d : virtio_) {
		auto c = d->counts();
		std::fprintf(stderr,
			     "  %s@%" PRIx64
			     " (device %u): %llu interrupts by irqfd, %llu by ioctl",
			     d->name(), d->base(), d->backend().device_id(), u(c.irqfd_signals),
			     u(c.line_raises));
		if (const auto *n = dynamic_cast<const avcpu::VirtioNet *>(&d->backend())) {
			auto s = n->stats();
			std::fprintf(stderr,
				     "; %llu frames received (%llu dropped), %llu sent (%llu "
				     "dropped)",
				     u(s.rx_frames), u(s.rx_dropped), u(s.tx_frames),
				     u(s.tx_dropped));
		}
		std::fputc('\n', stderr);
	}
}

void Boot::print_summary(double wall_ms)
{
	auto u = [](__u64 n) { return static_cast<unsigned long long>(n); };
	std::fprintf(stderr, "avcpu-run: summary after %.1f ms\n", wall_ms);
	print_virtio_summary();
	if (device_->hypervisor() != avcpu::Hypervisor::avcpu) {
		// The counters below are avcpu's (AVCPU_GET_*_STATS).
		std::fprintf(stderr, "  no exit counts on %s\n",
			     avcpu::hypervisor_name(device_->hypervisor()));
		return;
	}
	for (auto &v : vcpus_) {
		auto st = v.stats();
		if (!st)
			continue;
		const auto &s = st.value();
		std::fprintf(
			stderr,
			"  vCPU %u: %.1f ms in the guest, %llu guest exits (%llu host interrupts, "
			"%llu WFI sleeps, %llu WFI polls, %llu PSCI calls, %llu handled at EL2); "
			"to userspace:",
			v.id(), double(s.guest_ns) / 1e6, u(s.el2_exits), u(s.host_irqs),
			u(s.wfi_sleeps), u(s.wfi_polls), u(s.psci_calls), u(s.sysreg_emulated));
		for (unsigned r = 1; r < AVCPU_EXIT_MAX; r++)
			if (s.exits[r])
				std::fprintf(stderr, " %s %llu", avcpu::exit_reason_name(r),
					     u(s.exits[r]));
		std::fputc('\n', stderr);
	}
	if (auto vs = vm_->stats()) {
		const auto &s = vs.value();
		unsigned long long to_user = 0;
		for (auto n : s.total.exits)
			to_user += n;
		std::fprintf(stderr,
			     "  VM: vCPUs %llu, memory %llu MiB in %llu slots, %llu guest exits, "
			     "%llu to userspace, %llu MMIO writes to eventfds\n",
			     u(s.vcpus), u(s.memory_bytes >> 20), u(s.memory_slots),
			     u(s.total.el2_exits), to_user, u(s.total.ioeventfd_writes));
		if (machine_->config().gic)
			std::fprintf(stderr,
				     "  vGIC: %llu interrupts injected, %llu SGIs, %llu timer "
				     "interrupts, %llu GIC register accesses, %llu list-register "
				     "overflows, %llu maintenance interrupts\n",
				     u(s.total.vgic_injected), u(s.total.vgic_sgis),
				     u(s.total.timer_irqs), u(s.total.vgic_mmio),
				     u(s.total.vgic_lr_overflows), u(s.total.vgic_maintenance));
	}
}

} // namespace vmm
