// SPDX-License-Identifier: GPL-2.0
// The ioctl campaign's AVCPU_IOEVENTFD and AVCPU_IRQFD arguments: mostly bindings of a
// plausible shape (the test layout's MMIO region and SPIs, eventfds that exist), sometimes
// anything at all; and eventfds closed behind the bindings' backs now and then.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cstdint>

#include <linux/avcpu.h>

#include "fuzz.h"

namespace fuzz
{

class EventfdPool
{
public:
	EventfdPool()
	{
		for (auto &fd : fds_)
			fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	}
	~EventfdPool()
	{
		for (int fd : fds_)
			if (fd >= 0)
				close(fd);
	}
	EventfdPool(const EventfdPool &) = delete;
	EventfdPool &operator=(const EventfdPool &) = delete;

	// An eventfd of the pool, another descriptor (not an eventfd) or a number.
	int pick(Rng &rng)
	{
		if (rng.chance(90))
			return fds_[rng.below(fds_.size())];
		return rng.chance(50) ? STDIN_FILENO : int(rng.edgy());
	}

	// Signals one (raising whatever it is bound to), or closes one and opens another.
	void churn(Rng &rng)
	{
		int &fd = fds_[rng.below(fds_.size())];
		uint64_t one = 1;

		if (rng.chance(80) && fd >= 0) {
			(void)!write(fd, &one, sizeof(one));
			return;
		}
		if (fd >= 0)
			close(fd);
		fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	}

private:
	std::array<int, 4> fds_{};
};

inline avcpu_ioeventfd random_ioeventfd(Rng &rng, EventfdPool &pool)
{
	static constexpr uint32_t widths[] = {0, 1, 2, 4, 8};
	avcpu_ioeventfd a{};
	bool sane = rng.chance(80);

	a.addr = sane ? 0x0e000000ULL + rng.below(64) * 4 : rng.edgy();
	a.len = sane ? widths[rng.below(5)] : uint32_t(rng.edgy());
	a.fd = pool.pick(rng);
	a.datamatch = rng.chance(50) ? rng.below(4) : rng.edgy();
	a.flags = sane ? uint32_t(rng.below(4)) : uint32_t(rng.edgy());
	if (rng.chance(5))
		a.pad = uint32_t(rng.edgy());
	if (rng.chance(5))
		a.reserved[rng.below(2)] = rng.edgy();
	return a;
}

inline avcpu_irqfd random_irqfd(Rng &rng, EventfdPool &pool)
{
	avcpu_irqfd a{};
	bool sane = rng.chance(80);

	a.intid = sane ? uint32_t(32 + rng.below(40)) : uint32_t(rng.edgy());
	a.fd = pool.pick(rng);
	a.resample_fd = pool.pick(rng);
	a.flags = sane ? uint32_t(rng.below(4)) : uint32_t(rng.edgy());
	if (rng.chance(5))
		a.reserved[rng.below(2)] = rng.edgy();
	return a;
}

} // namespace fuzz
