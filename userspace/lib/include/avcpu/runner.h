// SPDX-License-Identifier: GPL-2.0
// Runs a VM's vCPUs, one host thread each, until the guest powers off or something stops
// it: MMIO to the bus, hypercalls and system registers to hooks, PSCI in userspace, kicks
// and a clean shutdown of every thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "avcpu/device.h"
#include "avcpu/exit.h"
#include "avcpu/mmio_bus.h"

namespace avcpu
{

enum class StopReason {
	running,
	system_off,	// PSCI SYSTEM_OFF
	system_reset,	// PSCI SYSTEM_RESET / RESET2
	requested,	// stop() from a device or the VMM (e.g. a test device's exit code)
	unclaimed_mmio, // an access no device claims
	guest_fault,	// an exception nothing handled, an undecodable MMIO access
	error,		// a system call failed
};

struct Outcome {
	StopReason reason = StopReason::running;
	int exit_code = 0;
	std::string message;
};

struct RunnerHooks {
	// An HVC/SMC: true when handled (results set on the vCPU). Unhandled ones get
	// SMCCC NOT_SUPPORTED (-1) in x0.
	std::function<bool(Vcpu &, const exits::Hypercall &)> hypercall;
	// An MSR/MRS: true when handled. Unhandled ones are UNDEFINED in the guest.
	std::function<bool(Vcpu &, const exits::Sysreg &)> sysreg;
	// Every exit, before it is handled (tracing).
	std::function<void(const Vcpu &, const Exit &)> trace;
	// Something the guest did that nothing here emulates, answered with a default: an
	// MMIO access a device marked as not emulated (reads 0, writes ignored), a hypercall
	// no hook handled (NOT_SUPPORTED), a system register no hook handled (UNDEFINED).
	// what is one line naming the device and register or the call.
	std::function<void(const Vcpu &, const std::string &what)> not_emulated;
};

class Runner
{
public:
	Runner(std::vector<Vcpu> &vcpus, MmioBus &bus, RunnerHooks hooks = {});
	Runner(const Runner &) = delete;
	Runner &operator=(const Runner &) = delete;
	~Runner();

	// Starts a thread per vCPU and waits until the VM stops. Called once.
	Outcome run();

	// Stops the VM (thread-safe, first caller's outcome wins): every vCPU is kicked out
	// of the guest and its thread ends.
	void stop(StopReason reason, int exit_code, std::string message);

	bool stopping() const { return stopping_.load(); }

private:
	void vcpu_loop(size_t index);
	bool handle(Vcpu &vcpu, const Exit &exit);
	bool handle_mmio(Vcpu &vcpu, const exits::Mmio &mmio);
	bool handle_cpu_on(Vcpu &vcpu, const exits::CpuOn &on);
	void report_not_emulated(const Vcpu &vcpu, const std::string &what);
	void kick_all();
	Vcpu *vcpu_by_mpidr(uint64_t mpidr);

	std::vector<Vcpu> &vcpus_;
	// Read before the threads start: a vCPU's registers cannot be read while its thread
	// sits in RUN (powered off, say), which is exactly when CPU_ON needs its MPIDR.
	std::vector<uint64_t> mpidrs_;
	MmioBus &bus_;
	RunnerHooks hooks_;
	std::vector<std::thread> threads_;
	std::atomic<bool> stopping_{false};
	std::mutex lock_;
	Outcome outcome_;
};

// The MPIDR_EL1 affinity a vCPU gets by default (Documentation/api.rst).
uint64_t default_mpidr(unsigned vcpu_id);

} // namespace avcpu
