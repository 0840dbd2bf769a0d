// SPDX-License-Identifier: GPL-2.0
// The workloads on VMs of their own (vm_workloads.h). Guest-timed figures (the WFI timer's
// lateness, the copies) come from the guest's virtual counter: under -icount shift=0 one
// nanosecond of it is one emulated instruction, like the host's clock.
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "report.h"
#include "vm_workloads.h"

extern "C" {
extern const char bench_guest_start[], bench_guest_end[];
extern const char bench_sgi_ping[], bench_sgi_pong[], bench_wfi_timer[], bench_spi[], bench_copy[],
	bench_first_exit[];
}

namespace bench
{
namespace
{

constexpr uint64_t done_offset = 8; // the guest's "done" store, after its "ready" at 0
constexpr size_t copy_bytes = BENCH_COPY_BYTES;
constexpr unsigned long copies_per_run = 2;
// How long the host leaves a kicked guest to fall asleep in WFI before each kick.
constexpr long kick_gap_ns = 1000000;
// How often the kicking thread looks whether the vCPU's thread has seen its kick.
constexpr long kick_poll_ns = 50000;
// A kick the guest has not seen after this long: the guest is lost, the run failed.
constexpr double kick_timeout_ns = 10e9;

// Pins the calling thread to one CPU for as long as it lives, then restores its mask: the
// two threads of a two-thread workload then run on two CPUs, as on an idle machine, not
// wherever the scheduler's wake-up placement puts them (one behind the other on the same
// CPU). Where the CPU does not exist (a one-CPU machine) it leaves the mask alone.
class Pinned
{
public:
	explicit Pinned(int cpu)
	{
		saved_ok_ = !pthread_getaffinity_np(pthread_self(), sizeof(saved_), &saved_);
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		pinned_ = saved_ok_ && !pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
	}
	Pinned(const Pinned &) = delete;
	Pinned &operator=(const Pinned &) = delete;
	~Pinned()
	{
		if (pinned_)
			pthread_setaffinity_np(pthread_self(), sizeof(saved_), &saved_);
	}

private:
	cpu_set_t saved_{};
	bool saved_ok_ = false, pinned_ = false;
};

// The CPUs the two threads of sgi_round_trip and wfi_kick take.
constexpr int main_cpu = 0, vcpu_thread_cpu = 1;

size_t image_size()
{
	return size_t(bench_guest_end - bench_guest_start);
}

uint64_t gpa_of(const char *entry)
{
	return guest_ram_gpa + uint64_t(entry - bench_guest_start);
}

bool failed(const char *workload, const std::string &why)
{
	std::fprintf(stderr, "avcpu-bench: %s: %s\n", workload, why.c_str());
	return false;
}

std::unique_ptr<Backend> make_vm(Factory make, const char *workload, const Shape &shape)
{
	auto made = make(bench_guest_start, image_size(), shape);
	if (!made) {
		failed(workload, made.error().message());
		return nullptr;
	}
	return std::move(made).value();
}

// RUN vCPU vcpu to its next MMIO write, which must be at the MMIO base + offset.
avcpu::Result<uint64_t> expect(Backend &b, unsigned vcpu, uint64_t offset)
{
	auto w = b.run_to_mmio_write(vcpu);
	if (!w)
		return w.error();
	if (w.value().addr != guest_mmio_gpa + offset) {
		char msg[96];
		std::snprintf(msg, sizeof(msg), "vCPU %u: MMIO write at %#llx, expected %#llx",
			      vcpu, static_cast<unsigned long long>(w.value().addr),
			      static_cast<unsigned long long>(guest_mmio_gpa + offset));
		return avcpu::Error{msg, EPROTO};
	}
	return w.value().data;
}

avcpu::Status enter_and_expect(Backend &b, unsigned vcpu, const char *entry, uint64_t n,
			       uint64_t offset)
{
	if (auto st = b.enter(vcpu, gpa_of(entry), n, guest_mmio_gpa); !st)
		return st;
	auto r = expect(b, vcpu, offset);
	if (!r)
		return r.error();
	return {};
}

double exits_per(const std::optional<uint64_t> &before, const std::optional<uint64_t> &after,
		 unsigned long n)
{
	return before && after ? double(*after - *before) / double(n) : -1;
}

// vCPU 1 on a thread of its own: set up ("ready", then ready is fulfilled), then answers
// PINGs until STOP ("done").
void run_pong(Backend &b, std::promise<avcpu::Status> &ready, avcpu::Status &done)
{
	Pinned pin(vcpu_thread_cpu);
	auto st = enter_and_expect(b, 1, bench_sgi_pong, 0, 0);
	bool ok = bool(st);
	ready.set_value(std::move(st));
	if (!ok)
		return;
	auto r = expect(b, 1, done_offset);
	done = r ? avcpu::Status{} : avcpu::Status{r.error()};
}

bool sgi_round_trip(Factory make, const char *backend, unsigned long n, unsigned long r)
{
	const char *name = "sgi_round_trip";
	auto b = make_vm(make, name, Shape{.vcpus = 2});
	if (!b)
		return false;
	Pinned pin(main_cpu);
	std::vector<double> ns, exits;
	for (unsigned long i = 0; i < r; i++) {
		std::promise<avcpu::Status> ready;
		auto is_ready = ready.get_future();
		avcpu::Status pong_done;
		std::thread pong(run_pong, std::ref(*b), std::ref(ready), std::ref(pong_done));
		if (auto st = is_ready.get(); !st) {
			pong.join();
			return failed(name, st.error().message());
		}
		auto exits0 = b->guest_exits();
		double start = now_ns();
		auto st = enter_and_expect(*b, 0, bench_sgi_ping, n, done_offset);
		double end = now_ns();
		if (!st) {
			// vCPU 1 never gets its STOP: its thread blocks in RUN for good.
			pong.detach();
			return failed(name, st.error().message());
		}
		pong.join();
		if (!pong_done)
			return failed(name, pong_done.error().message());
		ns.push_back((end - start) / double(n));
		exits.push_back(exits_per(exits0, b->guest_exits(), n));
	}
	print_line(backend, name, n, r, ns, exits);
	return true;
}

// The guest's sum of counter ticks, stored with "done", per event as nanoseconds.
bool guest_timed(Factory make, const char *backend, const char *name, const char *entry,
		 unsigned long n, unsigned long r)
{
	auto b = make_vm(make, name, Shape{});
	if (!b)
		return false;
	std::vector<double> ns, exits;
	for (unsigned long i = 0; i < r; i++) {
		auto exits0 = b->guest_exits();
		if (auto st = b->enter(0, gpa_of(entry), n, guest_mmio_gpa); !st)
			return failed(name, st.error().message());
		auto ticks = expect(*b, 0, done_offset);
		if (!ticks)
			return failed(name, ticks.error().message());
		ns.push_back(ticks_to_ns(double(ticks.value()) / double(n)));
		exits.push_back(exits_per(exits0, b->guest_exits(), n));
	}
	print_line(backend, name, n, r, ns, exits);
	return true;
}

bool wfi_timer(Factory make, const char *backend, unsigned long n, unsigned long r)
{
	return guest_timed(make, backend, "wfi_timer", bench_wfi_timer, n, r);
}

// The kicks, from the host's main thread: each after a gap that lets the guest fall asleep
// in WFI, the time it is raised in raised, then a wait (asleep: no spinning, which under
// -icount would cost the very instructions measured) for the vCPU thread to see it.
avcpu::Status kick(Backend &b, unsigned long n, std::atomic<double> &raised,
		   const std::atomic<unsigned long> &seen)
{
	const timespec gap{0, kick_gap_ns}, poll{0, kick_poll_ns};
	for (unsigned long i = 0; i < n; i++) {
		nanosleep(&gap, nullptr);
		double start = now_ns();
		raised.store(start, std::memory_order_release);
		if (auto st = b.pulse_spi(spi_intid); !st)
			return st;
		while (seen.load(std::memory_order_acquire) <= i) {
			if (now_ns() - start > kick_timeout_ns)
				return avcpu::Error{"the guest did not wake", ETIMEDOUT};
			nanosleep(&poll, nullptr);
		}
	}
	return {};
}

// The vCPU's thread: RUN until each kick's MMIO store, adding the time since the raise.
void kicked_vcpu(Backend &b, unsigned long n, const std::atomic<double> &raised,
		 std::atomic<unsigned long> &seen, double &total, avcpu::Status &done)
{
	Pinned pin(vcpu_thread_cpu);
	for (unsigned long i = 0; i < n; i++) {
		auto w = expect(b, 0, 0);
		if (!w) {
			done = w.error();
			seen.store(n, std::memory_order_release);
			return;
		}
		total += now_ns() - raised.load(std::memory_order_acquire);
		seen.store(i + 1, std::memory_order_release);
	}
	auto d = expect(b, 0, done_offset);
	done = d ? avcpu::Status{} : avcpu::Status{d.error()};
}

// spi_user's guest, but the SPI raised by another thread while its vCPU sleeps in WFI.
bool wfi_kick(Factory make, const char *backend, unsigned long n, unsigned long r)
{
	const char *name = "wfi_kick";
	auto b = make_vm(make, name, Shape{});
	if (!b)
		return false;
	Pinned pin(main_cpu);
	std::vector<double> ns, exits;
	for (unsigned long i = 0; i < r; i++) {
		if (auto st = enter_and_expect(*b, 0, bench_spi, n, 0); !st)
			return failed(name, st.error().message());
		auto exits0 = b->guest_exits();
		std::atomic<double> raised{0};
		std::atomic<unsigned long> seen{0};
		double total = 0;
		avcpu::Status done;
		std::thread vcpu(kicked_vcpu, std::ref(*b), n, std::cref(raised), std::ref(seen),
				 std::ref(total), std::ref(done));
		if (auto st = kick(*b, n, raised, seen); !st) {
			vcpu.detach(); // asleep in RUN for good: main() exits
			return failed(name, st.error().message());
		}
		vcpu.join();
		if (!done)
			return failed(name, done.error().message());
		ns.push_back(total / double(n));
		exits.push_back(exits_per(exits0, b->guest_exits(), n));
	}
	print_line(backend, name, n, r, ns, exits);
	return true;
}

// A VM of BENCH_COPY_RAM created, its vCPU entered and RUN to its first exit: per VM.
bool create_to_first_exit(Factory make, const char *backend, unsigned long, unsigned long r)
{
	const char *name = "create_256m";
	std::vector<double> ns;
	for (unsigned long i = 0; i < r; i++) {
		double start = now_ns();
		auto b = make_vm(make, name, Shape{.ram_size = BENCH_COPY_RAM});
		if (!b)
			return false;
		if (auto st = enter_and_expect(*b, 0, bench_first_exit, 0, done_offset); !st)
			return failed(name, st.error().message());
		ns.push_back(now_ns() - start);
	}
	print_line(backend, name, 1, r, ns, {});
	return true;
}

// The kernel's count of anonymous memory in huge pages, in KiB (-1 where unknown).
long anon_huge_kib()
{
	std::ifstream f("/proc/self/smaps_rollup");
	std::string key;
	long kib = -1;
	while (f >> key) {
		if (key == "AnonHugePages:") {
			f >> kib;
			return kib;
		}
		f.ignore(1 << 10, '\n');
	}
	return kib;
}

double mbps(double bytes, double ns)
{
	return bytes / ns * 1e3; // bytes per ns is GB/s
}

bool guest_copy(Factory make, const char *backend, const char *name, Backing backing,
		unsigned long r)
{
	auto b = make_vm(make, name, Shape{.ram_size = BENCH_COPY_RAM, .backing = backing});
	if (!b)
		return false;
	std::vector<double> rate;
	for (unsigned long i = 0; i < r; i++) {
		if (auto st = b->enter(0, gpa_of(bench_copy), copies_per_run, guest_mmio_gpa); !st)
			return failed(name, st.error().message());
		auto ticks = expect(*b, 0, done_offset);
		if (!ticks)
			return failed(name, ticks.error().message());
		rate.push_back(mbps(double(copy_bytes * copies_per_run),
				    ticks_to_ns(double(ticks.value()))));
	}
	print_line(backend, name, copies_per_run, r, rate, {}, Unit::mbps);
	std::printf("bench: %s: anonymous memory in huge pages %ld KiB\n", name, anon_huge_kib());
	return true;
}

bool copy_4k(Factory make, const char *backend, unsigned long, unsigned long r)
{
	return guest_copy(make, backend, "copy_4k", Backing::small, r);
}

bool copy_2m(Factory make, const char *backend, unsigned long, unsigned long r)
{
	return guest_copy(make, backend, "copy_2m", Backing::huge, r);
}

// The same copy by the host, in the same process, for reference.
bool copy_host(Factory, const char *backend, unsigned long, unsigned long r)
{
	std::vector<char> src(copy_bytes, 1), dst(copy_bytes, 0);
	std::memcpy(dst.data(), src.data(), copy_bytes);
	std::vector<double> rate;
	for (unsigned long i = 0; i < r; i++) {
		double start = now_ns();
		for (unsigned long c = 0; c < copies_per_run; c++) {
			std::memcpy(dst.data(), src.data(), copy_bytes);
			asm volatile("" : : "r"(dst.data()) : "memory");
		}
		rate.push_back(mbps(double(copy_bytes * copies_per_run), now_ns() - start));
	}
	print_line(backend, "copy_host", copies_per_run, r, rate, {}, Unit::mbps);
	return true;
}

const VmWorkload table[] = {
	{"sgi_round_trip", "SGI from vCPU 0 to vCPU 1 and back, each on its own thread",
	 sgi_round_trip},
	{"wfi_timer", "WFI woken by the virtual timer: deadline to handler, guest-timed",
	 wfi_timer},
	{"wfi_kick", "WFI woken by an SPI another host thread raises: raise to the guest's store",
	 wfi_kick},
	{"create_256m", "VM, 256 MiB of memory and a vCPU created, RUN to the first exit",
	 create_to_first_exit},
	{"copy_4k", "64 MiB copied in the guest, memory in 4 KiB pages: MB/s", copy_4k},
	{"copy_2m", "64 MiB copied in the guest, memory in 2 MiB huge pages: MB/s", copy_2m},
	{"copy_host", "the same 64 MiB copy on the host, for reference: MB/s", copy_host},
};

} // namespace

std::span<const VmWorkload> vm_workloads()
{
	return table;
}

} // namespace bench
