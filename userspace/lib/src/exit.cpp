// SPDX-License-Identifier: GPL-2.0
#include "avcpu/exit.h"

#include <cinttypes>
#include <iterator>
#include <cstdio>
#include <cstring>

namespace avcpu
{

Exit decode_exit(const avcpu_run &run)
{
	switch (run.exit_reason) {
	case AVCPU_EXIT_MMIO: {
		uint64_t data = 0;
		std::memcpy(&data, run.mmio.data, sizeof(data));
		if (run.mmio.len < 8)
			data &= (1ULL << (run.mmio.len * 8)) - 1;
		return exits::Mmio{run.mmio.phys_addr, run.mmio.len, run.mmio.is_write != 0,
				   run.mmio.is_write ? data : 0};
	}
	case AVCPU_EXIT_MMIO_NO_SYNDROME:
		return exits::MmioNoSyndrome{run.mmio_no_syndrome.esr,
					     run.mmio_no_syndrome.phys_addr,
					     run.mmio_no_syndrome.far};
	case AVCPU_EXIT_HYPERCALL: {
		exits::Hypercall h{uint16_t(run.hypercall.imm),
				   {},
				   (run.hypercall.flags & AVCPU_HYPERCALL_SMC) != 0};
		std::memcpy(h.args.data(), run.hypercall.args, sizeof(run.hypercall.args));
		return h;
	}
	case AVCPU_EXIT_EXCEPTION:
		return exits::Exception{run.exception.esr, run.exception.far, run.exception.hpfar,
					run.exception.pc, run.exception.pstate};
	case AVCPU_EXIT_INTR:
		return exits::Interrupted{};
	case AVCPU_EXIT_SYSREG:
		return exits::Sysreg{run.sysreg.op0,	       run.sysreg.op1,	run.sysreg.crn,
				     run.sysreg.crm,	       run.sysreg.op2,	run.sysreg.rt,
				     run.sysreg.is_write != 0, run.sysreg.value};
	case AVCPU_EXIT_SYSTEM_EVENT:
		return exits::SystemEvent{run.system_event.type, run.system_event.reset_type,
					  run.system_event.cookie};
	case AVCPU_EXIT_CPU_ON:
		return exits::CpuOn{run.psci.target_mpidr, run.psci.entry, run.psci.context};
	case AVCPU_EXIT_CPU_OFF:
		return exits::CpuOff{};
	case AVCPU_EXIT_WFI:
		return exits::Wfi{};
	default:
		return exits::Unknown{run.exit_reason};
	}
}

namespace
{

template <class... Ts> struct Overloaded : Ts... {
	using Ts::operator()...;
};
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

const char *exit_name(const Exit &exit)
{
	return std::visit(
		Overloaded{
			[](const exits::Mmio &) { return "mmio"; },
			[](const exits::MmioNoSyndrome &) { return "mmio-no-syndrome"; },
			[](const exits::Hypercall &h) { return h.smc ? "smc" : "hypercall"; },
			[](const exits::Exception &) { return "exception"; },
			[](const exits::Interrupted &) { return "interrupted"; },
			[](const exits::Sysreg &) { return "sysreg"; },
			[](const exits::SystemEvent &) { return "system-event"; },
			[](const exits::CpuOn &) { return "cpu-on"; },
			[](const exits::CpuOff &) { return "cpu-off"; },
			[](const exits::Wfi &) { return "wfi"; },
			[](const exits::Unknown &) { return "unknown"; },
		},
		exit);
}

const char *exit_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		"none",	       "mmio",	 "mmio-no-syndrome", "hypercall", "exception",
		"interrupted", "sysreg", "system-event",     "cpu-on",	  "cpu-off",
		"wfi",
	};
	static_assert(std::size(names) == AVCPU_EXIT_WFI + 1);
	return reason < std::size(names) ? names[reason] : "unknown";
}

std::string describe_exit(const Exit &exit)
{
	char buf[160];
	std::visit(
		Overloaded{
			[&](const exits::Mmio &m) {
				std::snprintf(
					buf, sizeof(buf), "mmio %s %#" PRIx64 " len %u%s%#" PRIx64,
					m.write ? "write" : "read", m.address, m.length,
					m.write ? " data " : "", m.write ? m.data : uint64_t(0));
				if (!m.write)
					std::snprintf(buf, sizeof(buf),
						      "mmio read %#" PRIx64 " len %u", m.address,
						      m.length);
			},
			[&](const exits::MmioNoSyndrome &m) {
				std::snprintf(buf, sizeof(buf),
					      "mmio without syndrome at %#" PRIx64 " esr %#" PRIx64,
					      m.address, m.esr);
			},
			[&](const exits::Hypercall &h) {
				std::snprintf(buf, sizeof(buf),
					      "%s #%#x x0 %#" PRIx64 " x1 %#" PRIx64
					      " x2 %#" PRIx64,
					      h.smc ? "smc" : "hvc", h.immediate, h.args[0],
					      h.args[1], h.args[2]);
			},
			[&](const exits::Exception &e) {
				std::snprintf(buf, sizeof(buf),
					      "exception esr %#" PRIx64 " pc %#" PRIx64
					      " far %#" PRIx64 " pstate %#" PRIx64,
					      e.esr, e.pc, e.far, e.pstate);
			},
			[&](const exits::Interrupted &) {
				std::snprintf(buf, sizeof(buf), "interrupted");
			},
			[&](const exits::Sysreg &s) {
				std::snprintf(buf, sizeof(buf), "%s S%u_%u_C%u_C%u_%u x%u%s",
					      s.write ? "msr" : "mrs", s.op0, s.op1, s.crn, s.crm,
					      s.op2, s.rt, s.write ? " (written)" : "");
			},
			[&](const exits::SystemEvent &s) {
				std::snprintf(buf, sizeof(buf), "system event %s",
					      s.type == AVCPU_SYSTEM_EVENT_OFF ? "off" : "reset");
			},
			[&](const exits::CpuOn &c) {
				std::snprintf(buf, sizeof(buf),
					      "cpu-on mpidr %#" PRIx64 " entry %#" PRIx64,
					      c.target_mpidr, c.entry);
			},
			[&](const exits::CpuOff &) { std::snprintf(buf, sizeof(buf), "cpu-off"); },
			[&](const exits::Wfi &) { std::snprintf(buf, sizeof(buf), "wfi"); },
			[&](const exits::Unknown &u) {
				if (u.name)
					std::snprintf(
						buf, sizeof(buf),
						"unsupported %s exit %u (%s), detail %#" PRIx64,
						u.hypervisor, u.reason, u.name, u.detail);
				else
					std::snprintf(buf, sizeof(buf), "unknown exit %u",
						      u.reason);
			},
		},
		exit);
	return buf;
}

} // namespace avcpu
