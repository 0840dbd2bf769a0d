// SPDX-License-Identifier: GPL-2.0
// avcpu-bench's clocks and its one output line per workload, shared by every workload.
#pragma once

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace bench
{

inline double now_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

// The generic timer's frequency, as the guest's virtual counter runs (Arm ARM D11.1.2).
inline double counter_hz()
{
	uint64_t f = 0;
	asm volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return double(f);
}

// Guest counter ticks as nanoseconds.
inline double ticks_to_ns(double ticks)
{
	return ticks * 1e9 / counter_hz();
}

inline double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v[v.size() / 2];
}

// What a line's figure is: nanoseconds per event (the default, "_ns"), seconds ("_s"), or
// a bandwidth in MB/s ("_mbps", where the best repetition is the highest).
enum class Unit { ns, s, mbps };

// One workload's line: the median and the best of the repetitions' values, and with
// exits= the guest exits per event when every repetition counted them.
inline void print_line(const char *backend, const char *workload, unsigned long n, unsigned long r,
		       const std::vector<double> &values, const std::vector<double> &exits,
		       Unit unit = Unit::ns)
{
	const char *suffix = unit == Unit::ns ? "ns" : unit == Unit::s ? "s" : "mbps";
	double best = unit != Unit::mbps ? *std::min_element(values.begin(), values.end())
					 : *std::max_element(values.begin(), values.end());
	std::printf("bench: backend=%s workload=%s iterations=%lu repeat=%lu median_%s=%.1f "
		    "%s_%s=%.1f",
		    backend, workload, n, r, suffix, median(values),
		    unit != Unit::mbps ? "min" : "max", suffix, best);
	if (!exits.empty() && *std::min_element(exits.begin(), exits.end()) >= 0)
		std::printf(" exits=%.2f", median(exits));
	std::printf("\n");
	std::fflush(stdout);
}

} // namespace bench
