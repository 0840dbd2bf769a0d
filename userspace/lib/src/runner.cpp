// SPDX-License-Identifier: GPL-2.0
#include "avcpu/runner.h"

#include <pthread.h>
#include <signal.h>

#include <cinttypes>
#include <cstdio>

namespace avcpu
{

namespace
{

constexpr int kick_signal = SIGUSR1;
constexpr uint64_t smccc_not_supported = ~0ULL;
constexpr int64_t psci_success = 0, psci_invalid_params = -2, psci_already_on = -4;

void ignore_signal(int) {}

// The kick only has to interrupt RUN: an empty handler without SA_RESTART.
void install_kick_handler()
{
	static std::once_flag once;
	std::call_once(once, [] {
		struct sigaction sa {
		};
		sa.sa_handler = ignore_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(kick_signal, &sa, nullptr);
	});
}

std::string format(const char *fmt, auto... args)
{
	char buf[256];
	std::snprintf(buf, sizeof(buf), fmt, args...);
	return buf;
}

} // namespace

uint64_t default_mpidr(unsigned id)
{
	return (id & 0xf) | (uint64_t((id >> 4) & 0xff) << 8) | (uint64_t((id >> 12) & 0xff) << 16);
}

Runner::Runner(std::vector<Vcpu> &vcpus, MmioBus &bus, RunnerHooks hooks)
    : vcpus_(vcpus), bus_(bus), hooks_(std::move(hooks))
{
	install_kick_handler();
	for (auto &v : vcpus_) {
		auto reg = v.reg(AVCPU_REG_MPIDR_EL1);
		mpidrs_.push_back(reg ? reg.value() : default_mpidr(v.id()));
	}
}

Runner::~Runner()
{
	stop(StopReason::requested, 0, "runner destroyed");
	for (auto &t : threads_)
		if (t.joinable())
			t.join();
}

Outcome Runner::run()
{
	for (size_t i = 0; i < vcpus_.size(); i++)
		threads_.emplace_back([this, i] { vcpu_loop(i); });
	for (auto &t : threads_)
		t.join();
	threads_.clear();
	std::lock_guard guard(lock_);
	return outcome_;
}

void Runner::stop(StopReason reason, int exit_code, std::string message)
{
	{
		std::lock_guard guard(lock_);
		if (stopping_.load())
			return;
		outcome_ = {reason, exit_code, std::move(message)};
		stopping_.store(true);
	}
	kick_all();
}

// immediate_exit covers a vCPU about to enter RUN; the signal one inside it (in the guest
// or asleep in WFI or power-off).
void Runner::kick_all()
{
	for (auto &v : vcpus_)
		v.request_exit(true);
	std::lock_guard guard(lock_);
	for (auto &t : threads_)
		if (t.joinable())
			pthread_kill(t.native_handle(), kick_signal);
}

Vcpu *Runner::vcpu_by_mpidr(uint64_t mpidr)
{
	for (size_t i = 0; i < vcpus_.size(); i++)
		if ((mpidrs_[i] & 0xff00ffffffULL) == (mpidr & 0xff00ffffffULL))
			return &vcpus_[i];
	return nullptr;
}

void Runner::vcpu_loop(size_t index)
{
	Vcpu &vcpu = vcpus_[index];

	while (!stopping_.load()) {
		auto exit = vcpu.run();
		if (!exit) {
			stop(StopReason::error, 70,
			     format("vCPU %u: %s", vcpu.id(), exit.error().message().c_str()));
			break;
		}
		if (hooks_.trace)
			hooks_.trace(vcpu, exit.value());
		if (!handle(vcpu, exit.value()))
			break;
	}
	// Re-kick: a stop() may have raced with this thread's last RUN.
	if (stopping_.load())
		vcpu.request_exit(true);
}

void Runner::report_not_emulated(const Vcpu &vcpu, const std::string &what)
{
	if (hooks_.not_emulated)
		hooks_.not_emulated(vcpu, what);
}

// false: this vCPU's thread ends.
bool Runner::handle_mmio(Vcpu &vcpu, const exits::Mmio &mmio)
{
	MmioAccess access;
	access.address = mmio.address;
	access.length = mmio.length;
	access.write = mmio.write;
	access.value = mmio.data;
	if (!bus_.dispatch(access)) {
		stop(StopReason::unclaimed_mmio, 70,
		     format("vCPU %u: MMIO %s of %u bytes at %#" PRIx64 ": no device there",
			    vcpu.id(), mmio.write ? "write" : "read", mmio.length, mmio.address));
		return false;
	}
	if (access.not_emulated)
		report_not_emulated(
			vcpu, format("%s %s of %u bytes at offset %#" PRIx64 " (%#" PRIx64 ")%s",
				     access.device->name(), mmio.write ? "write" : "read",
				     mmio.length, access.offset, mmio.address,
				     mmio.write ? ": ignored" : ": reads 0"));
	if (!mmio.write)
		vcpu.complete_read(access.value);
	return true;
}

bool Runner::handle_cpu_on(Vcpu &vcpu, const exits::CpuOn &on)
{
	Vcpu *target = vcpu_by_mpidr(on.target_mpidr);
	if (!target) {
		vcpu.set_psci_result(psci_invalid_params);
	} else if (auto ps = target->power_state(); ps && ps.value().state == AVCPU_POWER_ON) {
		vcpu.set_psci_result(psci_already_on);
	} else {
		auto st = target->set_power(AVCPU_POWER_ON, true, on.entry, on.context);
		vcpu.set_psci_result(st ? psci_success : psci_invalid_params);
	}
	return true;
}

// false: this vCPU's thread ends.
bool Runner::handle(Vcpu &vcpu, const Exit &exit)
{
	unsigned id = vcpu.id();

	if (auto *m = std::get_if<exits::Mmio>(&exit))
		return handle_mmio(vcpu, *m);
	if (auto *h = std::get_if<exits::Hypercall>(&exit)) {
		if (!hooks_.hypercall || !hooks_.hypercall(vcpu, *h)) {
			vcpu.set_results(smccc_not_supported, h->args[1], h->args[2], h->args[3]);
			report_not_emulated(vcpu, describe_exit(exit) + ": answered NOT_SUPPORTED");
		}
		return true;
	}
	if (auto *s = std::get_if<exits::Sysreg>(&exit)) {
		if (!hooks_.sysreg || !hooks_.sysreg(vcpu, *s)) {
			vcpu.refuse_sysreg();
			report_not_emulated(vcpu, describe_exit(exit) + ": UNDEFINED in the guest");
		}
		return true;
	}
	if (std::holds_alternative<exits::Interrupted>(exit)) {
		if (!stopping_.load())
			vcpu.request_exit(false);
		return !stopping_.load();
	}
	if (auto *e = std::get_if<exits::SystemEvent>(&exit)) {
		if (e->type == AVCPU_SYSTEM_EVENT_OFF)
			stop(StopReason::system_off, 0, "the guest powered off");
		else
			stop(StopReason::system_reset, 0, "the guest asked for a reset");
		return false;
	}
	if (auto *on = std::get_if<exits::CpuOn>(&exit))
		return handle_cpu_on(vcpu, *on);
	if (std::holds_alternative<exits::CpuOff>(exit)) {
		if (auto st = vcpu.set_power(AVCPU_POWER_OFF); !st) {
			stop(StopReason::error, 70,
			     format("vCPU %u: %s", id, st.error().message().c_str()));
			return false;
		}
		return true;
	}
	if (std::holds_alternative<exits::Wfi>(exit)) {
		std::this_thread::yield();
		return true;
	}
	stop(StopReason::guest_fault, 70, format("vCPU %u: %s", id, describe_exit(exit).c_str()));
	return false;
}

} // namespace avcpu
