// SPDX-License-Identifier: GPL-2.0
// avcpu-bench: the cost of one guest exit, by kind, on avcpu or KVM.
//
// Every workload is a guest loop of N identical exits followed by a "done" MMIO store.
// Exits the hypervisor answers itself are timed as one RUN; MMIO exits as N RUNs from
// the host loop. The figure is the host's CLOCK_MONOTONIC per exit, the median (and the
// best) of R repetitions. Under QEMU with -icount shift=0 a nanosecond is one emulated
// instruction, so the figure is the path length of an exit, repeatable run to run.
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "backend.h"

extern "C" {
extern const char bench_guest_start[], bench_guest_end[];
extern const char bench_hvc_psci[], bench_mmio_write[], bench_sysreg_id[];
}

namespace
{

struct Workload {
	const char *name;
	const char *entry;
	bool exits_to_user; // every iteration comes back to this loop
	const char *what;
};

const Workload workloads[] = {
	{"hvc_psci", bench_hvc_psci, false, "HVC PSCI_VERSION, answered in the hypervisor"},
	{"sysreg_id", bench_sysreg_id, false, "MRS ID_AA64PFR0_EL1 trapped (TID3), emulated"},
	{"mmio_write", bench_mmio_write, true, "MMIO store, to userspace and back"},
};

double now_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

// One repetition: nanoseconds per exit, or a negative errno.
double run_once(bench::Backend &b, const Workload &w, uint64_t iterations, std::string &err)
{
	uint64_t pc = bench::guest_ram_gpa + uint64_t(w.entry - bench_guest_start);
	if (auto st = b.enter(pc, iterations, bench::guest_mmio_gpa); !st) {
		err = st.error().message();
		return -1;
	}
	double start = now_ns();
	uint64_t user_exits = w.exits_to_user ? iterations : 0;
	for (uint64_t i = 0; i <= user_exits; i++) {
		auto addr = b.run_to_mmio_write();
		if (!addr) {
			err = addr.error().message();
			return -1;
		}
		uint64_t want = bench::guest_mmio_gpa + (i == user_exits ? 8 : 0);
		if (addr.value() != want) {
			char msg[96];
			std::snprintf(msg, sizeof(msg), "MMIO write at %#llx, expected %#llx",
				      static_cast<unsigned long long>(addr.value()),
				      static_cast<unsigned long long>(want));
			err = msg;
			return -1;
		}
	}
	return (now_ns() - start) / double(iterations);
}

// The manual, also the man page avcpu-bench(1): avcpu-bench.txt.
const char help_text[] =
#include "avcpu-bench.txt.h"
	;

void usage(FILE *f)
{
	std::fprintf(f, "usage: avcpu-bench --backend avcpu|kvm [--iterations N] [--repeat R] "
			"[--workload NAME]\n"
			"workloads:\n");
	for (const auto &w : workloads)
		std::fprintf(f, "  %-11s %s\n", w.name, w.what);
}

} // namespace

int main(int argc, char **argv)
{
	std::string backend, only;
	unsigned long iterations = 20000, repeat = 5;
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
		} else {
			usage(stderr);
			return 2;
		}
	}
	if ((backend != "avcpu" && backend != "kvm") || !iterations || !repeat) {
		usage(stderr);
		return 2;
	}

	size_t image = size_t(bench_guest_end - bench_guest_start);
	auto made = backend == "avcpu" ? bench::make_avcpu_backend(bench_guest_start, image)
				       : bench::make_kvm_backend(bench_guest_start, image);
	if (!made) {
		std::fprintf(stderr, "avcpu-bench: %s\n", made.error().message().c_str());
		return 1;
	}
	bench::Backend &b = *made.value();
	int ran = 0;
	for (const auto &w : workloads) {
		if (!only.empty() && only != w.name)
			continue;
		std::vector<double> ns;
		for (unsigned long r = 0; r < repeat; r++) {
			std::string err;
			double v = run_once(b, w, iterations, err);
			if (v < 0) {
				std::fprintf(stderr, "avcpu-bench: %s: %s\n", w.name, err.c_str());
				return 1;
			}
			ns.push_back(v);
		}
		std::sort(ns.begin(), ns.end());
		std::printf("bench: backend=%s workload=%s iterations=%lu repeat=%lu "
			    "median_ns=%.1f min_ns=%.1f\n",
			    b.name(), w.name, iterations, repeat, ns[ns.size() / 2], ns.front());
		std::fflush(stdout);
		ran++;
	}
	if (!ran) {
		std::fprintf(stderr, "avcpu-bench: no workload named '%s'\n", only.c_str());
		return 2;
	}
	return 0;
}
