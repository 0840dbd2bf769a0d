// SPDX-License-Identifier: GPL-2.0
#include "avcpu/virtio_rng.h"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>

namespace avcpu
{

namespace
{
// Fills [p, p + n) from getrandom(); false if the host cannot give random bytes.
bool fill_random(uint8_t *p, uint64_t n)
{
	while (n) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		p += got;
		n -= uint64_t(got);
	}
	return true;
}
} // namespace

// Section 5.4.6: the queue's buffers are device-writable; each gets random bytes.
bool VirtioRng::process(unsigned, Virtqueue &q)
{
	return q.serve([](const VirtqChain &c, uint32_t &written) {
		uint64_t n = std::min(c.writable_bytes(), max_request);
		// No entropy to give: an empty answer, and the driver asks again.
		written = c.segments(true, 0, n, fill_random) ? uint32_t(n) : 0;
		return true;
	});
}

} // namespace avcpu
