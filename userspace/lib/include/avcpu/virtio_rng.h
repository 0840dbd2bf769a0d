// SPDX-License-Identifier: GPL-2.0
// virtio-rng, the entropy device (virtio 1.2 section 5.4): each buffer the driver offers
// is filled from the host's getrandom(), so a guest's random pool is seeded at boot
// instead of waiting for entropy of its own.
#pragma once

#include "avcpu/virtio_mmio.h"

namespace avcpu
{

class VirtioRng final : public VirtioBackend
{
public:
	// The most one request gets (section 5.4.6.1 lets the device return fewer bytes
	// than the buffer holds): a bound on the time one notification takes.
	static constexpr uint64_t max_request = uint64_t{64} * 1024;

	uint32_t device_id() const override { return virtio::id_entropy; }
	uint64_t features() const override { return 0; }
	unsigned queue_count() const override { return 1; }
	bool process(unsigned queue, Virtqueue &q) override;
};

} // namespace avcpu
