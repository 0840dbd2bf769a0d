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
	VirtqChain c;
	for (unsigned i = 0; i < q.size; i++) {
		auto popped = q.pop(c);
		if (popped != Virtqueue::Pop::chain)
			return popped == Virtqueue::Pop::empty;
		uint64_t n = std::min(c.writable_bytes(), max_request);
		if (!c.segments(true, 0, n, fill_random))
			n = 0; // no entropy to give: an empty answer, the driver asks again
		if (!q.push(c.head, uint32_t(n)))
			return false;
	}
	return true;
}

} // namespace avcpu
