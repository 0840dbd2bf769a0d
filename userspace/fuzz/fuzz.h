// SPDX-License-Identifier: GPL-2.0
// avcpu-fuzz: hostile input for /dev/avcpu from userspace. Two campaigns: random ioctl
// sequences with malformed arguments (ioctl_fuzz.cpp), and guests running random and
// adversarial instruction streams (guest_fuzz.cpp). A finding is an errno outside the
// documented set, a RUN that does not come back, or the kernel's own splat (read by
// the test machine's log judge).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>

namespace fuzz
{

class Rng
{
public:
	explicit Rng(uint64_t seed) : gen_(seed) {}
	uint64_t u64() { return gen_(); }
	uint64_t below(uint64_t n) { return n ? gen_() % n : 0; }
	bool chance(unsigned percent) { return below(100) < percent; }
	// A value that tends to hit edges: 0, ~0, powers of two and their neighbours.
	uint64_t edgy()
	{
		switch (below(6)) {
		case 0:
			return 0;
		case 1:
			return ~0ULL;
		case 2:
			return 1ULL << below(64);
		case 3:
			return (1ULL << below(64)) - 1;
		case 4:
			return below(0x10000);
		default:
			return u64();
		}
	}

private:
	std::mt19937_64 gen_;
};

struct Report {
	uint64_t operations = 0;
	uint64_t failures = 0;
	std::map<std::string, uint64_t> counts; // by what happened ("RUN exit 1", "EINVAL", ...)

	void count(const std::string &what) { counts[what]++; }
	void fail(const std::string &what)
	{
		failures++;
		std::fprintf(stderr, "avcpu-fuzz: FINDING: %s\n", what.c_str());
	}
	void print(const char *campaign, double seconds) const;
};

using Deadline = std::chrono::steady_clock::time_point;

// Each runs until `operations` (or, with 0, until the deadline) and returns its report.
Report fuzz_ioctls(uint64_t seed, uint64_t operations, Deadline deadline);
Report fuzz_guests(uint64_t seed, uint64_t programs, Deadline deadline);

// Where a guest campaign VM's vGIC sits, and its redistributor frames (one per vCPU id).
struct GicLayout {
	uint64_t dist;
	uint64_t redist;
	uint64_t frames;
};
// The longest gadget gic_gadget() writes, in instructions.
constexpr size_t max_gadget = 8;
// Writes into w[0..room) an instruction sequence that reaches the vGIC or the timers
// (guest_gic.cpp); returns its length, 0 when room is short.
size_t gic_gadget(Rng &rng, uint32_t *w, size_t room, const GicLayout &gic);
// The longest prologue gic_prologue() writes, in instructions.
constexpr size_t max_gic_prologue = 80;
// Writes into w what makes interrupts reach vCPU vcpu: both groups, its SGIs and PPIs and
// 64 SPIs enabled in Group 1, ICC_PMR_EL1 open, ICC_IGRPEN1_EL1 on, the virtual (and
// sometimes the physical) timer due soon, PSTATE.I clear. Returns its length.
size_t gic_prologue(Rng &rng, uint32_t *w, const GicLayout &gic, unsigned vcpu);

// RUN with a kick after `ms` milliseconds (SIGALRM): returns the ioctl's
// result and errno, and how long it took.
struct RunResult {
	int ret;
	int error;
	double ms;
};
RunResult run_with_kick(int vcpu_fd, unsigned ms);
void install_kick_handler();

} // namespace fuzz
