// SPDX-License-Identifier: GPL-2.0
// avcpu-bench: the cost of one guest exit, by kind, on avcpu or KVM.
//
// Every guest workload is a loop of N identical events followed by a "done" MMIO store.
// Events the hypervisor answers itself are timed as one RUN; those that come back to
// userspace as N RUNs from the host loop. The figure is the host's CLOCK_MONOTONIC per
// event, the median (and the best) of R repetitions. Under QEMU with -icount shift=0 a
// nanosecond is one emulated instruction, so the figure is the path length of an exit,
// repeatable run to run. Two floors frame the rest: RUN with immediate_exit (the ioctl,
// no guest entry) and an MDSCR_EL1 read (the cheapest trap avcpu answers at EL2).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "backend.h"
#include "linux_boot.h"
#include "report.h"
#include "vm_workloads.h"
#include "workload_list.h"

extern "C" {
extern const char bench_guest_start[], bench_guest_end[];
extern const char bench_hvc_psci[], bench_mmio_write[], bench_sysreg_id[], bench_sysreg_mdscr[],
	bench_gicd_read[], bench_timer_tick[], bench_spi[];
}

namespace
{

using bench::now_ns;
using bench::print_line;

enum class Kind {
	ioctl,	   // no guest: RUN with immediate_exit, N times
	in_kernel, // one RUN: the hypervisor answers every event itself
	to_user,   // N RUNs: every event is an MMIO write to userspace
	spi,	   // N RUNs, an SPI edge raised before each: the guest answers by MMIO
	timer,	   // one RUN; "done" carries the guest's own EOI timing
};

struct Workload {
	const char *name;
	const char *entry;
	Kind kind;
	const char *what;
};

const Workload workloads[] = {
	{"ioctl_floor", nullptr, Kind::ioctl, "RUN with immediate_exit: the ioctl, no guest entry"},
	{"sysreg_mdscr", bench_sysreg_mdscr, Kind::in_kernel,
	 "MRS MDSCR_EL1 trapped (TDA): the EL2 floor on avcpu"},
	{"hvc_psci", bench_hvc_psci, Kind::in_kernel,
	 "HVC PSCI_VERSION, answered in the hypervisor"},
	{"sysreg_id", bench_sysreg_id, Kind::in_kernel,
	 "MRS ID_AA64PFR0_EL1 trapped (TID3), emulated"},
	{"mmio_write", bench_mmio_write, Kind::to_user, "MMIO store, to userspace and back"},
	{"gicd_read", bench_gicd_read, Kind::in_kernel, "GICD_TYPER read, in-kernel MMIO"},
	{"timer_tick", bench_timer_tick, Kind::timer,
	 "virtual-timer interrupt delivered and ended"},
	{"spi_user", bench_spi, Kind::spi, "SPI edge from userspace to the guest's EOI and back"},
};

struct Sample {
	double ns = 0;	   // host time per event
	double exits = -1; // guest exits per event, where the backend counts them
	double eoi_ns = 0; // timer: the guest's own time per EOI
};

class Run
{
public:
	Run(bench::Backend &b, const Workload &w, uint64_t n) : b_(b), w_(w), n_(n) {}

	// One repetition, or false with err set.
	bool once(Sample &s, std::string &err)
	{
		if (w_.kind == Kind::ioctl)
			return ioctls(s, err);
		uint64_t pc = bench::guest_ram_gpa + uint64_t(w_.entry - bench_guest_start);
		if (auto st = b_.enter(0, pc, n_, bench::guest_mmio_gpa); !st)
			return fail(err, st.error().message());
		// The SPI workload's guest says "ready" once its GIC is set up.
		if (w_.kind == Kind::spi && !expect(0, err))
			return false;
		auto exits0 = b_.guest_exits();
		double start = now_ns();
		uint64_t user_events = w_.kind == Kind::to_user || w_.kind == Kind::spi ? n_ : 0;
		for (uint64_t i = 0; i < user_events; i++) {
			if (w_.kind == Kind::spi)
				if (auto st = b_.pulse_spi(bench::spi_intid); !st)
					return fail(err, st.error().message());
			if (!expect(0, err))
				return false;
		}
		uint64_t done = 0;
		if (!expect(8, err, &done))
			return false;
		s.ns = (now_ns() - start) / double(n_);
		auto exits1 = b_.guest_exits();
		if (exits0 && exits1)
			s.exits = double(*exits1 - *exits0) / double(n_);
		if (w_.kind == Kind::timer)
			s.eoi_ns = bench::ticks_to_ns(double(int64_t(done)) / double(n_));
		return true;
	}

private:
	bool ioctls(Sample &s, std::string &err)
	{
		double start = now_ns();
		for (uint64_t i = 0; i < n_; i++)
			if (auto st = b_.run_immediate_exit(); !st)
				return fail(err, st.error().message());
		s.ns = (now_ns() - start) / double(n_);
		s.exits = 0;
		return true;
	}

	// RUN to the next MMIO write, which must be at the MMIO base + offset.
	bool expect(uint64_t offset, std::string &err, uint64_t *data = nullptr)
	{
		auto w = b_.run_to_mmio_write(0);
		if (!w)
			return fail(err, w.error().message());
		uint64_t want = bench::guest_mmio_gpa + offset;
		if (w.value().addr != want) {
			char msg[96];
			std::snprintf(msg, sizeof(msg), "MMIO write at %#llx, expected %#llx",
				      static_cast<unsigned long long>(w.value().addr),
				      static_cast<unsigned long long>(want));
			return fail(err, msg);
		}
		if (data)
			*data = w.value().data;
		return true;
	}

