// SPDX-License-Identifier: GPL-2.0
// avcpu-fuzz: see fuzz.h. Exit status 0: no finding; 1: findings; 2: usage.
#include <signal.h>
#include <sys/time.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <linux/avcpu.h>

#include "fuzz.h"

namespace fuzz
{

namespace
{
void on_alarm(int) {}
} // namespace

void install_kick_handler()
{
	struct sigaction sa {
	};
	sa.sa_handler = on_alarm; // no SA_RESTART: RUN must return EINTR
	sigaction(SIGALRM, &sa, nullptr);
	// A blocked SIGALRM (the mask survives exec: test harnesses block it) would leave
	// every RUN of a spinning guest unkicked.
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

RunResult run_with_kick(int vcpu_fd, unsigned ms)
{
	// The kick repeats every ms until RUN returns: a one-shot alarm that fires before
	// the ioctl is entered (this thread descheduled on a loaded machine) would be
	// lost, and a spinning guest would then run forever.
	itimerval t{};
	t.it_value.tv_usec = long(ms) * 1000;
	t.it_interval = t.it_value;
	setitimer(ITIMER_REAL, &t, nullptr);
	auto start = std::chrono::steady_clock::now();
	int ret = ioctl(vcpu_fd, AVCPU_RUN, 0);
	int err = errno;
	auto end = std::chrono::steady_clock::now();
	t = {};
	setitimer(ITIMER_REAL, &t, nullptr);
	return {ret, ret ? err : 0, std::chrono::duration<double, std::milli>(end - start).count()};
}

void Report::print(const char *campaign, double seconds) const
{
	std::printf("fuzz: campaign=%s operations=%llu failures=%llu seconds=%.1f\n", campaign,
		    static_cast<unsigned long long>(operations),
		    static_cast<unsigned long long>(failures), seconds);
	for (const auto &[what, n] : counts)
		std::printf("fuzz:   %-40s %llu\n", what.c_str(),
			    static_cast<unsigned long long>(n));
	std::fflush(stdout);
}

} // namespace fuzz

namespace
{
double seconds_since(std::chrono::steady_clock::time_point t)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void usage(FILE *f)
{
	std::fprintf(f, "usage: avcpu-fuzz [--seed N] [--ioctls N] [--guests N] [--seconds S]\n"
			"  --ioctls N   random ioctl operations (default 20000; 0: none)\n"
			"  --guests N   random guest programs (default 200; 0: none)\n"
			"  --seconds S  a time budget for each campaign instead of counts (a\n"
			"               campaign given a count of 0 still runs none)\n"
			"  --seed N     PRNG seed (default: from the clock; printed)\n");
}
} // namespace

int main(int argc, char **argv)
{
	uint64_t seed = uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
	uint64_t ioctls = 20000, guests = 200;
	double seconds = 0;
	bool no_ioctls = false, no_guests = false;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "-h" || a == "--help") {
			usage(stdout);
			return 0;
		}
		if (i + 1 >= argc) {
			usage(stderr);
			return 2;
		}
		char *end = nullptr;
		const char *v = argv[++i];
		if (a == "--seed")
			seed = std::strtoull(v, &end, 0);
		else if (a == "--ioctls") {
			ioctls = std::strtoull(v, &end, 0);
			no_ioctls = ioctls == 0;
		} else if (a == "--guests") {
			guests = std::strtoull(v, &end, 0);
			no_guests = guests == 0;
		} else if (a == "--seconds")
			seconds = std::strtod(v, &end);
		else
			end = nullptr;
		if (!end || *end) {
			usage(stderr);
			return 2;
		}
	}
	if (seconds > 0)
		ioctls = guests = 0;
	fuzz::install_kick_handler();
	std::printf("fuzz: seed=%llu\n", static_cast<unsigned long long>(seed));
	std::fflush(stdout);

	auto budget = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
		std::chrono::duration<double>(seconds > 0 ? seconds : 1e6));
	uint64_t failures = 0;
	auto start = std::chrono::steady_clock::now();
	// A count of 0 skips a campaign; --seconds gives the others a time budget.
	if (ioctls || (seconds > 0 && !no_ioctls)) {
		auto r = fuzz::fuzz_ioctls(seed, ioctls, start + budget);
		r.print("ioctl", seconds_since(start));
		failures += r.failures;
	}
	if (guests || (seconds > 0 && !no_guests)) {
		auto mid = std::chrono::steady_clock::now();
		auto r = fuzz::fuzz_guests(seed ^ 0x9e3779b97f4a7c15ULL, guests, mid + budget);
		r.print("guest", seconds_since(mid));
		failures += r.failures;
	}
	std::printf("fuzz: %s\n", failures ? "FINDINGS" : "no findings");
	return failures ? 1 : 0;
}