	static bool fail(std::string &err, const std::string &why)
	{
		err = why;
		return false;
	}

	bench::Backend &b_;
	const Workload &w_;
	uint64_t n_;
};

// R repetitions of one workload, its line (and the timer's "eoi" line); false on error.
bool measure(bench::Backend &b, const Workload &w, unsigned long n, unsigned long r)
{
	std::vector<double> ns, exits, eoi;
	Run run(b, w, n);
	for (unsigned long i = 0; i < r; i++) {
		Sample s;
		std::string err;
		if (!run.once(s, err)) {
			std::fprintf(stderr, "avcpu-bench: %s: %s\n", w.name, err.c_str());
			return false;
		}
		ns.push_back(s.ns);
		exits.push_back(s.exits);
		eoi.push_back(s.eoi_ns);
	}
	print_line(b.name(), w.name, n, r, ns, exits);
	if (w.kind == Kind::timer)
		print_line(b.name(), "eoi", n, r, eoi, {});
	return true;
}

// The manual, also the man page avcpu-bench(1): avcpu-bench.txt.
const char help_text[] =
#include "avcpu-bench.txt.h"
	;

// Run only when named: each boots the Linux guest under avcpu-run (Documentation/
// performance.rst), minutes under emulation.
const struct {
	const char *name;
	unsigned cpus;
	const char *what;
} linux_boots[] = {
	{"linux_boot_1", 1, "the Linux guest on 1 vCPU, avcpu-run to its shell prompt: s"},
	{"linux_boot_4", 4, "the same on 4 vCPUs: s (both only when named)"},
};

void usage(FILE *f)
{
	std::fprintf(f, "usage: avcpu-bench --backend avcpu|kvm [--iterations N] [--repeat R] "
			"[--workload NAME[,NAME...]] [--kernel IMAGE] [--initrd FILE]\n"
			"workloads:\n");
	for (const auto &w : workloads)
		std::fprintf(f, "  %-14s %s\n", w.name, w.what);
	for (const auto &w : bench::vm_workloads())
		std::fprintf(f, "  %-14s %s\n", w.name, w.what);
	for (const auto &w : linux_boots)
		std::fprintf(f, "  %-14s %s\n", w.name, w.what);
}

bool selected(const std::string &only, const char *name)
{
	return only.empty() || bench::listed(only, name);
}

// The workloads on the one shared single-vCPU VM, then those on VMs of their own.
bool run_all(bench::Factory make, const char *backend, const std::string &only, unsigned long n,
	     unsigned long r, const bench::LinuxGuest &linux_guest)
{
	std::unique_ptr<bench::Backend> shared;
	for (const auto &w : workloads) {
		if (!selected(only, w.name))
			continue;
		if (!shared) {
			size_t image = size_t(bench_guest_end - bench_guest_start);
			auto made = make(bench_guest_start, image, bench::Shape{});
			if (!made) {
				std::fprintf(stderr, "avcpu-bench: %s\n",
					     made.error().message().c_str());
				return false;
			}
			shared = std::move(made).value();
		}
		if (!measure(*shared, w, n, r))
			return false;
	}
	shared.reset();
	for (const auto &w : bench::vm_workloads())
		if (selected(only, w.name) && !w.measure(make, backend, n, r))
			return false;
	for (const auto &w : linux_boots)
		if (bench::listed(only, w.name) &&
		    !bench::linux_boot(linux_guest, backend, w.cpus, r))
			return false;
	return true;
}

} // namespace

int main(int argc, char **argv)
{
	std::string backend, only;
	unsigned long iterations = 20000, repeat = 5;
	bench::LinuxGuest linux_guest;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : nullptr;
		if (a == "-h" || a == "--help") {
			std::fputs(help_text, stdout);
			return 0;
		}
		if (!v) {
			usage(stderr);
			return 2;
		}
		i++;
		if (a == "--backend") {
			backend = v;
		} else if (a == "--iterations") {
			iterations = std::strtoul(v, nullptr, 0);
		} else if (a == "--repeat") {
			repeat = std::strtoul(v, nullptr, 0);
		} else if (a == "--workload") {
			only = v;
		} else if (a == "--kernel") {
			linux_guest.image = v;
		} else if (a == "--initrd") {
			linux_guest.initrd = v;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if ((backend != "avcpu" && backend != "kvm") || !iterations || !repeat) {
		usage(stderr);
		return 2;
	}
	std::vector<std::string_view> names;
	for (const auto &w : workloads)
		names.push_back(w.name);
	for (const auto &w : bench::vm_workloads())
		names.push_back(w.name);
	for (const auto &w : linux_boots)
		names.push_back(w.name);
	if (auto unknown = bench::unknown_entry(only, names)) {
		std::fprintf(stderr, "avcpu-bench: no workload named '%s'\n", unknown->c_str());
		return 2;
	}

	bench::Factory make =
		backend == "avcpu" ? bench::make_avcpu_backend : bench::make_kvm_backend;
	return run_all(make, backend.c_str(), only, iterations, repeat, linux_guest) ? 0 : 1;
}
